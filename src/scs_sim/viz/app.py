"""The dashboard page: ``solara run scs_sim.viz.app`` (or ``scs-sim dashboard``).

Nothing is created for a visitor at import time: the model lives in the page component,
one per browser session (see :func:`scs_sim.viz.components.Dashboard`).

Start-up. Solara imports this module before its server listens, so this module imports
little: the components (the simulator, pandas, numba, Mesa: seconds) are imported by a
warm-up thread, which then builds and steps a throwaway run of the first scenario. That
loads the compiled kernels and computes the network layout, which is cached per network,
so the first visitor's identical run finds it. Meanwhile the server starts listening and
the browser loads the page's scripts: the two overlap instead of following each other.
The warm-up run is never shown to anyone.

Rendering. Reacton's faster renderer (``REACTON_FAST=1``, opt-in in reacton 1.11) skips
the components whose inputs and state did not change; a step then re-renders only the
live views, about half of a step's server time with the default renderer. Set
``REACTON_FAST=0`` to use the default renderer.

Access. With ``SCS_SIM_TOKEN`` set (``scs-sim dashboard --token``), every request must
carry the token (:mod:`scs_sim.viz.access`).
"""

from __future__ import annotations

import logging
import os
import threading

os.environ.setdefault("REACTON_FAST", "1")  # read when a page's render context is made

import solara

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Import the components and run the first scenario a step, to fill the caches."""
    try:
        from scs_sim.runner import DEFAULT_SEED
        from scs_sim.viz import charts
        from scs_sim.viz.components import INITIAL_SCENARIO, SCENARIO_ENV
        from scs_sim.viz.fields import sections
        from scs_sim.viz.merged_echarts import echarts_template
        from scs_sim.viz.network_image import network_png
        from scs_sim.viz.session import list_scenarios, load_session

        echarts_template()
        sections()
        scenarios = list_scenarios()
        name = os.environ.get(SCENARIO_ENV) or INITIAL_SCENARIO
        if name not in scenarios:
            return
        session = load_session(scenarios[name], DEFAULT_SEED)
        network_png(session.model, session.view)
        session.step(1)
        network_png(session.model, session.view)
        charts.metrics_option(session.series())
        charts.histogram_option(session.model)
    except Exception as exc:  # only a cache warmer: the page reports real problems itself
        # One line, no traceback: an invalid first scenario file is the usual cause, and
        # the page shows its message to the visitor.
        first = str(exc).splitlines()[0] if str(exc) else ""
        logger.warning("dashboard warm-up skipped: %s: %s", type(exc).__name__, first)


_warming = threading.Thread(target=warm_up, name="scs-sim-dashboard-warm-up", daemon=True)
_warming.start()

if os.environ.get("SCS_SIM_TOKEN"):  # scs-sim dashboard --token: before any visitor gets in
    from scs_sim.viz.access import install

    install(os.environ["SCS_SIM_TOKEN"])


@solara.component
def Page() -> None:
    """The page Solara serves."""
    from scs_sim.viz.components import Dashboard

    Dashboard()
