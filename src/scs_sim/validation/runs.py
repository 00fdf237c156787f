"""Runs behind the validation report: one job per (arm, seed), summarised to scalars.

A job is plain data (a scenario dict, a seed, a number of steps), so that a
process pool can run it; its summary is a dict of floats, so that the report
depends only on numbers. Jobs run in a fixed order and results come back in
that order, so the report is identical whether it runs on one worker or two.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from scs_sim.loading import resolve_scenario
from scs_sim.metrics import COUNTERS
from scs_sim.model import SocialCreditModel

TAIL = 26
"""Rates are averaged over the last TAIL steps (half a simulated year), not read at one step."""


@dataclass(frozen=True)
class Arm:
    """A scenario variant: a shipped scenario, optionally without its events, plus overrides."""

    label: str
    scenario: str
    overrides: tuple[tuple[str, Any], ...] = ()
    drop_events: bool = False

    def resolve(self, n_citizens: int) -> dict[str, Any]:
        """The arm's full scenario as a dict, at ``n_citizens``."""
        changes = dict(self.overrides) | {"n_citizens": n_citizens}
        if self.drop_events:
            changes["events"] = []
        return resolve_scenario(self.scenario, changes).model_dump()


@dataclass(frozen=True)
class Job:
    """One run to summarise."""

    scenario: dict[str, Any]
    seed: int
    steps: int


def summarise(job: Job) -> dict[str, float]:
    """Run a job; return each metric's mean over the last TAIL steps (counters: final value).

    Also returns ``income_gap``: the sanctioned share of the bottom income fifth minus
    that of the top fifth, averaged like the rates, and ``income_gap_launch``: the same gap
    at step 1, before any feedback could act (see :func:`income_gradient_parts`).
    """
    model = SocialCreditModel(job.scenario, rng=job.seed, agent_views=False)
    model.run(job.steps)
    series = model.series()
    tail = series.iloc[-min(TAIL, job.steps) :]
    out = {
        name: float(series[name].iloc[-1] if name in COUNTERS else tail[name].mean())
        for name in series.columns
        if name != "step"
    }
    out["income_gap"] = out["sanctioned_share_bottom_income"] - out["sanctioned_share_top_income"]
    out["income_gap_launch"] = income_gradient_parts(series)[0]
    return out


def income_gradient_parts(series: Any) -> tuple[float, float]:
    """The income gradient of sanctions split into an imposed and an emergent part.

    Imposed: the gap (bottom income fifth's sanctioned share minus the top fifth's) at
    step 1, when the scorecard and the sanction paths have acted but no sanction has yet
    cost anyone income: whatever gap exists then is built into the score. Emergent: the
    growth of the gap from step 1 to the mean of the last TAIL steps (strain, debts,
    listings and ties feeding back).

    Args:
        series: A run's per-step metrics (``SocialCreditModel.series()``).
    """
    gap = series["sanctioned_share_bottom_income"] - series["sanctioned_share_top_income"]
    steps = list(series["step"])
    launch = float(gap.iloc[steps.index(1)]) if 1 in steps else float(gap.iloc[0])
    tail = float(gap.iloc[-min(TAIL, len(gap)) :].mean())
    return launch, tail - launch


def open_pool(workers: int) -> Executor | None:
    """A process pool of ``workers`` (None for 1: run in this process). Caller shuts it down."""
    if workers <= 1:
        return None
    # spawn: independent of threads held by the parent (pytest, numba, dask).
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def map_jobs[T, R](
    executor: Executor | None, func: Callable[[T], R], items: Sequence[T], desc: str = ""
) -> list[R]:
    """``func`` over ``items``, in order, on the executor (or here when it is None).

    With ``desc``, a progress bar on stderr (shown once the jobs take over a second).
    """
    if executor is None or len(items) <= 1:
        results: Iterable[R] = (func(item) for item in items)
    else:
        results = executor.map(func, items, chunksize=2)
    if desc:
        from tqdm import tqdm

        results = tqdm(results, total=len(items), desc=desc, unit="run", file=sys.stderr, delay=1)
    return list(results)
