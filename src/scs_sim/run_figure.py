"""The figure written with every run: key metrics over time, policy events marked.

One panel per key metric with the metric's meaning as title and its unit on the y axis;
weeks on the x axis; each policy event as a dotted vertical line labelled with its week,
and the events' captions under the panels. With groups (a minority), the per-group lines
are drawn dashed. In a comparison, the scenario and its control share each panel.

Built with ``matplotlib.figure.Figure`` and the Agg canvas, never pyplot (no global state).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scs_sim.metric_info import GROUPS, group_column, info

COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")
"""Line colours of the labelled series, in order (scenario first)."""

GROUP_STYLES = ("--", ":")
"""Line styles of the majority and the minority."""

COLUMNS = 3
"""Panels per row."""


def _event_lines(ax, captions: Sequence[tuple[int, str]]) -> None:
    for step, _ in captions:
        ax.axvline(step, color="#777777", linestyle=":", linewidth=0.9)
        ax.text(
            step,
            1.0,
            f" wk {step}",
            transform=ax.get_xaxis_transform(),
            fontsize=6.5,
            color="#555555",
            va="top",
            ha="left",
        )


def _panel(ax, metric: str, series: Mapping[str, pd.DataFrame]) -> None:
    about = info(metric)
    drawn = False
    single = len(series) == 1  # one run: its lines are "all citizens" and the groups
    for (label, frame), colour in zip(series.items(), COLOURS, strict=False):
        values = frame[metric].to_numpy(dtype=np.float64)
        if np.isfinite(values).any():
            whole = "all citizens" if single else label
            ax.plot(frame["step"], values, color=colour, linewidth=1.4, label=whole)
            drawn = True
        for g, style in enumerate(GROUP_STYLES):
            column = group_column(metric, g)
            if column in frame and np.isfinite(frame[column].to_numpy(dtype=float)).any():
                ax.plot(
                    frame["step"],
                    frame[column],
                    color=colour,
                    linestyle=style,
                    linewidth=1.0,
                    label=tuple(GROUPS)[g] if single else f"{label}, {tuple(GROUPS)[g]}",
                )
    if not drawn:
        ax.text(0.5, 0.5, "no score in this run", transform=ax.transAxes, ha="center", color="#777")
    ax.set_title(about.meaning, fontsize=9.5, loc="left")
    ax.set_ylabel(about.unit, fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def run_figure(
    series: Mapping[str, pd.DataFrame],
    metrics: Sequence[str],
    *,
    title: str,
    captions: Sequence[tuple[int, str]] = (),
) -> Figure:
    """Key metrics over time for one or more labelled series (e.g. scenario and control).

    Args:
        series: Label -> series (``step`` and metric columns), drawn in this order.
        metrics: The metrics to draw, one panel each.
        title: The figure's title.
        captions: Policy events as (week, caption), marked in every panel.
    """
    rows = -(-len(metrics) // COLUMNS)
    notes = [f"week {step}: {caption}" for step, caption in captions]
    wrapped = [line for note in notes for line in textwrap.wrap(note, 130)]
    foot = 0.22 + 0.16 * len(wrapped)
    fig = Figure(figsize=(4.2 * COLUMNS, 2.5 * rows + 0.7 + foot), dpi=110)
    axes = fig.subplots(rows, COLUMNS, squeeze=False)
    height = 2.5 * rows + 0.7 + foot
    fig.subplots_adjust(
        left=0.06,
        right=0.99,
        top=1 - 0.75 / height,
        bottom=(0.45 + foot) / height,
        wspace=0.28,
        hspace=0.55,
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        _panel(ax, metric, series)
        _event_lines(ax, captions)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    for ax in list(axes.flat)[max(0, len(metrics) - COLUMNS) : len(metrics)]:
        ax.set_xlabel("week", fontsize=8)  # the lowest panel of each column
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="upper right", ncol=min(len(labels), 4), fontsize=8.5,
               frameon=False)  # fmt: skip
    fig.suptitle(title, x=0.06, ha="left", fontsize=11.5)
    if wrapped:
        fig.text(
            0.06,
            0.15 / height,
            "Policy events (dotted lines):\n" + "\n".join(wrapped),
            fontsize=8,
            va="bottom",
            color="#333333",
        )
    return fig


def save_png(fig: Figure, path) -> None:
    """Write ``fig`` as PNG to ``path`` (a path or a binary file)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).print_png(path, metadata={"Software": None})
