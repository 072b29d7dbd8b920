#!/usr/bin/env bash
# Container entry point of a facility: starts this facility's own Kafka Connect worker against the central Kafka,
# then applies the facility connector(s) with apply-connectors.sh once the worker's REST API answers.
#
#   facility-entrypoint.sh                        run (the container's default)
#   facility-entrypoint.sh --print-worker-config  print the rendered worker properties and exit
#
# Worker properties: fixed settings below, then every CONNECT_<NAME> environment variable as <name> (lower case,
# "_" -> ".", "__" -> "_"; env-to-properties.sh, shared with docker/connect/entrypoint.sh), which compose.yml
# uses for the per-facility identity (group.id and the three storage topics all carry FACILITY_DHIS2_CODE:
# facilities must never share a Connect group). Secrets stay ${env:...} references resolved by the worker's env
# config provider; none is written to the properties file.
set -euo pipefail

fail() { printf 'facility-entrypoint: error: %s\n' "$*" >&2; exit 2; }

KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
FACILITY_HOME="${FACILITY_HOME:-/opt/facility}"
WORKER_PROPERTIES="${WORKER_PROPERTIES:-/tmp/facility-connect-worker.properties}"
# In the image it sits next to this script; in the repository it is docker/connect/'s.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENV_TO_PROPERTIES=$here/env-to-properties.sh
[[ -f $ENV_TO_PROPERTIES ]] || ENV_TO_PROPERTIES=$here/../connect/env-to-properties.sh

missing=()
for var in FACILITY_DHIS2_CODE KAFKA_BOOTSTRAP_SERVERS KAFKA_USER KAFKA_PASS CONNECT_GROUP_ID \
  CONNECT_CONFIG_STORAGE_TOPIC CONNECT_OFFSET_STORAGE_TOPIC CONNECT_STATUS_STORAGE_TOPIC; do
  [[ -n ${!var:-} ]] || missing+=("$var")
done
((${#missing[@]} == 0)) || fail "environment variable(s) not set: ${missing[*]} (see .env.sample and compose.yml)"
[[ $KAFKA_USER != *'"'* && $KAFKA_USER != *'\'* ]] || fail "KAFKA_USER must not contain quotes or backslashes"
for var in CONNECT_GROUP_ID CONNECT_CONFIG_STORAGE_TOPIC CONNECT_OFFSET_STORAGE_TOPIC CONNECT_STATUS_STORAGE_TOPIC; do
  [[ ${!var} == *"$FACILITY_DHIS2_CODE"* ]] ||
    fail "$var must contain FACILITY_DHIS2_CODE ($FACILITY_DHIS2_CODE): a Connect group shared between facilities would move one facility's task into another facility's container"
done

# Java properties escaping of a value (backslashes; leading blanks are kept by escaping the first one).
prop() {
  local value=${2//\\/\\\\}
  [[ $value == ' '* ]] && value="\\$value"
  printf '%s=%s\n' "$1" "$value"
}

render_worker_config() {
  local jaas="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$KAFKA_USER\" password=\"\${env:KAFKA_PASS}\";"
  local client
  prop bootstrap.servers "$KAFKA_BOOTSTRAP_SERVERS"
  prop listeners "http://0.0.0.0:${CONNECT_REST_PORT:-8083}"
  prop plugin.path "${CONNECT_PLUGIN_PATH:-/opt/kafka/plugins},$FACILITY_HOME/plugins"
  prop config.providers env
  prop config.providers.env.class org.apache.kafka.common.config.provider.EnvVarConfigProvider
  prop config.storage.replication.factor -1
  prop offset.storage.replication.factor -1
  prop status.storage.replication.factor -1
  prop key.converter org.apache.kafka.connect.json.JsonConverter
  prop key.converter.schemas.enable true
  prop value.converter org.apache.kafka.connect.json.JsonConverter
  prop value.converter.schemas.enable true
  for client in "" producer. consumer. admin.; do
    prop "${client}security.protocol" SASL_SSL
    prop "${client}sasl.mechanism" PLAIN
    prop "${client}sasl.jaas.config" "$jaas"
  done
  # the one CONNECT_* mapping both images use (docker/connect/env-to-properties.sh)
  sh "$ENV_TO_PROPERTIES" CONNECT_PLUGIN_PATH CONNECT_REST_PORT CONNECT_URL
}

if [[ ${1:-} == --print-worker-config ]]; then
  render_worker_config
  exit 0
fi

render_worker_config >"$WORKER_PROPERTIES"
"$KAFKA_HOME/bin/connect-distributed.sh" "$WORKER_PROPERTIES" &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true' TERM INT

export CONNECT_URL="${CONNECT_URL:-http://localhost:${CONNECT_REST_PORT:-8083}}"
status=0
"$FACILITY_HOME/bin/apply-connectors.sh" || status=$?
if ((status != 0)); then
  # Fail the container loudly (its restart policy retries) rather than run a worker without its connector.
  echo "facility-entrypoint: applying the connector configs failed ($status); stopping the worker" >&2
  kill -TERM "$worker" 2>/dev/null || true
  wait "$worker" || true
  exit "$status"
fi
wait "$worker" || status=$?
# A TERM interrupts the first wait (the trap forwards it); wait again for the worker's own exit.
if kill -0 "$worker" 2>/dev/null; then
  wait "$worker" || status=$?
fi
exit "$status"
