"""The scs_sim dashboard: ``solara run dashboards/app.py`` (or ``scs-sim dashboard``).

Needs the dashboard extra: ``pip install -e ".[dashboard]"``. The components live in
the package (``scs_sim.viz``); this file only names the page, so both launch commands
serve the same app. Every browser session gets its own model.
"""

from scs_sim.viz.app import Page

__all__ = ["Page"]
