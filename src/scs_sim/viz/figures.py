"""The dashboard's chart figures as matplotlib PNGs, for export.

On the page the charts are drawn by the browser (:mod:`scs_sim.viz.charts`, ECharts on
a canvas), because a matplotlib redraw of six panels costs more than the whole step
budget. The export buttons call these functions once, on click, with the same panel
definitions, so the PNG shows what the page shows.

Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas, never pyplot:
pyplot keeps global state that concurrent browser sessions (threads) would share.
Fonts are passed explicitly for the same reason (``rc_context`` is process-wide).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from scs_sim.metric_info import group_column, unit
from scs_sim.model import SocialCreditModel
from scs_sim.scoring import SCORE_MAX, SCORE_MIN
from scs_sim.viz.charts import COUNTERFACTUAL_COLOUR, DIFFERENCE_COLOUR, SCENARIO_COLOUR
from scs_sim.viz.panels import (
    COMPARISON_METRICS,
    GROUP_LABELS,
    GROUP_METRICS,
    METRIC_PANELS,
    TimeSeriesPanel,
)

DPI = 100
"""Resolution of exported figures."""

PNG_COMPRESSION = 1
"""zlib level of PNGs (0-9)."""

LISTED, RESTRICTED = "#000000", "#cc79a7"


def font_sizes(large: bool) -> tuple[float, float]:
    """(text, title) font sizes; lecture mode uses larger ones for a projector."""
    return (13.0, 16.0) if large else (8.5, 10.0)


def to_png(fig: Figure) -> bytes:
    """Rasterise ``fig`` with the Agg canvas and return PNG bytes."""
    buf = io.BytesIO()
    # Fast zlib level: a few more bytes, a fraction of the encoding time on every step.
    FigureCanvasAgg(fig).print_png(buf, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buf.getvalue()


def _style(ax, text: float, title: str, title_size: float) -> None:
    ax.set_title(title, fontsize=title_size, loc="left")
    ax.tick_params(labelsize=text * 0.9, length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _event_lines(ax, captions: Sequence[tuple[int, str]]) -> None:
    for step, _ in captions:
        ax.axvline(step, color="#888888", linestyle=":", linewidth=0.9)


def metrics_figure(
    series: pd.DataFrame,
    captions: Sequence[tuple[int, str]] = (),
    *,
    large: bool = False,
    panels: Sequence[TimeSeriesPanel] = METRIC_PANELS,
) -> Figure:
    """The metric time series, one panel each, with policy events as dotted lines."""
    text, title_size = font_sizes(large)
    fig = Figure(figsize=(9.6, 5.4), dpi=DPI)
    axes = fig.subplots(2, 3)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.09, top=0.93, wspace=0.25, hspace=0.45)
    steps = series["step"].to_numpy()
    for ax, panel in zip(axes.flat, panels, strict=False):
        for name, label in panel.lines:
            if name in series:
                ax.plot(steps, series[name].to_numpy(), label=label, linewidth=1.4)
        _event_lines(ax, captions)
        _style(ax, text, panel.title, title_size)
        ax.set_ylabel(unit(panel.lines[0][0]), fontsize=text * 0.9)
        ax.set_xlim(0, max(int(steps[-1]), 1))
        if len(panel.lines) > 1:
            ax.legend(fontsize=text * 0.75, frameon=False, loc="upper left")
    for ax in axes[1]:
        ax.set_xlabel("week", fontsize=text)
    fig.suptitle(
        "Metrics over time (dotted: policy events)", x=0.06, ha="left", fontsize=title_size
    )
    return fig


def histogram_figure(model: SocialCreditModel, *, large: bool = False) -> Figure:
    """Scores of everyone, with the thresholds in force drawn as vertical lines."""
    text, title_size = font_sizes(large)
    params = model.params
    fig = Figure(figsize=(6.4, 3.4), dpi=DPI)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.86)
    edges = np.arange(SCORE_MIN, SCORE_MAX + 10.0, 10.0)
    counts, _ = np.histogram(model.population.state.score, bins=edges)
    ax.stairs(counts, edges, fill=True, color="#6c9bd2")
    lines: dict[float, list[str]] = {}
    if params.scoring and params.threshold_sanctions:
        for kind, value in params.thresholds().items():
            lines.setdefault(float(value), []).append(kind)
    if params.scoring:
        lines.setdefault(float(params.perk_threshold), []).append("perks")
        lines.setdefault(float(params.low_score_visible), []).append("liability")
    top = max(int(counts.max()), 1)
    for value, kinds in sorted(lines.items()):
        colour = "#009e73" if kinds == ["perks"] else "#000000"
        ax.axvline(value, color=colour, linestyle="--", linewidth=1.2)
        ax.text(
            value + 4,
            top * 0.97,
            "/".join(kinds),
            rotation=90,
            va="top",
            fontsize=text * 0.85,
            color=colour,
        )
    ax.set_xlim(SCORE_MIN, SCORE_MAX)
    ax.set_xlabel("score", fontsize=text)
    ax.set_ylabel("citizens", fontsize=text)
    note = "" if params.scoring else " (scoring off: everyone at the neutral 650)"
    _style(ax, text, f"Scores, week {model.steps}{note}", title_size)
    return fig


def group_figure(series: pd.DataFrame, *, large: bool = False) -> Figure:
    """Majority against minority for the per-group metrics."""
    text, title_size = font_sizes(large)
    fig = Figure(figsize=(6.4, 4.6), dpi=DPI)
    axes = fig.subplots(2, 2)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.9, wspace=0.3, hspace=0.5)
    steps = series["step"].to_numpy()
    for ax, (name, title) in zip(axes.flat, GROUP_METRICS, strict=True):
        for g, label in enumerate(GROUP_LABELS):
            column = group_column(name, g)
            if column in series:
                ax.plot(steps, series[column].to_numpy(), label=label, linewidth=1.4)
        _style(ax, text, title, title_size)
        ax.set_ylabel(unit(name), fontsize=text * 0.9)
    for ax in axes[1]:
        ax.set_xlabel("week", fontsize=text)
    axes.flat[0].legend(fontsize=text * 0.8, frameon=False)
    fig.suptitle("Majority and minority", x=0.1, ha="left", fontsize=title_size)
    return fig


def comparison_figure(
    series: pd.DataFrame,
    twin: pd.DataFrame,
    label: str,
    twin_label: str,
    *,
    large: bool = False,
) -> Figure:
    """Scenario and counterfactual side by side (top) and their difference (bottom)."""
    text, title_size = font_sizes(large)
    fig = Figure(figsize=(9.6, 4.8), dpi=DPI)
    axes = fig.subplots(2, len(COMPARISON_METRICS))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.86, wspace=0.3, hspace=0.55)
    steps = series["step"].to_numpy()
    for col, (name, title) in enumerate(COMPARISON_METRICS):
        a, b = series[name].to_numpy(), twin[name].to_numpy()
        top, bottom = axes[0, col], axes[1, col]
        top.plot(steps, a, label=label, color=SCENARIO_COLOUR, linewidth=1.4)
        top.plot(steps, b, label=twin_label, color=COUNTERFACTUAL_COLOUR, linewidth=1.4)
        _style(top, text, title, title_size)
        top.set_ylabel(unit(name), fontsize=text * 0.9)
        diff = a - b
        bottom.fill_between(steps, 0, diff, color=DIFFERENCE_COLOUR, alpha=0.5, linewidth=0)
        bottom.plot(steps, diff, color=DIFFERENCE_COLOUR, linewidth=1.2)
        bottom.axhline(0, color="#555555", linewidth=0.6)
        _style(bottom, text, f"difference: {title.lower()}", title_size * 0.9)
        bottom.set_xlabel("week", fontsize=text)
    fig.legend(
        handles=axes[0, 0].get_lines(),
        loc="upper right",
        ncol=2,
        fontsize=text * 0.85,
        frameon=False,
    )
    fig.suptitle("Same seed, same citizens and ties", x=0.06, ha="left", fontsize=title_size)
    return fig


def citizen_figure(history: pd.DataFrame, index: int, *, large: bool = False) -> Figure:
    """One citizen's score over time, weeks under restriction shaded, self-censoring marked."""
    text, title_size = font_sizes(large)
    fig = Figure(figsize=(6.4, 2.6), dpi=DPI)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.2, top=0.84)
    if len(history):
        steps = history["step"].to_numpy()
        ax.plot(steps, history["score"].to_numpy(), color="#264653", linewidth=1.5)
        restricted = (history["restrictions"] != "").to_numpy()
        listed = history["blacklisted"].to_numpy(dtype=bool)
        ax.fill_between(
            steps,
            SCORE_MIN,
            SCORE_MAX,
            where=restricted,
            color=RESTRICTED,
            alpha=0.15,
            step="mid",
            label="restricted",
        )
        ax.fill_between(
            steps,
            SCORE_MIN,
            SCORE_MAX,
            where=listed,
            color=LISTED,
            alpha=0.15,
            step="mid",
            label="blacklisted",
        )
        censored = history["self_censored"].to_numpy(dtype=bool)
        ax.scatter(
            steps[censored],
            np.full(censored.sum(), SCORE_MIN + 15),
            marker="|",
            color="#e76f51",
            label="self-censored a post",
        )
        ax.legend(fontsize=text * 0.8, frameon=False, loc="lower right", ncol=3)
    ax.set_ylim(SCORE_MIN, SCORE_MAX)
    ax.set_xlabel("week", fontsize=text)
    _style(ax, text, f"Citizen #{index}: score and sanctions over time", title_size)
    return fig
