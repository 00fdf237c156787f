"""Outcome metrics, computed once per step over the whole population with numpy.

Every name here is a Mesa DataCollector model reporter. Memory grows with steps
times metrics, never with citizens: only scalars are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.kernels.metrics import (
    _CENSORED,
    _COUNT,
    _DEBT,
    _DEGREE,
    _DONATED,
    _FALSE_POSITIVE,
    _GAP,
    _ISOLATED,
    _LISTED,
    _PERCEIVED,
    _PERFORMATIVE,
    _PERKS,
    _RENTAL,
    _SANCTIONED,
    _SCORE,
    _TRAVEL,
    _VISA,
    _WANTS,
    count_above,
    count_restricted_by_income,
    tally_blocks,
)
from scs_sim.metric_info import METRIC_INFO, group_column
from scs_sim.rules.metrics import tally_blocks as numpy_tally_blocks
from scs_sim.scoring import SCORE_MIN

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.population import Population

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
"""Metrics also reported per group (``<name>_majority``, ``<name>_minority``) when there are
groups (see :func:`scs_sim.metric_info.group_column`)."""


def gini_of_scores(score: np.ndarray) -> float:
    """Gini coefficient of scores, exact for scores rounded to whole points.

    Binning to 601 whole points makes this O(n) with no sort, which matters at
    millions of citizens; the rounding changes the Gini by far less than 1e-3.
    """
    return gini_of_counts(np.bincount(np.rint(score - SCORE_MIN).astype(np.int32), minlength=1))


def gini_of_counts(counts: np.ndarray) -> float:
    """Gini coefficient of scores given as counts per whole point above SCORE_MIN."""
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


def _income_shares(pop: Population, compiled: bool) -> dict[str, float]:
    """Shares of the bottom and the top income fifth under any restriction."""
    restricted, bottom, top = pop.state.restricted, pop.bottom_income, pop.top_income
    if compiled:
        fifth = pop.derived.get(INCOME_FIFTH)
        if fifth is None:
            fifth = pop.derived[INCOME_FIFTH] = np.zeros(pop.n, np.uint8)
            fifth[bottom] |= 1
            fifth[top] |= 2
        in_bottom, in_top = count_restricted_by_income(fifth, restricted)
    else:
        in_bottom = np.count_nonzero(restricted[bottom])
        in_top = np.count_nonzero(restricted[top])
    return {
        "sanctioned_share_bottom_income": _ratio(in_bottom, len(bottom)),
        "sanctioned_share_top_income": _ratio(in_top, len(top)),
    }


INCOME_FIFTH = ("income_fifth", None)
"""Where the compiled metrics keep each citizen's income fifth in ``Population.derived``:
bit 0 for the bottom fifth, bit 1 for the top one."""


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3:
        return 0.0
    x = x.astype(np.float64) - x.mean()
    y = y.astype(np.float64) - y.mean()
    den = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / den) if den > 0 else 0.0


def score_assortativity(model: Context) -> float:
    """Pearson correlation of scores across active ties.

    Exact over every tie when the step's contact pass has just seen them (see
    SocialNetwork.contact_pass); otherwise estimated on a fixed sample of slots.
    """
    net, score = model.network, model.population.state.score
    exact = net.score_assortativity(score)
    if exact is not None:
        return exact
    slots, rows = model.assortativity_slots, model.assortativity_rows
    active = net.adjacency.data[slots] > 0
    return _pearson(score[rows[active]], score[net.adjacency.indices[slots[active]]])


def _core(t: np.ndarray) -> dict[str, float]:
    n = t[_COUNT]
    return {
        "mean_score": _ratio(t[_SCORE], n),
        "self_censorship_rate": _ratio(t[_CENSORED], t[_WANTS]),
        "blacklisted_share": _ratio(t[_LISTED], n),
        "travel_banned_share": _ratio(t[_TRAVEL], n),
        "sanctioned_share": _ratio(t[_SANCTIONED], n),
        "false_positive_share": _ratio(t[_FALSE_POSITIVE], t[_SANCTIONED]),
    }


def compute_metrics(model: Context, compiled: bool = True) -> dict[str, float]:
    """All metrics for the current step, by reporter name.

    Args:
        model: The model (any :class:`scs_sim.context.Context`).
        compiled: Tally with the numba kernel; else with the numpy rule
            (:func:`scs_sim.rules.metrics.tally_blocks`, the same sums).
    """
    pop = model.population
    n = pop.n
    restricted = pop.state.restricted
    if compiled:
        by_group, total, histogram = tally_blocks(model)
    else:
        by_group, total, histogram = numpy_tally_blocks(model)
    out = _core(by_group.sum(axis=0))
    out |= {
        "expression_gap": _ratio(total[_GAP], n),
        "score_gini": gini_of_counts(histogram),
        "donation_rate": _ratio(total[_DONATED], n),
        "performative_donation_rate": _ratio(total[_PERFORMATIVE], n),
        "visa_restricted_share": _ratio(total[_VISA], n),
        "rental_restricted_share": _ratio(total[_RENTAL], n),
        "red_list_share": _ratio(total[_PERKS], n),
        "score_assortativity": score_assortativity(model) if model.params.scoring else NO_SCORE,
        "mean_active_degree": _ratio(total[_DEGREE], n),
        "isolated_share": _ratio(total[_ISOLATED], n),
        "mean_perceived_surveillance": _ratio(total[_PERCEIVED], n),
        "debtor_share": _ratio(total[_DEBT], n),
        "clean_record_sanctioned_share": _ratio(
            int(np.count_nonzero((restricted != 0) & ~pop.state.ever_bad_record)), n
        ),
    }
    out |= {name: float(model.counters[name]) for name in COUNTERS}
    out |= _income_shares(pop, compiled)
    out |= _tradeoff_metrics(model, compiled)
    if model.group_members:
        for g in (0, 1):
            for name, value in _core(by_group[g]).items():
                out[group_column(name, g)] = value
    if not model.params.scoring:
        # Without a score everyone sits at the neutral 650: report no score figures at all.
        for name in out.keys() & _SCORE_COLUMNS:
            out[name] = NO_SCORE
    return out


def _tradeoff_metrics(model: Context, compiled: bool) -> dict[str, float]:
    """New violations this step, support, and attribution of observed posts."""
    from scs_sim.rules.support import repression_shift, supporters

    s, n = model.population.state, model.population.n
    violations = float(model.counters["violations"])
    before = model.metrics.get("violations", violations) if model.metrics else violations
    attributed = int(np.count_nonzero(s.observed_critical))
    observed = attributed + int(np.count_nonzero(s.unattributed))
    if compiled:  # the count of supporters(model), without the temporaries
        backing = count_above(s.support, repression_shift(model.params))
    else:
        backing = np.count_nonzero(supporters(model))
    return {
        "violation_rate": _ratio(violations - before, n),
        "support_share": _ratio(backing, n),
        "reidentified_share": _ratio(attributed, observed),
    }


NO_SCORE = float("nan")
"""Value of the score metrics (mean_score, score_gini, score_assortativity) while no score runs."""

_SCORE_COLUMNS = frozenset(
    name
    for base, about in METRIC_INFO.items()
    if about.score
    for name in (base, group_column(base, 0), group_column(base, 1))
)


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
        "clean_record_sanctioned_share",
        "red_list_share",
        "score_assortativity",
        "mean_active_degree",
        "isolated_share",
        "mean_perceived_surveillance",
        "debtor_share",
        "violation_rate",
        "support_share",
        "reidentified_share",
        "sanctioned_share_bottom_income",
        "sanctioned_share_top_income",
        *COUNTERS,
    ]
    if has_groups:
        names += [group_column(m, g) for g in (0, 1) for m in GROUP_METRICS]
    return names
