"""How the project's browser tests and benchmarks launch Chromium: Debian's, headless, offline.

Playwright cannot download its own browser here, so it is pointed at the system one
(``tools/ensure-chromium.sh`` installs it). The flags keep Chromium from reaching out to
the network or a GPU, neither of which the machines have.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Launch flags: no sandbox (root in a container), no GPU, no background network traffic."""
