"""Sweeps give identical results on every executor, and resume after being killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from scs_sim.sweeps import run_sweep, storage
from scs_sim.sweeps.execute import local_pool

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "scs_sim.cli"]

SMALL = {
    "name": "small",
    "seed": 5,
    "replicates": 2,
    "steps": 6,
    "metrics": ["mean_score", "self_censorship_rate", "ties_cut"],
    "base": {"scenario": "sesame", "n_citizens": 150},
    "design": {"kind": "latin", "samples": 4},
    "parameters": {
        "surveillance": {"low": 0.0, "high": 0.6},
        "mean_degree": {"low": 4, "high": 12},
    },
}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The reference: the small sweep run serially in this process."""
    return run_sweep(SMALL, tmp_path_factory.mktemp("serial"))


def test_results_have_one_row_per_run_and_step_with_ids_parameters_and_metrics(serial):
    df = serial.results
    assert list(df.columns) == [
        "run_id", "point", "replicate", "seed", "surveillance", "mean_degree", "step",
        "mean_score", "self_censorship_rate", "ties_cut",
    ]  # fmt: skip
    assert len(df) == 8 * 7
    assert df.groupby("run_id").size().eq(7).all()
    assert df["mean_degree"].dtype.kind == "i"
    seeds = df.groupby("run_id")["seed"].first()
    assert list(seeds) == [r.seed for r in serial.sweep.runs()]
    manifest = storage.read_manifest(serial.out)
    assert manifest["status"] == "complete" and manifest["runs_done"] == 8
    assert manifest["seeds"] == list(seeds)
    assert manifest["sweep"]["base"]["n_citizens"] == 150
    assert manifest["scs_sim_version"] and len(manifest["timings"]["run_s"]) == 8
    assert len(list((serial.out / "runs").glob("run-*.parquet"))) == 8


def test_process_pool_gives_identical_results(serial, tmp_path):
    with local_pool(2) as pool:
        outcome = run_sweep(SMALL, tmp_path / "pool", executor=pool)
    pd.testing.assert_frame_equal(outcome.results, serial.results)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    yield cluster
    cluster.close()


@pytest.mark.cluster
def test_dask_scheduler_and_workers_give_identical_results(serial, dask_cluster, tmp_path):
    from distributed import Client

    with Client(dask_cluster) as client:
        outcome = run_sweep(SMALL, tmp_path / "dask", executor=client.get_executor())
        assert len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(outcome.results, serial.results)


@pytest.mark.cluster
def test_cli_dask_uses_the_scheduler_in_dask_scheduler_address(dask_cluster, tmp_path):
    sweep = REPO / "scenarios" / "sweeps" / "surveillance-ties.toml"
    small = ["--set", "replicates=1", "--set", "n_citizens=100", "--set", "steps=4"]
    env = os.environ | {"DASK_SCHEDULER_ADDRESS": dask_cluster.scheduler_address}
    proc = subprocess.run(
        [*CLI, "sweep", str(sweep), "--out", str(tmp_path / "d"), "--dask", *small],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Dask scheduler {dask_cluster.scheduler_address}" in proc.stdout
    assert "16/16" in proc.stderr  # the progress bar reached the total
    serial = run_sweep(sweep, tmp_path / "s", overrides=small[1::2])
    pd.testing.assert_frame_equal(storage.read_results(tmp_path / "d"), serial.results)


@pytest.mark.cluster
def test_cli_dask_without_a_scheduler_address_starts_a_local_cluster(serial, tmp_path):
    pytest.importorskip("distributed")
    spec = tmp_path / "small.toml"
    spec.write_text(
        'name = "small"\nseed = 5\nreplicates = 2\nsteps = 6\n'
        'metrics = ["mean_score", "self_censorship_rate", "ties_cut"]\n'
        '[base]\nscenario = "sesame"\nn_citizens = 150\n'
        '[design]\nkind = "latin"\nsamples = 4\n'
        "[parameters.surveillance]\nlow = 0.0\nhigh = 0.6\n"
        "[parameters.mean_degree]\nlow = 4\nhigh = 12\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    out = tmp_path / "d"
    proc = subprocess.run(
        [*CLI, "sweep", str(spec), "--out", str(out), "--dask", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "on local Dask cluster tcp://127.0.0.1:" in proc.stdout
    assert "(2 workers)" in proc.stdout
    assert "8/8" in proc.stderr
    # The same sweep as SMALL, run serially in this process: identical results.
    assert storage.read_manifest(out)["digest"] == serial.sweep.digest()
    pd.testing.assert_frame_equal(storage.read_results(out), serial.results)
    meta = storage.run_metadata(out)
    assert sorted(meta) == list(range(8))
    assert {m["numba_threads"] for m in meta.values()} == {1}


@pytest.mark.slow
def test_killed_sweep_resumes_with_every_run_exactly_once(tmp_path):
    spec = tmp_path / "resume.toml"
    spec.write_text(
        'name = "resume"\nseed = 3\nreplicates = 4\nsteps = 20\nkeep_steps = 5\n'
        '[base]\nscenario = "sesame"\nn_citizens = 1500\n'
        "[parameters.surveillance]\nvalues = [0.0, 0.2, 0.4, 0.6, 0.8]\n"
    )
    out = tmp_path / "out"
    command = [*CLI, "sweep", str(spec), "--out", str(out), "--quiet"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(storage.done_runs(out)) < 3 and proc.poll() is None:
        assert time.monotonic() < deadline, "no run file appeared"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = storage.done_runs(out)
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it could be killed"
    assert 3 <= len(first) < 20
    assert storage.read_manifest(out)["status"] == "running"

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert storage.done_runs(out) == set(range(20))
    assert storage.temp_files(out) == []
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    df = storage.read_results(out)
    assert df.groupby(["run_id", "step"]).size().eq(1).all()
    assert df.groupby("run_id").size().eq(5).all()
    manifest = storage.read_manifest(out)
    assert manifest["status"] == "complete" and manifest["runs_done"] == 20
    # The resumed sweep equals one run without interruption.
    reference = run_sweep(spec, tmp_path / "reference")
    pd.testing.assert_frame_equal(df, reference.results)


def _ctrl_c_as_in_a_terminal() -> None:
    # A command started in the background by a script (``make test &``, nohup) inherits
    # Ctrl-C ignored, and Python then keeps ignoring it: the sweep would run to the end.
    # The test is about a user at a terminal, where Ctrl-C has its default action.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_stops_a_pool_sweep_cleanly_and_it_resumes(tmp_path):
    spec = tmp_path / "interrupt.toml"
    spec.write_text(
        'name = "interrupt"\nreplicates = 10\nsteps = 20\nkeep_steps = "last"\n'
        '[base]\nscenario = "sesame"\nn_citizens = 1500\n'
        "[parameters.surveillance]\nvalues = [0.1, 0.5]\n"
    )
    out = tmp_path / "out"
    command = [*CLI, "sweep", str(spec), "--out", str(out), "--quiet", "--workers", "2"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 120
    while not storage.done_runs(out) and proc.poll() is None:
        assert time.monotonic() < deadline, "no run file appeared"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["scs-sim: interrupted; files already written are complete"]
    assert storage.read_manifest(out)["status"] == "interrupted"
    assert storage.temp_files(out) == []
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    df = storage.read_results(out)
    assert sorted(df["run_id"]) == list(range(20))


def test_rerun_of_a_complete_sweep_runs_nothing_and_csv_matches(serial, tmp_path):
    # Changing only what the report analyses is the same sweep: it resumes, runs nothing.
    changed = SMALL | {"description": "new", "analysis": {"metrics": ["ties_cut"]}}
    outcome = run_sweep(changed, serial.out, csv=True)
    assert outcome.executed == 0 and outcome.skipped == 8
    csv = pd.read_csv(serial.out / "results.csv")
    pd.testing.assert_frame_equal(csv, serial.results, check_dtype=False)


def test_importing_the_package_and_running_serially_never_imports_dask(tmp_path):
    code = (
        "import sys, scs_sim\n"
        f"df = scs_sim.sweep({SMALL!r} | {{'replicates': 1, 'steps': 2}}, out={str(tmp_path)!r})\n"
        "assert len(df) == 4 * 3, len(df)\n"
        "bad = [m for m in ('dask', 'distributed') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
