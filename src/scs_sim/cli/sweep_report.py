"""``scs-sim sweep-report``: a Markdown report, figures and tables of a sweep folder."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sweep-report`` subcommand."""
    p = subparsers.add_parser(
        "sweep-report",
        help="write a report of a sweep's results",
        description="Write DIR/report/report.md with replicate bands, outcomes and (Sobol or "
        "Morris designs) sensitivity indices, plus the figures and CSV tables.",
        epilog="examples:\n"
        "  scs-sim sweep-report results/st               # results/st/report/report.md\n"
        "  scs-sim sweep-report results/st --metric ties_cut --metric expression_gap\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", type=Path, help="sweep folder (the --out of scs-sim sweep)")
    p.add_argument(
        "--metric",
        action="append",
        dest="metrics",
        metavar="NAME",
        help="metric to analyse (repeatable; default: the sweep's analysis.metrics)",
    )
    p.set_defaults(func=report_command)


def report_command(args: argparse.Namespace) -> int:
    """Write the report and print its path."""
    from scs_sim.cli.checks import check_folder_arg
    from scs_sim.sweeps.report import write_report

    check_folder_arg(args.dir, "sweep-report")
    path = write_report(args.dir, args.metrics)
    print(f"wrote {path}")
    return 0
