"""Writing results: atomic files, a manifest, and a figure of the key metrics.

Every file is written under a temporary name and renamed into place, so an
interrupted run never leaves a half-written file. The manifest is written last.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scs_sim.loading import scenario_to_toml
from scs_sim.runner import KEY_METRICS, RunResult


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; results are for sharing
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def atomic_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def git_commit() -> str | None:
    """The commit of the source tree this package runs from, when it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def provenance() -> dict[str, Any]:
    """Versions and commit that produced a result."""
    import mesa
    import numpy

    from scs_sim import __version__

    return {
        "scs_sim_version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def manifest(result: RunResult, files: list[str], extra: dict[str, Any] | None = None) -> dict:
    """The run manifest: scenario as resolved, seed, versions, timings and files."""
    return {
        "scenario_source": result.source,
        "seed": result.seed,
        "steps": int(result.series["step"].max()),
        "scenario": result.params.model_dump(mode="json"),
        "timings": result.timings,
        "captions": result.captions,
        "files": files,
        **provenance(),
        **(extra or {}),
    }


def metrics_figure(series: dict[str, pd.DataFrame], metrics: tuple[str, ...] = KEY_METRICS):
    """A grid of time-series panels, one line per labelled series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 3
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, metrics, strict=False):
        for label, frame in series.items():
            ax.plot(frame["step"], frame[name], label=label)
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_xlabel("week")
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def write_series(out: Path, stem: str, frame: pd.DataFrame) -> list[str]:
    """Write a series as Parquet and CSV; returns the file names."""
    atomic_write(out / f"{stem}.parquet", lambda tmp: frame.to_parquet(tmp, index=False))
    atomic_write(out / f"{stem}.csv", lambda tmp: frame.to_csv(tmp, index=False))
    return [f"{stem}.parquet", f"{stem}.csv"]


def write_figure(out: Path, name: str, series: dict[str, pd.DataFrame]) -> str:
    """Write the key-metrics figure as PNG; returns its file name."""
    import matplotlib.pyplot as plt

    fig = metrics_figure(series)
    atomic_write(out / name, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)
    return name


def write_run(out: Path, result: RunResult) -> list[str]:
    """Write one run: series, resolved scenario, figure, and manifest (last)."""
    files = write_series(out, "timeseries", result.series)
    atomic_text(out / "scenario.toml", scenario_to_toml(result.params))
    files.append("scenario.toml")
    files.append(write_figure(out, "metrics.png", {result.params.name: result.series}))
    atomic_text(out / "manifest.json", json.dumps(manifest(result, files), indent=2) + "\n")
    return [*files, "manifest.json"]


def write_comparison(out: Path, a: RunResult, b: RunResult, diff: pd.DataFrame) -> list[str]:
    """Write both runs of a comparison and their difference."""
    files = write_series(out, f"a-{a.params.name}", a.series)
    files += write_series(out, f"b-{b.params.name}", b.series)
    files += write_series(out, "difference", diff)
    atomic_text(out / f"a-{a.params.name}.toml", scenario_to_toml(a.params))
    atomic_text(out / f"b-{b.params.name}.toml", scenario_to_toml(b.params))
    files += [f"a-{a.params.name}.toml", f"b-{b.params.name}.toml"]
    files.append(
        write_figure(out, "comparison.png", {a.params.name: a.series, b.params.name: b.series})
    )
    extra = {"compared_with": b.params.model_dump(mode="json"), "compared_source": b.source}
    atomic_text(out / "manifest.json", json.dumps(manifest(a, files, extra), indent=2) + "\n")
    return [*files, "manifest.json"]
