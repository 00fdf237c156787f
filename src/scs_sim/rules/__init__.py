"""The model's rules in readable numpy: the specification the compiled kernels must match.

One function per mechanism, each over whole arrays, with its formula in the
docstring. :mod:`scs_sim.mechanisms` declares what each reads and writes and puts
them in step order; the numba kernels (``scs_sim.kernels``, ``scs_sim.scoring``,
``scs_sim.sanctions``, ``scs_sim.kernels.consequences``) give the same results bit for bit,
which tests/test_backends.py checks mechanism by mechanism.

Every random draw is made for every citizen (or tie slot) from the mechanism's
counter-based stream (:mod:`scs_sim.streams`): draw ``i`` of a stream depends only on
``i``, so drawing eagerly here gives exactly what a kernel drawing lazily gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.kernels.parallel import BLOCK
from scs_sim.streams import counter_uniforms

if TYPE_CHECKING:
    from scs_sim.context import Context

F = np.float32
"""Every per-citizen float is float32; rules compute in float32 in the kernels' order."""


def draws(ctx: Context, mechanism: str, step: int, lane: int = 0) -> np.ndarray:
    """One float32 uniform per citizen from stream ``(mechanism, step, lane)``."""
    return counter_uniforms(ctx.streams.key(mechanism, step, lane), np.arange(ctx.population.n))


def block_sums(values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` (as float64) per block of BLOCK citizens, each added in order.

    The kernels total floats per fixed block, left to right, and then over blocks,
    so that totals do not depend on threads; this is that sum, in numpy.
    """
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    starts = np.arange(0, n, BLOCK)
    return np.array([np.cumsum(values[s : s + BLOCK])[-1] for s in starts], dtype=np.float64)
