"""``scs-sim run``: run one scenario, or compare two on the same seed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scs_sim.loading import parse_override
from scs_sim.scenario import DEFAULT_SEED

if TYPE_CHECKING:
    from scs_sim.runner import RunResult

PROGRESS_MIN_WORK = 5_000_000
"""Citizen-steps above which a progress bar is shown."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    from scs_sim.cli import add_plugin_option

    p = subparsers.add_parser(
        "run",
        help="run a scenario and write its results",
        description="Run a scenario (default: the embedded baseline) and write Parquet, CSV, "
        "a manifest and a figure.",
    )
    p.add_argument("scenario", nargs="?", help="scenario file or name (default: baseline defaults)")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="run A and B on the same seed")
    p.add_argument("--steps", type=int, help="steps to run (default: the scenario's)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a scenario field"
    )
    p.add_argument("--out", type=Path, help="output folder (default: results/<name>-seed<S>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    add_plugin_option(p)
    p.set_defaults(func=run_command)


def _progress_bar(total: int, n: int, quiet: bool, label: str):
    if quiet or total * n < PROGRESS_MIN_WORK:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="step", file=sys.stderr)
    return bar, lambda _step: bar.update(1)


def _run(scenario: str | None, args: argparse.Namespace, overrides: dict) -> RunResult:
    from scs_sim.runner import resolve, run_scenario

    params, source = resolve(scenario, overrides)
    steps = args.steps if args.steps is not None else params.steps
    bar, progress = _progress_bar(steps, params.n_citizens, args.quiet, params.name)
    try:
        return run_scenario(params, seed=args.seed, steps=steps, progress=progress, source=source)
    finally:
        if bar is not None:
            bar.close()


def _summary(results: dict[str, RunResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    from scs_sim.runner import KEY_METRICS

    table = Table(title="final step" + (" (B - A in the last column)" if len(results) == 2 else ""))
    table.add_column("metric")
    for label in results:
        table.add_column(label, justify="right")
    frames = [r.series.iloc[-1] for r in results.values()]
    if len(frames) == 2:
        table.add_column("difference", justify="right")
    for name in KEY_METRICS:
        cells = [f"{f[name]:.4g}" for f in frames]
        if len(frames) == 2:
            cells.append(f"{frames[1][name] - frames[0][name]:+.4g}")
        table.add_row(name, *cells)
    Console().print(table)


def run_command(args: argparse.Namespace) -> int:
    """Run, write and summarise."""
    from scs_sim.cli import InputError
    from scs_sim.output import write_comparison, write_run
    from scs_sim.runner import compare_runs

    if args.steps is not None and args.steps < 1:
        raise InputError(f"--steps {args.steps}: allowed: an integer >= 1")
    if args.compare and args.scenario:
        raise InputError("give either SCENARIO or --compare A B, not both")
    overrides = dict(parse_override(item) for item in args.set)
    if args.compare:
        a, b = (_run(name, args, overrides) for name in args.compare)
        out = (
            args.out or Path("results") / f"compare-{a.params.name}-{b.params.name}-seed{args.seed}"
        )
        write_comparison(out, a, b, compare_runs(a, b))
        results = {f"A {a.params.name}": a, f"B {b.params.name}": b}
    else:
        result = _run(args.scenario, args, overrides)
        out = args.out or Path("results") / f"{result.params.name}-seed{args.seed}"
        write_run(out, result)
        results = {result.params.name: result}
    if not args.quiet:
        _summary(results)
        total = sum(r.timings["total_s"] for r in results.values())
        print(f"wrote {out}/ in {total:.2f} s (seed {args.seed})")
    return 0
