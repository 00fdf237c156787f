"""The page's charts as ECharts options, drawn by the browser on a canvas.

The server only sends numbers (a few kilobytes a step); the browser draws. That keeps
step plus redraw within budget, where six matplotlib panels alone cost more. The panel
definitions (:mod:`scs_sim.viz.panels`) are shared with :mod:`scs_sim.viz.figures`, which
draws the same charts as PNG for export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scs_sim.metric_info import group_column, info, unit
from scs_sim.model import SocialCreditModel
from scs_sim.scoring import SCORE_MAX, SCORE_MIN
from scs_sim.sweeps.analysis import quantile_label
from scs_sim.viz.panels import COMPARISON_METRICS, GROUP_LABELS, GROUP_METRICS, METRIC_PANELS
from scs_sim.viz.seeds import BAND_NAME, QUANTILES

# Okabe-Ito colours (colour-blind safe); red is kept for nothing, vermillion for cut ties.
SCENARIO_COLOUR, COUNTERFACTUAL_COLOUR, DIFFERENCE_COLOUR = "#e69f00", "#0072b2", "#009e73"


@dataclass
class Panel:
    """One small chart: a title and its lines as (label, x, y, colour or None)."""

    title: str
    lines: list[tuple[str, np.ndarray, np.ndarray, str | None]] = field(default_factory=list)
    area: bool = False
    unit: str = ""
    """The y axis's unit (from :mod:`scs_sim.metric_info`), shown after the title."""


def font_px(large: bool) -> tuple[int, int]:
    """(label, title) font sizes in pixels; lecture mode uses larger ones."""
    return (16, 20) if large else (11, 13)


def _points(x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    # Rounded: the browser needs no more, and the message per step stays small.
    # NaN (a score metric while no score runs) becomes None: a gap in the line, valid JSON.
    points = np.column_stack([x, np.round(np.asarray(y, dtype=np.float64), 5)]).tolist()
    return [[px, None if py != py else py] for px, py in points]


def panels_option(
    panels: Sequence[Panel],
    cols: int,
    *,
    large: bool = False,
    x_max: int | None = None,
    events: Sequence[int] = (),
    legend: Sequence[str] = (),
) -> dict[str, Any]:
    """A grid of small line charts sharing the week axis, with policy events as dotted lines."""
    label_px, title_px = font_px(large)
    rows = -(-len(panels) // cols)
    option: dict[str, Any] = {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "title": [],
        "grid": [],
        "xAxis": [],
        "yAxis": [],
        "series": [],
    }
    top_pad = 9 if legend else 4
    cell_h = (100 - top_pad) / rows
    for i, panel in enumerate(panels):
        r, c = divmod(i, cols)
        left = 100 * c / cols + 5
        top = top_pad + r * cell_h + (11 if large else 10)
        option["title"].append(
            {
                "text": panel.title,
                "subtext": panel.unit,
                "itemGap": 2,
                "subtextStyle": {
                    "fontSize": label_px - 1,
                    "lineHeight": label_px + 1,
                    "color": "#555",
                },
                "left": f"{left - 3:.1f}%",
                "top": f"{top - (11 if large else 10):.1f}%",
                "padding": 0,
                "textStyle": {
                    "fontSize": title_px,
                    "lineHeight": title_px + 2,
                    "fontWeight": "normal",
                },
            }
        )
        option["grid"].append(
            {
                "left": f"{left:.1f}%",
                "top": f"{top:.1f}%",
                "width": f"{100 / cols - 7:.1f}%",
                "height": f"{cell_h - (21 if large else 19):.1f}%",
                # Tick labels inside the cell: "0.015" was clipped to "015" on the left.
                "containLabel": True,
            }
        )
        option["xAxis"].append(
            {
                "type": "value",
                "gridIndex": i,
                "min": 0,
                **({"max": x_max} if x_max else {}),
                "axisLabel": {"fontSize": label_px},
                "splitLine": {"show": False},
                "splitNumber": 3,
                "name": "week",
                "nameLocation": "middle",
                "nameGap": label_px + 8,
                "nameTextStyle": {"fontSize": label_px},
            }
        )
        option["yAxis"].append(
            {
                "type": "value",
                "gridIndex": i,
                "scale": True,
                "splitNumber": 3,
                "axisLabel": {"fontSize": label_px},
            }
        )
        for j, (label, x, y, colour) in enumerate(panel.lines):
            series: dict[str, Any] = {
                "type": "line",
                "name": label,
                "xAxisIndex": i,
                "yAxisIndex": i,
                "showSymbol": False,
                "lineStyle": {"width": 3 if large else 2},
                "data": _points(x, y),
            }
            if colour:
                series["itemStyle"] = {"color": colour}
                series["lineStyle"]["color"] = colour
            if panel.area:
                series["areaStyle"] = {"opacity": 0.35}
            if j == 0:  # always, even empty: the browser merges options (see components)
                series["markLine"] = {
                    "silent": True,
                    "symbol": "none",
                    "label": {
                        "show": c == 0,  # labelled once per row: the lines are the same
                        "formatter": "{b}",
                        "position": "insideEndTop",
                        "fontSize": label_px - 1,
                        "color": "#444",
                    },
                    "lineStyle": {"type": "dashed", "color": "#666"},
                    "data": [{"xAxis": int(s), "name": f"week {int(s)}"} for s in events],
                }
            option["series"].append(series)
    if legend:
        option["legend"] = {"data": list(legend), "top": 0, "textStyle": {"fontSize": label_px}}
    return option


def metrics_option(
    series: pd.DataFrame,
    events: Sequence[int] = (),
    *,
    planned_steps: int | None = None,
    large: bool = False,
) -> dict[str, Any]:
    """The metric time series (:data:`scs_sim.viz.figures.METRIC_PANELS`)."""
    steps = series["step"].to_numpy()
    panels = [
        Panel(
            spec.title,
            [
                (label, steps, series[name].to_numpy(), None)
                for name, label in spec.lines
                if name in series
            ],
            unit=short_unit(spec.lines[0][0]),
        )
        for spec in METRIC_PANELS
    ]
    x_max = max(int(steps[-1]), planned_steps or 0, 1)
    legend = [label for spec in METRIC_PANELS if len(spec.lines) > 1 for _, label in spec.lines]
    return panels_option(panels, 3, large=large, x_max=x_max, events=events, legend=legend)


def short_unit(column: str) -> str:
    """The unit of a metric as a panel shows it ('share 0-1', 'points', 'count')."""
    return unit(column).split(",")[0]


def definition(column: str) -> str:
    """A metric's definition for a hover text, from the data dictionary
    (:mod:`scs_sim.metric_info`, the same text as docs/outputs.md)."""
    m = info(column)
    ratio = f"{m.numerator} / {m.denominator}" if m.denominator else m.numerator
    return f"{m.meaning}: {ratio}. Unit: {m.unit}; {m.kind}."


def group_option(series: pd.DataFrame, *, large: bool = False) -> dict[str, Any]:
    """Majority against minority (:data:`scs_sim.viz.figures.GROUP_METRICS`)."""
    steps = series["step"].to_numpy()
    colours = ("#1f77b4", "#ff7f0e")
    panels = [
        Panel(
            title,
            [
                (GROUP_LABELS[g], steps, series[group_column(name, g)].to_numpy(), colours[g])
                for g in (0, 1)
                if group_column(name, g) in series
            ],
            unit=short_unit(name),
        )
        for name, title in GROUP_METRICS
    ]
    return panels_option(panels, 2, large=large, legend=GROUP_LABELS)


def comparison_option(
    series: pd.DataFrame,
    twin: pd.DataFrame,
    label: str,
    twin_label: str,
    *,
    large: bool = False,
) -> dict[str, Any]:
    """Scenario and counterfactual (top row) and their difference (bottom row)."""
    steps = series["step"].to_numpy()
    length = min(len(series), len(twin))
    steps = steps[:length]
    top, bottom = [], []
    for name, title in COMPARISON_METRICS:
        a = series[name].to_numpy()[:length]
        b = twin[name].to_numpy()[:length]
        top.append(
            Panel(
                title,
                [(label, steps, a, SCENARIO_COLOUR), (twin_label, steps, b, COUNTERFACTUAL_COLOUR)],
                unit=short_unit(name),
            )
        )
        bottom.append(
            Panel(
                f"difference: {title.lower()}",
                [("difference", steps, a - b, DIFFERENCE_COLOUR)],
                area=True,
                unit=short_unit(name),
            )
        )
    return panels_option(
        top + bottom, len(COMPARISON_METRICS), large=large, legend=[label, twin_label]
    )


def histogram_option(model: SocialCreditModel, *, large: bool = False) -> dict[str, Any]:
    """Everyone's score in 10-point bins, with the thresholds in force as dashed lines."""
    label_px, title_px = font_px(large)
    params = model.params
    edges = np.arange(SCORE_MIN, SCORE_MAX + 10.0, 10.0)
    counts, _ = np.histogram(model.population.state.score, bins=edges)
    labels = [f"{e:.0f}" for e in edges[:-1]]
    marks: dict[str, list[str]] = {}
    if params.scoring and params.threshold_sanctions:
        for kind, value in params.thresholds().items():
            marks.setdefault(_bin_label(value), []).append(kind)
    if params.scoring:
        marks.setdefault(_bin_label(params.perk_threshold), []).append("perks")
        marks.setdefault(_bin_label(params.low_score_visible), []).append("liability")
    note = "" if params.scoring else " (scoring off: everyone at the neutral 650)"
    return {
        "animation": False,
        "title": {
            "text": f"Scores, week {model.steps}{note}",
            "textStyle": {"fontSize": title_px, "fontWeight": "normal"},
        },
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "top": 45, "bottom": 40},
        "xAxis": {
            "type": "category",
            "data": labels,
            "axisLabel": {"fontSize": label_px},
            "name": "score",
            "nameLocation": "middle",
            "nameGap": 25,
        },
        "yAxis": {"type": "value", "axisLabel": {"fontSize": label_px}, "name": "citizens"},
        "series": [
            {
                "type": "bar",
                "name": "citizens",
                "data": counts.tolist(),
                "barCategoryGap": "5%",
                "itemStyle": {"color": "#6c9bd2"},
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#000000", "width": 2},
                    "label": {"formatter": "{b}", "fontSize": label_px, "position": "end"},
                    "data": [
                        {"xAxis": at, "name": "/".join(kinds)}
                        for at, kinds in sorted(marks.items())
                    ],
                },
            }
        ],
    }


def _bin_label(value: float) -> str:
    return f"{min(max(np.floor(value / 10.0) * 10.0, SCORE_MIN), SCORE_MAX - 10.0):.0f}"


def citizen_option(history: pd.DataFrame, index: int, *, large: bool = False) -> dict[str, Any]:
    """One citizen's score over time, with weeks under restriction and self-censored posts."""
    label_px, title_px = font_px(large)
    steps = history["step"].to_numpy()
    restricted = (history["restrictions"] != "").to_numpy() if len(history) else np.zeros(0, bool)
    censored = history["self_censored"].to_numpy(dtype=bool) if len(history) else restricted
    areas = [[{"xAxis": int(s)}, {"xAxis": int(e)}] for s, e in _runs(steps, restricted)]
    return {
        "animation": False,
        "title": {
            "text": f"Citizen #{index}: score over time",
            "textStyle": {"fontSize": title_px, "fontWeight": "normal"},
        },
        "tooltip": {"trigger": "axis"},
        "legend": {
            "data": ["score", "self-censored a post"],
            "right": 10,
            "top": 0,
            "textStyle": {"fontSize": label_px},
        },
        "grid": {"left": 50, "right": 20, "top": 45, "bottom": 35},
        "xAxis": {"type": "value", "min": 0, "axisLabel": {"fontSize": label_px}},
        "yAxis": {
            "type": "value",
            "min": SCORE_MIN,
            "max": SCORE_MAX,
            "axisLabel": {"fontSize": label_px},
        },
        "series": [
            {
                "type": "line",
                "name": "score",
                "showSymbol": False,
                "data": _points(steps, history["score"].to_numpy()) if len(history) else [],
                "markArea": {
                    "silent": True,
                    "itemStyle": {"color": "rgba(204, 121, 167, 0.2)"},
                    "data": areas,
                },
            },
            {
                "type": "scatter",
                "name": "self-censored a post",
                "symbol": "rect",
                "symbolSize": [2, 10],
                "data": [[int(s), SCORE_MIN + 10] for s in steps[censored]],
            },
        ],
    }


def _runs(steps: np.ndarray, mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) steps of each run of True in ``mask``."""
    out, start = [], None
    for step, on in zip(steps.tolist(), mask.tolist(), strict=True):
        if on and start is None:
            start = step
        elif not on and start is not None:
            out.append((start, step))
            start = None
    if start is not None:
        out.append((start, int(steps[-1])))
    return out


BAND_COLOUR, MEDIAN_COLOUR, RUN_COLOUR = "rgba(0, 114, 178, 0.25)", "#0072b2", "#e69f00"


def band_option(
    band: pd.DataFrame,
    current: pd.DataFrame,
    metrics: Sequence[tuple[str, str]],
    seeds: int,
    *,
    large: bool = False,
) -> dict[str, Any]:
    """Bands across seeds (10% to 90%), their median, and the page's own run, per metric."""
    option = panels_option(
        [Panel(title, [], unit=short_unit(name)) for name, title in metrics],
        len(metrics),
        large=large,
        legend=[f"{BAND_NAME} of {seeds} seeds", "median", "this run"],
    )
    steps = band["step"].to_numpy()
    now = current["step"].to_numpy()
    series = []
    for i, (name, _) in enumerate(metrics):
        low, mid, high = (band[f"{name}_{quantile_label(q)}"].to_numpy() for q in QUANTILES)
        common = {"type": "line", "xAxisIndex": i, "yAxisIndex": i, "showSymbol": False}
        series += [
            common
            | {
                "name": f"{BAND_NAME} of {seeds} seeds",
                "stack": f"band{i}",
                "data": _points(steps, low),
                "lineStyle": {"opacity": 0},
                "itemStyle": {"color": BAND_COLOUR},
            },
            common
            | {
                "name": f"{BAND_NAME} of {seeds} seeds",
                "stack": f"band{i}",
                "data": _points(steps, high - low),
                "lineStyle": {"opacity": 0},
                "areaStyle": {"color": BAND_COLOUR},
                "itemStyle": {"color": BAND_COLOUR},
            },
            common
            | {
                "name": "median",
                "data": _points(steps, mid),
                "itemStyle": {"color": MEDIAN_COLOUR},
                "lineStyle": {"color": MEDIAN_COLOUR, "width": 2},
            },
            common
            | {
                "name": "this run",
                "data": _points(now, current[name].to_numpy()),
                "itemStyle": {"color": RUN_COLOUR},
                "lineStyle": {"color": RUN_COLOUR, "width": 2, "type": "dashed"},
            },
        ]
    option["series"] = series
    option["tooltip"] = {"trigger": "axis"}
    return option
