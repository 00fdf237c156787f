#!/usr/bin/env bash
# Refresh the README's images on purpose (tests never write into the repository):
#   docs/img/compare-baseline-full-scs.png  `scs-sim run --compare baseline full-scs` (5,000 citizens)
#   docs/img/dashboard.png                  the dashboard at week 34, taken by the browser test
# Usage: tools/screenshots.sh [VENV]   (default .venv; `make screenshots` calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv}"
IMG="$PWD/docs/img"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "screenshots: comparison figure (scs-sim run --compare baseline full-scs, 5,000 citizens)"
"$VENV/bin/scs-sim" run --compare baseline full-scs --set n_citizens=5000 --out "$WORK/cmp"
cp "$WORK/cmp/comparison.png" "$IMG/compare-baseline-full-scs.png.tmp"
mv "$IMG/compare-baseline-full-scs.png.tmp" "$IMG/compare-baseline-full-scs.png"

echo "screenshots: dashboard (Chromium, tests/test_dashboard_browser.py)"
tools/ensure-chromium.sh
SCS_SIM_SCREENSHOT_DIR="$IMG" "$VENV/bin/pytest" -q -p no:cacheprovider \
    tests/test_dashboard_browser.py -k page_renders

echo "screenshots: updated; review with: git diff --stat docs/img"
git status --short docs/img
