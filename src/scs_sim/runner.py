"""Running a scenario end to end: the API behind ``scs-sim run`` and sweeps."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scs_sim.input_errors import Caller
from scs_sim.loading import resolve_scenario
from scs_sim.model import SocialCreditModel
from scs_sim.scenario import DEFAULT_SEED, POPULATION_FIELDS, Scenario

__all__ = [
    "DEFAULT_SEED",
    "KEY_METRICS",
    "NETWORK_FIELDS",
    "RunResult",
    "compare_runs",
    "matched",
    "resolve",
    "run_scenario",
    "series_difference",
]

KEY_METRICS: tuple[str, ...] = (
    "mean_score",
    "self_censorship_rate",
    "expression_gap",
    "performative_donation_rate",
    "blacklisted_share",
    "travel_banned_share",
    "rental_restricted_share",
    "false_positive_share",
    "ties_cut",
    "score_assortativity",
)
"""Metrics shown in summaries and figures."""


NETWORK_FIELDS: tuple[str, ...] = POPULATION_FIELDS
"""Fields a counterfactual takes from the chosen scenario, so both share citizens and ties."""


def matched(chosen: Scenario, other: Scenario) -> Scenario:
    """``other``'s policies on ``chosen``'s population and network, for a fair comparison.

    Run on the same seed, the two start from identical citizens and ties and differ only
    by policy (:data:`NETWORK_FIELDS` come from ``chosen``).
    """
    data = other.model_dump() | {name: getattr(chosen, name) for name in NETWORK_FIELDS}
    return Scenario.model_validate(data)


@dataclass
class RunResult:
    """One finished run: its series, the scenario as resolved, the seed and timings."""

    series: pd.DataFrame
    params: Scenario
    seed: int
    timings: dict[str, float]
    source: str = ""
    captions: list[tuple[int, str]] = field(default_factory=list)


def resolve(
    scenario: str | Path | Scenario | None,
    overrides: Mapping[str, Any] | None = None,
    *,
    caller: Caller = "python",
) -> tuple[Scenario, str]:
    """A scenario (path, name, object or None for the baseline defaults) plus overrides.

    Returns:
        The scenario (see :func:`scs_sim.loading.resolve_scenario`) and where it came from.
    """
    params = resolve_scenario(scenario, overrides, caller=caller)
    if scenario is None:
        return params, "embedded baseline defaults"
    return params, scenario.name if isinstance(scenario, Scenario) else str(scenario)


def run_scenario(
    params: Scenario,
    *,
    seed: int = DEFAULT_SEED,
    steps: int | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "",
) -> RunResult:
    """Run a validated scenario and return its series.

    Args:
        params: The scenario.
        seed: Seed of the model's generator.
        steps: Steps to run; default the scenario's ``steps``.
        progress: Called with the step number after each step.
        source: Where the scenario came from, for the manifest.
    """
    start = time.perf_counter()
    model = SocialCreditModel(params, rng=seed, agent_views=False)
    built = time.perf_counter()
    step_times = []
    for _ in range(params.steps if steps is None else steps):
        t0 = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - t0)
        if progress is not None:
            progress(model.steps)
    done = time.perf_counter()
    timings = {
        "setup_s": built - start,
        "run_s": done - built,
        "total_s": done - start,
        "median_step_s": float(np.median(step_times)) if step_times else 0.0,
    }
    return RunResult(model.series(), params, seed, timings, source, list(model.captions))


def series_difference(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Per-step difference ``b - a`` of every metric two series share, with ``a``'s steps."""
    shared = [c for c in a.columns if c in b.columns and c != "step"]
    diff = b[shared] - a[shared]
    diff.insert(0, "step", a["step"])
    return diff


def compare_runs(a: RunResult, b: RunResult) -> pd.DataFrame:
    """Per-step difference ``b - a`` of every metric both runs share."""
    return series_difference(a.series, b.series)
