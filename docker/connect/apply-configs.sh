#!/usr/bin/env sh
# Idempotently applies {"name": ..., "config": {...}} files to a Connect worker: PUT /connectors/{name}/config
# creates or updates; applying the same file twice changes nothing. Used by the image at start and by
# bin/connector-apply.
# Usage: apply-configs.sh DIR_OR_FILE... [REST_URL]
#   a directory means every *.json in it; the last argument is the REST URL when it starts with http
#   (default http://localhost:8083). APPLY_WAIT_SECONDS (default 120): how long to wait for the REST API.
# Exit status 1 if any file failed to apply.
set -eu
rest=http://localhost:8083
n=$#
i=0
for arg in "$@"; do
  i=$((i + 1))
  if [ "$i" -eq "$n" ] && [ "$n" -gt 1 ]; then
    case "$arg" in http://* | https://*) rest="$arg" ;; esac
  fi
done
[ "$n" -gt 0 ] || { echo "usage: apply-configs.sh DIR_OR_FILE... [REST_URL]" >&2; exit 2; }
wait_seconds="${APPLY_WAIT_SECONDS:-120}"
i=0
until curl -fsS "$rest/connectors" > /dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -gt "$wait_seconds" ] && { echo "apply-configs: $rest did not answer" >&2; exit 1; }
  sleep 1
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
failed=0
apply() {
  f="$1"
  name=$(sed -n 's/^[[:space:]]*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | head -n 1)
  if [ -z "$name" ]; then
    echo "apply-configs: $f has no \"name\": expected {\"name\": ..., \"config\": {...}}" >&2
    failed=1
    return
  fi
  # The config object is everything after "config": up to the matching final brace of the file.
  config=$(awk 'BEGIN{found=0} /"config"[[:space:]]*:/ {found=1; sub(/.*"config"[[:space:]]*:/, "")} found {print}' "$f" | sed '$ s/}[[:space:]]*$//')
  code=$(printf '%s' "$config" | curl -sS -o "$out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary @- "$rest/connectors/$name/config")
  case "$code" in
    200) echo "apply-configs: $name unchanged or updated" ;;
    201) echo "apply-configs: $name created" ;;
    *) echo "apply-configs: $name failed with HTTP $code: $(cat "$out")" >&2; failed=1 ;;
  esac
}
i=0
for arg in "$@"; do
  i=$((i + 1))
  [ "$i" -eq "$n" ] && [ "$arg" = "$rest" ] && [ "$n" -gt 1 ] && continue
  if [ -d "$arg" ]; then
    for f in "$arg"/*.json; do
      [ -e "$f" ] || continue
      apply "$f"
    done
  elif [ -f "$arg" ]; then
    apply "$arg"
  else
    echo "apply-configs: no such file or directory: $arg" >&2
    failed=1
  fi
done
exit "$failed"
