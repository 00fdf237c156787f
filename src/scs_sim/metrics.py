"""Outcome metrics, computed once per step over the whole population with numpy.

Every name here is a Mesa DataCollector model reporter. Memory grows with steps
times metrics, never with citizens: only scalars are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.metric_info import METRIC_INFO, group_column
from scs_sim.population import RENTAL, TRAVEL, VISA
from scs_sim.scoring import SCORE_MAX, SCORE_MIN

if TYPE_CHECKING:
    from scs_sim.context import Context

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


def _sanctioned_share(restricted: np.ndarray, members: np.ndarray, compiled: bool) -> float:
    if not compiled:
        return _ratio(int(np.count_nonzero(restricted[members])), len(members))
    return _ratio(_count_restricted(members, restricted), len(members))


@citizen_kernel("members")
def _count_restricted(members, restricted) -> int:
    # Counts without gathering the members' flags into a temporary (no allocation).
    count = 0
    for m in prange(len(members)):
        count += restricted[members[m]] != 0
    return count


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


# Columns of the per-group tallies made by _tally (one row per group).
_COUNT, _SCORE, _CENSORED, _WANTS, _LISTED, _TRAVEL, _SANCTIONED, _FALSE_POSITIVE = range(8)
# Columns of the whole-population tallies.
_GAP, _DONATED, _PERFORMATIVE, _VISA, _RENTAL, _PERKS, _DEGREE, _ISOLATED, _PERCEIVED, _DEBT = (
    range(10)
)


@njit(cache=True, inline="always")
def _split(tallies, column, everyone, group1) -> None:
    tallies[1, column] = group1
    tallies[0, column] = everyone - group1


@njit(cache=True, fastmath={"reassoc"})
def _exact_sums(score, group, degree) -> tuple[float, float, float]:
    # Sums that are exact in any order (float32 scores on [350, 950] are multiples of
    # 2^-15, degrees are whole numbers; a block's totals fit a float64's 53 bits), so the
    # compiler may reorder them into vector code: the same totals, faster.
    score0 = score1 = degree_sum = 0.0
    for i in range(len(score)):
        member = np.float32(group[i])
        score0 += score[i] * (np.float32(1.0) - member)
        score1 += score[i] * member
        degree_sum += degree[i]
    return score0, score1, degree_sum


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
    # Per block of citizens, while it is in cache; block tallies are added up in order
    # by the caller. Each block goes to a function of its own, as views: loaded from
    # numba's cache, a parallel loop's own inner loops lose their vector code (numba
    # issue 8085).
    n = len(score)
    for b in prange(block_count(n)):
        first, end = block_bounds(b, n)
        _tally_block(
            score[first:end], group[first:end], self_censored[first:end], wants[first:end],
            listed[first:end], restricted[first:end], justified[first:end],
            dissent[first:end], censor_probability[first:end], donated[first:end],
            performative[first:end], perks[first:end], degree[first:end],
            perceived[first:end], debt[first:end], by_group[b], total[b], histogram[b],
        )  # fmt: skip


@njit(cache=True)
def _tally_block(
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
) -> None:
    # Counts in loops the compiler turns into vector code (flags arrive as bytes, 32-bit
    # counters, group 1 by multiplying by the group flag, group 0 as the rest), float sums
    # in a loop of their own, in citizen order (a member's score is added, a non-member's
    # adds 0.0: the same sum as over the members alone). Every loop must stay branch-free.
    size = len(score)
    count1 = censored = censored1 = wanting = wanting1 = n_listed = listed1 = np.int32(0)
    travel = travel1 = sanctioned = sanctioned1 = false_positive = false_positive1 = count1
    for i in range(size):
        g = np.int32(group[i])
        r = restricted[i]
        c = np.int32(self_censored[i])
        w = np.int32(wants[i])
        x = np.int32(listed[i])
        t = np.int32((r & TRAVEL) != 0)
        s = np.int32(r != 0)
        f = np.int32((r & ~justified[i]) != 0)
        count1 += g
        censored += c
        censored1 += c & g
        wanting += w
        wanting1 += w & g
        n_listed += x
        listed1 += x & g
        travel += t
        travel1 += t & g
        sanctioned += s
        sanctioned1 += s & g
        false_positive += f
        false_positive1 += f & g
    n_donated = n_performative = visa = rental = n_perks = isolated = n_debt = np.int32(0)
    for i in range(size):
        r = restricted[i]
        n_donated += np.int32(donated[i])
        n_performative += np.int32(performative[i])
        visa += np.int32((r & VISA) != 0)
        rental += np.int32((r & RENTAL) != 0)
        n_perks += np.int32(perks[i])
        isolated += np.int32(degree[i] == 0)
        n_debt += np.int32(debt[i])
    score0, score1, degree_sum = _exact_sums(score, group, degree)
    gap = perceived_sum = 0.0
    for i in range(size):
        gap += dissent[i] * censor_probability[i]
        perceived_sum += perceived[i]
    last = len(histogram) - 1
    histogram[:] = 0
    for i in range(size):
        histogram[min(max(int(np.rint(score[i] - np.float32(SCORE_MIN))), 0), last)] += 1
    _split(by_group, _COUNT, size, count1)
    _split(by_group, _CENSORED, censored, censored1)
    _split(by_group, _WANTS, wanting, wanting1)
    _split(by_group, _LISTED, n_listed, listed1)
    _split(by_group, _TRAVEL, travel, travel1)
    _split(by_group, _SANCTIONED, sanctioned, sanctioned1)
    _split(by_group, _FALSE_POSITIVE, false_positive, false_positive1)
    by_group[0, _SCORE] = score0
    by_group[1, _SCORE] = score1
    total[_GAP] = gap
    total[_DONATED] = n_donated
    total[_PERFORMATIVE] = n_performative
    total[_VISA] = visa
    total[_RENTAL] = rental
    total[_PERKS] = n_perks
    total[_DEGREE] = degree_sum
    total[_ISOLATED] = isolated
    total[_PERCEIVED] = perceived_sum
    total[_DEBT] = n_debt


def _tally_blocks(model: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Per-block tallies, added up over blocks in order (so whatever the threads, the same sums).
    state, traits = model.population.state, model.population.traits
    blocks = block_count(model.population.n)
    by_group = np.empty((blocks, 2, 8))
    total = np.empty((blocks, 10))
    histogram = np.empty((blocks, int(SCORE_MAX - SCORE_MIN) + 1), dtype=np.int64)
    _tally(
        score=state.score,
        group=traits.group,
        self_censored=state.self_censored,
        wants=state.wants_critical,
        listed=state.listed,
        restricted=state.restricted,
        justified=state.justified,
        dissent=traits.dissent,
        censor_probability=state.censor_probability,
        donated=state.donated,
        performative=state.performative,
        perks=state.perks,
        degree=model.network.degree,
        perceived=state.perceived_surveillance,
        debt=state.debt,
        by_group=by_group,
        total=total,
        histogram=histogram,
    )
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
        by_group, total, histogram = _tally_blocks(model)
    else:
        from scs_sim.rules.metrics import tally_blocks

        by_group, total, histogram = tally_blocks(model)
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
        "sanctioned_share_bottom_income": _sanctioned_share(
            restricted, pop.bottom_income, compiled
        ),
        "sanctioned_share_top_income": _sanctioned_share(restricted, pop.top_income, compiled),
        "clean_record_sanctioned_share": _ratio(
            int(np.count_nonzero((restricted != 0) & ~pop.state.ever_bad_record)), n
        ),
    }
    out |= {name: float(model.counters[name]) for name in COUNTERS}
    if model.group_members:
        for g in (0, 1):
            for name, value in _core(by_group[g]).items():
                out[group_column(name, g)] = value
    if not model.params.scoring:
        # Without a score everyone sits at the neutral 650: report no score figures at all.
        for name in out.keys() & _SCORE_COLUMNS:
            out[name] = NO_SCORE
    return out


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
        "sanctioned_share_bottom_income",
        "sanctioned_share_top_income",
        *COUNTERS,
    ]
    if has_groups:
        names += [group_column(m, g) for g in (0, 1) for m in GROUP_METRICS]
    return names
