"""The ``scs-sim`` command line. Each subcommand lives in its own module here.

Bad input (a scenario that fails validation, an unknown key, a missing file)
prints one line to stderr and exits with code 2, with no traceback and nothing
written.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence

from scs_sim.loading import NetworkFileError, ScenarioError

SUBCOMMANDS: tuple[str, ...] = (
    "run",
    "validate",
    "calibrate",
    "validation-report",
    "sweep",
    "sweep-report",
    "tradeoff",
    "dashboard",
)
"""Modules of scs_sim.cli that each add one subcommand (``add_parser(subparsers)``)."""

USAGE_ERROR = 2


class InputError(ValueError):
    """Bad input given on the command line; the message is one line."""


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    from scs_sim.input_errors import ScenarioWarning

    if issubclass(category, ScenarioWarning):
        print(f"scs-sim: warning: {message}", file=sys.stderr)
    else:
        warnings._showwarnmsg_impl(  # type: ignore[attr-defined]
            warnings.WarningMessage(message, category, filename, lineno, file, line)
        )


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
        epilog="examples:\n"
        "  scs-sim run                        # full-scs against its no-score control\n"
        "  scs-sim run --help                 # options, and the shipped scenarios\n"
        "  scs-sim dashboard                  # the interactive dashboard in the browser\n\n"
        "Every output column is defined in docs/outputs.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    from scs_sim.memory import ALLOW_LARGE_ENV

    allow_large = os.environ.get(ALLOW_LARGE_ENV)
    try:
        if getattr(args, "plugin", None):
            from scs_sim.plugins import activate

            activate(args.plugin)
        with warnings.catch_warnings():
            from scs_sim.input_errors import ScenarioWarning

            warnings.simplefilter("always", ScenarioWarning)  # every command says it again
            warnings.showwarning = _one_line_warning
            return int(args.func(args) or 0)
    except (ScenarioError, NetworkFileError, InputError) as exc:
        print(f"scs-sim: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("scs-sim: interrupted; files already written are complete", file=sys.stderr)
        return 130
    finally:  # --allow-large lasts for one command, also when main() runs in process
        if allow_large is None:
            os.environ.pop(ALLOW_LARGE_ENV, None)
        else:
            os.environ[ALLOW_LARGE_ENV] = allow_large


if __name__ == "__main__":
    sys.exit(main())
