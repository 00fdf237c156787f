"""ECharts charts for the dashboard: options passed unopened, and step updates merged.

Solara's ECharts widget, with two changes that halve a step's chart cost: the option
is handed through the component tree wrapped (reacton would otherwise walk its
thousands of numbers on every render), and the browser merges a step's update into
the chart drawn instead of redrawing it from scratch.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import solara.components.echarts
import traitlets
from solara.components.echarts import EchartsWidget

logger = logging.getLogger(__name__)


class _Option:
    """An ECharts option handed through the component tree unopened.

    Solara's ``FigureEcharts`` takes the option as a dict, and reacton walks every dict and
    list in an element's arguments several times per render, looking for child elements:
    for the charts' thousands of numbers that was a good part of a step's server time.
    Wrapped, the option is one value; it is opened only to be sent to the browser.
    """

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


def _option_json(value: Any, widget: Any) -> Any:
    return value.data if isinstance(value, _Option) else value


MERGE_METHOD = """
    scsStructureChanged() {
      // Whether this option has other series, grids or titles than the one drawn last.
      const list = (v) => (Array.isArray(v) ? v : v ? [v] : []);
      const o = this.option || {};
      const key = JSON.stringify([
        list(o.series).map((s) => [s.type, s.name, s.xAxisIndex]),
        list(o.grid).length,
        list(o.title).length,
        list(o.xAxis).length,
        o.legend ? o.legend.data : null,
      ]);
      const changed = key !== this.scsKey;
      this.scsKey = key;
      return changed;
    },
"""


@functools.cache
def echarts_template() -> str:
    """Solara's ECharts template, redrawing a step's new data in merge mode.

    Solara's template redraws every update from scratch (``setOption(option, true)``,
    "notMerge"). Between steps only the data, axis ranges and titles change, and ECharts
    updates such an option in place, faster (measured in docs/dashboard.md). So an update merges,
    unless the option has other series, grids or titles than the one drawn (another
    scenario, a comparison, lecture mode), which is drawn from scratch as before. Every
    option sets every key it may set (e.g. an empty ``markLine``), so that merging never
    leaves a stale part behind. If Solara's template changes shape, it is used as it is.
    """
    text = (Path(solara.components.echarts.__file__).with_name("echarts.vue")).read_text()
    redraw = "this.chart.setOption(this.option, true);"
    if text.count(redraw) != 2 or text.count("methods: {") != 1:
        logger.warning("unexpected Solara echarts.vue: charts are redrawn from scratch")
        return text
    watcher = text.index(redraw)  # the first one is the option watcher's; create() follows
    text = (
        text[:watcher]
        + "this.chart.setOption(this.option, this.scsStructureChanged());"
        + text[watcher + len(redraw) :]
    )
    # A chart removed before ECharts finished loading (lecture mode switched on at once)
    # has no box left: create() then threw "Initialize failed: invalid dom" on the page.
    guard = "create() {"
    if text.count(guard) == 1:
        text = text.replace(guard, guard + " if (!this.$refs.echarts) return;", 1)
    return text.replace("methods: {", "methods: {" + MERGE_METHOD, 1)


class _Echarts(EchartsWidget):
    """Solara's ECharts widget, taking a wrapped option and merging updates."""

    template_file = None
    option = traitlets.Any({}).tag(sync=True, to_json=_option_json)

    @traitlets.default("template")
    def _template(self) -> str:
        return echarts_template()


def chart(option: dict[str, Any], css_class: str, height: int | str) -> None:
    """An ECharts chart drawn by the browser, with a CSS class for tests.

    Args:
        option: The ECharts option.
        css_class: CSS class of the chart's box.
        height: Its height in pixels, or a CSS length (the page's CSS may size it).
    """
    size = f"{height}px" if isinstance(height, int) else height
    _Echarts.element(  # type: ignore[attr-defined]
        option=_Option(option),
        responsive=True,  # follows its box when the layout changes (lecture mode, window)
        attributes={"style": f"height: {size};", "class": css_class},
    )
