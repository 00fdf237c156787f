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

from scs_sim.population import KIND_BITS
from scs_sim.sanctions import Restrictions, register_sanction

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel


def joint_punishment_bits(model: SocialCreditModel) -> np.uint8:
    """The restriction bits that one listing triggers under the scenario's matrix."""
    bits = 0
    for kind, on in model.params.joint_punishment().items():
        bits |= KIND_BITS[kind] if on else 0
    return np.uint8(bits)


@register_sanction("blacklist", enabled=lambda p: p.blacklist)
def apply_blacklist(model: SocialCreditModel, step: int) -> Restrictions:
    """List eligible debtors, remove cleared or expired listings, apply joint punishment."""
    params, state = model.params, model.population.state
    bad_record = state.debt | state.false_record
    listed = state.listed
    state.listing_left[listed] -= 1
    done = listed & (~bad_record | (state.listing_left <= 0))
    listed[done] = False
    # A listing that ran out on a still-unpaid record can be renewed after a new delay.
    state.record_age[done & bad_record] = 0
    eligible = bad_record & ~listed & (state.record_age >= params.listing_delay)
    draw = model.streams.uniform("blacklist", step, model.population.n)
    new = eligible & (draw < np.float32(params.enforcement_rate))
    listed |= new
    state.listing_left[new] = params.blacklist_term
    np.logical_and(listed, ~state.debt, out=state.listed_wrongly)
    model.counters["listings"] += int(new.sum())
    model.counters["wrongful_listings"] += int((new & ~state.debt).sum())
    bits = joint_punishment_bits(model)
    imposed = np.where(listed, bits, np.uint8(0)).astype(np.uint8)
    justified = np.where(listed & ~state.listed_wrongly, bits, np.uint8(0)).astype(np.uint8)
    return Restrictions(imposed, justified)
