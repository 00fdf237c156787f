"""Outcome metrics, computed once per step over the whole population with numpy.

Every name here is a Mesa DataCollector model reporter. Memory grows with steps
times metrics, never with citizens: only scalars are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.population import RENTAL, TRAVEL, VISA
from scs_sim.scoring import SCORE_MIN

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

ASSORTATIVITY_SAMPLE = 200_000
"""Tie slots sampled (once per run) to estimate score assortativity on large networks."""

COUNTERS: tuple[str, ...] = (
    "ties_cut",
    "violations",
    "record_errors",
    "repayments",
    "repaid_under_pressure",
    "listings",
    "wrongful_listings",
    "appeals_won",
    "appeals_lost",
    "flights_blocked",
    "rail_blocked",
)
"""Cumulative counts kept by the mechanisms (model.counters)."""

GROUP_METRICS: tuple[str, ...] = (
    "mean_score",
    "self_censorship_rate",
    "blacklisted_share",
    "travel_banned_share",
    "sanctioned_share",
    "false_positive_share",
)
"""Metrics also reported per group (``<name>_group0``, ``<name>_group1``) when there are groups."""


def gini_of_scores(score: np.ndarray) -> float:
    """Gini coefficient of scores, exact for scores rounded to whole points.

    Binning to 601 whole points makes this O(n) with no sort, which matters at
    millions of citizens; the rounding changes the Gini by far less than 1e-3.
    """
    counts = np.bincount(np.rint(score - SCORE_MIN).astype(np.int32), minlength=1)
    values = SCORE_MIN + np.arange(len(counts), dtype=np.float64)
    n = counts.sum()
    total = (counts * values).sum()
    if n == 0 or total == 0:
        return 0.0
    before = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank_sum = counts * before + counts * (counts + 1) / 2.0  # sum of 1-based ranks per bin
    return float(((2.0 * rank_sum - (n + 1) * counts) * values).sum() / (n * total))


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3:
        return 0.0
    x = x.astype(np.float64) - x.mean()
    y = y.astype(np.float64) - y.mean()
    den = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / den) if den > 0 else 0.0


def score_assortativity(model: SocialCreditModel) -> float:
    """Pearson correlation of scores across active ties (sampled on large networks)."""
    net, score = model.network, model.population.state.score
    slots = model.assortativity_slots
    active = slots[net.adjacency.data[slots] > 0]
    return _pearson(score[net.edge_rows[active]], score[net.adjacency.indices[active]])


def _core(model: SocialCreditModel, members: np.ndarray | slice) -> dict[str, float]:
    state, traits = model.population.state, model.population.traits
    restricted = state.restricted[members]
    n = len(restricted)
    sanctioned = restricted > 0
    false_positive = (restricted & ~state.justified[members]) != 0
    return {
        "mean_score": float(state.score[members].mean(dtype=np.float64)) if n else 0.0,
        "self_censorship_rate": _ratio(
            state.self_censored[members].sum(), state.wants_critical[members].sum()
        ),
        "blacklisted_share": _ratio(state.listed[members].sum(), n),
        "travel_banned_share": _ratio(((restricted & TRAVEL) != 0).sum(), n),
        "sanctioned_share": _ratio(sanctioned.sum(), n),
        "false_positive_share": _ratio(false_positive.sum(), sanctioned.sum()),
    } | (
        {
            "expression_gap": float(
                (traits.dissent * state.censor_probability).mean(dtype=np.float64)
            ),
        }
        if isinstance(members, slice)
        else {}
    )


def compute_metrics(model: SocialCreditModel) -> dict[str, float]:
    """All metrics for the current step, by reporter name."""
    state = model.population.state
    n = model.population.n
    out = _core(model, slice(None))
    restricted = state.restricted
    out |= {
        "score_gini": gini_of_scores(state.score) if model.params.scoring else 0.0,
        "donation_rate": _ratio(state.donated.sum(), n),
        "performative_donation_rate": _ratio(state.performative.sum(), n),
        "visa_restricted_share": _ratio(((restricted & VISA) != 0).sum(), n),
        "rental_restricted_share": _ratio(((restricted & RENTAL) != 0).sum(), n),
        "red_list_share": _ratio(state.perks.sum(), n),
        "score_assortativity": score_assortativity(model) if model.params.scoring else 0.0,
        "mean_active_degree": float(model.network.degree.mean(dtype=np.float64)),
        "isolated_share": _ratio((model.network.degree == 0).sum(), n),
        "mean_perceived_surveillance": float(state.perceived_surveillance.mean(dtype=np.float64)),
        "debtor_share": _ratio(state.debt.sum(), n),
        "sanctioned_share_bottom_income": _ratio(
            (restricted[model.population.bottom_income] > 0).sum(),
            len(model.population.bottom_income),
        ),
        "sanctioned_share_top_income": _ratio(
            (restricted[model.population.top_income] > 0).sum(), len(model.population.top_income)
        ),
    }
    out |= {name: float(model.counters[name]) for name in COUNTERS}
    for g, members in enumerate(model.group_members):
        for name, value in _core(model, members).items():
            out[f"{name}_group{g}"] = value
    return out


def metric_names(has_groups: bool) -> list[str]:
    """Reporter names, in a stable order (group metrics last)."""
    names = [
        "mean_score",
        "score_gini",
        "self_censorship_rate",
        "expression_gap",
        "donation_rate",
        "performative_donation_rate",
        "blacklisted_share",
        "travel_banned_share",
        "visa_restricted_share",
        "rental_restricted_share",
        "sanctioned_share",
        "false_positive_share",
        "red_list_share",
        "score_assortativity",
        "mean_active_degree",
        "isolated_share",
        "mean_perceived_surveillance",
        "debtor_share",
        "sanctioned_share_bottom_income",
        "sanctioned_share_top_income",
        *COUNTERS,
    ]
    if has_groups:
        names += [f"{m}_group{g}" for g in (0, 1) for m in GROUP_METRICS]
    return names
