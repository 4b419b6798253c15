#!/usr/bin/env bash
# Installs Virtuoso 7 (OpenLink Virtuoso Open Source) from the system packages, for the tests that
# run the query library against a second SPARQL engine. Only the binaries are installed
# (virtuoso-t, isql-vt): no system service is started; the tests start their own server on
# 127.0.0.1 with a fresh database in a temporary folder.
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1 || [ -n "${STANCEGRAPH_VIRTUOSO:-}" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "Installing Virtuoso from the system packages (for the SPARQL server tests)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    virtuoso-opensource-7-bin >/dev/null
else
  echo "No virtuoso-t and no apt-get: install Virtuoso 7 and set STANCEGRAPH_VIRTUOSO to virtuoso-t." >&2
  exit 1
fi
