"""Sanction paths, registered by name: score thresholds and the blacklist.

Each path returns the restriction bits it imposes and the bits the citizen's own
conduct would have earned; the model ORs all enabled paths together. A scenario
can use either path or both (``threshold_sanctions``, ``blacklist``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel
    from scs_sim.scenario import Scenario


class Restrictions(NamedTuple):
    """Restriction bits per citizen, and the part of them its own conduct justifies."""

    imposed: np.ndarray
    justified: np.ndarray


class SanctionPath(NamedTuple):
    """A named way of sanctioning citizens."""

    enabled: Callable[[Scenario], bool]
    apply: Callable[[SocialCreditModel, int], Restrictions]


SANCTION_PATHS: dict[str, SanctionPath] = {}


def register_sanction(name: str, enabled: Callable[[Scenario], bool]) -> Callable:
    """Register a sanction path; ``enabled(params)`` says whether a scenario uses it."""

    def wrap(apply: Callable[[SocialCreditModel, int], Restrictions]) -> Callable:
        SANCTION_PATHS[name] = SanctionPath(enabled, apply)
        return apply

    return wrap


def impose(model: SocialCreditModel, step: int) -> None:
    """Run every enabled sanction path and record the combined restrictions."""
    state = model.population.state
    state.restricted.fill(0)
    state.justified.fill(0)
    for path in SANCTION_PATHS.values():
        if path.enabled(model.params):
            result = path.apply(model, step)
            state.restricted |= result.imposed
            state.justified |= result.justified
    # A low own-conduct score justifies nothing when friends lifted the real score above it.
    state.justified &= state.restricted


from scs_sim.sanctions import blacklist, thresholds  # noqa: E402,F401  (registration)
