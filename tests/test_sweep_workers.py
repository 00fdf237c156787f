"""A sweep's pool workers end with the sweep: after ``kill -9`` or SIGTERM of the main
process none lives on, writes on or holds the caller's pipes; a killed worker ends the
sweep with one line and a resume hint."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scs_sim.sweeps import storage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)"),
]

CLI = [sys.executable, "-m", "scs_sim.cli"]
GONE_WITHIN_S = 5.0


def _sweep(tmp_path: Path) -> tuple[list[str], Path]:
    spec = tmp_path / "workers.toml"
    spec.write_text(
        'name = "workers"\nreplicates = 20\nsteps = 30\nkeep_steps = "last"\n'
        '[base]\nscenario = "sesame"\nn_citizens = 1500\n'
        "[parameters.surveillance]\nvalues = [0.1, 0.5]\n"
    )
    out = tmp_path / "out"
    return [*CLI, "sweep", str(spec), "--out", str(out), "--quiet", "--workers", "2"], out


def _stat(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent pid, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def _descendants(root: int) -> set[int]:
    """Every live process below ``root`` (a fork server's workers are grandchildren)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[0] != "Z":
            parents[int(entry.name)] = stat[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    # A zombie has exited; whether anyone reaps it (PID 1 of a container may not) is not ours.
    return {pid for pid in pids if (stat := _stat(pid)) and stat[0] != "Z"}


@pytest.fixture
def started() -> Iterator[set[int]]:
    """Pids this test started; any still alive at the end (a failed test) are killed."""
    pids: set[int] = set()
    yield pids
    for pid in _alive(pids):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _start_and_wait_for_workers(
    command: list[str], out: Path, started: set[int]
) -> tuple[subprocess.Popen, set[int]]:
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started.add(proc.pid)
    deadline = time.monotonic() + 120
    while len(storage.done_runs(out)) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline, "no run file appeared"
        time.sleep(0.02)
    assert proc.poll() is None, f"the sweep ended before the test: {proc.communicate()}"
    workers = _descendants(proc.pid)
    started.update(workers)
    assert len(workers) >= 2, workers
    return proc, workers


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_pool_workers_end_when_the_sweep_is_killed(tmp_path, started, sig):
    command, out = _sweep(tmp_path)
    proc, workers = _start_and_wait_for_workers(command, out, started)
    proc.send_signal(sig)
    # The pipes reach EOF only when no worker holds them any more.
    proc.communicate(timeout=GONE_WITHIN_S + 10)
    assert proc.returncode == -sig
    deadline = time.monotonic() + GONE_WITHIN_S
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(workers), f"workers still running {GONE_WITHIN_S} s after the sweep died"
    # Nothing is written any more; a resume completes the sweep with every run once.
    written = sorted(p.name for p in out.rglob("*"))
    time.sleep(1.0)
    assert sorted(p.name for p in out.rglob("*")) == written
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert sorted(storage.read_results(out)["run_id"]) == list(range(40))


def test_a_killed_worker_gives_one_line_and_a_resume_hint(tmp_path, started):
    command, out = _sweep(tmp_path)
    proc, workers = _start_and_wait_for_workers(command, out, started)
    os.kill(min(workers), signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "worker process died" in lines[0] and "rerun the same command to resume" in lines[0]
    assert storage.read_manifest(out)["status"] == "interrupted"
    deadline = time.monotonic() + GONE_WITHIN_S
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(workers)


FORKSERVER_SWEEP = """
import sys, threading, time
from scs_sim.sweeps.execute import local_pool

# A thread already running (a notebook's, a client's): the pool uses a fork server.
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
with local_pool(2) as pool:
    futures = [pool.submit(time.sleep, 120) for _ in range(4)]
    time.sleep(1.0)
    print("running", flush=True)
    time.sleep(600)
"""


def test_fork_server_workers_end_when_the_sweep_is_killed(tmp_path, started):
    proc = subprocess.Popen(
        [sys.executable, "-c", FORKSERVER_SWEEP],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.add(proc.pid)
    assert proc.stdout.readline().strip() == "running", proc.stderr.read()
    below = _descendants(proc.pid)
    started.update(below)
    workers = {pid for pid in below if _stat(pid) and _stat(pid)[1] != proc.pid}
    assert len(workers) >= 2, below  # the fork server's children
    proc.kill()
    proc.communicate(timeout=GONE_WITHIN_S + 10)  # EOF: nobody holds the pipes
    deadline = time.monotonic() + GONE_WITHIN_S
    while _alive(below) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(below), f"still running {GONE_WITHIN_S} s after the sweep died"
