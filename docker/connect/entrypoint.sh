#!/usr/bin/env sh
# Renders the distributed worker config from CONNECT_* environment variables (CONNECT_BOOTSTRAP_SERVERS ->
# bootstrap.servers, CONNECT_CONFIG_STORAGE_TOPIC -> config.storage.topic, ...; env-to-properties.sh, the mapping
# the facility image uses too), starts the worker, and, when CONNECT_APPLY_CONFIGS_DIR is set, applies the
# connector configs found there once the REST API answers.
#
#   entrypoint.sh                        run (the container's default)
#   entrypoint.sh --print-worker-config  print the rendered worker properties and exit
set -eu
here=$(cd "$(dirname "$0")" && pwd)

render_worker_config() {
  sh "$here/env-to-properties.sh" CONNECT_APPLY_CONFIGS_DIR
  if [ -z "${CONNECT_REST_PORT:-}" ] && [ -z "${CONNECT_LISTENERS:-}" ]; then
    echo "listeners=http://0.0.0.0:8083"
  fi
}

if [ "${1:-}" = --print-worker-config ]; then
  render_worker_config
  exit 0
fi

props=/tmp/connect-distributed.properties
render_worker_config > "$props"
if [ -n "${CONNECT_APPLY_CONFIGS_DIR:-}" ]; then
  "$here/apply-configs.sh" "$CONNECT_APPLY_CONFIGS_DIR" "http://localhost:8083" &
fi
exec /opt/kafka/bin/connect-distributed.sh "$props"
