"""Appeals and the sanction paths, in numpy (kernels: scs_sim.kernels.sanctions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from scs_sim.kernels.sanctions import apply_blacklist, apply_thresholds
from scs_sim.population import KIND_BITS
from scs_sim.rules import F, draws
from scs_sim.sanctions.appeals import LOST, NONE
from scs_sim.sanctions.registry import SANCTION_PATHS, Restrictions

if TYPE_CHECKING:
    from scs_sim.context import Context


def hear_appeals(ctx: Context, step: int) -> None:
    """File, advance and decide appeals against wrong records.

    Without a wrong record ``appeal_left = -1``. With appeals on, a wrong record without
    debt and no appeal yet gets ``appeal_left = appeal_delay``; pending appeals count
    down; one at 0 is won if ``u < appeal_success`` (appeals lane 0), clearing the
    record (``-1``), else lost for good (``-2``). Counts ``appeals_won``/``appeals_lost``.
    """
    p, s = ctx.params, ctx.population.state
    s.appeal_left[~s.false_record] = NONE
    if not p.appeals:
        return
    filing = s.false_record & ~s.debt & (s.appeal_left == NONE)
    s.appeal_left[filing] = p.appeal_delay
    due = s.false_record & (s.appeal_left == 0)
    s.appeal_left[s.false_record & (s.appeal_left > 0)] -= 1
    won = due & (draws(ctx, "appeals", step) < F(p.appeal_success))
    s.false_record[won] = False
    s.appeal_left[won] = NONE
    s.appeal_left[due & ~won] = LOST
    ctx.counters["appeals_won"] += int(won.sum())
    ctx.counters["appeals_lost"] += int((due & ~won).sum())


def thresholds(ctx: Context, step: int) -> Restrictions:
    """Sanction path 1: each restriction below its score threshold; perks above one.

    ``imposed |= bit(kind)`` where ``score < threshold(kind)``; ``justified`` likewise
    for the own-conduct score; ``perks = score >= perk_threshold``.
    """
    p, s, n = ctx.params, ctx.population.state, ctx.population.n
    imposed, justified = np.zeros(n, np.uint8), np.zeros(n, np.uint8)
    s.perks[:] = s.score >= F(p.perk_threshold)
    for kind, limit in p.thresholds().items():
        imposed[s.score < F(limit)] |= KIND_BITS[kind]
        justified[ctx.own_score < F(limit)] |= KIND_BITS[kind]
    return Restrictions(imposed, justified)


def blacklist(ctx: Context, step: int) -> Restrictions:
    """Sanction path 2: the court blacklist with joint punishment.

    A listing counts down and ends when the record is cleared or ``listing_left``
    reaches 0 (an unpaid record's age restarts at 0). A bad record of age at least
    ``listing_delay`` not yet listed is listed if ``u < enforcement_rate`` (blacklist
    lane 0) for ``blacklist_term`` steps. ``listed_wrongly = listed and not debt``.
    A listing imposes the joint-punishment bits, justified unless wrongful. Counts
    ``listings`` and ``wrongful_listings``.
    """
    p, s, n = ctx.params, ctx.population.state, ctx.population.n
    bad = s.debt | s.false_record
    s.listing_left[s.listed] -= 1
    done = s.listed & (~bad | (s.listing_left <= 0))
    s.listed[done] = False
    s.record_age[done & bad] = 0
    eligible = bad & ~s.listed & (s.record_age >= p.listing_delay)
    new = eligible & (draws(ctx, "blacklist", step) < F(p.enforcement_rate))
    s.listed |= new
    s.listing_left[new] = p.blacklist_term
    s.listed_wrongly[:] = s.listed & ~s.debt
    ctx.counters["listings"] += int(new.sum())
    ctx.counters["wrongful_listings"] += int((new & ~s.debt).sum())
    bits = sum(KIND_BITS[k] for k, on in p.joint_punishment().items() if on)
    imposed, justified = np.zeros(n, np.uint8), np.zeros(n, np.uint8)
    imposed[s.listed] = bits
    justified[s.listed & ~s.listed_wrongly] = bits
    return Restrictions(imposed, justified)


NUMPY_PATHS: dict[Callable, Callable[[Context, int], Restrictions]] = {
    apply_thresholds: thresholds,
    apply_blacklist: blacklist,
}
"""The numpy rule of each built-in path's kernel; a registered path without one runs its own."""


def impose(ctx: Context, step: int) -> None:
    """Run every enabled sanction path and combine them.

    ``restricted = OR of the paths' imposed bits``; ``justified = (OR of their
    own-conduct bits) AND restricted``; both 0 when no path is enabled. No perks
    without score thresholds in force.
    """
    s = ctx.population.state
    paths = [path for path in SANCTION_PATHS.values() if path.enabled(ctx.params)]
    if not (ctx.params.scoring and ctx.params.threshold_sanctions):
        s.perks.fill(False)
    s.restricted.fill(0)
    s.justified.fill(0)
    for path in paths:
        result = NUMPY_PATHS.get(path.apply, path.apply)(ctx, step)
        s.restricted |= result.imposed
        s.justified |= result.justified
    s.justified &= s.restricted
