"""Who is watched and who is named: targeting of critics and attribution of posts, in numpy.

Two numpy-only mechanisms (no kernels) after the expression rule. Targeting moves
the same surveillance budget toward citizens with an online record (the seed paper's
tracking of dissidents). Attribution decides whether an observed post is tied to a
person: certain under real-name registration, otherwise through linking datasets
(re-identification rates of 63% to 87%: Golle 2006, Sweeney 2000).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F, draws
from scs_sim.rules.expression import observation_rate
from scs_sim.scenario import DATA_SOURCES

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.scenario import Scenario

LINKAGE_FLOOR = 0.63
"""Share re-identified by linking with one public dataset (Golle 2006: 63% unique on
ZIP, sex and date of birth in the 2000 census)."""
LINKAGE_CEILING = 0.87
"""Share re-identified when richer data are joined (Sweeney 2000: 87%)."""


def attribution_probability(params: Scenario) -> float:
    """Chance that an observed post is tied to its author.

    1 under ``real_name_registration``; otherwise ``0.63 + (0.87 - 0.63) * shared``,
    ``shared`` the share of the four data sources (donations, online, ties, credit)
    that firms and the state share: more linked datasets, more re-identification.
    """
    if params.real_name_registration:
        return 1.0
    shared = sum(getattr(params, f"share_{k}") for k in DATA_SOURCES) / len(DATA_SOURCES)
    return LINKAGE_FLOOR + (LINKAGE_CEILING - LINKAGE_FLOOR) * shared


def target_critics(ctx: Context, step: int) -> None:
    """Concentrate surveillance on citizens with an online record, at the same budget.

    ``w = 1 + targeting * (online_record > 0)``; each citizen's observation rate becomes
    ``rate * w / mean(w)`` (capped at 1): observed posts of citizens whose rate falls
    stay observed if ``u < w / mean(w)`` (targeting lane 0), unobserved posts of those
    whose rate rises become observed if ``u < (new - rate) / (1 - rate)`` (lane 1), so
    each post is observed with exactly its new rate. ``targeting = 0`` changes nothing.
    """
    p, s = ctx.params, ctx.population.state
    if p.targeting == 0:
        return
    weight = F(1) + F(p.targeting) * (s.online_record > 0).astype(F)
    ratio = (weight / F(weight.astype(np.float64).mean())).astype(F)
    rate = observation_rate(ctx)
    new = np.minimum(F(1), rate * ratio)
    keep = draws(ctx, "targeting", step, 0) < ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(rate < F(1), (new - rate) / (F(1) - rate), F(0)).astype(F)
    add = draws(ctx, "targeting", step, 1) < extra
    lower = ratio < F(1)
    s.observed_critical[:] = s.expressed_critical & np.where(
        lower, s.observed_critical & keep, s.observed_critical | add
    )


def attribute(ctx: Context, step: int) -> None:
    """Only attributed posts harm: the others leave no record and teach no penalty.

    An observed post is attributed if ``u < attribution_probability`` (attribution lane
    0); ``unattributed`` marks the observed posts that were not, which are then no
    longer ``observed_critical``. Under real-name registration nothing changes.
    """
    s = ctx.population.state
    chance = attribution_probability(ctx.params)
    if chance >= 1.0:
        s.unattributed.fill(False)
        return
    named = draws(ctx, "attribution", step) < F(chance)
    s.unattributed[:] = s.observed_critical & ~named
    s.observed_critical &= named
