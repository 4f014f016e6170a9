#!/usr/bin/env bash
# Starts the native infrastructure (Kafka, ClickHouse); harmless when already up.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/kafka/up.sh"
bash "$here/clickhouse/up.sh"
