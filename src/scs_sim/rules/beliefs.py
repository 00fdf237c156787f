"""Learning: fear from contacts' sanctions, beliefs about the hidden weights, in numpy.

Kernel: scs_sim.kernels.beliefs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.population import initial_beliefs
from scs_sim.rules import F
from scs_sim.rules.contacts import contact_pass
from scs_sim.scenario import DATA_SOURCES, Scenario
from scs_sim.scoring import NEUTRAL_SCORE

if TYPE_CHECKING:
    from scs_sim.context import Context


def true_weights(params: Scenario) -> np.ndarray:
    """The built-in rules' shares of the score (0 where not shared), DATA_SOURCES order."""
    weights = params.weight_shares() if params.scoring else dict.fromkeys(DATA_SOURCES, 0.0)
    return np.array([weights[k] for k in DATA_SOURCES], dtype=np.float32)


def learn(ctx: Context, step: int) -> None:
    """Move fear (rate ``fear_rate``) and beliefs (rate ``learning_rate``) toward what was seen.

    ``fear += fear_rate * (share of active contacts under restriction - fear)``. With scoring,
    toward the true weights ``w``: donors ``b_donations += rate * (w_donations -
    b_donations)``; citizens who posted critically ``perceived_surveillance += rate *
    (observed and w_online > 0 - perceived_surveillance)`` and ``b_online += rate *
    (w_online - b_online)``; everyone ``b_ties``, ``b_credit`` at ``rate *
    background_learning``.
    """
    p, s = ctx.params, ctx.population.state
    share = contact_pass(ctx.network, s.score, s.restricted, NEUTRAL_SCORE)
    rate = F(p.learning_rate)
    s.fear[:] = s.fear + F(p.fear_rate) * (share - s.fear)
    if not p.scoring:
        return
    truth = true_weights(p)
    b = s.beliefs
    critic_rate = rate * s.expressed_critical.astype(F)
    penalised = s.observed_critical.astype(F) * F(truth[1] > 0)
    slow = rate * F(p.background_learning)
    b[:, 0] += rate * s.donated.astype(F) * (truth[0] - b[:, 0])
    s.perceived_surveillance[:] += critic_rate * (penalised - s.perceived_surveillance)
    b[:, 1] += critic_rate * (truth[1] - b[:, 1])
    b[:, 2] += slow * (truth[2] - b[:, 2])
    b[:, 3] += slow * (truth[3] - b[:, 3])


def on_policy_change(model: Context, before: Scenario, step: int) -> None:
    """Reset beliefs where citizens would know of the change.

    Published weights (``opacity = 0``) are known at once; a score that starts
    mid-run brings fresh, opaque beliefs. Otherwise changes stay hidden.
    """
    after = model.params
    if after.scoring and (after.opacity == 0 or not before.scoring):
        beliefs, perceived = initial_beliefs(after, model.streams, model.population.n, step)
        model.population.state.beliefs[:] = beliefs
        model.population.state.perceived_surveillance[:] = perceived
    elif not after.scoring:
        model.population.state.beliefs.fill(0.0)
        model.population.state.perceived_surveillance.fill(0.0)
