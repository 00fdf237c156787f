"""Scenario files: every shipped file works; every kind of mistake gets one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scs_sim import ScenarioError, SocialCreditModel, load_scenario
from scs_sim.loading import parse_override

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"

SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))
REQUIRED = {
    "baseline",
    "sesame",
    "blacklist",
    "full-scs",
    "transparent",
    "data-protection",
    "minority",
}


def test_required_scenarios_ship():
    assert {p.stem for p in SHIPPED} >= REQUIRED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_validates_and_runs_20_steps(path: Path):
    params = load_scenario(path)
    assert params.name == path.stem
    model = SocialCreditModel(path, rng=1, n_citizens=min(params.n_citizens, 2000))
    model.run(20)
    assert len(model.series()) == 21


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_opens_with_a_comment_naming_its_mechanism(path: Path):
    first = path.read_text().splitlines()[0]
    assert first.startswith(f"# {path.stem}:"), first


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scs_sim.cli", *args], capture_output=True, text=True, cwd=cwd
    )


BAD_FILES = {
    "typo": ("surveillence = 0.3\n", "unknown key 'surveillence'; did you mean 'surveillance'?"),
    "out_of_range": (
        "surveillance = 1.5\n",
        "surveillance = 1.5 is not valid; allowed: 0.0 <= surveillance <= 1.0",
    ),
    "wrong_type": (
        'weight_ties = "high"\n',
        "weight_ties = 'high' is not valid; allowed: 0.0 <= weight_ties <= 1.0",
    ),
    "bad_toml": ("scoring = \n", "not valid TOML"),
    "bad_choice": (
        'network = "ring"\n',
        "allowed: 'small_world', 'scale_free', 'communities', 'edge_list'",
    ),
    "negative_count": ("n_citizens = -5\n", "allowed: 10 <= n_citizens <= 50000000"),
    "bad_bool": ("blacklist = 3\n", "blacklist = 3 is not valid; allowed: true or false"),
    "event_typo": (
        "[[events]]\nstep = 3\nset = { surveilance = 0.5 }\n",
        "did you mean 'surveillance'?",
    ),
    "event_range": (
        "[[events]]\nstep = 3\nset = { opacity = 9 }\n",
        "allowed: 0.0 <= opacity <= 3.0",
    ),
    "event_key": ("[[events]]\nstep = 3\nsett = { opacity = 1 }\n", "unknown key 'events[0].sett'"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_gives_exit_2_one_line_and_writes_nothing(kind: str, tmp_path: Path):
    text, expected = BAD_FILES[kind]
    bad = tmp_path / f"{kind}.toml"
    bad.write_text(text)
    out = tmp_path / "out"
    result = run_cli("run", str(bad), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0]
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


def test_validate_command_reports_the_same_error(tmp_path: Path):
    bad = tmp_path / "x.toml"
    bad.write_text("opacity = -1\n")
    result = run_cli("validate", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "opacity = -1 is not valid; allowed: 0.0 <= opacity <= 3.0" in result.stderr


def test_missing_file_and_unknown_name(tmp_path: Path):
    result = run_cli("run", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert result.returncode == 2 and "no such file" in result.stderr
    result = run_cli("run", "sesme", cwd=tmp_path)
    assert result.returncode == 2 and "did you mean 'sesame'?" in result.stderr


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("surveillance=2", "allowed: 0.0 <= surveillance <= 1.0"),
        ("nosuch=1", "unknown key 'nosuch'"),
    ],
)
def test_bad_override_names_the_key(item: str, expected: str, tmp_path: Path):
    result = run_cli("run", "baseline", "--set", item, "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    assert "with --set" in result.stderr and expected in result.stderr
    assert not (tmp_path / "o").exists()


def test_override_values_are_read_as_toml():
    assert parse_override("surveillance=0.3") == ("surveillance", 0.3)
    assert parse_override("appeals=true") == ("appeals", True)
    assert parse_override("network=scale_free") == ("network", "scale_free")
    with pytest.raises(ScenarioError):
        parse_override("surveillance")


def test_keyword_errors_raise_scenario_error():
    with pytest.raises(ScenarioError, match="did you mean 'opacity'"):
        SocialCreditModel(opacty=1.0)
