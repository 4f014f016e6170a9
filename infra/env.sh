#!/usr/bin/env bash
# Shared defaults for the native infrastructure scripts. Every value can be overridden from the environment.
DG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DG_ROOT
export DG_STATE_DIR="${DG_STATE_DIR:-$DG_ROOT/.data}"
export DG_KAFKA_PORT="${DG_KAFKA_PORT:-19092}"
export DG_KAFKA_CONTROLLER_PORT="${DG_KAFKA_CONTROLLER_PORT:-19093}"
export DG_KAFKA_HEAP="${DG_KAFKA_HEAP:-768m}"
export DG_CLICKHOUSE_HTTP_PORT="${DG_CLICKHOUSE_HTTP_PORT:-18123}"
export DG_CLICKHOUSE_TCP_PORT="${DG_CLICKHOUSE_TCP_PORT:-19000}"
export DG_READY_TIMEOUT_S="${DG_READY_TIMEOUT_S:-120}"

# Prints a message to stderr and exits 1.
die() { echo "error: $*" >&2; exit 1; }

# True when the pid in the given file belongs to a live process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# True when a TCP port on loopback accepts connections.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until "$2" (a command) succeeds or the deadline passes; names the log file on failure.
wait_ready() {
  local name="$1" check="$2" log="$3" deadline=$((SECONDS + DG_READY_TIMEOUT_S))
  until eval "$check"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "error: $name not ready after ${DG_READY_TIMEOUT_S}s; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}
