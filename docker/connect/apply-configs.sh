#!/usr/bin/env sh
# Idempotently applies every {"name": ..., "config": {...}} file of DIR to a Connect worker:
# PUT /connectors/{name}/config creates or updates; applying the same file twice changes nothing.
# Usage: apply-configs.sh DIR [REST_URL]
set -eu
dir="$1"
rest="${2:-http://localhost:8083}"
i=0
until curl -fsS "$rest/connectors" > /dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -gt 120 ] && { echo "apply-configs: $rest did not answer" >&2; exit 1; }
  sleep 1
done
for f in "$dir"/*.json; do
  [ -e "$f" ] || continue
  name=$(sed -n 's/^[[:space:]]*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | head -n 1)
  # The config object is everything after "config": up to the matching final brace of the file.
  config=$(awk 'BEGIN{found=0} /"config"[[:space:]]*:/ {found=1; sub(/.*"config"[[:space:]]*:/, "")} found {print}' "$f" | sed '$ s/}[[:space:]]*$//')
  code=$(printf '%s' "$config" | curl -sS -o /tmp/apply.out -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary @- "$rest/connectors/$name/config")
  case "$code" in
    200) echo "apply-configs: $name unchanged or updated" ;;
    201) echo "apply-configs: $name created" ;;
    *) echo "apply-configs: $name failed with HTTP $code: $(cat /tmp/apply.out)" >&2 ;;
  esac
done
