"""Posting online, and self-censorship under perceived surveillance (Epstein-style deterrence).

A citizen who posts wants a critical post with probability equal to its private
dissent. It holds back with probability ``1 - exp(-chill_sensitivity *
risk_aversion * perceived_cost)``, where the perceived cost is what it believes
an observed critical post costs in score points (per 100), plus the fear it has
from seeing its contacts sanctioned (scaled by opacity: under published rules it
knows why they were). It acts on beliefs, not on the true rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.scoring import ONLINE_SCALE, SCORE_MAX, SCORE_MIN

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

ONLINE = 1  # column of the online weight in beliefs (DATA_SOURCES order)
FEAR_WEIGHT = 2.0
"""Perceived cost, in 100 score points, of having every contact sanctioned."""


def post_penalty(record_memory: float) -> float:
    """Score points (per 100) that one observed critical post costs at weight 1."""
    return (SCORE_MAX - SCORE_MIN) * ONLINE_SCALE * (1.0 - record_memory) / 100.0


def surveillance_rate(model: SocialCreditModel) -> np.ndarray | float:
    """Probability that each citizen's critical post is observed."""
    params = model.params
    if params.minority_share == 0 or params.minority_surveillance == 1.0:
        return params.surveillance
    factor = np.where(model.population.traits.group == 1, params.minority_surveillance, 1.0)
    return np.minimum(1.0, params.surveillance * factor).astype(np.float32)


def perceived_cost(model: SocialCreditModel) -> np.ndarray:
    """What each citizen believes a critical post costs it (per 100 score points)."""
    state = model.population.state
    penalty = np.float32(post_penalty(model.params.record_memory))
    cost = state.beliefs[:, ONLINE] * state.perceived_surveillance * penalty
    # Under published rules citizens know why a contact was sanctioned; under opaque ones
    # any sanction nearby might be for speech, so fear deters posts in proportion to opacity.
    uncertainty = min(1.0, model.params.opacity)
    if uncertainty > 0:
        cost += np.float32(FEAR_WEIGHT * uncertainty) * state.fear
    return cost


def express(model: SocialCreditModel, step: int) -> None:
    """Decide who posts, who wants to be critical, who self-censors, and who is observed."""
    traits, state = model.population.traits, model.population.state
    n = model.population.n
    draws = model.streams.generator("posting", step).random((3, n), dtype=np.float32)
    wants = (draws[0] < traits.activity) & (draws[1] < traits.dissent)
    exponent = -np.float32(model.params.chill_sensitivity) * traits.risk_aversion
    exponent *= perceived_cost(model)
    state.censor_probability[:] = -np.expm1(exponent)
    state.wants_critical[:] = wants
    np.logical_and(wants, draws[2] < state.censor_probability, out=state.self_censored)
    np.logical_and(wants, ~state.self_censored, out=state.expressed_critical)
    seen = model.streams.uniform("surveillance", step, n) < surveillance_rate(model)
    np.logical_and(state.expressed_critical, seen, out=state.observed_critical)
