"""``scs-sim dashboard``: serve the Solara dashboard (needs the dashboard extra).

Solara is imported only when this subcommand runs, so the core CLI works without it.
The server binds 127.0.0.1 unless ``--host`` says otherwise: in a lecture hall,
``--host 0.0.0.0`` lets students' devices on the same network connect.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import os
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "scs_sim.viz.app"
CULL_TIMEOUT = "10m"
# The same as scs_sim.viz.access.TOKEN_ENV and scs_sim.viz.limits' (a test checks): the
# parser is built without importing scs_sim.viz.
TOKEN_ENV = "SCS_SIM_TOKEN"
MAX_SESSIONS_ENV = "SCS_SIM_MAX_SESSIONS"
MAX_SESSIONS = 50

OPEN_PORT_WARNING = """
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! scs-sim dashboard: WARNING: serving on {host} with NO ACCESS TOKEN.
!! Anyone who can reach this port can open sessions on this machine. Give a token:
!!   scs-sim dashboard --host {host} --token "$(openssl rand -hex 16)"
!! (or set SCS_SIM_TOKEN) and share the printed address, which ends in ?token=...
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
"""


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


SOLARA_COOKIE_WARNING = "Cookies with samesite=none require https"
"""Start of the warning Solara gives for each page served over http (see dashboard_command)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` subcommand."""
    from scs_sim.cli import add_plugin_option

    p = subparsers.add_parser(
        "dashboard",
        help="serve the interactive dashboard in the browser",
        description="Serve the Solara dashboard. Each browser session gets its own model. "
        "It binds 127.0.0.1 (this machine only) unless --host is given; use --host 0.0.0.0 "
        "to let other devices (a lecture hall's) connect.",
        epilog="examples:\n"
        "  scs-sim dashboard                     # http://127.0.0.1:8765/\n"
        "  scs-sim dashboard --port 8800\n"
        '  scs-sim dashboard --host 0.0.0.0 --lecture --token "$(openssl rand -hex 16)"\n'
        "                                        # a lecture hall: share the ?token= address\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"interface to bind (default {DEFAULT_HOST}; 0.0.0.0 = every interface)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV) or None,
        help=f"access token (default ${TOKEN_ENV}): visitors open the printed address "
        "ending in ?token=...; without it they get 401. Strongly advised with --host",
    )
    p.add_argument(
        "--max-sessions",
        type=int,
        default=None,
        help=f"browser sessions at once (default {MAX_SESSIONS}); one more sees a message",
    )
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
    if args.max_sessions is not None:
        if args.max_sessions < 1:
            raise InputError(f"--max-sessions {args.max_sessions}: allowed: an integer >= 1")
        os.environ[MAX_SESSIONS_ENV] = str(args.max_sessions)
    if args.token is not None:
        from scs_sim.viz.access import valid_token

        if not valid_token(args.token):
            raise InputError(
                "--token: allowed: 8 to 200 letters, digits or . _ ~ - "
                '(e.g. --token "$(openssl rand -hex 16)")'
            )
        os.environ[TOKEN_ENV] = args.token
    elif not _loopback(args.host):
        print(OPEN_PORT_WARNING.format(host=args.host), file=sys.stderr, flush=True)
    # A browser that vanished without closing its tab frees its session after 10 minutes
    # (Solara's default is 24 hours).
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", CULL_TIMEOUT)
    # Solara warns on every page served over plain http to a host other than "localhost"
    # that its session cookie falls back to samesite=lax: expected here, so not shown.
    quiet = f"ignore:{SOLARA_COOKIE_WARNING}:UserWarning"
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), quiet]))
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
    query = f"?token={args.token}" if args.token else ""
    print(
        f"scs-sim dashboard: serving http://{args.host}:{args.port}/{query}",
        file=sys.stderr,
        flush=True,
    )
    # exec keeps one process: Ctrl-C and the caller's kill reach the server directly.
    os.execv(sys.executable, command)
    return 0  # not reached
