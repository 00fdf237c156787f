"""Where the dashboard's edge lists may come from: the scenario folders, or an upload.

The page never reads a path a visitor typed: with ``--host 0.0.0.0`` that would let anyone
on the network read any file the server can (and see part of it in an error). An edge
list is either a file in one of the scenario folders (:func:`list_edge_lists`, offered in
a picker) or a file the visitor uploads (:class:`Uploads`: at most
:data:`EDGE_LIST_MAX_BYTES`, written to the session's own temporary folder and parsed
with the model's loader). :func:`check_edge_list` refuses any other value, whatever the
browser sends. Errors name the file the visitor chose, never its contents.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from scs_sim.loading import NetworkFileError, ScenarioError, scenario_dirs

EDGE_LIST_MAX_BYTES = 20 * 1024 * 1024
"""Largest upload accepted (20 MB: about two million ties as text)."""

EDGE_LIST_SUFFIXES = (".txt", ".csv", ".tsv", ".edges", ".el")
"""File endings the picker lists as edge lists."""

NETWORKS_SUBFOLDER = "networks"
"""A scenario folder's subfolder that is searched for edge lists too."""

UPLOAD_PREFIX = "upload: "
"""How the picker labels an uploaded file."""


def list_edge_lists(dirs: Iterable[Path] | None = None) -> dict[str, Path]:
    """Edge-list files in the scenario folders and their ``networks/`` subfolders, by name.

    Args:
        dirs: Folders to search; default the scenario search path. A folder earlier in
            the list wins a name clash.
    """
    found: dict[str, Path] = {}
    for folder in scenario_dirs() if dirs is None else dirs:
        for place in (folder, folder / NETWORKS_SUBFOLDER):
            if not place.is_dir():
                continue
            for path in sorted(place.iterdir()):
                if path.suffix.lower() in EDGE_LIST_SUFFIXES and path.is_file():
                    found.setdefault(path.name, path.resolve())
    return dict(sorted(found.items()))


def check_edge_list(value: str, allowed: Iterable[Path], scenario_value: str = "") -> None:
    """Refuse an ``edge_list`` that is neither offered on the page nor the scenario's own.

    Raises:
        ScenarioError: One line, without the value's contents.
    """
    if not value or value == scenario_value:
        return
    if str(value) not in {str(path) for path in allowed}:
        raise ScenarioError(
            "edge_list: choose a file from the list or upload one; "
            "the dashboard does not read paths typed on the page"
        )


class Uploads:
    """One browser session's uploaded edge lists, in a temporary folder of its own.

    Args:
        max_bytes: Largest upload accepted.
    """

    def __init__(self, max_bytes: int = EDGE_LIST_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.files: dict[str, Path] = {}
        self._folder: Path | None = None

    def add(self, name: str, stream: BinaryIO, n_citizens: int) -> tuple[str, Path]:
        """Save and check an uploaded edge list.

        Reads at most ``max_bytes + 1`` bytes, whatever size the browser announced, and
        parses the file with the model's loader (two integer columns of citizen ids in
        ``[0, n_citizens)``).

        Returns:
            The picker's label for it and the saved file.

        Raises:
            ScenarioError: Too large, or not an edge list for ``n_citizens`` citizens. The
                message names the upload, never its contents.
        """
        shown = Path(name).name[:80] or "upload"
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise ScenarioError(
                f"edge list upload {shown!r} is too large; allowed: up to "
                f"{self.max_bytes // (1024 * 1024)} MB"
            )
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="scs-sim-edges-"))
        label = UPLOAD_PREFIX + shown
        path = self._folder / f"{len(self.files)}.txt"
        path.write_bytes(data)
        try:
            read_edges(path, n_citizens)
        except (NetworkFileError, ValueError):  # ScenarioError and pydantic's are ValueErrors
            path.unlink(missing_ok=True)
            raise ScenarioError(
                f"edge list upload {shown!r} is not valid; allowed: two whole-number columns "
                f"of citizen ids from 0 to {n_citizens - 1} (n_citizens = {n_citizens})"
            ) from None
        self.files[label] = path
        return label, path

    def close(self) -> None:
        """Delete the session's uploads."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self.files.clear()


def read_edges(path: Path, n_citizens: int) -> np.ndarray:
    """Parse an edge list with the model's own loader (:func:`scs_sim.network.edge_list`).

    Raises:
        NetworkFileError: Not two integer columns of ids in ``[0, n_citizens)``.
    """
    from scs_sim.network import edge_list
    from scs_sim.scenario import Scenario

    params = Scenario(n_citizens=n_citizens, network="edge_list", edge_list=str(path))
    src, dst, _ = edge_list(params, np.random.default_rng(0))
    return np.stack([src, dst], axis=1)
