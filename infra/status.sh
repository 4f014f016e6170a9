#!/usr/bin/env bash
# Prints whether each native service is running and reachable; exits 1 when one is not.
set -uo pipefail
source "$(dirname "$0")/env.sh"
rc=0
report() {
  local name="$1" pidf="$2" port="$3"
  if pid_alive "$pidf" && port_open "$port"; then echo "$name: up (pid $(cat "$pidf"), 127.0.0.1:$port)"
  elif port_open "$port"; then echo "$name: port $port answers but was not started by make up"
  else echo "$name: down"; rc=1; fi
}
report kafka "$DG_STATE_DIR/kafka/kafka.pid" "$DG_KAFKA_PORT"
report clickhouse "$DG_STATE_DIR/clickhouse/clickhouse.pid" "$DG_CLICKHOUSE_HTTP_PORT"
exit $rc
