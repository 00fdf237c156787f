"""Sanction path 2, the court blacklist with joint punishment.

A bad record left unpaid for ``listing_delay`` steps can be listed (with
probability ``enforcement_rate`` a step). A listing lasts ``blacklist_term``
steps unless the record is cleared first (repayment, or a won appeal). Every
agency that shares the list applies the joint-punishment row: one listing, many
bans. A listing that rests only on a record error is wrongful.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.kernels.parallel import citizen_kernel
from scs_sim.population import KIND_BITS
from scs_sim.sanctions.registry import Restrictions, register_sanction
from scs_sim.streams import uniform

if TYPE_CHECKING:
    from scs_sim.context import Context


def joint_punishment_bits(model: Context) -> np.uint8:
    """The restriction bits that one listing triggers under the scenario's matrix."""
    bits = 0
    for kind, on in model.params.joint_punishment().items():
        bits |= KIND_BITS[kind] if on else 0
    return np.uint8(bits)


@register_sanction("blacklist", enabled=lambda p: p.blacklist)
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
    listings = wrongful = 0
    for i in prange(len(debt)):
        bad_record = debt[i] or false_record[i]
        if listed[i]:
            listing_left[i] -= 1
            if not bad_record or listing_left[i] <= 0:
                listed[i] = False
                # A listing that ran out on a still-unpaid record can be renewed after a new delay.
                if bad_record:
                    record_age[i] = 0
        eligible = bad_record and not listed[i] and record_age[i] >= delay
        if eligible and uniform(key, i) < enforcement:
            listed[i] = True
            listing_left[i] = term
            listings += 1
            if not debt[i]:
                wrongful += 1
        listed_wrongly[i] = listed[i] and not debt[i]
        imposed[i] = bits if listed[i] else 0
        justified[i] = bits if listed[i] and not listed_wrongly[i] else 0
    return listings, wrongful
