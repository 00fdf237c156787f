"""Tie review: cutting liabilities and rewiring to high scorers, in numpy.

Kernel: scs_sim.kernels.ties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F
from scs_sim.streams import counter_choices, counter_gaps, counter_uniforms

if TYPE_CHECKING:
    from scs_sim.context import Context


TIES = 2  # column of the ties weight in beliefs


def stigma(params) -> float:
    """Pull to drop a listed contact: ``listing_stigma * (1 + kinds the listing triggers) / 5``."""
    kinds = sum(params.joint_punishment().values())
    return params.listing_stigma * (1 + kinds) / 5 if params.blacklist else 0.0


def review_ties(ctx: Context, step: int) -> None:
    """Reviewers drop liable contacts; some dropped ties are pointed at high scorers.

    Reviewers are the successes of a Bernoulli(``tie_review_rate``) process over
    citizens, found by adding geometric gaps (ties lane 0, gap ``k`` from draw ``k``).
    A contact is liable if blacklisted or (with scoring) below ``low_score_visible``.
    A reviewer cuts each active liable tie slot ``k`` if ``u1(k) < p_cut`` with
    ``p_cut = tie_cut_propensity * min(1, believed_ties / full_belief + stigma * listed(contact))
    * (0.5 + 0.5 * risk_aversion)`` with ``stigma = listing_stigma * (1 + joint-punishment
    kinds on) / 5`` (:func:`stigma`); a cut is rewired if ``u2(k) < rewire_share``, to a
    citizen picked uniformly (lane 3) among those at or above ``perk_threshold``, else (or
    if that is the owner) the tie is dropped. Counts ``ties_cut``.
    """
    p, s, tr, n = ctx.params, ctx.population.state, ctx.population.traits, ctx.population.n
    net, streams = ctx.network, ctx.streams
    rate = p.tie_review_rate
    if rate <= 0 or p.tie_cut_propensity <= 0:
        return
    adj = net.adjacency
    log_q = np.log1p(-rate) if rate < 1 else -np.inf
    gaps = counter_gaps(streams.key("ties", step, 0), np.arange(n), log_q)
    # A gap of n or more reaches past the last citizen: capped so the sum cannot overflow.
    reviewers = np.cumsum(np.minimum(gaps, n) + 1) - 1
    reviewers = reviewers[reviewers < n]
    fear = s.beliefs[:, TIES] / F(p.full_belief)
    caution = F(0.5) + F(0.5) * tr.risk_aversion
    owners = net.edge_rows
    liable = s.listed | ((s.score < F(p.low_score_visible)) if p.scoring else False)
    reviewing = np.zeros(n, bool)
    reviewing[reviewers] = True
    slots = np.flatnonzero(reviewing[owners] & (adj.data > 0) & liable[adj.indices])
    shame = F(stigma(p)) * s.listed[adj.indices[slots]].astype(F)
    pull = np.minimum(F(1), fear[owners[slots]] + shame)
    p_cut = F(p.tie_cut_propensity) * pull * caution[owners[slots]]
    keep = p_cut > 0
    slots, p_cut = slots[keep], p_cut[keep]
    cut = slots[counter_uniforms(streams.key("ties", step, 1), slots) < p_cut]
    if len(cut) == 0:
        return
    ctx.counters["ties_cut"] += len(cut)
    rewired = counter_uniforms(streams.key("ties", step, 2), cut) < F(p.rewire_share)
    cut_owners = owners[cut]
    target = cut_owners.copy()
    high = np.flatnonzero(s.score >= F(p.perk_threshold))
    if len(high) and rewired.any():
        picks = high[counter_choices(streams.key("ties", step, 3), cut, len(high))]
        target[rewired] = picks[rewired]
    old_contacts = adj.indices[cut].copy()
    drop = target == cut_owners
    adj.data[cut[drop]] = 0
    adj.indices[cut[~drop]] = target[~drop]
    net.degree -= np.bincount(cut_owners[drop], minlength=n).astype(F)
    net.retied(cut, cut_owners, old_contacts)
