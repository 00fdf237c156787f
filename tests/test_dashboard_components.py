"""The dashboard's logic, rendered in Python with ``solara.render`` (no browser).

These tests pass even when a real page would stay blank; tests/test_dashboard_browser.py
checks the page in Chromium. Populations are small (200 citizens) to keep this fast.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# The renderer the served page uses (scs_sim.viz.app sets it); read at each render.
os.environ.setdefault("REACTON_FAST", "1")

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from scs_sim.scenario import parameter_fields  # noqa: E402
from scs_sim.viz import layout  # noqa: E402
from scs_sim.viz.components import Dashboard, ParameterPanel  # noqa: E402
from scs_sim.viz.fields import field_specs, sections  # noqa: E402
from scs_sim.viz.panels import METRIC_PANELS  # noqa: E402
from scs_sim.viz.session import (  # noqa: E402
    BASELINE,
    DashboardSession,
    list_scenarios,
    load_session,
    parse_seed,
)

SMALL = 200


def _shrink(text: str, n: int = SMALL) -> str:
    lines = [line for line in text.splitlines() if not line.startswith("n_citizens")]
    return f"n_citizens = {n}\n" + "\n".join(lines) + "\n"


@pytest.fixture
def scenario_folder(tmp_path: Path, scenario_dir: Path) -> Path:
    """Small copies of the story scenario and the minority one, plus one invalid file."""
    (tmp_path / "story.toml").write_text(_shrink((scenario_dir / "full-scs.toml").read_text()))
    (tmp_path / "groups.toml").write_text(_shrink((scenario_dir / "minority.toml").read_text()))
    (tmp_path / "broken.toml").write_text('name = "broken"\nsurveillance = 7.0\n')
    return tmp_path


def _render(folder: Path, initial: str = "story"):
    _, rc = solara.render(Dashboard(scenario_dirs=[folder], initial=initial), handle_error=False)
    return rc


def _html_widgets(rc) -> list:
    """Every ``v.Html`` on the page, nested ones too (``rc.find`` stops at the first
    match, and the page's layout boxes are ``v.Html`` divs themselves)."""
    found, todo = [], list(rc.find(v.Html).widgets)
    while todo:
        w = todo.pop(0)
        if isinstance(w, v.Html):
            found.append(w)
        kids = getattr(w, "children", None)
        if isinstance(kids, list):
            todo.extend(k for k in kids if hasattr(k, "children"))
    return found


def _texts(rc, css_class: str) -> list[str]:
    return [
        w.children[0] if isinstance(w.children, list) and w.children else str(w.children)
        for w in _html_widgets(rc)
        if css_class in (w.class_ or "").split()
    ]


def _status(rc) -> str:
    return _texts(rc, "scs-status")[0]


def _click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def _errors(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]


def _markdown(rc) -> str:
    from solara.widgets import HTML

    return " ".join(w.unsafe_innerHTML or "" for w in rc.find(HTML).widgets)


def _charts(rc) -> set[str]:
    from solara.components.echarts import EchartsWidget

    return {w.attributes.get("class", "") for w in rc.find(EchartsWidget).widgets}


def _type(widget, text: str) -> None:
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def test_parameter_panel_is_generated_from_the_schema():
    specs = {spec.name: spec for spec in field_specs()}
    assert list(specs) == list(parameter_fields())
    for name, info in parameter_fields().items():
        assert specs[name].help.startswith(info.description)
    assert specs["surveillance"].ge == 0.0 and specs["surveillance"].le == 1.0
    assert specs["network"].kind == "choice" and "communities" in specs["network"].choices

    from scs_sim.scenario import Scenario

    _, rc = solara.render(ParameterPanel(Scenario(), lambda *_: None), handle_error=False)
    labels, helps = set(), []
    for section in sections():
        rc.find(v.Select, label="Parameter section").widget.v_model = section
        for widget_type in (v.TextField, v.Switch, v.Select):
            labels |= {w.label for w in rc.find(widget_type).widgets}
        helps += _texts(rc, "scs-help")
    assert {spec.label for spec in specs.values()} <= labels
    assert any(parameter_fields()["opacity"].description in h for h in helps)


def test_picker_lists_every_scenario_file(scenario_dir: Path):
    listed = list_scenarios([scenario_dir])
    assert set(listed) == {p.stem for p in scenario_dir.glob("*.toml")}


def test_step_jump_reset_and_reproducibility(scenario_folder: Path):
    rc = _render(scenario_folder)
    assert _status(rc).startswith("Week 0 of 104")
    _click(rc, "Step")
    assert _status(rc).startswith("Week 1 of")
    _click(rc, "Jump 10")
    assert _status(rc).startswith("Week 11 of")
    _click(rc, "Reset")
    assert _status(rc).startswith("Week 0 of")


def test_session_is_reproducible_and_resets_without_a_new_layout(scenario_folder: Path):
    a = load_session(scenario_folder / "story.toml", 7)
    b = load_session(scenario_folder / "story.toml", 7)
    a.step(12)
    b.step(12)
    assert a.series().equals(b.series())
    view = a.view
    a.reset()
    assert a.view is view  # cached per network: positions never jump
    a.step(12)
    assert a.series().equals(b.series())


def test_bad_seed_shows_a_message_and_the_session_keeps_working(scenario_folder: Path):
    rc = _render(scenario_folder)
    seed = rc.find(v.TextField, label="Seed").widget
    _type(seed, "forty-two")
    assert any("seed = 'forty-two' is not valid" in e for e in _errors(rc))
    seed = rc.find(v.TextField, label="Seed").widget
    assert seed.error and "allowed: a whole number" in seed.messages[0]
    _click(rc, "Step")
    assert _status(rc).startswith("Week 1 of")
    _type(seed, "7")
    assert "seed 7" in _status(rc) and not _errors(rc)
    with pytest.raises(ValueError, match="allowed"):
        parse_seed("-3")


def test_invalid_scenario_file_shows_its_error_and_keeps_the_run(scenario_folder: Path):
    rc = _render(scenario_folder)
    _click(rc, "Step")
    rc.find(v.Select, label="Scenario").widget.v_model = "broken"
    errors = _errors(rc)
    assert errors and "broken.toml" in errors[0] and "surveillance" in errors[0]
    assert _status(rc).startswith("Week 1 of")  # the previous run is still there
    assert "scs_sim: full-scs" in _markdown(rc)  # the title names the run still shown
    # The picker falls back to the scenario in force; the message stays.
    assert rc.find(v.Select, label="Scenario").widget.v_model == "story"
    assert _errors(rc) == errors
    # The same for a comparison that cannot be built, and a later good pick still works.
    rc.find(v.Select, label="Compare with").widget.v_model = "broken"
    assert any("broken.toml" in e for e in _errors(rc))
    assert rc.find(v.Select, label="Compare with").widget.v_model == "no comparison"
    assert "scs-comparison" not in _charts(rc)
    rc.find(v.Select, label="Scenario").widget.v_model = "groups"
    assert not _errors(rc) and _status(rc).startswith("Week 0 of")
    assert "scs-groups" in _charts(rc)


def test_parameter_change_restarts_and_out_of_range_value_is_refused(scenario_folder: Path):
    rc = _render(scenario_folder)
    field = rc.find(v.TextField, label="n citizens").widget
    _type(field, "150")
    assert "150 citizens" in _status(rc)
    rc.find(v.Select, label="Parameter section").widget.v_model = "surveillance"
    surveillance = rc.find(v.TextField, label="surveillance").widget
    _type(surveillance, "3.5")
    errors = _errors(rc)
    assert errors and "surveillance = 3.5 is not valid" in errors[0] and "<= 1" in errors[0]
    _click(rc, "Step")
    assert _status(rc).startswith("Week 1 of") and "150 citizens" in _status(rc)


def test_comparison_shares_seed_and_network_and_steps_together(scenario_folder: Path):
    session = load_session(scenario_folder / "story.toml", 3, compare=BASELINE)
    assert session.twin is not None
    start = session.model.network.adjacency
    twin_start = session.twin.network.adjacency
    assert (start != twin_start).nnz == 0
    assert np.array_equal(
        session.model.population.traits.dissent, session.twin.population.traits.dissent
    )
    session.step(40)
    assert session.twin.steps == session.model.steps == 40
    diff = session.difference()
    assert diff is not None and (diff["self_censorship_rate"].abs() > 0).any()
    # A second scenario is run on the chosen one's population and network.
    other = load_session(
        scenario_folder / "story.toml",
        3,
        compare="groups",
        scenarios=list_scenarios([scenario_folder]),
    )
    assert other.twin is not None and other.twin.params.network == other.params.network


def test_comparison_and_inspector_on_the_page(scenario_folder: Path):
    rc = _render(scenario_folder)
    _click(rc, "Jump 10")
    rc.find(v.Select, label="Compare with").widget.v_model = BASELINE
    assert "scs-comparison" in _charts(rc)
    assert not _errors(rc)
    assert "scs-citizen" not in _charts(rc)
    _type(rc.find(v.TextField, label=f"citizen (0 to {SMALL - 1})").widget, "5")
    text = _markdown(rc)
    assert "Citizen #5" in text and "believed weight" in text and "Hidden traits" in text
    assert "Same citizen in the counterfactual" in text
    assert "scs-citizen" in _charts(rc)


def test_a_click_on_the_network_maps_to_the_citizen_drawn_there(scenario_folder: Path):
    import io

    from PIL import Image

    from scs_sim.viz.network_image import SIZE, citizen_at, frame, network_png, shade

    session = load_session(scenario_folder / "story.toml", 4)
    session.step(12)
    view = session.view
    for large in (False, True):
        image = np.asarray(
            Image.open(io.BytesIO(network_png(session.model, view, large=large)))
        )  # palette indices
        xy = frame(view, large).xy
        score = session.model.population.state.score
        shown = 0
        for row, citizen in enumerate(view.nodes.tolist()):
            x, y = xy[row]
            assert citizen_at(view, x / SIZE, y / SIZE, large=large) == citizen
            # Two pixels off the centre still picks it, unless another citizen is nearer.
            near = citizen_at(view, (x + 2) / SIZE, y / SIZE, large=large)
            others = np.hypot(xy[:, 0] - x - 2, xy[:, 1] - y)
            assert near == view.nodes[int(np.argmin(others))]
            # What is drawn there is that citizen's score colour (unless a later mark covers it).
            shown += int(image[round(y), round(x)] == shade(score[citizen]))
        assert shown >= 0.8 * len(view.nodes), shown
        # Margins and empty corners pick nobody; so does nonsense.
        assert citizen_at(view, 0.01, 0.01, large=large) is None
        assert citizen_at(view, 0.5, 0.995, large=large) is None
        assert citizen_at(view, float("nan"), 0.5, large=large) is None


def test_clicking_the_network_picks_the_citizen_for_the_inspector(scenario_folder: Path):
    from scs_sim.viz.click_image import ClickImage
    from scs_sim.viz.network_image import SIZE, frame

    rc = _render(scenario_folder)
    _click(rc, "Jump 10")
    image = rc.find(ClickImage).widget
    assert image.png.startswith(b"\x89PNG")
    session = load_session(scenario_folder / "story.toml", 42)  # the page's run, same layout
    xy = frame(session.view).xy
    citizen = 17
    x, y = xy[session.view.row_of[citizen]]
    before = image.png
    image.click = {"x": float(x / SIZE), "y": float(y / SIZE), "n": 1}
    text = _markdown(rc)
    assert "Citizen #17" in text and "believed weight" in text
    assert rc.find(v.TextField, label=f"citizen (0 to {SMALL - 1})").widget.v_model == "17"
    assert rc.find(ClickImage).widget.png != before  # now circled
    # A click where nobody is drawn keeps the citizen; the next hit changes it.
    image.click = {"x": 0.01, "y": 0.01, "n": 2}
    assert "Citizen #17" in _markdown(rc)
    other = 3
    x, y = xy[session.view.row_of[other]]
    image.click = {"x": float(x / SIZE), "y": float(y / SIZE), "n": 3}
    assert "Citizen #3" in _markdown(rc) and "Citizen #17" not in _markdown(rc)


def test_two_pages_have_separate_models(scenario_folder: Path):
    first, second = _render(scenario_folder), _render(scenario_folder)
    _click(first, "Jump 10")
    assert _status(first).startswith("Week 10 of")
    assert _status(second).startswith("Week 0 of")
    _click(second, "Step")
    assert _status(first).startswith("Week 10 of")


def test_large_population_shows_a_sample_with_a_note(scenario_folder: Path):
    session = load_session(scenario_folder / "story.toml", 1, {"n_citizens": 3000})
    assert session.view.sampled and len(session.view.nodes) == layout.DISPLAY_LIMIT
    rc = _render(scenario_folder)
    _type(rc.find(v.TextField, label="n citizens").widget, "3000")
    assert any("Sampled view" in t for t in _texts(rc, "scs-help"))


def test_story_captions_show_as_events_trigger(scenario_folder: Path):
    session = load_session(scenario_folder / "story.toml", 42)
    steps = sorted(e.step for e in session.params.events if e.caption)
    session.step(steps[1] + 1)
    assert session.model.latest_caption == next(
        e.caption for e in session.params.events if e.step == steps[1]
    )
    rc = _render(scenario_folder)
    _type(rc.find(v.TextField, label="jump N").widget, str(steps[1] + 1))
    _click(rc, f"Jump {steps[1] + 1}")
    captions = _texts(rc, "scs-caption")
    assert captions and session.model.latest_caption in captions[0]


def test_csv_export_holds_every_step_and_the_counterfactual(scenario_folder: Path):
    import io

    import pandas as pd

    session = load_session(scenario_folder / "story.toml", 5, compare=BASELINE)
    session.step(6)
    frame = pd.read_csv(io.BytesIO(session.series_csv()))
    assert list(frame["step"]) == list(range(7))
    assert {"self_censorship_rate", "cf_self_censorship_rate", "diff_ties_cut"} <= set(frame)
    manifest = session.manifest_json().decode()
    assert '"seed": 5' in manifest and "scs_sim_version" in manifest


def test_figure_exports_are_drawn_on_request(scenario_folder: Path):
    import time

    from solara.components.file_download import FileDownloadWidget

    rc = _render(scenario_folder)
    _click(rc, "Jump 10")
    for kind in ("network", "metrics", "scores"):
        widget = rc.find(FileDownloadWidget, filename=f"full-scs-seed42-week10-{kind}.png").widget
        assert widget.bytes is None  # nothing is drawn before the click
        widget.request_download = True
        deadline = time.monotonic() + 60
        while widget.bytes is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert widget.bytes and widget.bytes.startswith(b"\x89PNG"), kind


def test_session_refuses_populations_too_big_to_animate(scenario_folder: Path):
    from scs_sim.loading import ScenarioError

    with pytest.raises(ScenarioError, match="too many for the dashboard"):
        load_session(scenario_folder / "story.toml", 1, {"n_citizens": 10_000_000})
    assert isinstance(load_session(scenario_folder / "story.toml", 1), DashboardSession)


def test_core_package_does_not_import_solara():
    code = (
        "import sys, scs_sim, scs_sim.cli, scs_sim.runner; scs_sim.cli.build_parser(); "
        "assert 'solara' not in sys.modules and 'scs_sim.viz' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dashboard_command_rejects_bad_arguments_with_one_line():
    for args in (["--port", "70000"], ["--scenario", "no-such-scenario"]):
        out = subprocess.run(
            [sys.executable, "-m", "scs_sim.cli", "dashboard", *args],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 2
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_a_page_change_is_kept_when_a_later_event_would_set_it(scenario_folder: Path):
    """The rule (scs_sim.viz.story): the visitor's value stays; the event's change of that
    parameter is skipped and the page says so. full-scs sets surveillance 0.6 -> 0.8 at
    week 60."""
    from scs_sim.viz.story import event_changes

    path = scenario_folder / "story.toml"
    shipped = load_session(path, 7)
    assert [(c.step, c.key, c.after) for c in event_changes(shipped.params)] == [
        (30, "rental_threshold", 550.0),
        (60, "surveillance", 0.8),
    ]
    shipped.step(62)
    assert shipped.model.params.surveillance == 0.8 and shipped.skipped == []

    mine = load_session(path, 7, {"surveillance": 0.1})
    mine.step(62)
    assert mine.model.params.surveillance == 0.1  # not silently undone
    assert mine.model.params.rental_threshold == 550.0  # the other events still apply
    assert [step for step, _ in mine.model.captions] == [s for s, _ in shipped.model.captions]
    [kept] = mine.skipped
    assert (kept.step, kept.key, kept.event_value, kept.kept_value) == (
        60,
        "surveillance",
        0.8,
        0.1,
    )
    assert "surveillance = 0.1 is kept" in kept.text()


def test_story_panel_and_field_say_what_events_change_and_what_is_kept(scenario_folder: Path):
    rc = _render(scenario_folder)
    assert "rental threshold 350 → 550" in _markdown(rc)  # the story table
    section = rc.find(v.Select, label="Parameter section").widget
    section.v_model = "surveillance"
    assert any("week 60: 0.6 → 0.8" in t for t in _texts(rc, "scs-story-note")), _texts(
        rc, "scs-story-note"
    )
    field = rc.find(v.TextField, label="surveillance").widget
    _type(field, "0.1")
    notes = _texts(rc, "scs-story-note")
    assert any("surveillance = 0.1 is kept" in t for t in notes), notes
    assert any("surveillance = 0.1 is kept" in str(w.children) for w in rc.find(v.Alert).widgets)
    # Highlighted, with the way back; the way back restores the file's value and the story.
    back = rc.find(v.Btn, children=["back to the scenario's value (0.6)"])
    back.widget.click()
    assert any("week 60: 0.6 → 0.8" in t for t in _texts(rc, "scs-story-note"))
    assert rc.find(v.Btn, children=["back to the scenario's value (0.6)"]).widgets == []


def test_comparison_legends_name_each_run_by_what_differs(scenario_folder: Path):
    scenarios = list_scenarios([scenario_folder])
    same = load_session(
        scenario_folder / "story.toml", 7, {"surveillance": 0.1}, "story", scenarios
    )
    # The copy's name field is full-scs, its file story.toml: names differ, values too.
    assert same.labels() == ("full-scs: surveillance 0.1", "story: surveillance 0.6")
    (folder := scenario_folder / "named").mkdir()
    (folder / "full-scs.toml").write_text((scenario_folder / "story.toml").read_text())
    scenarios = list_scenarios([folder])
    mine = load_session(folder / "full-scs.toml", 7, {"surveillance": 0.1}, "full-scs", scenarios)
    assert mine.labels() == ("full-scs: surveillance 0.1", "full-scs: surveillance 0.6")
    plain = load_session(folder / "full-scs.toml", 7, None, "full-scs", scenarios)
    assert plain.labels() == ("full-scs (this page)", "full-scs (same settings)")
    twin = load_session(scenario_folder / "story.toml", 7, None, BASELINE, scenarios)
    assert twin.labels() == (twin.params.name, BASELINE)


def test_charts_have_axis_titles_contained_ticks_labelled_events_and_definitions():
    import pandas as pd

    from scs_sim.metric_info import info
    from scs_sim.viz import charts
    from scs_sim.viz.components import _definitions_markup

    series = pd.DataFrame(
        {"step": [0, 1, 2], **{n: [0.0, 0.015, 0.02] for p in METRIC_PANELS for n, _ in p.lines}}
    )
    option = charts.metrics_option(series, [1], planned_steps=104)
    assert all(axis["name"] == "week" for axis in option["xAxis"])
    assert all(grid["containLabel"] for grid in option["grid"])  # no "015" for 0.015
    assert [t["subtext"] for t in option["title"]][:2] == ["share 0-1", "dissent 0-1 per citizen"]
    lines = [s["markLine"] for s in option["series"] if "markLine" in s]
    assert lines[0]["label"]["show"] and lines[0]["data"] == [{"xAxis": 1, "name": "week 1"}]
    # Definitions on hover, word for word from the data dictionary.
    markup = _definitions_markup()
    assert info("self_censorship_rate").numerator in markup
    assert info("score_gini").numerator in markup


def test_rejected_value_puts_the_field_back_to_the_value_in_force(scenario_folder: Path):
    rc = _render(scenario_folder)
    rc.find(v.Select, label="Parameter section").widget.v_model = "surveillance"
    field = rc.find(v.TextField, label="surveillance").widget
    _type(field, "3.5")
    assert any("surveillance = 3.5 is not valid" in e for e in _errors(rc))
    field = rc.find(v.TextField, label="surveillance").widget
    assert float(field.v_model) == 0.6  # the field and the run agree again
    assert rc.find(v.Btn, children=["back to the scenario's value (0.6)"]).widgets == []


def test_numeric_fields_have_sliders_that_show_and_apply_their_value(scenario_folder: Path):
    from scs_sim.viz.components import slider_range
    from scs_sim.viz.fields import PAGE_CAPS
    from scs_sim.viz.session import DASHBOARD_MAX_CITIZENS

    rc = _render(scenario_folder)
    rc.find(v.Select, label="Parameter section").widget.v_model = "surveillance"
    slider = rc.find(v.Slider).widgets[0]
    assert slider.thumb_label == "always" and slider.min == 0.0 and slider.max == 1.0
    slider.v_model = 0.3  # dragged: nothing restarts until the slider is released
    assert rc.find(v.TextField, label="surveillance").widget.v_model in (0.6, "0.6")
    slider.fire_event("change", 0.3)
    assert float(rc.find(v.TextField, label="surveillance").widget.v_model) == 0.3
    assert rc.find(v.Btn, children=["back to the scenario's value (0.6)"]).widgets
    # n_citizens: no slider over ten thousand values; its help states the page's real cap.
    n_spec = next(s for s in field_specs() if s.name == "n_citizens")
    assert slider_range(n_spec) is None
    assert PAGE_CAPS["n_citizens"] == DASHBOARD_MAX_CITIZENS
    assert "10 to 200,000 on this page" in n_spec.help and n_spec.le == DASHBOARD_MAX_CITIZENS


def test_invalid_first_scenario_says_so_and_what_is_shown(scenario_folder: Path):
    rc = _render(scenario_folder, initial="broken")
    errors = _errors(rc)
    assert errors and "broken.toml" in errors[0] and "showing 'groups' instead" in errors[0]
    assert _status(rc).startswith("Week 0 of")


def test_typing_0_picks_citizen_0_and_the_score_rule_reproduces_the_score(
    scenario_folder: Path,
):
    rc = _render(scenario_folder)
    _click(rc, "Jump 10")
    field = rc.find(v.TextField, label=f"citizen (0 to {SMALL - 1})").widget
    assert field.v_model in ("", None)
    _type(field, "0")
    text = _markdown(rc)
    assert "Citizen #0</b>" in text and "Score rule" in text and "shares of the score" in text
    _type(rc.find(v.TextField, label=f"citizen (0 to {SMALL - 1})").widget, "999")
    messages = [str(w.messages) for w in rc.find(v.TextField).widgets]
    assert any("citizen = '999' is not valid; allowed: 0 to 199" in m for m in messages)
    assert "Citizen #0</b>" in _markdown(rc)  # the pick in force stays
    # The rule as the page states it gives the score shown (to rounding of the components).
    per_sd = float(re.search(r"score = 650 \+ (\d+) ×", text).group(1))
    session = load_session(scenario_folder / "story.toml", 42)
    session.step(10)
    assert per_sd == session.model.params.points_per_sd
    facts = session.model.explain(0)
    w, c = facts["true_weights"], facts["components"]
    mix = sum(w[k] / sum(w.values()) * c.get(k, 0.0) for k in w)
    m, s = session.model.score_reference
    assert abs(650 + per_sd * (mix - m) / s - facts["score"]) < 3


def test_run_n_seeds_bands_hold_the_runs_and_refuse_too_much(scenario_folder: Path):
    from scs_sim.loading import ScenarioError
    from scs_sim.viz.seeds import run_seeds

    session = load_session(scenario_folder / "story.toml", 7)
    seen: list[float] = []
    band = run_seeds(session.params, 7, 3, 12, ["self_censorship_rate"], progress=seen.append)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert len(band) == 13
    low, mid, high = (band[f"self_censorship_rate_q{q}"] for q in ("10", "50", "90"))
    assert (low <= mid).all() and (mid <= high).all() and (high > low).any()
    # Two seeds: the median is the mean of the page's run (seed 7) and seed 8's run.
    pair = run_seeds(session.params, 7, 2, 12, ["self_censorship_rate"])
    own = load_session(scenario_folder / "story.toml", 7)
    other = load_session(scenario_folder / "story.toml", 8)
    own.step(12)
    other.step(12)
    mean = (own.series()["self_censorship_rate"] + other.series()["self_censorship_rate"]) / 2
    np.testing.assert_allclose(pair["self_censorship_rate_q50"], mean.to_numpy())
    with pytest.raises(ScenarioError, match="seeds = 1 is not valid; allowed: 2 to 20"):
        run_seeds(session.params, 7, 1, 12, ["self_censorship_rate"])
    big = session.params.model_copy(update={"n_citizens": 200_000})
    with pytest.raises(ScenarioError, match="allowed: 2 to 2 "):
        run_seeds(big, 7, 3, 104, ["self_censorship_rate"])


def test_run_n_seeds_on_the_page_shows_progress_then_bands(scenario_folder: Path):
    import time

    rc = _render(scenario_folder)
    _type(rc.find(v.TextField, label="seeds").widget, "3")
    _click(rc, "Run 3 seeds")
    deadline = time.monotonic() + 60
    while "scs-seeds" not in _charts(rc):
        assert time.monotonic() < deadline, "no bands after 60 s"
        time.sleep(0.2)
    assert not _errors(rc)


def test_frontier_reads_the_docs_table_and_places_the_run(scenario_folder: Path):
    from scs_sim.tradeoff import HEADLINE_BENEFIT, HEADLINE_COST, OUTCOMES
    from scs_sim.viz.frontier import frontier_option, run_effects, shipped_effects

    table = shipped_effects()
    assert set(table["outcome"]) == {o.name for o in OUTCOMES}
    full = table.set_index(["scenario", "outcome"]).loc[("full-scs", HEADLINE_COST)]
    assert full["effect_low"] <= full["effect"] <= full["effect_high"]
    # The page's run against its baseline counterfactual, measured like the table.
    scenarios = list_scenarios([scenario_folder])
    session = load_session(scenario_folder / "story.toml", 7, None, BASELINE, scenarios)
    session.step(40)
    effects = run_effects(session.series(), session.twin_series(), SMALL)
    assert effects[HEADLINE_COST] > 0.1  # full-scs chills speech against no policy
    option = frontier_option(table, effects, "this run")
    mine = option["series"][-1]["data"][0]["value"]
    assert mine == [effects[HEADLINE_COST], effects[HEADLINE_BENEFIT]]
    rc = _render(scenario_folder)
    assert "scs-frontier" in _charts(rc)
    assert any("To place this run" in t for t in _texts(rc, "scs-help"))
