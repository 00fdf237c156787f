#!/usr/bin/env bash
# Install Debian's Chromium for the real-browser tests (tests/test_dashboard_browser.py) if it
# is missing. Playwright cannot download its own browser here; the tests launch /usr/bin/chromium.
# Installing needs apt-get as root (or sudo); it says so first and shows apt's progress.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    echo "Chromium for the browser tests: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=
elif command -v sudo >/dev/null; then
    SUDO=sudo
else
    echo "The browser tests need Chromium (/usr/bin/chromium), and installing it needs root:" >&2
    echo "  apt-get install chromium   (as root), then run make test again;" >&2
    echo "  or run the suite without them: make test-fast" >&2
    exit 2
fi
echo "The browser tests need Chromium: installing Debian's chromium package with apt-get" \
    "${SUDO:+(through sudo)}${SUDO:-(as root)}. This downloads about 100 MB once."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
echo "Installed: $(/usr/bin/chromium --version 2>/dev/null)"
