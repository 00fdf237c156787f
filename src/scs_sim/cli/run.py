"""``scs-sim run``: run one scenario, or a scenario against its control on the same seed.

With no scenario, it runs the headline job: ``full-scs`` against its no-score control
``baseline`` (what ``--compare baseline full-scs`` does), so a first run shows what
scoring does to a population.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scs_sim.loading import known_scenarios, parse_override
from scs_sim.scenario import DEFAULT_SEED

if TYPE_CHECKING:
    from scs_sim.runner import RunResult
    from scs_sim.scenario import Scenario

HEADLINE = ("baseline", "full-scs")
"""The default job: (control, scenario), compared on the same seed and citizens."""

PROGRESS_DELAY_S = 1.0
"""A run's progress bar appears once the run has taken this long."""

EXAMPLES = """\
examples:
  scs-sim run                                    # full-scs against its no-score control
  scs-sim run sesame --steps 52 --seed 7 --set surveillance=0.8 --out results/mine
  scs-sim run --compare baseline minority        # A = control, B = scenario; B - A per week
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    from scs_sim.cli import add_plugin_option

    shipped = ", ".join(known_scenarios()) or "(none found)"
    p = subparsers.add_parser(
        "run",
        help="run a scenario (default: full-scs against its control) and write its results",
        description="Run a scenario and write its time series (Parquet and CSV), the resolved "
        "scenario, a manifest and a figure. Without a scenario, run the headline job: "
        "full-scs against the same citizens with no score (baseline), on the same seed.\n\n"
        f"shipped scenarios: {shipped}",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        nargs="?",
        help="scenario file or name (default: full-scs against baseline, as --compare)",
    )
    p.add_argument(
        "--compare",
        nargs=2,
        metavar=("A", "B"),
        help="run control A and scenario B on the same seed and B's citizens and ties",
    )
    p.add_argument("--steps", type=int, help="weeks to run (default: the scenario's)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a scenario field"
    )
    p.add_argument(
        "--out",
        type=Path,
        help="output folder (default: results/<name>-seed<S> or results/compare-<A>-<B>-seed<S>)",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an earlier run in --out (never a sweep)",
    )
    p.add_argument(
        "--allow-large",
        action="store_true",
        help="run even if the memory estimate exceeds the available memory",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    add_plugin_option(p)
    p.set_defaults(func=run_command)


def _run(params: Scenario, source: str, label: str, args: argparse.Namespace) -> RunResult:
    from scs_sim.runner import run_scenario

    steps = args.steps if args.steps is not None else params.steps
    if args.quiet:
        return run_scenario(params, seed=args.seed, steps=steps, source=source)
    from tqdm import tqdm

    with tqdm(total=steps, desc=label, unit="week", file=sys.stderr, delay=PROGRESS_DELAY_S) as bar:
        return run_scenario(
            params, seed=args.seed, steps=steps, progress=lambda _: bar.update(1), source=source
        )


def _cell(value: float, unit: str, sign: str = "") -> str:
    if math.isnan(value):
        return "-"
    return f"{value:{sign},.0f}" if unit == "count" else f"{value:{sign}.3g}"


def _summary(results: dict[str, RunResult]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from scs_sim.metric_info import CUMULATIVE, info
    from scs_sim.runner import KEY_METRICS

    last = {label: r.series.iloc[-1] for label, r in results.items()}
    week = int(next(iter(last.values()))["step"])
    compared = len(results) == 2
    title = f"week {week}" + (": the scenario against its control, same seed" if compared else "")
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("metric: meaning (unit)", ratio=1)
    for label in results:
        table.add_column(label.replace(" (", "\n("), justify="right", no_wrap=True)
    if compared:
        table.add_column("difference", justify="right", no_wrap=True)
    for name in KEY_METRICS:
        about = info(name)
        cells = [_cell(float(row[name]), about.unit) for row in last.values()]
        if compared:
            scenario, control = (float(row[name]) for row in last.values())
            cells.append(_cell(scenario - control, about.unit, "+"))
        total = ", total so far" if about.kind == CUMULATIVE else ""
        table.add_row(f"{name}\n[dim]{about.meaning} ({about.unit}{total})[/dim]", *cells)
    console = Console()
    console.print(table)
    if any(math.isnan(float(row[name])) for row in last.values() for name in KEY_METRICS):
        console.print("- : no score in this run, so no score figures")


def _out_error(exc: Exception) -> Exception:
    from scs_sim.cli import InputError

    return InputError(str(exc))


def run_command(args: argparse.Namespace) -> int:
    """Run, write and summarise."""
    from scs_sim.cli import InputError
    from scs_sim.cli.checks import allow_large, check_seed, check_steps
    from scs_sim.kernel_cache import announce_compilation
    from scs_sim.output import (
        OutputError,
        check_out_folder,
        comparison_files,
        run_files,
        slug,
        write_comparison,
        write_run,
    )
    from scs_sim.runner import compare_runs, matched, resolve

    check_steps(args.steps)
    check_seed(args.seed)
    allow_large(args.allow_large)
    if args.compare and args.scenario:
        raise InputError("give either SCENARIO or --compare A B, not both")
    overrides = dict(parse_override(item, "cli") for item in args.set)
    pair = tuple(args.compare) if args.compare else None if args.scenario else HEADLINE
    if pair is not None:
        scenario, scenario_source = resolve(pair[1], overrides, caller="cli")
        control, control_source = resolve(pair[0], overrides, caller="cli")
        control = matched(scenario, control)
        planned = comparison_files(control.name, scenario.name)
        default = f"compare-{slug(control.name)}-{slug(scenario.name)}-seed{args.seed}"
    else:
        params, source = resolve(args.scenario, overrides, caller="cli")
        planned = run_files()
        default = f"{slug(params.name)}-seed{args.seed}"
    out = args.out or Path("results") / default
    try:
        check_out_folder(out, planned, overwrite=args.overwrite)
    except OutputError as exc:
        raise _out_error(exc) from None
    if not args.quiet:
        first = scenario if pair is not None else params
        steps = args.steps if args.steps is not None else first.steps
        what = f"{scenario.name} against {control.name}" if pair is not None else params.name
        print(
            f"running {what}: {first.n_citizens:,} citizens, {steps} weeks, seed {args.seed}",
            file=sys.stderr,
            flush=True,
        )
        announce_compilation()
    try:
        if pair is not None:
            b = _run(scenario, scenario_source, scenario.name, args)
            a = _run(control, control_source, f"{control.name} (control)", args)
            write_comparison(out, a, b, compare_runs(a, b))
            results = {f"{b.params.name} (scenario)": b, f"{a.params.name} (control)": a}
            figure = "comparison.png"
        else:
            result = _run(params, source, params.name, args)
            write_run(out, result)
            results = {result.params.name: result}
            figure = "metrics.png"
    except OutputError as exc:
        raise _out_error(exc) from None
    if not args.quiet:
        _summary(results)
        total = sum(r.timings["total_s"] for r in results.values())
        print(f"wrote {out}/ in {total:.2f} s (seed {args.seed}); figure: {out / figure}")
        print(f"every column is defined in docs/outputs.md ({out}/manifest.json: provenance)")
    return 0
