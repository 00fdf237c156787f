"""Validation: stylised facts, docking, sensitivity, and the generated docs/validation.md.

``scs-sim validation-report`` (or ``python -m scs_sim.validation``) regenerates the
page from fresh runs; ``--check`` fails when the committed page is stale. This
module stays light (no scipy, SALib or matplotlib), because the command line
imports it to build its parser.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUT = Path("docs/validation.md")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``scs-sim validation-report`` and ``python -m scs_sim.validation``."""
    parser.add_argument("--check", action="store_true", help="fail if the page is stale")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"page ({DEFAULT_OUT})")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
