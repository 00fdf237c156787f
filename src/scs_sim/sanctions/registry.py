"""The sanction-path registry: named ways of restricting citizens.

Each path returns the restriction bits it imposes and the bits the citizen's own
conduct would have earned; the sanctions mechanism ORs all enabled paths
(:func:`scs_sim.rules.sanctions.impose`, kernel :func:`scs_sim.kernels.sanctions.impose`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.scenario import Scenario


class Restrictions(NamedTuple):
    """Restriction bits per citizen, and the part of them its own conduct justifies."""

    imposed: np.ndarray
    justified: np.ndarray


class SanctionPath(NamedTuple):
    """A named way of sanctioning citizens."""

    enabled: Callable[[Scenario], bool]
    apply: Callable[[Context, int], Restrictions]


SANCTION_PATHS: dict[str, SanctionPath] = {}
"""Registered paths by name, in registration order (the order they are combined in)."""


def register_sanction(name: str, enabled: Callable[[Scenario], bool]) -> Callable:
    """Register a sanction path; ``enabled(params)`` says whether a scenario uses it."""

    def wrap(apply: Callable[[Context, int], Restrictions]) -> Callable:
        SANCTION_PATHS[name] = SanctionPath(enabled, apply)
        return apply

    return wrap
