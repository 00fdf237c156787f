"""Generate docs/validation.md (and its figures) from fresh runs; ``--check`` for staleness.

Usage::

    scs-sim validation-report            # regenerate docs/validation.md and docs/figures/
    scs-sim validation-report --check    # exit 1 if docs/validation.md is not what the code gives
    python -m scs_sim.validation --check # the same without the console script

The page is deterministic: fixed seeds, fixed population sizes, numbers rounded
to three significant digits, no timings and no dates, so a fresh generation
equals the committed page unless the model changed. The check compares the
Markdown (every number in it); the figures are drawn from the same numbers but
are not compared byte for byte, since PNG rendering varies across matplotlib
versions.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scs_sim.calibration import TARGETS, uncertainty, within_tolerance
from scs_sim.calibration.fit import FREE_PARAMETERS
from scs_sim.calibration.targets import HORIZON, OUT_OF_SAMPLE, simulate
from scs_sim.loading import load_scenario, toml_value
from scs_sim.metric_info import unit
from scs_sim.tradeoff import t_interval
from scs_sim.validation import add_arguments, docking, epstein, facts, sensitivity
from scs_sim.validation.runs import Arm, Job, map_jobs, open_pool, summarise

FACT_CITIZENS = 1000
FACT_STEPS = 104
FACT_SEEDS = tuple(range(1, 21))
DOCKING_CITIZENS = 1000
DOCKING_SEEDS = (1, 2, 3)
PEER_SEEDS = (1, 2, 3, 4, 5)
"""Seeds of Mesa's Epstein example and of the matched scs_sim runs."""
SENSITIVITY_CITIZENS = 1000
CALIBRATION_SCENARIO = "calibrated-2019"
CALIBRATION_CITIZENS = 50_000
CALIBRATION_SEEDS = (11, 12, 13, 14, 15, 16)
"""Held-out seeds: the fit used seeds 1-8 (benchmarks/results/calibration-2019.json)."""
PROFILE_SEEDS = (11, 12, 13)
"""Seeds of the calibration profile (fewer than the check: it runs 28 settings)."""
FIT_RECORD = "benchmarks/results/calibration-2019.json"


def g(x: float) -> str:
    """Three significant digits, stable across platforms."""
    return f"{x:.3g}"


@dataclass
class Report:
    """The page's Markdown and its figures (name -> matplotlib figure)."""

    markdown: str
    figures: dict[str, Any] = field(default_factory=dict)


def _calibration_job(job: tuple[dict[str, Any], int]) -> tuple[dict[str, float], np.ndarray]:
    data, seed = job
    from scs_sim.scenario import Scenario

    return simulate(Scenario.model_validate(data), seed, HORIZON)


def _summarise_jobs(
    executor: Any,
    arm_list: Sequence[Arm],
    seeds: Sequence[int],
    n: int,
    steps: int,
    desc: str = "",
) -> dict[tuple[Arm, int], dict[str, float]]:
    jobs = [Job(arm.resolve(n), s, steps) for arm in arm_list for s in seeds]
    keys = [(arm, s) for arm in arm_list for s in seeds]
    return dict(zip(keys, map_jobs(executor, summarise, jobs, desc), strict=True))


@dataclass
class Results:
    """Every number the page shows."""

    comparisons: list[facts.ComparisonResult]
    calibration: list[tuple[dict[str, float], np.ndarray]]
    calibration_profile: list[uncertainty.ProfilePoint]
    docking_points: list[docking.DockingPoint]
    docking_active: np.ndarray
    """Active dissent share, shape (points, seeds)."""
    peer_docking: epstein.DockingCurve
    morris_sample: np.ndarray
    screening: sensitivity.Screening


def compute(workers: int = 2) -> Results:
    """Run everything the page needs, on ``workers`` processes."""
    executor = open_pool(workers)
    try:
        calibrated = load_scenario(CALIBRATION_SCENARIO).model_copy(
            update={"n_citizens": CALIBRATION_CITIZENS}
        )
        calibration = map_jobs(
            executor,
            _calibration_job,
            [(calibrated.model_dump(), s) for s in CALIBRATION_SEEDS],
            "1/6 calibration",
        )
        summaries = _summarise_jobs(
            executor, facts.arms(), FACT_SEEDS, FACT_CITIZENS, FACT_STEPS, "3/6 stylised facts"
        )
        profile = uncertainty.profile(
            calibrated, PROFILE_SEEDS, executor, "2/6 calibration profile"
        )
        comparisons = [facts.evaluate(c, FACT_SEEDS, summaries) for c in facts.COMPARISONS]
        dock = docking.points()
        dock_summaries = _summarise_jobs(
            executor,
            [p.arm() for p in dock],
            DOCKING_SEEDS,
            DOCKING_CITIZENS,
            docking.STEPS,
            "4/6 verification",
        )
        active = np.array(
            [
                [1.0 - dock_summaries[p.arm(), s]["self_censorship_rate"] for s in DOCKING_SEEDS]
                for p in dock
            ]
        )
        peer_docking = dock_with_peer(executor, PEER_SEEDS, DOCKING_CITIZENS, "5/6 docking")
        sample = sensitivity.design()
        morris_arms = sensitivity.arms(sample)
        morris = _summarise_jobs(
            executor,
            morris_arms,
            sensitivity.RUN_SEEDS,
            SENSITIVITY_CITIZENS,
            FACT_STEPS,
            "6/6 sensitivity",
        )
        outputs = [[morris[a, s] for a in morris_arms] for s in sensitivity.RUN_SEEDS]
        screening = sensitivity.analyse(sample, outputs)
    finally:
        if executor is not None:
            executor.shutdown()
    return Results(comparisons, calibration, profile, dock, active, peer_docking, sample, screening)


def dock_with_peer(
    executor: Any, seeds: Sequence[int], n_citizens: int, desc: str = ""
) -> epstein.DockingCurve:
    """Run Mesa's Epstein example and the matched scs_sim reduction on ``seeds``."""
    outcomes = map_jobs(executor, epstein.run_peer_job, epstein.peer_jobs(seeds), desc)
    perceived, peer_relative, jailed = epstein.peer_curve(outcomes)
    arms = [epstein.matched_arm(p) for p in perceived]
    summaries = _summarise_jobs(executor, arms, seeds, n_citizens, docking.STEPS, desc)
    ours = [np.mean([1.0 - summaries[a, s]["self_censorship_rate"] for s in seeds]) for a in arms]
    return epstein.DockingCurve(
        np.array(epstein.COP_DENSITIES), perceived, peer_relative, jailed, np.array(ours)
    )


# ---------------------------------------------------------------- figures


def _fact_figure(results: list[facts.ComparisonResult]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(3.2 * len(results), 3.0), squeeze=False)
    for ax, r in zip(axes[0], results, strict=True):
        c = r.comparison
        left = c.control_metric if c.control_metric else c.control.label
        right = c.metric if c.control_metric else c.treatment.label
        for a, b in zip(r.control, r.treatment, strict=True):
            ax.plot([0, 1], [a, b], color="0.6", lw=0.8, marker="o", ms=3)
        ax.plot([0, 1], [r.control.mean(), r.treatment.mean()], color="C3", lw=2, marker="o")
        ax.set_xticks([0, 1], [left, right], fontsize=7)
        ax.set_xlim(-0.3, 1.3)
        ax.set_title(f"{c.metric}\np = {g(r.p_value)}", fontsize=8)
        ax.set_ylabel(unit(c.metric) or "share 0-1", fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle("Mean over the last 26 weeks, one grey line per seed (red: mean)", fontsize=8)
    fig.tight_layout()
    return fig


def _calibration_figure(calibration: list[tuple[dict[str, float], np.ndarray]]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(10, 3.0))
    series = np.array([s for _, s in calibration]) * 100
    steps = np.arange(series.shape[1])
    target = {t.name: t for t in TARGETS}
    ax = axes[0]
    for row in series:
        ax.plot(steps, row, color="0.6", lw=0.8)
    ax.plot(steps, series.mean(axis=0), color="C3", lw=2, label="mean of seeds")
    share = target["listed_share_end"]
    ax.errorbar([104], [share.value * 100], yerr=[share.tolerance * 100], color="k", capsize=4)
    ax.scatter([0], [0.5], color="k", zorder=3, label="published (fitted)")
    ax.errorbar(
        [c.step for c in OUT_OF_SAMPLE],
        [c.value * 100 for c in OUT_OF_SAMPLE],
        yerr=[c.tolerance * 100 for c in OUT_OF_SAMPLE],
        fmt="D",
        color="C2",
        capsize=4,
        label="published (out of sample)",
    )
    ax.set_xlabel("step (week); 104 = end of 2018")
    ax.set_title("court blacklist size", fontsize=9)
    ax.set_ylabel("% of citizens listed")
    ax.set_title("listed_share over time", fontsize=9)
    ax.legend(fontsize=7)
    for ax, name in zip(axes[1:], ("flight_rail_ratio", "pressure_repayment_ratio"), strict=True):
        sims = [m[name] for m, _ in calibration]
        t = target[name]
        ax.axhspan(t.value - t.tolerance, t.value + t.tolerance, color="C0", alpha=0.2)
        ax.axhline(t.value, color="C0", label="published +- tolerance")
        ax.scatter(range(len(sims)), sims, color="C3", label="simulated (seed)")
        ax.set_xticks(range(len(sims)), [str(s) for s in CALIBRATION_SEEDS])
        ax.set_xlabel("seed")
        ax.set_ylabel("ratio", fontsize=8)
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle("Calibration: simulated (seeds) against published figures", fontsize=10)
    fig.tight_layout()
    return fig


def _docking_figure(results: Results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.4))
    expected = np.array([p.expected_sanction for p in results.docking_points])
    grid = np.linspace(0.0, expected.max(), 60)
    ax.plot(
        grid,
        [docking.closed_form_active_share(e) for e in grid],
        color="k",
        lw=1,
        label="closed form",
    )
    for sweep, marker in (("probability", "o"), ("severity", "s")):
        idx = [i for i, p in enumerate(results.docking_points) if p.sweep == sweep]
        ax.scatter(
            expected[idx],
            results.docking_active[idx].mean(axis=1),
            marker=marker,
            label=f"simulated, {sweep} varies",
        )
    ax.set_xlabel("expected sanction E = P(observed) x penalty (100 points)")
    ax.set_ylabel("share of wanted critical posts voiced")
    ax.set_title("Docking with Epstein's civil violence model", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _sensitivity_figure(screening: sensitivity.Screening):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    params = list(sensitivity.PARAMETERS)
    data = np.array([[screening.relative[o][p] for o in sensitivity.OUTPUTS] for p in params])
    fig, ax = plt.subplots(figsize=(7, 4))
    im = ax.imshow(data, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(sensitivity.OUTPUTS)), sensitivity.OUTPUTS, rotation=30, ha="right")
    ax.set_yticks(range(len(params)), params)
    ax.set_xlabel("output (mean over the last 26 weeks)")
    ax.set_ylabel("parameter")
    ax.set_title("Morris screening: relative mu* of each parameter", fontsize=9)
    fig.colorbar(im, label="mu* / largest mu* of the output")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- markdown


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _mean_sd(values: np.ndarray) -> str:
    return f"{g(values.mean())} ({g(values.std(ddof=1))})"


def _facts_section(results: Results, figures: dict[str, Any]) -> list[str]:
    out = [
        "## Stylised facts",
        "",
        f"Settings: {FACT_CITIZENS} citizens, {FACT_STEPS} steps (two simulated years), seeds "
        f"{FACT_SEEDS[0]}-{FACT_SEEDS[-1]}; each arm runs on the same seeds (common random "
        "numbers), rates are averaged over the last 26 steps, counters (`ties_cut`) are read at "
        "the end. Test: one-sided Wilcoxon signed-rank on the paired differences, a comparison "
        f"holds when the mean difference points the expected way and p < {facts.ALPHA}. With "
        f"{len(FACT_SEEDS)} seeds the smallest possible p is {g(1 / 2 ** len(FACT_SEEDS))} "
        "(every seed in the expected direction). Unless named otherwise, arms are the "
        "*scored society*: full-scs without its story events (rental sanctions from step 0), "
        "with one lever changed. Primary comparisons are asserted by "
        "tests/test_stylised_facts.py; the others are context. Effect size d_z is the mean "
        "paired difference over its standard deviation (signed: positive = the expected way); "
        f"power is the bootstrap share of {facts.POWER_RESAMPLES} resamples of the paired "
        f"differences, at {len(FACT_SEEDS)} seeds, in which the comparison holds. The seeds are "
        f"chosen so that every primary comparison has power >= {facts.TARGET_POWER}; "
        "tests/test_facts_held_out.py re-tests every primary comparison on 20 seeds that this "
        "page does not use.",
        "",
    ]
    rows = []
    for r in results.comparisons:
        c = r.comparison
        rows.append(
            [
                c.fact,
                c.label + ("" if c.primary else " *(context)*"),
                c.expect,
                _mean_sd(r.control),
                _mean_sd(r.treatment),
                g(r.difference.mean()),
                f"{r.in_direction}/{len(r.seeds)}",
                g(r.effect_size),
                g(r.power()),
                g(r.p_value),
                "yes" if r.holds else "**no**",
            ]
        )
    out += _table(
        [
            "fact",
            "comparison (treatment vs control)",
            "expected",
            "control mean (sd)",
            "treatment mean (sd)",
            "mean diff",
            "seeds in direction",
            "effect size d_z",
            "power",
            "p",
            "holds",
        ],
        rows,
    )
    out.append("")
    for key, claim in facts.FACTS.items():
        group = [r for r in results.comparisons if r.comparison.fact == key]
        name = f"validation-{key}.png"
        figures[name] = _fact_figure(group)
        primary = [r for r in group if r.comparison.primary]
        verdict = "holds" if all(r.holds for r in primary) else "does NOT hold"
        out += [f"### {claim}", "", facts.NOTES[key], "", f"![{key}](figures/{name})", ""]
        out.append(
            f"Verdict on the primary comparisons: **{verdict}**. Paired differences by seed:"
        )
        out.append("")
        for r in group:
            diffs = ", ".join(f"{d:+.3g}" for d in r.difference)
            out.append(f"- {r.comparison.label}: {diffs}")
        out.append("")
        if key == "income":
            out += _income_decomposition(group)
    return out


def _mean_interval(values: np.ndarray) -> str:
    """Mean with its 95% t interval over seeds, as text."""
    low, high = t_interval(values)
    return f"{g(values.mean())} (95% interval {g(low)} to {g(high)})"


def _income_decomposition(group: list) -> list[str]:
    """How much of the scored society's income gap the strain feedback explains.

    A share of the gap is stated only when the gap itself is distinguishable from zero
    (its 95% interval over seeds excludes 0); a share of a gap that may be 0 is noise.
    """
    gaps = [r for r in group if r.comparison.metric == "income_gap"]
    feedback = next(r for r in gaps if r.comparison.treatment == facts.BASE)
    strain = next(r for r in gaps if r.comparison.treatment == facts.UNDETERRED_SOCIETY)
    gap = np.asarray(feedback.treatment, dtype=float)
    change = np.asarray(feedback.difference, dtype=float)
    text = (
        f"Bottom-minus-top gap in the sanctioned share, scored society: {_mean_interval(gap)}, "
        f"over {len(gap)} seeds. Sanction costs change it by {_mean_interval(change)}; "
        "they work two ways, as strain (costs -> strain -> debts) and as deterrence (a dearer "
        "sanction is a bigger expected one, and debtors repay). Strain alone, with "
        f"deterrence 0 in both arms: {_mean_interval(np.asarray(strain.difference, float))}. "
    )
    low, high = t_interval(gap)
    if low > 0 or high < 0:
        text += f"The feedback accounts for {g(100 * change.mean() / gap.mean())}% of the gap."
    else:
        text += (
            "The gap is not distinguishable from zero, so no share of it is attributed to "
            "the feedback: in the scored society a clean record scores the same at any "
            "income, and the debts that low incomes carry more often do not show as a "
            "detectable gap in who is sanctioned."
        )
    return [text, ""]


def _calibration_section(results: Results, figures: dict[str, Any]) -> list[str]:
    moments = {
        k: np.array([m[k] for m, _ in results.calibration]) for k in results.calibration[0][0]
    }
    mean = {k: float(v.mean()) for k, v in moments.items()}
    within = within_tolerance(mean)
    scenario = load_scenario(CALIBRATION_SCENARIO)
    figures["validation-calibration.png"] = _calibration_figure(results.calibration)
    out = [
        "## Calibration fit",
        "",
        f"Scenario `scenarios/{CALIBRATION_SCENARIO}.toml` (court blacklist only; one step is "
        "one week, step 0 is early 2017, step 104 early 2019). Fitted by `scs-sim calibrate` "
        f"(method and record: docs/calibration.md, `{FIT_RECORD}`); here it is rerun on "
        f"held-out seeds {', '.join(map(str, CALIBRATION_SEEDS))} at {CALIBRATION_CITIZENS} "
        "citizens. A target passes when the mean over these seeds lies within its tolerance "
        "(single runs at this size are noisier: see the standard deviations).",
        "",
        "![calibration](figures/validation-calibration.png)",
        "",
    ]
    rows = []
    for t in TARGETS:
        rows.append(
            [
                t.name,
                t.figure,
                t.source,
                t.moment,
                f"{g(t.value)} +- {g(t.tolerance)}",
                _mean_sd(moments[t.name]),
                "yes" if within[t.name] else "**no**",
            ]
        )
    out += _table(
        [
            "target",
            "published figure",
            "source",
            "simulated moment",
            "target +- tolerance",
            "simulated mean (sd)",
            "within",
        ],
        rows,
    )
    out += [
        "",
        f"Not fitted, reported: listed share at step 0 = {g(mean['listed_share_start'])} "
        "(set by `initial_listed_share`), share of listings resting on a record error = "
        f"{g(mean['wrongful_listing_share'])} (no published figure; an assumption via "
        "`record_error_rate`).",
        "",
        "Fitted values in the scenario: "
        + ", ".join(f"`{p.name} = {g(getattr(scenario, p.name))}`" for p in FREE_PARAMETERS)
        + ".",
        "",
    ]
    return out + _out_of_sample_section(results) + _profile_section(results, scenario)


def _out_of_sample_section(results: Results) -> list[str]:
    series = np.array([s for _, s in results.calibration])
    rows = []
    for check in OUT_OF_SAMPLE:
        values = series[:, check.step]
        inside = abs(values.mean() - check.value) <= check.tolerance
        rows.append(
            [
                check.name,
                check.figure,
                check.source,
                str(check.step),
                f"{g(check.value)} +- {g(check.tolerance)}",
                _mean_sd(values),
                "yes" if inside else "**no**",
            ]
        )
    out = [
        "### Out-of-sample checks",
        "",
        "Published list sizes the fit did not use, read from the same runs (continued to step "
        f"{HORIZON}). Steps follow the calibration's calendar: step 104 is the end of 2018, so "
        "the end of 2017 is step 52 and mid-July 2019 step 132. Shares are of 1.4 bn people.",
        "",
    ]
    out += _table(
        [
            "check",
            "published figure",
            "source",
            "step",
            "share +- tolerance",
            "simulated mean (sd)",
            "within",
        ],
        rows,
    )
    return [*out, ""]


def _profile_section(results: Results, scenario: Any) -> list[str]:
    points = results.calibration_profile
    rows = []
    for direction, names in uncertainty.DIRECTIONS.items():
        band = uncertainty.accepted_band(points, direction)
        fitted = ", ".join(f"`{n} = {g(getattr(scenario, n))}`" for n in names)
        shown = "none of the grid" if band is None else f"x{g(band[0])} - x{g(band[1])}"
        verdict = (
            "**not constrained** by the targets"
            if uncertainty.unconstrained(points, direction)
            else "constrained"
        )
        rows.append([direction, fitted, shown, verdict])
    factors = ", ".join(g(f) for f in uncertainty.FACTORS)
    out = [
        "### Uncertainty of the fitted values (profile)",
        "",
        "Each direction scales its fields by a factor of the grid "
        f"({factors}), the others held at their fitted values, on seeds "
        f"{', '.join(map(str, PROFILE_SEEDS))} at {CALIBRATION_CITIZENS} citizens "
        "(`scs_sim.calibration.uncertainty`). A factor is accepted when every target's mean "
        "stays within its tolerance; the accepted factors are the value's uncertainty band.",
        "",
    ]
    out += _table(["direction", "fitted value(s)", "accepted factors", "verdict"], rows)
    out += [
        "",
        "`ticket_demand_level` scales `flight_demand` and `rail_demand` together. The only "
        "ticket figure is the ratio of blocked flights to blocked trains, so the level of "
        "demand is not pinned by any published number: `rail_demand` is an assumption, "
        "poorly constrained, and the absolute numbers of blocked tickets scale with it.",
        "",
    ]
    return out


def _docking_section(results: Results, figures: dict[str, Any]) -> list[str]:
    figures["validation-docking.png"] = _docking_figure(results)
    active = results.docking_active.mean(axis=1)
    rows, deviations = [], []
    for p, a in zip(results.docking_points, active, strict=True):
        exact = docking.closed_form_active_share(p.expected_sanction)
        deviations.append(abs(a - exact))
        rows.append(
            [
                p.sweep,
                g(p.surveillance),
                g(p.record_memory),
                g(p.expected_sanction),
                g(a),
                g(exact),
            ]
        )
    pts = results.docking_points
    decreasing = all(
        docking.is_decreasing(
            np.array([a for p, a in zip(pts, active, strict=True) if p.sweep == sweep])
        )
        for sweep in ("probability", "severity")
    )
    settings = ", ".join(f"`{k} = {toml_value(v)}`" for k, v in docking.REDUCTION)
    out = [
        "## Verification: the reduced model against its closed form",
        "",
        "This section is verification, not validation: it checks the code against the "
        "rule it implements. A reduction of scs_sim to a single surveillance-and-sanction "
        "mechanism on a ring lattice behaves like Epstein's (2002) civil violence model: "
        "the share of active dissent falls as the expected sanction (probability of being "
        "caught x severity) rises. "
        "Settings, on top of the baseline scenario: " + settings + ". The probability sweep "
        f"varies `surveillance` at `record_memory = {docking.SEVERITY_FIXED_MEMORY}`; the "
        f"severity sweep varies `record_memory` (the score cost of an observed post) at "
        f"`surveillance = {docking.PROBABILITY_FIXED}`. {DOCKING_CITIZENS} citizens, "
        f"{docking.STEPS} steps, seeds {', '.join(map(str, DOCKING_SEEDS))}; active dissent = "
        "1 - self_censorship_rate (share of wanted critical posts that are voiced), averaged "
        "over steps and seeds.",
        "",
        "![docking](figures/validation-docking.png)",
        "",
    ]
    out += _table(
        [
            "sweep",
            "surveillance",
            "record_memory",
            "expected sanction E",
            "active dissent (sim)",
            "closed form E[exp(-k RA E)]",
        ],
        rows,
    )
    out += [
        "",
        f"Active dissent decreases with E along both sweeps: **{'yes' if decreasing else 'no'}**. "
        f"Largest gap to the closed form: {g(max(deviations))}. The two sweeps fall on one "
        "curve, so only the product probability x severity matters, as in Epstein's net risk "
        "R x P x J. Unlike Epstein's threshold rule, the response here is smooth (each "
        "citizen holds back with a probability), so there are no sudden outbursts.",
        "",
    ]
    return out


def _peer_figure(curve: epstein.DockingCurve):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.4))
    order = np.argsort(curve.perceived_probability)
    p = curve.perceived_probability[order]
    ax.plot(p, curve.peer_relative[order], "o-", label="Mesa's Epstein example (peer)")
    ax.plot(p, curve.reduction_relative[order], "s--", label="scs_sim reduction, matched")
    ax.set_xlabel("perceived probability of sanction for dissent")
    ax.set_ylabel("relative active dissent")
    ax.set_title("Docking with Epstein's civil violence model")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _peer_section(results: Results, figures: dict[str, Any]) -> list[str]:
    curve = results.peer_docking
    figures["validation-peer-docking.png"] = _peer_figure(curve)
    rows = [
        [g(d), g(p), g(j), g(a), g(b), g(a - b)]
        for d, p, j, a, b in zip(
            curve.cop_density,
            curve.perceived_probability,
            curve.peer_jailed,
            curve.peer_relative,
            curve.reduction_relative,
            strict=True,
        )
    ]
    rho_peer, rho_ours = curve.rank_correlations()
    gap, where = curve.largest_gap()
    settings = ", ".join(f"`{k} = {v}`" for k, v in epstein.EPSTEIN_SETTINGS.items())
    out = [
        "## Docking: Mesa's Epstein civil violence example",
        "",
        "Docking in the sense of Axtell et al. (1996): an independently written model of the "
        "same mechanism, run unmodified, against a matched reduction of scs_sim "
        "(`scs_sim.validation.epstein`). The peer is Mesa's "
        "`mesa.examples.advanced.epstein_civil_violence` on a "
        f"{epstein.GRID}x{epstein.GRID} torus with {settings} (other settings Mesa's "
        f"defaults), {epstein.STEPS} steps, outcomes averaged after step {epstein.BURN_IN}. "
        "For each cop density the peer's citizens' mean estimated arrest probability P is "
        "measured; scs_sim's reduction (the settings of the section above) then runs with "
        "`surveillance = P`, so both models face the same perceived probability of being "
        "sanctioned for dissent. Relative active dissent: the peer's active share among "
        "citizens not in jail over the same seed's share without cops; scs_sim's share of "
        f"wanted critical posts voiced. Seeds {', '.join(map(str, PEER_SEEDS))} for both; "
        f"{DOCKING_CITIZENS} scs_sim citizens.",
        "",
        "![peer docking](figures/validation-peer-docking.png)",
        "",
    ]
    out += _table(
        [
            "cop density",
            "perceived P",
            "jailed share (peer)",
            "relative dissent (peer)",
            "relative dissent (scs_sim)",
            "peer - scs_sim",
        ],
        rows,
    )
    out += [
        "",
        f"Relational equivalence: Spearman correlation of relative dissent with P is "
        f"{g(rho_peer)} for the peer and {g(rho_ours)} for scs_sim (both fall as the perceived "
        f"probability rises). Numerical equivalence is not expected and does not hold: the "
        f"largest gap is {g(gap)}, at P = {g(where)}. Two causes, both visible in the table: "
        "(1) where cops are too few to be seen (P near 0) the peer's dissent still falls, "
        "because jail removes the most aggrieved citizens from the free population (a "
        "selection effect scs_sim has no counterpart for: it sanctions scores, not bodies); "
        "(2) the peer's rule is a threshold on grievance minus risk, scs_sim's a probability "
        "of holding back, so the peer falls more steeply once P matters.",
        "",
    ]
    return out


def _sensitivity_section(results: Results, figures: dict[str, Any]) -> list[str]:
    screening = results.screening
    figures["validation-sensitivity.png"] = _sensitivity_figure(screening)
    n_runs = len(results.morris_sample)
    out = [
        "## Sensitivity: Morris screening",
        "",
        f"SALib Morris elementary effects: {sensitivity.TRAJECTORIES} trajectories, "
        f"{sensitivity.LEVELS} levels, {n_runs} runs of the scored society at "
        f"{SENSITIVITY_CITIZENS} citizens and {FACT_STEPS} steps, repeated on seeds "
        f"{', '.join(map(str, sensitivity.RUN_SEEDS))} (within a seed every run shares the draw: "
        "common random numbers). Ranges screened: "
        + ", ".join(f"`{p}` {g(lo)}-{g(hi)}" for p, (lo, hi) in sensitivity.PARAMETERS.items())
        + ". Cells: mu* averaged over seeds [smallest-largest over seeds] (sigma averaged); "
        "bold = the most influential parameter of that output.",
        "",
        "![sensitivity](figures/validation-sensitivity.png)",
        "",
    ]
    rows = []
    for p in sensitivity.PARAMETERS:
        row = [f"`{p}`"]
        for o in sensitivity.OUTPUTS:
            cell = (
                f"{g(screening.mu_star[o][p])} [{g(screening.mu_star_low[o][p])}-"
                f"{g(screening.mu_star_high[o][p])}] ({g(screening.sigma[o][p])})"
            )
            row.append(f"**{cell}**" if screening.relative[o][p] == 1.0 else cell)
        rows.append(row)
    out += _table(["parameter", *sensitivity.OUTPUTS], rows)
    out += ["", "What moves each conclusion most (parameters with mu* >= half the largest):", ""]
    for o in sensitivity.OUTPUTS:
        strong = sorted(
            (p for p, v in screening.relative[o].items() if v >= 0.5),
            key=lambda p: -screening.relative[o][p],
        )
        stable = (
            "the same first on every seed"
            if screening.stable_top(o)
            else "first by seed: " + ", ".join(f"`{p}`" for p in screening.top_by_seed[o])
        )
        out.append(f"- `{o}`: " + ", ".join(f"`{p}`" for p in strong) + f" ({stable})")
    out += [
        "",
        "The stylised facts are directions (a lever raises or lowers an outcome); the screening "
        "shows which assumptions set their size. A large sigma relative to mu* means the "
        "effect depends on the other parameters, so a fact's size measured at the defaults "
        "need not carry over to other settings. With few trajectories the ranking of "
        "parameters with similar mu* is uncertain (a different Morris design can swap them); "
        "the range over seeds shows how much of it is the draw. "
        "The strength of the sanction feedback, `strain_sensitivity`, has a mu* of "
        f"{g(screening.relative['income_gap']['strain_sensitivity'])} of the largest on "
        "`income_gap`.",
        "",
    ]
    return out


def render(results: Results) -> Report:
    """The page and its figures from computed results."""
    figures: dict[str, Any] = {}
    header = [
        "# Validation",
        "",
        "<!-- GENERATED by `scs-sim validation-report` (src/scs_sim/validation/report.py). "
        "Do not edit by hand: regenerate. CI fails when this page is stale "
        "(`scs-sim validation-report --check`, run by tests/test_validation_doc.py). -->",
        "",
        "Every number on this page comes from fresh runs of the current code with fixed seeds. "
        "Populations are small (1,000 citizens; 50,000 for the calibration) and seeds few, so "
        "that the page regenerates in well under two minutes on two cores; shares and rates "
        "do not depend on the population size, but single runs are noisier than at full size. "
        "One step is one week.",
        "",
    ]
    body = (
        _facts_section(results, figures)
        + _calibration_section(results, figures)
        + _docking_section(results, figures)
        + _peer_section(results, figures)
        + _sensitivity_section(results, figures)
    )
    return Report("\n".join(header + body).rstrip() + "\n", figures)


@functools.cache
def shared_results(workers: int = 2) -> Results:
    """:func:`compute`, once per process: the runs are deterministic, so tests share them."""
    return compute(workers)


def generate(workers: int = 2) -> Report:
    """Compute and render the page."""
    return render(shared_results(workers))


def write(report: Report, out: Path) -> None:
    """Write the page and its figures (atomically, figures first)."""
    from scs_sim.output import atomic_text, atomic_write

    figure_dir = out.parent / "figures"
    for name, fig in report.figures.items():
        atomic_write(
            figure_dir / name,
            lambda tmp, fig=fig: fig.savefig(
                tmp, format="png", dpi=100, metadata={"Software": None}
            ),
        )
    atomic_text(out, report.markdown)


def stale_diff(report: Report, out: Path) -> list[str]:
    """Unified diff of the page on disk against ``report`` (empty when up to date)."""
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    return list(
        difflib.unified_diff(
            current.splitlines(),
            report.markdown.splitlines(),
            f"{out} (on disk)",
            f"{out} (generated now)",
            lineterm="",
        )
    )


def run(args: argparse.Namespace) -> int:
    """Regenerate the page, or check it; returns the exit code."""
    if args.workers < 1:
        from scs_sim.cli import InputError

        raise InputError(f"--workers {args.workers}: allowed: an integer >= 1")
    from scs_sim.kernel_cache import announce_compilation

    announce_compilation()
    print("running the validation runs (progress below)...", file=sys.stderr, flush=True)
    report = generate(args.workers)
    if args.check:
        diff = stale_diff(report, args.out)
        if diff:
            print(f"{args.out} is stale; regenerate with `scs-sim validation-report`:")
            print("\n".join(diff[:60]))
            return 1
        print(f"{args.out} is up to date")
        return 0
    write(report, args.out)
    print(f"wrote {args.out} and {len(report.figures)} figures")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m scs_sim.validation``."""
    from scs_sim.cli import USAGE_ERROR, InputError

    parser = argparse.ArgumentParser(
        prog="python -m scs_sim.validation",
        description="Regenerate docs/validation.md from fresh runs, or --check that it is current.",
    )
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except InputError as exc:
        print(f"python -m scs_sim.validation: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
