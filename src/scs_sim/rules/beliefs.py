"""Learning: fear from contacts' sanctions, beliefs about the hidden weights, in numpy.

Kernel: scs_sim.behaviour.beliefs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scs_sim.behaviour.beliefs import BACKGROUND_LEARNING, true_weights
from scs_sim.rules import F
from scs_sim.rules.contacts import contact_pass
from scs_sim.scoring import NEUTRAL_SCORE

if TYPE_CHECKING:
    from scs_sim.context import Context


def learn(ctx: Context, step: int) -> None:
    """Move fear and beliefs toward what each citizen saw this step (rate ``learning_rate``).

    ``fear += rate * (share of active contacts under restriction - fear)``. With scoring,
    toward the true weights ``w``: donors ``b_donations += rate * (w_donations -
    b_donations)``; citizens who posted critically ``perceived_surveillance += rate *
    (observed and w_online > 0 - perceived_surveillance)`` and ``b_online += rate *
    (w_online - b_online)``; everyone ``b_ties``, ``b_credit`` at ``rate * 0.1``.
    """
    p, s = ctx.params, ctx.population.state
    share = contact_pass(ctx.network, s.score, s.restricted, NEUTRAL_SCORE)
    rate = F(p.learning_rate)
    s.fear[:] = s.fear + rate * (share - s.fear)
    if not p.scoring:
        return
    truth = true_weights(p)
    b = s.beliefs
    critic_rate = rate * s.expressed_critical.astype(F)
    penalised = s.observed_critical.astype(F) * F(truth[1] > 0)
    slow = rate * F(BACKGROUND_LEARNING)
    b[:, 0] += rate * s.donated.astype(F) * (truth[0] - b[:, 0])
    s.perceived_surveillance[:] += critic_rate * (penalised - s.perceived_surveillance)
    b[:, 1] += critic_rate * (truth[1] - b[:, 1])
    b[:, 2] += slow * (truth[2] - b[:, 2])
    b[:, 3] += slow * (truth[3] - b[:, 3])
