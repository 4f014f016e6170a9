#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (playwright-core drives /usr/bin/chromium).
set -euo pipefail
command -v chromium >/dev/null && exit 0
[ "$(id -u)" = 0 ] || { echo "error: chromium missing; run: sudo apt-get install chromium" >&2; exit 1; }
echo "installing Debian's chromium for the browser tests"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
