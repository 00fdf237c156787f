"""`scs-sim run`: results, manifest, comparison, and no half-written files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scs_sim import __version__
from scs_sim.cli import main


def test_run_writes_series_manifest_figure_and_scenario(tmp_path: Path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "sesame",
            "--steps",
            "12",
            "--seed",
            "5",
            "--set",
            "n_citizens=300",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "metrics.png",
        "scenario.toml",
        "timeseries.csv",
        "timeseries.parquet",
    ]
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert list(frame["step"]) == list(range(13))
    pd.testing.assert_frame_equal(frame, pd.read_csv(out / "timeseries.csv"), check_dtype=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 5
    assert manifest["scs_sim_version"] == __version__
    assert manifest["scenario"]["n_citizens"] == 300
    assert manifest["scenario"]["name"] == "sesame"
    assert manifest["timings"]["total_s"] > 0
    assert (out / "metrics.png").read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert "self_censorship_rate" in printed and "seed 5" in printed


def test_rerun_from_the_resolved_scenario_reproduces_the_series(tmp_path: Path):
    main(
        [
            "run",
            "full-scs",
            "--steps",
            "8",
            "--set",
            "n_citizens=300",
            "--out",
            str(tmp_path / "a"),
            "--quiet",
        ]
    )
    resolved = tmp_path / "a" / "scenario.toml"
    main(["run", str(resolved), "--steps", "8", "--out", str(tmp_path / "b"), "--quiet"])
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a" / "timeseries.parquet"),
        pd.read_parquet(tmp_path / "b" / "timeseries.parquet"),
    )


def test_compare_runs_both_on_the_same_seed_and_writes_the_difference(tmp_path: Path, capsys):
    out = tmp_path / "cmp"
    code = main(
        [
            "run",
            "--compare",
            "baseline",
            "full-scs",
            "--steps",
            "10",
            "--set",
            "n_citizens=400",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    diff = pd.read_parquet(out / "difference.parquet")
    a = pd.read_parquet(out / "a-baseline.parquet")
    b = pd.read_parquet(out / "b-full-scs.parquet")
    pd.testing.assert_series_equal(
        diff["self_censorship_rate"], b["self_censorship_rate"] - a["self_censorship_rate"]
    )
    assert diff["self_censorship_rate"].iloc[-1] > 0
    assert "difference" in capsys.readouterr().out


def test_no_temporary_files_are_left(tmp_path: Path):
    main(["run", "--steps", "3", "--out", str(tmp_path), "--quiet"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_interrupted_run_leaves_no_half_written_file(tmp_path: Path):
    """Kill a long run mid-way: whatever exists is complete (here: nothing yet)."""
    out = tmp_path / "big"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scs_sim.cli",
            "run",
            "--set",
            "n_citizens=200000",
            "--steps",
            "400",
            "--out",
            str(out),
            "--quiet",
        ],
    )
    try:
        proc.wait(timeout=4)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if out.exists():
        leftovers = [p.name for p in out.iterdir()]
        assert all(not name.startswith(".") for name in leftovers), leftovers


def test_default_run_uses_the_embedded_baseline(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--steps", "2", "--quiet"]) == 0
    manifest = json.loads((tmp_path / "results" / "baseline-seed42" / "manifest.json").read_text())
    assert manifest["scenario_source"] == "embedded baseline defaults"


@pytest.mark.parametrize(
    "args", [["run", "--steps", "0"], ["run", "baseline", "--compare", "a", "b"]]
)
def test_bad_command_lines_exit_2(args: list[str], tmp_path: Path, capsys):
    assert main([*args, "--out", str(tmp_path / "x")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
