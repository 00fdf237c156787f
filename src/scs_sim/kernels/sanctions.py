"""The sanction paths' kernels: thresholds, the blacklist, appeals, and their combination.

The compiled versions of the rules in :mod:`scs_sim.rules.sanctions`, with the same
results bit for bit. Importing this module registers the two built-in paths
(:func:`scs_sim.sanctions.register_sanction`): the blacklist, then score thresholds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.draws import uniform
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.population import KIND_BITS
from scs_sim.sanctions.appeals import LOST, NONE
from scs_sim.sanctions.registry import SANCTION_PATHS, Restrictions, register_sanction

if TYPE_CHECKING:
    from scs_sim.context import Context


def impose(model: Context, step: int) -> None:
    """Run every enabled sanction path and record the combined restrictions."""
    state = model.population.state
    paths = [path for path in SANCTION_PATHS.values() if path.enabled(model.params)]
    if not (model.params.scoring and model.params.threshold_sanctions):
        state.perks.fill(False)  # no score thresholds in force: no red-list perks either
    if not paths:
        state.restricted.fill(0)
        state.justified.fill(0)
    for k, path in enumerate(paths):
        result = path.apply(model, step)
        _combine(state.restricted, state.justified, *result, k == 0, k == len(paths) - 1)


@citizen_kernel("restricted")
def _combine(restricted, justified, imposed, own_conduct, first, last) -> None:
    # One pass a path, on all threads, with no temporaries: the first path's bits replace
    # last step's, later ones are ORed in.
    for i in prange(len(restricted)):
        r = imposed[i] if first else restricted[i] | imposed[i]
        j = own_conduct[i] if first else justified[i] | own_conduct[i]
        restricted[i] = r
        # A low own-conduct score justifies nothing when friends lifted the real score
        # above it.
        justified[i] = j & r if last else j


def joint_punishment_bits(model: Context) -> np.uint8:
    """The restriction bits that one listing triggers under the scenario's matrix."""
    bits = 0
    for kind, on in model.params.joint_punishment().items():
        bits |= KIND_BITS[kind] if on else 0
    return np.uint8(bits)


def apply_blacklist(model: Context, step: int) -> Restrictions:
    """List eligible debtors, remove cleared or expired listings, apply joint punishment.

    Draws: blacklist lane 0, only for eligible records (counter-based).
    """
    params, state = model.params, model.population.state
    n = model.population.n
    imposed = np.empty(n, dtype=np.uint8)
    justified = np.empty(n, dtype=np.uint8)
    listings, wrongful = _blacklist(
        delay=params.listing_delay,
        enforcement=np.float32(params.enforcement_rate),
        term=params.blacklist_term,
        bits=joint_punishment_bits(model),
        key=model.streams.key("blacklist", step),
        debt=state.debt,
        false_record=state.false_record,
        record_age=state.record_age,
        listed=state.listed,
        listing_left=state.listing_left,
        listed_wrongly=state.listed_wrongly,
        imposed=imposed,
        justified=justified,
    )
    model.counters["listings"] += listings
    model.counters["wrongful_listings"] += wrongful
    return Restrictions(imposed, justified)


@citizen_kernel("debt")
def _blacklist(
    delay,
    enforcement,
    term,
    bits,
    key,
    debt,
    false_record,
    record_age,
    listed,
    listing_left,
    listed_wrongly,
    imposed,
    justified,
) -> tuple[int, int]:
    n = len(debt)
    counts = np.zeros((block_count(n), 2), dtype=np.int64)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        counts[b] = _blacklist_block(
            lo, delay, enforcement, term, bits, key, debt[lo:hi], false_record[lo:hi],
            record_age[lo:hi], listed[lo:hi], listing_left[lo:hi], listed_wrongly[lo:hi],
            imposed[lo:hi], justified[lo:hi],
        )  # fmt: skip
    return counts[:, 0].sum(), counts[:, 1].sum()


@njit(cache=True)
def _blacklist_block(
    first, delay, enforcement, term, bits, key, debt, false_record, record_age, listed,
    listing_left, listed_wrongly, imposed, justified,
) -> tuple[int, int]:  # fmt: skip
    # One block's citizens as views (numba issue 8085). Listings change only for the few
    # listed or with a bad record: a branch for them; then every citizen's flags and
    # bits in a branch-free loop that vectorises.
    listings = wrongful = 0
    for x in range(len(debt)):
        bad_record = debt[x] or false_record[x]
        if not (bad_record or listed[x]):
            continue
        if listed[x]:
            listing_left[x] -= 1
            if not bad_record or listing_left[x] <= 0:
                listed[x] = False
                # A listing that ran out on a still-unpaid record can be renewed after a new delay.
                if bad_record:
                    record_age[x] = 0
        eligible = bad_record and not listed[x] and record_age[x] >= delay
        if eligible and uniform(key, first + x) < enforcement:
            listed[x] = True
            listing_left[x] = term
            listings += 1
            if not debt[x]:
                wrongful += 1
    for x in range(len(debt)):
        on = listed[x]
        wrongly = on & (debt[x] ^ np.uint8(1))
        listed_wrongly[x] = wrongly
        imposed[x] = bits * on
        justified[x] = bits * (on & (wrongly ^ np.uint8(1)))
    return listings, wrongful


def _threshold_table(thresholds: dict[str, float]) -> tuple[tuple, tuple]:
    # Tuples, not arrays: their length is known when the kernel compiles, so the loop over
    # thresholds unrolls and the loop over citizens vectorises.
    limits = tuple(np.float32(limit) for limit in thresholds.values())
    bits = tuple(np.uint8(KIND_BITS[kind]) for kind in thresholds)
    return limits, bits


@citizen_kernel("score")
def _restrict(score, own_score, limits, kind_bits, perk_threshold, imposed, justified, perks):
    # One pass for the real score, the own-conduct score and the perks; the bits are
    # ORed without branches (which score falls below which threshold is unpredictable).
    for i in prange(len(score)):
        bits = np.uint8(0)
        own_bits = np.uint8(0)
        for k in range(len(limits)):
            bits |= kind_bits[k] * np.uint8(score[i] < limits[k])
            own_bits |= kind_bits[k] * np.uint8(own_score[i] < limits[k])
        imposed[i] = bits
        justified[i] = own_bits
        perks[i] = score[i] >= perk_threshold


def apply_thresholds(model: Context, step: int) -> Restrictions:
    """Restrict citizens below each threshold; grant red-list perks above ``perk_threshold``."""
    params, state = model.params, model.population.state
    imposed = np.empty(model.population.n, dtype=np.uint8)
    justified = np.empty(model.population.n, dtype=np.uint8)
    limits, kind_bits = _threshold_table(params.thresholds())
    _restrict(
        score=state.score,
        own_score=model.own_score,
        limits=limits,
        kind_bits=kind_bits,
        perk_threshold=np.float32(params.perk_threshold),
        imposed=imposed,
        justified=justified,
        perks=state.perks,
    )
    return Restrictions(imposed, justified)


def hear_appeals(model: Context, step: int) -> None:
    """File new appeals, advance pending ones, and decide those that are due.

    Draws: appeals lane 0, only for citizens whose appeal is decided (counter-based).
    """
    params, state = model.params, model.population.state
    won, lost = _hear(
        appeals=bool(params.appeals),
        delay=params.appeal_delay,
        success=np.float32(params.appeal_success),
        key=model.streams.key("appeals", step),
        debt=state.debt,
        false_record=state.false_record,
        appeal_left=state.appeal_left,
    )
    if params.appeals:
        model.counters["appeals_won"] += won
        model.counters["appeals_lost"] += lost


@citizen_kernel("debt")
def _hear(appeals, delay, success, key, debt, false_record, appeal_left) -> tuple[int, int]:
    won = lost = 0
    for i in prange(len(debt)):
        if not false_record[i]:
            appeal_left[i] = NONE  # nothing (left) to appeal against
            continue
        if not appeals:
            continue
        if not debt[i] and appeal_left[i] == NONE:
            appeal_left[i] = delay
        if appeal_left[i] > 0:
            appeal_left[i] -= 1
        elif appeal_left[i] == 0:
            if uniform(key, i) < success:
                false_record[i] = False
                appeal_left[i] = NONE
                won += 1
            else:
                appeal_left[i] = LOST
                lost += 1
    return won, lost


# The built-in paths, in the order they have always been combined.
register_sanction("blacklist", enabled=lambda p: p.blacklist)(apply_blacklist)
register_sanction("thresholds", enabled=lambda p: p.threshold_sanctions and p.scoring)(
    apply_thresholds
)
