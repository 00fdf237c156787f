"""The scorer's kernels: the four built-in score rules fused into one pass over citizens.

The compiled version of :func:`scs_sim.rules.scores.update_scores` (same results bit for
bit); :func:`scs_sim.scoring.update_scores` calls it when only built-in rules have weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
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


def update_builtin(model: Context, weights: dict[str, float]) -> None:
    """The score update of the four built-in rules, fused into one pass (plus contact means)."""
    # The same arithmetic as the rules above, in float32 and in the same order,
    # fused into one pass over citizens (plus the contact pass of the ties rule).
    state, traits, n = model.population.state, model.population.traits, model.population.n
    total = sum(w for w in weights.values() if w > 0)
    used = np.array([weights[name] > 0 for name in DATA_SOURCES])
    coef = np.array([w / total if w > 0 else 0.0 for w in map(weights.get, DATA_SOURCES)])
    # Buffers live across steps (like the state arrays), kept by the scorer.
    buffers = {name: model.scorer.buffer(name, n) for name in ("ties", "own")}
    dummy = np.empty(0, dtype=np.float32)
    own_ties = np.float32(0.0)
    if used[2]:
        contact_mean = model.network.primed_mean(state.score, NEUTRAL_SCORE)
        if contact_mean is None:
            contact_mean = model.network.neighbour_mean(state.score, NEUTRAL_SCORE)
        block_totals = np.empty(block_count(n))
        _ties_component(contact_mean, buffers["ties"], block_totals)
        # Summed over blocks in order: the same total whatever the threads.
        own_ties = np.float32(block_totals.sum() / max(n, 1))
    fit = model.score_reference is None
    mean, spread = model.score_reference or (0.0, 1.0)
    own = buffers["own"]
    _score(
        coef=coef.astype(np.float32),
        used=used,
        fit=fit,
        mean=np.float32(mean),
        scale=np.float32(model.params.points_per_sd / spread),
        capacity_share=np.float32(model.params.capacity_share),
        donation_scale=np.float32(model.params.donation_scale),
        online_scale=np.float32(model.params.online_scale),
        own_ties=own_ties,
        donation_record=state.donation_record,
        online_record=state.online_record,
        ties_component=buffers["ties"] if used[2] else dummy,
        credit_record=state.credit_record,
        true_credit_record=state.true_credit_record,
        income=traits.income,
        score=state.score,
        own=own,
    )
    if fit:  # the kernel left raw weighted means: fit the scorecard on them, then scale
        raw = state.score
        model.score_reference = (float(raw.mean()), max(float(raw.std()), MIN_SPREAD))
        per_sd = model.params.points_per_sd
        state.score[:] = to_points(raw, model.score_reference, per_sd)
        own[:] = to_points(own, model.score_reference, per_sd)
    model.own_score = own
    names = [name for name, u in zip(DATA_SOURCES, used, strict=True) if u]
    model.score_components = RecordedComponents(model, names, buffers["ties"])


@citizen_kernel("out")
def _ties_component(contact_mean, out, block_totals) -> None:
    # The ties rule, (mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) in float32, and its sums.
    n = len(out)
    for b in prange(block_count(n)):
        first, last = block_bounds(b, n)
        total = 0.0
        for i in range(first, last):
            out[i] = (contact_mean[i] - np.float32(SCORE_MIN)) / np.float32(SCORE_MAX - SCORE_MIN)
            total += out[i]
        block_totals[b] = total


@citizen_kernel("score")
def _score(
    coef,
    used,
    fit,
    mean,
    scale,
    capacity_share,
    donation_scale,
    online_scale,
    own_ties,
    donation_record,
    online_record,
    ties_component,
    credit_record,
    true_credit_record,
    income,
    score,
    own,
) -> None:
    lo, hi = np.float32(SCORE_MIN), np.float32(SCORE_MAX)
    for i in prange(len(score)):
        capacity = min(np.float32(1.0), income[i] / np.float32(2.0))
        weight = np.float32(1.0) + capacity_share * (np.float32(1.0) - capacity)
        raw = np.float32(0.0)
        own_raw = np.float32(0.0)
        if used[0]:
            d = min(np.float32(1.0), donation_scale * donation_record[i])
            raw += coef[0] * d
            own_raw += coef[0] * d
        if used[1]:
            o = max(np.float32(0.0), np.float32(1.0) - online_scale * online_record[i])
            raw += coef[1] * o
            own_raw += coef[1] * o
        if used[2]:
            raw += coef[2] * ties_component[i]
            own_raw += coef[2] * own_ties
        if used[3]:
            one, zero = np.float32(1.0), np.float32(0.0)
            c = max(zero, one - (one - credit_record[i]) * weight)
            t = max(zero, one - (one - true_credit_record[i]) * weight)
            raw += coef[3] * c
            own_raw += coef[3] * t
        if fit:
            score[i] = raw
            own[i] = own_raw
        else:
            score[i] = min(max(np.float32(NEUTRAL_SCORE) + scale * (raw - mean), lo), hi)
            own[i] = min(max(np.float32(NEUTRAL_SCORE) + scale * (own_raw - mean), lo), hi)
