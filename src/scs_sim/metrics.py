"""Outcome metrics, computed once per step over the whole population with numpy.

Every name here is a Mesa DataCollector model reporter. Memory grows with steps
times metrics, never with citizens: only scalars are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.population import RENTAL, TRAVEL, VISA
from scs_sim.scoring import SCORE_MAX, SCORE_MIN

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


def _sanctioned_share(restricted: np.ndarray, members: np.ndarray) -> float:
    return _ratio(np.count_nonzero(restricted[members]), len(members))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3:
        return 0.0
    x = x.astype(np.float64) - x.mean()
    y = y.astype(np.float64) - y.mean()
    den = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / den) if den > 0 else 0.0


def score_assortativity(model: SocialCreditModel) -> float:
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


# Columns of the per-group tallies made by _tally (one row per group).
_COUNT, _SCORE, _CENSORED, _WANTS, _LISTED, _TRAVEL, _SANCTIONED, _FALSE_POSITIVE = range(8)
# Columns of the whole-population tallies.
_GAP, _DONATED, _PERFORMATIVE, _VISA, _RENTAL, _PERKS, _DEGREE, _ISOLATED, _PERCEIVED, _DEBT = (
    range(10)
)


@citizen_kernel("score")
def _tally(
    score,
    group,
    self_censored,
    wants,
    listed,
    restricted,
    justified,
    dissent,
    censor_probability,
    donated,
    performative,
    perks,
    degree,
    perceived,
    debt,
    by_group,
    total,
    histogram,
):
    # Per block of citizens: three passes (one per group, one for the rest) with scalar
    # accumulators, while the block is in cache; block tallies are added up in order
    # by the caller. A single pass writing group tallies into an array measured no
    # faster at a million citizens (11.5-15.3 ms against 12.6-13.0 ms).
    last = histogram.shape[1] - 1
    n = len(score)
    for b in prange(block_count(n)):
        first, end = block_bounds(b, n)
        for g in range(2):
            count = censored = wanting = n_listed = travel = sanctioned = false_positive = 0
            score_sum = 0.0
            for i in range(first, end):
                if group[i] != g:
                    continue
                r = restricted[i]
                count += 1
                score_sum += score[i]
                censored += self_censored[i]
                wanting += wants[i]
                n_listed += listed[i]
                travel += (r & TRAVEL) != 0
                sanctioned += r != 0
                false_positive += (r & ~justified[i]) != 0
            by_group[b, g, _COUNT] = count
            by_group[b, g, _SCORE] = score_sum
            by_group[b, g, _CENSORED] = censored
            by_group[b, g, _WANTS] = wanting
            by_group[b, g, _LISTED] = n_listed
            by_group[b, g, _TRAVEL] = travel
            by_group[b, g, _SANCTIONED] = sanctioned
            by_group[b, g, _FALSE_POSITIVE] = false_positive
        gap = degree_sum = perceived_sum = 0.0
        n_donated = n_performative = visa = rental = n_perks = isolated = n_debt = 0
        histogram[b, :] = 0
        for i in range(first, end):
            r = restricted[i]
            gap += dissent[i] * censor_probability[i]
            n_donated += donated[i]
            n_performative += performative[i]
            visa += (r & VISA) != 0
            rental += (r & RENTAL) != 0
            n_perks += perks[i]
            degree_sum += degree[i]
            isolated += degree[i] == 0
            perceived_sum += perceived[i]
            n_debt += debt[i]
            histogram[b, min(max(int(np.rint(score[i] - np.float32(SCORE_MIN))), 0), last)] += 1
        total[b, _GAP] = gap
        total[b, _DONATED] = n_donated
        total[b, _PERFORMATIVE] = n_performative
        total[b, _VISA] = visa
        total[b, _RENTAL] = rental
        total[b, _PERKS] = n_perks
        total[b, _DEGREE] = degree_sum
        total[b, _ISOLATED] = isolated
        total[b, _PERCEIVED] = perceived_sum
        total[b, _DEBT] = n_debt


def _tally_blocks(model: SocialCreditModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Per-block tallies, added up over blocks in order (so whatever the threads, the same sums).
    state, traits = model.population.state, model.population.traits
    blocks = block_count(model.population.n)
    by_group = np.empty((blocks, 2, 8))
    total = np.empty((blocks, 10))
    histogram = np.empty((blocks, int(SCORE_MAX - SCORE_MIN) + 1), dtype=np.int64)
    _tally(
        state.score, traits.group, state.self_censored, state.wants_critical, state.listed,
        state.restricted, state.justified, traits.dissent, state.censor_probability,
        state.donated, state.performative, state.perks, model.network.degree,
        state.perceived_surveillance, state.debt, by_group, total, histogram,
    )  # fmt: skip
    return by_group.sum(axis=0), total.sum(axis=0), histogram.sum(axis=0)


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


def compute_metrics(model: SocialCreditModel) -> dict[str, float]:
    """All metrics for the current step, by reporter name."""
    pop = model.population
    n = pop.n
    restricted = pop.state.restricted
    by_group, total, histogram = _tally_blocks(model)
    out = _core(by_group.sum(axis=0))
    out |= {
        "expression_gap": _ratio(total[_GAP], n),
        "score_gini": gini_of_counts(histogram) if model.params.scoring else 0.0,
        "donation_rate": _ratio(total[_DONATED], n),
        "performative_donation_rate": _ratio(total[_PERFORMATIVE], n),
        "visa_restricted_share": _ratio(total[_VISA], n),
        "rental_restricted_share": _ratio(total[_RENTAL], n),
        "red_list_share": _ratio(total[_PERKS], n),
        "score_assortativity": score_assortativity(model) if model.params.scoring else 0.0,
        "mean_active_degree": _ratio(total[_DEGREE], n),
        "isolated_share": _ratio(total[_ISOLATED], n),
        "mean_perceived_surveillance": _ratio(total[_PERCEIVED], n),
        "debtor_share": _ratio(total[_DEBT], n),
        "sanctioned_share_bottom_income": _sanctioned_share(restricted, pop.bottom_income),
        "sanctioned_share_top_income": _sanctioned_share(restricted, pop.top_income),
    }
    out |= {name: float(model.counters[name]) for name in COUNTERS}
    if model.group_members:
        for g in (0, 1):
            for name, value in _core(by_group[g]).items():
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
