"""How well the published figures pin the fitted values down: a one-at-a-time profile.

Each *direction* scales one or more scenario fields by a common factor, the others held
at their fitted values, and reruns the targets on fixed seeds (common random numbers).
A factor is *accepted* when the moments averaged over the seeds stay within every
target's tolerance. The accepted factors of a direction are its uncertainty band: a
narrow band means the targets constrain that value, a band as wide as the whole grid
means they do not.

The ``ticket_demand_level`` direction scales ``flight_demand`` and ``rail_demand``
together: the only ticket target is their blocked ratio, so the level of demand is not
constrained by any published figure (``rail_demand`` is a fixed assumption and
``flight_demand`` is fitted only relative to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from scs_sim.calibration.targets import TARGETS, simulate_moments, within_tolerance
from scs_sim.scenario import Scenario

FACTORS: tuple[float, ...] = (0.5, 0.71, 0.84, 1.0, 1.19, 1.41, 2.0)
"""Multipliers of the fitted value (a log-spaced grid from half to double)."""

DIRECTIONS: dict[str, tuple[str, ...]] = {
    "violation_rate": ("violation_rate",),
    "repayment_rate": ("repayment_rate",),
    "flight_demand": ("flight_demand",),
    "ticket_demand_level": ("flight_demand", "rail_demand"),
}
"""Profile directions: a name and the fields it scales together."""


@dataclass(frozen=True)
class ProfilePoint:
    """The targets' moments (mean over seeds) with one direction scaled by ``factor``."""

    direction: str
    factor: float
    moments: dict[str, float]

    @property
    def accepted(self) -> bool:
        """Whether every target stays within its tolerance."""
        return all(within_tolerance(self.moments).values())


def _job(job: tuple[dict[str, Any], int]) -> dict[str, float]:
    data, seed = job
    return simulate_moments(Scenario.model_validate(data), seed)


def profile(
    params: Scenario, seeds: Sequence[int], executor: Executor | None = None, desc: str = ""
) -> list[ProfilePoint]:
    """Scale each direction by each factor and average the moments over ``seeds``.

    Args:
        params: The calibrated scenario (at the population size to profile at).
        seeds: Seeds of every point (the same for all: common random numbers).
        executor: Optional ``concurrent.futures`` executor for the runs.
        desc: With a label, a progress bar on stderr.

    Returns:
        One point per (direction, factor), in the order of DIRECTIONS and FACTORS.
    """
    cases = []
    for direction, names in DIRECTIONS.items():
        for factor in FACTORS:
            update = {name: getattr(params, name) * factor for name in names}
            cases.append((direction, factor, params.model_copy(update=update).model_dump()))
    jobs = [(data, int(s)) for _, _, data in cases for s in seeds]
    results = executor.map(_job, jobs) if executor else map(_job, jobs)
    if desc:
        import sys

        from tqdm import tqdm

        results = tqdm(results, total=len(jobs), desc=desc, unit="run", file=sys.stderr, delay=1)
    results = list(results)
    points = []
    for k, (direction, factor, _) in enumerate(cases):
        runs = results[k * len(seeds) : (k + 1) * len(seeds)]
        mean = {t.name: float(np.mean([r[t.name] for r in runs])) for t in TARGETS}
        points.append(ProfilePoint(direction, factor, mean))
    return points


def accepted_band(points: Sequence[ProfilePoint], direction: str) -> tuple[float, float] | None:
    """The smallest and largest accepted factor of ``direction`` (None if none is accepted)."""
    factors = [p.factor for p in points if p.direction == direction and p.accepted]
    return (min(factors), max(factors)) if factors else None


def unconstrained(points: Sequence[ProfilePoint], direction: str) -> bool:
    """Whether every factor of the grid is accepted: the targets do not pin this value."""
    return accepted_band(points, direction) == (min(FACTORS), max(FACTORS))
