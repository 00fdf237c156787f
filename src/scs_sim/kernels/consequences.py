"""What sanctions cost: income strain, and blocked ticket purchases.

Strain is an exponential average of the cost of a citizen's restrictions,
relative to its income, so the same ban weighs more on a low income. Strain feeds
back into new violations and slower repayment (see behaviour/violations.py).
Blocked purchases count attempts, not people, like the published ticket figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from scs_sim.kernels.draws import uniform
from scs_sim.kernels.parallel import block_bounds, block_count, citizen_kernel
from scs_sim.population import FLIGHT, RAIL, RENTAL, TRAVEL, VISA
from scs_sim.rules.consequences import STRAIN_FLOOR

if TYPE_CHECKING:
    from scs_sim.context import Context


def bear_costs(model: Context, step: int) -> None:
    """Update strain from this step's restrictions and count blocked ticket purchases.

    Draws: travel lane 0 (a flight wanted) and lane 1 (a train), per banned citizen.
    """
    params, traits, state = model.params, model.population.traits, model.population.state
    prices = np.array(
        [params.cost_travel, params.cost_visa, params.cost_rental, params.perk_relief], np.float32
    )
    flights, trains = _bear_costs(
        restricted=state.restricted,
        perks=state.perks,
        income=traits.income,
        prices=prices,
        memory=np.float32(params.strain_memory),
        fresh=np.float32(1.0 - params.strain_memory),
        flight_demand=np.float32(params.flight_demand),
        rail_demand=np.float32(params.rail_demand),
        flight_key=model.streams.key("travel", step, 0),
        rail_key=model.streams.key("travel", step, 1),
        strain=state.strain,
    )
    model.counters["flights_blocked"] += flights
    model.counters["rail_blocked"] += trains


@citizen_kernel("strain")
def _bear_costs(
    restricted,
    perks,
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
    n = len(strain)
    counts = np.zeros((block_count(n), 2), dtype=np.int64)
    for b in prange(block_count(n)):
        lo, hi = block_bounds(b, n)
        _strain(
            restricted[lo:hi], perks[lo:hi], income[lo:hi], prices, memory, fresh, strain[lo:hi]
        )
        counts[b] = _blocked_tickets(
            lo, restricted[lo:hi], income[lo:hi], flight_demand, rail_demand, flight_key, rail_key
        )
    return counts[:, 0].sum(), counts[:, 1].sum()


@njit(cache=True, error_model="numpy")
def _strain(restricted, perks, income, prices, memory, fresh, strain) -> None:
    # A block's citizens as views, with no branch (a price not paid adds 0, and prices
    # are never negative) and numpy's error model (no zero-division check; incomes are
    # positive): the loop vectorises.
    zero = np.float32(0.0)
    travel, visa, rental, relief = prices[0], prices[1], prices[2], prices[3]
    floor = np.float32(STRAIN_FLOOR)
    for x in range(len(strain)):
        r = restricted[x]
        cost = np.float32(0.0)
        cost += travel if r & TRAVEL else zero
        cost += visa if r & VISA else zero
        cost += rental if r & RENTAL else zero
        cost -= relief if perks[x] else zero
        strain[x] = max(floor, strain[x] * memory + fresh * cost / income[x])


@njit(cache=True)
def _blocked_tickets(first, restricted, income, flight_demand, rail_demand, flight_key, rail_key):
    # Draws only for citizens under a travel ban: few, so a branch beats drawing for all.
    flights = trains = 0
    for x in range(len(restricted)):
        r = restricted[x]
        if r & TRAVEL:
            i = first + x
            demand = flight_demand * min(income[x], np.float32(3.0))
            flights += (r & FLIGHT) != 0 and uniform(flight_key, i) < demand
            trains += (r & RAIL) != 0 and uniform(rail_key, i) < rail_demand
    return flights, trains
