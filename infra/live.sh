#!/usr/bin/env bash
# `make live`: Kafka and ClickHouse (infra/up.sh), `stream` and `serve` in the background, an admin and an analyst
# token, and simulated traffic at a steady rate; prints the UI address and the tokens. `live.sh stop` stops what it
# started (`make down` calls it). Pids and logs under $DG_LIVE_DIR (default .data/live).
set -euo pipefail
source "$(dirname "$0")/env.sh"
LIVE="${DG_LIVE_DIR:-$DG_STATE_DIR/live}"
RATE="${DG_LIVE_RATE:-2000}"
HOURS="${DG_LIVE_HOURS:-6}"
API_PORT="${DG_API_PORT:-8080}"
HEALTH_PORT="${DG_STREAM_HEALTH_PORT:-9464}"
CLI="$DG_ROOT/bin/distillguard"
export DG_KAFKA_BROKERS="${DG_KAFKA_BROKERS:-127.0.0.1:$DG_KAFKA_PORT}"
export DG_CLICKHOUSE_URL="${DG_CLICKHOUSE_URL:-http://127.0.0.1:$DG_CLICKHOUSE_HTTP_PORT}"
export DG_API_PORT="$API_PORT" DG_STREAM_HEALTH_PORT="$HEALTH_PORT"
export DG_LOG_SUMMARY_INTERVAL_S="${DG_LOG_SUMMARY_INTERVAL_S:-15}"
# The simulated hours arrive in about a minute, so their event time runs up to HOURS ahead of the wall clock; the
# stream's future-skew guard (1 h by default) would send most of them to the DLQ as future_ts.
export DG_MAX_FUTURE_SKEW_MS="${DG_MAX_FUTURE_SKEW_MS:-$(((HOURS + 1) * 3600000))}"

# node, not curl: a fresh machine has node (the project needs it) but maybe no curl.
http_ok() { node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$1"; }

# True while the live process is running (a child that exited stays a zombie until this shell ends; kill -0 says yes).
running() { local stat; stat="$(ps -o stat= -p "$(cat "$LIVE/$1.pid" 2>/dev/null)" 2>/dev/null)" && [[ "$stat" != Z* ]]; }

# Starts "$@" in the background as $1's live process, logging to $LIVE/$1.log.
start() {
  local name="$1"; shift
  nohup "$@" >"$LIVE/$name.log" 2>&1 &
  echo $! >"$LIVE/$name.pid"
}

stop_all() {
  for name in simulate serve stream; do
    [ -f "$LIVE/$name.pid" ] && bash "$DG_ROOT/infra/stop-pid.sh" "live $name" "$LIVE/$name.pid" 30
  done
  return 0
}

# Waits for a URL to answer 2xx; fails naming the log when the process exits or the deadline passes.
wait_url() {
  local name="$1" url="$2" deadline=$((SECONDS + DG_READY_TIMEOUT_S))
  until http_ok "$url"; do
    local why=""
    running "$name" || why="exited"
    [ "$SECONDS" -lt "$deadline" ] || why="not ready after ${DG_READY_TIMEOUT_S}s"
    if [ -n "$why" ]; then
      echo "error: $name $why; last lines of $LIVE/$name.log:" >&2
      tail -n 30 "$LIVE/$name.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

token() {
  "$CLI" token create --role "$1" --name "live-$1-$(date +%s)" 2>>"$LIVE/tokens.log"
}

print_access() {
  cat <<EOF

DistillGuard is live.
  UI:             http://127.0.0.1:$API_PORT/ui   (API docs: http://127.0.0.1:$API_PORT/docs)
  admin token:    $(cat "$LIVE/admin.token")
  analyst token:  $(cat "$LIVE/analyst.token")
  traffic:        simulate --hours $HOURS --rate $RATE (ground truth in $LIVE/truth.json)
  logs:           $LIVE/{stream,serve,simulate}.log   (a summary line every ${DG_LOG_SUMMARY_INTERVAL_S}s)
  stop:           make down   (or bash infra/live.sh stop to keep Kafka and ClickHouse)
Sign in with the analyst token; alerts reach the queue within a minute or two.
EOF
}

main() {
  mkdir -p "$LIVE"
  if pid_alive "$LIVE/serve.pid" && pid_alive "$LIVE/stream.pid"; then
    echo "already live"; print_access; return 0
  fi
  stop_all >/dev/null
  port_open "$API_PORT" && die "port $API_PORT is taken; set DG_API_PORT to a free port"
  port_open "$HEALTH_PORT" && die "port $HEALTH_PORT is taken; set DG_STREAM_HEALTH_PORT to a free port"
  bash "$DG_ROOT/infra/up.sh"
  "$CLI" migrate >/dev/null
  start stream "$CLI" stream
  start serve "$CLI" serve
  wait_url stream "http://127.0.0.1:$HEALTH_PORT/readyz"
  wait_url serve "http://127.0.0.1:$API_PORT/readyz"
  (umask 077 && token admin >"$LIVE/admin.token" && token analyst >"$LIVE/analyst.token")
  # Event time starts now, so alerts are live (not backfill) and the policy enforces them.
  start simulate "$CLI" simulate --hours "$HOURS" --rate "$RATE" --start "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --kafka-brokers "$DG_KAFKA_BROKERS" --truth "$LIVE/truth.json"
  print_access
}

case "${1:-start}" in
  start) main ;;
  stop) stop_all ;;
  *) die "usage: infra/live.sh [start|stop]" ;;
esac
