"""Fuzzed scenario files, sweep files and ``--set`` values through the real command line.

Mutations of shipped files (wrong types, quoted numbers, huge, negative, NaN and
infinite numbers, unknown keys, nested tables, long and unicode strings, path-like
names) must end in exit 0 or 2: on 2, one line, no traceback, nothing written; on 0,
outputs without NaN. Whether a case should pass is decided by the same resolver the
command line uses, and a case that passes is run for real when it is small.

The fast tier runs a few hundred cases in process; the slow tier over a thousand,
plus a few through a real subprocess (with a timeout, so a hang fails the test).
"""

from __future__ import annotations

import contextlib
import math
import signal
import subprocess
import sys
import textwrap
import tomllib
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st

from scs_sim.cli import main
from scs_sim.input_errors import ScenarioError
from scs_sim.loading import load_scenario, resolve_scenario
from scs_sim.metric_info import info
from scs_sim.scenario import Scenario
from scs_sim.scenario_library import shipped_dir
from scs_sim.sweeps.spec import load_sweep

FAST = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SLOW = settings(FAST, max_examples=400)

SMALL_RUN = 300 * 3
"""Citizens x steps up to which a case that validates is also run."""

FIELDS = sorted(Scenario.model_fields)
SCENARIOS = {p.stem: tomllib.loads(p.read_text()) for p in shipped_dir().glob("*.toml")}

SWEEP = tomllib.loads(
    textwrap.dedent(
        """
        name = "fuzz"
        replicates = 1
        steps = 2
        [base]
        scenario = "sesame"
        n_citizens = 60
        [design]
        kind = "factorial"
        [parameters.surveillance]
        values = [0.0, 0.5]
        [analysis]
        metrics = ["mean_score"]
        """
    )
)
SWEEP_KEYS = [
    "name",
    "seed",
    "replicates",
    "steps",
    "metrics",
    "keep_steps",
    "common_random_numbers",
    "nosuchkey",
    "base.scenario",
    "base.n_citizens",
    "base.mean_degree",
    "base.network",
    "base.edge_list",
    "base.custom_weights",
    "base.events",
    "design.kind",
    "design.samples",
    "design.levels",
    "parameters.surveillance.values",
    "parameters.surveillance.low",
    "parameters.surveillance.high",
    "parameters.surveillance.levels",
    "parameters.n_citizens.values",
    "parameters.mean_degree.values",
    "parameters.scoring.values",
    "parameters.steps.values",
    "parameters.nosuch.values",
    "analysis.metrics",
    "analysis.step",
    "analysis.quantiles",
]

texts = st.one_of(
    st.sampled_from(
        [
            "",
            "small_world",
            "edge_list",
            "../../etc/passwd",
            "/dev/zero",
            "/dev/stdin",
            "nope.txt",
            "z/../../victim",
            "baseline",
            "sesame",
            "true",
            "0.3",
            "1e999",
            "nan",
            "-1",
            "x" * 5000,
            "名前 🙂",
            "a\nb",
            "\x00",
        ]
    ),
    st.text(max_size=30),
)
numbers = st.one_of(
    st.sampled_from([0, 1, 2, 3, -1, 10, 200, 201, 10**6, 50_000_000, 2**63, -(2**63), 10**30]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0.0, 0.5, 1.0, -0.0, 1e-300, 1e300, math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(numbers, st.booleans(), texts)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from([*FIELDS, "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)
plausible = st.one_of(
    st.integers(0, 4),
    st.floats(0, 1),
    st.lists(st.floats(0, 1), min_size=1, max_size=2),
    st.sampled_from(["latin", "sobol", "morris", "last", "all", "sesame", "mean_score"]),
)
sweep_values = st.one_of(plausible, plausible, plausible, values)  # mostly near-valid
keys = st.one_of(st.sampled_from(FIELDS), st.sampled_from(["surveilance", "x", "events.0", "名"]))
overrides = st.dictionaries(keys, values, max_size=3)

event = st.fixed_dictionaries(
    {
        "step": st.one_of(st.integers(-2, 6), numbers),
        "set": st.dictionaries(keys, values, max_size=2),
    }
)


def _out(tmp_path: Path) -> Path:
    return tmp_path / f"out-{uuid.uuid4().hex[:8]}"


CASE_TIMEOUT_S = 60
"""A command that takes longer than this on a tiny case hangs (e.g. reading a FIFO)."""


def _hung(signum, frame):
    raise TimeoutError(f"a command took more than {CASE_TIMEOUT_S} s")


def _cli(capsys, args: list[str]) -> tuple[int, str]:
    previous = signal.signal(signal.SIGALRM, _hung) if hasattr(signal, "SIGALRM") else None
    if previous is not None:
        signal.alarm(CASE_TIMEOUT_S)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse: usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    finally:
        if previous is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    err = capsys.readouterr().err
    note(f"{args[0]}{' --dry-run' if '--dry-run' in args else ''}: exit {code}")
    return code, err


def _check_error(code: int, err: str, out: Path | None) -> None:
    assert code == 2, (code, err)
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if not line.startswith("scs-sim: warning: ")]
    assert len(lines) == 1 and lines[0].startswith("scs-sim: error: "), err
    if out is not None:
        assert not out.exists(), out


def _score_figure(column: str) -> bool:
    # Score figures are NaN by definition while no score runs (docs/outputs.md).
    for prefix in ("", "cf_", "diff_"):
        name = column.removeprefix(prefix)
        with contextlib.suppress(KeyError):
            if info(name).score:
                return True
    return False


def _check_outputs(out: Path) -> None:
    for path in out.rglob("*.parquet"):
        frame = pd.read_parquet(path)
        numeric = frame.select_dtypes("number")
        bad = [c for c in numeric.columns[numeric.isna().any()] if not _score_figure(c)]
        assert not bad, (path, bad)


def _expected(source: Any, changes: dict[str, Any]) -> Scenario | None:
    """The scenario the command line should accept, or None if it should refuse it."""
    with contextlib.suppress(ScenarioError):
        return resolve_scenario(source, changes, caller="cli")
    return None


def _write(folder: Path, data: dict[str, Any]) -> Path | None:
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return None  # not expressible in TOML (e.g. a NUL in a key)
    path = folder / f"s-{uuid.uuid4().hex[:8]}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def check_scenario_file(tmp_path, capsys, name: str, changes: dict, events: list) -> None:
    data = dict(SCENARIOS[name]) | {"n_citizens": 200, "steps": 3} | changes
    if events:
        data["events"] = events
    path = _write(tmp_path, data)
    if path is None:
        return
    expected = None
    with contextlib.suppress(ScenarioError):
        expected = load_scenario(path)
    code, err = _cli(capsys, ["validate", str(path)])
    if expected is None:
        _check_error(code, err, None)
    else:
        assert code == 0, err
    out = _out(tmp_path)
    args = ["run", str(path), "--steps", "2", "--out", str(out), "--quiet"]
    if expected is None:
        _check_error(*_cli(capsys, args), out)
    elif expected.n_citizens * 2 <= SMALL_RUN:
        code, err = _cli(capsys, args)
        assert code == 0, err
        _check_outputs(out)


def check_overrides(tmp_path, capsys, name: str, changes: dict) -> None:
    items = []
    for key, value in changes.items():
        try:
            text = tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")
        except (TypeError, ValueError):
            return
        items.append(f"{key}={text}")
    base = _write(tmp_path, dict(SCENARIOS[name]) | {"n_citizens": 200, "steps": 3})
    assert base is not None
    expected = _expected(base, items)
    out = _out(tmp_path)
    args = ["run", str(base), "--steps", "2", "--out", str(out), "--quiet"]
    for item in items:
        args += ["--set", item]
    if expected is None:
        _check_error(*_cli(capsys, args), out)
    elif expected.n_citizens * 2 <= SMALL_RUN:
        code, err = _cli(capsys, args)
        assert code == 0, err
        _check_outputs(out)


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def check_sweep_file(tmp_path, capsys, changes: dict[str, Any]) -> None:
    import copy

    data = copy.deepcopy(SWEEP)
    for dotted, value in changes.items():
        _set_dotted(data, dotted, value)
    path = _write(tmp_path, data)
    if path is None:
        return
    expected = None
    with contextlib.suppress(ScenarioError):
        expected = load_sweep(path)
    out = _out(tmp_path)
    code, err = _cli(capsys, ["sweep", str(path), "--out", str(out), "--dry-run"])
    if expected is None:
        _check_error(code, err, out)
        _check_error(*_cli(capsys, ["sweep", str(path), "--out", str(out), "--quiet"]), out)
        return
    assert code == 0, err
    assert not out.exists()
    n_citizens = max(expected.base.n_citizens, *expected.design.points.get("n_citizens", [0]))
    if expected.n_runs <= 4 and n_citizens * expected.steps <= SMALL_RUN:
        code, err = _cli(capsys, ["sweep", str(path), "--out", str(out), "--quiet"])
        assert code == 0, err
        _check_outputs(out)


# --- fast tier ------------------------------------------------------------------------------


@FAST
@given(
    name=st.sampled_from(sorted(SCENARIOS)),
    changes=st.dictionaries(keys, values, max_size=2),
    events=st.lists(event, max_size=2),
)
def test_fuzzed_scenario_files(tmp_path, capsys, name, changes, events):
    check_scenario_file(tmp_path, capsys, name, changes, events)


@FAST
@given(name=st.sampled_from(["baseline", "full-scs", "minority"]), changes=overrides)
def test_fuzzed_set_values(tmp_path, capsys, name, changes):
    check_overrides(tmp_path, capsys, name, changes)


@FAST
@given(changes=st.dictionaries(st.sampled_from(SWEEP_KEYS), sweep_values, max_size=2))
def test_fuzzed_sweep_files(tmp_path, capsys, changes):
    check_sweep_file(tmp_path, capsys, changes)


# --- slow tier ------------------------------------------------------------------------------


@pytest.mark.slow
@SLOW
@given(
    name=st.sampled_from(sorted(SCENARIOS)),
    changes=st.dictionaries(keys, values, max_size=3),
    events=st.lists(event, max_size=3),
)
def test_fuzzed_scenario_files_slow(tmp_path, capsys, name, changes, events):
    check_scenario_file(tmp_path, capsys, name, changes, events)


@pytest.mark.slow
@SLOW
@given(name=st.sampled_from(sorted(SCENARIOS)), changes=overrides)
def test_fuzzed_set_values_slow(tmp_path, capsys, name, changes):
    check_overrides(tmp_path, capsys, name, changes)


@pytest.mark.slow
@SLOW
@given(changes=st.dictionaries(st.sampled_from(SWEEP_KEYS), sweep_values, max_size=3))
def test_fuzzed_sweep_files_slow(tmp_path, capsys, changes):
    check_sweep_file(tmp_path, capsys, changes)


SUBPROCESS_CASES = {
    "deep": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "quoted bool in event": '[[events]]\nstep = 1\nset = { scoring = "nope" }\n',
    "nan weight": "custom_weights = { credit = nan }\n",
    "huge": "n_citizens = 50000000\nmean_degree = 200\n",
    "binary": "\udcff",
    "build-time event": '[[events]]\nstep = 1\nset = { edge_list = "x" }\n',
}


FAST_SUBPROCESS = ("deep", "huge", "binary")


@pytest.mark.parametrize(
    "case",
    [
        c if c in FAST_SUBPROCESS else pytest.param(c, marks=pytest.mark.slow)
        for c in SUBPROCESS_CASES
    ],
)
def test_real_subprocess_cases_end_in_one_line(tmp_path, case):
    path = tmp_path / "case.toml"
    path.write_bytes(SUBPROCESS_CASES[case].encode("utf-8", "surrogateescape"))
    out = tmp_path / "out"
    for args in (["validate", str(path)], ["run", str(path), "--out", str(out), "--quiet"]):
        result = subprocess.run(
            [sys.executable, "-m", "scs_sim.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
        )
        _check_error(result.returncode, result.stderr, out)
