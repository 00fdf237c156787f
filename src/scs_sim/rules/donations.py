"""Donations, sincere and performative, in numpy (kernel: scs_sim.kernels.donations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F, draws
from scs_sim.scoring import points_per_unit

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.scenario import Scenario


DONATIONS = 0  # column of the donation weight in beliefs


def points_per_belief(ctx: Context) -> float:
    """Pull to donate per unit of believed donation share.

    A donation adds ``donation_scale * (1 - record_memory)`` to the donation component, so
    at a believed share ``b`` it buys ``b * donation_scale * (1 - record_memory) *
    points_per_unit`` score points; the pull is that over ``full_benefit``.
    """
    p = ctx.params
    worth = p.donation_scale * (1.0 - p.record_memory) * points_per_unit(ctx)
    return worth / p.full_benefit


def stake_limits(params: Scenario) -> list[float] | None:
    """The score thresholds in force (each restriction's, then the perk threshold).

    ``None`` when no score threshold applies: scoring off, or a score with no
    consequence, or only the blacklist, which follows listings.
    """
    if not (params.scoring and params.threshold_sanctions):
        return None
    return [*params.thresholds().values(), params.perk_threshold]


def stakes(ctx: Context) -> np.ndarray:
    """What the score buys or threatens for each citizen, in [0, 1] (float32).

    ``exp(-d / stake_range)`` with ``d`` the distance in points from the citizen's score to
    the nearest threshold in force (:func:`stake_limits`, float32); 0 for everyone when
    no score threshold applies.
    """
    p, score = ctx.params, ctx.population.state.score
    limits = stake_limits(p)
    if limits is None:
        return np.zeros(ctx.population.n, F)
    distance = np.abs(score - F(limits[0]))
    gap = np.empty_like(distance)
    for limit in limits[1:]:  # one pass per threshold: a short axis reduces slowly
        np.abs(np.subtract(score, F(limit), out=gap), out=gap)
        np.minimum(distance, gap, out=distance)
    np.negative(distance, out=distance)
    return np.exp(np.divide(distance, F(p.stake_range), out=distance), out=distance)


def donate(ctx: Context, step: int) -> None:
    """Who donates this step, and who does so for the score.

    ``sincere = u0 < charity`` (donations lane 0);
    ``performative = not sincere and u1 < min(1, believed_donations_share * per_belief) *
    stakes * performative_propensity`` (lane 1), ``per_belief`` from
    :func:`points_per_belief`, ``stakes`` from :func:`stakes`;
    ``donated = sincere or performative``.
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    sincere = draws(ctx, "donations", step, 0) < tr.charity
    pull = np.minimum(F(1), s.beliefs[:, DONATIONS] * F(points_per_belief(ctx))) * stakes(ctx)
    s.performative[:] = ~sincere & (
        draws(ctx, "donations", step, 1) < pull * F(p.performative_propensity)
    )
    s.donated[:] = sincere | s.performative
