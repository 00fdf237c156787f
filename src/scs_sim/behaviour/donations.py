"""Donations: sincere ones from charity, performative ones bought for the score.

A citizen who did not donate sincerely this step donates for the score with
probability ``performative_propensity * min(1, believed donation weight /
FULL_BELIEF)``. The true weight never enters the decision: citizens act on what
they believe, so opacity that inflates beliefs inflates performative giving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

DONATIONS = 0  # column of the donation weight in beliefs
FULL_BELIEF = 0.3
"""A believed weight at which the pull to donate for the score is at its maximum."""


def donate(model: SocialCreditModel, step: int) -> None:
    """Decide sincere and performative donations for this step."""
    traits, state = model.population.traits, model.population.state
    draws = model.streams.generator("donations", step).random(
        (2, model.population.n), dtype=np.float32
    )
    sincere = draws[0] < traits.charity
    pull = np.minimum(np.float32(1.0), state.beliefs[:, DONATIONS] / np.float32(FULL_BELIEF))
    pull *= np.float32(model.params.performative_propensity)
    np.logical_and(~sincere, draws[1] < pull, out=state.performative)
    np.logical_or(sincere, state.performative, out=state.donated)
