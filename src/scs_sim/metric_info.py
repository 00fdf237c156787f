"""What every output column means: one definition per metric, used by the summaries,
the figures' axis labels and the data dictionary (docs/outputs.md).

docs/outputs.md embeds the tables made here between markers; a test fails when they
are stale. Regenerate with ``python -m scs_sim.metric_info --write docs/outputs.md``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from scs_sim.doc_blocks import Block

PER_STEP = "per step"
"""Kind of a metric that describes the state (or the events) of one step."""

CUMULATIVE = "cumulative"
"""Kind of a metric that counts events from step 1 up to this step."""


@dataclass(frozen=True)
class MetricInfo:
    """The definition of one output column.

    Attributes:
        meaning: One short phrase for summary tables.
        numerator: What is counted or summed.
        denominator: What it is divided by ("" for a count or a statistic).
        unit: Unit of the value (e.g. "share 0-1", "points", "count").
        kind: :data:`PER_STEP` or :data:`CUMULATIVE`.
        score: Whether the metric describes the score (NaN while no score runs).
    """

    meaning: str
    numerator: str
    denominator: str
    unit: str
    kind: str = PER_STEP
    score: bool = False


SHARE = "share 0-1"
ALL = "all citizens"

METRIC_INFO: dict[str, MetricInfo] = {
    "mean_score": MetricInfo(
        "mean social credit score",
        "sum of citizens' scores",
        ALL,
        "points, 350-950",
        score=True,
    ),
    "score_gini": MetricInfo(
        "inequality of scores (Gini)",
        "Gini coefficient of scores rounded to whole points",
        "",
        "index 0-1",
        score=True,
    ),
    "self_censorship_rate": MetricInfo(
        "critical posts held back",
        "citizens who wanted to post something critical this step and held it back",
        "citizens who wanted to post something critical this step",
        SHARE,
    ),
    "expression_gap": MetricInfo(
        "dissent not expressed",
        "sum over citizens of private dissent x probability of self-censoring",
        ALL,
        "dissent 0-1 per citizen",
    ),
    "donation_rate": MetricInfo("citizens donating", "citizens who donated this step", ALL, SHARE),
    "performative_donation_rate": MetricInfo(
        "donating for the score",
        "citizens who donated this step only because they believe donations raise the score",
        ALL,
        SHARE,
    ),
    "blacklisted_share": MetricInfo(
        "on the court blacklist", "citizens on the blacklist at the end of the step", ALL, SHARE
    ),
    "travel_banned_share": MetricInfo(
        "banned from flights or trains",
        "citizens with a flight or rail restriction at the end of the step",
        ALL,
        SHARE,
    ),
    "visa_restricted_share": MetricInfo(
        "visa restricted",
        "citizens with a visa restriction at the end of the step",
        ALL,
        SHARE,
    ),
    "rental_restricted_share": MetricInfo(
        "rental restricted",
        "citizens with a rental restriction at the end of the step",
        ALL,
        SHARE,
    ),
    "sanctioned_share": MetricInfo(
        "under any restriction",
        "citizens with at least one restriction (travel, visa or rental) at the end of the step",
        ALL,
        SHARE,
    ),
    "false_positive_share": MetricInfo(
        "sanctioned wrongly",
        "sanctioned citizens with at least one restriction their own conduct does not justify "
        "(record errors, low-scored contacts)",
        "sanctioned citizens (0 when nobody is sanctioned)",
        SHARE,
    ),
    "clean_record_sanctioned_share": MetricInfo(
        "sanctioned with a clean record",
        "citizens under any restriction whose own conduct never put a bad entry on file (no debt, "
        "and no observed critical post while online behaviour was scored, ever): sanctioned for "
        "who they are (income, contacts, record errors, few donations) rather than what they did",
        ALL,
        SHARE,
    ),
    "red_list_share": MetricInfo(
        "enjoying red-list perks",
        "citizens at or above the perk threshold with perks at the end of the step",
        ALL,
        SHARE,
    ),
    "score_assortativity": MetricInfo(
        "similar scores among friends",
        "Pearson correlation of the two scores across active ties (exact, or on a fixed sample "
        "of 200,000 tie slots)",
        "",
        "correlation -1 to 1",
        score=True,
    ),
    "mean_active_degree": MetricInfo(
        "contacts per citizen", "active ties, counted at both ends", ALL, "ties per citizen"
    ),
    "isolated_share": MetricInfo(
        "citizens without contacts",
        "citizens with no active tie; at or near 0 in the shipped scenarios (own contact lists, "
        "only liabilities dropped, half the cuts rewired, mean degree 10): fragmentation shows "
        "in mean_active_degree and ties_cut",
        ALL,
        SHARE,
    ),
    "mean_perceived_surveillance": MetricInfo(
        "believed chance of being watched",
        "sum of citizens' perceived surveillance",
        ALL,
        "probability 0-1",
    ),
    "debtor_share": MetricInfo("in unpaid debt", "citizens with an unpaid debt", ALL, SHARE),
    "violation_rate": MetricInfo(
        "new violations",
        "violations committed this step",
        ALL,
        "per citizen per step",
    ),
    "support_share": MetricInfo(
        "supporting the system",
        "citizens whose attitude toward the system is favourable (after what they were told)",
        ALL,
        SHARE,
    ),
    "reidentified_share": MetricInfo(
        "observed posts attributed",
        "critical posts observed this step and tied to their author",
        "critical posts observed this step (1 under real-name registration, 0 if none)",
        SHARE,
    ),
    "sanctioned_share_bottom_income": MetricInfo(
        "sanctioned, poorest fifth",
        "citizens of the bottom income fifth with at least one restriction",
        "citizens of the bottom income fifth",
        SHARE,
    ),
    "sanctioned_share_top_income": MetricInfo(
        "sanctioned, richest fifth",
        "citizens of the top income fifth with at least one restriction",
        "citizens of the top income fifth",
        SHARE,
    ),
    "ties_cut": MetricInfo(
        "contacts dropped",
        "contacts dropped by citizens reviewing their ties (rewired ones included)",
        "",
        "count",
        CUMULATIVE,
    ),
    "violations": MetricInfo(
        "violations",
        "new violations (debts, offences) that are really committed",
        "",
        "count",
        CUMULATIVE,
    ),
    "record_errors": MetricInfo(
        "record errors",
        "bad records created by mistake for innocent citizens",
        "",
        "count",
        CUMULATIVE,
    ),
    "repayments": MetricInfo("debts repaid", "debts settled", "", "count", CUMULATIVE),
    "repaid_under_pressure": MetricInfo(
        "debts repaid while listed",
        "debts settled by citizens on the blacklist",
        "",
        "count",
        CUMULATIVE,
    ),
    "listings": MetricInfo(
        "blacklist listings", "citizens put on the blacklist", "", "count", CUMULATIVE
    ),
    "wrongful_listings": MetricInfo(
        "wrongful listings",
        "citizens put on the blacklist because of a record error",
        "",
        "count",
        CUMULATIVE,
    ),
    "appeals_won": MetricInfo(
        "appeals won", "appeals that cleared a wrong record", "", "count", CUMULATIVE
    ),
    "appeals_lost": MetricInfo("appeals lost", "appeals refused", "", "count", CUMULATIVE),
    "flights_blocked": MetricInfo(
        "flight tickets blocked",
        "flight ticket purchases refused to travel-banned citizens (attempts, not people)",
        "",
        "count",
        CUMULATIVE,
    ),
    "rail_blocked": MetricInfo(
        "rail tickets blocked",
        "rail ticket purchases refused to travel-banned citizens (attempts, not people)",
        "",
        "count",
        CUMULATIVE,
    ),
}
"""Every metric the model collects (``model.series()`` columns after ``step``)."""

GROUPS: dict[str, str] = {
    "majority": "citizens outside the minority (group 0 of the network generator)",
    "minority": "the minority community, a share `minority_share` of citizens, surveilled "
    "`minority_surveillance` times as much (group 1)",
}
"""Group column suffixes, in group order (0, 1), and who is in each group."""

STEP_INFO = MetricInfo(
    "week", "weeks since the start (0 is the initial state, before any step)", "", "week"
)
"""The ``step`` column."""


def group_column(metric: str, group: int) -> str:
    """The column of ``metric`` for group 0 (majority) or 1 (minority)."""
    return f"{metric}_{tuple(GROUPS)[group]}"


def info(column: str) -> MetricInfo:
    """The definition of a series column, group columns included.

    Raises:
        KeyError: if the column is not an output of the model.
    """
    if column == "step":
        return STEP_INFO
    if column in METRIC_INFO:
        return METRIC_INFO[column]
    for group, who in GROUPS.items():
        base = column.removesuffix(f"_{group}")
        if base != column and base in METRIC_INFO:
            m = METRIC_INFO[base]
            return MetricInfo(
                f"{m.meaning} ({group})",
                f"{m.numerator}, among {who.split(' (')[0]}",
                m.denominator.replace(ALL, f"citizens of the {group}"),
                m.unit,
                m.kind,
                m.score,
            )
    raise KeyError(column)


def axis_label(column: str) -> str:
    """A figure's axis label: meaning and unit (the column's name for other columns)."""
    try:
        m = info(column)
    except KeyError:
        return column.replace("_", " ")
    return f"{m.meaning} ({m.unit})"


def unit(column: str) -> str:
    """The unit of a column, for a y axis ("" for columns this module does not define)."""
    try:
        return info(column).unit
    except KeyError:
        return ""


# ---------------------------------------------------------------------------------------------
# Other files: comparisons, sweeps, manifests. (name, definition) pairs for the data dictionary.

COMPARISON_FILES: tuple[tuple[str, str], ...] = (
    ("a-NAME.parquet / .csv", "the control run (A): `step` and every metric, as a run's series"),
    ("b-NAME.parquet / .csv", "the scenario run (B), same columns"),
    (
        "difference.parquet / .csv",
        "`step` and, for every metric both runs have, B minus A at that step (same unit)",
    ),
    ("a-NAME.toml, b-NAME.toml", "the two scenarios as run (A matched to B's population)"),
    ("comparison.png", "the key metrics of A and B over time, policy events marked"),
)

DASHBOARD_FILES: tuple[tuple[str, str], ...] = (
    ("series CSV: step, METRIC", "the chosen run's series, as above"),
    ("series CSV: cf_METRIC", "with a comparison: the counterfactual's value of the metric"),
    ("series CSV: diff_METRIC", "with a comparison: the chosen run's value minus cf_METRIC"),
    (
        "manifest JSON",
        "scenario_source, seed, steps, scenario, captions as in a run's manifest; "
        "counterfactual.label and counterfactual.scenario with a comparison; versions",
    ),
    ("figures (PNG)", "what the page shows: network, metrics, scores, groups, comparison, citizen"),
)

CALIBRATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("scenario, method, n_citizens, seeds", "what was fitted, how, at what size, on which seeds"),
    ("start, fitted, bounds", "the free parameters: first guess, fitted value and allowed range"),
    ("targets", "the published figures: name, value, tolerance and source"),
    ("moments, moments_per_seed", "the simulated figures at the fit: mean over seeds, and each"),
    ("distance", "sum over targets of ((simulated - target) / tolerance) squared"),
    ("evaluations, converged, history", "the optimiser's evaluations and whether it converged"),
    ("provenance", "versions, commit and time, as in a run's manifest"),
)

SWEEP_RUN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "number of the run in the sweep (point x replicates + replicate), from 0"),
    ("point", "number of the design point (one combination of parameter values), from 0"),
    ("replicate", "replicate of the point, from 0"),
    ("seed", "the run's seed (derived from the sweep's seed; see `seed_rule` in the manifest)"),
    ("PARAMETER", "one column per varied parameter: its value at this point (scenario units)"),
    ("step", "the week kept (the sweep's `keep_steps`)"),
    ("METRIC", "one column per kept metric, as in the series table above"),
)

SWEEP_REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("bands.csv: point, step, metric", "design point, week and metric summarised"),
    ("bands.csv: replicates", "runs of the point present at that step"),
    ("bands.csv: q10, q50, q90 (the sweep's quantiles)", "quantiles of the metric over replicates"),
    ("bands.csv: mean", "mean of the metric over replicates"),
    ("sensitivity.csv: metric, parameter", "the output and the input of the index"),
    (
        "sensitivity.csv: S1, S1_conf, ST, ST_conf (Sobol)",
        "first-order and total Sobol indices with their 95% intervals (share of variance 0-1)",
    ),
    (
        "sensitivity.csv: mu, mu_star, mu_star_conf, sigma (Morris)",
        "mean and mean absolute elementary effect (mu*, with its 95% interval), and the "
        "effects' standard deviation (units of the metric)",
    ),
)

MANIFEST_FIELDS: tuple[tuple[str, str], ...] = (
    (
        "scenario_source",
        "where the scenario came from: a shipped name, or a path relative to the "
        "working folder or a file name (never an absolute path)",
    ),
    ("seed", "seed of the model's generator"),
    ("steps", "weeks run"),
    ("scenario", "every scenario field as resolved (overrides applied)"),
    ("timings.setup_s / run_s / total_s", "seconds to build the model / run the steps / both"),
    ("timings.median_step_s", "median seconds of one step"),
    ("captions", "policy events that fired: [week, caption]"),
    ("files", "the files of the run, written before the manifest"),
    ("compared_with, compared_source", "comparisons only: scenario B and where it came from"),
    ("scs_sim_version, git_commit", "package version, and commit of the source (-dirty: edited)"),
    ("python, mesa, numpy", "versions that produced the result"),
    ("created", "UTC time the manifest was written"),
    (
        "sweeps: kind, status, digest",
        "`scs_sim sweep`; running, complete or interrupted;, and a hash "
        "of what determines the results (a sweep resumes only into a folder with the same digest)",
    ),
    ("sweeps: sweep", "the resolved sweep: base scenario, design, parameters, metrics, steps"),
    (
        "sweeps: runs_total, runs_done, seeds, seed_rule",
        "runs planned and on disk, every run's seed and how it is derived",
    ),
    ("sweeps: executor, timings", "how the runs were run, and seconds per run"),
)

TRADEOFF_COLUMNS: tuple[tuple[str, str], ...] = (
    ("scenario", "the scenario's name"),
    ("outcome", "the outcome (rows below)"),
    ("kind", "`benefit` (what the system claims to buy) or `cost` (a harm)"),
    ("unit", "unit of policy, control, difference"),
    ("policy, control", "mean over seeds of the outcome under the scenario / its no-score control"),
    (
        "difference, difference_low, difference_high",
        "policy - control, paired by seed: mean and 95% t-interval over seeds",
    ),
    (
        "effect, effect_low, effect_high",
        "the difference signed so that + is more benefit "
        "(benefits) or more harm (costs), with its interval",
    ),
    ("seeds", "number of paired seeds"),
)

BEGIN = "<!-- BEGIN OUTPUTS (generated by python -m scs_sim.metric_info) -->"
END = "<!-- END OUTPUTS -->"


def _pairs(rows: tuple[tuple[str, str], ...], head: str) -> list[str]:
    return [f"| {head} | definition |", "|---|---|", *(f"| `{k}` | {v} |" for k, v in rows)]


def outputs_tables() -> str:
    """The data dictionary as Markdown tables."""
    lines = [
        "### Series: `timeseries.parquet` / `.csv`, `model.series()`",
        "",
        "One row per week; step 0 is the state before the first step.",
        "",
        "| column | meaning | numerator | denominator | unit | kind |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("step", *METRIC_INFO):
        m = info(name)
        note = "; NaN while no score runs" if m.score else ""
        lines.append(
            f"| `{name}` | {m.meaning} | {m.numerator}{note} | {m.denominator or '-'} | "
            f"{m.unit} | {m.kind} |"
        )
    from scs_sim.metrics import GROUP_METRICS

    group_cols = ", ".join(f"`{group_column(m, 0)}`, `{group_column(m, 1)}`" for m in GROUP_METRICS)
    lines += [
        "",
        "**Groups.** When a scenario has a minority (`minority_share > 0`), these metrics are "
        "also reported per group, with the same definition restricted to the group's citizens: "
        f"{group_cols}.",
        "",
        "| suffix | who |",
        "|---|---|",
        *(f"| `_{g}` | {who} |" for g, who in GROUPS.items()),
        "",
        "### Comparisons (`scs-sim run`, `scs-sim run --compare A B`)",
        "",
        *_pairs(COMPARISON_FILES, "file"),
        "",
        "### Sweeps: `runs/run-NNNNNNN.parquet`, `results.csv` (`--csv`), `scs_sim.sweep(...)`",
        "",
        *_pairs(SWEEP_RUN_COLUMNS, "column"),
        "",
        "`design.parquet`: `point` and one column per varied parameter.",
        "",
        "### Sweep reports: `report/bands.csv`, `report/sensitivity.csv`",
        "",
        *_pairs(SWEEP_REPORT_COLUMNS, "column"),
        "",
        "### Manifests: `manifest.json` (runs, comparisons, sweeps)",
        "",
        *_pairs(MANIFEST_FIELDS, "field"),
        "",
        "### Dashboard downloads",
        "",
        *_pairs(DASHBOARD_FILES, "file"),
        "",
        "### Calibration record: `scs-sim calibrate --out FILE.json`",
        "",
        *_pairs(CALIBRATION_FIELDS, "field"),
        "",
        *_tradeoff_tables(),
    ]
    return "\n".join(lines) + "\n"


def _tradeoff_tables() -> list[str]:
    from scs_sim.tradeoff import OUTCOMES, POLICY_SWITCHES, TAIL

    switches = ", ".join(f"`{k} = {v!r}`" for k, v in POLICY_SWITCHES.items())
    lines = [
        "### Trade-offs: `tradeoff.csv` (`scs-sim tradeoff`, docs/tradeoffs.md)",
        "",
        "One row per scenario and outcome. The control is the same scenario with "
        f"{switches}, on the same seeds. Rates are averaged over the last {TAIL} steps; "
        "counters become events per 1,000 citizens per year over the whole run.",
        "",
        *_pairs(TRADEOFF_COLUMNS, "column"),
        "",
        "| outcome | kind | better | unit | definition |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{o.name}` | {o.kind} | {o.better} | {o.unit} | {o.description} |" for o in OUTCOMES
    ]
    return lines


BLOCK = Block(BEGIN, END, lambda: outputs_tables(), "scs_sim.metric_info", "output tables")


def main(argv: list[str] | None = None) -> int:
    """Print the output tables, or rewrite (--write) / check (--check) a page that embeds it."""
    return BLOCK.main(argv, __doc__)


if __name__ == "__main__":
    sys.exit(main())
