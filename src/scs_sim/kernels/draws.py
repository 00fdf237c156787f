"""Counter-based draws one at a time, for the kernels: the compiled side of scs_sim.streams.

Each returns exactly what the vectorised functions of :mod:`scs_sim.streams` give for
the same key and index (SplitMix64, tests/test_scale_equivalence.py).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from scs_sim.streams import _GAMMA, _GAP_CAP, _MIX1, _MIX2, _TO_UNIT, NEXT_DRAW

__all__ = ["NEXT_DRAW", "choice", "gap", "position", "uniform", "uniform_from"]


@njit(cache=True, inline="always")
def position(key: np.uint64, index: int) -> np.uint64:
    """Where stream ``key`` stands at draw ``index``: :func:`uniform_from` turns it into the draw.

    A loop over consecutive draws can start here and add NEXT_DRAW at each draw instead
    of calling :func:`uniform` with each index: the same draws, one 64-bit multiply
    fewer a draw (a multiply AVX2 has to emulate).
    """
    return key + (np.uint64(index) + np.uint64(1)) * _GAMMA


@njit(cache=True, inline="always")
def _finish(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _mix(key: np.uint64, index: int) -> np.uint64:
    return _finish(position(key, index))


@njit(cache=True, inline="always")
def uniform_from(at: np.uint64) -> np.float32:
    """The float32 uniform on [0, 1) drawn at stream position ``at`` (see :func:`position`)."""
    return np.float32(_finish(at) >> np.uint64(40)) * _TO_UNIT


@njit(cache=True, inline="always")
def uniform(key: np.uint64, index: int) -> np.float32:
    """Draw ``index`` of the counter-based stream ``key``: a float32 uniform on [0, 1)."""
    return uniform_from(position(key, index))


@njit(cache=True, inline="always")
def choice(key: np.uint64, index: int, size: int) -> int:
    """Draw ``index`` of stream ``key`` as an integer in [0, size) (Lemire's multiply-shift)."""
    return int(((_mix(key, index) >> np.uint64(32)) * np.uint64(size)) >> np.uint64(32))


@njit(cache=True, inline="always")
def gap(key: np.uint64, index: int, log_q: float) -> int:
    """Draw ``index`` as a geometric gap: failures before the next success of rate ``p``.

    ``log_q`` is ``log(1 - p)``. Citizens chosen independently with probability
    ``p`` are found by adding gaps, so a mechanism that touches one citizen in ten
    draws one number per chosen citizen instead of one per citizen.
    """
    u = (np.float64(_mix(key, index) >> np.uint64(11)) + 1.0) * 2.0**-53  # in (0, 1]
    # Capped: with a tiny rate the quotient can exceed int64 (a "never" in any population).
    return int(min(math.log(u) / log_q, _GAP_CAP))
