"""Overhead of the sweep engine: local process pool and Dask against runs done in one process.

Targets (sweeps issue), for runs of >= 1 s each:
- parallel efficiency of the local pool on 2 cores >= 0.85, i.e.
  (time of the same runs done one after another in one process, no sweep engine, one
  numba thread as in every worker) / (2 x wall time of the sweep with a 2-worker pool),
  pool start-up included;
- the Dask path within 1.2x of the local pool on the same machine.

Each path, the reference included, is timed in a fresh Python process, as
``scs-sim sweep`` runs it (interpreter start and imports are excluded: the timer starts
where the command would start the executor, so the pool's start-up and the loading of
the model's kernels in the parent count). The same runs split between two plain
processes started together (no engine, no pool) show what the machine itself allows:
two runs at once share the caches and memory bandwidth, so each is slower than alone.
The pool's wall time over theirs is the engine's own overhead. A serial sweep (no
``--workers``) keeps numba's default threads (the kernels use them on populations of at least
``scs_sim.kernels.parallel.PARALLEL_MIN`` citizens); it is shown for comparison. Dask is timed

- on a running cluster started here with ``dask scheduler`` and ``dask worker`` (reached
  through DASK_SCHEDULER_ADDRESS; its workers have run one sweep before, as a long-lived
  cluster's would), once started as docs/sweeps.md advises and once with Dask's defaults;
- with ``--dask`` and no scheduler address: the LocalCluster's start-up (scheduler,
  nannies, workers) and shutdown are inside the timed region, as a user waits for them;
  once as ``--dask`` starts it (workers forked) and once with spawned workers
  (DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD=spawn, Dask's default).

Prints a table of medians and writes benchmarks/results/sweep_overhead.md (or ``--out``).

    .venv/bin/python benchmarks/sweep_overhead.py [--runs 12] [--repeats 3] [--citizens N]
        [--steps N] [--out FILE]
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
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "sweep_overhead.md"
WORKERS = 2
BIN = Path(sys.executable).parent


def spec(runs: int, citizens: int, steps: int) -> dict:
    """One point, ``runs`` replicates: every run costs the same, only the seed differs."""
    return {
        "name": "overhead",
        "seed": 1,
        "replicates": runs,
        "steps": steps,
        "base": {"scenario": "sesame", "n_citizens": citizens},
        "parameters": {"surveillance": {"values": [0.2]}},
    }


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (pool or LocalCluster workers)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _worker_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def measure(path: str, data: dict) -> tuple[float, float]:
    """Time one sweep in this (fresh) process, executor start-up and shutdown included.

    ``one`` is the reference: the same runs one after another, without the sweep engine.
    """
    import contextlib

    from scs_sim.sweeps import run_sweep
    from scs_sim.sweeps.execute import dask_executor, local_pool

    cpu = cpu_seconds()
    if path == "one":
        return one_process(data), cpu_seconds() - cpu
    if path == "serial":  # scs-sim sweep without --workers: numba threads on every core
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            run_sweep(data, Path(out) / "sweep")
            return time.perf_counter() - start, cpu_seconds() - cpu

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        with contextlib.ExitStack() as stack:
            executor = None
            if path == "pool":
                executor = stack.enter_context(local_pool(WORKERS))
            elif path == "dask":
                executor, _ = stack.enter_context(dask_executor(WORKERS))
            run_sweep(data, Path(out) / "sweep", executor=executor)
        return time.perf_counter() - start, cpu_seconds() - cpu


def in_fresh_process(path: str, data: dict, env: dict[str, str]) -> tuple[float, float]:
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import sweep_overhead as b; "
        "print(json.dumps(b.measure(sys.argv[2], json.loads(sys.argv[3]))))"
    )
    args = [sys.executable, "-c", code, str(Path(__file__).parent), path, json.dumps(data)]
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{path}: exit {proc.returncode}\n{proc.stderr[-4000:]}")
    wall, cpu = json.loads(proc.stdout.strip().splitlines()[-1])
    return wall, cpu


def _scenario(sweep):  # (scs_sim.sweeps.Sweep) -> scs_sim.Scenario
    """The scenario every run of the benchmark's one-point sweep uses."""
    from scs_sim.scenario import Scenario

    return Scenario.model_validate(sweep.point_scenario(0))


def one_process(data: dict, share: slice = slice(None)) -> float:
    """The same runs, one after another in this process, without the sweep engine.

    Each run uses one numba thread, as every run does in a pool or on a Dask worker: the
    reference is the work the workers share. Timed from the same point as the sweeps
    (after imports), so the model's one-time JIT cache load counts here too: a
    researcher's own loop pays it as well. ``share`` picks some of the runs.
    """
    import numba

    from scs_sim.runner import run_scenario
    from scs_sim.sweeps import load_sweep

    sweep = load_sweep(data)
    scenario = _scenario(sweep)
    start = time.perf_counter()
    numba.set_num_threads(1)
    for run in list(sweep.runs())[share]:
        run_scenario(scenario, seed=run.seed)
    return time.perf_counter() - start


def half_when_told(data: dict, half: int) -> tuple[float, float]:
    """Every other run (``half`` 0 or 1) in this process, started when stdin says so."""
    print("ready", flush=True)
    sys.stdin.readline()
    cpu = cpu_seconds()
    return one_process(data, slice(half, None, WORKERS)), cpu_seconds() - cpu


def two_plain_processes(data: dict, env: dict[str, str]) -> tuple[float, float]:
    """The runs split between two plain processes started together: no engine at all.

    What two cores give these runs without any engine (each process loads the model's
    kernels itself, where pool workers inherit them): how much of the pool's shortfall is
    the machine's, not the engine's. Wall time is the later process's, from the common start.
    """
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import sweep_overhead as b; "
        "print(json.dumps(b.half_when_told(json.loads(sys.argv[2]), int(sys.argv[3]))))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(Path(__file__).parent), json.dumps(data), str(h)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for h in range(WORKERS)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [json.loads(proc.communicate()[0].strip().splitlines()[-1]) for proc in procs]
    if any(proc.returncode for proc in procs):
        raise SystemExit("two plain processes: a process failed")
    return max(w for w, _ in results), sum(c for _, c in results)


# How docs/sweeps.md advises starting ``dask worker`` for sweeps (see DASK_WORKER_SETTINGS).
NO_TRIM_ENV = {"DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON": "{'MALLOC_TRIM_THRESHOLD_': None}"}
ADVISED_WORKER_ENV = NO_TRIM_ENV | {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}


def start_cluster(
    folder: Path, env: dict[str, str], workers: int = WORKERS
) -> tuple[str, list[subprocess.Popen]]:
    """A real Dask cluster on 127.0.0.1: ``dask scheduler`` and ``dask worker`` processes."""
    folder.mkdir()
    file = folder / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [
                BIN / "dask",
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                file,
            ],
            **quiet,
        ),
    ]
    while not file.exists():
        time.sleep(0.1)
    time.sleep(0.5)  # the file is written before the scheduler is ready
    procs.append(
        subprocess.Popen(
            [
                BIN / "dask",
                "worker",
                "--scheduler-file",
                file,
                "--nworkers",
                str(workers),
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            env=env,
            **quiet,
        )
    )
    address = json.loads(file.read_text())["address"]
    from distributed import Client

    with Client(address) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def _stop(clients: dict, procs: list) -> None:
    """Close the Dask clients, then stop the scheduler and worker processes, newest first."""
    for client in clients.values():
        client.close()
    for proc in reversed(procs):
        proc.terminate()
        proc.wait(timeout=30)


def _one_run_cpu(data: dict, seed: int) -> tuple[float, float, int]:
    """CPU and system time and minor page faults of one run in this process (one thread)."""
    import numba

    from scs_sim.runner import run_scenario
    from scs_sim.sweeps import load_sweep

    numba.set_num_threads(1)
    scenario = _scenario(load_sweep(data))
    before = resource.getrusage(resource.RUSAGE_SELF)
    run_scenario(scenario, seed=seed)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, after.ru_stime - before.ru_stime, after.ru_minflt - before.ru_minflt


WORKER_ENVS = {
    "Dask's defaults": {},
    "without MALLOC_TRIM_THRESHOLD_": NO_TRIM_ENV,
    "without it and with Dask's profiler off (as docs/sweeps.md advises)": ADVISED_WORKER_ENV,
}


def worker_cpu(runs: int, citizens: int, steps: int) -> str:
    """Where a Dask worker's extra CPU goes: one run in this process vs. in a worker.

    One ``dask worker`` (one process, one thread) per setting, started as in the main
    benchmark; the same seeds run in turn in this process and on each worker, so other
    users' load hits all of them alike.
    """
    from distributed import Client

    data = spec(1, citizens, steps)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    _one_run_cpu(data, 0)  # load the kernels here
    clients, procs = {}, []
    results: dict[str, list[tuple[float, float, int]]] = {"this process": []}
    with tempfile.TemporaryDirectory() as folder:
        try:
            for i, (name, env) in enumerate(WORKER_ENVS.items()):
                address, started = start_cluster(Path(folder) / str(i), base_env | env, 1)
                procs += started
                clients[name] = Client(address)
                clients[name].submit(_one_run_cpu, data, 0, pure=False).result()  # imports
                results[name] = []
            for seed in range(1, runs + 1):
                results["this process"].append(_one_run_cpu(data, seed))
                for name, client in clients.items():
                    run = client.submit(_one_run_cpu, data, seed, pure=False).result()
                    results[name].append(run)
        finally:
            _stop(clients, procs)
    lines = [
        "| where one run ran | median CPU (s) | median system CPU (s) | median minor page faults |",
        "|---|---|---|---|",
    ]
    for name, rows in results.items():
        cpu, sys_cpu, faults = (statistics.median(r[i] for r in rows) for i in range(3))
        lines.append(f"| {name} | {cpu:.3f} | {sys_cpu:.3f} | {faults:,.0f} |")
    return (
        f"One run of {citizens:,} citizens x {steps} steps, one numba thread; medians of "
        f"{runs} runs (load average {os.getloadavg()[0]:.2f} after).\n\n" + "\n".join(lines)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--citizens", type=int, default=60_000)
    parser.add_argument("--steps", type=int, default=52)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (Markdown)")
    parser.add_argument(
        "--worker-cpu",
        type=int,
        metavar="RUNS",
        help="instead: CPU of one run here and in a Dask worker, medians of RUNS runs",
    )
    args = parser.parse_args()
    if args.worker_cpu:
        text = worker_cpu(args.worker_cpu, args.citizens, args.steps)
        print(text)
        from scs_sim.output import atomic_text

        before = args.out.read_text() if args.out.exists() else ""
        atomic_text(
            args.out,
            f"{before}\n## Where a Dask worker's CPU goes\n\n`{' '.join(['python', *sys.argv])}`"
            f"\n\n{text}\n",
        )
        return

    from distributed import Client

    data = spec(args.runs, args.citizens, args.steps)
    load_before = os.getloadavg()
    base_env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    paths = ("one", "two", "serial", "pool", "warm", "warm_default", "cold", "cold_spawn")
    wall: dict[str, list[float]] = {k: [] for k in paths}
    cpu: dict[str, list[float]] = {k: [] for k in paths}
    with tempfile.TemporaryDirectory() as folder:
        procs: list[subprocess.Popen] = []
        addresses = {}
        for name, env in (("warm", base_env | ADVISED_WORKER_ENV), ("warm_default", base_env)):
            addresses[name], started = start_cluster(Path(folder) / name, env)
            procs += started
        envs = {name: base_env | {"DASK_SCHEDULER_ADDRESS": a} for name, a in addresses.items()}
        # Dask's default start method: LocalCluster workers spawned, importing scs_sim again.
        envs["cold_spawn"] = base_env | {
            "DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD": "spawn"
        }
        try:
            clients = {}
            for name in addresses:
                in_fresh_process("dask", spec(2, 1000, 5), envs[name])  # workers import scs_sim
                clients[name] = Client(addresses[name])
            for i in range(args.repeats):
                for path in paths:
                    client = clients.get(path)
                    before = sum(client.run(_worker_cpu).values()) if client else 0
                    kind = "dask" if path.startswith(("warm", "cold")) else path
                    if path == "two":
                        w, c = two_plain_processes(data, base_env)
                    else:
                        w, c = in_fresh_process(kind, data, envs.get(path, base_env))
                    if client:  # the running cluster's workers are not our children
                        c += sum(client.run(_worker_cpu).values()) - before
                    wall[path].append(w)
                    cpu[path].append(c)
                print(
                    f"repeat {i + 1}: "
                    + ", ".join(f"{k} {wall[k][-1]:.2f} s (cpu {cpu[k][-1]:.2f})" for k in paths),
                    flush=True,
                )
        finally:
            _stop(clients, procs)

    med = {k: statistics.median(v) for k, v in wall.items()}
    mcpu = {k: statistics.median(v) for k, v in cpu.items()}
    names = {
        "one": "same runs in one process, one numba thread, no engine (reference)",
        "two": f"same runs split between {WORKERS} plain processes started together, no engine "
        "(what the machine allows)",
        "serial": "sweep, serial (no --workers): numba's default threads (kernels use them "
        "only from scs_sim.kernels.parallel.PARALLEL_MIN citizens)",
        "pool": f"sweep, local pool ({WORKERS} workers)",
        "warm": f"sweep, Dask: running cluster (dask scheduler + dask worker, {WORKERS} "
        "workers), workers started as docs/sweeps.md advises",
        "warm_default": "sweep, Dask: running cluster, workers started with Dask's defaults",
        "cold": f"sweep, Dask: `--dask` starting its LocalCluster ({WORKERS} workers, forked); "
        "start-up and shutdown included",
        "cold_spawn": "sweep, Dask: `--dask` LocalCluster with spawned workers "
        "(DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD=spawn); start-up included",
    }
    lines = [
        "| path | median wall (s) | parallel efficiency | wall / local pool "
        "| median of per-repeat wall / pool | median CPU (s) | CPU / reference |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in paths:
        eff = "" if k == "one" else f"{med['one'] / (WORKERS * med[k]):.3f}"
        ratio = "" if k == "one" else f"{med[k] / med['pool']:.2f}"
        # The same repeat's paths ran within a minute of each other: their ratio is less
        # exposed to other users' load than the ratio of medians.
        paired = statistics.median(w / p for w, p in zip(wall[k], wall["pool"], strict=True))
        paired_ratio = "" if k == "one" else f"{paired:.2f}"
        lines.append(
            f"| {names[k]} | {med[k]:.2f} | {eff} | {ratio} | {paired_ratio} | {mcpu[k]:.2f} "
            f"| {mcpu[k] / mcpu['one']:.3f} |"
        )
    table = "\n".join(lines)
    context = (
        f"{args.runs} runs of {args.citizens:,} citizens x {args.steps} steps "
        f"({med['one'] / args.runs:.2f} s per run in one process); medians of {args.repeats} "
        f"repeats; {os.cpu_count()} cores shared with other users (load average before: "
        f"{load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f}); Python "
        f"{platform.python_version()}. Parallel efficiency = reference wall time / "
        f"({WORKERS} x wall time): it needs {WORKERS} idle cores to mean anything. CPU / "
        "reference = CPU time of all processes doing the sweep (workers included; a running "
        "cluster's scheduler excluded, a LocalCluster's included) / the reference's: the "
        "engine's overhead, robust to other load. "
        "Targets: local pool efficiency >= 0.85; Dask <= 1.2x the local pool."
    )
    raw = "\n".join(
        f"- {k}: wall "
        + ", ".join(f"{t:.2f}" for t in wall[k])
        + "; cpu "
        + ", ".join(f"{t:.2f}" for t in cpu[k])
        for k in paths
    )
    engine = (
        f"The pool's wall time is {med['pool'] / med['two']:.2f}x that of {WORKERS} plain "
        f"processes doing the same runs (median of per-repeat ratios "
        f"{statistics.median(p / t for p, t in zip(wall['pool'], wall['two'], strict=True)):.2f}"
        f"x): the engine's own overhead. The plain processes' efficiency, "
        f"{med['one'] / (WORKERS * med['two']):.3f}, is what {WORKERS} runs at a time get "
        "here without any engine (each plain process loads the model's kernels itself; pool "
        "workers inherit them)."
    )
    print(table)
    print(context)
    print(engine)
    from scs_sim.output import atomic_text

    atomic_text(
        args.out,
        "# Sweep engine overhead: local pool and Dask\n\n"
        f"`{' '.join([Path(sys.executable).name, *sys.argv])}`\n\n{context}\n\n{table}\n\n"
        f"{engine}\n\nRaw times (s):\n\n{raw}\n",
    )


if __name__ == "__main__":
    main()
