#!/usr/bin/env bash
# Stops only what infra/up.sh and infra/live.sh started (the processes in their pid files).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$DG_ROOT/infra/live.sh" stop
bash "$DG_ROOT/infra/stop-pid.sh" kafka "$DG_STATE_DIR/kafka/kafka.pid" 60
bash "$DG_ROOT/infra/stop-pid.sh" clickhouse "$DG_STATE_DIR/clickhouse/clickhouse.pid" 30
