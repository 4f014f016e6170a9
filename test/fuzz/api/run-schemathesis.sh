#!/usr/bin/env bash
# Fuzzes the HTTP API from its OpenAPI document with schemathesis (see test/fuzz/api/run.ts).
# Usage: test/fuzz/api/run-schemathesis.sh [--short|--full]   (default --short, about two minutes)
# Needs the local Kafka and ClickHouse (make up); uses a private database and topics and removes them at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
VENV="$ROOT/.data/venv-fuzz"
REQUIREMENTS="$ROOT/infra/fuzz/requirements.txt"
PYTHON="${DG_FUZZ_PYTHON:-python3}"

mode=short
case "${1:-}" in
  --short | "") mode=short ;;
  --full) mode=full ;;
  *) echo "usage: $0 [--short|--full]" >&2; exit 2 ;;
esac

# Installs the pinned schemathesis once; reinstalls when the requirements file changes.
if ! cmp -s "$REQUIREMENTS" "$VENV/requirements.txt" 2>/dev/null; then
  echo "installing schemathesis into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$VENV/requirements.txt"
fi

cd "$ROOT"
exec node --import tsx test/fuzz/api/run.ts --schemathesis "$VENV/bin/schemathesis" --mode "$mode" \
  --out "$ROOT/.data/fuzz-api"
