"""``scs-sim dashboard``: serve the Solara dashboard (needs the dashboard extra).

Solara is imported only when this subcommand runs, so the core CLI works without it.
The server binds 127.0.0.1 unless ``--host`` says otherwise: in a lecture hall,
``--host 0.0.0.0`` lets students' devices on the same network connect.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "scs_sim.viz.app"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` subcommand."""
    from scs_sim.cli import add_plugin_option

    p = subparsers.add_parser(
        "dashboard",
        help="serve the interactive dashboard in the browser",
        description="Serve the Solara dashboard. Each browser session gets its own model. "
        "It binds 127.0.0.1 (this machine only) unless --host is given; use --host 0.0.0.0 "
        "to let other devices (a lecture hall's) connect.",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"interface to bind (default {DEFAULT_HOST}; 0.0.0.0 = every interface)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--scenario", help="scenario shown first (default: full-scs)")
    p.add_argument("--lecture", action="store_true", help="start in lecture mode")
    p.add_argument("--dev", action="store_true", help="Solara development mode (auto-reload)")
    add_plugin_option(p)  # passed on to the server in SCS_SIM_PLUGINS
    p.set_defaults(func=dashboard_command)


def dashboard_command(args: argparse.Namespace) -> int:
    """Check the arguments, then replace this process with ``solara run``."""
    from scs_sim.cli import InputError

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: allowed: 0 to 65535")
    if importlib.util.find_spec("solara") is None:
        raise InputError(
            'the dashboard needs its extra: pip install -e ".[dashboard]" (solara is missing)'
        )
    if args.scenario:
        from scs_sim.loading import resolve_scenario_path

        resolve_scenario_path(args.scenario)  # a one-line error now, not a blank page later
        os.environ["SCS_SIM_DASHBOARD_SCENARIO"] = os.path.basename(args.scenario).removesuffix(
            ".toml"
        )
    if args.lecture:
        os.environ["SCS_SIM_DASHBOARD_LECTURE"] = "1"
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP,
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--no-open",
    ]
    if not args.dev:
        command.append("--production")
    print(
        f"scs-sim dashboard: serving http://{args.host}:{args.port}/", file=sys.stderr, flush=True
    )
    # exec keeps one process: Ctrl-C and the caller's kill reach the server directly.
    os.execv(sys.executable, command)
    return 0  # not reached
