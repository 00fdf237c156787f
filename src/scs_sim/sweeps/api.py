"""Running a whole sweep: resume, execute, record. The API behind ``scs-sim sweep``."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scs_sim.sweeps import storage
from scs_sim.sweeps.execute import PARALLEL_NUMBA_THREADS, RunTask, run_tasks
from scs_sim.sweeps.spec import Sweep, load_sweep


@dataclass
class SweepOutcome:
    """A finished (or interrupted) sweep.

    Attributes:
        sweep: The resolved sweep.
        out: Its folder.
        results: Every run's rows (one row per run and kept step).
        executed: Runs done by this call.
        skipped: Runs already on disk, not run again.
        wall_s: Wall-clock time of this call.
    """

    sweep: Sweep
    out: Path
    results: pd.DataFrame = field(repr=False)
    executed: int
    skipped: int
    wall_s: float


def default_out(sweep: Sweep) -> Path:
    """Where a sweep writes when no folder is given."""
    from scs_sim.output import slug

    return Path("results") / "sweeps" / slug(sweep.name)  # a name is never a path


def tasks_for(sweep: Sweep, out: Path, skip: set[int]) -> list[RunTask]:
    """The tasks of every run not in ``skip``."""
    out = out.resolve()  # workers may run in another working directory
    kept = tuple(sweep.kept_steps())
    scenarios: dict[int, dict[str, Any]] = {}
    tasks = []
    for run in sweep.runs():
        if run.run_id in skip:
            continue
        if run.point not in scenarios:
            scenarios[run.point] = sweep.point_scenario(run.point)
        scenario = scenarios[run.point]
        tasks.append(
            RunTask(
                run_id=run.run_id,
                point=run.point,
                replicate=run.replicate,
                seed=run.seed,
                scenario=scenario,
                parameters={name: scenario[name] for name in sweep.parameters},
                metrics=sweep.metrics,
                kept_steps=kept,
                path=str(storage.run_path(out, run.run_id)),
            )
        )
    return tasks


def _portable_sources(resolved: dict[str, Any]) -> dict[str, Any]:
    # No absolute path of this machine in the manifest (the digest ignores both sources).
    from scs_sim.output import portable_path

    return resolved | {k: portable_path(resolved[k]) for k in ("source", "base_source")}


def _manifest(
    sweep: Sweep, out: Path, status: str, executor: str, wall_s: float, csv: bool
) -> dict[str, Any]:
    from scs_sim.output import provenance

    meta = storage.run_metadata(out) if status != "running" else {}
    seconds = [m["seconds"] for m in meta.values() if "seconds" in m]
    files = [storage.DESIGN, f"{storage.RUNS_DIR}/"] + ([storage.CSV] if csv else [])
    return {
        "kind": "scs_sim sweep",
        "status": status,
        "digest": sweep.digest(),
        "sweep": _portable_sources(sweep.resolved()),
        "runs_total": sweep.n_runs,
        "runs_done": len(storage.done_runs(out)),
        "seeds": [run.seed for run in sweep.runs()],
        "seed_rule": "SeedSequence(seed, spawn_key=(index,)).generate_state(1, uint64)[0] >> 1, "
        "index = replicate if common_random_numbers else run_id; run_id = point * replicates "
        "+ replicate",
        "executor": executor,
        "timings": {
            "wall_s_last_invocation": wall_s,
            "run_s_median": statistics.median(seconds) if seconds else None,
            "run_s_total": sum(seconds),
            "run_s": {str(k): m.get("seconds") for k, m in meta.items()},
        },
        "files": files,
        **provenance(),
    }


def run_sweep(
    spec: str | Path | Mapping[str, Any] | Sweep,
    out: str | Path | None = None,
    *,
    executor: Executor | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    csv: bool = False,
    progress: bool = False,
    executor_name: str | None = None,
    numba_threads: int | None = PARALLEL_NUMBA_THREADS,
) -> SweepOutcome:
    """Run a sweep, resuming from whatever its folder already holds.

    Args:
        spec: A sweep TOML file, its contents as a mapping, or a resolved :class:`Sweep`.
        out: The results folder (default ``results/sweeps/<name>``). Rerunning into the
            same folder runs only the missing runs.
        executor: Any ``concurrent.futures.Executor``; ``None`` runs serially here.
        overrides: ``--set`` style overrides (see :func:`scs_sim.sweeps.spec.apply_overrides`).
        csv: Also write all results as ``results.csv``.
        progress: Show a progress bar (runs done / total, ETA) on stderr.
        executor_name: How the manifest names the executor.
        numba_threads: Numba threads per run when an executor runs them (default 1: one
            run per worker already uses every core; each run file's metadata records
            it); ``None`` keeps numba's default. Serial runs keep numba's default.

    Raises:
        ScenarioError: a bad sweep, or a folder holding something else. Nothing is written.
    """
    start = time.perf_counter()
    sweep = load_sweep(spec, overrides)
    out = Path(out) if out is not None else default_out(sweep)
    resuming = storage.check_folder(out, sweep.digest())
    for tmp in storage.temp_files(out):
        tmp.unlink(missing_ok=True)  # left by a killed process; never renamed, never read
    done = storage.done_runs(out) if resuming else set()
    name = executor_name or ("serial" if executor is None else type(executor).__name__)
    if not resuming:
        storage.write_design(out, sweep.design.points)
    storage.write_manifest(out, _manifest(sweep, out, "running", name, 0.0, csv))
    tasks = tasks_for(sweep, out, done)
    bar = None

    def open_bar() -> None:
        nonlocal bar
        if progress:
            from tqdm import tqdm

            bar = tqdm(
                total=sweep.n_runs,
                initial=len(done),
                desc=sweep.name,
                unit="run",
                file=sys.stderr,
                dynamic_ncols=True,
            )

    status = "interrupted"
    try:
        for _record in run_tasks(tasks, executor, started=open_bar, threads=numba_threads):
            if bar is not None:
                bar.update(1)
        status = "complete"
    finally:
        if bar is not None:
            bar.close()
        wall = time.perf_counter() - start
        storage.write_manifest(out, _manifest(sweep, out, status, name, wall, csv))
    results = storage.read_results(out)
    if csv:
        storage.write_csv(out, results)
    return SweepOutcome(sweep, out, results, len(tasks), len(done), time.perf_counter() - start)


def sweep(
    spec_or_path: str | Path | Mapping[str, Any] | Sweep,
    out: str | Path | None = None,
    *,
    executor: Executor | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    csv: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Run a parameter sweep and return its results as a DataFrame.

    The same sweep gives the same results whichever executor runs it::

        import scs_sim
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(2) as pool:
            df = scs_sim.sweep("scenarios/sweeps/surveillance-ties.toml",
                               out="results/st", executor=pool,
                               overrides={"replicates": 2, "n_citizens": 300})

    Args:
        spec_or_path: A sweep TOML file, its contents as a mapping, or a resolved sweep.
        out: The results folder (default ``results/sweeps/<name>``); an interrupted
            sweep resumes when called again with the same folder.
        executor: Any ``concurrent.futures.Executor`` (a process pool,
            ``distributed.Client().get_executor()``); ``None`` runs serially.
        overrides: Changes to the sweep file, e.g. ``{"steps": 10, "n_citizens": 200}``.
        csv: Also write ``results.csv``.
        progress: Show a progress bar.

    Returns:
        One row per run and kept step: ``run_id``, ``point``, ``replicate``, ``seed``,
        the swept parameters, ``step`` and the metrics.
    """
    return run_sweep(
        spec_or_path, out, executor=executor, overrides=overrides, csv=csv, progress=progress
    ).results
