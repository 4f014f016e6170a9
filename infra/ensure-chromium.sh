#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when no chromium is on PATH (test/browser/system.ts looks up
# `chromium`, then `chromium-browser`, on PATH, so any distribution's package will do).
set -euo pipefail
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then exit 0; fi
[ "$(id -u)" = 0 ] || { echo "error: chromium missing; run: sudo apt-get install chromium" >&2; exit 1; }
echo "installing Debian's chromium for the browser tests"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
