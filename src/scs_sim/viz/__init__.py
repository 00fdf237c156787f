"""The Solara dashboard: explore a scenario live and compare it with its counterfactual.

Only the dashboard extra (``pip install -e ".[dashboard]"``) needs this package, and the
core ``scs_sim`` package never imports it. The modules split by concept:

- :mod:`scs_sim.viz.session`: one browser session's runs (scenario, counterfactual,
  citizen history), plain Python with no Solara;
- :mod:`scs_sim.viz.layout`: network positions, computed once per network and cached;
- :mod:`scs_sim.viz.network_image`: the network drawn as PNG, and a click mapped to a citizen;
- :mod:`scs_sim.viz.panels`: what the charts show, shared by the two kinds below;
- :mod:`scs_sim.viz.charts`: ECharts options drawn by the browser;
- :mod:`scs_sim.viz.figures`: matplotlib figures and their PNG bytes (exports);
- :mod:`scs_sim.viz.fields`: the parameter panel's widgets, derived from the scenario schema;
- :mod:`scs_sim.viz.click_image`, :mod:`scs_sim.viz.merged_echarts`: the two widgets the
  page adds to Solara's (a clickable image, charts updated in place);
- :mod:`scs_sim.viz.edge_lists`: where edge lists may come from (scenario folders, uploads);
- :mod:`scs_sim.viz.limits`: steps per session and sessions at once;
- :mod:`scs_sim.viz.access`: the access token for a server beyond this machine;
- :mod:`scs_sim.viz.components`: the Solara components;
- :mod:`scs_sim.viz.browser`: how tests and benchmarks launch Chromium;
- :mod:`scs_sim.viz.app`: the page (``solara run scs_sim.viz.app``).
"""
