"""Beliefs about the hidden rules, and how citizens learn them from what they see.

Citizens never see the weights (unless published). They learn from their own
score's movements after acting (a donor sees whether donating helped, a critic
whether its post was noticed) and from their contacts' sanctions, which feed fear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.population import initial_beliefs
from scs_sim.scenario import DATA_SOURCES, Scenario

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

BACKGROUND_LEARNING = 0.1
"""Learning about the ties and credit weights, relative to learning from one's own acts."""


def true_weights(params: Scenario) -> np.ndarray:
    """The weights in force, as fractions of the total, in DATA_SOURCES order."""
    weights = params.weights() if params.scoring else dict.fromkeys(DATA_SOURCES, 0.0)
    return np.array([weights[k] for k in DATA_SOURCES], dtype=np.float32)


def learn(model: SocialCreditModel, step: int) -> None:
    """Move beliefs toward what each citizen observed this step."""
    state = model.population.state
    rate = np.float32(model.params.learning_rate)
    contacts_sanctioned = model.network.neighbour_mean(
        (state.restricted > 0).astype(np.float32), 0.0
    )
    state.fear += rate * (contacts_sanctioned - state.fear)
    if not model.params.scoring:
        return
    truth = true_weights(model.params)
    beliefs = state.beliefs
    beliefs[:, 0] += rate * state.donated * (truth[0] - beliefs[:, 0])
    critics = state.expressed_critical
    penalised = state.observed_critical & (truth[1] > 0)
    state.perceived_surveillance += rate * critics * (penalised - state.perceived_surveillance)
    beliefs[:, 1] += rate * critics * (truth[1] - beliefs[:, 1])
    beliefs[:, 2:] += rate * np.float32(BACKGROUND_LEARNING) * (truth[2:] - beliefs[:, 2:])


def on_policy_change(model: SocialCreditModel, before: Scenario, step: int) -> None:
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
