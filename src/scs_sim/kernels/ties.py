"""Guilt by association: citizens drop contacts who look like a liability, and rewire.

A reviewing citizen drops each contact that is blacklisted or visibly below
``low_score_visible`` with probability ``tie_cut_propensity * min(1, believed
ties weight / full_belief) * (0.5 + 0.5 * risk_aversion)``. Some dropped ties are
pointed at high scorers instead (``rewire_share``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.draws import choice, gap, uniform
from scs_sim.kernels.parallel import (
    block_bounds,
    block_count,
    citizen_kernel,
    join_pieces,
    tie_pieces,
)
from scs_sim.kernels.prefetch import prefetch
from scs_sim.rules.ties import TIES, stigma

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.network import SocialNetwork


def review_ties(model: Context, step: int) -> None:
    """Let a share of citizens review their contacts, cut liabilities and rewire.

    Draws (counter-based): ties lane 0 gives the gaps between reviewing citizens
    (each reviews with probability ``tie_review_rate``, independently); per tie
    slot, lane 1 decides the cut, lane 2 whether it is rewired, lane 3 the new contact.
    """
    params, traits, state = model.params, model.population.traits, model.population.state
    net, streams = model.network, model.streams
    rate = params.tie_review_rate
    if rate <= 0 or params.tie_cut_propensity <= 0:
        return
    adj = net.adjacency
    keys = np.array([streams.key("ties", step, lane) for lane in range(4)])
    low = np.float32(params.low_score_visible if params.scoring else -np.inf)
    # One bit a citizen: 125 kB at a million citizens stays in cache, where gathering each
    # contact's listing and score would fetch two more cache lines per reviewer.
    liable = net.scratch("liable", (net.n + 7) // 8, np.uint8)
    perk_threshold = np.float32(params.perk_threshold)
    high_counts = np.empty(block_count(net.n), dtype=np.int64)
    _liabilities(
        listed=state.listed,
        score=state.score,
        low=low,
        high=perk_threshold,
        out=liable,
        high_counts=high_counts,
    )
    slots, owners, rewired = _decide(
        indptr=adj.indptr,
        indices=adj.indices,
        data=adj.data,
        liable=liable,
        believed=state.beliefs[:, TIES],
        risk_aversion=traits.risk_aversion,
        propensity=np.float32(params.tie_cut_propensity),
        full_belief=np.float32(params.full_belief),
        listed=state.listed,
        stigma=np.float32(stigma(params)),
        reviewers=_reviewers(keys[0], math.log1p(-rate) if rate < 1 else -math.inf, net),
        rewire_share=np.float32(params.rewire_share),
        keys=keys,
    )
    if len(slots) == 0:
        return
    model.counters["ties_cut"] += len(slots)
    high = np.empty(0, dtype=adj.indices.dtype)
    if rewired.any():
        high = _at_least(state.score, perk_threshold, high_counts, adj.indices.dtype)
    contacts = adj.indices[slots]
    _apply(
        slots=slots,
        owners=owners,
        rewired=rewired,
        high=high,
        key=keys[3],
        indices=adj.indices,
        data=adj.data,
        degree=net.degree,
    )
    net.retied(slots, owners, contacts)


AHEAD = 16
"""Reviewers ahead whose contact lists the review asks for before it needs them."""


@citizen_kernel("listed")
def _liabilities(listed, score, low, high, out, high_counts) -> None:
    # Bit i of the array: citizen i is blacklisted or scores below ``low``. Written a byte
    # at a time from the flags, without numpy's temporaries (which cost page faults at 10M).
    # While the scores are in cache, each block's citizens scoring at least ``high`` are
    # counted: the rewiring's list of high scorers (_at_least) starts from these counts.
    n = len(listed)
    for b in prange(block_count(n)):
        first, last = block_bounds(b, n)  # BLOCK is a multiple of 8: whole bytes
        high_counts[b] = _liable_bytes(
            listed[first:last], score[first:last], low, high, out[first // 8 : (last + 7) // 8]
        )


@njit(cache=True)
def _liable_bytes(listed, score, low, high, out) -> int:
    # One block, as views: its loop keeps its vector code in the threaded kernel
    # (numba issue 8085). Whole bytes in a loop of a fixed count, which the compiler must
    # be able to unroll, and the high scorers counted in the same pass.
    n = len(listed)
    full = n // 8
    for b in range(full):
        bits = np.uint8(0)
        for t in range(8):
            bits |= np.uint8(listed[8 * b + t] | (score[8 * b + t] < low)) << np.uint8(t)
        out[b] = bits
    if full < len(out):  # the last block's last byte, not full
        bits = np.uint8(0)
        for i in range(8 * full, n):
            bits |= np.uint8(listed[i] | (score[i] < low)) << np.uint8(i - 8 * full)
        out[full] = bits
    count = 0
    for i in range(n):
        count += score[i] >= high
    return count


def _at_least(
    score: np.ndarray, threshold: np.float32, counts: np.ndarray, dtype: type
) -> np.ndarray:
    """Indices of the citizens scoring at least ``threshold``, ascending (as np.flatnonzero).

    ``counts`` holds how many there are in each block of citizens (from _liabilities).
    """
    starts = np.concatenate(([0], np.cumsum(counts)))
    out = np.empty(starts[-1], dtype=dtype)
    _list_at_least(score, threshold, starts, out)
    return out


@citizen_kernel("score")
def _list_at_least(score, threshold, starts, out) -> None:
    n = len(score)
    for b in prange(len(starts) - 1):
        first, last = block_bounds(b, n)
        w, end, i = starts[b], starts[b + 1], first
        # Every citizen is written and the place kept only for high scorers: no branch
        # to mispredict. Never writes past the block's known count: in groups of 8 while
        # even 8 more would fit (the inner loop must unroll), then one at a time.
        while i + 8 <= last and w + 8 <= end:
            for t in range(8):
                out[w] = i + t
                w += score[i + t] >= threshold
            i += 8
        while i < last and w < end:
            out[w] = i
            w += score[i] >= threshold
            i += 1


def _reviewers(key: np.uint64, log_q: float, net: SocialNetwork) -> np.ndarray:
    """The citizens who review their ties, ascending: each with probability p, independently.

    Successes of a Bernoulli process, found by adding geometric gaps (draw k is the
    k-th gap). The gaps (a logarithm each) are drawn on all threads, then added up
    in order. The result is the network's
    scratch array: read it before the next review.
    """
    n = net.n
    expected = -math.expm1(log_q) * n
    size = int(expected + 6 * math.sqrt(expected)) + 64
    gaps = net.scratch("review_gaps", size, np.int64)
    found = net.scratch("reviewers", size, np.int64)
    count, first, position = 0, 0, -1
    while position < n:
        _draw_gaps(key, first, log_q, n, gaps)
        if count + size > len(found):  # more reviewers than 6 standard deviations above
            found = np.concatenate((found[:count], np.empty(size, dtype=np.int64)))
        added, position = _add_gaps(gaps, position, n, found[count:])
        count += added
        first += size
    return found[:count]


@citizen_kernel("n")
def _draw_gaps(key, first, log_q, n, gaps) -> None:
    for k in prange(len(gaps)):
        gaps[k] = gap(key, first + k, log_q)


@njit(cache=True)
def _add_gaps(gaps, position, n, out):
    # Writes the reviewers after ``position`` into ``out``, until the first at or beyond
    # ``n``; returns how many, and the last position reached.
    count = 0
    for k in range(len(gaps)):
        position += 1 + gaps[k]
        if position >= n:
            break
        out[count] = position
        count += 1
    return count, position


REVIEW_CHUNK = 4096
"""Reviewers per chunk of the tie review (chunks run on separate threads)."""


@citizen_kernel("risk_aversion")
def _decide(
    indptr, indices, data, liable, believed, risk_aversion, propensity, full_belief, listed,
    stigma, reviewers, rewire_share, keys,
):  # fmt: skip
    chunks = (len(reviewers) + REVIEW_CHUNK - 1) // REVIEW_CHUNK
    # Each chunk writes its cuts into its own segment, as long as its reviewers' contact
    # lists (the most it can cut); segments are then joined in order, so the cuts come
    # out in reviewer order whatever the threads. Reviewers come in ascending order, so
    # a chunk's lists lie between its first reviewer's start and its last one's end.
    segment = np.zeros(chunks + 1, dtype=np.int64)
    for c in range(chunks):
        first, last = c * REVIEW_CHUNK, min(len(reviewers), (c + 1) * REVIEW_CHUNK) - 1
        segment[c + 1] = segment[c] + indptr[reviewers[last] + 1] - indptr[reviewers[first]]
    slots = np.empty(segment[-1], dtype=np.int64)
    owners = np.empty(segment[-1], dtype=indices.dtype)
    rewired = np.empty(segment[-1], dtype=np.bool_)
    found = np.zeros(chunks, dtype=np.int64)
    for c in prange(chunks):
        cuts = segment[c]
        last = min(len(reviewers), (c + 1) * REVIEW_CHUNK)
        for r in range(c * REVIEW_CHUNK, last):
            # Reviewers sit far apart: ask for the next ones' lists now, or the CPU waits
            # for each of their cache misses in turn (the results do not change).
            if r + AHEAD < last:
                ahead = reviewers[r + AHEAD]
                prefetch(indptr, ahead)
                prefetch(believed, ahead)
                prefetch(risk_aversion, ahead)
                at = indptr[reviewers[r + AHEAD // 2]]
                prefetch(indices, at)
                prefetch(data, at)
            i = reviewers[r]
            fear = believed[i] / full_belief
            caution = np.float32(0.5) + np.float32(0.5) * risk_aversion[i]
            if fear <= 0 and stigma <= 0:
                continue
            for k in range(indptr[i], indptr[i + 1]):
                j = indices[k]
                if not ((liable[j >> 3] >> (j & 7)) & 1 and data[k] != 0):
                    continue
                shame = stigma * np.float32(listed[j])
                p_cut = propensity * min(np.float32(1.0), fear + shame) * caution
                if p_cut > 0 and uniform(keys[1], k) < p_cut:
                    slots[cuts] = k
                    owners[cuts] = i
                    rewired[cuts] = uniform(keys[2], k) < rewire_share
                    cuts += 1
        found[c] = cuts - segment[c]
    total = found.sum()
    out_slots = np.empty(total, dtype=np.int64)
    out_owners = np.empty(total, dtype=indices.dtype)
    out_rewired = np.empty(total, dtype=np.bool_)
    join_pieces(segment, found, slots, owners, rewired, out_slots, out_owners, out_rewired)
    return out_slots, out_owners, out_rewired


@citizen_kernel("degree")
def _apply(slots, owners, rewired, high, key, indices, data, degree) -> None:
    start = tie_pieces(owners, slots, 0)  # a byte (flag) or int (contact) a slot
    for p in prange(len(start) - 1):
        for c in range(start[p], start[p + 1]):
            k, i = slots[c], owners[c]
            target = high[choice(key, k, len(high))] if rewired[c] and len(high) else i
            if target == i:  # nobody to turn to (or only oneself): the tie is just dropped
                data[k] = 0
                degree[i] -= 1
            else:
                indices[k] = target
