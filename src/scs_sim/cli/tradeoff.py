"""``scs-sim tradeoff``: what each policy buys and what it costs, against its control."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tradeoff`` subcommand."""
    from scs_sim import tradeoff

    p = subparsers.add_parser(
        "tradeoff",
        help="benefits against costs of each scenario, vs its no-score control",
        description="Run each scenario and its no-score control (the same scenario with "
        "scoring, threshold sanctions and the blacklist off, no events) on several seeds "
        "with common random numbers, and write "
        "OUT/tradeoff.csv (one row per scenario and outcome: difference and effect with a 95% "
        "interval over seeds) and OUT/tradeoff.png (the frontier). Outcomes are defined in "
        "docs/outputs.md; rerunning the same command resumes.",
        epilog="examples:\n"
        "  scs-sim tradeoff                                  # every shipped scenario\n"
        "  scs-sim tradeoff full-scs blacklist --seeds 1 2 3 --steps 52 --out results/t\n"
        "  scs-sim tradeoff --set n_citizens=5000 --workers 2\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenarios", nargs="*", help="scenario names or files (default: all shipped)")
    p.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=list(tradeoff.DEFAULT_SEEDS),
        help=f"seeds (default {' '.join(map(str, tradeoff.DEFAULT_SEEDS))})",
    )
    p.add_argument("--steps", type=int, help=f"steps per run (default {tradeoff.DEFAULT_STEPS})")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"scenario field for every run (default n_citizens={tradeoff.DEFAULT_CITIZENS})",
    )
    p.add_argument("--out", type=Path, default=Path("results/tradeoff"), help="results folder")
    p.add_argument("--workers", type=int, help="local worker processes (default 1: serial)")
    p.add_argument(
        "--dask",
        action="store_true",
        help="run on Dask: the scheduler in DASK_SCHEDULER_ADDRESS, else a local cluster",
    )
    p.add_argument("--quiet", action="store_true", help="no progress and no summary")
    p.add_argument(
        "--doc",
        action="store_true",
        help="regenerate docs/tradeoffs.md from its fixed configuration (ignores the others)",
    )
    p.add_argument(
        "--check", action="store_true", help="with --doc: exit 1 if docs/tradeoffs.md is stale"
    )
    p.set_defaults(func=tradeoff_command)


def doc_command(args: argparse.Namespace) -> int:
    """Regenerate (or check) docs/tradeoffs.md."""
    from scs_sim import tradeoff_report
    from scs_sim.sweeps.execute import local_pool

    if not args.quiet:
        print(
            "running every shipped scenario and its control for docs/tradeoffs.md "
            f"(seeds {tradeoff_report.DOC_SEEDS}, {tradeoff_report.DOC_CITIZENS} citizens)...",
            file=sys.stderr,
        )
    with local_pool(args.workers or 2) as pool:
        table = tradeoff_report.compute(pool)
    if args.check:
        diff = tradeoff_report.stale_diff(table)
        if diff:
            print("\n".join(diff[:40]))
            print("docs/tradeoffs.md is stale: run scs-sim tradeoff --doc", file=sys.stderr)
            return 1
        print("docs/tradeoffs.md is up to date")
        return 0
    tradeoff_report.write(table)
    print(f"wrote {tradeoff_report.DOC} and docs/{tradeoff_report.FIGURE}")
    return 0


def tradeoff_command(args: argparse.Namespace) -> int:
    """Resolve, run (resuming), write, summarise."""
    from scs_sim.cli import InputError

    if args.check and not args.doc:
        raise InputError("--check: allowed only with --doc")
    if args.doc:
        return doc_command(args)
    from scs_sim.loading import parse_override

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: allowed: an integer >= 1")
    if args.steps is not None and args.steps < 1:
        raise InputError(f"--steps {args.steps}: allowed: an integer >= 1")
    if any(s < 0 for s in args.seeds):
        raise InputError(f"--seeds {min(args.seeds)}: allowed: integers >= 0")
    overrides = dict(parse_override(item) for item in args.set)

    from scs_sim import tradeoff
    from scs_sim.sweeps.execute import dask_executor, local_pool

    names = args.scenarios or tradeoff.shipped_scenarios()
    # Resolve (and refuse bad input) before any pool or cluster starts.
    _, runs = tradeoff.resolve_arms(names, args.seeds, steps=args.steps, overrides=overrides)
    tradeoff._check_folder(args.out, tradeoff.digest(runs))
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        print(
            f"running {len(names)} scenarios and their controls on {len(args.seeds)} seeds "
            f"({len(runs)} runs; the first run compiles kernels)",
            file=sys.stderr,
        )
        bar = tqdm(total=len(runs), desc="tradeoff", unit="run", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()

    with contextlib.ExitStack() as stack:
        if args.dask:
            executor, _name = stack.enter_context(dask_executor(args.workers))
        elif args.workers and args.workers > 1:
            executor = stack.enter_context(local_pool(args.workers))
        else:
            executor = None
        try:
            result = tradeoff.run_tradeoff(
                names,
                args.out,
                seeds=args.seeds,
                steps=args.steps,
                overrides=overrides,
                executor=executor,
                progress=progress,
            )
        finally:
            if bar is not None:
                bar.close()
    if not args.quiet:
        _summary(result.table)
        print(f"wrote {args.out}/tradeoff.csv and tradeoff.png in {result.wall_s:.1f} s")
    return 0


def _summary(table) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Table(
        title="effect vs the no-score control: mean [95% CI] over seeds; "
        "+ = more benefit (benefits) or more harm (costs)"
    )
    for name, justify in (("scenario", "left"), ("outcome", "left"), ("kind", "left")):
        out.add_column(name, justify=justify)
    for name in ("policy", "control", "effect [95% CI]"):
        out.add_column(name, justify="right")
    for scenario, rows in table.groupby("scenario", sort=False):
        for k, row in enumerate(rows.itertuples()):
            out.add_row(
                scenario if k == 0 else "",
                row.outcome,
                row.kind,
                _num(row.policy),
                _num(row.control),
                f"{_num(row.effect, '+')} [{_num(row.effect_low, '+')}, "
                f"{_num(row.effect_high, '+')}]",
                end_section=k == len(rows) - 1,
            )
    Console().print(out)


def _num(value: float, sign: str = "") -> str:
    return f"{value + 0.0:{sign}.3g}"  # + 0.0 turns -0.0 into 0.0
