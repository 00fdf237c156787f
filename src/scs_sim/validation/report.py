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

from scs_sim.calibration import TARGETS, within_tolerance
from scs_sim.calibration.fit import FREE_PARAMETERS
from scs_sim.calibration.targets import simulate
from scs_sim.loading import load_scenario, toml_value
from scs_sim.metric_info import unit
from scs_sim.validation import add_arguments, docking, facts, sensitivity
from scs_sim.validation.runs import Arm, Job, map_jobs, open_pool, summarise

FACT_CITIZENS = 1000
FACT_STEPS = 104
FACT_SEEDS = tuple(range(1, 11))
DOCKING_CITIZENS = 1000
DOCKING_SEEDS = (1, 2, 3)
SENSITIVITY_CITIZENS = 1000
CALIBRATION_SCENARIO = "calibrated-2019"
CALIBRATION_CITIZENS = 50_000
CALIBRATION_SEEDS = (11, 12, 13, 14, 15, 16)
"""Held-out seeds: the fit used seeds 1-8 (benchmarks/results/calibration-2019.json)."""
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

    return simulate(Scenario.model_validate(data), seed)


def _summarise_jobs(
    executor: Any, arm_list: Sequence[Arm], seeds: Sequence[int], n: int, steps: int, desc: str
) -> dict[tuple[Arm, int], dict[str, float]]:
    jobs = [Job(arm.resolve(n), s, steps) for arm in arm_list for s in seeds]
    keys = [(arm, s) for arm in arm_list for s in seeds]
    return dict(zip(keys, map_jobs(executor, summarise, jobs, desc), strict=True))


@dataclass
class Results:
    """Every number the page shows."""

    comparisons: list[facts.ComparisonResult]
    calibration: list[tuple[dict[str, float], np.ndarray]]
    docking_points: list[docking.DockingPoint]
    docking_active: np.ndarray
    """Active dissent share, shape (points, seeds)."""
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
            "1/4 calibration",
        )
        summaries = _summarise_jobs(
            executor, facts.arms(), FACT_SEEDS, FACT_CITIZENS, FACT_STEPS, "2/4 stylised facts"
        )
        comparisons = [facts.evaluate(c, FACT_SEEDS, summaries) for c in facts.COMPARISONS]
        dock = docking.points()
        dock_summaries = _summarise_jobs(
            executor,
            [p.arm() for p in dock],
            DOCKING_SEEDS,
            DOCKING_CITIZENS,
            docking.STEPS,
            "3/4 docking",
        )
        active = np.array(
            [
                [1.0 - dock_summaries[p.arm(), s]["self_censorship_rate"] for s in DOCKING_SEEDS]
                for p in dock
            ]
        )
        sample = sensitivity.design()
        morris_arms = sensitivity.arms(sample)
        morris = _summarise_jobs(
            executor,
            morris_arms,
            (sensitivity.RUN_SEED,),
            SENSITIVITY_CITIZENS,
            FACT_STEPS,
            "4/4 sensitivity",
        )
        outputs = [morris[a, sensitivity.RUN_SEED] for a in morris_arms]
        screening = sensitivity.analyse(sample, outputs)
    finally:
        if executor is not None:
            executor.shutdown()
    return Results(comparisons, calibration, dock, active, sample, screening)


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
    ax.errorbar(
        [steps[-1]], [share.value * 100], yerr=[share.tolerance * 100], color="k", capsize=4
    )
    ax.scatter([0], [0.5], color="k", zorder=3, label="published")
    ax.set_xlabel("step (week); 0 = early 2017")
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
        "tests/test_stylised_facts.py; the others are context.",
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
            gap = next(r for r in group if r.comparison.metric == "income_gap")
            share = gap.difference.mean() / gap.treatment.mean()
            out += [
                f"The feedback (sanction costs -> strain -> debts) adds {g(share * 100)}% of the "
                "bottom-minus-top gap; the rest comes from income entering the score "
                "(fulfilment capacity) and from debts being likelier at low income.",
                "",
            ]
    return out


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
        "## Docking: Epstein's civil violence model",
        "",
        "A reduction of scs_sim to a single surveillance-and-sanction mechanism on a ring "
        "lattice behaves like Epstein's (2002) civil violence model: the share of active "
        "dissent falls as the expected sanction (probability of being caught x severity) rises. "
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


def _sensitivity_section(results: Results, figures: dict[str, Any]) -> list[str]:
    screening = results.screening
    figures["validation-sensitivity.png"] = _sensitivity_figure(screening)
    n_runs = len(results.morris_sample)
    out = [
        "## Sensitivity: Morris screening",
        "",
        f"SALib Morris elementary effects: {sensitivity.TRAJECTORIES} trajectories, "
        f"{sensitivity.LEVELS} levels, {n_runs} runs of the scored society at "
        f"{SENSITIVITY_CITIZENS} citizens and {FACT_STEPS} steps, seed {sensitivity.RUN_SEED} "
        "for all (common random numbers). Ranges screened: "
        + ", ".join(f"`{p}` {g(lo)}-{g(hi)}" for p, (lo, hi) in sensitivity.PARAMETERS.items())
        + ". Cells: mu* (sigma); bold = the most influential parameter of that output.",
        "",
        "![sensitivity](figures/validation-sensitivity.png)",
        "",
    ]
    rows = []
    for p in sensitivity.PARAMETERS:
        row = [f"`{p}`"]
        for o in sensitivity.OUTPUTS:
            cell = f"{g(screening.mu_star[o][p])} ({g(screening.sigma[o][p])})"
            row.append(f"**{cell}**" if screening.relative[o][p] == 1.0 else cell)
        rows.append(row)
    out += _table(["parameter", *sensitivity.OUTPUTS], rows)
    out += ["", "What moves each conclusion most (parameters with mu* >= half the largest):", ""]
    for o in sensitivity.OUTPUTS:
        strong = sorted(
            (p for p, v in screening.relative[o].items() if v >= 0.5),
            key=lambda p: -screening.relative[o][p],
        )
        out.append(f"- `{o}`: " + ", ".join(f"`{p}`" for p in strong))
    out += [
        "",
        "The stylised facts are directions (a lever raises or lowers an outcome); the screening "
        "shows which assumptions set their size. A large sigma relative to mu* means the "
        "effect depends on the other parameters, so a fact's size measured at the defaults "
        "need not carry over to other settings. With few trajectories the ranking of "
        "parameters with similar mu* is uncertain (a different Morris design can swap them). "
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
