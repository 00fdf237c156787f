"""Whether numba's on-disk cache holds the kernels, so a first run can say it compiles.

The kernels are compiled on their first call (about 20-30 s on two cores) and cached
on disk; later processes load them in well under a second. Nothing is compiled here:
this only reads the cache's index files (a few milliseconds).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, TextIO

COMPILE_SECONDS = 30
"""Rough time to compile every kernel on a 2-core machine (measured 20 s unloaded)."""

COLD_SHARE = 0.25
"""Below this share of kernels found in the cache, the cache counts as cold.

Not every kernel is ever cached on its own (inlined helpers, and the threaded versions
until a population large enough for threads has run): a warm cache after small runs
holds about half of them.
"""


def _dispatchers() -> Iterator[Any]:
    from numba.core.registry import CPUDispatcher

    for name, module in list(sys.modules.items()):
        if not name.startswith("scs_sim") or module is None:
            continue
        for value in list(vars(module).values()):
            for candidate in (value, getattr(value, "serial", None)):
                if isinstance(candidate, CPUDispatcher):
                    yield candidate


def cache_is_cold() -> bool:
    """True when most kernels of the imported scs_sim modules are not in numba's cache.

    Import the modules that hold the kernels first (e.g. :mod:`scs_sim.model`). Returns
    False when numba's cache cannot be inspected.
    """
    try:
        found = {id(d): d for d in _dispatchers()}.values()
        cached = sum(bool(d._cache._cache_file._load_index()) for d in found)
    except Exception:  # a private numba API: never fail a run over it
        return False
    return bool(found) and cached < COLD_SHARE * len(found)


def announce_compilation(stream: TextIO | None = None) -> bool:
    """Print "compiling kernels (first run only, ~N s)..." when the cache is cold.

    Returns:
        Whether the message was printed.
    """
    import scs_sim.model  # noqa: F401 - imports every kernel

    if not cache_is_cold():
        return False
    print(
        f"compiling kernels (first run only, ~{COMPILE_SECONDS} s)...",
        file=stream or sys.stderr,
        flush=True,
    )
    return True
