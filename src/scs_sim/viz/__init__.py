"""The Solara dashboard: explore a scenario live and compare it with its counterfactual.

Only the dashboard extra (``pip install -e ".[dashboard]"``) needs this package, and the
core ``scs_sim`` package never imports it. The modules split by concept:

- :mod:`scs_sim.viz.session`: one browser session's runs (scenario, counterfactual,
  citizen history), plain Python with no Solara;
- :mod:`scs_sim.viz.layout`: network positions, computed once per network and cached;
- :mod:`scs_sim.viz.figures`: matplotlib figures and their PNG bytes;
- :mod:`scs_sim.viz.fields`: the parameter panel's widgets, derived from the scenario schema;
- :mod:`scs_sim.viz.components`: the Solara components;
- :mod:`scs_sim.viz.app`: the page (``solara run scs_sim.viz.app``).
"""
