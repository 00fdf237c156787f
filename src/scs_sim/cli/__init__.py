"""The ``scs-sim`` command line. Each subcommand lives in its own module here.

Bad input (a scenario that fails validation, an unknown key, a missing file)
prints one line to stderr and exits with code 2, with no traceback and nothing
written.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from scs_sim.loading import NetworkFileError, ScenarioError

SUBCOMMANDS: tuple[str, ...] = (
    "run",
    "validate",
    "calibrate",
    "validation-report",
    "sweep",
    "sweep-report",
    "dashboard",
)
"""Modules of scs_sim.cli that each add one subcommand (``add_parser(subparsers)``)."""

USAGE_ERROR = 2


class InputError(ValueError):
    """Bad input given on the command line; the message is one line."""


def add_plugin_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--plugin FILE_OR_MODULE`` (repeatable) to a subcommand."""
    parser.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="FILE_OR_MODULE",
        help="load a plug-in (a .py file or a module; see docs/extending.md); repeatable",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from scs_sim import __version__

    parser = argparse.ArgumentParser(
        prog="scs-sim",
        description="Simulate social credit scoring on a synthetic population.",
    )
    parser.add_argument("--version", action="version", version=f"scs-sim {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"scs_sim.cli.{name.replace('-', '_')}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``scs-sim``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return USAGE_ERROR
    try:
        if getattr(args, "plugin", None):
            from scs_sim.plugins import activate

            activate(args.plugin)
        return int(args.func(args) or 0)
    except (ScenarioError, NetworkFileError, InputError) as exc:
        print(f"scs-sim: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("scs-sim: interrupted; files already written are complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
