"""``scs-sim sweep``: run a parameter sweep locally, in a process pool, or on Dask."""

from __future__ import annotations

import argparse
import contextlib
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from scs_sim.cli import USAGE_ERROR


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` subcommand."""
    from scs_sim.cli import add_plugin_option

    p = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep (resumes when rerun)",
        description="Run a sweep file: one Parquet file per run under OUT/runs/, a manifest, "
        "and a design table. Rerunning the same command resumes an interrupted sweep.",
        epilog="--set takes a dotted path into the sweep file: steps=10, replicates=1,\n"
        "design.samples=16, base.surveillance=0.3, parameters.weight_ties.values=[0,0.4].\n"
        "A scenario field alone (n_citizens=200) is short for base.n_citizens.\n\n"
        "examples:\n"
        "  scs-sim sweep scenarios/sweeps/surveillance-ties.toml --out results/st "
        "--set replicates=1 --set n_citizens=300\n"
        "  scs-sim sweep scenarios/sweeps/score-weights-sobol.toml --out results/sobol "
        "--dry-run\n"
        "  scs-sim sweep scenarios/sweeps/surveillance-ties.toml --out results/st "
        "--workers 2 --csv\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file",
        help="sweep file (TOML) or the name of a shipped sweep, e.g. surveillance-ties",
    )
    p.add_argument("--out", type=Path, help="results folder (default: results/sweeps/<name>)")
    p.add_argument(
        "--workers",
        type=int,
        help="local worker processes (default 1: serial); with --dask, LocalCluster workers",
    )
    p.add_argument(
        "--dask",
        action="store_true",
        help="run on Dask: the scheduler in DASK_SCHEDULER_ADDRESS, else a local cluster",
    )
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a sweep field"
    )
    p.add_argument("--csv", action="store_true", help="also write OUT/results.csv")
    p.add_argument("--dry-run", action="store_true", help="check the file, print the plan, exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.add_argument(
        "--allow-large",
        action="store_true",
        help="run even if a run's memory estimate exceeds the available memory",
    )
    add_plugin_option(p)
    p.set_defaults(func=sweep_command)


def sweep_command(args: argparse.Namespace) -> int:
    """Validate, run (resuming), and summarise."""
    from scs_sim.cli import InputError
    from scs_sim.cli.checks import allow_large
    from scs_sim.sweeps.spec import load_sweep

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: allowed: an integer >= 1")
    allow_large(args.allow_large)
    sweep = load_sweep(args.file, args.set, caller="cli")
    if args.dry_run:
        kept = sweep.kept_steps()
        print(
            f"ok: {args.file} ({sweep.name}): {sweep.design.kind} design, "
            f"{sweep.design.n_points} points x {sweep.spec.replicates} replicates = "
            f"{sweep.n_runs} runs of {sweep.base.n_citizens} citizens x {sweep.steps} steps; "
            f"keeping {len(sweep.metrics)} metrics at {len(kept)} steps"
        )
        return 0

    from scs_sim.sweeps import storage
    from scs_sim.sweeps.api import default_out, run_sweep
    from scs_sim.sweeps.execute import dask_executor, local_pool

    out = args.out or default_out(sweep)
    storage.check_folder(out, sweep.digest(), "cli")  # before starting any cluster
    try:
        with contextlib.ExitStack() as stack:
            if args.dask:
                executor, name = stack.enter_context(dask_executor(args.workers))
            elif args.workers and args.workers > 1:
                executor = stack.enter_context(local_pool(args.workers))
                name = f"local process pool ({args.workers} workers)"
            else:
                executor, name = None, "serial"
            outcome = run_sweep(
                sweep,
                out,
                executor=executor,
                csv=args.csv,
                progress=not args.quiet,
                executor_name=name,
            )
    except BrokenProcessPool:
        print(
            f"scs-sim: error: a worker process died (killed, or out of memory); the runs "
            f"written in {out}/ are complete: rerun the same command to resume",
            file=sys.stderr,
        )
        return USAGE_ERROR
    if not args.quiet:
        resumed = f", {outcome.skipped} already done" if outcome.skipped else ""
        print(
            f"wrote {out}/: {sweep.n_runs} runs ({outcome.executed} run now{resumed}) "
            f"in {outcome.wall_s:.1f} s on {name}"
        )
        print(f"report: scs-sim sweep-report {out}")
    return 0
