"""Violations, record errors, repayment and the scorer's records, in numpy.

Kernels: scs_sim.kernels.violations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F, draws

if TYPE_CHECKING:
    from scs_sim.context import Context


def offend(ctx: Context, step: int) -> None:
    """New debts and record errors; bad records age; wrong records expire.

    ``risk = violation_rate * violation_proneness * (1 + strain_sensitivity * strain) *
    rel.violation``;
    a citizen without debt incurs one if ``u < risk`` (violations lane 0), one without a
    wrong record gets one if ``u < record_error_rate`` (records lane 0). A bad record's
    age grows by one a step (0 when it appears); a wrong record without debt expires at
    age ``blacklist_term``. Counts ``violations`` and ``record_errors``.
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    pressure = F(1) + F(p.strain_sensitivity) * s.strain
    risk = F(p.violation_rate) * tr.violation_proneness * pressure * ctx.population.rel.violation
    new_debt = ~s.debt & (draws(ctx, "violations", step) < risk)
    new_error = ~s.false_record & (draws(ctx, "records", step) < F(p.record_error_rate))
    s.debt |= new_debt
    s.false_record |= new_error
    had = s.record_age >= 0
    s.record_age[had] += 1
    s.record_age[(new_debt | new_error) & ~had] = 0
    s.false_record[s.false_record & ~s.debt & (s.record_age >= p.blacklist_term)] = False
    ctx.counters["violations"] += int(new_debt.sum())
    ctx.counters["record_errors"] += int(new_error.sum())


def repay(ctx: Context, step: int) -> None:
    """Debtors repay; listed debtors more often; cleared records lose their age.

    ``p = repayment_rate * min(income, 2) / (1 + strain) * (1 + listing_pressure * listed)``;
    a debt is repaid if ``u < p`` (repayment lane 0). ``record_age = -1`` where neither
    debt nor a wrong record remains. Counts ``repayments`` and ``repaid_under_pressure``.
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    pay = F(p.repayment_rate) * np.minimum(tr.income, F(2)) / (F(1) + s.strain)
    pay = pay * (F(1) + F(p.listing_pressure) * s.listed.astype(F))
    paid = s.debt & (draws(ctx, "repayment", step) < pay)
    s.debt[paid] = False
    ctx.counters["repayments"] += int(paid.sum())
    ctx.counters["repaid_under_pressure"] += int((paid & s.listed).sum())
    s.record_age[~s.debt & ~s.false_record] = -1


def mark_own_record(ctx: Context) -> None:
    """Flag citizens whose own conduct put a bad entry on file the score may use.

    A debt always counts (court and credit records); an observed critical post counts
    only while the score uses online behaviour (scoring on, ``weight_online`` in force).
    """
    p, s = ctx.params, ctx.population.state
    s.ever_bad_record |= s.debt
    if p.scoring and p.weights()["online"] > 0:
        s.ever_bad_record |= s.observed_critical


def update_records(ctx: Context, step: int) -> None:
    """Fold this step's conduct into the scorer's records (exponential memory).

    ``record = record * record_memory + (1 - record_memory) * event`` for the donation
        record (event: donated), the online record (observed critical post), the credit
    record (no debt and no wrong record) and the true credit record (no debt).
    ``ever_bad_record |= debt or (observed critical post, where the online weight is in
    force)``: the citizen's own conduct on file.
    """
    s = ctx.population.state
    mark_own_record(ctx)
    keep = F(ctx.params.record_memory)
    fresh = F(1) - keep
    for record, event in (
        (s.donation_record, s.donated),
        (s.online_record, s.observed_critical),
        (s.credit_record, ~(s.debt | s.false_record)),
        (s.true_credit_record, ~s.debt),
    ):
        record[:] = record * keep + fresh * event.astype(F)
