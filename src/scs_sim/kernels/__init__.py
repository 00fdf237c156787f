"""The compiled backend: numba kernels and the runtime helpers they share.

The model's rules are specified in numpy (:mod:`scs_sim.rules`); the kernels here give
the same results bit for bit, faster (tests/test_backends.py), one module per mechanism
(:mod:`.expression`, :mod:`.donations`, :mod:`.deterrence`, :mod:`.violations`,
:mod:`.scores`, :mod:`.sanctions`, :mod:`.consequences`, :mod:`.ties`, :mod:`.beliefs`,
:mod:`.support`, the metric tallies in :mod:`.metrics` and the network's contact sums
in :mod:`.network`).
Here also live the helpers that exist only for speed: threads over fixed blocks
(:mod:`.parallel`), prefetching (:mod:`.prefetch`), the near/far contact layout
(:mod:`.contact_layout`) and the compiled counter-based draws (:mod:`.draws`).

numba's own cache checks only the file a kernel is defined in, so a changed helper
inlined from another file could run stale code. Importing this package therefore keys
the cache of every kernel of scs_sim by a hash of all of scs_sim's compiled sources
(:data:`SOURCE_HASH`): any change to them selects a fresh cache directory,
``numba-<hash>`` under ``$NUMBA_CACHE_DIR`` if set, else under the package's
``__pycache__`` (or ``~/.cache/scs_sim`` when that is not writable).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from numba.core import caching

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The scs_sim package directory."""


_CONSTANTS = ("population.py", "streams.py", "scoring.py")
"""Modules outside kernels/ and rules/ whose constants the kernels read."""


def compiled_sources(package: Path = PACKAGE_DIR) -> list[Path]:
    """The package's Python files that numba compiles from, or whose constants kernels read."""
    files = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        defines_kernels = "@njit" in text or "@citizen_kernel" in text
        # The rules' modules hold constants the kernels read (frozen when they compile).
        read = path.parent.name in ("kernels", "rules") or path.name in _CONSTANTS
        if defines_kernels or read:
            files.append(path)
    return files


def source_hash(files: list[Path], package: Path = PACKAGE_DIR) -> str:
    """A short hash of the files' paths (relative to ``package``) and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


SOURCE_HASH = source_hash(compiled_sources())
"""The hash of scs_sim's compiled sources that names the kernels' cache directory."""


def _cache_dir() -> Path:
    base = os.environ.get("NUMBA_CACHE_DIR")
    if base:
        return Path(base) / f"scs_sim-numba-{SOURCE_HASH}"
    in_tree = PACKAGE_DIR / "__pycache__"
    if os.access(in_tree if in_tree.exists() else PACKAGE_DIR, os.W_OK):
        return in_tree / f"numba-{SOURCE_HASH}"
    return Path.home() / ".cache" / "scs_sim" / f"numba-{SOURCE_HASH}"


CACHE_DIR = _cache_dir()
"""Where the kernels of this exact source tree are cached."""


class SourceHashLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """numba cache locator for scs_sim's files: one directory per :data:`SOURCE_HASH`."""

    def __init__(self, py_func, py_file) -> None:
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = str(CACHE_DIR / self.get_suitable_cache_subpath(py_file))

    def get_cache_path(self) -> str:
        return self._cache_path

    @classmethod
    def from_function(cls, py_func, py_file):
        if not Path(py_file).resolve().is_relative_to(PACKAGE_DIR):
            return None
        locator = cls(py_func, py_file)
        try:
            locator.ensure_cache_path()
        except OSError:
            return None
        return locator


_locators = caching.CacheImpl._locator_classes
if SourceHashLocator not in _locators:
    _locators.insert(0, SourceHashLocator)
