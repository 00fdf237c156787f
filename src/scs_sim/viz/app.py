"""The dashboard page: ``solara run scs_sim.viz.app`` (or ``scs-sim dashboard``).

Nothing is created at import time: the model lives in the page component, one per
browser session (see :func:`scs_sim.viz.components.Dashboard`).
"""

from __future__ import annotations

import solara

from scs_sim.viz.components import Dashboard


@solara.component
def Page() -> None:
    """The page Solara serves."""
    Dashboard()
