"""Public support for the system: the compiled version of :func:`scs_sim.rules.support.judge`.

One pass over every citizen's active ties counts, per citizen, the contacts under
restriction, unjustly restricted, and in debt. The three flags are packed into one
byte per citizen first, so the pass gathers one byte per tie. On a small world the
pass reads the network's near/far layout (ContactLayout.count_flags); otherwise it
walks the contact lists. Counts are exact either way, so the means (float64
division, then float32), and everything after them in float32 in the rule's order,
are the rule's bits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.contact_layout import flag_count
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.rules.support import cached_predisposition

if TYPE_CHECKING:
    from scs_sim.context import Context

SANCTIONED, UNJUST, IN_DEBT = 1, 2, 4


def judge(model: Context, step: int) -> None:
    """Move each citizen's support toward what it saw this step (see the rule)."""
    p, s, net = model.params, model.population.state, model.network
    flags = net.scratch("support_flags", net.n, np.uint8)
    _pack_flags(restricted=s.restricted, justified=s.justified, debt=s.debt, flags=flags)
    shared = {  # the arguments both versions of the kernel take
        "degree": net.degree,
        "perks": s.perks,
        "predisposition": cached_predisposition(model),
        "order": np.float32(p.support_order),
        "transparency": np.float32(1.0 - min(1.0, p.opacity)),
        "benefit_weight": np.float32(p.support_benefit),
        "injustice_weight": np.float32(p.support_injustice),
        "rate": np.float32(p.learning_rate),
        "support": s.support,
    }
    layout = net.layout()
    if layout is not None:
        counts = net.scratch("support_counts", net.n, np.int64)
        if layout.count_flags(flags, counts):
            _judge_counted(flags=flags, counts=counts, **shared)
            return
    adj = net.adjacency
    _judge(flags=flags, indptr=adj.indptr, indices=adj.indices, active=adj.data, **shared)


@citizen_kernel("flags")
def _pack_flags(restricted, justified, debt, flags):
    # One byte a citizen: SANCTIONED | UNJUST | IN_DEBT (branch-free, so it vectorises).
    for i in prange(len(flags)):
        r = restricted[i]
        flags[i] = (
            np.uint8(r != 0) * np.uint8(SANCTIONED)
            | np.uint8((r & ~justified[i]) != 0) * np.uint8(UNJUST)
            | np.uint8(debt[i]) * np.uint8(IN_DEBT)
        )


@citizen_kernel("flags")
def _judge(
    flags, indptr, indices, active, degree, perks, predisposition, order, transparency,
    benefit_weight, injustice_weight, rate, support,
):  # fmt: skip
    n = len(flags)
    for b in prange(block_count(n)):
        first, end = block_bounds(b, n)
        # A function of its own per block: loaded from numba's cache, a parallel loop's
        # own inner loops lose their vector code (numba issue 8085).
        _judge_block(
            first, end, flags, indptr, indices, active, degree, perks, predisposition, order,
            transparency, benefit_weight, injustice_weight, rate, support,
        )  # fmt: skip


@njit(cache=True)
def _judge_block(
    first, end, flags, indptr, indices, active, degree, perks, predisposition, order,
    transparency, benefit_weight, injustice_weight, rate, support,
) -> None:  # fmt: skip
    zero = np.float32(0.0)
    for i in range(first, end):
        contacts_sanctioned = contacts_unjust = contacts_in_debt = zero
        if degree[i] > 0:
            sanctioned = unjust = in_debt = 0  # integer counts, no branch
            for k in range(indptr[i], indptr[i + 1]):
                f = flags[indices[k]] * active[k]
                sanctioned += f & SANCTIONED
                unjust += (f & UNJUST) >> 1
                in_debt += (f & IN_DEBT) >> 2
            d = np.float64(degree[i])
            contacts_sanctioned = np.float32(sanctioned / d)
            contacts_unjust = np.float32(unjust / d)
            contacts_in_debt = np.float32(in_debt / d)
        _move(
            i, contacts_sanctioned, contacts_unjust, contacts_in_debt, flags, perks,
            predisposition, order, transparency, benefit_weight, injustice_weight, rate, support,
        )  # fmt: skip


@citizen_kernel("flags")
def _judge_counted(
    flags, counts, degree, perks, predisposition, order, transparency, benefit_weight,
    injustice_weight, rate, support,
):  # fmt: skip
    # As _judge, from counts made by ContactLayout.count_flags.
    n = len(flags)
    for b in prange(block_count(n)):
        first, end = block_bounds(b, n)
        _judge_counted_block(
            flags[first:end], counts[first:end], degree[first:end], perks[first:end],
            predisposition[first:end], order, transparency, benefit_weight, injustice_weight,
            rate, support[first:end],
        )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _judge_counted_block(
    flags, counts, degree, perks, predisposition, order, transparency, benefit_weight,
    injustice_weight, rate, support,
) -> None:  # fmt: skip
    # One block's citizens, as views from 0 on and without a branch, so that the loop
    # vectorises: numpy's error model, no check for a zero degree, whose shares are
    # replaced by 0.
    zero = np.float32(0.0)
    for i in range(len(flags)):
        d = np.float64(degree[i])
        alone = degree[i] == 0
        sanctioned = np.float32(np.float64(flag_count(counts, i, 0)) / d)
        unjust = np.float32(np.float64(flag_count(counts, i, 1)) / d)
        in_debt = np.float32(np.float64(flag_count(counts, i, 2)) / d)
        _move(
            i, zero if alone else sanctioned, zero if alone else unjust,
            zero if alone else in_debt, flags, perks, predisposition, order, transparency,
            benefit_weight, injustice_weight, rate, support,
        )  # fmt: skip


@njit(cache=True, inline="always")
def _move(
    i, contacts_sanctioned, contacts_unjust, contacts_in_debt, flags, perks, predisposition,
    order, transparency, benefit_weight, injustice_weight, rate, support,
) -> None:  # fmt: skip
    # Citizen i's step toward its target, from the shares of its active contacts sanctioned,
    # unjustly sanctioned and in debt: the rule's float32 arithmetic, in its order.
    own = flags[i]
    own_sanctioned = np.float32(own & SANCTIONED)
    own_unjust = np.float32((own & UNJUST) >> 1)
    benefit = np.float32(perks[i]) - order * contacts_in_debt
    injustice = own_sanctioned + own_unjust + contacts_sanctioned
    injustice = injustice + transparency * contacts_unjust
    target = predisposition[i] + benefit_weight * benefit
    target = target - injustice_weight * injustice
    support[i] += rate * (target - support[i])
