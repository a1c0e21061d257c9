#!/usr/bin/env bash
# Installs what the project needs on a fresh machine; safe to run again (each step checks first).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v npm >/dev/null || need_apt+=(nodejs npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The docs portal's browser tests (tests/docs) run Debian's headless Chromium.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if ((${#need_apt[@]})); then
  echo "bootstrap: installing ${need_apt[*]} from Debian's packages"
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: need root to install ${need_apt[*]} (or install them yourself)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
