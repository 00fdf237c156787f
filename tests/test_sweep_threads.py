"""Runs done in parallel use one numba thread each, and forking workers stays safe.

Every check runs in a fresh interpreter: numba's threading layer is chosen once per
process, and a process that started GNU OpenMP cannot fork usable workers, so these
must not share pytest's process. A probe wraps the model run inside the worker (forked
workers inherit the wrapper) and runs a numba ``prange`` loop in the run's own thread,
counting the distinct numba threads that did its iterations; it writes the count into
the run file's metadata.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent(
    """
    import json, sys
    import numba
    import numpy as np
    from numba import njit, prange

    import scs_sim.sweeps.execute as ex
    from scs_sim.sweeps import run_sweep, storage

    @njit(parallel=True)
    def thread_ids(n):
        ids = np.empty(n, np.int64)
        for i in prange(n):
            ids[i] = numba.get_thread_id()
        return ids

    real_run = ex.run_scenario

    def probed_run(*args, **kwargs):
        result = real_run(*args, **kwargs)
        result.timings["probe_threads"] = len(set(thread_ids(100_000).tolist()))
        return result

    SPEC = {
        "name": "threads", "seed": 2, "replicates": 2, "steps": 3,
        "base": {"scenario": "sesame", "n_citizens": 120},
        "parameters": {"surveillance": {"values": [0.1, 0.5]}},
    }

    def meta(out):
        return [
            {k: m.get(k) for k in ("numba_threads", "probe_threads")}
            for m in storage.run_metadata(out).values()
        ]

    def main(mode, out):
        if mode == "omp-first":
            thread_ids(10)  # this process starts numba's threading layer before the pool
        else:
            ex.run_scenario = probed_run
        report = {}
        if mode == "dask":
            with ex.dask_executor(2) as (executor, name):
                report["parallel"] = meta(run_sweep(SPEC, out + "/par", executor=executor).out)
        else:
            with ex.local_pool(2) as pool:
                report["parallel"] = meta(run_sweep(SPEC, out + "/par", executor=pool).out)
        ex.run_scenario = probed_run
        report["serial"] = meta(run_sweep(SPEC, out + "/serial").out)
        report["layer"] = numba.threading_layer()
        print(json.dumps(report))

    if __name__ == "__main__":  # a fork server or spawned worker imports this file again
        main(sys.argv[1], sys.argv[2])
    """
)


def probe(mode: str, tmp_path) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "DASK_"))}
    env["NUMBA_NUM_THREADS"] = "2"  # two numba threads by default, even on one core
    proc = subprocess.run(
        [sys.executable, str(script), mode, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_pool_runs_use_one_numba_thread_and_serial_runs_keep_all(tmp_path):
    report = probe("pool", tmp_path)
    assert report["parallel"] == [{"numba_threads": 1, "probe_threads": 1}] * 4
    # The probe can see two threads: serially numba keeps its default, and it used both.
    assert report["serial"] == [{"numba_threads": None, "probe_threads": 2}] * 4


@pytest.mark.cluster
def test_dask_worker_threads_use_one_numba_thread(tmp_path):
    pytest.importorskip("distributed")
    report = probe("dask", tmp_path)
    # numba's setting is per thread: the worker thread that ran each task got 1.
    assert report["parallel"] == [{"numba_threads": 1, "probe_threads": 1}] * 4
    assert report["serial"] == [{"numba_threads": None, "probe_threads": 2}] * 4


@pytest.mark.slow
def test_pool_works_after_this_process_started_numba_threads(tmp_path):
    # With GNU OpenMP (numba's layer on Linux without TBB) already started here, forked
    # workers abort; the pool must then start its workers another way.
    report = probe("omp-first", tmp_path)
    assert [m["numba_threads"] for m in report["parallel"]] == [1] * 4
    assert report["serial"] == [{"numba_threads": None, "probe_threads": 2}] * 4
