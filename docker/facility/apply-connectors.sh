#!/usr/bin/env bash
# Renders this facility's connector configs from the environment and applies them to the local Connect worker,
# idempotently: a connector that does not exist is created, one whose config differs is updated, one that already
# has exactly this config is left alone (no write, no restart).
#
#   apply-connectors.sh [--render] [TEMPLATE.json ...]
#
# A template is a ready-to-POST {"name": ..., "config": {...}} file whose values may hold ${env:VAR} references.
# A non-secret VAR is replaced by its value (so the stored config shows what runs); a secret VAR (SECRET_VARS, or
# a name ending in _PASS, _PASSWORD, _SECRET or _TOKEN) stays a ${env:VAR} reference that the worker's env config
# provider resolves at run time, so no secret is ever written to the config topic. Every referenced VAR must be set
# and non-empty: otherwise nothing is applied and the error names it.
#
#   --render   print the rendered PUT bodies (one JSON object per line) instead of applying them
#
# Environment: CONNECT_URL (default http://localhost:8083), FACILITY_CONNECTORS_DIR (templates used when none are
# given, default /opt/facility/connectors), SECRET_VARS (default "DB_PASS KAFKA_PASS"), APPLY_WAIT_SECONDS (how long
# to wait for the worker's REST API, default 300).
# Exit codes: 0 applied (or nothing to do), 2 configuration error, 3 worker unreachable, 4 worker rejected a config.
# Needs bash, curl, awk, sed and coreutils (sort, join, paste, mktemp ...) only: no jq.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true
export LC_ALL=C

CONNECT_URL="${CONNECT_URL:-http://localhost:8083}"
CONNECT_URL="${CONNECT_URL%/}"
SECRET_VARS="${SECRET_VARS:-DB_PASS KAFKA_PASS}"
APPLY_WAIT_SECONDS="${APPLY_WAIT_SECONDS:-300}"
# A full awk (gawk or mawk) where there is one: busybox awk's byte handling is not relied upon.
AWK="${AWK:-$(command -v gawk || command -v mawk || command -v awk)}"

log() { printf '%s\n' "$*"; }
fail() { local code=$1; shift; printf 'apply-connectors: error: %s\n' "$*" >&2; exit "$code"; }

# Reads a JSON document and prints it as tab-separated lines, strings kept in one canonical JSON escaping (so two
# spellings of the same string compare equal):  N<TAB>name  and  C<TAB>key<TAB>value  for a template
# ({"name": "...", "config": {...}}), or only C lines for a flat object of strings (GET .../config).
json_lines() {
  "$AWK" '
  function fail(msg) { printf "invalid JSON (%s) at character %d\n", msg, pos > "/dev/stderr"; failed = 1; exit 1 }
  function ws() { while (pos <= len && index(" \t\r\n", substr(text, pos, 1)) > 0) pos++ }
  function expect(ch) { ws(); if (substr(text, pos, 1) != ch) fail("expected " ch); pos++ }
  function hexval(h,   i, v, c) {
    v = 0; h = tolower(h)
    for (i = 1; i <= 4; i++) { c = index("0123456789abcdef", substr(h, i, 1)); if (c == 0) fail("bad \\u escape"); v = v * 16 + c - 1 }
    return v
  }
  function utf8(cp) {
    if (cp < 128) return sprintf("%c", cp)
    if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
    if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
    return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
  }
  # Canonical escaping: \" \\ and \b \f \n \r \t as short escapes, other control characters as \u00xx, everything
  # else (including / and non-ASCII) as itself.
  function canon(cp) {
    if (cp == 34) return "\\\""
    if (cp == 92) return "\\\\"
    if (cp == 8) return "\\b"
    if (cp == 12) return "\\f"
    if (cp == 10) return "\\n"
    if (cp == 13) return "\\r"
    if (cp == 9) return "\\t"
    if (cp < 32) return sprintf("\\u%04x", cp)
    return utf8(cp)
  }
  function str(   out, c, e, cp, lo) {
    ws(); if (substr(text, pos, 1) != "\"") fail("expected a string"); pos++
    out = ""
    while (1) {
      if (pos > len) fail("unterminated string")
      c = substr(text, pos, 1)
      if (c == "\"") { pos++; return out }
      if (c == "\\") {
        e = substr(text, pos + 1, 1)
        if (e == "u") {
          cp = hexval(substr(text, pos + 2, 4)); pos += 6
          if (cp >= 55296 && cp < 56320 && substr(text, pos, 2) == "\\u") {
            lo = hexval(substr(text, pos + 2, 4))
            if (lo >= 56320 && lo < 57344) { cp = 65536 + (cp - 55296) * 1024 + (lo - 56320); pos += 6 }
          }
          out = out canon(cp)
        } else {
          if (e == "\"") out = out "\\\""
          else if (e == "\\") out = out "\\\\"
          else if (e == "/") out = out "/"
          else if (e == "b" || e == "f" || e == "n" || e == "r" || e == "t") out = out "\\" e
          else fail("bad escape")
          pos += 2
        }
      } else {
        if (c < " ") fail("raw control character in a string")
        out = out c; pos++
      }
    }
  }
  function strings_object(prefix,   k, v) {
    expect("{"); ws()
    if (substr(text, pos, 1) == "}") { pos++; return }
    while (1) {
      k = str(); expect(":"); v = str()
      print prefix "C\t" k "\t" v
      ws(); c = substr(text, pos, 1); pos++
      if (c == "}") return
      if (c != ",") fail("expected , or } (config values must be strings)")
    }
  }
  function template(   k, c, seen) {
    expect("{")
    while (1) {
      k = str(); expect(":")
      if (k == "name") { print "N\t" str(); seen++ }
      else if (k == "config") { strings_object(""); seen++ }
      else fail("unexpected key " k)
      ws(); c = substr(text, pos, 1); pos++
      if (c == "}") break
      if (c != ",") fail("expected , or }")
    }
    if (seen != 2) fail("a template needs name and config")
  }
  { text = text $0 "\n" }
  END {
    if (failed) exit 1
    len = length(text); pos = 1
    if (mode == "template") template(); else strings_object("")
    ws(); if (pos <= len) fail("trailing characters")
  }' mode="$1"
}

is_secret() {
  local var=$1 secret
  for secret in $SECRET_VARS; do [[ $var == "$secret" ]] && return 0; done
  [[ $var == *_PASS || $var == *_PASSWORD || $var == *_SECRET || $var == *_TOKEN ]]
}

# JSON string escaping of an environment value (control characters are refused before this).
json_escape() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '%s' "$s"
}

url_encode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [a-zA-Z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

# Replaces ${env:VAR} references in one canonical JSON string: non-secrets by their (escaped) value.
render_value() {
  local value=$1 var
  while [[ $value =~ \$\{env:([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
    var=${BASH_REMATCH[1]}
    if is_secret "$var"; then
      # Keep the reference; mark it so the loop moves on, then restore it below.
      value=${value//"\${env:$var}"/"@@SECRET_REF@@$var@@"}
    else
      value=${value//"\${env:$var}"/"$(json_escape "${!var}")"}
    fi
  done
  while [[ $value =~ @@SECRET_REF@@([A-Za-z_][A-Za-z0-9_]*)@@ ]]; do
    var=${BASH_REMATCH[1]}
    value=${value//"@@SECRET_REF@@$var@@"/"\${env:$var}"}
  done
  printf '%s' "$value"
}

# Every ${env:VAR} a template's lines use must be set and non-empty; prints "VAR<TAB>where" for each missing one.
missing_vars() {
  local line kind key value var
  while IFS= read -r line; do
    kind=${line%%$'\t'*}
    if [[ $kind == N ]]; then key=name; value=${line#N$'\t'}; else
      line=${line#C$'\t'}; key=${line%%$'\t'*}; value=${line#*$'\t'}; fi
    while [[ $value =~ \$\{env:([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
      var=${BASH_REMATCH[1]}
      value=${value//"\${env:$var}"/}
      if [[ -z ${!var:-} ]]; then
        printf '%s\t%s\n' "$var" "$key"
      elif [[ ${!var} == *[[:cntrl:]]* ]]; then
        printf '%s\t%s (it contains control characters)\n' "$var" "$key"
      elif [[ ${!var} == *'${'* ]]; then
        printf '%s\t%s (it contains "${", which Connect would read as a config provider reference)\n' "$var" "$key"
      fi
    done
  done
}

# Renders one template's lines: prints "name<TAB>NAME" then the sorted "key<TAB>value" lines (with "name").
render() {
  local lines=$1 line name='' key value
  while IFS= read -r line; do
    if [[ ${line%%$'\t'*} == N ]]; then name=$(render_value "${line#N$'\t'}"); fi
  done <<<"$lines"
  printf 'name\t%s\n' "$name"
  {
    while IFS= read -r line; do
      [[ ${line%%$'\t'*} == C ]] || continue
      line=${line#C$'\t'}; key=${line%%$'\t'*}; value=${line#*$'\t'}
      [[ $key == name ]] && continue
      printf '%s\t%s\n' "$key" "$(render_value "$value")"
    done <<<"$lines"
    printf 'name\t%s\n' "$name"
  } | sort
}

to_json() {
  local first=1 key value
  printf '{'
  while IFS=$'\t' read -r key value; do
    [[ $first == 1 ]] || printf ','
    first=0
    printf '"%s":"%s"' "$key" "$value"
  done
  printf '}\n'
}

wait_for_worker() {
  local deadline=$((SECONDS + APPLY_WAIT_SECONDS))
  until curl -fsS -o /dev/null "$CONNECT_URL/connectors" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      fail 3 "the Connect worker at $CONNECT_URL did not answer within ${APPLY_WAIT_SECONDS}s"
    fi
    sleep 2
  done
}

main() {
  local render_only=0
  if [[ ${1:-} == --render ]]; then render_only=1; shift; fi
  local templates=("$@")
  if ((${#templates[@]} == 0)); then
    shopt -s nullglob
    templates=("${FACILITY_CONNECTORS_DIR:-/opt/facility/connectors}"/*.json)
    shopt -u nullglob
    ((${#templates[@]} > 0)) || fail 2 "no connector templates in ${FACILITY_CONNECTORS_DIR:-/opt/facility/connectors}"
  fi

  # Parse and check every template before touching the worker: all or nothing.
  local -a parsed=()
  local template lines missing problems=''
  for template in "${templates[@]}"; do
    [[ -r $template ]] || fail 2 "cannot read template $template"
    lines=$(json_lines template <"$template") || fail 2 "$template is not a valid connector template"
    missing=$(missing_vars <<<"$lines")
    if [[ -n $missing ]]; then
      # One line per variable, naming every key that needs it.
      problems+=$(printf '%s\n' "$missing" | sort -u | awk -F '\t' -v file="$(basename "$template")" '
        { split($2, parts, " [(]it contains "); why = (2 in parts) ? "is not usable (it contains " parts[2] : "is not set"
          key = $1 SUBSEP why; if (!(key in where)) { order[++n] = key; where[key] = parts[1] } else where[key] = where[key] ", " parts[1] }
        END { for (i = 1; i <= n; i++) { split(order[i], kv, SUBSEP)
          printf "\n  environment variable %s %s (needed by %s in %s)", kv[1], kv[2], where[order[i]], file } }')
    fi
    parsed+=("$lines")
  done
  [[ -z $problems ]] || fail 2 "cannot render the connector configs:$problems"

  [[ $render_only == 1 ]] || wait_for_worker
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  local rendered name body status changed
  for lines in "${parsed[@]}"; do
    rendered=$(render "$lines")
    name=$(head -n 1 <<<"$rendered" | cut -f 2-)
    rendered=$(tail -n +2 <<<"$rendered")
    body=$(to_json <<<"$rendered")
    if [[ $render_only == 1 ]]; then printf '%s\n' "$body"; continue; fi
    [[ -n $name ]] || fail 2 "a template has an empty connector name"

    status=$(curl -sS -o "$tmp/current" -w '%{http_code}' "$CONNECT_URL/connectors/$(url_encode "$name")/config") ||
      fail 3 "cannot reach $CONNECT_URL"
    if [[ $status == 200 ]]; then
      json_lines flat <"$tmp/current" | cut -f 2- | sort >"$tmp/current.lines" ||
        fail 3 "unreadable answer from GET /connectors/$name/config"
      if [[ $(cat "$tmp/current.lines") == "$rendered" ]]; then
        log "$name: unchanged"
        continue
      fi
      changed=$( (cut -f 1 "$tmp/current.lines"; cut -f 1 <<<"$rendered") | sort | uniq -c | awk '$1 == 1 {print $2}')
      changed+=$'\n'$(join -t $'\t' "$tmp/current.lines" <(printf '%s\n' "$rendered") -o 1.1,1.2,2.2 2>/dev/null |
        awk -F '\t' '$2 != $3 {print $1}')
      changed=$(printf '%s\n' "$changed" | sed '/^$/d' | sort -u | paste -s -d ' ' -)
    elif [[ $status != 404 ]]; then
      fail 3 "GET /connectors/$name/config answered $status: $(cat "$tmp/current")"
    fi

    printf '%s' "$body" >"$tmp/body"
    status=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
      --data-binary @"$tmp/body" "$CONNECT_URL/connectors/$(url_encode "$name")/config") ||
      fail 3 "cannot reach $CONNECT_URL"
    case $status in
      201) log "$name: created" ;;
      200) log "$name: updated (changed: ${changed:-?})" ;;
      *) fail 4 "the worker rejected $name ($status): $(cat "$tmp/answer")" ;;
    esac
  done
}

main "$@"
