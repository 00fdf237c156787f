"""Population kernels that use every core on large populations, with the same results.

A kernel is written once, as a loop over citizens with ``numba.prange``, and
compiled twice: serially, and with numba threads. Large populations (at least
``PARALLEL_MIN`` citizens) take the threaded version when numba may use more
than one thread; small ones, and sweep workers pinned to one thread, the serial
one.

Both versions give identical results, whatever the number of threads: each
citizen's update depends only on its own draws (scs_sim.streams), integer
counts add up exactly in any order, and float totals are summed per fixed block
of ``BLOCK`` citizens and then over blocks in order (:func:`block_bounds`).

Boolean arrays reach a kernel as bytes (``uint8``, 0 or 1), so that its loops
vectorise: a kernel reads them as integers and writes 0 or 1 (or True/False).

Threads are only ever started by a kernel on a large population. GNU OpenMP (numba's
usual threading layer) aborts a forked child that starts threads again after its
parent did, so a forked child of such a process runs every kernel serially.
"""

from __future__ import annotations

import os
import threading
import types
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from numba import njit

BLOCK = 16_384
"""Citizens per block of a float total (a fixed split, so totals do not depend on threads)."""

PARALLEL_MIN = 250_000
"""Smallest population that runs kernels on several threads.

Below it a kernel's work is too short for threads: each parallel loop waits for its
slowest thread, and a thread that has to wait for a core can cost more than the whole
loop (the measurements behind it are in docs/scale.md).
"""

# numba's fallback threading layer (workqueue) must not be entered by two threads at
# once (two dashboard sessions stepping big models); OpenMP and TBB don't mind.
_LAUNCH = threading.Lock()
_threads_started_in: int | None = None  # the process whose kernels started threads


@njit(cache=True, inline="always")
def block_count(n: int) -> int:
    """Number of blocks of BLOCK citizens covering ``n`` citizens."""
    return (n + BLOCK - 1) // BLOCK


@njit(cache=True, inline="always")
def block_bounds(block: int, n: int) -> tuple[int, int]:
    """First and one-past-last citizen of ``block``."""
    return block * BLOCK, min(n, (block + 1) * BLOCK)


PIECES = 16
"""Pieces a list of changed ties is cut into (:func:`tie_pieces`; they run on separate threads)."""

PIECE_MIN = 256
"""Fewest changed ties a piece: shorter lists stay in one piece."""


@njit(cache=True)
def tie_pieces(owners: np.ndarray, slots: np.ndarray, shift: int) -> np.ndarray:
    """Where each piece of a list of changed ties starts (and, last, where the list ends).

    The list comes grouped by owner with ascending slots. A piece ends only where both the
    owner and ``slot >> shift`` change, so that pieces run on separate threads never write
    the same citizen's entry nor the same byte of per-slot data (``shift`` 3 for slot
    bits packed 8 to a byte, 0 for a byte a slot). The cut places depend only on the list.
    """
    count = len(slots)
    pieces = PIECES if count >= PIECES * PIECE_MIN else 1
    start = np.empty(pieces + 1, dtype=np.int64)
    start[0], start[pieces] = 0, count
    for p in range(1, pieces):
        c = max(start[p - 1], p * count // pieces)
        while c < count and (
            owners[c] == owners[c - 1] or slots[c] >> shift == slots[c - 1] >> shift
        ):
            c += 1
        start[p] = c
    return start


@njit(cache=True)
def join_pieces(starts, counts, a, b, c, out_a, out_b, out_c) -> int:
    """Join the pieces of three parallel lists, in piece order, at the front of the out lists.

    Piece ``p`` holds ``counts[p]`` items from ``starts[p]`` on (pieces filled on separate
    threads, each in its own part). Returns how many items were joined. The out lists may be
    the lists themselves: items only move towards the front.
    """
    w = 0
    for p in range(len(counts)):
        for x in range(starts[p], starts[p] + counts[p]):
            out_a[w] = a[x]
            out_b[w] = b[x]
            out_c[w] = c[x]
            w += 1
    return w


def uses_threads(size: int) -> bool:
    """Whether a kernel over ``size`` citizens (or ties) runs on several threads here."""
    forked_after_threads = _threads_started_in not in (None, os.getpid())
    return size >= PARALLEL_MIN and numba.get_num_threads() > 1 and not forked_after_threads


def _as_bytes(arg: Any) -> Any:
    # Boolean arrays go in as their bytes (0 or 1): numba reads and writes booleans
    # through a conversion that keeps a loop from vectorising.
    if isinstance(arg, np.ndarray) and arg.dtype == np.bool_:
        return arg.view(np.uint8)
    return arg


def _clone(func: Callable, suffix: str) -> Callable:
    # numba names its cache files after the function's qualified name: the threaded
    # twin needs its own name, or the two versions would overwrite each other's cache.
    twin = types.FunctionType(
        func.__code__, func.__globals__, func.__name__ + suffix, func.__defaults__, func.__closure__
    )
    twin.__qualname__ = func.__qualname__ + suffix
    twin.__module__ = func.__module__
    twin.__doc__ = func.__doc__
    return twin


POSITIONAL_MAX = 6
"""Most arguments a kernel takes by position: beyond, every one is passed by name.

Kernels take up to 18 arrays, many of one dtype: two swapped positional arrays would
run silently wrong, two swapped keywords cannot.
"""


class CitizenKernel:
    """A numba kernel over citizens, compiled serially and with threads.

    Args:
        func: The kernel, looping over citizens (or blocks) with ``numba.prange``.
        citizens: The name of one of its per-citizen array arguments, whose length
            (the number of citizens) picks the version, or of an integer argument
            that is the number of citizens.
    """

    def __init__(self, func: Callable, citizens: str, **options: Any) -> None:
        names = func.__code__.co_varnames[: func.__code__.co_argcount]
        if citizens not in names:
            raise TypeError(f"{func.__name__} has no argument {citizens!r}")
        self._size_at = names.index(citizens)
        self._names = names
        self.serial = njit(cache=True, **options)(func)
        self.threaded = njit(cache=True, parallel=True, **options)(_clone(func, "__threaded"))
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__

    def _bind(self, args: tuple, named: dict[str, Any]) -> tuple:
        # Keyword arguments in the kernel's parameter order (numba's dispatchers would take
        # them too, but the size lookup and the byte views need them by position).
        if len(args) > POSITIONAL_MAX:
            raise TypeError(
                f"{self.__name__}: pass its {len(self._names)} arguments by name "
                f"(at most {POSITIONAL_MAX} by position)"
            )
        rest = self._names[len(args) :]
        unknown = set(named) - set(rest)
        missing = [name for name in rest if name not in named]
        if unknown or missing:
            raise TypeError(
                f"{self.__name__}: unknown {sorted(unknown)}, missing {missing} "
                f"(parameters: {', '.join(self._names)})"
            )
        return args + tuple(named[name] for name in rest)

    def __call__(self, *args: Any, **named: Any) -> Any:
        if named or len(args) > POSITIONAL_MAX:
            args = self._bind(args, named)
        args = tuple(_as_bytes(a) for a in args)
        size = args[self._size_at]
        if uses_threads(size if isinstance(size, int | np.integer) else len(size)):
            global _threads_started_in
            with _LAUNCH:
                _threads_started_in = os.getpid()
                return self.threaded(*args)
        return self.serial(*args)


def citizen_kernel(citizens: str, **options: Any) -> Callable[[Callable], CitizenKernel]:
    """Decorator: compile a kernel as a :class:`CitizenKernel`.

    Args:
        citizens: The name of a per-citizen array argument (its length picks the version),
            or of an integer argument giving the number of citizens.
        **options: More options for ``numba.njit`` (e.g. ``error_model="numpy"``).
    """
    return lambda func: CitizenKernel(func, citizens, **options)
