"""Posting online, and self-censorship under perceived surveillance (Epstein-style deterrence).

A citizen who posts wants a critical post with probability equal to its private
dissent. It holds back with probability ``1 - exp(-chill_sensitivity *
risk_aversion * perceived_cost)``, where the perceived cost is what it believes
an observed critical post costs in score points (per 100), plus the fear it has
from seeing its contacts sanctioned (scaled by opacity: under published rules it
knows why they were). It acts on beliefs, not on the true rules.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.draws import NEXT_DRAW, position, uniform_from
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.rules.expression import (
    ONLINE,
    believed_post_penalty,
    fear_weight,
    observation_rates,
)

if TYPE_CHECKING:
    from scs_sim.context import Context


def express(model: Context, step: int) -> None:
    """Decide who posts, who wants to be critical, who self-censors, and who is observed.

    Draws (counter-based, see scs_sim.streams): posting lane 0 against activity,
    lane 1 against dissent, lane 2 against the censoring probability; surveillance
    lane 0 against the observation rate.
    """
    traits, state, streams = model.population.traits, model.population.state, model.streams
    _express(
        activity=traits.activity,
        dissent=traits.dissent,
        risk_aversion=traits.risk_aversion,
        group=traits.group,
        believed_online=state.beliefs[:, ONLINE],
        perceived=state.perceived_surveillance,
        fear=state.fear,
        rel_censor=model.population.rel.censor,
        chill=np.float32(model.params.chill_sensitivity),
        penalty=np.float32(believed_post_penalty(model)),
        fear_cost=np.float32(fear_weight(model)),
        rate=np.array(observation_rates(model.params), dtype=np.float32),
        posting=np.array([streams.key("posting", step, lane) for lane in range(3)]),
        surveillance=streams.key("surveillance", step),
        censor_probability=state.censor_probability,
        wants_critical=state.wants_critical,
        self_censored=state.self_censored,
        expressed=state.expressed_critical,
        observed=state.observed_critical,
    )


# exp by range reduction, all in float64 arithmetic with no call into libm, so that the
# loop over citizens vectorises: exp(z) = 2**k * exp(r), ln 2 split in two (Cody & Waite).
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
# Below -20, 1 - exp(x) rounds to 1 in float32 anyway; the clamp keeps k within 0..-31.
_FLOOR = -20.0
_EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(11, -1, -1))


@njit(cache=True, inline="always")
def _power_of_half(m: np.int64) -> float:
    # 2**-m for m in 0..31, exactly: a product of the powers picked by m's bits. No table
    # lookup: it would make the vectorised loop fetch lane by lane.
    scale = 0.5 if m & 1 else 1.0
    scale *= 0.25 if m & 2 else 1.0
    scale *= 2.0**-4 if m & 4 else 1.0
    scale *= 2.0**-8 if m & 8 else 1.0
    return scale * (2.0**-16 if m & 16 else 1.0)


@njit(cache=True, inline="always")
def censoring_probability(x: np.float32) -> np.float32:
    """``1 - exp(x)`` for ``x <= 0``, rounded to float32 (``-expm1(x)``).

    Near 0 a Taylor polynomial (error below x**8 / 8! < 1 float32 ulp for |x| < 0.35);
    further out 1 - exp(x) no longer cancels badly, and exp is a degree-11 polynomial
    after range reduction. Both are computed and one is picked: the loop must stay
    branch-free and call no libm function, or it does not vectorise (within one float32
    ulp of libm's expm1, tests/test_scale_equivalence.py).
    """
    y = np.float64(x)
    near = y * (
        1.0 + y * (0.5 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (1 / 720 + y / 5040)))))
    )
    z = max(y, _FLOOR)
    k = np.floor(z * _INV_LN2 + 0.5)
    r = (z - k * _LN2_HI) - k * _LN2_LO
    e = 0.0
    for c in _EXP_TAYLOR:  # Horner: sum of r**k / k! for k = 11 .. 0
        e = e * r + c
    far = 1.0 - e * _power_of_half(np.int64(-k))
    return np.float32(-near if abs(y) < 0.35 else far)


@citizen_kernel("activity")
def _express(
    activity,
    dissent,
    risk_aversion,
    group,
    believed_online,
    perceived,
    fear,
    rel_censor,
    chill,
    penalty,
    fear_cost,
    rate,
    posting,
    surveillance,
    censor_probability,
    wants_critical,
    self_censored,
    expressed,
    observed,
) -> None:
    # Two loops, each simple enough to vectorise: probabilities, then decisions by block.
    for i in prange(len(activity)):
        cost = believed_online[i] * perceived[i] * penalty + fear_cost * fear[i]
        held_back = censoring_probability((-chill * risk_aversion[i]) * cost) * rel_censor[i]
        censor_probability[i] = min(np.float32(1.0), held_back)
    n = len(activity)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        _post(
            lo, activity[lo:hi], dissent[lo:hi], group[lo:hi], censor_probability[lo:hi],
            rate[0], rate[1], posting[0], posting[1], posting[2], surveillance,
            wants_critical[lo:hi], self_censored[lo:hi], expressed[lo:hi], observed[lo:hi],
        )  # fmt: skip


@njit(cache=True)
def _post(
    first, activity, dissent, group, censor_probability, majority_rate, minority_rate,
    posting_key, critical_key, censor_key, surveillance_key, wants_critical, self_censored,
    expressed, observed,
) -> None:  # fmt: skip
    # Citizens first.. as views, so the loop keeps its vector code in the threaded kernel
    # (numba issue 8085). Every draw is made for everyone and combined without branches;
    # counter-based draws make this identical to drawing only where a draw can matter.
    # Draws follow stream positions (one per citizen and stream).
    posting_at, critical_at = position(posting_key, first), position(critical_key, first)
    censor_at, observed_at = position(censor_key, first), position(surveillance_key, first)
    for x in range(len(activity)):
        wants = (uniform_from(posting_at) < activity[x]) & (uniform_from(critical_at) < dissent[x])
        censored = wants & (uniform_from(censor_at) < censor_probability[x])
        speaks = wants & ~censored
        wants_critical[x] = wants
        self_censored[x] = censored
        expressed[x] = speaks
        # A pick between two rates: indexing a rate table by group would not vectorise.
        observed_rate = minority_rate if group[x] else majority_rate
        observed[x] = speaks & (uniform_from(observed_at) < observed_rate)
        posting_at += NEXT_DRAW
        critical_at += NEXT_DRAW
        censor_at += NEXT_DRAW
        observed_at += NEXT_DRAW
