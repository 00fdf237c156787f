"""Scale: step time, build time and memory from 10k to 10M citizens, against per-agent Mesa.

Targets (scale issue), on this machine (2 cores, shared):
- 1M citizens, mean degree 10, one full-scs step: median <= 50 ms (stretch 25 ms);
- the same rules as per-agent Mesa agents (benchmarks/mesa_reference.py) at 100k
  citizens, measured in the same run: >= 200x slower than the vectorised step;
- building the network for 1M citizens <= 2 s;
- 10M citizens: build and step within 6 GB RSS, one step <= 1 s;
- Population.nbytes() per citizen <= 150 bytes;
- metrics memory grows with steps x metrics, never with citizens.

Every measurement runs in a fresh Python process (so peak RSS is that size's own),
which first runs a tiny model so that numba's cached kernels are loaded outside the
timed region. Step times are medians over ``--steps`` steps after ``--warmup``
steps, on all of numba's threads (the default) and on one thread (as a sweep worker
runs), in alternating blocks of SWITCH_BLOCK steps. CPU time adds up every thread's time. Ratios
compare numbers from the same run. At the largest Mesa size the two models also run in
turn in one process (``--pairs`` pairs of one Mesa step and five vectorised steps), so
that both ratios' terms see the same moment of the shared machine. Writes
benchmarks/results/scale.md, scale.json and scale.png.

    .venv/bin/python benchmarks/scale.py                # 10k, 100k, 1M (+ Mesa 1k-100k)
    .venv/bin/python benchmarks/scale.py --ten-million  # also 10M citizens
    .venv/bin/python benchmarks/scale.py --quick        # small sizes only (smoke run)
    .venv/bin/python benchmarks/scale.py --ten-million --rounds 3   # everything 3 times
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SCENARIO = "full-scs"
SEED = 1


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(func) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


SWITCH_BLOCK = 5
"""Steps timed in a row on one thread count, each block after one untimed step.

A model runs on one thread count; switching at every step leaves each core's cache
holding the other's half of the arrays, which slows the steps on all threads (measured
in docs/scale.md, "Benchmark protocol").
"""


def vectorised_worker(n: int, repeats: int, warmup: int, steps: int) -> dict:
    """Build and step the package's model at ``n`` citizens; runs in its own process."""
    import numba
    import numpy as np

    from scs_sim import SocialCreditModel
    from scs_sim.loading import load_scenario
    from scs_sim.network import SocialNetwork

    SocialCreditModel(SCENARIO, rng=SEED, n_citizens=1000).run(2)  # load cached kernels
    params = load_scenario(SCENARIO, {"n_citizens": n})
    network_s = []
    for r in range(repeats):
        gen = np.random.default_rng(r)
        network_s.append(_timed(lambda gen=gen: SocialNetwork.generate(params, gen))[0])
    build_s, model = [], None
    for _ in range(repeats):
        model = None  # free the previous one before building the next
        start = time.perf_counter()
        model = SocialCreditModel(SCENARIO, rng=SEED, n_citizens=n, agent_views=False)
        build_s.append(time.perf_counter() - start)
    rss_built = _rss_mb()
    model.run(warmup)
    # Blocks of steps alternate between all of numba's threads and one thread (as in a
    # sweep worker), so both medians come from the same stretch of the same run.
    threads = numba.get_num_threads()
    wall, cpu, wall_1t = [], [], []
    while len(wall) < steps:
        block = min(SWITCH_BLOCK, steps - len(wall))
        model.step()  # not timed: the first step after a switch
        for _ in range(block):
            w, c = _timed(model.step)
            wall.append(w * 1000)
            cpu.append(c * 1000)
        numba.set_num_threads(1)
        model.step()
        wall_1t.extend(_timed(model.step)[0] * 1000 for _ in range(block))
        numba.set_num_threads(threads)
    vars_ = model.datacollector.model_vars
    values = sum(len(v) for v in vars_.values())
    metric_bytes = sum(sys.getsizeof(v) for v in vars_.values()) + 24 * values
    adj = model.network.adjacency
    layout = model.network.layout()
    return {
        "n": n,
        "network_s": network_s,
        "build_s": build_s,
        "step_ms": wall,
        "step_cpu_ms": cpu,
        "threads": threads,
        "step_1_thread_ms": wall_1t,
        "rss_after_build_mb": rss_built,
        "rss_after_steps_mb": _rss_mb(),
        "peak_rss_mb": _peak_rss_mb(),
        "population_bytes_per_citizen": model.population.nbytes() / n,
        "network_bytes_per_citizen": (adj.data.nbytes + adj.indices.nbytes + adj.indptr.nbytes) / n,
        "layout_bytes_per_citizen": layout.nbytes() / n if layout is not None else 0.0,
        "ties": int(adj.nnz),
        "metric_values": values,
        "metric_bytes": metric_bytes,
        "collected_steps": len(next(iter(vars_.values()))),
        "final": {k: float(v) for k, v in model.metrics.items()},
    }


def mesa_worker(n: int, warmup: int, steps: int) -> dict:
    """Build and step the per-agent Mesa reference at ``n`` citizens."""
    sys.path.insert(0, str(HERE))
    from mesa_reference import MesaCitizens

    start = time.perf_counter()
    model = MesaCitizens(SCENARIO, n, SEED)
    setup = time.perf_counter() - start
    for _ in range(warmup):
        model.step()
    wall, cpu = [], []
    for _ in range(steps):
        w, c = _timed(model.step)
        wall.append(w * 1000)
        cpu.append(c * 1000)
    return {
        "n": n,
        "setup_s": setup,
        "step_ms": wall,
        "step_cpu_ms": cpu,
        "peak_rss_mb": _peak_rss_mb(),
    }


PAIR_STEPS = 5
"""Vectorised steps timed after each per-agent Mesa step when the two run in turn."""


def interleaved_worker(n: int, pairs: int, steps: int) -> dict:
    """Per-agent Mesa and the vectorised model at ``n`` citizens, in turn in one process.

    Each pair times one Mesa step and then ``steps`` vectorised steps (one thread, as the
    Mesa model has), so both see the same moment of a shared machine; the ratio of each
    pair is Mesa's step over the vectorised median.
    """
    import numba

    sys.path.insert(0, str(HERE))
    from mesa_reference import MesaCitizens

    from scs_sim import SocialCreditModel

    SocialCreditModel(SCENARIO, rng=SEED, n_citizens=1000).run(2)  # load cached kernels
    numba.set_num_threads(1)
    ours = SocialCreditModel(SCENARIO, rng=SEED, n_citizens=n, agent_views=False)
    ours.run(3)
    theirs = MesaCitizens(SCENARIO, n, SEED)
    theirs.step()
    mesa_ms, ours_ms, ratios = [], [], []
    for _ in range(pairs):
        mesa_ms.append(_timed(theirs.step)[0] * 1000)
        batch = [_timed(ours.step)[0] * 1000 for _ in range(steps)]
        ours_ms.append(_median(batch))
        ratios.append(mesa_ms[-1] / ours_ms[-1])
    return {"n": n, "mesa_step_ms": mesa_ms, "step_ms": ours_ms, "ratios": ratios}


def _run_worker(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    return statistics.median(values)


def table(vec: list[dict], mesa: list[dict]) -> str:
    """The results as a markdown table of medians."""
    by_n = {m["n"]: m for m in mesa}
    lines = [
        "| citizens | network build (s) | model build (s) | step, median (ms) | step CPU, "
        "all threads, median (ms) | step on 1 thread, median (ms) | peak RSS (MB) "
        "| population bytes/citizen | per-agent Mesa step, median (ms) | Mesa / vectorised "
        "| Mesa / vectorised on 1 thread |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sizes = sorted({r["n"] for r in vec} | set(by_n))
    vec_by_n = {r["n"]: r for r in vec}
    for n in sizes:
        v, m = vec_by_n.get(n), by_n.get(n)
        cells = [f"{n:,}"]
        if v:
            cells += [
                f"{_median(v['network_s']):.2f}",
                f"{_median(v['build_s']):.2f}",
                f"{_median(v['step_ms']):.1f}",
                f"{_median(v['step_cpu_ms']):.1f}",
                f"{_median(v['step_1_thread_ms']):.1f}",
                f"{v['peak_rss_mb']:.0f}",
                f"{v['population_bytes_per_citizen']:.0f}",
            ]
        else:
            cells += [""] * 7
        if m:
            cells.append(f"{_median(m['step_ms']):.0f}")
            for key in ("step_ms", "step_1_thread_ms"):
                ratio = _median(m["step_ms"]) / _median(v[key]) if v else None
                cells.append(f"{ratio:.0f}x" if ratio else "")
        else:
            cells += ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_table(vec: list[dict]) -> str:
    """Memory by size: RSS after build, after the timed steps, peak; bytes per citizen."""
    lines = [
        "| citizens | ties (slots) | RSS after build (MB) | RSS after steps (MB) | peak RSS (MB) "
        "| population bytes/citizen | tie bytes/citizen | near/far layout bytes/citizen "
        "| metrics bytes per collected step |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in vec:
        lines.append(
            f"| {r['n']:,} | {r['ties']:,} | {r['rss_after_build_mb']:.0f} | "
            f"{r['rss_after_steps_mb']:.0f} | {r['peak_rss_mb']:.0f} | "
            f"{r['population_bytes_per_citizen']:.1f} | {r['network_bytes_per_citizen']:.1f} | "
            f"{r.get('layout_bytes_per_citizen', 0.0):.1f} | "
            f"{r['metric_bytes'] / r['collected_steps']:.0f} |"
        )
    return "\n".join(lines)


def plot(vec: list[dict], mesa: list[dict], path: Path) -> None:
    """Step time against citizens, log-log: vectorised (wall and CPU) and per-agent Mesa."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scs_sim.output import atomic_write

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ns = [r["n"] for r in vec]
    ax.plot(ns, [_median(r["step_ms"]) for r in vec], "o-", label="vectorised (wall)")
    ax.plot(ns, [_median(r["step_1_thread_ms"]) for r in vec], "o--", label="vectorised, 1 thread")
    if mesa:
        ax.plot(
            [r["n"] for r in mesa],
            [_median(r["step_ms"]) for r in mesa],
            "s-",
            label="per-agent Mesa (wall)",
        )
    ax.axhline(50, color="grey", lw=0.8, ls=":")
    ax.annotate("50 ms target (1M)", (ns[0], 50), fontsize=8, va="bottom", color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("citizens")
    ax.set_ylabel("one full-scs step, median (ms)")
    ax.set_title("scs_sim step time (2 shared cores)")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)


def one_round(sizes: list[int], mesa_sizes: list[int], args: argparse.Namespace) -> tuple:
    """Every size and the Mesa reference once, each in a fresh process."""
    vec, mesa = [], []
    for n in sorted(set(sizes) | set(mesa_sizes)):
        if n in mesa_sizes:
            mesa.append(_run_worker(["mesa", str(n), "1", str(args.mesa_steps)]))
            m = mesa[-1]
            print(
                f"mesa {n:>10,}: setup {m['setup_s']:.1f} s, step {_median(m['step_ms']):.0f} ms",
                flush=True,
            )
        if n in sizes:
            big = n >= 10_000_000
            vec.append(
                _run_worker(
                    ["vec", str(n), "1" if big else str(args.repeats), "3", str(args.steps)]
                )
            )
            v = vec[-1]
            print(
                f"vec  {n:>10,}: network {_median(v['network_s']):.2f} s, build "
                f"{_median(v['build_s']):.2f} s, step {_median(v['step_ms']):.1f} ms "
                f"on {v['threads']} threads, {_median(v['step_1_thread_ms']):.1f} ms on 1, "
                f"peak RSS {v['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    n = max(mesa_sizes)
    pair = _run_worker(["pair", str(n), str(args.pairs), str(PAIR_STEPS)])
    print(
        f"pair {n:>10,}: Mesa {_median(pair['mesa_step_ms']):.0f} ms, vectorised "
        f"{_median(pair['step_ms']):.1f} ms, in turn in one process: "
        f"{_median(pair['ratios']):.0f}x",
        flush=True,
    )
    next(m for m in mesa if m["n"] == n)["interleaved"] = pair
    return vec, mesa


def interleaved_text(mesa: list[dict]) -> str:
    """The in-turn comparison of the largest Mesa size, as a sentence."""
    pair = mesa[-1].get("interleaved") if mesa else None
    if not pair:
        return ""
    ratios = pair["ratios"]
    return (
        f"\n\nIn turn in one process at {pair['n']:,} citizens ({len(ratios)} pairs of one "
        f"per-agent Mesa step and the median of {PAIR_STEPS} vectorised steps, one thread "
        f"each): Mesa {_median(pair['mesa_step_ms']):.0f} ms, vectorised "
        f"{_median(pair['step_ms']):.1f} ms; "
        f"Mesa / vectorised {_median(ratios):.0f}x (pairs {min(ratios):.0f}-{max(ratios):.0f}x)."
    )


def rounds_table(rounds: list[tuple]) -> str:
    """Each round's headline numbers (ratios within a round), and their medians."""
    rows = []
    for vec, mesa in rounds:
        v = {r["n"]: r for r in vec}
        m = {r["n"]: r for r in mesa}
        row = []
        for n in (100_000, 1_000_000, 10_000_000):
            for key in ("step_ms", "step_1_thread_ms"):
                row.append(_median(v[n][key]) if n in v else None)
        mesa_100k = _median(m[100_000]["step_ms"]) if 100_000 in m else None
        row.append(mesa_100k)
        row.append(mesa_100k / row[0] if mesa_100k and row[0] else None)
        pair = m.get(100_000, {}).get("interleaved")
        row.append(_median(pair["ratios"]) if pair else None)
        rows.append(row)
    names = [
        "100k (ms)", "100k, 1 thread (ms)", "1M (ms)", "1M, 1 thread (ms)", "10M (ms)",
        "10M, 1 thread (ms)", "per-agent Mesa 100k (ms)", "Mesa / vectorised at 100k",
        "Mesa / vectorised at 100k, in turn in one process",
    ]  # fmt: skip
    ratios = (len(names) - 2, len(names) - 1)
    lines = ["| round | " + " | ".join(names) + " |", "|---" + "|---:" * len(names) + "|"]

    def cell(x: float | None, ratio: bool = False) -> str:
        return "" if x is None else (f"{x:.0f}x" if ratio else f"{x:,.1f}")

    for i, row in enumerate(rows, 1):
        cells = [cell(x, j in ratios) for j, x in enumerate(row)]
        lines.append(f"| {i} | " + " | ".join(cells) + " |")
    medians = []
    for j in range(len(names)):
        values = [row[j] for row in rows if row[j] is not None]
        medians.append(cell(_median(values), j in ratios) if values else "")
    lines.append("| median | " + " | ".join(medians) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every size and the Mesa reference, print and write the table and plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--ten-million", action="store_true", help="also run 10M citizens")
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke run)")
    parser.add_argument("--repeats", type=int, default=3, help="builds per size (default 3)")
    parser.add_argument("--steps", type=int, default=15, help="timed steps per size")
    parser.add_argument("--mesa-steps", type=int, default=3, help="timed Mesa steps per size")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run everything this many times (default 1)"
    )
    parser.add_argument(
        "--pairs", type=int, default=5, help="interleaved Mesa/vectorised pairs per round"
    )
    args = parser.parse_args(argv)
    if args.worker:
        kind, n, *rest = args.worker
        numbers = [int(x) for x in rest]
        worker = {"vec": vectorised_worker, "mesa": mesa_worker, "pair": interleaved_worker}
        result = worker[kind](int(n), *numbers)
        print(json.dumps(result))
        return 0

    from scs_sim.output import atomic_text, provenance

    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    mesa_sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    if args.ten_million:
        sizes.append(10_000_000)
    load_before = os.getloadavg()
    rounds = []
    for r in range(args.rounds):
        if args.rounds > 1:
            print(f"round {r + 1} of {args.rounds}", flush=True)
        rounds.append(one_round(sizes, mesa_sizes, args))
    vec, mesa = rounds[-1]
    text = table(vec, mesa) + interleaved_text(mesa)
    load_after = os.getloadavg()
    meta = {
        "scenario": SCENARIO,
        "seed": SEED,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_before": load_before,
        "load_average_after": load_after,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        **provenance(),
    }
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    header = (
        "# Scale benchmark\n\n"
        f"`benchmarks/scale.py`, scenario `{SCENARIO}`, seed {SEED}, {meta['when']}; "
        f"1-minute load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        "(the machine is shared: compare ratios within this run).\n"
        f"Medians over {args.steps} steps on all threads and {args.steps} on one thread, in "
        f"alternating blocks of {SWITCH_BLOCK} (each after one untimed step), after 3 "
        "warm-up steps; per-agent Mesa over "
        f"{args.mesa_steps} steps after 1. Builds: median of {args.repeats} "
        "(1 at 10M).\n\n"
    )
    memory = memory_table(vec)
    print(memory)
    by_round = ""
    if len(rounds) > 1:
        by_round = (
            f"\n\n## Rounds\n\nThe tables above are round {len(rounds)}'s. Step medians of "
            "each round, one after another (the machine is shared):\n\n" + rounds_table(rounds)
        )
        print(by_round)
    atomic_text(
        RESULTS / "scale.md", header + text + by_round + "\n\n## Memory\n\n" + memory + "\n"
    )
    atomic_text(
        RESULTS / "scale.json",
        json.dumps(
            {
                "meta": meta,
                "vectorised": vec,
                "mesa": mesa,
                "rounds": [{"vectorised": v, "mesa": m} for v, m in rounds],
            },
            indent=1,
        ),
    )
    plot(vec, mesa, RESULTS / "scale.png")
    print(f"wrote {RESULTS / 'scale.md'}, scale.json, scale.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
