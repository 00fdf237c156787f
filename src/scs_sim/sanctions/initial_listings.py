"""An initial blacklist: start a run with a share of citizens already listed.

The real court list did not start empty in 2017: about 0.5% of the population was
on it (6.73M of 1.4 bn in Feb 2017). A run that starts from an empty list spends
its first year filling it, so ``initial_listed_share`` puts that share on the
list at step 0, part-way through their terms, as if the list had been running.

Who is listed is drawn in proportion to violation proneness (the people whose
debts the list holds), without replacement, from the ``initial_listings`` stream,
so the same seed lists the same citizens in every scenario. Each listed citizen
has an unpaid true debt, a listing with a remaining term uniform on
1..``blacklist_term``, a bad record as old as the listing implies, and credit
records decayed accordingly. Nothing else changes: with the default share 0 this
module is never called and runs are identical to runs without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scs_sim.context import Context

INT16_MAX = np.iinfo(np.int16).max


def seed_initial_listings(model: Context) -> np.ndarray:
    """List ``initial_listed_share`` of citizens at step 0; return their indices.

    Args:
        model: A model whose population was just created (before the first step).

    Returns:
        The indices of the citizens put on the list, sorted.
    """
    params, traits, state = model.params, model.population.traits, model.population.state
    n = model.population.n
    k = round(params.initial_listed_share * n)
    if k == 0 or not params.blacklist:
        return np.empty(0, dtype=np.int64)
    gen = model.streams.generator("initial_listings")
    # Efraimidis-Spirakis weighted sampling without replacement: O(n), unlike choice(p=...).
    keys = np.log(gen.random(n)) / traits.violation_proneness.astype(np.float64)
    chosen = np.sort(np.argpartition(-keys, k - 1)[:k])
    term = params.blacklist_term
    left = gen.integers(1, term + 1, k)
    age = np.minimum(params.listing_delay + (term - left), INT16_MAX)
    state.debt[chosen] = True
    state.listed[chosen] = True
    state.listing_left[chosen] = left.astype(np.int16)
    state.record_age[chosen] = age.astype(np.int16)
    # A record with exponential memory that has held a bad mark for `age` steps.
    decayed = np.power(np.float32(params.record_memory), age).astype(np.float32)
    state.credit_record[chosen] = decayed
    state.true_credit_record[chosen] = decayed
    return chosen
