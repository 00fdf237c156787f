"""Running a sweep's runs through any ``concurrent.futures.Executor``.

A run is a self-contained task (scenario, seed, steps, where to write), so the
same task runs unchanged in this process, in a local process pool, or on a Dask
cluster; the worker that runs it writes its own file. Dask is imported only by
:func:`dask_executor`.

Runs executed in parallel (any executor) use one numba thread each: the executor
already keeps every core busy with one run per worker, and numba's parallel kernels
would otherwise start a thread per core in every worker. Numba's setting is per
calling thread, so :func:`execute` sets it in the thread that runs the model (a Dask
worker runs tasks in its own threads) and restores it afterwards.
"""

from __future__ import annotations

import contextlib
import ctypes
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
from scs_sim.plugins import scenario_class
from scs_sim.runner import run_scenario
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


PARALLEL_NUMBA_THREADS = 1
"""Numba threads per run when an executor runs runs in parallel (one run per core)."""


@dataclass(frozen=True)
class RunRecord:
    """What a worker sends back: small, the rows stay in the run's file."""

    run_id: int
    seconds: float
    worker: str


@contextlib.contextmanager
def numba_threads(n: int | None) -> Iterator[int | None]:
    """Let numba's parallel kernels called from this thread use ``n`` threads.

    Numba's setting belongs to the calling thread; it is restored on exit (a Dask
    worker's thread runs other tasks afterwards). ``None`` leaves numba alone and does
    not start its threading layer (a process that started GNU OpenMP cannot safely
    fork workers).

    Yields:
        The number of threads numba now uses in this thread, or None.
    """
    if n is None:
        yield None
        return
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
    try:
        yield numba.get_num_threads()
    finally:
        numba.set_num_threads(before)


def execute(task: RunTask, threads: int | None = None) -> RunRecord:
    """Run one run and write its Parquet file atomically (runs in the worker).

    Args:
        task: The run.
        threads: Numba threads for this run (see :func:`numba_threads`); ``None``
            keeps numba's default (all cores), for runs done one at a time.
    """
    start = time.perf_counter()
    params = scenario_class(task.scenario.get("plugins", [])).model_validate(task.scenario)
    with numba_threads(threads) as used:
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
    if used is not None:
        meta["numba_threads"] = used
    storage.write_run(Path(task.path), frame, meta)
    return RunRecord(task.run_id, seconds, f"{os.uname().nodename}:{os.getpid()}")


def run_tasks(
    tasks: Iterable[RunTask],
    executor: Executor | None = None,
    *,
    started: Callable[[], None] | None = None,
    threads: int | None = PARALLEL_NUMBA_THREADS,
) -> Iterator[RunRecord]:
    """Run tasks, yielding a record as each finishes (in completion order).

    Args:
        tasks: The runs to do.
        executor: Where to run them; ``None`` runs them one by one in this process.
        started: Called once every task is submitted (e.g. to open a progress bar
            only after a fork-based pool has forked, with no extra thread).
        threads: Numba threads per run under an executor (default 1: the executor's
            workers already use the cores); ``None`` keeps numba's default. Serial runs
            always keep numba's default.

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
            futures = [executor.submit(execute, task, threads) for task in tasks]
        if started is not None:
            started()
        for future in as_completed(futures):
            yield future.result()
    finally:
        for future in futures:
            future.cancel()


PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: the signal this process gets when its parent dies."""

PARENT_POLL_S = 1.0
"""How often a worker that cannot rely on ``PR_SET_PDEATHSIG`` checks that the sweep lives."""


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except (OSError, IndexError):  # no /proc (not Linux)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


def _exit_with_sweep(sweep: int) -> None:
    """Make this worker end when the sweep's process dies.

    A sweep killed with ``kill -9`` (or SIGTERM, which Python does not catch) would leave
    its pool's workers behind: running and writing runs nobody waits for, and holding the
    terminal's pipes. On Linux the kernel sends a worker SIGTERM when its parent dies
    (``PR_SET_PDEATHSIG``). A worker whose parent is not the sweep (a fork server's
    child; the fork server itself lives as long as its children) or that cannot ask the
    kernel (not Linux) watches the sweep's pid from a daemon thread instead, every
    :data:`PARENT_POLL_S` seconds. A run cut short leaves only a temporary file, which
    resuming removes.

    Args:
        sweep: The pid of the process that made the pool.
    """
    armed = False
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    if not _process_alive(sweep):  # it died before the signal was armed
        os._exit(1)
    if armed and os.getppid() == sweep:
        return

    def watch() -> None:
        while _process_alive(sweep):
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="scs-sim-sweep-watch", daemon=True).start()


def _init_worker(sweep: int) -> None:
    # Ctrl-C reaches the whole process group: the parent cancels pending runs and lets the
    # running ones finish their files, so workers must not die with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_sweep(sweep)


def warm_kernels() -> None:
    """Load the model's compiled kernels in this process, once.

    Forked workers inherit them; otherwise each worker would load (or compile) every
    numba kernel again, about half a second of CPU per worker.
    """
    from scs_sim.model import SocialCreditModel

    every_path = dict(scoring=True, threshold_sanctions=True, blacklist=True, appeals=True)
    SocialCreditModel(n_citizens=50, minority_share=0.2, agent_views=False, **every_path).step()


def numba_fork_safe() -> bool:
    """Whether workers forked from this process can run numba's parallel kernels.

    GNU OpenMP, numba's threading layer on Linux when TBB is missing, aborts a forked
    child ("fork() called from a process already using GNU OpenMP") once the parent
    has started it, even without running a parallel loop. If no threading layer has
    started here yet and none was chosen (``NUMBA_THREADING_LAYER``), numba is told to
    pick a fork-safe one ("forksafe": TBB, else its own workqueue) for this process and
    the workers forked from it; each run then uses one thread anyway.
    """
    import numba

    try:
        layer = numba.threading_layer()
    except ValueError:  # not started
        if numba.config.THREADING_LAYER == "default":
            numba.config.THREADING_LAYER = "forksafe"
        return numba.config.THREADING_LAYER in ("forksafe", "safe", "tbb", "workqueue")
    return layer != "omp" or sys.platform != "linux"


def _can_fork() -> bool:
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and numba_fork_safe()
    )


@contextlib.contextmanager
def local_pool(workers: int) -> Iterator[Executor]:
    """A local process pool of ``workers`` processes, which end when this process dies.

    On Linux, workers are forked when this process runs no other Python thread and
    numba's threading layer allows it (:func:`numba_fork_safe`): they then start in
    milliseconds with the model code already imported and its kernels loaded (a spawned
    worker spends ~2 s importing Mesa). numpy's BLAS threads are fork-safe. Otherwise
    (a notebook kernel's threads, GNU OpenMP started here), a fork server is used.
    """
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and _can_fork():
        context = multiprocessing.get_context("fork")
        warm_kernels()
    elif "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["scs_sim.sweeps.execute"])
    else:
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
    ) as pool:
        yield pool


DASK_WORKER_SETTINGS: dict[str, Any] = {
    # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536. Setting it at all
    # turns off glibc's adaptive mmap threshold: every array above 128 KiB is then mapped
    # and unmapped afresh, and a 100,000-citizen run spent 0.1-0.7 s more system time
    # (page faults) than in a plain process. None leaves the environment as it is.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # The worker's statistical profiler samples the running task's stack every 10 ms,
    # taking the GIL from it; only the dashboard's profile page reads it. Measured at
    # 0.01-0.1 s of CPU per 1-s run.
    "distributed.worker.profile.enabled": False,
}
"""Dask settings for the LocalCluster that ``--dask`` starts (see docs/sweeps.md for a
long-lived cluster)."""


def _multiprocessing_method_chosen() -> bool:
    """Whether the user set Dask's worker start method (env or config), not the default."""
    import dask

    key = "distributed.worker.multiprocessing-method"
    env = "DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD"
    return env in os.environ or dask.config.get(key) != "spawn"


def local_cluster(workers: int | None = None) -> Any:
    """Start a Dask LocalCluster of single-threaded worker processes on 127.0.0.1.

    On Linux, unless Dask's ``distributed.worker.multiprocessing-method`` is set, the
    workers are forked (Dask's ``fork`` method) from this process after it loaded the
    model's kernels, as :func:`local_pool` does: spawned workers import Mesa, pandas
    and numba and load every kernel again, seconds each on a busy 2-core machine. The
    nannies stay, so a lost worker is restarted and its runs redone.
    """
    import dask
    from distributed import LocalCluster

    settings = dict(DASK_WORKER_SETTINGS)
    if not _multiprocessing_method_chosen() and _can_fork():
        warm_kernels()
        settings["distributed.worker.multiprocessing-method"] = "fork"
    with dask.config.set(settings), warnings.catch_warnings():
        # Dask forks from its event-loop thread; Python warns about any fork with threads.
        warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)")
        return LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        )


@contextlib.contextmanager
def dask_executor(workers: int | None = None) -> Iterator[tuple[Executor, str]]:
    """An executor on a Dask distributed cluster.

    Connects to the scheduler named by ``DASK_SCHEDULER_ADDRESS`` (Dask's
    ``scheduler-address`` setting) when set; otherwise starts a LocalCluster of
    ``workers`` single-threaded worker processes on 127.0.0.1 (:func:`local_cluster`).

    Yields:
        The executor (``client.get_executor()``) and a description of the cluster.

    Raises:
        ScenarioError: Dask is not installed (the ``cluster`` extra), or the scheduler
            cannot be reached.
    """
    try:
        import dask
        from distributed import Client
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
            cluster = local_cluster(workers)
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
