"""``scs-sim validation-report``: regenerate docs/validation.md, or ``--check`` it is current."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validation-report`` subcommand."""
    from scs_sim.validation import add_arguments

    p = subparsers.add_parser(
        "validation-report",
        help="regenerate docs/validation.md from fresh runs (or --check it is current)",
        description="Stylised facts across seeds, the calibration fit, docking with Epstein's "
        "model and Morris sensitivity, written to docs/validation.md with figures.",
        epilog="examples:\n"
        "  scs-sim validation-report                 # regenerate docs/validation.md (minutes)\n"
        "  scs-sim validation-report --check         # exit 1 if the page is stale\n"
        "  scs-sim validation-report --workers 1 --out /tmp/validation.md\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from scs_sim.validation.report import run

    return run(args)
