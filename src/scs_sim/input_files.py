"""Reading input files safely: regular files of sane size, shallow TOML, edge lists.

A scenario or sweep given as a FIFO, a device or a socket would hang the reader or
read until memory runs out; a symlink loop, an over-long path or a TOML file nested
thousands of levels deep would end in a traceback. Every such case is a one-line
:class:`~scs_sim.input_errors.ScenarioError` here, before anything runs.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from scs_sim.input_errors import NetworkFileError, ScenarioError

MAX_TOML_BYTES = 1_000_000
"""Largest scenario or sweep file read (1 MB); shipped files are under 3 kB."""

MAX_TOML_DEPTH = 16
"""Deepest nesting of tables and arrays in a scenario or sweep file."""

_OS_ERRORS: dict[int, str] = {
    errno.ENOENT: "no such file",
    errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
    errno.ENAMETOOLONG: "file name too long",
    errno.EACCES: "permission denied",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a directory, expected a file",
}


def _shown(path: Path | str) -> str:
    text = str(path)
    return text if len(text) <= 120 else text[:60] + "..." + text[-40:]


def os_error_text(path: Path | str, exc: OSError) -> str:
    """One line for an operating-system error on ``path``."""
    reason = _OS_ERRORS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return f"{_shown(path)}: {reason}"


def check_regular_file(path: Path, what: str = "file", max_bytes: int | None = None) -> int:
    """Check that ``path`` is a readable regular file, without opening it.

    Args:
        path: The file.
        what: What it should be, for the message ("a .toml file", "an edge-list file").
        max_bytes: Largest size accepted, or None for any.

    Returns:
        The file's size in bytes.

    Raises:
        ScenarioError: one line naming the path and the reason.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise ScenarioError(os_error_text(path, exc)) from None
    except ValueError:  # e.g. an embedded NUL byte
        raise ScenarioError(f"{_shown(path)!r}: not a valid path") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(f"{_shown(path)}: is a directory, expected {what}")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(
            f"{_shown(path)}: not a regular file (a FIFO, device or socket); expected {what}"
        )
    if max_bytes is not None and info.st_size > max_bytes:
        raise ScenarioError(
            f"{_shown(path)}: {info.st_size} bytes is too large; allowed: at most "
            f"{max_bytes} bytes for {what}"
        )
    return info.st_size


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of tables and arrays, stopping once past ``limit``."""
    stack = [(value, 0)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text, refusing syntax errors and deep nesting with one line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            f"{source}: nested too deeply; allowed: at most {MAX_TOML_DEPTH} levels"
        ) from None
    if _depth(data, MAX_TOML_DEPTH) > MAX_TOML_DEPTH:
        raise ScenarioError(
            f"{source}: nested too deeply; allowed: at most {MAX_TOML_DEPTH} levels"
        )
    return data


def read_toml(path: Path, max_bytes: int = MAX_TOML_BYTES) -> dict[str, Any]:
    """Read a scenario or sweep file: a regular TOML file of at most ``max_bytes``.

    Raises:
        ScenarioError: one line for a missing, special, too large, binary or invalid file.
    """
    path = Path(path)
    check_regular_file(path, "a .toml file", max_bytes)
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check still cannot block us.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ScenarioError(os_error_text(path, exc)) from None
    if len(raw) > max_bytes:
        raise ScenarioError(f"{_shown(path)}: too large; allowed: at most {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{_shown(path)}: not a text file (UTF-8 TOML expected)") from None
    return parse_toml(text, _shown(path))


def file_digest(path: Path | str) -> str:
    """SHA-256 of a file's contents (hex), read in 1 MB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_edge_list(path: Path | str, n_citizens: int) -> np.ndarray:
    """Read an edge list: two integer columns of citizen ids in ``[0, n_citizens)``.

    Further columns (e.g. weights) are read and ignored.

    The parsed file is cached by path, size and modification time, so checking a
    scenario at load time and building its network read the file once.

    Returns:
        An int64 array of shape (ties, 2); read-only.

    Raises:
        NetworkFileError: one line naming the file and what is wrong.
    """
    if not str(path).strip():
        raise NetworkFileError("edge_list = '': no such file; network = 'edge_list' needs one")
    path = Path(path)
    try:
        check_regular_file(path, "an edge-list file")
        info = path.stat()
    except ScenarioError as exc:
        raise NetworkFileError(f"edge_list = {exc}") from None
    edges = _parse_edges(str(path.resolve()), info.st_size, info.st_mtime_ns)
    if edges.size and (edges.min() < 0 or edges.max() >= n_citizens):
        raise NetworkFileError(
            f"{_shown(path)}: ids must be integers in [0, {n_citizens}) (n_citizens)"
        )
    return edges


@functools.lru_cache(maxsize=4)
def _parse_edges(path: str, size: int, mtime_ns: int) -> np.ndarray:
    del size, mtime_ns  # part of the cache key only
    try:
        edges = np.loadtxt(path, dtype=np.int64, comments="#", ndmin=2)
    except (ValueError, UnicodeDecodeError) as exc:
        # Where, never what: the message must not echo the file's contents.
        where = re.search(r"row \d+(, column \d+)?", str(exc))
        detail = f" (at {where.group(0)})" if where else ""
        raise NetworkFileError(f"{_shown(path)}: not two integer columns{detail}") from None
    except OSError as exc:
        raise NetworkFileError(os_error_text(path, exc)) from None
    if edges.ndim != 2 or (edges.size and edges.shape[1] < 2):
        raise NetworkFileError(f"{_shown(path)}: not two integer columns")
    if not edges.size:
        edges = edges.reshape(0, 2)
    edges.setflags(write=False)
    return edges
