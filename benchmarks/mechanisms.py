"""Where a step's time goes: each mechanism of the step order timed on its own.

Builds one full-scs model, runs warm-up steps, then times every mechanism of
``model.step_order`` (under the model's backend) step after step, and reports each
one's median and the median total. The timings are taken in one process, one after
another, so their ratios hold even when the shared machine's speed changes.

Usage: .venv/bin/python benchmarks/mechanisms.py [--citizens 1000000] [--steps 8]
Results: benchmarks/results/mechanisms.md
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def time_mechanisms(citizens: int, steps: int, warmup: int, backend: str) -> dict[str, list[float]]:
    """Seconds each mechanism took, per timed step (plus ``collect``: the rest of the
    step, i.e. policy events, plug-in metrics and the DataCollector).

    The model steps as usual (``model.step()``); each mechanism of its step order is
    replaced by a copy whose rule and kernel record their time.
    """
    from scs_sim import SocialCreditModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SocialCreditModel("full-scs", rng=1, n_citizens=citizens, backend=backend)
    for _ in range(warmup):
        model.step()
    times: dict[str, list[float]] = {m.name: [] for m in model.step_order}
    model.step_order = [
        dataclasses.replace(m, rule=_timed(m.rule, log), kernel=_timed(m.kernel, log))
        for m, log in ((m, times[m.name]) for m in model.step_order)
    ]
    times["collect"] = []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        mechanisms = sum(v[-1] for k, v in times.items() if k != "collect")
        times["collect"].append(time.perf_counter() - start - mechanisms)
    return times


def _timed(run, into: list[float]):
    """``run`` (a rule or kernel, or ``None``) appending its duration to ``into``."""
    if run is None:
        return None

    def timed(ctx, step: int) -> None:
        start = time.perf_counter()
        run(ctx, step)
        into.append(time.perf_counter() - start)

    return timed


def table(times: dict[str, list[float]]) -> list[str]:
    """Markdown rows: mechanism, median ms, share of the median total."""
    medians = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    totals = [sum(v[i] for v in times.values()) * 1e3 for i in range(len(times["collect"]))]
    total = statistics.median(totals)
    rows = ["| mechanism | median (ms) | share of the step |", "|---|---:|---:|"]
    for name, ms in sorted(medians.items(), key=lambda kv: -kv[1]):
        rows.append(f"| {name} | {ms:.2f} | {100 * ms / total:.0f}% |")
    rows.append(f"| **step (median of the totals)** | {total:.2f} | |")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Time the mechanisms and write benchmarks/results/mechanisms.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=8, help="timed steps")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--backend", default="numba", choices=("numpy", "numba"))
    args = parser.parse_args(argv)
    from scs_sim.output import atomic_text

    load = os.getloadavg()[0]
    times = time_mechanisms(args.citizens, args.steps, args.warmup, args.backend)
    rows = table(times)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# Where a step's time goes",
            "",
            f"`benchmarks/mechanisms.py --citizens {args.citizens} --steps {args.steps}`, "
            f"backend {args.backend}, full-scs, seed 1, {stamp}; {platform.machine()}, "
            f"{os.cpu_count()} cores (shared), load average {load:.1f} at the start. "
            f"Medians over {args.steps} steps after {args.warmup}; every mechanism on its own, "
            "in step order.",
            "",
            *rows,
            "",
        ]
    )
    print(text)
    atomic_text(RESULTS / "mechanisms.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
