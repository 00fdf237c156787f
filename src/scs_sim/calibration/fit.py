"""Method of simulated moments: fit free parameters to the targets with Nelder-Mead.

The objective is :func:`scs_sim.calibration.targets.distance` of the moments
averaged over a fixed set of seeds. Fixed seeds are common random numbers: two
parameter vectors meet the same citizens and shocks, so the objective changes
with the parameters rather than with the luck of the draw, which a derivative-
free simplex (``scipy.optimize.minimize(method="Nelder-Mead")``) needs. The
search runs in log space (all free parameters are positive rates spanning orders
of magnitude) and clips to each parameter's bounds. Seeds of one evaluation run
in parallel on an optional ``concurrent.futures`` executor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from scs_sim.calibration.targets import TARGETS, distance, simulate_moments, within_tolerance
from scs_sim.scenario import Scenario


@dataclass(frozen=True)
class FreeParameter:
    """A scenario field the calibration may move, within bounds."""

    name: str
    low: float
    high: float
    drives: str
    """The target this parameter mostly moves (for the documentation)."""


FREE_PARAMETERS: tuple[FreeParameter, ...] = (
    FreeParameter("violation_rate", 1e-6, 1e-3, "listed_share_end"),
    FreeParameter("repayment_rate", 1e-4, 0.1, "pressure_repayment_ratio"),
    FreeParameter("flight_demand", 1e-3, 0.5, "flight_rail_ratio"),
)
"""Fitted fields; everything else in the scenario is a fixed, documented assumption."""


@dataclass
class FitResult:
    """The outcome of a calibration."""

    fitted: dict[str, float]
    moments: dict[str, float]
    """Moments averaged over seeds at the fitted values."""
    per_seed: list[dict[str, float]]
    distance: float
    within: dict[str, bool]
    evaluations: int
    seeds: list[int]
    n_citizens: int
    converged: bool
    history: list[dict[str, Any]] = field(default_factory=list)


def _moments_job(job: tuple[dict[str, Any], int]) -> dict[str, float]:
    # Top level so that a process pool can pickle it.
    data, seed = job
    return simulate_moments(Scenario.model_validate(data), seed)


def mean_moments(
    params: Scenario, seeds: Sequence[int], executor: Executor | None = None
) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Moments of ``params`` per seed and their mean over seeds."""
    jobs = [(params.model_dump(), int(s)) for s in seeds]
    per_seed = list(executor.map(_moments_job, jobs) if executor else map(_moments_job, jobs))
    mean = {k: float(np.mean([m[k] for m in per_seed])) for k in per_seed[0]}
    return mean, per_seed


def calibrate(
    base: Scenario,
    *,
    seeds: Sequence[int] = (1, 2),
    n_citizens: int | None = None,
    max_evaluations: int = 60,
    executor: Executor | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> FitResult:
    """Fit :data:`FREE_PARAMETERS` of ``base`` to :data:`TARGETS`.

    Args:
        base: The scenario to start from; its values of the free parameters are the
            starting point.
        seeds: Seeds averaged in every evaluation (common random numbers).
        n_citizens: Population size for the fit (default: the scenario's).
        max_evaluations: Budget of objective evaluations for Nelder-Mead.
        executor: Runs the seeds of one evaluation in parallel when given.
        progress: Called with (evaluation number, distance) after each evaluation.

    Returns:
        The fitted values, their moments and the search history.
    """
    if n_citizens is not None:
        base = base.model_copy(update={"n_citizens": n_citizens})
    lows = np.log([p.low for p in FREE_PARAMETERS])
    highs = np.log([p.high for p in FREE_PARAMETERS])
    history: list[dict[str, Any]] = []

    def values(x: np.ndarray) -> dict[str, float]:
        clipped = np.exp(np.clip(x, lows, highs))
        # Rounded to 4 significant digits: the recorded values reproduce the fit exactly.
        return {p.name: float(f"{v:.4g}") for p, v in zip(FREE_PARAMETERS, clipped, strict=True)}

    def objective(x: np.ndarray) -> float:
        trial = values(x)
        moments, _ = mean_moments(base.model_copy(update=trial), seeds, executor)
        d = distance(moments)
        history.append({"parameters": trial, "moments": moments, "distance": d})
        if progress is not None:
            progress(len(history), d)
        return d

    x0 = np.log([getattr(base, p.name) for p in FREE_PARAMETERS])
    # A 25% step in every direction: large enough to escape the noise floor of the moments.
    simplex = np.vstack([x0] + [x0 + 0.25 * np.eye(len(x0))[i] for i in range(len(x0))])
    result = minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={
            "initial_simplex": simplex,
            "maxfev": max_evaluations,
            "xatol": 0.01,
            "fatol": 0.05,
        },
    )
    best = min(history, key=lambda h: h["distance"])
    fitted = best["parameters"]
    moments, per_seed = mean_moments(base.model_copy(update=fitted), seeds, executor)
    return FitResult(
        fitted=fitted,
        moments=moments,
        per_seed=per_seed,
        distance=distance(moments),
        within=within_tolerance(moments),
        evaluations=len(history),
        seeds=[int(s) for s in seeds],
        n_citizens=base.n_citizens,
        converged=bool(result.success),
        history=history,
    )


def fit_record(result: FitResult, base: Scenario, source: str) -> dict[str, Any]:
    """The JSON-ready record of a fit: method, targets with sources, values and moments."""
    return {
        "scenario": source,
        "method": "method of simulated moments; scipy.optimize.minimize(Nelder-Mead) in log "
        "space over the mean moments of fixed seeds (common random numbers); distance = sum of "
        "squared errors in units of each target's tolerance",
        "n_citizens": result.n_citizens,
        "seeds": result.seeds,
        "evaluations": result.evaluations,
        "converged": result.converged,
        "start": {p.name: getattr(base, p.name) for p in FREE_PARAMETERS},
        "fitted": result.fitted,
        "bounds": {p.name: [p.low, p.high] for p in FREE_PARAMETERS},
        "targets": [
            {
                "name": t.name,
                "value": t.value,
                "tolerance": t.tolerance,
                "simulated": result.moments[t.name],
                "within_tolerance": result.within[t.name],
                "figure": t.figure,
                "source": t.source,
                "moment": t.moment,
            }
            for t in TARGETS
        ],
        "moments": result.moments,
        "moments_per_seed": result.per_seed,
        "distance": result.distance if math.isfinite(result.distance) else None,
        "history": result.history,
    }
