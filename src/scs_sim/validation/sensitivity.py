"""Morris elementary-effects screening of the main parameters (SALib).

Each trajectory moves one parameter at a time across a grid of its range; the
mean absolute elementary effect ``mu_star`` ranks how much a parameter moves an
output, and ``sigma`` how much that effect depends on the other parameters
(interactions, non-linearity). All runs use one seed (common random numbers), so
the effects are those of the parameters, not of the draw. The scored society of
:mod:`scs_sim.validation.facts` is the base; outputs are the metrics behind the
stylised facts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from scs_sim.validation.facts import BASE
from scs_sim.validation.runs import Arm

PARAMETERS: dict[str, tuple[float, float]] = {
    "surveillance": (0.05, 0.9),
    "opacity": (0.0, 2.0),
    "chill_sensitivity": (1.0, 8.0),
    "weight_ties": (0.0, 0.4),
    "performative_propensity": (0.1, 0.5),
    "tie_cut_propensity": (0.1, 0.9),
    "violation_rate": (0.0001, 0.0005),
    "strain_sensitivity": (0.0, 10.0),
    "record_error_rate": (0.0, 0.0003),
    "learning_rate": (0.01, 0.2),
}
"""Screened parameters and their ranges (the plausible span of each assumption)."""

OUTPUTS: tuple[str, ...] = (
    "self_censorship_rate",
    "performative_donation_rate",
    "false_positive_share",
    "score_assortativity",
    "mean_active_degree",
    "income_gap",
)
"""Outputs screened: the metrics the stylised facts are about."""

TRAJECTORIES = 5
LEVELS = 4
SAMPLE_SEED = 7
RUN_SEED = 1


def problem() -> dict:
    """The SALib problem definition."""
    return {
        "num_vars": len(PARAMETERS),
        "names": list(PARAMETERS),
        "bounds": [list(b) for b in PARAMETERS.values()],
    }


def design() -> np.ndarray:
    """The Morris sample: ``TRAJECTORIES * (k + 1)`` parameter vectors (deterministic)."""
    return morris_sample.sample(problem(), TRAJECTORIES, num_levels=LEVELS, seed=SAMPLE_SEED)


def arms(sample: np.ndarray) -> list[Arm]:
    """One scored-society arm per sample row."""
    names = list(PARAMETERS)
    out = []
    for i, row in enumerate(sample):
        values = tuple((name, float(v)) for name, v in zip(names, row, strict=True))
        out.append(Arm(f"morris {i}", BASE.scenario, BASE.overrides + values, BASE.drop_events))
    return out


@dataclass(frozen=True)
class Screening:
    """mu_star and sigma per (output, parameter), plus mu_star scaled by the output's range."""

    mu_star: dict[str, dict[str, float]]
    sigma: dict[str, dict[str, float]]
    relative: dict[str, dict[str, float]]
    """mu_star divided by the largest mu_star of that output (1 = most influential)."""


def analyse(sample: np.ndarray, outputs: list[dict[str, float]]) -> Screening:
    """Morris indices for every output."""
    mu_star: dict[str, dict[str, float]] = {}
    sigma: dict[str, dict[str, float]] = {}
    relative: dict[str, dict[str, float]] = {}
    for name in OUTPUTS:
        y = np.array([o[name] for o in outputs])
        result = morris_analyze.analyze(problem(), sample, y, num_levels=LEVELS, seed=SAMPLE_SEED)
        mu_star[name] = dict(zip(PARAMETERS, map(float, result["mu_star"]), strict=True))
        sigma[name] = dict(zip(PARAMETERS, map(float, result["sigma"]), strict=True))
        top = max(mu_star[name].values()) or 1.0
        relative[name] = {p: v / top for p, v in mu_star[name].items()}
    return Screening(mu_star, sigma, relative)
