"""Step time of the numpy rules against the numba kernels, by population size.

The ``"auto"`` backend (scs_sim.mechanisms.AUTO_NUMBA_FROM) runs numpy below the size
where the kernels become faster. This measures both backends, alternating, in one
process per size (numba's kernels loaded from its cache by a tiny model first, outside
the timed region), on a full-scs step: medians over ``--steps`` steps after
``--warmup``, on numba's default threads. Also the cold start: a fresh process that
builds and runs a small model, with and without numba (that one has nothing to compile).
Writes benchmarks/results/backends.md.

    .venv/bin/python benchmarks/backends.py
    .venv/bin/python benchmarks/backends.py --sizes 1000 10000 --steps 5   # smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SCENARIO = "full-scs"
SIZES = (1_000, 2_000, 5_000, 10_000, 30_000, 100_000)
RUN_STEPS = 100
"""Steps of a typical run, over which numpy's slower steps are weighed against loading kernels."""


def _measure(size: int, steps: int, warmup: int) -> dict:
    from scs_sim import SocialCreditModel

    SocialCreditModel(SCENARIO, rng=1, n_citizens=300, backend="numba").run(2)  # load kernels
    models = {
        b: SocialCreditModel(SCENARIO, rng=1, n_citizens=size, backend=b, agent_views=False)
        for b in ("numpy", "numba")
    }
    times: dict[str, list[float]] = {b: [] for b in models}
    for k in range(warmup + steps):
        for backend, model in models.items():
            start = time.perf_counter()
            model.step()
            if k >= warmup:
                times[backend].append(time.perf_counter() - start)
    same = models["numpy"].series().equals(models["numba"].series())
    return {
        "size": size,
        **{f"{b}_ms": 1000 * statistics.median(t) for b, t in times.items()},
        "same_results": same,
    }


def _cold(backend: str, size: int, cache_dir: str | None = None) -> float:
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir  # empty: every kernel is compiled
    code = (
        "import time; t = time.perf_counter()\n"
        "from scs_sim import SocialCreditModel\n"
        f"SocialCreditModel({SCENARIO!r}, rng=1, n_citizens={size}, backend={backend!r}).run(5)\n"
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=7, help="cold starts per backend")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.one, args.steps, args.warmup)))
        return
    rows = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--steps", str(args.steps)]
        cmd += ["--warmup", str(args.warmup)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout))
        print(rows[-1], flush=True)
    # Medians of alternating runs: one cold start is at the mercy of the shared machine.
    runs: dict[str, list[float]] = {"numpy": [], "numba": []}
    for _ in range(args.cold_runs):
        for backend in runs:
            runs[backend].append(_cold(backend, 2_000))
    cold = {b: statistics.median(t) for b, t in runs.items()}
    with tempfile.TemporaryDirectory() as empty:
        cold["numba, empty cache"] = _cold("numba", 2_000, empty)
    load = cold["numba"] - cold["numpy"]
    crossover = next(
        (r["size"] for r in rows if (r["numpy_ms"] - r["numba_ms"]) * RUN_STEPS / 1000 > load),
        None,
    )
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Backends: numpy rules against numba kernels",
        "",
        f"`benchmarks/backends.py`, {stamp}, {platform.machine()}, {os.cpu_count()} cores "
        f"(shared), {SCENARIO}, median of {args.steps} steps after {args.warmup}.",
        "",
        f"| citizens | numpy step (ms) | numba step (ms) | numpy / numba "
        f"| numpy's extra time over {RUN_STEPS} steps (s) | same results |",
        "|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        ratio = r["numpy_ms"] / r["numba_ms"]
        lines.append(
            f"| {r['size']:,} | {r['numpy_ms']:.2f} | {r['numba_ms']:.2f} | {ratio:.1f} | "
            f"{(r['numpy_ms'] - r['numba_ms']) * RUN_STEPS / 1000:.2f} | "
            f"{'yes' if r['same_results'] else 'NO'} |"
        )
    lines += [
        "",
        "Cold start, a fresh process importing scs_sim, building and running 2,000 "
        f"citizens for 5 steps (median of {args.cold_runs}): numpy {cold['numpy']:.2f} s; "
        "numba with its kernels cached "
        f"{cold['numba']:.2f} s (so loading them costs {load:.2f} s); numba with an empty "
        f"cache {cold['numba, empty cache']:.1f} s (compiling every kernel).",
        "",
        f"Crossover: the smallest size measured where numpy's extra time over {RUN_STEPS} "
        f"steps exceeds loading the cached kernels: {crossover or 'none measured'} citizens. "
        "`scs_sim.mechanisms.AUTO_NUMBA_FROM` is set from it (with an empty cache the "
        "first numba run costs the compilation above once).",
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backends.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
