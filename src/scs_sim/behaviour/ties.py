"""Guilt by association: citizens drop contacts who look like a liability, and rewire.

A reviewing citizen drops each contact that is blacklisted or visibly below
``low_score_visible`` with probability ``tie_cut_propensity * min(1, believed
ties weight / FULL_BELIEF) * (0.5 + 0.5 * risk_aversion)``. Some dropped ties are
pointed at high scorers instead (``rewire_share``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.behaviour.donations import FULL_BELIEF

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

TIES = 2  # column of the ties weight in beliefs


def liabilities(model: SocialCreditModel) -> np.ndarray:
    """Citizens whose company looks costly: publicly listed, or visibly low scored."""
    state = model.population.state
    low = state.listed.copy()
    if model.params.scoring:
        low |= state.score < np.float32(model.params.low_score_visible)
    return low


def review_ties(model: SocialCreditModel, step: int) -> None:
    """Let a share of citizens review their contacts, cut liabilities and rewire."""
    params, traits, state = model.params, model.population.traits, model.population.state
    n, net = model.population.n, model.network
    gen = model.streams.generator("ties", step)
    fear = np.minimum(np.float32(1.0), state.beliefs[:, TIES] / np.float32(FULL_BELIEF))
    p_cut = np.float32(params.tie_cut_propensity) * fear * (0.5 + 0.5 * traits.risk_aversion)
    reviewers = np.flatnonzero(
        (gen.random(n, dtype=np.float32) < params.tie_review_rate) & (p_cut > 0)
    )
    if len(reviewers) == 0:
        return
    slots = net.slots_of(reviewers)
    liable = liabilities(model)
    slots = slots[(net.adjacency.data[slots] > 0) & liable[net.adjacency.indices[slots]]]
    cut = slots[gen.random(len(slots), dtype=np.float32) < p_cut[net.edge_rows[slots]]]
    if len(cut) == 0:
        return
    model.counters["ties_cut"] += len(cut)
    rewired = gen.random(len(cut), dtype=np.float32) < params.rewire_share
    high = np.flatnonzero(state.score >= np.float32(params.perk_threshold))
    net.cut(cut[~rewired] if len(high) else cut)
    if len(high):
        targets = high[gen.integers(0, len(high), int(rewired.sum()))]
        net.rewire(cut[rewired], targets.astype(net.adjacency.indices.dtype))
