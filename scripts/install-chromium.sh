#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the report screenshot test
# (test/profile/report-screenshot.test.ts). Idempotent: does nothing when
# /usr/bin/chromium is already there. Needs root (or sudo) and apt.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-chromium.sh: need root or sudo to apt-get install chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-dejavu-core: a font so the screenshot has legible text without any network font.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

/usr/bin/chromium --version
