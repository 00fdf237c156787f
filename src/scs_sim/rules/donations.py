"""Donations, sincere and performative, in numpy (kernel: scs_sim.kernels.donations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F, draws

if TYPE_CHECKING:
    from scs_sim.context import Context


DONATIONS = 0  # column of the donation weight in beliefs


def donate(ctx: Context, step: int) -> None:
    """Who donates this step, and who does so for the score.

    ``sincere = u0 < charity`` (donations lane 0);
    ``performative = not sincere and u1 < min(1, believed_donations / full_belief) *
    performative_propensity`` (lane 1); ``donated = sincere or performative``.
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    sincere = draws(ctx, "donations", step, 0) < tr.charity
    pull = np.minimum(F(1), s.beliefs[:, DONATIONS] / F(p.full_belief))
    s.performative[:] = ~sincere & (
        draws(ctx, "donations", step, 1) < pull * F(p.performative_propensity)
    )
    s.donated[:] = sincere | s.performative
