"""What the charts show: panel titles and the metrics in each, shared by the live charts
(:mod:`scs_sim.viz.charts`) and the exported PNGs (:mod:`scs_sim.viz.figures`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimeSeriesPanel:
    """One time-series panel: a title and the metrics drawn in it, with their labels."""

    title: str
    lines: tuple[tuple[str, str], ...]


METRIC_PANELS: tuple[TimeSeriesPanel, ...] = (
    TimeSeriesPanel("Self-censorship", (("self_censorship_rate", "critical posts withheld"),)),
    TimeSeriesPanel("Expression gap", (("expression_gap", "dissent not expressed"),)),
    TimeSeriesPanel(
        "Sanctioned shares",
        (
            ("sanctioned_share", "any restriction"),
            ("blacklisted_share", "blacklisted"),
            ("travel_banned_share", "travel banned"),
            ("rental_restricted_share", "rental restricted"),
        ),
    ),
    TimeSeriesPanel("False positives", (("false_positive_share", "of sanctioned: wrongly"),)),
    TimeSeriesPanel("Ties cut (cumulative)", (("ties_cut", "ties dropped"),)),
    TimeSeriesPanel("Score inequality", (("score_gini", "Gini of scores"),)),
)
"""The time series the page shows: the chilling effect, sanctions, errors, ties, inequality."""

COMPARISON_METRICS: tuple[tuple[str, str], ...] = (
    ("self_censorship_rate", "Self-censorship"),
    ("expression_gap", "Expression gap"),
    ("sanctioned_share", "Sanctioned share"),
    ("ties_cut", "Ties cut"),
)
"""Metrics of the side-by-side view, where the chilling effect shows as a difference."""

GROUP_METRICS: tuple[tuple[str, str], ...] = (
    ("mean_score", "Mean score"),
    ("self_censorship_rate", "Self-censorship"),
    ("sanctioned_share", "Sanctioned share"),
    ("false_positive_share", "False positives"),
)
GROUP_LABELS = ("majority", "minority")
