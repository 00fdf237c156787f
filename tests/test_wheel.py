"""A built wheel, installed in a fresh venv, runs shipped scenarios by name from any directory.

The wheel is built from a copy of the source tree (so the checkout gets no build/ or
egg-info folder), without build isolation (no download), and installed without its
dependencies into a fresh venv; a .pth file lends that venv this environment's
site-packages for numpy, mesa and the rest. The test checks that ``scs_sim`` is
imported from the wheel, not from the source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    pytest.importorskip("setuptools")
    pytest.importorskip("wheel")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCS_SIM_SCENARIOS")}
    dist = base / "dist"
    pip = [sys.executable, "-m", "pip"]
    _run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(dist),
            str(source),
        ],
        cwd=base,
        env=env,
    )
    wheel = next(dist.glob("scs_sim-*.whl"))
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base, env=env)
    python = venv / "bin" / "python"
    install = ["--python", str(python), "install", "--no-deps", "--quiet", str(wheel)]
    _run([*pip, *install], cwd=base, env=env)
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=base,
            env=env,
        ).strip()
    )
    # Dependencies from this environment, after the venv's own site-packages (the wheel).
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv, env


def test_scs_sim_comes_from_the_wheel(installed, tmp_path):
    venv, env = installed
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import scs_sim; print(scs_sim.__file__)"],
        cwd=tmp_path,
        env=env,
    )
    assert Path(where.strip()).is_relative_to(venv), where


def test_shipped_scenarios_run_by_name_from_any_directory(installed, tmp_path):
    venv, env = installed
    cli = str(venv / "bin" / "scs-sim")
    out = tmp_path / "out"
    small = ["--steps", "2", "--set", "n_citizens=300", "--out", str(out), "--quiet"]
    _run([cli, "run", "full-scs", *small], cwd=tmp_path, env=env)
    assert (out / "manifest.json").exists() or any(out.iterdir())
    assert "ok: baseline" in _run([cli, "validate", "baseline"], cwd=tmp_path, env=env)
    plan = _run([cli, "sweep", "surveillance-ties", "--dry-run"], cwd=tmp_path, env=env)
    assert "16 points x 3 replicates" in plan
    code = (
        "from scs_sim import SocialCreditModel\n"
        "from scs_sim.viz.session import list_scenarios\n"
        "m = SocialCreditModel('full-scs', rng=1, n_citizens=200)\n"
        "print(m.params.name, sorted(list_scenarios()))\n"
    )
    printed = _run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path, env=env)
    assert printed.startswith("full-scs ") and "'calibrated-2019'" in printed
