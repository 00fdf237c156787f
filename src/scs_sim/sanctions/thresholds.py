"""Sanction path 1, the commercial score: restrictions below thresholds, perks above.

A threshold of 350 (the lowest score) switches that restriction off, so a policy
event that raises a threshold from 350 switches the restriction on mid-run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.parallel import citizen_kernel
from scs_sim.population import KIND_BITS
from scs_sim.sanctions import Restrictions, register_sanction

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel


def _bits_below(score: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    bits = np.zeros(len(score), dtype=np.uint8)
    _or_bits_below(score, *_threshold_table(thresholds), bits)
    return bits


def _threshold_table(thresholds: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    limits = np.array(list(thresholds.values()), dtype=np.float32)
    bits = np.array([KIND_BITS[kind] for kind in thresholds], dtype=np.uint8)
    return limits, bits


@citizen_kernel
def _or_bits_below(score, limits, kind_bits, out) -> None:
    for i in prange(len(score)):
        bits = out[i]
        for k in range(len(limits)):
            if score[i] < limits[k]:
                bits |= kind_bits[k]
        out[i] = bits


@register_sanction("thresholds", enabled=lambda p: p.threshold_sanctions and p.scoring)
def apply_thresholds(model: SocialCreditModel, step: int) -> Restrictions:
    """Restrict citizens below each threshold; grant red-list perks above ``perk_threshold``."""
    params, state = model.params, model.population.state
    thresholds = params.thresholds()
    np.greater_equal(state.score, np.float32(params.perk_threshold), out=state.perks)
    return Restrictions(
        _bits_below(state.score, thresholds), _bits_below(model.own_score, thresholds)
    )
