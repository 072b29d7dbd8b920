#!/usr/bin/env sh
# Renders the distributed worker config from CONNECT_* environment variables (CONNECT_BOOTSTRAP_SERVERS ->
# bootstrap.servers, CONNECT_CONFIG_STORAGE_TOPIC -> config.storage.topic, ...), starts the worker, and, when
# CONNECT_APPLY_CONFIGS_DIR is set, applies the connector configs found there once the REST API answers.
set -eu
props=/tmp/connect-distributed.properties
: > "$props"
env | grep '^CONNECT_' | grep -v '^CONNECT_APPLY_CONFIGS_DIR=' | while IFS='=' read -r name value; do
  key=$(echo "${name#CONNECT_}" | tr 'A-Z' 'a-z' | tr '_' '.')
  printf '%s=%s\n' "$key" "$value" >> "$props"
done
grep -q '^rest.port=\|^listeners=' "$props" || echo "listeners=http://0.0.0.0:8083" >> "$props"
if [ -n "${CONNECT_APPLY_CONFIGS_DIR:-}" ]; then
  /usr/local/bin/apply-configs.sh "$CONNECT_APPLY_CONFIGS_DIR" "http://localhost:8083" &
fi
exec /opt/kafka/bin/connect-distributed.sh "$props"
