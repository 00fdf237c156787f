"""``scs-sim validate``: check scenario files without running them."""

from __future__ import annotations

import argparse

from scs_sim.loading import ScenarioError, load_scenario


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand."""
    from scs_sim.cli import add_plugin_option

    p = subparsers.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+", help="scenario files or names")
    add_plugin_option(p)
    p.set_defaults(func=validate_command)


def validate_command(args: argparse.Namespace) -> int:
    """Validate each file; one line per file; exit 2 if any fails."""
    failed = None
    for name in args.files:
        try:
            params = load_scenario(name)
        except ScenarioError as exc:
            failed = exc
            continue
        print(f"ok: {name} ({params.name}, {params.n_citizens} citizens, {params.steps} steps)")
    if failed is not None:
        raise failed
    return 0
