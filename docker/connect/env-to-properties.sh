#!/usr/bin/env sh
# Prints Kafka Connect worker properties from the CONNECT_* environment variables, the one mapping both images
# use (docker/connect/entrypoint.sh and docker/facility/facility-entrypoint.sh):
#   CONNECT_<NAME> -> <name> lower-cased, "_" -> ".", "__" -> "_"
#   (CONNECT_CONFIG_STORAGE_TOPIC -> config.storage.topic,
#    CONNECT_CONNECTOR_CLIENT_CONFIG__OVERRIDE__POLICY -> connector.client.config_override_policy)
# sorted by variable name, values escaped for a .properties file (backslashes, a leading blank, line breaks).
# Usage: env-to-properties.sh [VARIABLE_TO_SKIP ...]   (settings the entrypoint consumes itself)
set -eu
exec awk -v skip=" $* " 'BEGIN {
  n = 0
  for (var in ENVIRON) {
    if (var ~ /^CONNECT_[A-Za-z0-9_]+$/ && index(skip, " " var " ") == 0) {
      # insertion sort: POSIX awk has no sort function
      i = n++
      while (i > 0 && names[i - 1] > var) { names[i] = names[i - 1]; i-- }
      names[i] = var
    }
  }
  for (i = 0; i < n; i++) {
    key = tolower(substr(names[i], 9))
    gsub(/__/, "\001", key); gsub(/_/, ".", key); gsub(/\001/, "_", key)
    print key "=" escape(ENVIRON[names[i]])
  }
}
# char by char: gsub replacement escaping differs between awk implementations (busybox, mawk, gawk)
function escape(v,   out, c, j) {
  out = ""
  for (j = 1; j <= length(v); j++) {
    c = substr(v, j, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\n") out = out "\\n"
    else if (c == " " && j == 1) out = out "\\ "
    else out = out c
  }
  return out
}'
