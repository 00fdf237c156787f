"""Violations, repayment and record errors: what ends up on a citizen's record.

A violation (a missed debt, an unpaid judgment) happens with probability
``violation_rate * proneness * (1 + strain_sensitivity * strain)``: sanctions
strain incomes, and strain makes new violations likelier (the feedback loop).
A record error gives an innocent citizen a bad record it did not earn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.draws import NEXT_DRAW, position, uniform, uniform_from
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel

if TYPE_CHECKING:
    from scs_sim.context import Context


def offend(model: Context, step: int) -> None:
    """Draw new violations and new record errors; age existing bad records."""
    params, traits, state = model.params, model.population.traits, model.population.state
    violations, errors = _offend(
        proneness=traits.violation_proneness,
        strain=state.strain,
        rel_violation=model.population.rel.violation,
        rate=np.float32(params.violation_rate),
        sensitivity=np.float32(params.strain_sensitivity),
        error_rate=np.float32(params.record_error_rate),
        term=params.blacklist_term,
        violation_key=model.streams.key("violations", step),
        record_key=model.streams.key("records", step),
        debt=state.debt,
        false_record=state.false_record,
        record_age=state.record_age,
    )
    model.counters["violations"] += violations
    model.counters["record_errors"] += errors


@citizen_kernel("proneness")
def _offend(
    proneness,
    strain,
    rel_violation,
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
    n = len(proneness)
    counts = np.zeros((block_count(n), 2), dtype=np.int64)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        counts[b] = _offend_block(
            lo, proneness[lo:hi], strain[lo:hi], rel_violation[lo:hi], rate, sensitivity,
            error_rate, term,
            violation_key, record_key, debt[lo:hi], false_record[lo:hi], record_age[lo:hi],
        )  # fmt: skip
    return counts[:, 0].sum(), counts[:, 1].sum()


@njit(cache=True)
def _offend_block(
    first, proneness, strain, rel_violation, rate, sensitivity, error_rate, term, violation_key,
    record_key, debt, false_record, record_age,
) -> tuple[int, int]:  # fmt: skip
    # Citizens first.. of one block, as views (so the loop keeps its vector code in the
    # threaded kernel). Both draws are made for everyone and combined as 0/1 integers
    # without branches; counter-based draws make this the same as drawing only for
    # citizens with a clean record. Draws follow stream positions (one per citizen).
    violations = errors = 0
    violation_at, record_at = position(violation_key, first), position(record_key, first)
    for x in range(len(proneness)):
        risk = rate * proneness[x] * (np.float32(1.0) + sensitivity * strain[x]) * rel_violation[x]
        debtor, wrong, age = np.int32(debt[x]), np.int32(false_record[x]), np.int32(record_age[x])
        new_debt = (1 - debtor) & np.int32(uniform_from(violation_at) < risk)
        new_error = (1 - wrong) & np.int32(uniform_from(record_at) < error_rate)
        violation_at += NEXT_DRAW
        record_at += NEXT_DRAW
        debtor |= new_debt
        wrong |= new_error
        violations += new_debt
        errors += new_error
        age = age + 1 if age >= 0 else (0 if new_debt | new_error else age)
        # Wrong records expire when a listing would have: nobody enforces them further.
        wrong &= 1 - ((1 - debtor) & np.int32(age >= term))
        debt[x] = debtor
        false_record[x] = wrong
        record_age[x] = age
    return violations, errors


def repay(model: Context, step: int) -> None:
    """Settle debts; listed debtors pay more often ("under the pressure" of the list)."""
    params, traits, state = model.params, model.population.traits, model.population.state
    repayments, under_pressure = _repay(
        income=traits.income,
        strain=state.strain,
        rate=np.float32(params.repayment_rate),
        pressure=np.float32(params.listing_pressure),
        key=model.streams.key("repayment", step),
        listed=state.listed,
        debt=state.debt,
        false_record=state.false_record,
        record_age=state.record_age,
    )
    model.counters["repayments"] += repayments
    model.counters["repaid_under_pressure"] += under_pressure


@citizen_kernel("income")
def _repay(income, strain, rate, pressure, key, listed, debt, false_record, record_age):
    n = len(income)
    counts = np.zeros((block_count(n), 2), dtype=np.int64)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        counts[b] = _repay_block(
            lo, income[lo:hi], strain[lo:hi], rate, pressure, key, listed[lo:hi], debt[lo:hi],
            false_record[lo:hi], record_age[lo:hi],
        )  # fmt: skip
    return counts[:, 0].sum(), counts[:, 1].sum()


@njit(cache=True)
def _repay_block(
    first, income, strain, rate, pressure, key, listed, debt, false_record, record_age
):  # fmt: skip
    # One block's citizens as views (numba issue 8085). Debtors are few: a branch and a
    # draw for each of them; then every record age in a branch-free loop that vectorises.
    repayments = under_pressure = 0
    for x in range(len(income)):
        if debt[x]:
            p = rate * min(income[x], np.float32(2.0))
            p /= np.float32(1.0) + strain[x]
            p *= np.float32(1.0) + pressure * np.float32(listed[x])
            if uniform(key, first + x) < p:
                debt[x] = False
                repayments += 1
                under_pressure += int(listed[x])
    for x in range(len(income)):
        clean = (debt[x] | false_record[x]) == 0
        record_age[x] = np.int16(-1) if clean else record_age[x]
    return repayments, under_pressure


def update_records(model: Context) -> None:
    """Fold this step's conduct into the scorer's records (exponential memory)."""
    state = model.population.state
    keep = np.float32(model.params.record_memory)
    _update_records(
        keep=keep,
        fresh=np.float32(1.0) - keep,
        donated=state.donated,
        observed=state.observed_critical,
        debt=state.debt,
        false_record=state.false_record,
        donation_record=state.donation_record,
        online_record=state.online_record,
        credit_record=state.credit_record,
        true_credit_record=state.true_credit_record,
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
    n = len(donated)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        _update_records_block(
            keep, fresh, donated[lo:hi], observed[lo:hi], debt[lo:hi], false_record[lo:hi],
            donation_record[lo:hi], online_record[lo:hi], credit_record[lo:hi],
            true_credit_record[lo:hi],
        )  # fmt: skip


@njit(cache=True)
def _update_records_block(
    keep, fresh, donated, observed, debt, false_record, donation_record, online_record,
    credit_record, true_credit_record,
) -> None:  # fmt: skip
    # One block's citizens as views, branch-free, so that the loop vectorises (numba
    # issue 8085: a parallel loop's own body does not).
    for x in range(len(donated)):
        donation_record[x] = donation_record[x] * keep + fresh * np.float32(donated[x])
        online_record[x] = online_record[x] * keep + fresh * np.float32(observed[x])
        clean = np.float32((debt[x] | false_record[x]) == 0)
        credit_record[x] = credit_record[x] * keep + fresh * clean
        true_credit_record[x] = true_credit_record[x] * keep + fresh * np.float32(debt[x] == 0)
