#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests, unless one is already there.
# Playwright drives this system browser (it never downloads a browser of its own).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${STANCEGRAPH_CHROMIUM:-}" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from the system packages (for the browser tests)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
else
  echo "No chromium and no apt-get: install Chromium and set STANCEGRAPH_CHROMIUM to its path." >&2
  exit 1
fi
