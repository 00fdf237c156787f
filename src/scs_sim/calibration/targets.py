"""Calibration targets: published magnitudes of the court blacklist, and the model's moments.

One step is one week. Step 0 is early 2017 (6.73M listed, Feb 2017) and step
``YEAR * 2 = 104`` is early 2019, about the end of 2018 (~13M listed). Each target
names the published figure it comes from and exactly which simulated quantity is
compared with it:

- ``listed_share_end``: ``blacklisted_share`` at step 104 (the list as a share of
  the population; 0.5% at step 0 is set by ``initial_listed_share``, not fitted);
- ``flight_rail_ratio``: cumulative ``flights_blocked / rail_blocked`` over the
  whole run (blocked purchase attempts, like the SPC's figures);
- ``pressure_repayment_ratio``: repayments by listed debtors during the last 52
  steps (simulated 2018; counter ``repaid_under_pressure``), divided by the number
  listed at step 104 (3.51M paid "due to pressure" in 2018 against ~13M listed at
  the end of 2018).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scs_sim.model import SocialCreditModel
from scs_sim.scenario import Scenario

YEAR = 52
"""Steps in a simulated year (one step is one week)."""


@dataclass(frozen=True)
class Target:
    """A published magnitude and the simulated moment compared with it."""

    name: str
    value: float
    tolerance: float
    """Half-width of the accepted band: |simulated - value| <= tolerance passes."""
    figure: str
    """The published figure, as reported."""
    source: str
    moment: str
    """What is simulated and compared, precisely."""


TARGETS: tuple[Target, ...] = (
    Target(
        "listed_share_end",
        0.010,
        0.0015,
        "6.73M (Feb 2017) -> ~13M (end 2018) -> 14.5M (Jul 2019) of 1.4 bn: ~0.5% -> ~1%",
        "China Daily; Xinhua; SPC white paper; Shanghai Daily",
        "blacklisted_share at step 104 (starts at 0.5% via initial_listed_share)",
    ),
    Target(
        "flight_rail_ratio",
        17.5 / 5.47,
        0.6,
        "17.5M flight vs 5.47M high-speed-rail purchases blocked by end 2018 (3.2:1)",
        "Supreme People's Court (SPC)",
        "flights_blocked / rail_blocked, cumulative over steps 1-104",
    ),
    Target(
        "pressure_repayment_ratio",
        3.51 / 13.0,
        0.05,
        "3.51M people paid their debts 'due to pressure' of the list in 2018; ~13M listed",
        "National Public Credit Information Center report (2018); SPC",
        "repaid_under_pressure during steps 53-104 / citizens listed at step 104",
    ),
)
"""The calibration targets, in a fixed order."""

TARGET_BY_NAME: dict[str, Target] = {t.name: t for t in TARGETS}


@dataclass(frozen=True)
class OutOfSample:
    """A published list size the fit did not see, checked against the listed share at a step.

    The step follows the calibration's own calendar: step 104 is the end of 2018, so the
    end of year ``Y`` is step ``52 * (Y - 2016)`` and mid-July 2019 is step 104 + 28.
    """

    name: str
    step: int
    value: float
    tolerance: float
    figure: str
    source: str


POPULATION = 1.4e9
"""China's population used to turn published list sizes into shares."""

OUT_OF_SAMPLE: tuple[OutOfSample, ...] = (
    OutOfSample(
        "listed_share_end_2017",
        YEAR,
        9.59e6 / POPULATION,
        0.0015,
        "9.59M on the court blacklist at the end of 2017",
        "Xinhua",
    ),
    OutOfSample(
        "listed_share_jul_2019",
        2 * YEAR + 28,
        14.5e6 / POPULATION,
        0.0015,
        "14.5M on the court blacklist in July 2019",
        "Shanghai Daily",
    ),
)
"""Out-of-sample checks: list sizes between and after the fitted ones (same tolerance)."""

HORIZON = max(2 * YEAR, *(c.step for c in OUT_OF_SAMPLE))
"""Steps a validation run needs to reach every target and out-of-sample check."""


def simulate(
    params: Scenario, seed: int, horizon: int = 2 * YEAR
) -> tuple[dict[str, float], np.ndarray]:
    """Run ``params`` for two simulated years with ``seed``; moments and the listed share.

    Args:
        params: The scenario (its ``steps`` is ignored: the targets need 104 steps).
        seed: Seed of the model's generator.
        horizon: Steps to run in all (at least 104); the moments are read at step 104
            and the run goes on to ``horizon`` for the out-of-sample checks
            (:data:`HORIZON` reaches them all).

    Returns:
        Each target's simulated moment by name, plus ``listed_share_start`` and
        ``wrongful_listing_share`` (reported, not fitted); and ``blacklisted_share``
        at every step 0..horizon.
    """
    model = SocialCreditModel(params, rng=seed, agent_views=False)
    start_share = model.metrics["blacklisted_share"]
    model.run(YEAR)
    repaid_year1 = model.counters["repaid_under_pressure"]
    model.run(YEAR)
    listed = int(model.population.state.listed.sum())
    counters = model.counters
    moments = {
        "listed_share_start": float(start_share),
        "listed_share_end": listed / model.population.n,
        "flight_rail_ratio": counters["flights_blocked"] / max(1, counters["rail_blocked"]),
        "pressure_repayment_ratio": (counters["repaid_under_pressure"] - repaid_year1)
        / max(1, listed),
        "wrongful_listing_share": counters["wrongful_listings"] / max(1, counters["listings"]),
    }
    model.run(max(0, horizon - 2 * YEAR))
    return moments, model.series()["blacklisted_share"].to_numpy(dtype=float)


def simulate_moments(params: Scenario, seed: int) -> dict[str, float]:
    """The target moments of one run (see :func:`simulate`)."""
    return simulate(params, seed)[0]


def within_tolerance(moments: dict[str, float]) -> dict[str, bool]:
    """Whether each target's moment lies inside its tolerance band."""
    return {t.name: abs(moments[t.name] - t.value) <= t.tolerance for t in TARGETS}


def distance(moments: dict[str, float]) -> float:
    """Sum of squared errors, each in units of its target's tolerance (1 = at the edge)."""
    return float(sum(((moments[t.name] - t.value) / t.tolerance) ** 2 for t in TARGETS))
