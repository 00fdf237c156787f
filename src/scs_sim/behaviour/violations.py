"""Violations, repayment and record errors: what ends up on a citizen's record.

A violation (a missed debt, an unpaid judgment) happens with probability
``violation_rate * proneness * (1 + strain_sensitivity * strain)``: sanctions
strain incomes, and strain makes new violations likelier (the feedback loop).
A record error gives an innocent citizen a bad record it did not earn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel


def offend(model: SocialCreditModel, step: int) -> None:
    """Draw new violations and new record errors; age existing bad records."""
    params, traits, state = model.params, model.population.traits, model.population.state
    n = model.population.n
    risk = np.float32(params.violation_rate) * traits.violation_proneness
    risk *= 1.0 + np.float32(params.strain_sensitivity) * state.strain
    new_debt = ~state.debt & (model.streams.uniform("violations", step, n) < risk)
    new_error = ~state.false_record & (
        model.streams.uniform("records", step, n) < np.float32(params.record_error_rate)
    )
    state.debt |= new_debt
    state.false_record |= new_error
    has_record = state.record_age >= 0
    state.record_age[has_record] += 1
    state.record_age[(new_debt | new_error) & ~has_record] = 0
    # Wrong records expire when a listing would have: nobody enforces them further.
    expired = state.false_record & ~state.debt & (state.record_age >= params.blacklist_term)
    state.false_record[expired] = False
    model.counters["violations"] += int(new_debt.sum())
    model.counters["record_errors"] += int(new_error.sum())


def repay(model: SocialCreditModel, step: int) -> None:
    """Settle debts; listed debtors pay more often ("under the pressure" of the list)."""
    params, traits, state = model.params, model.population.traits, model.population.state
    rate = np.float32(params.repayment_rate) * np.minimum(traits.income, np.float32(2.0))
    rate /= 1.0 + state.strain
    rate *= 1.0 + np.float32(params.listing_pressure) * state.listed
    paid = state.debt & (model.streams.uniform("repayment", step, model.population.n) < rate)
    state.debt[paid] = False
    model.counters["repayments"] += int(paid.sum())
    model.counters["repaid_under_pressure"] += int((paid & state.listed).sum())
    clear = ~state.debt & ~state.false_record
    state.record_age[clear] = -1


def update_records(model: SocialCreditModel) -> None:
    """Fold this step's conduct into the scorer's records (exponential memory)."""
    state = model.population.state
    keep = np.float32(model.params.record_memory)
    fresh = np.float32(1.0) - keep
    for record, event in (
        (state.donation_record, state.donated),
        (state.online_record, state.observed_critical),
        (state.credit_record, ~(state.debt | state.false_record)),
        (state.true_credit_record, ~state.debt),
    ):
        record *= keep
        record += fresh * event
