"""Running a sweep's runs through any ``concurrent.futures.Executor``.

A run is a self-contained task (scenario, seed, steps, where to write), so the
same task runs unchanged in this process, in a local process pool, or on a Dask
cluster; the worker that runs it writes its own file. Dask is imported only by
:func:`dask_executor`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scs_sim.loading import ScenarioError
from scs_sim.runner import run_scenario
from scs_sim.scenario import Scenario
from scs_sim.sweeps import storage


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs to run one run and write its file."""

    run_id: int
    point: int
    replicate: int
    seed: int
    scenario: dict[str, Any]
    parameters: dict[str, Any]
    metrics: tuple[str, ...]
    kept_steps: tuple[int, ...]
    path: str


@dataclass(frozen=True)
class RunRecord:
    """What a worker sends back: small, the rows stay in the run's file."""

    run_id: int
    seconds: float
    worker: str


def execute(task: RunTask) -> RunRecord:
    """Run one run and write its Parquet file atomically (runs in the worker)."""
    start = time.perf_counter()
    params = Scenario.model_validate(task.scenario)
    result = run_scenario(params, seed=task.seed, steps=params.steps)
    series = result.series
    series = series[series["step"].isin(task.kept_steps)].reset_index(drop=True)
    # A point without groups has no group metrics: missing columns become NaN, not an error.
    metrics = series.reindex(columns=list(task.metrics))
    ids = {"run_id": task.run_id, "point": task.point, "replicate": task.replicate}
    frame = pd.DataFrame({**ids, "seed": task.seed, **task.parameters}, index=series.index)
    frame["step"] = series["step"].astype("int64")
    frame = pd.concat([frame, metrics], axis=1)
    seconds = time.perf_counter() - start
    meta = {"run_id": task.run_id, "seed": task.seed, "seconds": seconds, **result.timings}
    storage.write_run(Path(task.path), frame, meta)
    return RunRecord(task.run_id, seconds, f"{os.uname().nodename}:{os.getpid()}")


def run_tasks(
    tasks: Iterable[RunTask],
    executor: Executor | None = None,
    *,
    started: Callable[[], None] | None = None,
) -> Iterator[RunRecord]:
    """Run tasks, yielding a record as each finishes (in completion order).

    Args:
        tasks: The runs to do.
        executor: Where to run them; ``None`` runs them one by one in this process.
        started: Called once every task is submitted (e.g. to open a progress bar
            only after a fork-based pool has forked, with no extra thread).

    On an error or Ctrl-C, tasks not yet started are cancelled; runs already
    written stay on disk.
    """
    if executor is None:
        if started is not None:
            started()
        for task in tasks:
            yield execute(task)
        return
    futures: list[Future] = []
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)")
            futures = [executor.submit(execute, task) for task in tasks]
        if started is not None:
            started()
        for future in as_completed(futures):
            yield future.result()
    finally:
        for future in futures:
            future.cancel()


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the parent cancels pending runs and lets the
    # running ones finish their files, so workers must not die with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_kernels() -> None:
    """Load the model's compiled kernels in this process, once.

    Forked workers inherit them; otherwise each worker would load (or compile) every
    numba kernel again, about half a second of CPU per worker.
    """
    from scs_sim.model import SocialCreditModel

    every_path = dict(scoring=True, threshold_sanctions=True, blacklist=True, appeals=True)
    SocialCreditModel(n_citizens=50, minority_share=0.2, agent_views=False, **every_path).step()


@contextlib.contextmanager
def local_pool(workers: int) -> Iterator[Executor]:
    """A local process pool of ``workers`` processes.

    On Linux, workers are forked when this process runs no other Python thread:
    they then start in milliseconds with the model code already imported (a spawned
    worker spends ~2 s importing Mesa). numpy's BLAS threads are fork-safe. With other
    Python threads (a notebook kernel), a fork server is used instead.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
        warm_kernels()
    elif "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["scs_sim.sweeps.execute"])
    else:
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_sigint) as pool:
        yield pool


@contextlib.contextmanager
def dask_executor(workers: int | None = None) -> Iterator[tuple[Executor, str]]:
    """An executor on a Dask distributed cluster.

    Connects to the scheduler named by ``DASK_SCHEDULER_ADDRESS`` (Dask's
    ``scheduler-address`` setting) when set; otherwise starts a LocalCluster of
    ``workers`` single-threaded worker processes on 127.0.0.1.

    Yields:
        The executor (``client.get_executor()``) and a description of the cluster.

    Raises:
        ScenarioError: Dask is not installed (the ``cluster`` extra), or the scheduler
            cannot be reached.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(
            "--dask needs the 'cluster' extra: pip install 'scs_sim[cluster]'"
        ) from None
    address = dask.config.get("scheduler-address", None)
    cluster = None
    try:
        if address:
            client = Client()  # honours DASK_SCHEDULER_ADDRESS
            where = f"Dask scheduler {client.scheduler.address}"
        else:
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
            )
            client = Client(cluster)
            where = f"local Dask cluster {cluster.scheduler_address}"
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise ScenarioError(
            f"DASK_SCHEDULER_ADDRESS={address}: cannot reach the Dask scheduler: {exc}"
        ) from None
    n = len(client.scheduler_info().get("workers", {}))
    try:
        yield client.get_executor(pure=False), f"{where} ({n} workers)"
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
