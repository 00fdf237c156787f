"""Docking with Epstein's civil violence model: deterrence by expected sanction.

In Epstein (2002) an agent rebels when grievance minus net risk exceeds a
threshold, net risk being risk aversion times the estimated arrest probability
times the jail term: the share of active rebels falls as the expected sanction
(probability x severity) rises. This module reduces scs_sim to that one mechanism:

- a ring lattice (small world with ``rewiring = 0``), no tie cutting;
- a score fed only by surveillance of online posts (``weight_online = 1``, every
  other weight 0), published (``opacity = 0``) and not learned (``learning_rate = 0``),
  so every citizen's perceived arrest probability is the true ``surveillance``;
- no sanction paths, no violations, no record errors, no performative donations,
  so no fear from contacts and nothing else moves the score.

A citizen who wants to post a critical post then holds back with probability
``1 - exp(-chill_sensitivity * risk_aversion * E)``, where the expected sanction
``E = surveillance * post_penalty(record_memory)`` (100 score points per observed
post times the probability of being observed). The share of active dissent
(posts voiced / posts wanted, ``1 - self_censorship_rate``) should fall with E, and
two sweeps, one of the probability (``surveillance``) and one of the severity
(``record_memory``), should fall on the same curve, which is the closed form
``E_RA[exp(-k RA E)]`` with ``RA ~ Beta(2, 2)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate
from scipy.stats import beta

from scs_sim.rules.expression import post_penalty
from scs_sim.scenario import Scenario
from scs_sim.scoring import MIN_SPREAD
from scs_sim.validation.runs import Arm

REDUCTION: tuple[tuple[str, object], ...] = (
    ("network", "small_world"),
    ("rewiring", 0.0),
    ("mean_degree", 8),
    ("scoring", True),
    ("weight_online", 1.0),
    ("weight_donations", 0.0),
    ("weight_ties", 0.0),
    ("weight_credit", 0.0),
    ("opacity", 0.0),
    ("learning_rate", 0.0),
    ("fear_rate", 0.0),
    ("points_per_sd", 30.0),
    ("threshold_sanctions", False),
    ("blacklist", False),
    ("violation_rate", 0.0),
    ("record_error_rate", 0.0),
    ("performative_propensity", 0.0),
    ("tie_review_rate", 0.0),
    ("chill_sensitivity", 4.0),
)
"""The documented reduction: scenario fields set on top of the baseline."""

SEVERITY_FIXED_MEMORY = 0.95
PROBABILITY_FIXED = 0.5
SURVEILLANCE_LEVELS = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
MEMORY_LEVELS = (0.99, 0.98, 0.97, 0.95, 0.93, 0.9)
STEPS = 26


@dataclass(frozen=True)
class DockingPoint:
    """One setting of the sweep."""

    sweep: str
    """'probability' (surveillance varies) or 'severity' (record_memory varies)."""
    surveillance: float
    record_memory: float

    @property
    def expected_sanction(self) -> float:
        """Probability of being observed times the score cost of an observed post (100 pts)."""
        online_scale = Scenario.model_fields["online_scale"].default
        per_unit = dict(REDUCTION)["points_per_sd"] / MIN_SPREAD  # every launch score alike
        return self.surveillance * post_penalty(self.record_memory, online_scale, per_unit)

    def arm(self) -> Arm:
        """The reduced scenario at this point."""
        overrides = (*REDUCTION, ("surveillance", self.surveillance))
        overrides += (("record_memory", self.record_memory),)
        return Arm(f"{self.sweep} E={self.expected_sanction:.3f}", "baseline", overrides)


def points() -> list[DockingPoint]:
    """The probability sweep, then the severity sweep."""
    probability = [
        DockingPoint("probability", s, SEVERITY_FIXED_MEMORY) for s in SURVEILLANCE_LEVELS
    ]
    severity = [DockingPoint("severity", PROBABILITY_FIXED, m) for m in MEMORY_LEVELS]
    return probability + severity


def closed_form_active_share(expected_sanction: float, chill_sensitivity: float = 4.0) -> float:
    """Share of wanted critical posts voiced, E[exp(-k RA E)] with RA ~ Beta(2, 2)."""
    k = chill_sensitivity * expected_sanction
    value, _ = integrate.quad(lambda r: np.exp(-k * r) * beta.pdf(r, 2.0, 2.0), 0.0, 1.0)
    return float(value)


def is_decreasing(values: np.ndarray, tolerance: float = 0.0) -> bool:
    """Whether ``values`` never rise by more than ``tolerance`` from one point to the next."""
    return bool(np.all(np.diff(values) <= tolerance))
