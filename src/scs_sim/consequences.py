"""What sanctions cost: income strain, and blocked ticket purchases.

Strain is an exponential average of the cost of a citizen's restrictions,
relative to its income, so the same ban weighs more on a low income. Strain feeds
back into new violations and slower repayment (see behaviour/violations.py).
Blocked purchases count attempts, not people, like the published ticket figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.population import FLIGHT, RAIL, RENTAL, TRAVEL, VISA

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

STRAIN_MEMORY = 0.9


def bear_costs(model: SocialCreditModel, step: int) -> None:
    """Update strain from this step's restrictions and count blocked ticket purchases."""
    params, traits, state = model.params, model.population.traits, model.population.state
    restricted = state.restricted
    cost = np.zeros(model.population.n, dtype=np.float32)
    for bits, price in (
        (TRAVEL, params.cost_travel),
        (VISA, params.cost_visa),
        (RENTAL, params.cost_rental),
    ):
        if price > 0:
            cost += np.float32(price) * ((restricted & bits) != 0)
    state.strain *= np.float32(STRAIN_MEMORY)
    state.strain += np.float32(1.0 - STRAIN_MEMORY) * cost / traits.income
    banned = np.flatnonzero(restricted & TRAVEL)
    if len(banned) == 0:
        return
    gen = model.streams.generator("travel", step)
    tries = gen.random((2, len(banned)), dtype=np.float32)
    income = np.minimum(traits.income[banned], np.float32(3.0))
    wants_flight = tries[0] < np.float32(params.flight_demand) * income
    wants_rail = tries[1] < np.float32(params.rail_demand)
    model.counters["flights_blocked"] += int(
        (wants_flight & ((restricted[banned] & FLIGHT) != 0)).sum()
    )
    model.counters["rail_blocked"] += int((wants_rail & ((restricted[banned] & RAIL) != 0)).sum())
