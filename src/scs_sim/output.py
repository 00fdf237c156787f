"""Writing results: atomic files, a manifest, and a figure of the key metrics.

Every file is written under a temporary name and renamed into place, so an
interrupted run never leaves a half-written file. The manifest is written last, only
after every other file succeeded: a folder with a manifest holds a complete run.

The output folder is checked before anything runs (:func:`check_out_folder`): a file,
an unwritable folder, or a folder holding a sweep or (without ``overwrite``) another
run is refused with a one-line :class:`OutputError`. Scenario names become file names
only as :func:`slug` s, so nothing is written outside the chosen folder.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import re
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scs_sim.loading import scenario_to_toml
from scs_sim.runner import KEY_METRICS, RunResult

MANIFEST = "manifest.json"
"""The file written last: its presence means the folder holds a complete result."""

SLUG_MAX = 48
"""Longest slug made of a scenario name."""


class OutputError(ValueError):
    """The output folder cannot be used or written; the message is one line."""


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


def slug(name: str) -> str:
    """A scenario name as a safe file or folder name: lowercase ``[a-z0-9-_]``, at most
    :data:`SLUG_MAX` characters, never empty, never ``.`` or ``..`` nor a path."""
    text = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return re.sub(r"-{2,}", "-", text)[:SLUG_MAX].strip("-_") or "scenario"


def portable_path(path: str | Path) -> str:
    """A path as a manifest or report may show it: never an absolute path of this machine.

    Relative paths are kept; an absolute path becomes relative to the working folder when
    inside it, ``scenarios/...`` when inside a folder named ``scenarios``, else its name.
    """
    text = str(path)
    p = Path(text)
    if not text or not p.is_absolute():
        return text
    with contextlib.suppress(ValueError):
        return str(p.relative_to(Path.cwd()))
    parts = p.parts
    if "scenarios" in parts:
        return str(Path(*parts[len(parts) - 1 - parts[::-1].index("scenarios") :]))
    return p.name


def portable_scenario(data: dict[str, Any]) -> dict[str, Any]:
    """A dumped scenario with its ``edge_list`` path made portable (:func:`portable_path`)."""
    if data.get("edge_list"):
        return data | {"edge_list": portable_path(data["edge_list"])}
    return data


def _is_sweep(folder: Path) -> bool:
    if (folder / "runs").is_dir() or (folder / "design.parquet").exists():
        return True
    try:
        return json.loads((folder / MANIFEST).read_text()).get("kind") == "scs_sim sweep"
    except (OSError, ValueError, AttributeError):
        return False


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_out_folder(out: Path, planned: list[str], *, overwrite: bool = False) -> None:
    """Refuse an output folder that cannot take a run, before the run starts.

    Args:
        out: The folder (it need not exist).
        planned: Names of the files the run will write there.
        overwrite: Allow replacing an earlier run's files (never a sweep's).

    Raises:
        OutputError: ``out`` is a file, cannot be created or written, holds a sweep, or
            holds another run (a manifest or one of ``planned``) and ``overwrite`` is off.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file; allowed: a folder, new or empty")
    base = _nearest_existing(out)
    if not base.is_dir():
        raise OutputError(f"--out {out}: {base} is a file, so the folder cannot be created")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: {base} is not writable (permission denied)")
    try:  # os.access does not see read-only mounts: try a file (removed at once)
        with tempfile.TemporaryFile(dir=base):
            pass
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write in {base}: {exc.strerror}") from None
    if not out.is_dir():
        return
    if _is_sweep(out):
        raise OutputError(
            f"--out {out}: holds a sweep; allowed: a new or empty folder (a run never "
            "replaces a sweep's files)"
        )
    earlier = [name for name in [MANIFEST, *planned] if (out / name).exists()]
    if earlier and not overwrite:
        raise OutputError(
            f"--out {out}: holds another run ({earlier[0]}); choose a new folder or add "
            "--overwrite to replace it"
        )


def _previous_files(out: Path) -> list[str]:
    # The earlier run's own files, by its manifest; plain names only (nothing outside out).
    try:
        files = json.loads((out / MANIFEST).read_text()).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [f for f in files if isinstance(f, str) and f == Path(f).name and f != MANIFEST]


class _Writer:
    """Writes a result's files into ``out``, manifest last; on an OSError removes what it
    wrote and raises a one-line :class:`OutputError` (so no half-written run is left)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.created = not out.exists()
        self.written: list[str] = []
        self.previous = _previous_files(out)

    def start(self) -> _Writer:
        """Create the folder and remove a replaced run's manifest."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            # Replacing a run: its manifest goes first, so the folder never looks complete
            # while it mixes two runs' files.
            with contextlib.suppress(FileNotFoundError):
                (self.out / MANIFEST).unlink()
        except OSError as exc:
            raise self._error(exc, self.out) from None
        return self

    def file(self, name: str, write: Callable[[Path], None]) -> None:
        try:
            atomic_write(self.out / name, write)
        except OSError as exc:
            raise self._error(exc, self.out / name) from None
        self.written.append(name)

    def text(self, name: str, text: str) -> None:
        self.file(name, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def finish(self, manifest: dict[str, Any]) -> list[str]:
        for name in self.previous:  # the replaced run's files this run did not rewrite
            if name not in self.written:
                with contextlib.suppress(OSError):
                    (self.out / name).unlink()
        self.text(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        return self.written

    def _error(self, exc: OSError, where: Path) -> OutputError:
        for name in self.written:
            with contextlib.suppress(OSError):
                (self.out / name).unlink()
        if self.created:
            with contextlib.suppress(OSError):
                self.out.rmdir()
        reason = exc.strerror or os.strerror(exc.errno or errno.EIO)
        return OutputError(f"could not write {where}: {reason}; no run was written to {self.out}")


def run_files() -> list[str]:
    """Files of one run."""
    return ["timeseries.parquet", "timeseries.csv", "scenario.toml", "metrics.png", MANIFEST]


def comparison_files(control: str, scenario: str) -> list[str]:
    """Files of a comparison of ``scenario`` (B) with ``control`` (A)."""
    a, b = f"a-{slug(control)}", f"b-{slug(scenario)}"
    series = [f"{stem}.{ext}" for stem in (a, b, "difference") for ext in ("parquet", "csv")]
    return [*series, f"{a}.toml", f"{b}.toml", "comparison.png", MANIFEST]


def manifest(result: RunResult, files: list[str], extra: dict[str, Any] | None = None) -> dict:
    """The run manifest: scenario as resolved, seed, versions, timings and files.

    Paths are portable (:func:`portable_path`): no absolute path of this machine.
    """
    return {
        "scenario_source": portable_path(result.source),
        "seed": result.seed,
        "steps": int(result.series["step"].max()),
        "scenario": portable_scenario(result.params.model_dump(mode="json")),
        "timings": result.timings,
        "captions": result.captions,
        "files": files,
        **provenance(),
        **(extra or {}),
    }


def _series_writers(stem: str, frame: pd.DataFrame) -> list[tuple[str, Callable[[Path], None]]]:
    return [
        (f"{stem}.parquet", lambda tmp: frame.to_parquet(tmp, index=False)),
        (f"{stem}.csv", lambda tmp: frame.to_csv(tmp, index=False)),
    ]


def _figure_writer(
    series: dict[str, pd.DataFrame], title: str, captions: list[tuple[int, str]]
) -> Callable[[Path], None]:
    from scs_sim.run_figure import run_figure, save_png

    fig = run_figure(series, KEY_METRICS, title=title, captions=captions)
    return lambda tmp: save_png(fig, tmp)


def _size(result: RunResult) -> str:
    return f"{result.params.n_citizens:,} citizens, {int(result.series['step'].max())} weeks"


def write_run(out: Path, result: RunResult) -> list[str]:
    """Write one run: series, resolved scenario, figure, and manifest (last).

    Raises:
        OutputError: a file could not be written; what this call wrote is removed.
    """
    name = result.params.name
    title = f"{name}: key metrics over time (seed {result.seed}, {_size(result)})"
    w = _Writer(out).start()
    for file, write in _series_writers("timeseries", result.series):
        w.file(file, write)
    w.text("scenario.toml", scenario_to_toml(result.params))
    w.file("metrics.png", _figure_writer({name: result.series}, title, result.captions))
    return w.finish(manifest(result, list(w.written)))


def write_comparison(
    out: Path, control: RunResult, scenario: RunResult, diff: pd.DataFrame
) -> list[str]:
    """Write a scenario (B), its control (A) on the same seed, and their difference ``B - A``.

    Raises:
        OutputError: a file could not be written; what this call wrote is removed.
    """
    a, b = f"a-{slug(control.params.name)}", f"b-{slug(scenario.params.name)}"
    labels = {
        f"{scenario.params.name} (scenario)": scenario.series,
        f"{control.params.name} (control)": control.series,
    }
    title = (
        f"{scenario.params.name} against {control.params.name}: same seed ({scenario.seed}), "
        f"same citizens and ties ({_size(scenario)})"
    )
    w = _Writer(out).start()
    for stem, frame in ((a, control.series), (b, scenario.series), ("difference", diff)):
        for file, write in _series_writers(stem, frame):
            w.file(file, write)
    w.text(f"{a}.toml", scenario_to_toml(control.params))
    w.text(f"{b}.toml", scenario_to_toml(scenario.params))
    w.file("comparison.png", _figure_writer(labels, title, scenario.captions))
    extra = {
        "compared_with": portable_scenario(scenario.params.model_dump(mode="json")),
        "compared_source": portable_path(scenario.source),
    }
    return w.finish(manifest(control, list(w.written), extra))
