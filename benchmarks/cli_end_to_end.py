"""End-to-end time of `scs-sim run` through the CLI (process start, imports, run, writing).

Target (core issue): a 100,000-citizen, 100-step baseline run in under 10 s on a 2-core machine.
Prints a table of medians and writes it to benchmarks/results/cli_end_to_end.md.

    .venv/bin/python benchmarks/cli_end_to_end.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scs_sim.output import atomic_text

CASES = [
    ("baseline", 100_000, 100),
    ("full-scs", 100_000, 100),
]
RESULTS = Path(__file__).resolve().parent / "results" / "cli_end_to_end.md"


def time_run(scenario: str, n: int, steps: int) -> float:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "scs_sim.cli", "run", scenario, "--steps", str(steps)]
        cmd += ["--set", f"n_citizens={n}", "--out", out, "--quiet"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    lines = [
        "| scenario | citizens | steps | median wall time (s) | runs (s) |",
        "|---|---|---|---|---|",
    ]
    for scenario, n, steps in CASES:
        times = [time_run(scenario, n, steps) for _ in range(args.repeats)]
        runs = ", ".join(f"{t:.2f}" for t in times)
        lines.append(f"| {scenario} | {n:,} | {steps} | {statistics.median(times):.2f} | {runs} |")
        print(lines[-1], flush=True)
    table = "\n".join(lines)
    print(table)
    RESULTS.parent.mkdir(exist_ok=True)
    atomic_text(
        RESULTS,
        "# scs-sim run, end to end through the CLI\n\n"
        f"`{' '.join([Path(sys.executable).name, *sys.argv])}`\n\n{table}\n",
    )


if __name__ == "__main__":
    main()
