"""The social network's kernels: building contact lists, contact sums, value checks.

Used by :class:`scs_sim.network.SocialNetwork`; the numpy rules compute the same sums
in :mod:`scs_sim.rules.contacts` (exact in any order: scores are float32 on [350, 950]).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from scs_sim.kernels.contact_layout import CENTRE, add_tie_moments, contact_terms
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.kernels.prefetch import PREFETCH_DISTANCE, prefetch


@njit(cache=True)
def sort_row(indices, start, end) -> None:
    # Insertion sort in place: contact lists are short, and np.sort would allocate a
    # new array per citizen (10M allocations dominate the build at ten million).
    if end - start > 64:
        indices[start:end] = np.sort(indices[start:end])
        return
    for k in range(start + 1, end):
        value = indices[k]
        m = k - 1
        while m >= start and indices[m] > value:
            indices[m + 1] = indices[m]
            m -= 1
        indices[m + 1] = value


@njit(cache=True)
def build_rows(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    # Counting sort of both directions into rows, then sort and de-duplicate each
    # (short) row in place: O(m) memory beyond the result, no global sort.
    indptr = np.zeros(n + 1, dtype=src.dtype)
    for e in range(len(src)):
        if src[e] != dst[e]:
            indptr[src[e] + 1] += 1
            indptr[dst[e] + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    indices = np.empty(indptr[n], dtype=src.dtype)
    for e in range(len(src)):
        a, b = src[e], dst[e]
        if a != b:
            indices[fill[a]] = b
            fill[a] += 1
            indices[fill[b]] = a
            fill[b] += 1
    write = 0
    start = indptr[0]
    for i in range(n):
        end = indptr[i + 1]
        sort_row(indices, start, end)
        indptr[i] = write
        for k in range(start, end):
            if k == start or indices[k] != indices[k - 1]:
                indices[write] = indices[k]
                write += 1
        start = end
    indptr[n] = write
    return indptr, indices[:write]


@citizen_kernel("values")
def nonzero_bits(values, out) -> None:
    """Bit ``i`` of ``out`` (little-endian bytes): ``values[i] != 0``.

    The same bytes as ``np.packbits(values != 0, bitorder="little")``, without its
    temporary of one byte a citizen.
    """
    n = len(values)
    for b in prange(block_count(n)):
        first, last = block_bounds(b, n)  # BLOCK is a multiple of 8: whole bytes
        _nonzero_bytes(values[first:last], out[first // 8 : (last + 7) // 8])


@njit(cache=True)
def _nonzero_bytes(values, out) -> None:
    # One block as views; whole bytes in a loop of a fixed count, which must unroll.
    full = len(values) // 8
    for b in range(full):
        bits = np.uint8(0)
        for t in range(8):
            bits |= np.uint8(values[8 * b + t] != 0) << np.uint8(t)
        out[b] = bits
    if full < len(out):  # the last byte, not full
        bits = np.uint8(0)
        for i in range(8 * full, len(values)):
            bits |= np.uint8(values[i] != 0) << np.uint8(i - 8 * full)
        out[full] = bits


@njit(cache=True)
def neighbour_mean(indptr, indices, data, values, degree, default, out):
    for i in range(len(out)):
        if degree[i] > 0:
            total = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                total += np.float64(data[k]) * np.float64(values[indices[k]])
            out[i] = np.float32(total / np.float64(degree[i]))
        else:
            out[i] = default[i]


@citizen_kernel("a")
def blocks_differ(a, b, differ) -> None:
    n = len(a)
    for block in prange(len(differ)):
        first, last = block_bounds(block, n)
        differ[block] = differs(a[first:last], b[first:last])


@njit(cache=True)
def differs(a, b) -> bool:
    # No early exit: the loop must vectorise (stopping at the first difference keeps it
    # from doing so), and it runs as a function over views so that it keeps its vector
    # code in the threaded kernel (numba issue 8085).
    differ = False
    for i in range(len(a)):
        differ |= a[i] != b[i]
    return differ


@citizen_kernel("share")
def contact_pass(indptr, indices, data, degree, sanctioned, score, default, share, mean, moments):
    centre = CENTRE
    n = len(share)
    ahead = len(indices) - PREFETCH_DISTANCE
    for b in prange(block_count(n)):
        first, last = block_bounds(b, n)
        sums = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        for i in range(first, last):
            count = 0  # integers: exact either way, and cheaper to add than floats
            active = 0
            total = 0.0
            squares = 0.0
            # Most contact lists have no cut tie: then the flags need not be read at all,
            # which saves a byte a tie of memory traffic (the step is memory-bound).
            all_active = degree[i] == indptr[i + 1] - indptr[i]
            for k in range(indptr[i], indptr[i + 1]):
                if k < ahead:
                    prefetch(score, indices[k + PREFETCH_DISTANCE])
                if all_active or data[k] != 0:
                    restricted, sj, square = contact_terms(indices[k], sanctioned, score, centre)
                    count += restricted
                    total += sj
                    squares += square
                    active += 1
            if degree[i] > 0:
                share[i] = np.float32(np.float64(count) / np.float64(degree[i]))
                mean[i] = np.float32(total / np.float64(degree[i]))
            else:
                share[i] = np.float32(0.0)
                mean[i] = default
            sums = add_tie_moments(sums, active, score[i], total, squares)
        for c in range(6):
            moments[b, c] = sums[c]
