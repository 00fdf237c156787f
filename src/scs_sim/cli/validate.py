"""``scs-sim validate``: check scenario files without running them.

A file passes only if ``scs-sim run`` would accept it: the same resolver
(:func:`scs_sim.loading.resolve_scenario`) checks score rules, edge-list files and memory.
"""

from __future__ import annotations

import argparse

from scs_sim.loading import ScenarioError, load_scenario


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand."""
    from scs_sim.cli import add_plugin_option

    p = subparsers.add_parser(
        "validate",
        help="check scenario files",
        description="Check scenario files (or shipped names) without running them: one line "
        "per file, exit code 2 if any fails.",
        epilog="examples:\n"
        "  scs-sim validate full-scs                 # a shipped scenario by name\n"
        "  scs-sim validate scenarios/*.toml          # every file in a folder\n"
        "  scs-sim validate my.toml                   # one line naming the key if it fails\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", help="scenario files or names")
    p.add_argument(
        "--allow-large",
        action="store_true",
        help="accept scenarios whose memory estimate exceeds the available memory",
    )
    add_plugin_option(p)
    p.set_defaults(func=validate_command)


def validate_command(args: argparse.Namespace) -> int:
    """Validate each file; one line per file; exit 2 if any fails."""
    from scs_sim.cli.checks import allow_large

    allow_large(args.allow_large)
    failed = None
    for name in args.files:
        try:
            params = load_scenario(name, caller="cli")
        except ScenarioError as exc:
            failed = exc
            continue
        print(f"ok: {name} ({params.name}, {params.n_citizens} citizens, {params.steps} steps)")
    if failed is not None:
        raise failed
    return 0
