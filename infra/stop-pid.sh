#!/usr/bin/env bash
# Stops the process recorded in a pid file (TERM, then KILL after a grace period) and removes the file.
set -euo pipefail
source "$(dirname "$0")/env.sh"
name="$1"; pidf="$2"; grace="${3:-30}"
if ! pid_alive "$pidf"; then rm -f "$pidf"; echo "$name: not running"; exit 0; fi
pid="$(cat "$pidf")"; kill -TERM "$pid"
for _ in $(seq 1 $((grace * 2))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then echo "$name: did not stop in ${grace}s, killing"; kill -KILL "$pid"; fi
rm -f "$pidf"; echo "$name: stopped"
