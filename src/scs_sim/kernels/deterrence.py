"""Deterrence: the compiled version of :func:`scs_sim.rules.deterrence.deter`.

One pass over the citizens updates each one's believed expected sanction and writes
the exponent of its factor on the violation risk; the exponential itself is numpy's
(``np.exp``), as in the rule, so the factor is the rule's to the bit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.rules.consequences import restriction_cost_table
from scs_sim.rules.deterrence import public_sanction

if TYPE_CHECKING:
    from scs_sim.context import Context


def deter(model: Context, step: int) -> None:
    """Update the believed expected sanction; set this step's factor on the violation risk."""
    p, s, pop = model.params, model.population.state, model.population
    if p.deterrence == 0:
        pop.drive.pop("violation", None)
        return
    table = restriction_cost_table(p)
    bad = s.debt | s.false_record
    exponent = np.empty(pop.n, np.float32)
    _deter(
        restricted=s.restricted,
        bad=bad,
        table=table,
        public=public_sanction(table, s.restricted, bad),
        rate=np.float32(p.learning_rate),
        negative_deterrence=-np.float32(p.deterrence),
        risk_aversion=pop.traits.risk_aversion,
        expected_sanction=s.expected_sanction,
        exponent=exponent,
    )
    pop.drive["violation"] = np.exp(exponent, out=exponent)


@citizen_kernel("exponent")
def _deter(
    restricted, bad, table, public, rate, negative_deterrence, risk_aversion, expected_sanction,
    exponent,
):  # fmt: skip
    n = len(exponent)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        _deter_block(
            restricted[lo:hi], bad[lo:hi], table, public, rate, negative_deterrence,
            risk_aversion[lo:hi], expected_sanction[lo:hi], exponent[lo:hi],
        )  # fmt: skip


@njit(cache=True)
def _deter_block(
    restricted, bad, table, public, rate, negative_deterrence, risk_aversion, expected_sanction,
    exponent,
) -> None:  # fmt: skip
    # A block's citizens as views (numba issue 8085), in the rule's float32 arithmetic
    # and order; the loop must stay branch-free so that it vectorises.
    for x in range(len(exponent)):
        seen = table[restricted[x]] if bad[x] else public
        expected = expected_sanction[x] + rate * (seen - expected_sanction[x])
        expected_sanction[x] = expected
        exponent[x] = negative_deterrence * risk_aversion[x] * expected
