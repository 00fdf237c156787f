"""The metric tallies' kernels: counts and sums per block of citizens, in one pass.

The compiled version of :func:`scs_sim.rules.metrics.tally_blocks` (same results bit
for bit); :func:`scs_sim.metrics.compute_metrics` turns the tallies into metrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.population import RENTAL, TRAVEL, VISA
from scs_sim.scoring import SCORE_MAX, SCORE_MIN

if TYPE_CHECKING:
    from scs_sim.context import Context


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


def tally_blocks(model: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tallies by group (2 x 8), population totals (10) and the score histogram.

    Per block, added up over blocks in order (so whatever the threads, the same sums).
    """
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


@citizen_kernel("values")
def count_above(values, shift) -> int:
    # How many ``values - shift > 0``, in float32 like the numpy rule (no temporary).
    count = 0
    for i in prange(len(values)):
        count += (values[i] - shift) > np.float32(0.0)
    return count


@citizen_kernel("income_fifth")
def count_restricted_by_income(income_fifth, restricted) -> tuple[int, int]:
    # Sanctioned citizens in the bottom (bit 0 of income_fifth) and the top (bit 1) income
    # fifth, in one branch-free pass over two byte arrays (no gather of members).
    n = len(restricted)
    counts = np.zeros((block_count(n), 2), dtype=np.int64)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        counts[b, 0], counts[b, 1] = _count_by_income(income_fifth[lo:hi], restricted[lo:hi])
    return counts[:, 0].sum(), counts[:, 1].sum()


@njit(cache=True)
def _count_by_income(income_fifth, restricted) -> tuple[int, int]:
    bottom = top = np.int32(0)
    for x in range(len(restricted)):
        s = np.int32(restricted[x] != 0)
        f = np.int32(income_fifth[x])
        bottom += s & f
        top += s & (f >> 1)
    return bottom, top
