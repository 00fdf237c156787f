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


def test_default_run_compares_full_scs_with_its_matched_no_score_control(
    tmp_path: Path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--steps", "6", "--set", "n_citizens=300"]) == 0
    out = tmp_path / "results" / "compare-baseline-full-scs-seed42"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "baseline"
    assert manifest["compared_with"]["name"] == "full-scs"
    assert manifest["scenario"]["n_citizens"] == manifest["compared_with"]["n_citizens"] == 300
    control = pd.read_parquet(out / "a-baseline.parquet")
    scenario = pd.read_parquet(out / "b-full-scs.parquet")
    # Same citizens and ties at the start; no score figures for the control.
    assert control["mean_active_degree"].iloc[0] == scenario["mean_active_degree"].iloc[0]
    assert control["mean_score"].isna().all() and control["score_gini"].isna().all()
    assert scenario["mean_score"].notna().all()
    captured = capsys.readouterr()
    assert captured.err.startswith("running full-scs against baseline: 300 citizens, 6 weeks")
    printed = captured.out
    for word in ("metric", "meaning", "full-scs", "(scenario)", "(control)", "difference"):
        assert word in printed
    # The control has no score: its mean_score cell is "-", not the neutral 650.
    row = next(line for line in printed.splitlines() if line.strip().startswith("mean_score"))
    assert row.split()[2] == "-", row
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_a_run_without_a_score_reports_no_score_figures(tmp_path: Path, capsys):
    out = tmp_path / "b"
    assert (
        main(["run", "baseline", "--steps", "3", "--set", "n_citizens=200", "--out", str(out)]) == 0
    )
    frame = pd.read_csv(out / "timeseries.csv")
    for column in ("mean_score", "score_gini", "score_assortativity"):
        assert frame[column].isna().all(), column
    assert frame["self_censorship_rate"].notna().all()
    assert "no score" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args", [["run", "--steps", "0"], ["run", "baseline", "--compare", "a", "b"]]
)
def test_bad_command_lines_exit_2(args: list[str], tmp_path: Path, capsys):
    assert main([*args, "--out", str(tmp_path / "x")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_run_help_lists_the_shipped_scenarios_and_examples(capsys):
    from scs_sim.loading import known_scenarios

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    assert known_scenarios() and all(name in text for name in known_scenarios())
    assert "examples:" in text


@pytest.mark.parametrize(
    "command",
    ["run", "validate", "calibrate", "validation-report", "sweep", "sweep-report", "dashboard"],
)
def test_every_subcommand_help_has_a_description_and_examples(command: str, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    examples = text.split("examples:", 1)[1]
    assert sum(line.strip().startswith("scs-sim") for line in examples.splitlines()) >= 2


def test_a_scenario_name_never_becomes_a_path(tmp_path: Path):
    """name = "z/../../victim/config" must not write outside --out (issue 15, 2)."""
    hostile = tmp_path / "scenarios" / "hostile.toml"
    hostile.parent.mkdir()
    hostile.write_text('name = "z/../../victim/config"\nn_citizens = 100\nsteps = 2\n')
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    out = work / "cmpout"
    before = {p for p in tmp_path.rglob("*")}
    assert main(["run", "--compare", "baseline", str(hostile), "--out", str(out), "--quiet"]) == 0
    written = {p for p in tmp_path.rglob("*")} - before
    assert written and all(p == out or out in p.parents for p in written), written
    assert (out / "b-z-victim-config.parquet").exists()


def test_default_folder_of_a_hostile_name_stays_under_results(tmp_path: Path, monkeypatch):
    from scs_sim.output import slug

    hostile = tmp_path / "h.toml"
    hostile.write_text('name = "../../../etc/x"\nn_citizens = 100\nsteps = 2\n')
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(hostile), "--quiet"]) == 0
    assert (tmp_path / "results" / "etc-x-seed42" / "manifest.json").exists()
    assert slug("..") == "scenario" and slug("A" * 300) == "a" * 48
    assert slug("z/../../victim/config") == "z-victim-config"


def _small_run(out: Path, *extra: str) -> int:
    return main(["run", "sesame", "--steps", "2", "--set", "n_citizens=100", "--out", str(out),
                 "--quiet", *extra])  # fmt: skip


def test_a_used_folder_is_refused_unless_overwrite(tmp_path: Path, capsys):
    out = tmp_path / "run"
    assert _small_run(out) == 0
    first = json.loads((out / "manifest.json").read_text())["created"]
    assert _small_run(out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--overwrite" in err[0]
    # --overwrite replaces the run cleanly: the files of a comparison replace a run's.
    code = main(["run", "--compare", "baseline", "sesame", "--steps", "2", "--set",
                 "n_citizens=100", "--out", str(out), "--quiet", "--overwrite"])  # fmt: skip
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "timeseries.parquet" not in names and "comparison.png" in names
    assert json.loads((out / "manifest.json").read_text())["created"] >= first


def test_a_sweep_folder_is_refused_even_with_overwrite(tmp_path: Path, capsys):
    sweep = tmp_path / "sweep"
    (sweep / "runs").mkdir(parents=True)
    manifest = '{"kind": "scs_sim sweep", "status": "complete"}'
    (sweep / "manifest.json").write_text(manifest)
    assert _small_run(sweep, "--overwrite") == 2
    assert "sweep" in capsys.readouterr().err
    assert (sweep / "manifest.json").read_text() == manifest
    assert sorted(p.name for p in sweep.iterdir()) == ["manifest.json", "runs"]


def test_out_naming_a_file_is_refused_before_running(tmp_path: Path, capsys, monkeypatch):
    import scs_sim.runner

    target = tmp_path / "file.txt"
    target.write_text("keep")
    monkeypatch.setattr(scs_sim.runner, "SocialCreditModel", None)  # running would fail
    assert _small_run(target) == 2
    assert _small_run(target / "sub") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("scs-sim: error: --out") for line in err)
    assert target.read_text() == "keep"


def test_read_only_folder_is_refused_before_running(tmp_path: Path, capsys, monkeypatch):
    import os

    import scs_sim.output

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root ignores modes: make the check see a read-only folder
        monkeypatch.setattr(scs_sim.output.os, "access", lambda *a, **k: False)
    try:
        assert _small_run(folder / "run") == 2
    finally:
        folder.chmod(0o700)
    assert "not writable" in capsys.readouterr().err
    assert not (folder / "run").exists()


def test_a_full_disk_gives_one_line_and_no_run_that_looks_complete(
    tmp_path: Path, capsys, monkeypatch
):
    import errno

    import scs_sim.output

    real = scs_sim.output.atomic_write

    def full_disk(path: Path, write) -> None:
        if path.name == "metrics.png":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, write)

    import os

    monkeypatch.setattr(scs_sim.output, "atomic_write", full_disk)
    out = tmp_path / "run"
    assert _small_run(out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0]
    assert not out.exists()  # what was written is removed; no manifest
    # Overwriting an earlier run that then fails leaves no manifest either.
    monkeypatch.setattr(scs_sim.output, "atomic_write", real)
    assert _small_run(out) == 0
    monkeypatch.setattr(scs_sim.output, "atomic_write", full_disk)
    assert _small_run(out, "--overwrite") == 2
    assert not (out / "manifest.json").exists()


def test_manifest_has_no_absolute_paths(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _small_run(tmp_path / "run") == 0
    text = (tmp_path / "run" / "manifest.json").read_text()
    assert str(tmp_path) not in text and '"/' not in text
    assert json.loads(text)["scenario_source"] == "sesame"


def test_compiling_kernels_is_announced_when_numba_cache_is_cold(tmp_path: Path):
    code = "from scs_sim.kernel_cache import announce_compilation as a; print(a())"
    env = {**__import__("os").environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert cold.stdout.strip() == "True"
    assert "compiling kernels (first run only" in cold.stderr
