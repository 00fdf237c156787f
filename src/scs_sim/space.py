"""A Mesa network space of the current ties, for Mesa's own portrayals and drawers.

The simulation never uses it: ties live in the CSR matrix. It is built on demand
for populations with agent views, with fixed positions (computed once), because
Mesa's drawers otherwise run a spring layout, seconds per redraw at 1,000 nodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import Network

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel


def ring_positions(n: int) -> dict[int, tuple[float, float]]:
    """Citizens on a circle in id order: cheap, stable, and readable for ring-like networks."""
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    return {
        i: (float(x), float(y))
        for i, (x, y) in enumerate(zip(np.cos(angle), np.sin(angle), strict=True))
    }


def network_space(
    model: SocialCreditModel, positions: Mapping[int, tuple[float, float]] | None = None
) -> Network:
    """A Mesa ``Network`` of the active ties, with each :class:`Citizen` placed in its cell.

    Args:
        model: A model with agent views.
        positions: Node positions; default citizens on a circle.

    Raises:
        ValueError: if the model has no agent views (too many citizens).
    """
    if not model.agent_views:
        raise ValueError(
            "a Mesa network space needs agent views (at most AGENT_VIEW_LIMIT citizens)"
        )
    graph = model.to_networkx()
    space = Network(
        graph, layout=positions or ring_positions(model.population.n), random=model.random
    )
    for citizen in model.agents:
        citizen.cell = space[citizen.index]
    return space
