"""The score update, in numpy (kernel: scs_sim.kernels.scores.update_builtin)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim import scoring
from scs_sim.rules import F, block_sums
from scs_sim.rules.contacts import contact_mean
from scs_sim.scenario import DATA_SOURCES
from scs_sim.scoring import (
    MIN_SPREAD,
    NEUTRAL_SCORE,
    SCORE_MAX,
    SCORE_MIN,
    RecordedComponents,
    to_points,
)

if TYPE_CHECKING:
    from scs_sim.context import Context


def update_scores(ctx: Context, step: int) -> None:
    """Every citizen's score, and the score its own conduct alone would earn.

    Components in [0, 1]: ``donations = min(1, donation_scale * donation_record)``,
    ``online = max(0, 1 - online_scale * online_record)``, ``ties = (mean contact score -
    350) / 600`` and ``credit = max(0, 1 - (1 - credit_record) * (1 + capacity_share * (1 -
    min(1, income / 2))))`` (a clean record is 1 at any income). The raw score is their
    weighted mean (weights over the positive ones); ``score = clip(650 + points_per_sd /
    spread * (raw - mean), 350, 950)`` with
    (mean, spread) fitted on the raw scores when scoring starts. The own-conduct score
    uses the true credit record and the population's mean ties component (summed per
    block, as the kernels do). Without
    scoring every score is 650. Rules other than the four built-in ones take the
    general path of :func:`scs_sim.scoring.update_scores` (numpy already).
    """
    p, s, tr, n = ctx.params, ctx.population.state, ctx.population.traits, ctx.population.n
    weights = scoring.active_weights(ctx)
    total = sum(w for w in weights.values() if w > 0)
    if not p.scoring or total <= 0 or not scoring._builtin_only(weights):
        scoring.update_scores(ctx)
        return
    used = [name for name in DATA_SOURCES if weights[name] > 0]
    comp: dict[str, np.ndarray] = {
        "donations": np.minimum(F(1), F(p.donation_scale) * s.donation_record),
        "online": np.maximum(F(0), F(1) - F(p.online_scale) * s.online_record),
        "credit": scoring.credit_from_record(s.credit_record, tr.income, p.capacity_share),
    }
    own = dict(
        comp, credit=scoring.credit_from_record(s.true_credit_record, tr.income, p.capacity_share)
    )
    ties = np.empty(0, F)
    if "ties" in used:
        mean = ctx.network.primed_mean(s.score, NEUTRAL_SCORE)
        if mean is None:
            mean = contact_mean(ctx.network, s.score, NEUTRAL_SCORE)
        ties = (mean - F(SCORE_MIN)) / F(SCORE_MAX - SCORE_MIN)
        comp["ties"] = ties
        own["ties"] = F(block_sums(ties).sum() / max(n, 1))
    raw, own_raw = np.zeros(n, F), np.zeros(n, F)
    for name in used:
        coef = F(weights[name] / total)
        raw += coef * comp[name]
        own_raw += coef * own[name]
    if ctx.score_reference is None:
        ctx.score_reference = (float(raw.mean()), max(float(raw.std()), MIN_SPREAD))
    s.score[:] = to_points(raw, ctx.score_reference, p.points_per_sd)
    ctx.own_score = to_points(own_raw, ctx.score_reference, p.points_per_sd)
    ctx.score_components = RecordedComponents(ctx, used, ties)
