"""Deterrence: the expected sanction a citizen believes in (Becker 1968; Epstein 2002), in numpy.

It sets this step's factor on the violation risk (``Population.drive["violation"]``,
multiplied into ``rel.violation`` while the violations rule runs; kernel for
:func:`deter`: scs_sim.kernels.deterrence) and, after the built-in repayment, gives
unlisted debtors an extra chance to repay before a listing or a low score costs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F
from scs_sim.rules.consequences import restriction_cost_table
from scs_sim.streams import counter_uniforms

if TYPE_CHECKING:
    from scs_sim.context import Context


def public_sanction(table: np.ndarray, restricted: np.ndarray, bad: np.ndarray) -> np.float32:
    """The cost of a bad record as the public sees it: the mean over citizens with one.

    ``mean(table[restricted[bad]])`` in float64 (numpy's sum), as float32; 0 when no
    record is bad. ``table`` is :func:`~scs_sim.rules.consequences.restriction_cost_table`.
    """
    if not bad.any():
        return F(0)
    return F(np.take(table, restricted[bad]).astype(np.float64).mean())


def observed_sanction(ctx: Context) -> np.ndarray:
    """What a bad record costs, as each citizen can see it this step.

    ``public = mean restriction cost over citizens with a bad record`` (the lists are
    public and sanctions visible: believed chance of a sanction x its severity,
    :func:`public_sanction`); a citizen with a bad record of its own sees its own cost
    instead.
    """
    s = ctx.population.state
    bad = s.debt | s.false_record
    table = restriction_cost_table(ctx.params)
    public = public_sanction(table, s.restricted, bad)
    return np.where(bad, np.take(table, s.restricted), public)


def deter(ctx: Context, step: int) -> None:
    """Update the believed expected sanction; set this step's factor on the violation risk.

    ``expected_sanction += learning_rate * (observed_sanction - expected_sanction)``
    (observed at the end of the last step: the sanctions then in force);
    ``drive["violation"] = exp(-deterrence * risk_aversion * expected_sanction)``.
    With ``deterrence = 0`` nothing is set: today's behaviour, bit for bit.
    """
    p, s, pop = ctx.params, ctx.population.state, ctx.population
    if p.deterrence == 0:
        pop.drive.pop("violation", None)
        return
    rate = F(p.learning_rate)
    s.expected_sanction[:] += rate * (observed_sanction(ctx) - s.expected_sanction)
    exponent = -F(p.deterrence) * pop.traits.risk_aversion * s.expected_sanction
    pop.drive["violation"] = np.exp(exponent, out=exponent)


def repay_under_threat(ctx: Context, step: int) -> None:
    """Unlisted debtors repay more when they expect a sanction.

    ``p = min(1, repayment_rate * min(income, 2) / (1 + strain) * deterrence *
    risk_aversion * expected_sanction)`` for debtors not yet listed; repaid if
    ``u < p`` (deterrence lane 0). Counts ``repayments``; cleared records lose their age.
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    if p.deterrence == 0:
        return
    who = np.flatnonzero(s.debt & ~s.listed)  # only they can repay: draws by citizen index
    pay = F(p.repayment_rate) * np.minimum(tr.income[who], F(2)) / (F(1) + s.strain[who])
    pay = np.minimum(F(1), pay * F(p.deterrence) * tr.risk_aversion[who] * s.expected_sanction[who])
    u = counter_uniforms(ctx.streams.key("deterrence", step), who)
    paid = who[u < pay]
    s.debt[paid] = False
    ctx.counters["repayments"] += len(paid)
    # repay() left every clean record at age -1; only the newly clean change.
    s.record_age[paid[~s.false_record[paid]]] = -1
