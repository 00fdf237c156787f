"""Run N seeds: the current settings on several seeds, as bands (Covasim shows runs so).

One run is one draw of the model's randomness; a band across seeds shows how much of a
curve is the policy and how much is chance. The runs use the page's scenario as it runs
(parameters changed on the page included) on seeds ``seed, seed + 1, ..., seed + N - 1``,
so the run on the page is the first of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from scs_sim.loading import ScenarioError
from scs_sim.model import SocialCreditModel
from scs_sim.scenario import Scenario
from scs_sim.sweeps.analysis import quantile_label

MAX_SEEDS = 20
"""Most seeds one request runs."""

MAX_CITIZEN_STEPS = 50_000_000
"""Most citizen-steps (citizens x steps x seeds) one request runs: about a minute."""

QUANTILES = (0.1, 0.5, 0.9)
"""The band (10% to 90% of seeds) and its middle line (the median)."""

BAND_NAME = f"{QUANTILES[0] * 100:g}-{QUANTILES[-1] * 100:g}%"
"""The band's name in legends ("10-90%")."""


def check_request(params: Scenario, seeds: int, steps: int) -> None:
    """Refuse requests the page will not run, with the allowed range.

    Raises:
        ScenarioError: Too few or too many seeds, or too much work.
    """
    if not 2 <= seeds <= MAX_SEEDS:
        raise ScenarioError(f"seeds = {seeds} is not valid; allowed: 2 to {MAX_SEEDS}")
    work = params.n_citizens * steps * seeds
    if work > MAX_CITIZEN_STEPS:
        most = max(MAX_CITIZEN_STEPS // max(params.n_citizens * steps, 1), 0)
        raise ScenarioError(
            f"seeds = {seeds} is not valid for {params.n_citizens:,} citizens over {steps} "
            f"weeks; allowed: 2 to {most} (at most {MAX_CITIZEN_STEPS:,} citizen-weeks)"
        )


def run_seeds(
    params: Scenario,
    first_seed: int,
    seeds: int,
    steps: int,
    metrics: Sequence[str],
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> pd.DataFrame | None:
    """The metrics of ``seeds`` runs, as per-step quantiles across seeds.

    Args:
        params: The scenario as the page runs it.
        first_seed: The page's seed; runs use ``first_seed + i``.
        seeds: How many runs (see :func:`check_request`).
        steps: Steps per run.
        metrics: Metric columns to keep.
        progress: Called with the finished share (0 to 1) after every run.
        cancel: Set to stop; the function then returns ``None``.

    Returns:
        Columns ``step`` and ``{metric}_q10``, ``_q50``, ``_q90``; ``None`` if cancelled.
    """
    check_request(params, seeds, steps)
    runs = []
    for i in range(seeds):
        model = SocialCreditModel(params, rng=first_seed + i, agent_views=False)
        for _ in range(steps):
            if cancel is not None and cancel.is_set():
                return None
            model.step()
        runs.append(model.series()[["step", *metrics]].to_numpy(dtype=np.float64))
        if progress is not None:
            progress((i + 1) / seeds)
    stack = np.stack(runs)  # seeds x steps+1 x (1 + metrics)
    out = {"step": stack[0, :, 0].astype(int)}
    for j, name in enumerate(metrics, start=1):
        for q in QUANTILES:
            out[f"{name}_{quantile_label(q)}"] = np.nanquantile(stack[:, :, j], q, axis=0)
    return pd.DataFrame(out)
