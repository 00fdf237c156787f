"""Donations: sincere ones from charity, performative ones bought for the score.

A citizen who did not donate sincerely this step donates for the score with
probability ``performative_propensity * min(1, believed donation weight /
FULL_BELIEF)``. The true weight never enters the decision: citizens act on what
they believe, so opacity that inflates beliefs inflates performative giving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.parallel import citizen_kernel
from scs_sim.streams import uniform

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

DONATIONS = 0  # column of the donation weight in beliefs
FULL_BELIEF = 0.3
"""A believed weight at which the pull to donate for the score is at its maximum."""


def donate(model: SocialCreditModel, step: int) -> None:
    """Decide sincere (donations lane 0) and performative (lane 1) donations for this step."""
    traits, state, streams = model.population.traits, model.population.state, model.streams
    _donate(
        traits.charity,
        state.beliefs[:, DONATIONS],
        np.float32(model.params.performative_propensity),
        streams.key("donations", step, 0),
        streams.key("donations", step, 1),
        state.performative,
        state.donated,
    )


@citizen_kernel("charity")
def _donate(charity, believed_donations, propensity, sincere_key, score_key, performative, donated):
    for i in prange(len(charity)):
        # Both draws for everyone, combined without branches (the loop vectorises);
        # counter-based draws make this the same as drawing only where it matters.
        sincere = uniform(sincere_key, i) < charity[i]
        pull = min(np.float32(1.0), believed_donations[i] / np.float32(FULL_BELIEF))
        bought = ~sincere & (uniform(score_key, i) < pull * propensity)
        performative[i] = bought
        donated[i] = sincere | bought
