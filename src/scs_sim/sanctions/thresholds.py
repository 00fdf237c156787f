"""Sanction path 1, the commercial score: restrictions below thresholds, perks above.

A threshold of 350 (the lowest score) switches that restriction off, so a policy
event that raises a threshold from 350 switches the restriction on mid-run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.kernels.parallel import citizen_kernel
from scs_sim.population import KIND_BITS
from scs_sim.sanctions.registry import Restrictions, register_sanction

if TYPE_CHECKING:
    from scs_sim.context import Context


def _threshold_table(thresholds: dict[str, float]) -> tuple[tuple, tuple]:
    # Tuples, not arrays: their length is known when the kernel compiles, so the loop over
    # thresholds unrolls and the loop over citizens vectorises.
    limits = tuple(np.float32(limit) for limit in thresholds.values())
    bits = tuple(np.uint8(KIND_BITS[kind]) for kind in thresholds)
    return limits, bits


@citizen_kernel("score")
def _restrict(score, own_score, limits, kind_bits, perk_threshold, imposed, justified, perks):
    # One pass for the real score, the own-conduct score and the perks; the bits are
    # ORed without branches (which score falls below which threshold is unpredictable).
    for i in prange(len(score)):
        bits = np.uint8(0)
        own_bits = np.uint8(0)
        for k in range(len(limits)):
            bits |= kind_bits[k] * np.uint8(score[i] < limits[k])
            own_bits |= kind_bits[k] * np.uint8(own_score[i] < limits[k])
        imposed[i] = bits
        justified[i] = own_bits
        perks[i] = score[i] >= perk_threshold


@register_sanction("thresholds", enabled=lambda p: p.threshold_sanctions and p.scoring)
def apply_thresholds(model: Context, step: int) -> Restrictions:
    """Restrict citizens below each threshold; grant red-list perks above ``perk_threshold``."""
    params, state = model.params, model.population.state
    imposed = np.empty(model.population.n, dtype=np.uint8)
    justified = np.empty(model.population.n, dtype=np.uint8)
    limits, kind_bits = _threshold_table(params.thresholds())
    _restrict(
        score=state.score,
        own_score=model.own_score,
        limits=limits,
        kind_bits=kind_bits,
        perk_threshold=np.float32(params.perk_threshold),
        imposed=imposed,
        justified=justified,
        perks=state.perks,
    )
    return Restrictions(imposed, justified)
