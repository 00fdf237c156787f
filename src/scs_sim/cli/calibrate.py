"""``scs-sim calibrate``: fit a scenario to the published blacklist figures.

At the default reduced population (the scenario's, 50,000 citizens) with eight
seeds on two worker processes, a fit takes about five minutes on two cores. To rerun
at full size, raise ``--n-citizens`` (e.g. 1000000); the method does not change.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DEFAULT_OUT = Path("benchmarks/results/calibration-2019.json")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` subcommand."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit a scenario's free parameters to the published blacklist figures",
        description="Method of simulated moments (Nelder-Mead over the mean moments of fixed "
        "seeds). Targets and sources: docs/calibration.md.",
        epilog="examples:\n"
        "  scs-sim calibrate                           # refit calibrated-2019 (~5 min of CPU)\n"
        "  scs-sim calibrate --n-citizens 2000 --seeds 1 2 --max-evals 5 --out fit.json\n"
        "  scs-sim calibrate --scenario-out my-fit.toml  # also write the fitted scenario\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario", nargs="?", default="calibrated-2019", help="scenario (default calibrated-2019)"
    )
    p.add_argument("--n-citizens", type=int, help="population for the fit (default: scenario's)")
    p.add_argument(
        "--seeds", type=int, nargs="+", default=list(range(1, 9)), help="seeds (default 1-8)"
    )
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--max-evals", type=int, default=60, help="evaluation budget (default 60)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON record ({DEFAULT_OUT})")
    p.add_argument("--scenario-out", type=Path, help="also write the fitted scenario as TOML")
    p.add_argument("--quiet", action="store_true", help="no progress and no summary")
    p.set_defaults(func=calibrate_command)


def _check(args: argparse.Namespace) -> None:
    from scs_sim.cli import InputError

    if args.n_citizens is not None and not 100 <= args.n_citizens <= 50_000_000:
        raise InputError(f"--n-citizens {args.n_citizens}: allowed: 100 <= n <= 50000000")
    if args.workers < 1:
        raise InputError(f"--workers {args.workers}: allowed: an integer >= 1")
    if args.max_evals < 4:
        raise InputError(f"--max-evals {args.max_evals}: allowed: an integer >= 4")
    if len(set(args.seeds)) != len(args.seeds):
        raise InputError("--seeds: allowed: distinct integers")
    from scs_sim.cli.checks import check_seed

    for seed in args.seeds:
        check_seed(seed, "--seeds")


def calibrate_command(args: argparse.Namespace) -> int:
    """Fit, write the JSON record (and optionally the scenario), print a summary."""
    from scs_sim.calibration import TARGETS, calibrate, fit_record
    from scs_sim.kernel_cache import announce_compilation
    from scs_sim.loading import scenario_to_toml
    from scs_sim.output import atomic_text, portable_path, provenance
    from scs_sim.runner import resolve

    _check(args)
    base, source = resolve(args.scenario, caller="cli")
    if not args.quiet:
        announce_compilation()

    def progress(k: int, d: float) -> None:
        if not args.quiet:
            print(f"evaluation {k}: distance {d:.3f}", file=sys.stderr, flush=True)

    executor = None
    if args.workers > 1:
        # spawn: safe whatever threads the parent holds; workers import scs_sim once.
        context = multiprocessing.get_context("spawn")
        executor = ProcessPoolExecutor(args.workers, mp_context=context)
    try:
        result = calibrate(
            base,
            seeds=args.seeds,
            n_citizens=args.n_citizens,
            max_evaluations=args.max_evals,
            executor=executor,
            progress=progress,
        )
    finally:
        if executor is not None:
            executor.shutdown()
    record = fit_record(result, base, portable_path(source)) | {"provenance": provenance()}
    atomic_text(args.out, json.dumps(record, indent=2) + "\n")
    if args.scenario_out is not None:
        fitted = base.model_copy(update=result.fitted)
        atomic_text(args.scenario_out, scenario_to_toml(fitted))
    if not args.quiet:
        for name, value in result.fitted.items():
            print(f"{name} = {value:.4g}")
        for t in TARGETS:
            ok = "ok" if result.within[t.name] else "OUT"
            sim = result.moments[t.name]
            print(f"{t.name}: simulated {sim:.4f}, target {t.value:.4f} +- {t.tolerance} [{ok}]")
        print(
            f"distance {result.distance:.3f} after {result.evaluations} evaluations; "
            f"wrote {args.out}"
        )
    return 0
