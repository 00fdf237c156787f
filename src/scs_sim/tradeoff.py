"""What each policy buys and what it costs: scenarios against their no-score controls.

Every scenario runs on several seeds beside its *control*: the same scenario with every
policy switch off (:data:`POLICY_SWITCHES`: no score, no threshold sanctions, no
blacklist) and no policy events, on the same seed. Everything else (population,
network, behaviour, violation and repayment rates) is the scenario's own, and common
random numbers make the citizens, ties and shocks identical, so each paired difference
is the effect of the policies alone.

For each outcome the effect is reported as ``difference = scenario - control`` (mean
over seeds, with a 95% t-interval over the paired differences) and as ``effect``, the
same number signed so that a positive value is *more benefit* for a benefit and *more
harm* for a cost. Outcomes are read from the metric series (docs/outputs.md): rates
are averaged over the last :data:`TAIL` steps, counters are turned into events per
1,000 citizens per simulated year over the whole run.

The runs go through the sweep engine (:func:`scs_sim.sweeps.execute.run_tasks`), one
Parquet file per run under ``OUT/runs/``, so a pool or a Dask cluster runs them and
an interrupted trade-off resumes when the same command is run again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from scs_sim.loading import ScenarioError, load_scenario
from scs_sim.metrics import metric_names
from scs_sim.scenario import Scenario
from scs_sim.sweeps import storage
from scs_sim.sweeps.execute import RunTask, run_tasks

KIND = "scs_sim tradeoff"
"""The manifest's ``kind``: a trade-off folder is neither a run nor a sweep."""
CONTROL = "baseline"
"""The shipped scenario that is itself a control (left out of the default list)."""
POLICY_SWITCHES: dict[str, Any] = {
    "scoring": False,
    "threshold_sanctions": False,
    "blacklist": False,
    "events": [],
}
"""What a control turns off: every scoring and sanction path, and every policy event."""
TAIL = 26
"""Rates are averaged over the last TAIL steps (half a simulated year)."""
WEEKS_PER_YEAR = 52
DEFAULT_SEEDS = (1, 2, 3, 4, 5)
DEFAULT_STEPS = 104
DEFAULT_CITIZENS = 2000


@dataclass(frozen=True)
class Outcome:
    """One benefit or cost, read from a run's metric series.

    Attributes:
        name: Column name in the trade-off table.
        kind: ``"benefit"`` (what the system claims to buy) or ``"cost"`` (a harm).
        better: Which direction is good for society: ``"lower"`` or ``"higher"``.
        unit: Unit of the value.
        description: What it measures (numerator / denominator).
        measure: ``(series, n_citizens) -> value`` for one run.
    """

    name: str
    kind: Literal["benefit", "cost"]
    better: Literal["lower", "higher"]
    unit: str
    description: str
    measure: Callable[[pd.DataFrame, int], float]

    def effect(self, difference: float) -> float:
        """``difference`` signed so that positive = more benefit (benefit) or more harm (cost)."""
        good = difference if self.better == "higher" else -difference
        return good if self.kind == "benefit" else -good


def tail_mean(column: str) -> Callable[[pd.DataFrame, int], float]:
    """A measure: the column's mean over the last :data:`TAIL` steps."""

    def measure(series: pd.DataFrame, n: int) -> float:
        return float(series[column].iloc[-TAIL:].mean())

    return measure


def per_thousand_per_year(counter: str) -> Callable[[pd.DataFrame, int], float]:
    """A measure: a cumulative counter's growth per 1,000 citizens per simulated year."""

    def measure(series: pd.DataFrame, n: int) -> float:
        steps = int(series["step"].iloc[-1] - series["step"].iloc[0])
        grown = float(series[counter].iloc[-1] - series[counter].iloc[0])
        return grown / n * 1000.0 * WEEKS_PER_YEAR / max(steps, 1)

    return measure


def _wrongly_sanctioned(series: pd.DataFrame, n: int) -> float:
    tail = series.iloc[-TAIL:]
    return float((tail["false_positive_share"] * tail["sanctioned_share"]).mean())


OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "violations_per_1000_year",
        "benefit",
        "lower",
        "per 1,000 citizens per year",
        "new violations (unpaid debts) over the run / citizens, per year",
        per_thousand_per_year("violations"),
    ),
    Outcome(
        "debtor_share",
        "benefit",
        "lower",
        "share of citizens",
        "citizens with an outstanding debt / citizens (last half year)",
        tail_mean("debtor_share"),
    ),
    Outcome(
        "repayments_per_1000_year",
        "benefit",
        "higher",
        "per 1,000 citizens per year",
        "debts repaid over the run / citizens, per year",
        per_thousand_per_year("repayments"),
    ),
    Outcome(
        "self_censorship_rate",
        "cost",
        "lower",
        "share of wanted critical posts",
        "critical posts held back / critical posts wanted (last half year)",
        tail_mean("self_censorship_rate"),
    ),
    Outcome(
        "wrongly_sanctioned_share",
        "cost",
        "lower",
        "share of citizens",
        "citizens with a restriction their own conduct does not justify / citizens "
        "(false_positive_share x sanctioned_share, last half year)",
        _wrongly_sanctioned,
    ),
    Outcome(
        "ties_cut_per_1000_year",
        "cost",
        "lower",
        "per 1,000 citizens per year",
        "ties cut over the run / citizens, per year",
        per_thousand_per_year("ties_cut"),
    ),
    Outcome(
        "performative_donation_rate",
        "cost",
        "lower",
        "per citizen per step",
        "donations made for the score, not from charity (last half year)",
        tail_mean("performative_donation_rate"),
    ),
    Outcome(
        "support_share",
        "cost",
        "higher",
        "share of citizens",
        "citizens who support the system / citizens (last half year): support lost is a cost",
        tail_mean("support_share"),
    ),
)
"""Every outcome of the trade-off table, benefits first."""

HEADLINE_BENEFIT = "violations_per_1000_year"
HEADLINE_COST = "self_censorship_rate"
"""The two outcomes drawn as the frontier (the figure's axes)."""


def outcome_named(name: str) -> Outcome:
    """The outcome of :data:`OUTCOMES` called ``name``.

    Args:
        name: An outcome's name, e.g. :data:`HEADLINE_COST`.

    Raises:
        StopIteration: No outcome has that name.
    """
    return next(o for o in OUTCOMES if o.name == name)


@dataclass(frozen=True)
class Arm:
    """One run's place in the trade-off: a scenario (or its control) on a seed."""

    scenario: str
    arm: Literal["policy", "control"]
    seed: int


def shipped_scenarios() -> list[str]:
    """The shipped scenarios compared by default (every one but the control itself)."""
    from scs_sim.loading import known_scenarios

    return [name for name in known_scenarios() if name != CONTROL]


def resolve_arms(
    scenarios: Sequence[str],
    seeds: Sequence[int],
    *,
    steps: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Scenario], list[tuple[Arm, Scenario]]]:
    """Each scenario and its control, resolved, for every seed.

    Args:
        scenarios: Scenario names or paths.
        seeds: Seeds; each scenario and its control share each seed.
        steps: Steps of every run (default: :data:`DEFAULT_STEPS`).
        overrides: Scenario fields set on every scenario *and* its control (e.g.
            ``n_citizens``; a policy field such as ``surveillance`` changes nothing in
            the control, whose policies are the baseline's).

    Returns:
        The resolved policy scenarios by name, and one (arm, scenario) per run.

    Raises:
        ScenarioError: a scenario that cannot be loaded, or an override it refuses.
    """
    if not scenarios:
        raise ScenarioError("no scenarios to compare; allowed: one or more scenario names")
    if not seeds:
        raise ScenarioError("no seeds; allowed: one or more integer seeds")
    fixed = {"n_citizens": DEFAULT_CITIZENS, "steps": steps or DEFAULT_STEPS}
    fixed |= dict(overrides or {})
    policies: dict[str, Scenario] = {}
    runs: list[tuple[Arm, Scenario]] = []
    for name in scenarios:
        policy = load_scenario(name, fixed)
        key = policy.name
        if key in policies:
            raise ScenarioError(f"scenario {name!r}: named {key!r} twice; allowed: distinct names")
        policies[key] = policy
        control = no_score_control(policy)
        for seed in seeds:
            runs.append((Arm(key, "policy", int(seed)), policy))
            runs.append((Arm(key, "control", int(seed)), control))
    return policies, runs


def no_score_control(policy: Scenario) -> Scenario:
    """``policy`` with every scoring and sanction path off and no events: its control."""
    return Scenario.model_validate(policy.model_dump() | POLICY_SWITCHES)


def digest(runs: Sequence[tuple[Arm, Scenario]]) -> str:
    """A hash of every run's arm, seed and resolved scenario (resume only the same set)."""
    text = json.dumps(
        [[a.scenario, a.arm, a.seed, s.model_dump(mode="json")] for a, s in runs],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def tasks(runs: Sequence[tuple[Arm, Scenario]], out: Path, skip: set[int]) -> list[RunTask]:
    """Sweep-engine tasks for every run not yet on disk."""
    out = out.resolve()
    out_tasks = []
    for run_id, (arm, scenario) in enumerate(runs):
        if run_id in skip:
            continue
        has_groups = scenario.minority_share > 0 or scenario.network == "communities"
        out_tasks.append(
            RunTask(
                run_id=run_id,
                point=run_id // 2,
                replicate=arm.seed,
                seed=arm.seed,
                scenario=scenario.model_dump(),
                parameters={"scenario": arm.scenario, "arm": arm.arm},
                metrics=tuple(metric_names(has_groups)),
                kept_steps=tuple(range(scenario.steps + 1)),
                path=str(storage.run_path(out, run_id)),
            )
        )
    return out_tasks


def measure_runs(results: pd.DataFrame, n_citizens: Mapping[str, int]) -> pd.DataFrame:
    """Every outcome of every run: one row per (scenario, arm, seed)."""
    rows = []
    for (scenario, arm, seed), series in results.groupby(["scenario", "arm", "seed"], sort=False):
        series = series.sort_values("step")
        row = {"scenario": scenario, "arm": arm, "seed": int(seed)}
        for outcome in OUTCOMES:
            row[outcome.name] = outcome.measure(series, n_citizens[scenario])
        rows.append(row)
    return pd.DataFrame(rows)


def summarise(per_run: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """The trade-off table: one row per (scenario, outcome), paired over seeds."""
    rows = []
    for scenario, runs in per_run.groupby("scenario", sort=False):
        policy = runs[runs["arm"] == "policy"].set_index("seed").sort_index()
        control = runs[runs["arm"] == "control"].set_index("seed").sort_index()
        for outcome in OUTCOMES:
            diff = (policy[outcome.name] - control[outcome.name]).to_numpy(dtype=float)
            mean = float(diff.mean())
            low, high = t_interval(diff, confidence)
            a, b = outcome.effect(low), outcome.effect(high)
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": outcome.name,
                    "kind": outcome.kind,
                    "unit": outcome.unit,
                    "policy": float(policy[outcome.name].mean()),
                    "control": float(control[outcome.name].mean()),
                    "difference": mean,
                    "difference_low": low,
                    "difference_high": high,
                    "effect": outcome.effect(mean),
                    "effect_low": min(a, b),
                    "effect_high": max(a, b),
                    "seeds": len(diff),
                }
            )
    return pd.DataFrame(rows)


def t_interval(diff: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of ``diff`` (values over seeds); the mean itself
    twice when there is no spread."""
    mean = float(diff.mean())
    if len(diff) < 2 or not np.any(diff != diff[0]):
        return mean, mean
    half = stats.t.ppf(0.5 + confidence / 2, len(diff) - 1) * stats.sem(diff)
    return mean - float(half), mean + float(half)


@dataclass
class Tradeoff:
    """A finished trade-off: the table, the per-run outcomes, and where they were written."""

    table: pd.DataFrame
    per_run: pd.DataFrame
    out: Path
    executed: int
    skipped: int
    wall_s: float


def run_tradeoff(
    scenarios: Sequence[str] | None = None,
    out: str | Path = "results/tradeoff",
    *,
    seeds: Sequence[int] = DEFAULT_SEEDS,
    steps: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Tradeoff:
    """Run every scenario and its control on every seed, and write the trade-off.

    Args:
        scenarios: Scenario names or paths (default: every shipped scenario).
        out: Results folder; rerun with the same settings to resume.
        seeds: Seeds (common random numbers across scenario and control).
        steps: Steps per run (default :data:`DEFAULT_STEPS`).
        overrides: Scenario fields set on every run (e.g. ``{"n_citizens": 5000}``).
        executor: Any ``concurrent.futures.Executor``; ``None`` runs serially.
        progress: Called with (runs done, runs in all) after each run.

    Returns:
        The table, also written as ``OUT/tradeoff.csv`` with ``OUT/tradeoff.png`` and a
        manifest.

    Raises:
        ScenarioError: bad scenarios or overrides, or a folder holding something else.
    """
    start = time.perf_counter()
    out = Path(out)
    names = list(scenarios) if scenarios else shipped_scenarios()
    policies, runs = resolve_arms(names, seeds, steps=steps, overrides=overrides)
    key = digest(runs)
    resuming = _check_folder(out, key)
    for tmp in storage.temp_files(out):
        tmp.unlink(missing_ok=True)
    done = storage.done_runs(out) if resuming else set()
    manifest = _manifest(policies, seeds, runs, key)
    storage.write_manifest(out, manifest | {"status": "running"})
    todo = tasks(runs, out, done)
    finished = len(done)
    for _record in run_tasks(todo, executor):
        finished += 1
        if progress is not None:
            progress(finished, len(runs))
    results = storage.read_results(out)
    per_run = measure_runs(results, {k: p.n_citizens for k, p in policies.items()})
    table = summarise(per_run)
    write_outputs(out, table)
    wall = time.perf_counter() - start
    storage.write_manifest(out, manifest | {"status": "complete", "wall_s": round(wall, 3)})
    return Tradeoff(table, per_run, out, len(todo), len(done), wall)


def _check_folder(out: Path, key: str) -> bool:
    if not out.exists():
        return False
    if not out.is_dir():
        raise ScenarioError(f"--out {out}: is a file, expected a folder")
    if (out / storage.MANIFEST).exists():
        manifest = storage.read_manifest(out)
        if manifest.get("kind") != KIND:
            raise ScenarioError(f"--out {out}: holds something else; choose another folder")
        if manifest.get("digest") != key:
            raise ScenarioError(
                f"--out {out}: holds a trade-off with other scenarios, seeds, steps or --set; "
                "rerun with the same settings to resume, or choose another folder"
            )
        return True
    if any(out.iterdir()):
        raise ScenarioError(f"--out {out}: folder is not empty and holds no trade-off")
    return False


def _manifest(
    policies: Mapping[str, Scenario],
    seeds: Iterable[int],
    runs: Sequence[tuple[Arm, Scenario]],
    key: str,
) -> dict[str, Any]:
    from scs_sim.output import provenance

    return {
        "kind": KIND,
        "digest": key,
        "control": "each scenario with "
        + ", ".join(f"{k} = {v!r}" for k, v in POLICY_SWITCHES.items()),
        "seeds": [int(s) for s in seeds],
        "scenarios": {k: p.model_dump(mode="json") for k, p in policies.items()},
        "runs": len(runs),
        "outcomes": {o.name: {"kind": o.kind, "unit": o.unit} for o in OUTCOMES},
        "files": ["tradeoff.csv", "tradeoff.png"],
        **provenance(),
    }


def write_outputs(out: Path, table: pd.DataFrame) -> None:
    """Write ``tradeoff.csv`` and ``tradeoff.png`` atomically."""
    from scs_sim.output import atomic_write

    atomic_write(out / "tradeoff.csv", lambda tmp: table.to_csv(tmp, index=False))
    fig = frontier_figure(table)
    atomic_write(out / "tradeoff.png", lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    import matplotlib.pyplot as plt

    plt.close(fig)


def frontier_figure(table: pd.DataFrame):
    """The frontier (headline benefit against headline cost) and every outcome by scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = list(dict.fromkeys(table["scenario"]))
    others = [o for o in OUTCOMES if o.name not in (HEADLINE_BENEFIT, HEADLINE_COST)]
    columns = (len(others) + 1) // 2
    fig = plt.figure(figsize=(6 + 3 * columns, 7.5), layout="constrained")
    grid = fig.add_gridspec(2, 2 + columns)
    ax = fig.add_subplot(grid[:, :2])
    by = table.set_index(["scenario", "outcome"])
    for i, name in enumerate(scenarios):
        cost, benefit = by.loc[(name, HEADLINE_COST)], by.loc[(name, HEADLINE_BENEFIT)]
        ax.errorbar(
            cost["effect"],
            benefit["effect"],
            xerr=[[cost["effect"] - cost["effect_low"]], [cost["effect_high"] - cost["effect"]]],
            yerr=[
                [benefit["effect"] - benefit["effect_low"]],
                [benefit["effect_high"] - benefit["effect"]],
            ],
            fmt="o",
            color=plt.cm.tab10(i % 10),
            capsize=3,
            label=name,
        )
        ax.annotate(name, (cost["effect"], benefit["effect"]), fontsize=8, xytext=(4, 4),
                    textcoords="offset points")  # fmt: skip
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    cost_o, benefit_o = outcome_named(HEADLINE_COST), outcome_named(HEADLINE_BENEFIT)
    ax.set_xlabel(f"cost: added {HEADLINE_COST} ({cost_o.unit})")
    ax.set_ylabel(f"benefit: {HEADLINE_BENEFIT} avoided ({benefit_o.unit})")
    ax.set_title("What each policy buys and what it costs\n(vs its no-score control, 95% CI)")
    ax.legend(fontsize=7, loc="best")
    for k, outcome in enumerate(others):
        sub = fig.add_subplot(grid[k % 2, 2 + k // 2])
        rows = by.xs(outcome.name, level="outcome").reindex(scenarios)
        y = np.arange(len(scenarios))
        sub.barh(y, rows["effect"], color="C0" if outcome.kind == "benefit" else "C3")
        sub.errorbar(
            rows["effect"],
            y,
            xerr=[rows["effect"] - rows["effect_low"], rows["effect_high"] - rows["effect"]],
            fmt="none",
            color="k",
            capsize=2,
        )
        sub.set_yticks(y, scenarios, fontsize=7)
        sub.axvline(0, color="0.6", lw=0.8)
        sub.set_title(f"{outcome.kind}: {outcome.name}", fontsize=8)
        sub.set_xlabel(outcome.unit, fontsize=7)
        sub.tick_params(axis="x", labelsize=7)
    return fig
