"""Scenario and sweep input: one resolver, typed events, what validate refuses, hostile files."""

from __future__ import annotations

import math
import os
import re
import textwrap
import tomllib
from pathlib import Path

import pytest

from scs_sim import SocialCreditModel
from scs_sim.cli import main
from scs_sim.input_errors import ScenarioError, ScenarioWarning
from scs_sim.loading import load_scenario, resolve_scenario, scenario_to_toml, toml_value
from scs_sim.memory import ALLOW_LARGE_ENV, estimate_bytes
from scs_sim.scenario import BUILD_TIME_FIELDS, Scenario
from scs_sim.scenario_library import SCENARIO_DIR_ENV, list_files, shipped_dir
from scs_sim.scoring import RULES, register_rule
from scs_sim.sweeps.spec import load_sweep

SHIPPED = sorted(shipped_dir().glob("*.toml"))
SHIPPED_SWEEPS = sorted((shipped_dir() / "sweeps").glob("*.toml"))


def write(folder: Path, text: str, name: str = "s.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, expected: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("scs-sim: error: "), err
    assert "Traceback" not in err
    assert expected in err, err


# --- package data and the search path -------------------------------------------------------


def test_shipped_folder_is_inside_the_package():
    import scs_sim

    assert shipped_dir().resolve().parent == Path(scs_sim.__file__).resolve().parent
    assert {p.stem for p in SHIPPED} >= {"baseline", "full-scs", "sesame", "calibrated-2019"}
    assert {p.stem for p in SHIPPED_SWEEPS} == {"surveillance-ties", "score-weights-sobol"}


def test_names_resolve_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(SCENARIO_DIR_ENV, raising=False)
    assert load_scenario("full-scs").name == "full-scs"
    assert SocialCreditModel("sesame", rng=1, n_citizens=100).params.name == "sesame"
    assert load_sweep("surveillance-ties").name == "surveillance-ties"
    assert set(list_files("scenario")) >= {"baseline", "full-scs"}


def test_search_order_env_then_cwd_then_shipped(tmp_path, monkeypatch):
    env, cwd = tmp_path / "env", tmp_path / "work"
    (cwd / "scenarios").mkdir(parents=True)
    env.mkdir()
    write(env, 'name = "from-env"\n', "sesame.toml")
    write(cwd / "scenarios", 'name = "from-cwd"\n', "sesame.toml")
    write(cwd / "scenarios", 'name = "cwd-only"\n', "baseline.toml")
    monkeypatch.chdir(cwd)
    monkeypatch.setenv(SCENARIO_DIR_ENV, str(env))
    assert load_scenario("sesame").name == "from-env"
    assert load_scenario("baseline").name == "cwd-only"
    assert load_scenario("full-scs").name == "full-scs"  # shipped
    assert list_files()["sesame"] == env / "sesame.toml"


def test_sweep_by_name_on_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "sweep", "surveillance-ties", "--dry-run")
    assert code == 0, err
    assert "16 points x 3 replicates" in out
    code, _, err = cli(capsys, "sweep", "surveillance-tie", "--dry-run")
    assert_one_line_error(code, err, "no such sweep; did you mean 'surveillance-ties'?")


# --- round trip through TOML ------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_scenario_to_toml_round_trips(path: Path):
    scenario = load_scenario(path)
    again = Scenario.model_validate(tomllib.loads(scenario_to_toml(scenario)))
    assert again == scenario


def test_round_trip_of_an_event_that_sets_a_table(tmp_path):
    @register_rule("test_roundtrip_rule")
    def rule(model):
        return model.population.traits.charity

    try:
        path = write(
            tmp_path,
            """
            name = "table-event"
            custom_weights = { test_roundtrip_rule = 0.25 }
            [[events]]
            step = 2
            caption = "a new rule's weight, and \\"quotes\\" in a caption"
            set = { custom_weights = { test_roundtrip_rule = 0.5 }, surveillance = 0.4 }
            """,
        )
        scenario = load_scenario(path)
        text = scenario_to_toml(scenario)
        saved = write(tmp_path, text, "saved.toml")
        assert load_scenario(saved) == scenario
        assert scenario.events[0].set["custom_weights"] == {"test_roundtrip_rule": 0.5}
    finally:
        del RULES["test_roundtrip_rule"]


# --- events apply typed values -------------------------------------------------------------


def test_event_values_are_converted_like_the_scenario_fields(tmp_path):
    path = write(
        tmp_path,
        """
        scoring = true
        [[events]]
        step = 1
        set = { scoring = "false", surveillance = "0.3", listing_delay = "6" }
        """,
    )
    scenario = load_scenario(path)
    assert scenario.events[0].set == {"scoring": False, "surveillance": 0.3, "listing_delay": 6}
    assert type(scenario.events[0].set["surveillance"]) is float
    model = SocialCreditModel(path, rng=1, n_citizens=200)
    model.run(2)
    assert model.params.scoring is False
    assert model.params.surveillance == 0.3


@pytest.mark.parametrize("key", [k for k in BUILD_TIME_FIELDS if k != "events"])
def test_events_cannot_set_build_time_fields(tmp_path, capsys, key):
    value = Scenario().model_dump(mode="json")[key]
    text = f"[[events]]\nstep = 1\nset = {{ {key} = {toml_value(value)} }}\n"
    path = write(tmp_path, text)
    code, _, err = cli(capsys, "validate", str(path))
    assert_one_line_error(code, err, f"events[0].set.{key}: '{key}' is read only when the run")


@pytest.mark.parametrize(
    ("set_", "expected"),
    [
        ('{ scoring = "maybe" }', "events[0].set.scoring = 'maybe' is not valid; allowed: true"),
        ("{ surveilance = 0.5 }", "unknown key 'events[0].set.surveilance'; did you mean"),
        ('{ opacity = "9" }', "events[0].set.opacity = '9' is not valid; allowed: 0.0 <= opacity"),
    ],
)
def test_bad_event_values_are_refused_at_load_time(tmp_path, capsys, set_, expected):
    path = write(tmp_path, f"steps = 5\n[[events]]\nstep = 500\nset = {set_}\n")
    code, _, err = cli(capsys, "validate", str(path))
    assert_one_line_error(code, err, expected)


def test_event_beyond_the_horizon_is_a_one_line_warning(tmp_path, capsys):
    path = write(tmp_path, "steps = 5\n[[events]]\nstep = 9\nset = { scoring = true }\n")
    code, out, err = cli(capsys, "validate", str(path))
    assert code == 0 and out.startswith("ok: ")
    assert err == (
        f"scs-sim: warning: {path}: events[0].step = 9 is after the last step (5); "
        "the run never reaches it\n"
    )
    with pytest.warns(ScenarioWarning, match="never reaches it"):
        load_scenario(path)


# --- validate refuses what run refuses ---------------------------------------------------------


BAD_RUNNABLE = {
    "unregistered rule": (
        "custom_weights = { nosuchrule = 0.5 }\n",
        "custom_weights.nosuchrule: no rule named 'nosuchrule'",
    ),
    "rule in an event": (
        "[[events]]\nstep = 1\nset = { custom_weights = { nope = 0.1 } }\n",
        "events[0].set.custom_weights.nope: no rule named 'nope'",
    ),
    "infinite weight": ("custom_weights = { credit = inf }\n", "custom_weights.credit = inf"),
    "NaN weight": ("custom_weights = { credit = nan }\n", "custom_weights.credit = nan"),
    "negative weight": ("custom_weights = { credit = -1.0 }\n", "custom_weights.credit = -1.0"),
    "missing edge list": (
        'network = "edge_list"\nedge_list = "nope.txt"\n',
        "nope.txt: no such file",
    ),
    "malformed edge list": (
        'network = "edge_list"\nedge_list = "bad.txt"\n',
        "bad.txt: not two integer columns",
    ),
    "ids out of range": (
        'network = "edge_list"\nedge_list = "big.txt"\nn_citizens = 10\n',
        "ids must be integers in [0, 10)",
    ),
    "edge list is a folder": (
        'network = "edge_list"\nedge_list = "."\n',
        "is a directory, expected an edge-list file",
    ),
    "too large for memory": (
        "n_citizens = 50000000\nmean_degree = 200\n",
        "needs about",
    ),
}


@pytest.mark.parametrize("case", list(BAD_RUNNABLE))
def test_validate_and_run_refuse_the_same(tmp_path, capsys, monkeypatch, case):
    monkeypatch.delenv(ALLOW_LARGE_ENV, raising=False)
    text, expected = BAD_RUNNABLE[case]
    (tmp_path / "bad.txt").write_text("0 1\n2 x\n")
    (tmp_path / "big.txt").write_text("0 1\n2 30\n")
    path = write(tmp_path, text)
    code, _, err = cli(capsys, "validate", str(path))
    assert_one_line_error(code, err, expected)
    out = tmp_path / "out"
    code, _, err = cli(capsys, "run", str(path), "--steps", "2", "--out", str(out), "--quiet")
    assert_one_line_error(code, err, expected)
    assert not out.exists()
    with pytest.raises(ScenarioError, match=re.escape(expected)):
        SocialCreditModel(path, rng=1)


def test_allow_large_lets_validate_pass(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(ALLOW_LARGE_ENV, raising=False)
    path = write(tmp_path, "n_citizens = 50000000\nmean_degree = 200\n")
    code, out, err = cli(capsys, "validate", str(path), "--allow-large")
    assert code == 0 and "ok:" in out, err
    assert ALLOW_LARGE_ENV not in os.environ  # the flag lasts for one command
    code, _, err = cli(capsys, "validate", str(path))
    assert_one_line_error(code, err, "needs about")


def test_memory_estimate_matches_the_measured_peaks():
    # docs/scale.md, "Memory needed before a run starts": /usr/bin/time -v peaks (MB).
    # Cached kernels, and (1M first) the first run, which also compiles the kernels.
    measured = {(1_000_000, 10): 532, (4_000_000, 10): 1167, (2_000_000, 40): 988}
    first_run = {(1_000_000, 10): 745}
    for (n, degree), peak_mb in measured.items():
        estimate = estimate_bytes(Scenario(n_citizens=n, mean_degree=degree)) / 1e6
        assert peak_mb <= estimate <= peak_mb + 350, (n, degree, estimate, peak_mb)
    for (n, degree), peak_mb in first_run.items():
        assert estimate_bytes(Scenario(n_citizens=n, mean_degree=degree)) / 1e6 >= peak_mb


# --- custom weights and data protection ------------------------------------------------------


def test_data_protection_wins_over_a_custom_weight():
    shared = Scenario(scoring=True, custom_weights={"credit": 0.9})
    protected = Scenario(scoring=True, share_credit=False, custom_weights={"credit": 0.9})
    assert shared.weights()["credit"] == 0.9
    assert protected.weights()["credit"] == 0.0
    a = SocialCreditModel(protected, rng=3, n_citizens=300)
    b = SocialCreditModel(
        Scenario(scoring=True, share_credit=False), rng=3, n_citizens=300
    )  # no custom weight at all
    a.run(3)
    b.run(3)
    assert a.series().equals(b.series())


# --- the sweep digest covers input files ---------------------------------------------------


def test_sweep_digest_covers_the_edge_list_contents(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    edges.write_text("\n".join(f"{i} {(i + 1) % 60}" for i in range(60)) + "\n")
    sweep_file = write(
        tmp_path,
        """
        name = "edges"
        steps = 2
        [base]
        network = "edge_list"
        edge_list = "edges.txt"
        n_citizens = 60
        [parameters.surveillance]
        values = [0.0, 0.5]
        """,
        "sweep.toml",
    )
    first = load_sweep(sweep_file)
    assert first.input_files() == [str(edges.resolve())]
    digest = first.digest()
    assert load_sweep(sweep_file).digest() == digest
    out = tmp_path / "out"
    assert main(["sweep", str(sweep_file), "--out", str(out), "--quiet"]) == 0
    edges.write_text("\n".join(f"{i} {(i + 2) % 60}" for i in range(60)) + "\n")
    assert load_sweep(sweep_file).digest() != digest
    code, _, err = cli(capsys, "sweep", str(sweep_file), "--out", str(out), "--quiet")
    assert_one_line_error(code, err, "holds results of a different sweep")


def test_digest_of_a_sweep_without_files_is_unchanged():
    # Input files are hashed only when a sweep has some: a sweep without files keeps the digest
    # of its scenario fields alone. (Values re-pinned by issue 17, whose new scenario fields and
    # re-designed Sobol sweep change the digests on purpose: older result folders hold results
    # of a different model and must not resume.)
    before = {"surveillance-ties": "cb7c853aee4d2cd1", "score-weights-sobol": "258687bcc595cb87"}
    for name, digest in before.items():
        sweep = load_sweep(name)
        assert sweep.input_files() == []
        assert sweep.digest() == digest


def test_swept_edge_lists_are_checked_before_anything_runs(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("0 1\n1 2\n")
    sweep_file = write(
        tmp_path,
        """
        steps = 2
        [base]
        network = "edge_list"
        n_citizens = 20
        [parameters.edge_list]
        values = ["good.txt", "missing.txt"]
        """,
        "sweep.toml",
    )
    out = tmp_path / "out"
    code, _, err = cli(capsys, "sweep", str(sweep_file), "--out", str(out), "--quiet")
    assert_one_line_error(code, err, "missing.txt: no such file")
    assert not out.exists()


# --- hostile files and command-line values ---------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_hanging(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    code, _, err = cli(capsys, "validate", str(fifo))
    assert_one_line_error(code, err, "not a regular file (a FIFO, device or socket)")
    code, _, err = cli(capsys, "sweep", str(fifo), "--dry-run")
    assert_one_line_error(code, err, "not a regular file")


def test_hostile_files(tmp_path, capsys):
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    deep = write(tmp_path, "a = " + "[" * 3000 + "]" * 3000 + "\n", "deep.toml")
    nested = write(tmp_path, "a = " + "[" * 40 + "]" * 40 + "\n", "nested.toml")
    big = write(tmp_path, "# " + "x" * 1_100_000 + "\n", "big.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00name")
    cases = {
        str(tmp_path / "loop1"): "symlink loop",
        str(tmp_path / ("x" * 5000) / "s.toml"): "file name too long",
        str(deep): "nested too deeply",
        str(nested): "nested too deeply",
        str(big): "too large; allowed: at most 1000000 bytes",
        str(binary): "not a text file",
        "/dev/null" if os.path.exists("/dev/null") else str(tmp_path): "not",
        str(tmp_path): "is a directory",
    }
    for arg, expected in cases.items():
        for command in (["validate", arg], ["run", arg, "--quiet"], ["sweep", arg, "--dry-run"]):
            code, _, err = cli(capsys, *command)
            assert_one_line_error(code, err, expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--seed", "-1"], "--seed -1: allowed: an integer 0 <= seed <= "),
        (["run", "--seed", str(2**63)], f"--seed {2**63}: allowed"),
        (["run", "--steps", "0"], "--steps 0: allowed: 1 <= steps <= 100000"),
        (["run", "--steps", "100001"], "--steps 100001: allowed: 1 <= steps <= 100000"),
    ],
)
def test_bad_command_line_values(tmp_path, capsys, args, expected):
    out = tmp_path / "out"
    code, _, err = cli(capsys, *args, "--out", str(out), "--quiet")
    assert_one_line_error(code, err, expected)
    assert not out.exists()


def test_sweep_report_of_a_file(tmp_path, capsys):
    path = write(tmp_path, "x = 1\n")
    code, _, err = cli(capsys, "sweep-report", str(path))
    assert_one_line_error(code, err, "not a folder")


def test_huge_designs_are_refused_before_they_are_drawn(tmp_path, capsys):
    import time

    path = write(
        tmp_path,
        """
        steps = 2
        [base]
        n_citizens = 50
        [design]
        kind = "latin"
        samples = 1000000
        [parameters.surveillance]
        low = 0.0
        high = 0.5
        """,
    )
    start = time.perf_counter()
    code, _, err = cli(capsys, "sweep", str(path), "--dry-run")
    assert_one_line_error(code, err, "1000000 points is too many; allowed: at most 100000")
    assert time.perf_counter() - start < 5


# --- errors speak the caller's language -------------------------------------------------------


def test_python_errors_have_no_command_line_words(tmp_path):
    with pytest.raises(ScenarioError) as info:
        SocialCreditModel("baseline", surveillance=2)
    assert "--set" not in str(info.value) and "with overrides" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        resolve_scenario("baseline", ["surveillance"])
    assert "--set" not in str(info.value) and "overrides 'surveillance'" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        load_sweep("surveillance-ties", ["replicates=0"])
    assert "--set" not in str(info.value) and "with overrides replicates=0" in str(info.value)


def test_cli_errors_say_set(tmp_path, capsys):
    code, _, err = cli(capsys, "sweep", "surveillance-ties", "--dry-run", "--set", "replicates=0")
    assert_one_line_error(code, err, "with --set replicates=0: replicates = 0 is not valid")


def test_one_formatter_one_kind_mapping():
    src = Path(__file__).resolve().parents[1] / "src" / "scs_sim"
    hits = [
        f"{p.relative_to(src)}:{i}"
        for p in src.rglob("*.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if "annotation is" in line
    ]
    assert hits == [], hits
    assert math.isfinite(estimate_bytes(Scenario()))


def test_sweep_folder_errors_in_python_name_no_flags(tmp_path):
    from scs_sim.sweeps import storage

    (tmp_path / "stray.txt").write_text("x")
    with pytest.raises(ScenarioError) as info:
        storage.check_folder(tmp_path, "0" * 16)
    assert str(info.value).startswith(f"out = {str(tmp_path)!r}: folder is not empty")
    with pytest.raises(ScenarioError, match=r"^--out "):
        storage.check_folder(tmp_path, "0" * 16, "cli")


def test_edge_list_errors_never_echo_the_file(tmp_path, capsys):
    (tmp_path / "secret.txt").write_text("0 1\nAWS_SECRET=hunter2 3\n")
    path = write(tmp_path, 'network = "edge_list"\nedge_list = "secret.txt"\n')
    code, _, err = cli(capsys, "validate", str(path))
    assert_one_line_error(code, err, "secret.txt: not two integer columns (at row 1, column 1)")
    assert "hunter2" not in err and "AWS" not in err
