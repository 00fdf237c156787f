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

from scs_sim.parallel import citizen_kernel
from scs_sim.scoring import ONLINE_SCALE, SCORE_MAX, SCORE_MIN
from scs_sim.streams import uniform

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

ONLINE = 1  # column of the online weight in beliefs (DATA_SOURCES order)
FEAR_WEIGHT = 2.0
"""Perceived cost, in 100 score points, of having every contact sanctioned."""


def post_penalty(record_memory: float) -> float:
    """Score points (per 100) that one observed critical post costs at weight 1."""
    return (SCORE_MAX - SCORE_MIN) * ONLINE_SCALE * (1.0 - record_memory) / 100.0


def _rate_by_group(model: SocialCreditModel) -> np.ndarray:
    # Probability that a critical post is observed, per group: surveillance, times
    # minority_surveillance for group 1 (capped at 1), as float32 thresholds.
    params = model.params
    minority = params.minority_surveillance
    if params.minority_share == 0:
        minority = 1.0
    return np.array(
        [params.surveillance, min(1.0, params.surveillance * minority)], dtype=np.float32
    )


def fear_weight(model: SocialCreditModel) -> float:
    """Cost per unit of fear: under published rules citizens know why a contact was sanctioned.

    Under opaque ones any sanction nearby might be for speech, so fear deters posts
    in proportion to opacity.
    """
    return FEAR_WEIGHT * min(1.0, model.params.opacity)


def express(model: SocialCreditModel, step: int) -> None:
    """Decide who posts, who wants to be critical, who self-censors, and who is observed.

    Draws (counter-based, see scs_sim.streams): posting lane 0 against activity,
    lane 1 against dissent, lane 2 against the censoring probability; surveillance
    lane 0 against the observation rate.
    """
    traits, state, streams = model.population.traits, model.population.state, model.streams
    _express(
        traits.activity,
        traits.dissent,
        traits.risk_aversion,
        traits.group,
        state.beliefs,
        state.perceived_surveillance,
        state.fear,
        np.float32(model.params.chill_sensitivity),
        np.float32(post_penalty(model.params.record_memory)),
        np.float32(fear_weight(model)),
        _rate_by_group(model),
        np.array([streams.key("posting", step, lane) for lane in range(3)]),
        streams.key("surveillance", step),
        state.censor_probability,
        state.wants_critical,
        state.self_censored,
        state.expressed_critical,
        state.observed_critical,
    )


@njit(cache=True, inline="always")
def _expm1(x: np.float32) -> np.float32:
    # libm's expm1f costs ~15 ns here (measured), a third of the whole step at 1M.
    # Near 0 a Taylor polynomial (error below x**8 / 8! < 1 float32 ulp for |x| < 0.35);
    # further out exp(x) - 1 no longer cancels badly. Both in float64, then rounded.
    y = np.float64(x)
    if abs(y) < 0.35:
        return np.float32(
            y
            * (
                1.0
                + y * (0.5 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (1 / 720 + y / 5040)))))
            )
        )
    return np.float32(math.exp(y) - 1.0)


@citizen_kernel("activity")
def _express(
    activity,
    dissent,
    risk_aversion,
    group,
    beliefs,
    perceived,
    fear,
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
    for i in prange(len(activity)):
        cost = beliefs[i, ONLINE] * perceived[i] * penalty
        if fear_cost > 0:
            cost += fear_cost * fear[i]
        p = -_expm1((-chill * risk_aversion[i]) * cost)
        censor_probability[i] = p
        # Later draws are made only when they can matter; counter-based draws make
        # this identical to drawing for everyone.
        wants = uniform(posting[0], i) < activity[i] and uniform(posting[1], i) < dissent[i]
        censored = wants and uniform(posting[2], i) < p
        speaks = wants and not censored
        wants_critical[i] = wants
        self_censored[i] = censored
        expressed[i] = speaks
        observed[i] = speaks and uniform(surveillance, i) < rate[group[i]]
