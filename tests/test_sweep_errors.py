"""Bad sweep files and options: exit code 2, one line naming the file and key, nothing written."""

from __future__ import annotations

import textwrap

import pytest

from scs_sim.cli import main

GOOD = """
name = "t"
replicates = 1
steps = 3
[base]
scenario = "sesame"
n_citizens = 50
[design]
kind = "factorial"
[parameters.surveillance]
values = [0.0, 0.5]
"""


def write(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [
        (GOOD.replace("replicates", "replicate"), [], "unknown key 'replicate'; did you mean"),
        (GOOD.replace('"factorial"', '"sobel"'), [], "design.kind = 'sobel' is not valid; allowed"),
        (GOOD.replace("surveillance]", "survelliance]"), [], "did you mean 'surveillance'"),
        (GOOD.replace("[0.0, 0.5]", "[0.0, 1.5]"), [], "0.0 <= surveillance <= 1.0"),
        (
            GOOD.replace("values = [0.0, 0.5]", "low = 0.5\nhigh = 0.1\nlevels = 2"),
            [],
            "low = 0.5 must be below high = 0.1",
        ),
        (
            GOOD.replace('"factorial"', '"sobol"\nsamples = 10').replace(
                "values = [0.0, 0.5]", "low = 0.0\nhigh = 0.5"
            ),
            [],
            "design.samples = 10 is not valid; allowed: a power of 2",
        ),
        (
            GOOD.replace('"factorial"', '"latin"\nsamples = 8'),
            [],
            "design 'latin' samples a range; give low",
        ),
        (GOOD.replace('name = "t"', 'metrics = ["self_censor"]'), [], "is not a metric"),
        (GOOD.replace('"sesame"', '"sesamee"'), [], "no such scenario; did you mean 'sesame'"),
        (GOOD + "\n[base.x\n", [], "not valid TOML"),
        (GOOD.replace("n_citizens = 50", "surveillance = 0.3"), [], "base.surveillance"),
        (GOOD.replace("n_citizens = 50", "n_citizens = 5"), [], "base.n_citizens = 5"),
        (GOOD.replace("steps = 3", "steps = 3\nkeep_steps = [9]"), [], "keep_steps"),
        (GOOD, ["--set", "replicates=0"], "with --set replicates=0: replicates = 0"),
        (GOOD, ["--set", "design.kind.x=1"], "--set design.kind.x: 'design.kind' is not a table"),
        (GOOD, ["--workers", "0"], "--workers 0: allowed"),
    ],
)
def test_bad_sweep_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, text, args, expected):
    path = write(tmp_path, text)
    out = tmp_path / "out"
    code = main(["sweep", str(path), "--out", str(out), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("scs-sim: error: "), err
    assert expected in err, err
    if "--workers" not in args:
        assert "bad.toml" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_file(tmp_path, capsys):
    code = main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nope.toml: no such file" in err


def test_folder_of_another_sweep_is_refused_and_left_alone(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    code = main(["sweep", str(path), "--out", str(out), "--quiet", "--set", "steps=4"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "holds results of a different sweep" in err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_report_of_a_folder_without_sweep(tmp_path, capsys):
    code = main(["sweep-report", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "not a sweep folder" in err


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    out = tmp_path / "out"
    code = main(["sweep", str(path), "--out", str(out), "--dry-run", "--set", "replicates=3"])
    assert code == 0
    assert "2 points x 3 replicates = 6 runs of 50 citizens x 3 steps" in capsys.readouterr().out
    assert not out.exists()
