#!/usr/bin/env bash
# Install the browser the web tests drive (tests/test_web_browser.py): Debian's chromium
# at /usr/bin/chromium. Playwright's own browser downloads are not used: they need the
# network at test time and a CDN this project does not rely on. Idempotent: does nothing
# when /usr/bin/chromium is there. Usage: bash scripts/install_browser.sh
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: /usr/bin/chromium is missing and apt-get is not available;" >&2
    echo "install Chromium with the system's package manager (the browser tests skip without it)" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium
/usr/bin/chromium --version 2>/dev/null | head -n 1
