"""Morris elementary-effects screening of the main parameters (SALib).

Each trajectory moves one parameter at a time across a grid of its range; the
mean absolute elementary effect ``mu_star`` ranks how much a parameter moves an
output, and ``sigma`` how much that effect depends on the other parameters
(interactions, non-linearity). Within one seed all runs share the draw (common random
numbers), so the effects are those of the parameters; the whole design is repeated on
several seeds (:data:`RUN_SEEDS`) and the indices averaged, with their range across
seeds, so a ranking that depends on one draw shows. The scored society of
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
    "chill_sensitivity": (0.3, 2.4),
    "weight_ties": (0.0, 0.4),
    "performative_propensity": (0.1, 0.5),
    "tie_cut_propensity": (0.1, 0.9),
    "violation_rate": (0.0001, 0.0005),
    "strain_sensitivity": (0.0, 10.0),
    "record_error_rate": (0.0, 0.0003),
    "learning_rate": (0.01, 0.2),
    "fear_rate": (0.01, 0.2),
    "fear_weight": (0.0, 13.0),
    "full_benefit": (60.0, 240.0),
    "full_belief": (0.1, 0.6),
    "background_learning": (0.0, 0.5),
    "capacity_share": (0.0, 0.8),
    "donation_scale": (2.0, 8.0),
    "online_scale": (2.5, 10.0),
    "points_per_sd": (60.0, 150.0),
    "strain_memory": (0.5, 0.95),
    "stake_range": (30.0, 300.0),
    "perk_relief": (0.0, 0.2),
    "listing_stigma": (0.0, 0.6),
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
RUN_SEEDS = (1, 2, 3)
"""Seeds on which the whole design runs; indices are averaged over them."""


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


Table = dict[str, dict[str, float]]
"""Output name -> parameter name -> value."""


@dataclass(frozen=True)
class Screening:
    """Morris indices per (output, parameter), averaged over the seeds of the design.

    ``relative`` is mu_star divided by the largest mu_star of that output (1 = most
    influential); ``mu_star_low``/``mu_star_high`` are the smallest and largest mu_star over
    seeds; ``top_by_seed`` names each seed's most influential parameter per output.
    """

    mu_star: Table
    sigma: Table
    relative: Table
    mu_star_low: Table
    mu_star_high: Table
    top_by_seed: dict[str, list[str]]

    def stable_top(self, output: str) -> bool:
        """Whether every seed ranks the same parameter first for ``output``."""
        return len(set(self.top_by_seed[output])) == 1


def _indices(sample: np.ndarray, outputs: list[dict[str, float]], name: str) -> tuple:
    y = np.array([o[name] for o in outputs])
    result = morris_analyze.analyze(problem(), sample, y, num_levels=LEVELS, seed=SAMPLE_SEED)
    return np.asarray(result["mu_star"], dtype=float), np.asarray(result["sigma"], dtype=float)


def analyse(sample: np.ndarray, outputs_by_seed: list[list[dict[str, float]]]) -> Screening:
    """Morris indices for every output, per seed, then averaged over seeds.

    Args:
        sample: The design (:func:`design`).
        outputs_by_seed: For each seed, the run summaries in the order of ``sample``.
    """
    names = list(PARAMETERS)
    tables: dict[str, Table] = {k: {} for k in ("mu", "sigma", "rel", "low", "high")}
    top_by_seed: dict[str, list[str]] = {}
    for name in OUTPUTS:
        per_seed = [_indices(sample, outputs, name) for outputs in outputs_by_seed]
        mu = np.array([m for m, _ in per_seed])
        sigma = np.array([s for _, s in per_seed])
        mean = mu.mean(axis=0)
        top = mean.max() or 1.0
        for key, values in (
            ("mu", mean),
            ("sigma", sigma.mean(axis=0)),
            ("rel", mean / top),
            ("low", mu.min(axis=0)),
            ("high", mu.max(axis=0)),
        ):
            tables[key][name] = dict(zip(names, map(float, values), strict=True))
        top_by_seed[name] = [names[int(np.argmax(row))] for row in mu]
    return Screening(
        tables["mu"], tables["sigma"], tables["rel"], tables["low"], tables["high"], top_by_seed
    )
