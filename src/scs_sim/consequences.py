"""What sanctions cost: income strain, and blocked ticket purchases.

Strain is an exponential average of the cost of a citizen's restrictions,
relative to its income, so the same ban weighs more on a low income. Strain feeds
back into new violations and slower repayment (see behaviour/violations.py).
Blocked purchases count attempts, not people, like the published ticket figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.parallel import citizen_kernel
from scs_sim.population import FLIGHT, RAIL, RENTAL, TRAVEL, VISA
from scs_sim.streams import uniform

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

STRAIN_MEMORY = 0.9


def bear_costs(model: SocialCreditModel, step: int) -> None:
    """Update strain from this step's restrictions and count blocked ticket purchases.

    Draws: travel lane 0 (a flight wanted) and lane 1 (a train), per banned citizen.
    """
    params, traits, state = model.params, model.population.traits, model.population.state
    prices = np.array([params.cost_travel, params.cost_visa, params.cost_rental], np.float32)
    flights, trains = _bear_costs(
        state.restricted, traits.income, prices,
        np.float32(STRAIN_MEMORY), np.float32(1.0 - STRAIN_MEMORY),
        np.float32(params.flight_demand), np.float32(params.rail_demand),
        model.streams.key("travel", step, 0), model.streams.key("travel", step, 1), state.strain,
    )  # fmt: skip
    model.counters["flights_blocked"] += flights
    model.counters["rail_blocked"] += trains


@citizen_kernel("strain")
def _bear_costs(
    restricted,
    income,
    prices,
    memory,
    fresh,
    flight_demand,
    rail_demand,
    flight_key,
    rail_key,
    strain,
) -> tuple[int, int]:
    flights = trains = 0
    kinds = (TRAVEL, VISA, RENTAL)
    for i in prange(len(strain)):
        r = restricted[i]
        cost = np.float32(0.0)
        for k in range(3):
            if prices[k] > 0 and (r & kinds[k]) != 0:
                cost += prices[k]
        strain[i] = strain[i] * memory + fresh * cost / income[i]
        demand = flight_demand * min(income[i], np.float32(3.0))
        if r & FLIGHT and uniform(flight_key, i) < demand:
            flights += 1
        if r & RAIL and uniform(rail_key, i) < rail_demand:
            trains += 1
    return flights, trains
