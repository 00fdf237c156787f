"""Violations, repayment and record errors: what ends up on a citizen's record.

A violation (a missed debt, an unpaid judgment) happens with probability
``violation_rate * proneness * (1 + strain_sensitivity * strain)``: sanctions
strain incomes, and strain makes new violations likelier (the feedback loop).
A record error gives an innocent citizen a bad record it did not earn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.parallel import citizen_kernel
from scs_sim.streams import uniform

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel


def offend(model: SocialCreditModel, step: int) -> None:
    """Draw new violations and new record errors; age existing bad records."""
    params, traits, state = model.params, model.population.traits, model.population.state
    violations, errors = _offend(
        traits.violation_proneness,
        state.strain,
        np.float32(params.violation_rate),
        np.float32(params.strain_sensitivity),
        np.float32(params.record_error_rate),
        params.blacklist_term,
        model.streams.key("violations", step),
        model.streams.key("records", step),
        state.debt,
        state.false_record,
        state.record_age,
    )
    model.counters["violations"] += violations
    model.counters["record_errors"] += errors


@citizen_kernel("proneness")
def _offend(
    proneness,
    strain,
    rate,
    sensitivity,
    error_rate,
    term,
    violation_key,
    record_key,
    debt,
    false_record,
    record_age,
) -> tuple[int, int]:
    violations = errors = 0
    for i in prange(len(proneness)):
        risk = rate * proneness[i] * (np.float32(1.0) + sensitivity * strain[i])
        new_debt = not debt[i] and uniform(violation_key, i) < risk
        new_error = not false_record[i] and uniform(record_key, i) < error_rate
        if new_debt:
            debt[i] = True
            violations += 1
        if new_error:
            false_record[i] = True
            errors += 1
        if record_age[i] >= 0:
            record_age[i] += 1
        elif new_debt or new_error:
            record_age[i] = 0
        # Wrong records expire when a listing would have: nobody enforces them further.
        if false_record[i] and not debt[i] and record_age[i] >= term:
            false_record[i] = False
    return violations, errors


def repay(model: SocialCreditModel, step: int) -> None:
    """Settle debts; listed debtors pay more often ("under the pressure" of the list)."""
    params, traits, state = model.params, model.population.traits, model.population.state
    repayments, under_pressure = _repay(
        traits.income,
        state.strain,
        np.float32(params.repayment_rate),
        np.float32(params.listing_pressure),
        model.streams.key("repayment", step),
        state.listed,
        state.debt,
        state.false_record,
        state.record_age,
    )
    model.counters["repayments"] += repayments
    model.counters["repaid_under_pressure"] += under_pressure


@citizen_kernel("income")
def _repay(income, strain, rate, pressure, key, listed, debt, false_record, record_age):
    repayments = under_pressure = 0
    for i in prange(len(income)):
        if debt[i]:
            p = rate * min(income[i], np.float32(2.0))
            p /= np.float32(1.0) + strain[i]
            p *= np.float32(1.0) + pressure * np.float32(listed[i])
            if uniform(key, i) < p:
                debt[i] = False
                repayments += 1
                under_pressure += int(listed[i])
        if not debt[i] and not false_record[i]:
            record_age[i] = -1
    return repayments, under_pressure


def update_records(model: SocialCreditModel) -> None:
    """Fold this step's conduct into the scorer's records (exponential memory)."""
    state = model.population.state
    keep = np.float32(model.params.record_memory)
    _update_records(
        keep,
        np.float32(1.0) - keep,
        state.donated,
        state.observed_critical,
        state.debt,
        state.false_record,
        state.donation_record,
        state.online_record,
        state.credit_record,
        state.true_credit_record,
    )


@citizen_kernel("donated")
def _update_records(
    keep,
    fresh,
    donated,
    observed,
    debt,
    false_record,
    donation_record,
    online_record,
    credit_record,
    true_credit_record,
) -> None:
    for i in prange(len(donated)):
        donation_record[i] = donation_record[i] * keep + fresh * np.float32(donated[i])
        online_record[i] = online_record[i] * keep + fresh * np.float32(observed[i])
        clean = not (debt[i] or false_record[i])
        credit_record[i] = credit_record[i] * keep + fresh * np.float32(clean)
        true_credit_record[i] = true_credit_record[i] * keep + fresh * np.float32(not debt[i])
