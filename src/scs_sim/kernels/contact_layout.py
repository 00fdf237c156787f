"""Near and far ties: how the contact pass reads a small world's ties.

On a small world most of a citizen's ties run to its neighbours on the ring,
ids ``i - 5 .. i + 5``. Those need no list: one bit per neighbour says whether
the tie is there and active, and the sums over contacts become sums over a
fixed window of the score array, which the CPU adds up several citizens at a
time. Only the other ties (rewired when the network was built, or since) are
kept as a list of far contacts, each of which costs a gather from anywhere.

The CSR matrix of :class:`scs_sim.network.SocialNetwork` stays the record of
every tie. This layout is derived from it, kept up to date as ties are cut or
rewired (:meth:`ContactLayout.update`), and gives exactly the sums a walk over
the contact lists gives: scores are float32 numbers of at most 2^10, so their
float64 sums (and those of their squared distances from 650) are exact in any
order for lists of up to about 90 contacts. Its counts of contacts with given flag
bits (:meth:`ContactLayout.count_flags`) are integers, exact in any order.

Its speed-up over the CSR walk and its memory are measured in docs/scale.md.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from scs_sim.kernels.parallel import (
    block_bounds,
    block_count,
    citizen_kernel,
    join_pieces,
    tie_pieces,
)
from scs_sim.kernels.prefetch import PREFETCH_DISTANCE, prefetch

__all__ = [
    "CENTRE",
    "FLAG_BITS",
    "FLAG_FIELD",
    "NEAR",
    "ContactLayout",
    "add_tie_moments",
    "contact_terms",
    "flag_count",
]

NEAR = 5
"""Ring neighbours a side whose ties are kept as bits (10 bits a citizen)."""

SUB = 1024
"""Citizens per sub-block of the pass: its running sums stay in the fastest cache."""

PENDING_MIN = 1024
"""Ties turned far that may wait in the pending list, beyond an eighth of the far list."""

FAR_HEADROOM = 0.5
"""Share by which the far (or pending) list may grow before a merge needs new storage."""

MIN_NEAR_SHARE = 0.5
"""The layout is used only when at least this share of active ties are near ties."""

FLAG_BITS = 3
"""Flag bits per citizen that :meth:`ContactLayout.count_flags` counts."""

FLAG_FIELD = 21
"""Bits per count in a packed flag count: three counts share one int64."""

NEAR_FIELD = 4
"""Bits per count while summing the near ties (at most 2 * NEAR = 10 a count)."""


class ContactLayout:
    """Each citizen's active ties as near bits plus a list of far contacts.

    Build it with :meth:`build`; keep it in step with the CSR matrix through
    :meth:`update`; run the contact pass with :meth:`contact_pass`.
    """

    def __init__(
        self, n: int, mask: np.ndarray, near_slot: np.ndarray, far: tuple, most_slots: int = 0
    ) -> None:
        self.n = n
        self.most_slots = most_slots
        """Most tie slots any citizen has: a bound on its active ties (rows never grow)."""
        self.mask = mask
        """Bit b of citizen i: an active, never re-pointed tie to ``i - NEAR + b`` (b < NEAR)
        or ``i - NEAR + b + 1`` (b >= NEAR)."""
        self.near_slot = near_slot
        """Bit k (little-endian bytes): tie slot k is held in ``mask``."""
        self.far = far
        """Far contacts as (slot, target, owner) arrays in slot order; target -1 once cut."""
        self.pending = tuple(np.empty(0, dtype=a.dtype) for a in far)
        """Ties turned far since the last merge, in the same form."""
        # Where each sub-block's citizens start in the far and pending lists.
        self._starts: dict[str, np.ndarray] = {}
        # Each list is merged into the storage its version before last had: fresh arrays
        # of tens of megabytes would cost a page fault every 4 kB.
        self._spare: dict[str, tuple | None] = {"far": None, "pending": None}

    @classmethod
    def build(
        cls, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray
    ) -> ContactLayout | None:
        """The layout of a CSR contact list, or ``None`` if too few ties are near ties."""
        n = len(indptr) - 1
        if n <= 2 * NEAR:
            return None
        mask = np.zeros(n, dtype=np.uint16)
        near_slot = np.zeros((len(indices) + 7) // 8, dtype=np.uint8)
        far_count = _mark_near(indptr, indices, data, mask, near_slot)
        active = len(indices) - int((data == 0).sum())
        if active - far_count < MIN_NEAR_SHARE * active:
            return None
        slot_type = np.int32 if len(indices) < 2**31 else np.int64
        types = (slot_type, indices.dtype, indices.dtype)
        # Both stores of the far list, the list's and the spare one it is folded into, get
        # room to grow, written now: a fold into fresh memory must not pay a page fault
        # every 4 kB.
        capacity = _with_room(far_count + PENDING_MIN)
        far = tuple(_written(capacity, t)[:far_count] for t in types)
        _list_far(indptr, indices, data, near_slot, *far)
        most_slots = int(np.diff(indptr).max()) if n else 0
        layout = cls(n, mask, near_slot, far, most_slots)
        layout._spare["far"] = tuple(_written(capacity, t) for t in types)
        return layout

    def nbytes(self) -> int:
        """Memory held by the layout, spare storage for the next merges included."""
        arrays = [self.mask, self.near_slot, *self.far, *self.pending]
        arrays += [a for spare in self._spare.values() if spare is not None for a in spare]
        owners = {
            id(a if a.base is None else a.base): a if a.base is None else a.base for a in arrays
        }
        return sum(a.nbytes for a in owners.values())

    def update(
        self, slots: np.ndarray, owners: np.ndarray, old_targets: np.ndarray, indices, data
    ) -> None:
        """Follow ties cut or re-pointed in the CSR matrix.

        Args:
            slots: The changed tie slots, ascending, each once.
            owners: The citizen owning each slot.
            old_targets: Each slot's contact before the change.
            indices: The CSR contact ids, after the change.
            data: The CSR active flags, after the change.
        """
        if len(slots) == 0:
            return
        turned = tuple(np.empty(len(slots), dtype=a.dtype) for a in self.far)
        count = _follow(
            n=self.n, slots=slots, owners=owners, old_targets=old_targets, indices=indices,
            data=data, mask=self.mask, near_slot=self.near_slot, far_slot=self.far[0],
            far_target=self.far[1], pending_slot=self.pending[0], pending_target=self.pending[1],
            turned_slot=turned[0], turned_target=turned[1], turned_owner=turned[2],
        )  # fmt: skip
        if count:
            self.pending = self._merged("pending", self.pending, tuple(a[:count] for a in turned))
        if len(self.pending[0]) > len(self.far[0]) // 8 + PENDING_MIN:
            # Folded in now and then: each merge copies the whole far list.
            self.far = self._merged("far", self.far, self.pending)
            self.pending = tuple(a[:0] for a in self.pending)
            self._starts.pop("pending", None)

    def _merged(self, name: str, current: tuple, more: tuple) -> tuple:
        size = len(current[0]) + len(more[0])
        spare = self._spare[name]
        if spare is None or len(spare[0]) < size:
            spare = tuple(np.empty(_with_room(size), dtype=a.dtype) for a in current)
        kept = _merge(
            n=self.n, a_slot=current[0], a_target=current[1], a_owner=current[2],
            b_slot=more[0], b_target=more[1], b_owner=more[2],
            slot=spare[0], target=spare[1], owner=spare[2],
        )  # fmt: skip
        self._starts.pop(name, None)
        # The storage under the current list becomes the spare for the next merge.
        self._spare[name] = tuple(a if a.base is None else a.base for a in current)
        return tuple(a[:kept] for a in spare)

    def contact_pass(
        self,
        score: np.ndarray,
        restricted: np.ndarray,
        sanctioned: np.ndarray,
        degree: np.ndarray,
        default: np.float32,
        share: np.ndarray,
        mean: np.ndarray,
        moments: np.ndarray,
    ) -> None:
        """Fill ``share``, ``mean`` and ``moments`` as SocialNetwork.contact_pass describes.

        Args:
            score: Every citizen's score (float32).
            restricted: Restriction bits a citizen (any bit set counts).
            sanctioned: The same as one bit a citizen (little-endian bytes).
            degree: Active contacts a citizen.
            default: Mean contact score of citizens without active ties.
            share: Out: share of each citizen's contacts under restriction.
            mean: Out: each citizen's mean contact score.
            moments: Out: per block of citizens, (ties, sx, sy, sxx, syy, sxy) centred on 650.
        """
        _pass(
            mask=self.mask, score=score, restricted=restricted, sanctioned=sanctioned,
            far_target=self.far[1], far_owner=self.far[2],
            far_start=self._sub_block_starts("far"), pending_target=self.pending[1],
            pending_owner=self.pending[2], pending_start=self._sub_block_starts("pending"),
            degree=degree, default=default, share=share, mean=mean, moments=moments,
        )  # fmt: skip

    def count_flags(self, flags: np.ndarray, counts: np.ndarray) -> bool:
        """Count, for each citizen, its active contacts having each of three flag bits.

        The counts are exact and the same as a walk over the contact lists gives;
        read them with :func:`flag_count`.

        Args:
            flags: One byte a citizen; bits 0, 1 and 2 are counted (higher bits ignored).
            counts: Out (int64, one a citizen): the count for bit b in bits
                ``FLAG_FIELD * b`` on.

        Returns:
            ``False``, leaving ``counts`` as it was, if a citizen has so many tie slots
            that a count could outgrow its field.
        """
        if self.most_slots >= 2**FLAG_FIELD:
            return False
        _count_flags(
            mask=self.mask, flags=flags, far_target=self.far[1], far_owner=self.far[2],
            far_start=self._sub_block_starts("far"), pending_target=self.pending[1],
            pending_owner=self.pending[2], pending_start=self._sub_block_starts("pending"),
            counts=counts,
        )  # fmt: skip
        return True

    def _sub_block_starts(self, name: str) -> np.ndarray:
        starts = self._starts.get(name)
        if starts is None:
            owner = getattr(self, name)[2]
            # In the owners' own type: numpy would otherwise convert the whole list first.
            edges = np.minimum(np.arange(0, self.n + SUB, SUB), self.n).astype(owner.dtype)
            starts = self._starts[name] = np.searchsorted(owner, edges).astype(np.int64)
        return starts


def _with_room(size: int) -> int:
    # Storage for a list of ``size`` ties that may grow by FAR_HEADROOM before a new one.
    return size + int(FAR_HEADROOM * size)


def _written(size: int, dtype: type) -> np.ndarray:
    # Zeros written, not just allocated (np.zeros leaves untouched pages to fault later).
    out = np.empty(size, dtype=dtype)
    out.fill(0)
    return out


@njit(cache=True)
def _bit(d) -> int:
    # The mask bit of a contact ``d`` places away on the ring (d in -NEAR..-1, 1..NEAR).
    return d + NEAR if d < 0 else d + NEAR - 1


@njit(cache=True)
def _mark_near(indptr, indices, data, mask, near_slot) -> int:
    # Near ties: active, within NEAR places on the ring without wrapping around it,
    # the first tie to that contact. Returns how many active ties are far.
    n = len(indptr) - 1
    far = 0
    for i in range(n):
        inner = NEAR <= i < n - NEAR
        bits = 0
        for k in range(indptr[i], indptr[i + 1]):
            if data[k] == 0:
                continue
            d = indices[k] - i
            if inner and d != 0 and -NEAR <= d <= NEAR and not (bits >> _bit(d)) & 1:
                bits |= 1 << _bit(d)
                near_slot[k >> 3] |= np.uint8(1 << (k & 7))
            else:
                far += 1
        mask[i] = bits
    return far


@njit(cache=True)
def _list_far(indptr, indices, data, near_slot, slot, target, owner) -> None:
    w = 0
    for i in range(len(indptr) - 1):
        for k in range(indptr[i], indptr[i + 1]):
            if data[k] != 0 and not (near_slot[k >> 3] >> (k & 7)) & 1:
                slot[w] = k
                target[w] = indices[k]
                owner[w] = i
                w += 1


@citizen_kernel("n")
def _follow(
    n, slots, owners, old_targets, indices, data, mask, near_slot, far_slot, far_target,
    pending_slot, pending_target, turned_slot, turned_target, turned_owner,
) -> int:  # fmt: skip
    # A near tie that is cut loses its bit; one that is re-pointed turns far. A far
    # tie takes its new contact, or -1 once cut. Returns how many ties turned far, listed
    # in slot order whatever the threads. ``n`` (citizens) picks threads, as for any kernel.
    start = tie_pieces(owners, slots, 3)  # near-slot bits: 8 slots a byte
    pieces = len(start) - 1
    turned = np.zeros(pieces, dtype=np.int64)
    for p in prange(pieces):
        turned[p] = _follow_piece(
            slots, owners, old_targets, indices, data, mask, near_slot, far_slot, far_target,
            pending_slot, pending_target, turned_slot, turned_target, turned_owner, start[p],
            start[p + 1],
        )  # fmt: skip
    # Each piece listed its turned ties from its own start on: close the gaps, in order.
    return join_pieces(
        start, turned, turned_slot, turned_target, turned_owner, turned_slot, turned_target,
        turned_owner,
    )  # fmt: skip


@njit(cache=True)
def _follow_piece(
    slots, owners, old_targets, indices, data, mask, near_slot, far_slot, far_target,
    pending_slot, pending_target, turned_slot, turned_target, turned_owner, first, last,
) -> int:  # fmt: skip
    turned, far_at, pending_at = first, 0, 0
    for c in range(first, last):
        if c + FOLLOW_AHEAD < last:
            # Changed ties lie far apart: ask for the coming ones' memory now.
            ahead = slots[c + FOLLOW_AHEAD]
            prefetch(indices, ahead)
            prefetch(data, ahead)
            prefetch(near_slot, ahead >> 3)
            prefetch(mask, owners[c + FOLLOW_AHEAD])
        k, i = slots[c], owners[c]
        target = indices[k] if data[k] != 0 else -1
        if (near_slot[k >> 3] >> (k & 7)) & 1:
            near_slot[k >> 3] &= np.uint8(255 - (1 << (k & 7)))
            mask[i] &= np.uint16(65535 - (1 << _bit(old_targets[c] - i)))
            if target >= 0:
                turned_slot[turned] = k
                turned_target[turned] = target
                turned_owner[turned] = i
                turned += 1
            continue
        # Slots come in ascending order: each search starts where the last one ended.
        far_at = _seek(far_slot, k, far_at)
        if far_at < len(far_slot) and far_slot[far_at] == k:
            far_target[far_at] = target
        else:
            pending_at = _seek(pending_slot, k, pending_at)
            # Not listed at all: a tie already cut before this change; nothing to follow.
            if pending_at < len(pending_slot) and pending_slot[pending_at] == k:
                pending_target[pending_at] = target
    return turned - first


@njit(cache=True)
def _seek(ordered, key, start) -> int:
    # The first index from ``start`` on whose value is at least ``key``: steps of
    # doubling length, then halving. A binary search over the whole list would
    # miss the cache at nearly every probe.
    n = len(ordered)
    low, width = start, 1
    while low < n and ordered[min(n, low + width) - 1] < key:
        low += width
        width *= 2
    high = min(n, low + width)
    while low < high:
        middle = (low + high) >> 1
        if ordered[middle] < key:
            low = middle + 1
        else:
            high = middle
    return low


FOLLOW_AHEAD = 16
"""Changed ties ahead whose memory the update asks for before it needs it."""

MERGE_CHUNKS = 64
"""Pieces a merge of far lists is cut into (pieces run on separate threads)."""


@citizen_kernel("n")
def _merge(n, a_slot, a_target, a_owner, b_slot, b_target, b_owner, slot, target, owner) -> int:
    # Two slot-ordered lists into the front of the last three arrays, leaving out cut
    # ties (target -1); returns how many were kept. Cut into pieces at fixed places in
    # the first list, so the result does not depend on threads. ``n`` (citizens) picks
    # threads, as for any kernel: even the pending list is worth two at a million.
    pieces = MERGE_CHUNKS if len(a_slot) >= MERGE_CHUNKS else 1
    a_start = np.empty(pieces + 1, dtype=np.int64)
    b_start = np.empty(pieces + 1, dtype=np.int64)
    for c in range(pieces):
        a_start[c] = c * len(a_slot) // pieces
        b_start[c] = 0 if c == 0 else np.searchsorted(b_slot, a_slot[a_start[c]])
    a_start[pieces], b_start[pieces] = len(a_slot), len(b_slot)
    kept = np.zeros(pieces + 1, dtype=np.int64)
    for c in prange(pieces):
        count = 0
        for x in range(a_start[c], a_start[c + 1]):
            count += a_target[x] >= 0
        for y in range(b_start[c], b_start[c + 1]):
            count += b_target[y] >= 0
        kept[c + 1] = count
    for c in range(pieces):
        kept[c + 1] += kept[c]
    for c in prange(pieces):
        x, y, w = a_start[c], b_start[c], kept[c]
        x_end, y_end = a_start[c + 1], b_start[c + 1]
        while x < x_end or y < y_end:
            if y == y_end or (x < x_end and a_slot[x] < b_slot[y]):
                s, t, o = a_slot[x], a_target[x], a_owner[x]
                x += 1
            else:
                s, t, o = b_slot[y], b_target[y], b_owner[y]
                y += 1
            if t >= 0:
                slot[w], target[w], owner[w] = s, t, o
                w += 1
    return kept[pieces]


@njit(cache=True)
def _near(bits, b, score, restricted, x, centre):
    # One ring neighbour's part of a citizen's sums, without a branch (so the loop
    # over citizens vectorises): adding 0 when the tie is absent changes nothing.
    bit = (bits >> b) & 1
    sj = np.float64(score[x])
    on = np.float64(bit)
    c = sj - centre
    return on * sj, on * (c * c), bit & np.int32(restricted[x] != 0), bit


@njit(cache=True)
def _far(
    target, owner, first, last, base, sanctioned, score, centre, total, squares, count, active
):
    ahead = len(target) - PREFETCH_DISTANCE
    for f in range(first, last):
        if f < ahead:
            prefetch(score, max(target[f + PREFETCH_DISTANCE], 0))
        j = target[f]
        if j >= 0:
            r = owner[f] - base
            restricted, sj, square = contact_terms(j, sanctioned, score, centre)
            count[r] += restricted
            total[r] += sj
            squares[r] += square
            active[r] += 1


CENTRE = np.float32(650.0)
"""Scores are centred on the scale's middle so the float64 moments keep their precision."""


@njit(cache=True, inline="always")
def contact_terms(j, sanctioned, score, centre):
    """What one active tie to citizen ``j`` adds to its owner's sums in the contact pass.

    Returns:
        1 if ``j`` is under restriction (bit ``j`` of ``sanctioned``), else 0; ``j``'s
        score in float64; and that score's squared distance from ``centre``.
    """
    sj = np.float64(score[j])
    c = sj - centre
    return (sanctioned[j >> 3] >> (j & 7)) & 1, sj, c * c


@njit(cache=True)
def add_tie_moments(sums, contacts, own_score, total, squares):
    """Add one citizen's ties to running score moments across ties.

    Args:
        sums: (ties, sx, sy, sxx, syy, sxy) so far, scores centred on CENTRE (x the
            citizen's, y its contact's).
        contacts: The citizen's active ties.
        own_score: The citizen's score.
        total: The sum of its contacts' scores.
        squares: The sum of its contacts' squared distances from CENTRE.
    """
    m, sx, sy, sxx, syy, sxy = sums
    ci = np.float64(own_score - CENTRE)
    centred_total = total - contacts * CENTRE
    return (
        m + contacts,
        sx + contacts * ci,
        sy + centred_total,
        sxx + contacts * ci * ci,
        syy + squares,
        sxy + ci * centred_total,
    )


@citizen_kernel("share", error_model="numpy")
def _pass(
    mask, score, restricted, sanctioned, far_target, far_owner, far_start, pending_target,
    pending_owner, pending_start, degree, default, share, mean, moments,
) -> None:  # fmt: skip
    wide = np.float64(CENTRE)
    n = len(share)
    for b in prange(block_count(n)):
        first, last = block_bounds(b, n)
        total = np.empty(SUB)
        squares = np.empty(SUB)
        count = np.empty(SUB, dtype=np.int32)
        active = np.empty(SUB, dtype=np.int32)
        sums = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        for base in range(first, last, SUB):
            end = min(last, base + SUB)
            lo, hi = max(base, NEAR), min(end, n - NEAR)
            if lo < hi:
                _near_sums(
                    mask, score, restricted, lo, hi, lo - base, wide, total, squares, count, active
                )
            else:
                lo = hi = end
            # Citizens at the ring's ends have no near ties (theirs would wrap around).
            for r in range(base, lo):
                total[r - base] = squares[r - base] = count[r - base] = active[r - base] = 0
            for r in range(hi, end):
                total[r - base] = squares[r - base] = count[r - base] = active[r - base] = 0
            s = base // SUB
            _far(far_target, far_owner, far_start[s], far_start[s + 1], base, sanctioned,
                 score, wide, total, squares, count, active)  # fmt: skip
            _far(pending_target, pending_owner, pending_start[s], pending_start[s + 1], base,
                 sanctioned, score, wide, total, squares, count, active)  # fmt: skip
            _divide(degree[base:end], count, total, share[base:end], mean[base:end], default)
            for i in range(base, end):
                r = i - base
                sums = add_tie_moments(sums, active[r], score[i], total[r], squares[r])
        for c in range(6):
            moments[b, c] = sums[c]


@njit(cache=True)
def _near_sums(mask, score, restricted, lo, hi, at, centre, total, squares, count, active):
    # Citizens lo..hi-1 with every neighbour inside the ring's ends; each window of
    # the score array is a view, so the loop reads memory in order and vectorises.
    bits_of = mask[lo:hi]
    s0, s1, s2, s3, s4 = (score[lo - 5 : hi - 5], score[lo - 4 : hi - 4], score[lo - 3 : hi - 3],
                          score[lo - 2 : hi - 2], score[lo - 1 : hi - 1])  # fmt: skip
    s5, s6, s7, s8, s9 = (score[lo + 1 : hi + 1], score[lo + 2 : hi + 2], score[lo + 3 : hi + 3],
                          score[lo + 4 : hi + 4], score[lo + 5 : hi + 5])  # fmt: skip
    r0, r1, r2, r3, r4 = (restricted[lo - 5 : hi - 5], restricted[lo - 4 : hi - 4],
                          restricted[lo - 3 : hi - 3], restricted[lo - 2 : hi - 2],
                          restricted[lo - 1 : hi - 1])  # fmt: skip
    r5, r6, r7, r8, r9 = (restricted[lo + 1 : hi + 1], restricted[lo + 2 : hi + 2],
                          restricted[lo + 3 : hi + 3], restricted[lo + 4 : hi + 4],
                          restricted[lo + 5 : hi + 5])  # fmt: skip
    width = hi - lo
    total, squares = total[at : at + width], squares[at : at + width]
    count, active = count[at : at + width], active[at : at + width]
    for x in range(width):
        bits = np.int32(bits_of[x])
        t0, q0, c0, a0 = _near(bits, 0, s0, r0, x, centre)
        t1, q1, c1, a1 = _near(bits, 1, s1, r1, x, centre)
        t2, q2, c2, a2 = _near(bits, 2, s2, r2, x, centre)
        t3, q3, c3, a3 = _near(bits, 3, s3, r3, x, centre)
        t4, q4, c4, a4 = _near(bits, 4, s4, r4, x, centre)
        t5, q5, c5, a5 = _near(bits, 5, s5, r5, x, centre)
        t6, q6, c6, a6 = _near(bits, 6, s6, r6, x, centre)
        t7, q7, c7, a7 = _near(bits, 7, s7, r7, x, centre)
        t8, q8, c8, a8 = _near(bits, 8, s8, r8, x, centre)
        t9, q9, c9, a9 = _near(bits, 9, s9, r9, x, centre)
        total[x] = t0 + t1 + t2 + t3 + t4 + t5 + t6 + t7 + t8 + t9
        squares[x] = q0 + q1 + q2 + q3 + q4 + q5 + q6 + q7 + q8 + q9
        count[x] = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9
        active[x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9


@njit(cache=True, error_model="numpy")
def _divide(degree, count, total, share, mean, default) -> None:
    # Its own function over views, and without a branch, so that the loop vectorises
    # (inside the pass it did not); numpy's error model: no check for a zero degree,
    # whose result is replaced.
    for r in range(len(degree)):
        contacts = np.float64(degree[r])
        alone = contacts == 0
        fraction = np.float32(np.float64(count[r]) / contacts)
        average = np.float32(total[r] / contacts)
        share[r] = np.float32(0) if alone else fraction
        mean[r] = default if alone else average


@njit(cache=True, inline="always")
def flag_count(counts, i, bit):
    """Citizen ``i``'s count of active contacts with flag ``bit`` (0, 1 or 2).

    Args:
        counts: Packed counts, as :meth:`ContactLayout.count_flags` fills them.
        i: The citizen.
        bit: The flag bit.
    """
    return (counts[i] >> (FLAG_FIELD * bit)) & ((1 << FLAG_FIELD) - 1)


@njit(cache=True, inline="always")
def _widened(flag):
    # One contact's flag bits 0, 1, 2 as 1s in the three fields of a packed count.
    f = np.int64(flag)
    return (f & 1) | ((f & 2) << (FLAG_FIELD - 1)) | ((f & 4) << (2 * FLAG_FIELD - 2))


@citizen_kernel("counts")
def _count_flags(
    mask, flags, far_target, far_owner, far_start, pending_target, pending_owner, pending_start,
    counts,
) -> None:  # fmt: skip
    # The contact pass's order of work (near windows, then the sub-block's far and pending
    # ties while its counts are in cache), with integer counts: exact in any order.
    n = len(counts)
    for b in prange(block_count(n)):
        first, last = block_bounds(b, n)
        for base in range(first, last, SUB):
            end = min(last, base + SUB)
            lo, hi = max(base, NEAR), min(end, n - NEAR)
            if lo < hi:
                _near_flags(mask, flags, lo, hi, counts)
            else:
                lo = hi = end
            # Citizens at the ring's ends have no near ties (theirs would wrap around).
            for i in range(base, lo):
                counts[i] = 0
            for i in range(hi, end):
                counts[i] = 0
            s = base // SUB
            _far_flags(far_target, far_owner, far_start[s], far_start[s + 1], flags, counts)
            _far_flags(
                pending_target, pending_owner, pending_start[s], pending_start[s + 1], flags,
                counts,
            )  # fmt: skip


@njit(cache=True, inline="always")
def _near_flag(bits, b, flags, x):
    # One ring neighbour's flags in the narrow near fields, or 0 without the tie (no
    # branch, so the loop over citizens vectorises).
    f = np.int32(flags[x])
    narrow = (f & 1) | ((f & 2) << (NEAR_FIELD - 1)) | ((f & 4) << (2 * NEAR_FIELD - 2))
    return narrow & -((bits >> b) & 1)


@njit(cache=True)
def _near_flags(mask, flags, lo, hi, counts):
    # Citizens lo..hi-1 with every neighbour inside the ring's ends, summed in 32-bit
    # lanes with NEAR_FIELD bits a count, then widened to FLAG_FIELD bits.
    bits_of = mask[lo:hi]
    f0, f1, f2, f3, f4 = (flags[lo - 5 : hi - 5], flags[lo - 4 : hi - 4], flags[lo - 3 : hi - 3],
                          flags[lo - 2 : hi - 2], flags[lo - 1 : hi - 1])  # fmt: skip
    f5, f6, f7, f8, f9 = (flags[lo + 1 : hi + 1], flags[lo + 2 : hi + 2], flags[lo + 3 : hi + 3],
                          flags[lo + 4 : hi + 4], flags[lo + 5 : hi + 5])  # fmt: skip
    out = counts[lo:hi]
    field = (1 << NEAR_FIELD) - 1
    for x in range(hi - lo):
        bits = np.int32(bits_of[x])
        s = (
            _near_flag(bits, 0, f0, x) + _near_flag(bits, 1, f1, x) + _near_flag(bits, 2, f2, x)
            + _near_flag(bits, 3, f3, x) + _near_flag(bits, 4, f4, x)
            + _near_flag(bits, 5, f5, x) + _near_flag(bits, 6, f6, x)
            + _near_flag(bits, 7, f7, x) + _near_flag(bits, 8, f8, x)
            + _near_flag(bits, 9, f9, x)
        )  # fmt: skip
        wide = np.int64(s)
        out[x] = (
            (wide & field)
            | (((wide >> NEAR_FIELD) & field) << FLAG_FIELD)
            | (((wide >> (2 * NEAR_FIELD)) & field) << (2 * FLAG_FIELD))
        )


@njit(cache=True)
def _far_flags(target, owner, first, last, flags, counts):
    ahead = len(target) - PREFETCH_DISTANCE
    for f in range(first, last):
        if f < ahead:
            prefetch(flags, max(target[f + PREFETCH_DISTANCE], 0))
        j = target[f]
        if j >= 0:
            counts[owner[f]] += _widened(flags[j])
