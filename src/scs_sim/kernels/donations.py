"""Donations: sincere ones from charity, performative ones bought for the score.

A citizen who did not donate sincerely this step donates for the score with
probability ``performative_propensity * min(1, believed donation share * points a
donation buys at share 1 / full_benefit)``. The true weight never enters the decision:
citizens act on what they believe, so opacity that inflates beliefs inflates performative giving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.draws import NEXT_DRAW, position, uniform_from
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.rules.donations import DONATIONS, points_per_belief, stake_limits

if TYPE_CHECKING:
    from scs_sim.context import Context


def donate(model: Context, step: int) -> None:
    """Decide sincere (donations lane 0) and performative (lane 1) donations for this step."""
    traits, state, streams = model.population.traits, model.population.state, model.streams
    _donate(
        charity=traits.charity,
        believed_donations=state.beliefs[:, DONATIONS],
        propensity=np.float32(model.params.performative_propensity),
        per_belief=np.float32(points_per_belief(model)),
        stakes=stakes(model),
        sincere_key=streams.key("donations", step, 0),
        score_key=streams.key("donations", step, 1),
        performative=state.performative,
        donated=state.donated,
    )


def stakes(model: Context) -> np.ndarray:
    """:func:`scs_sim.rules.donations.stakes`: distances in one pass, then numpy's ``exp``."""
    limits = stake_limits(model.params)
    if limits is None:
        return np.zeros(model.population.n, np.float32)
    exponent = np.empty(model.population.n, np.float32)
    _stake_exponents(
        score=model.population.state.score,
        limits=np.array(limits, np.float32),
        stake_range=np.float32(model.params.stake_range),
        exponent=exponent,
    )
    return np.exp(exponent, out=exponent)


@citizen_kernel("score")
def _stake_exponents(score, limits, stake_range, exponent):
    n = len(score)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        _stake_exponents_block(score[lo:hi], limits, stake_range, exponent[lo:hi])


@njit(cache=True)
def _stake_exponents_block(score, limits, stake_range, exponent) -> None:
    # ``-min_k |score - limit_k| / stake_range`` in the rule's float32 order, one threshold
    # at a time over a block still in cache: the loops over citizens must stay branch-free.
    for x in range(len(score)):
        exponent[x] = abs(score[x] - limits[0])
    for k in range(1, len(limits)):
        limit = limits[k]
        for x in range(len(score)):
            exponent[x] = min(exponent[x], abs(score[x] - limit))
    for x in range(len(score)):
        exponent[x] = -exponent[x] / stake_range


@citizen_kernel("charity")
def _donate(
    charity, believed_donations, propensity, per_belief, stakes, sincere_key, score_key,
    performative, donated,
):  # fmt: skip
    n = len(charity)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        _donate_block(
            lo, charity[lo:hi], believed_donations[lo:hi], propensity, per_belief, stakes[lo:hi],
            sincere_key,
            score_key,
            performative[lo:hi], donated[lo:hi],
        )  # fmt: skip


@njit(cache=True)
def _donate_block(
    first, charity, believed_donations, propensity, per_belief, stakes, sincere_key, score_key,
    performative, donated,
) -> None:  # fmt: skip
    # Citizens first.. as views, so the loop keeps its vector code in the threaded kernel
    # (numba issue 8085). Both draws for everyone, combined without branches;
    # counter-based draws make this the same as drawing only where it matters. Draws
    # follow stream positions (one per citizen).
    sincere_at, score_at = position(sincere_key, first), position(score_key, first)
    for x in range(len(charity)):
        sincere = uniform_from(sincere_at) < charity[x]
        pull = min(np.float32(1.0), believed_donations[x] * per_belief) * stakes[x]
        bought = ~sincere & (uniform_from(score_at) < pull * propensity)
        performative[x] = bought
        donated[x] = sincere | bought
        sincere_at += NEXT_DRAW
        score_at += NEXT_DRAW
