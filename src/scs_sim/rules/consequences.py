"""What sanctions cost: strain and blocked tickets, in numpy (kernel: kernels.consequences)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.population import FLIGHT, RAIL, RENTAL, TRAVEL, VISA
from scs_sim.rules import F, draws

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.scenario import Scenario


STRAIN_FLOOR = -0.5
"""Lowest strain: perks give slack, but repayment divides by 1 + strain."""


def restriction_cost_table(params: Scenario) -> np.ndarray:
    """What each of the 256 possible restriction bytes costs a step, float32 (before perks).

    ``cost = 0 + cost_travel * travel + cost_visa * visa + cost_rental * rental`` (float32,
    in that order): the same numbers as summing per citizen.
    """
    every = np.arange(256, dtype=np.uint8)
    table = np.zeros(256, F)
    for bits, price in (
        (TRAVEL, params.cost_travel),
        (VISA, params.cost_visa),
        (RENTAL, params.cost_rental),
    ):
        table += F(price) * ((every & bits) != 0)
    return table


def restriction_cost(restricted: np.ndarray, params: Scenario) -> np.ndarray:
    """Income strain each citizen's restrictions cost a step, float32 (before perk relief).

    Looked up in :func:`restriction_cost_table` by each citizen's restriction byte.
    """
    return np.take(restriction_cost_table(params), restricted)


def bear_costs(ctx: Context, step: int) -> None:
    """Strain from this step's restrictions, and ticket purchases they block.

    ``cost = cost_travel [travel ban] + cost_visa [visa] + cost_rental [rental] -
    perk_relief [perks]``; ``strain = max(-0.5, strain_memory * strain + (1 -
    strain_memory) * cost / income)``. A flight is wanted if
    ``u < flight_demand * min(income, 3)`` (travel lane 0), a train if ``u < rail_demand``
    (lane 1); counts ``flights_blocked`` and ``rail_blocked`` under the matching ban.
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    cost = restriction_cost(s.restricted, p) - F(p.perk_relief) * s.perks
    keep = p.strain_memory
    strain = s.strain * F(keep) + F(1.0 - keep) * cost / tr.income
    s.strain[:] = np.maximum(F(STRAIN_FLOOR), strain)
    wants_flight = draws(ctx, "travel", step, 0) < F(p.flight_demand) * np.minimum(tr.income, F(3))
    ctx.counters["flights_blocked"] += int((wants_flight & ((s.restricted & FLIGHT) != 0)).sum())
    wants_rail = draws(ctx, "travel", step, 1) < F(p.rail_demand)
    ctx.counters["rail_blocked"] += int((wants_rail & ((s.restricted & RAIL) != 0)).sum())
