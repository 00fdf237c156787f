"""Where a sweep's results live: one Parquet file per run, a design table and a manifest.

Layout of a sweep folder::

    DIR/manifest.json          the resolved sweep, seeds, timings, versions, status
    DIR/design.parquet         one row per point: the parameter values as run
    DIR/runs/run-0000012.parquet   one file per run (written by whichever worker ran it)
    DIR/results.csv            all runs in one table (with --csv)

Every file is written under a temporary name and renamed into place, so a run
file either exists complete or not at all: resuming only has to look at which
files exist. Parquet readers (pandas, pyarrow, DuckDB, R arrow) read the
``runs/`` folder as one table; temporary files start with a dot and are ignored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from scs_sim.input_errors import Caller, ScenarioError, overrides_label
from scs_sim.output import atomic_text, atomic_write

RUNS_DIR = "runs"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
CSV = "results.csv"
RUN_METADATA_KEY = b"scs_sim.run"
"""Parquet schema metadata key holding a run's seed and timings (JSON)."""

ID_COLUMNS: tuple[str, ...] = ("run_id", "point", "replicate", "seed")
_RUN_FILE = re.compile(r"^run-(\d+)\.parquet$")


def run_path(out: Path, run_id: int) -> Path:
    """The file of one run."""
    return out / RUNS_DIR / f"run-{run_id:07d}.parquet"


def write_run(path: Path, frame: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Write one run's rows atomically, with ``meta`` (seed, timings) in the file's metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[RUN_METADATA_KEY] = json.dumps(meta).encode()
    table = table.replace_schema_metadata(metadata)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def done_runs(out: Path) -> set[int]:
    """Run ids whose file exists (and is therefore complete)."""
    folder = out / RUNS_DIR
    if not folder.is_dir():
        return set()
    return {int(m.group(1)) for p in folder.iterdir() if (m := _RUN_FILE.match(p.name))}


def temp_files(out: Path) -> list[Path]:
    """Temporary files left in ``runs/`` by a process killed mid-write."""
    folder = out / RUNS_DIR
    return sorted(folder.glob(".run-*.tmp")) if folder.is_dir() else []


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of a sweep folder.

    Raises:
        ScenarioError: if the folder holds no sweep.
    """
    path = out / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{out}: no {MANIFEST}; not a sweep folder") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: not valid JSON: {exc}") from None


def check_folder(out: Path, digest: str, caller: Caller = "python") -> bool:
    """Check that ``out`` is new, empty, or holds this same sweep (to resume).

    Args:
        out: The results folder.
        digest: The sweep's digest (:meth:`scs_sim.sweeps.spec.Sweep.digest`).
        caller: Who asks ('cli' or 'python'); errors use its words (``--out``/``--set``).

    Returns:
        True when the folder already holds this sweep.

    Raises:
        ScenarioError: when ``out`` holds something else, so nothing is overwritten.
    """
    where = f"--out {out}" if caller == "cli" else f"out = {str(out)!r}"
    if not out.exists():
        return False
    if not out.is_dir():
        raise ScenarioError(f"{where}: is a file, expected a folder")
    if (out / MANIFEST).exists():
        manifest = read_manifest(out)
        if manifest.get("kind") != "scs_sim sweep":
            raise ScenarioError(f"{where}: holds a run, not a sweep; choose another folder")
        if manifest.get("digest") != digest:
            name = manifest.get("sweep", {}).get("name")
            raise ScenarioError(
                f"{where}: holds results of a different sweep"
                + (f" ('{name}')" if name else "")
                + f" (file, base scenario, input files or {overrides_label(caller)} differ); "
                "resume with the same settings or choose another folder"
            )
        return True
    if any(out.iterdir()):
        raise ScenarioError(f"{where}: folder is not empty and holds no sweep")
    return False
    if not out.is_dir():
        raise ScenarioError(f"--out {out}: is a file, expected a folder")
    if (out / MANIFEST).exists():
        manifest = read_manifest(out)
        if manifest.get("kind") != "scs_sim sweep":
            raise ScenarioError(f"--out {out}: holds a run, not a sweep; choose another folder")
        if manifest.get("digest") != digest:
            name = manifest.get("sweep", {}).get("name")
            raise ScenarioError(
                f"--out {out}: holds results of a different sweep"
                + (f" ('{name}')" if name else "")
                + " (file, base scenario or --set differ); resume with the same settings "
                "or choose another folder"
            )
        return True
    if any(out.iterdir()):
        raise ScenarioError(f"--out {out}: folder is not empty and holds no sweep")
    return False


def write_design(out: Path, points: pd.DataFrame) -> None:
    """Write the design table (one row per point) atomically."""
    frame = points.copy()
    frame.insert(0, "point", range(len(frame)))
    atomic_write(out / DESIGN, lambda tmp: frame.to_parquet(tmp, index=False))


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    atomic_text(out / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def run_metadata(out: Path) -> dict[int, dict[str, Any]]:
    """Seed and timings of every finished run, read from the run files' metadata."""
    import pyarrow.parquet as pq

    meta = {}
    for run_id in sorted(done_runs(out)):
        schema = pq.read_schema(run_path(out, run_id))
        raw = (schema.metadata or {}).get(RUN_METADATA_KEY)
        meta[run_id] = json.loads(raw) if raw else {}
    return meta


def read_results(out: Path) -> pd.DataFrame:
    """All finished runs of a sweep folder as one DataFrame, sorted by run and step."""
    folder = out / RUNS_DIR
    if not done_runs(out):
        return pd.DataFrame(columns=[*ID_COLUMNS, "step"])
    # Reading the folder as a dataset skips dot-files, i.e. temporaries of runs in flight.
    frame = pd.read_parquet(folder)
    return frame.sort_values(["run_id", "step"], kind="stable").reset_index(drop=True)


def write_csv(out: Path, frame: pd.DataFrame) -> str:
    """Write all results as one CSV (for spreadsheets and students); returns its name."""
    atomic_write(out / CSV, lambda tmp: frame.to_csv(tmp, index=False))
    return CSV
