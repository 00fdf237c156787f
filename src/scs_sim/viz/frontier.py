"""The trade-off frontier panel: where the page's run sits beside the shipped scenarios.

The shipped scenarios' effects are read from docs/tradeoffs.md's table, which
``scs-sim tradeoff --doc`` generates from :mod:`scs_sim.tradeoff` (2,000 citizens, 104
weeks, five seeds, each scenario against its no-score control); reading the committed
table costs nothing at start-up and can never disagree with the docs. The page's run is
measured with the same :data:`scs_sim.tradeoff.OUTCOMES` against its running
counterfactual "baseline (no score, no sanctions)": one seed, and the weeks run so far,
which the panel says.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from scs_sim.tradeoff import HEADLINE_BENEFIT, HEADLINE_COST, OUTCOMES, outcome_named
from scs_sim.tradeoff_report import DOC_CITIZENS, DOC_SEEDS, DOC_STEPS

TRADEOFF_DOC = Path(__file__).resolve().parents[3] / "docs" / "tradeoffs.md"
"""The generated trade-off page of the repository."""

DOC_RUNS = f"{DOC_CITIZENS:,} citizens, {DOC_STEPS} weeks, {len(DOC_SEEDS)} seeds"
"""The runs behind :data:`TRADEOFF_DOC`'s table ("2,000 citizens, 104 weeks, 5 seeds")."""

_CELL = re.compile(
    r"^\s*([-+]?[0-9.e+-]+)\s*\[\s*([-+]?[0-9.e+-]+)\s*,\s*([-+]?[0-9.e+-]+)\s*\]\s*$"
)


def shipped_effects(doc: Path = TRADEOFF_DOC) -> pd.DataFrame:
    """The trade-off table of ``doc``: scenario, outcome, effect and its 95% interval.

    Raises:
        ValueError: ``doc`` has no trade-off table in the generated format.
        OSError: ``doc`` cannot be read.
    """
    lines = [line for line in doc.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    if len(lines) < 3 or not lines[0].startswith("| outcome | kind | unit |"):
        raise ValueError(f"{doc}: no trade-off table (regenerate it: scs-sim tradeoff --doc)")
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    scenarios = cells[0][3:]
    rows = []
    for row in cells[2:]:
        outcome = row[0].strip("`")
        for name, cell in zip(scenarios, row[3:], strict=True):
            found = _CELL.match(cell)
            if not found:
                raise ValueError(f"{doc}: cell {cell!r} ({name}, {outcome}) is not 'x [low, high]'")
            effect, low, high = (float(v) for v in found.groups())
            rows.append(
                {"scenario": name, "outcome": outcome, "effect": effect, "effect_low": low,
                 "effect_high": high}
            )  # fmt: skip
    return pd.DataFrame(rows)


def run_effects(series: pd.DataFrame, control: pd.DataFrame, n_citizens: int) -> dict[str, float]:
    """Every outcome's effect of the page's run against its control, signed as in the
    trade-off table (positive = more benefit, or more harm)."""
    length = min(len(series), len(control))
    a, b = series.iloc[:length], control.iloc[:length]
    return {o.name: o.effect(o.measure(a, n_citizens) - o.measure(b, n_citizens)) for o in OUTCOMES}


def frontier_option(
    shipped: pd.DataFrame, current: dict[str, float] | None, label: str, *, large: bool = False
) -> dict[str, Any]:
    """The frontier: benefit (headline) against cost (headline), shipped scenarios with
    their 95% intervals, and the page's run."""
    label_px, title_px = (16, 20) if large else (12, 14)
    by = shipped.set_index(["scenario", "outcome"])
    names = list(dict.fromkeys(shipped["scenario"]))
    points, whiskers = [], []
    for name in names:
        cost, benefit = by.loc[(name, HEADLINE_COST)], by.loc[(name, HEADLINE_BENEFIT)]
        x, y = float(cost["effect"]), float(benefit["effect"])
        points.append({"name": name, "value": [x, y]})
        whiskers += [[float(cost["effect_low"]), y], [float(cost["effect_high"]), y], None]
        whiskers += [[x, float(benefit["effect_low"])], [x, float(benefit["effect_high"])], None]
    cost_o, benefit_o = outcome_named(HEADLINE_COST), outcome_named(HEADLINE_BENEFIT)
    series: list[dict[str, Any]] = [
        {
            "type": "line",
            "name": f"95% intervals ({len(DOC_SEEDS)} seeds)",
            "data": [w if w is not None else "-" for w in whiskers],
            "showSymbol": False,
            "connectNulls": False,
            "lineStyle": {"color": "#888", "width": 1},
            "itemStyle": {"color": "#888"},
            "silent": True,
        },
        {
            "type": "scatter",
            "name": "shipped scenarios (docs/tradeoffs.md)",
            "data": points,
            "symbolSize": 12 if large else 9,
            "itemStyle": {"color": "#0072b2"},
            "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": label_px},
        },
    ]
    if current is not None:
        series.append(
            {
                "type": "scatter",
                "name": label,
                "data": [
                    {"name": label, "value": [current[HEADLINE_COST], current[HEADLINE_BENEFIT]]}
                ],
                "symbol": "diamond",
                "symbolSize": 20 if large else 16,
                "itemStyle": {"color": "#e69f00", "borderColor": "#000", "borderWidth": 1},
                "label": {
                    "show": True,
                    "formatter": "{b}",
                    "position": "top",
                    "fontSize": label_px,
                },
            }
        )
    return {
        "animation": False,
        "title": {
            "text": "What each policy buys and what it costs (against its no-score control)",
            "textStyle": {"fontSize": title_px, "fontWeight": "normal"},
        },
        "legend": {"top": 24, "textStyle": {"fontSize": label_px}},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 60, "right": 40, "top": 70, "bottom": 55, "containLabel": True},
        "xAxis": _axis(
            f"cost: added {HEADLINE_COST.replace('_', ' ')} ({cost_o.unit})", 28, label_px
        ),
        "yAxis": _axis(f"benefit: violations avoided ({benefit_o.unit})", 45, label_px),
        "series": series,
    }


def _axis(name: str, gap: int, label_px: int) -> dict:
    """A value axis titled ``name`` in the middle, ``gap`` px from the ticks."""
    return {
        "type": "value",
        "name": name,
        "nameLocation": "middle",
        "nameGap": gap,
        "axisLabel": {"fontSize": label_px},
        "nameTextStyle": {"fontSize": label_px},
    }
