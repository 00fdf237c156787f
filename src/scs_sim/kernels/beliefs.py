"""Beliefs about the hidden rules, and how citizens learn them from what they see.

Citizens never see the weights (unless published). They learn from their own
score's movements after acting (a donor sees whether donating helped, a critic
whether its post was noticed) and from their contacts' sanctions, which feed fear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.kernels.parallel import citizen_kernel
from scs_sim.rules.beliefs import true_weights
from scs_sim.scoring import NEUTRAL_SCORE

if TYPE_CHECKING:
    from scs_sim.context import Context


def learn(model: Context, step: int) -> None:
    """Move beliefs toward what each citizen observed this step.

    Fear moves toward the share of a citizen's active contacts under any
    restriction (SocialNetwork.contact_pass, which also prepares the ties rule's
    contact means for the next step).
    """
    params, state = model.params, model.population.state
    share = model.network.contact_pass(state.score, state.restricted, NEUTRAL_SCORE)
    _learn(
        contacts_sanctioned=share,
        rate=np.float32(params.learning_rate),
        fear_rate=np.float32(params.fear_rate),
        scoring=bool(params.scoring),
        truth=true_weights(params),
        background=np.float32(params.background_learning),
        donated=state.donated,
        critics=state.expressed_critical,
        observed=state.observed_critical,
        fear=state.fear,
        beliefs=state.beliefs,
        perceived=state.perceived_surveillance,
    )


@citizen_kernel("fear")
def _learn(
    contacts_sanctioned,
    rate,
    fear_rate,
    scoring,
    truth,
    background,
    donated,
    critics,
    observed,
    fear,
    beliefs,
    perceived,
) -> None:
    penalises = np.float32(truth[1] > 0)
    slow = rate * background
    for i in prange(len(fear)):
        fear[i] += fear_rate * (contacts_sanctioned[i] - fear[i])
    if not scoring:
        return
    # No branch on who posted: a non-critic's step is rate * 0, and adding 0 leaves a
    # belief as it was, so the loop vectorises with the same results.
    for i in prange(len(fear)):
        critic_rate = rate * np.float32(critics[i])
        penalised = np.float32(observed[i]) * penalises
        beliefs[i, 0] += rate * np.float32(donated[i]) * (truth[0] - beliefs[i, 0])
        perceived[i] += critic_rate * (penalised - perceived[i])
        beliefs[i, 1] += critic_rate * (truth[1] - beliefs[i, 1])
        beliefs[i, 2] += slow * (truth[2] - beliefs[i, 2])
        beliefs[i, 3] += slow * (truth[3] - beliefs[i, 3])
