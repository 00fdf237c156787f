"""The dashboard's Solara components.

:func:`Dashboard` owns one :class:`~scs_sim.viz.session.DashboardSession` per browser
session (created with ``solara.use_memo`` inside the component, never at module level),
and every other component is a view of it or a control that changes it. Every
control's handler goes through :class:`Controller`, which turns bad input into a
message on the page and keeps the session working.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import reacton.core
import solara
import solara.lab

from scs_sim.loading import ScenarioError
from scs_sim.network import NetworkFileError
from scs_sim.population import KIND_BITS
from scs_sim.runner import DEFAULT_SEED
from scs_sim.scenario import Scenario
from scs_sim.viz import charts
from scs_sim.viz.click_image import ClickImage
from scs_sim.viz.edge_lists import (
    EDGE_LIST_MAX_BYTES,
    EDGE_LIST_SUFFIXES,
    Uploads,
    list_edge_lists,
)
from scs_sim.viz.fields import FieldSpec, sections
from scs_sim.viz.labels import shown_value
from scs_sim.viz.layout import SUMMARY_LIMIT, community_summary
from scs_sim.viz.limits import SLOTS, full_message
from scs_sim.viz.merged_echarts import chart
from scs_sim.viz.network_image import COMMUNITIES, EVERYONE, FILTERS, citizen_at, network_png
from scs_sim.viz.panels import COMPARISON_METRICS, METRIC_PANELS
from scs_sim.viz.seeds import check_request, run_seeds
from scs_sim.viz.session import (
    BASELINE,
    DashboardSession,
    counterfactual_for,
    list_scenarios,
    load_session,
    parse_seed,
)
from scs_sim.viz.story import event_changes

logger = logging.getLogger(__name__)

INITIAL_SCENARIO = "full-scs"
"""Scenario shown first when present: it carries the lecture story."""

SCENARIO_ENV = "SCS_SIM_DASHBOARD_SCENARIO"
LECTURE_ENV = "SCS_SIM_DASHBOARD_LECTURE"

NO_COMPARISON = "no comparison"

PLAY_GAP = 0.05
"""Seconds the play loop rests between steps at least, so the page's events get through."""

SPEED_MIN, SPEED_MAX = 0.5, 20.0
"""Play speed range, in weeks per second (an upper bound: a slow step is never skipped)."""

CSS = """
.scs-dashboard { padding: 8px 16px; box-sizing: border-box; }
.scs-header { align-items: center; flex-wrap: wrap; column-gap: 16px; }
.scs-header h2 { margin: 0; font-size: 1.5rem; }
.scs-help { font-size: 0.85rem; color: #444; margin: -4px 0 8px 0; line-height: 1.25; }
.scs-page { display: grid; grid-template-columns: minmax(260px, 320px) minmax(0, 1fr);
  column-gap: 20px; align-items: start; }
.scs-side, .scs-main, .scs-stage-side, .scs-network-box { min-width: 0; }
.scs-controls { align-items: center; flex-wrap: wrap; column-gap: 10px; min-height: 64px; }
.scs-controls .v-btn.scs-play { min-width: 96px; }
.scs-speed { flex: 0 0 210px; width: 210px; padding-top: 22px; }
.scs-jump { flex: 0 0 90px; max-width: 90px; }
.scs-status { font-size: 1.05rem; font-weight: 500; white-space: nowrap; }
.scs-caption-slot { height: 4.4rem; overflow: hidden; margin: 4px 0 8px 0; }
.scs-caption { display: block; font-size: 1.1rem; line-height: 1.25; padding: 8px 14px;
  background: #fff3cd;  border-left: 6px solid #e9a400; }
.scs-caption-none { display: block; font-size: 0.95rem; color: #555; padding: 8px 14px; }
.scs-views { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); column-gap: 16px;
  row-gap: 12px; align-items: start; margin-bottom: 12px; }
.scs-network-box img.scs-network { display: block; width: 100%; max-width: 640px;
  height: auto; }
.scs-story { margin: 2px 0 8px 0; padding-left: 18px; font-size: 0.9rem; }
.scs-slider { margin-top: 26px; }
.scs-bar { display: inline-block; height: 10px; vertical-align: middle; }
.scs-tip { background: rgba(255, 255, 255, 0.95); border: 1px solid #888; padding: 4px 8px;
  font-size: 0.9rem; line-height: 1.3; white-space: nowrap; pointer-events: none; }
.scs-network-tools { align-items: center; column-gap: 12px; }
.scs-network-tools .v-select { flex: 0 0 220px; max-width: 220px; }
.scs-def { border-bottom: 1px dotted #333; cursor: help; font-size: 0.9rem; }
.scs-table td, .scs-table th { padding: 2px 10px; text-align: left; }
.scs-story-note { display: block; font-size: 0.85rem; color: #6a4a00; }
.scs-changed-list { display: block; font-size: 0.9rem; color: #004c7a; margin-bottom: 6px; }
.scs-changed { background: #e7f0fb; border-left: 4px solid #0072b2; padding-left: 6px; }
.scs-lecture { --net: min(calc(100vh - 92px), 56vw); font-size: 1.2rem; }
.scs-lecture .scs-header { flex-wrap: nowrap; min-height: 72px; }
.scs-lecture .scs-controls { flex-wrap: nowrap; min-height: 0; }
.scs-lecture .v-btn { font-size: 1.1rem !important; height: 48px !important; }
.scs-stage { display: grid; grid-template-columns: var(--net) minmax(0, 1fr); column-gap: 20px;
  align-items: start; margin-bottom: 16px; }
.scs-lecture .scs-network-box img.scs-network { width: var(--net); max-width: none; }
.scs-stage-side { display: flex; flex-direction: column; height: var(--net); }
.scs-lecture .scs-status { font-size: clamp(1.2rem, 1.7vw, 2.2rem); }
.scs-lecture .scs-caption-slot { height: 6.4em; font-size: clamp(1.2rem, 1.9vw, 2.4rem);
  flex: 0 0 auto; }
.scs-lecture .scs-caption, .scs-lecture .scs-caption-none { display: block; font-size: 1em;
  padding: 10px 18px; }
.scs-lecture .scs-next { display: block; font-size: 0.75em; color: #333; margin-top: 4px; }
.scs-stage-side .scs-metrics { flex: 1 1 auto; min-height: 0; height: auto !important; }
"""

ERRORS = (ScenarioError, NetworkFileError, ValueError, OSError)
"""Errors that bad input causes; their messages are one line, fit to show as they are."""


def first_line(exc: BaseException) -> str:
    """The first line of ``exc``'s message, or its type's name when the message is empty.

    Args:
        exc: The exception to show on the page.

    Returns:
        The message's first line (no newline in it).
    """
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


class Controller:
    """The session of one page and the actions on it, each turning errors into a message.

    Handlers and the play thread read reactive values with ``peek()``: ``.value`` outside
    a render can subscribe the component that started the thread, and every step would
    then force a re-render of it (a render loop).

    Args:
        session: The page's session.
        error: Where a message goes (a reactive string shown at the top of the page).
        version: Bumped after every change, so views that depend on it redraw.
    """

    def __init__(
        self,
        session: DashboardSession,
        error: solara.Reactive[str],
        version: solara.Reactive[int],
        batch: contextlib.AbstractContextManager | None = None,
    ) -> None:
        self.session = session
        self.error = error
        self.version = version
        self.batch = batch
        self.changes = threading.Lock()

    def attempt(self, action: Callable[[], Any]) -> bool:
        """Run ``action``; show its error on the page instead of failing. True on success.

        Every change the action makes, and the version bump, are rendered in one pass:
        without the batch each component that reads the version rendered in a pass of
        its own (three per step).
        """
        with self.batch or contextlib.nullcontext():
            return self._attempt(action)

    def _attempt(self, action: Callable[[], Any]) -> bool:
        try:
            action()
        except ERRORS as exc:
            self.error.value = first_line(exc)
            return False
        except Exception as exc:  # a bug must not end the visitor's session
            logger.exception("dashboard action failed")
            self.error.value = f"unexpected error ({type(exc).__name__}): {exc}"
            return False
        finally:
            with self.changes:
                self.version.set(self.version.peek() + 1)
        self.error.value = ""
        return True

    def replace(self, session: DashboardSession) -> None:
        """Swap in a rebuilt session (a new scenario, seed, parameter or comparison)."""
        self.session = session


@solara.component
def FieldControl(
    spec: FieldSpec,
    value: Any,
    on_change: Callable[[str, Any], bool | None],
    scenario_value: Any = None,
    note: str = "",
    on_restore: Callable[[str], None] | None = None,
) -> None:
    """One parameter's input, with the schema's description as help text below it.

    A value the page changed (``on_restore`` given) is highlighted, with a button back to
    the scenario file's value; ``note`` says what the scenario's story does to it.
    """

    # The field shows what it was given, and falls back to it when the page refuses a
    # value: the field and the run never disagree after rejected input.
    shown = solara.use_reactive(value)  # follows ``value`` when it changes

    def change(new: Any) -> bool:
        if new is None or new == value:
            return True
        shown.set(new)
        if on_change(spec.name, new) is False:
            shown.set(value)
            return False
        return True

    with solara.Div(classes=["scs-field"] + (["scs-changed"] if on_restore else [])):
        # Values, not the reactive itself: bound to it, a field would call ``change``
        # again when the value it shows is set from outside (a restore, a refusal).
        if spec.kind == "bool":
            solara.Switch(label=spec.label, value=shown.value, on_value=change)
        elif spec.kind == "choice":
            solara.Select(
                label=spec.label, values=list(spec.choices), value=shown.value, on_value=change
            )
        else:
            if slider_range(spec) is not None:  # numeric fields with a usable range
                ValueSlider(spec, shown.value, change)
            ExactInput(spec, shown.value, change)
        if on_restore is not None:
            solara.Button(
                f"back to the scenario's value ({shown_value(scenario_value)})",
                on_click=lambda: on_restore(spec.name),
                text=True,
                small=True,
                classes=["scs-restore"],
            )
        if note:
            solara.Text(note, classes=["scs-story-note"])
        solara.Text(spec.help, classes=["scs-help"])


@solara.component
def ExactInput(spec: FieldSpec, value: Any, on_commit: Callable[[Any], bool]) -> None:
    """A text field for an exact value, applied on Enter or when the field loses focus.

    Text that is not a number of the field's kind is refused under the field; a value the
    page refuses (``on_commit`` returns False) puts the field back to the value in force.
    """
    text = solara.use_reactive(shown_value(value))  # follows ``value`` when it changes
    problem = solara.use_reactive("")

    def commit(*_: Any) -> None:
        raw = str(text.peek()).strip()
        try:
            new: Any = {"int": int, "float": float}.get(spec.kind, str)(raw)
        except ValueError:
            kind = "a whole number" if spec.kind == "int" else "a number"
            problem.set(f"{spec.name} = {raw!r} is not valid; allowed: {kind}")
            return
        problem.set("")
        if not on_commit(new):
            text.set(shown_value(value))

    field = solara.v.TextField(
        label=spec.label,
        v_model=text.value,
        on_v_model=text.set,
        dense=True,
        error_messages=[problem.value] if problem.value else [],
        hide_details="auto",
    )
    solara.v.use_event(field, "keyup.enter", commit)
    solara.v.use_event(field, "blur", commit)


SLIDER_STEPS = 100
"""A slider moves in steps of 1/100 of its range (the text field takes exact values)."""


def slider_range(spec: FieldSpec) -> tuple[float, float, float] | None:
    """(low, high, step) of a numeric field's slider, or None when a slider would not
    help (no upper bound, or an integer range too wide to pick from)."""
    if spec.kind not in ("int", "float") or spec.ge is None or spec.le is None:
        return None
    low, high = float(spec.ge), float(spec.le)
    if spec.kind == "int":
        return (low, high, 1.0) if high - low <= 1000 else None
    if high - low > 10_000:
        return None
    return low, high, (high - low) / SLIDER_STEPS


@solara.component
def ValueSlider(spec: FieldSpec, value: float, on_change: Callable[[Any], None]) -> None:
    """A slider with its value always shown; it applies the value when released (each
    value restarts the run, so not while dragging). Only for fields with a
    :func:`slider_range`."""
    low, high, step = slider_range(spec)
    dragged = solara.use_reactive(value)  # follows ``value``
    slider = solara.v.Slider(
        v_model=dragged.value,
        on_v_model=dragged.set,
        min=low,
        max=high,
        step=step,
        thumb_label="always",
        thumb_size=28,
        hide_details=True,
        class_="scs-slider",
    )

    def release(*_: Any) -> None:
        new = dragged.peek()
        on_change(round(float(new)) if spec.kind == "int" else float(new))

    solara.v.use_event(slider, "change", release)


@solara.component
def Picker(label: str, values: list[str], in_force: str, on_pick: Callable[[str], bool]) -> None:
    """A select that shows the choice in force: a refused pick falls back to it.

    ``solara.Select`` keeps what the visitor picked in its own state, so after a refusal
    (``on_pick`` returns False, e.g. a scenario file that fails validation) it would go on
    showing the refused name. Here the select is bound to a reactive value this component
    owns and resets to ``in_force`` when a pick is refused; the error message is the
    caller's to show.
    """
    shown = solara.use_reactive(in_force)  # follows in_force when a pick is accepted

    def pick(name: str) -> None:
        if name != in_force and not on_pick(name):
            shown.set(in_force)

    solara.Select(label, values=values, value=shown, on_value=pick)


@solara.component
def UploadField(on_file: Callable[[dict], None], accept: str = "") -> None:
    """A file chooser; ``on_file`` gets ``{"name", "size", "file_obj"}`` in a thread.

    Solara's own ``FileDrop`` only takes files dragged onto it; this is a plain file
    input (a button that opens the browser's file dialog), wired the same way: the
    file's bytes come from the browser as ``file_obj`` is read.
    """
    from ipyvuetify.extra import FileInput

    info, set_info = solara.use_state(None)
    files, set_files = solara.use_state(None)
    element = FileInput.element(multiple=False, accept=accept, on_file_info=set_info)

    def wire() -> None:
        if not info:
            return
        widget = solara.get_widget(element)
        widget.version += 1  # as solara.FileDrop does: a new read for each new file
        widget.reset_stats()
        set_files(widget.get_files())

    solara.use_effect(wire, [info])

    def deliver(cancel: threading.Event) -> None:
        if files:
            on_file(files[0])

    solara.use_thread(deliver, [files])


NO_EDGE_LIST = "none"
"""The edge-list picker's entry for no file."""


@solara.component
def EdgeListControl(
    spec: FieldSpec,
    value: str,
    choices: dict[str, Path],
    on_change: Callable[[str, Any], None],
    on_upload: Callable[[dict], None],
) -> None:
    """The edge list: a file from the scenario folders or an upload, never a typed path
    (see :mod:`scs_sim.viz.edge_lists`)."""
    by_path = {str(path): label for label, path in choices.items()}
    own = f"scenario's own ({Path(value).name})" if value and value not in by_path else None
    labels = [NO_EDGE_LIST, *([own] if own else []), *choices]
    shown = by_path.get(value) or own or NO_EDGE_LIST

    def pick(label: str) -> None:
        if label == NO_EDGE_LIST:
            on_change(spec.name, "")
        elif label in choices:
            on_change(spec.name, str(choices[label]))

    solara.Select(spec.label, values=labels, value=shown, on_value=pick)
    solara.Text(
        f"or upload an edge-list file (up to {EDGE_LIST_MAX_BYTES // 2**20} MB):",
        classes=["scs-help"],
    )
    UploadField(on_upload, accept=",".join(EDGE_LIST_SUFFIXES))
    solara.Text(
        spec.help + " Files come from the scenario folders (and their networks/ "
        "subfolders) or an upload.",
        classes=["scs-help"],
    )


@solara.component
def ParameterPanel(
    params: Scenario,
    on_change: Callable[[str, Any], None],
    edge_lists: dict[str, Path] | None = None,
    on_upload: Callable[[dict], None] | None = None,
    scenario: Scenario | None = None,
    changed: tuple[str, ...] = (),
    on_restore: Callable[[str], None] | None = None,
    notes: dict[str, str] | None = None,
) -> None:
    """Every tunable field of the scenario schema, one section at a time.

    One section's controls exist at a time: with all sixty on the page, Solara's
    reconciliation after each step cost about half a second on a busy machine.
    """
    groups = solara.use_memo(sections, [])
    section = solara.use_reactive(next(iter(groups)))
    _html("<b>Parameters</b> (a change restarts the run on the same seed)")
    if changed:
        where = {spec.name: name for name, specs in groups.items() for spec in specs}
        solara.Text(
            "Changed on this page: "
            + ", ".join(
                f"{key.replace('_', ' ')} = {shown_value(getattr(params, key))} "
                f"({where.get(key, '')})"
                for key in changed
            ),
            classes=["scs-changed-list"],
        )
    solara.Select("Parameter section", values=list(groups), value=section)
    for spec in groups[section.value]:
        if spec.name == "edge_list":
            EdgeListControl(
                spec, params.edge_list, edge_lists or {}, on_change, on_upload or (lambda _: None)
            )
        else:
            mine = spec.name in changed and on_restore is not None
            FieldControl(
                spec,
                getattr(params, spec.name),
                on_change,
                scenario_value=getattr(scenario or params, spec.name),
                note=(notes or {}).get(spec.name, ""),
                on_restore=on_restore if mine else None,
            ).key(spec.name)  # a control's state belongs to its field, not its position


@solara.component
def StoryPanel(control: Controller) -> None:
    """The scenario's story: each event, what it changes, whether it has fired, and which
    of its changes are skipped to keep the visitor's own (:mod:`scs_sim.viz.story`)."""
    _ = control.version.value
    session = control.session
    if not session.params.events:
        return
    changes = event_changes(session.params)
    lines = []
    for event in sorted(session.params.events, key=lambda e: e.step):
        what = ", ".join(c.text() for c in changes if c.step == event.step) or "caption only"
        fired = "fired" if event.step < session.steps or event.step == 0 else "upcoming"
        lines.append(
            f'<li title="{escape(event.caption)}">week {event.step} ({fired}): {escape(what)}</li>'
        )
    _html(
        "<b>Story</b> (the scenario's events; hover for the caption)"
        f'<ul class="scs-story">{"".join(lines)}</ul>'
    )
    for note in session.skipped:
        solara.Warning(note.text(), dense=True, classes=["scs-kept"])


@solara.component
def CaptionBanner(control: Controller, lecture: bool) -> None:
    """The latest policy event's caption, as it triggers; in lecture mode the next one too."""
    _ = control.version.value
    session = control.session
    model = session.model
    # A slot of fixed height, present from the start: a caption appearing moves nothing.
    with solara.Div(classes=["scs-caption-slot"]):
        if model.captions:
            step, text = model.captions[-1]
            what = [c.text() for c in event_changes(session.params) if c.step == step]
            kept = [
                f"your {k.key.replace('_', ' ')} {shown_value(k.kept_value)} kept"
                for k in session.skipped
                if k.step == step
            ]
            extra = "; ".join(what + kept)
            solara.Text(
                f"Week {step}: {text}" + (f" ({extra})" if extra else ""), classes=["scs-caption"]
            )
        else:
            solara.Text("No policy event yet.", classes=["scs-caption-none"])
        if lecture:
            upcoming = [e.step for e in session.params.events if e.step > model.steps and e.caption]
            if upcoming:
                solara.Text(f"Next policy event in week {min(upcoming)}.", classes=["scs-next"])


def _quick_picks(session: DashboardSession) -> dict[str, int | None]:
    """Citizens worth a look, preferring ones drawn in the network view (lowest id first)."""
    state = session.model.population.state
    drawn = np.zeros(session.model.population.n, dtype=bool)
    drawn[session.view.nodes] = True
    masks = {
        "wrongly sanctioned": (state.restricted & ~state.justified) != 0,
        "blacklisted": state.listed.astype(bool),
        "self-censoring": state.self_censored.astype(bool),
        "most afraid": None,
    }
    picks: dict[str, int | None] = {}
    for label, mask in masks.items():
        if mask is None:
            fear = np.where(drawn, state.fear, -1.0)
            picks[label] = int(np.argmax(fear))
            continue
        hits = np.flatnonzero(mask & drawn)
        if not len(hits):
            hits = np.flatnonzero(mask)
        picks[label] = int(hits[0]) if len(hits) else None
    return picks


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header) if any(header) else ""
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table class="scs-table">{"<tr>" + head + "</tr>" if head else ""}{body}</table>'


def _html(markup: str, tag: str = "div") -> None:
    """Our own markup (values escaped). Not solara.Markdown: it loads KaTeX from a CDN,
    which is a page error offline (solara-assets 1.58.2 does not ship KaTeX)."""
    solara.HTML(tag=tag, unsafe_innerHTML=markup, classes=["scs-text"])


@solara.component
def Inspector(
    session: DashboardSession,
    version: int,
    selected: solara.Reactive[int | None],
    lecture: bool,
) -> None:
    """Why this citizen? What the student sees and the citizen does not."""
    n = session.model.population.n
    picks = _quick_picks(session)
    typed_error = solara.use_reactive("")

    def choose(value: int | None) -> None:
        if value is not None:
            selected.value = int(value)
            typed_error.value = ""

    def typed(text: str | None) -> None:
        """A typed number picks that citizen (0 included); anything else says why."""
        try:
            value = int(str(text).strip())
        except ValueError:
            value = -1
        if not 0 <= value < n:
            typed_error.value = f"citizen = {text!r} is not valid; allowed: 0 to {n - 1}"
            return
        choose(value)

    with solara.Card("Why this citizen?", subtitle="Hidden traits, opaque score, sanctions"):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.InputText(
                f"citizen (0 to {n - 1})",
                value="" if selected.value is None else str(selected.value),
                on_value=typed,
                error=typed_error.value or False,
                style={"max-width": "220px"},
            )
            for label, index in picks.items():
                solara.Button(
                    f"{label}" + ("" if index is not None else " (none)"),
                    on_click=lambda index=index: choose(index),
                    disabled=index is None,
                    outlined=True,
                    small=True,
                )
        if selected.value is None:
            solara.Text(
                "Click a citizen in the network, or pick one by number or with a button; "
                "it is circled in the network."
            )
            return
        index = selected.value
        if not 0 <= index < n:
            solara.Error(f"citizen = {index} is not valid; allowed: 0 to {n - 1}")
            return
        facts = session.model.explain(index)
        traits = facts["traits"]
        score = (
            f"score <b>{facts['score']:.0f}</b> (its own conduct alone would earn "
            f"{facts['own_conduct_score']:.0f})"
            if facts["score"] is not None
            else "no score"
        )
        _html(
            f"<b>Citizen #{index}</b>, week {session.steps}: {score}; "
            f"{facts['contacts']} active contacts; {traits['group']}."
        )
        _html(_score_rule_markup(session, facts))
        with solara.Columns([1, 1]):
            with solara.Column():
                _html(_weights_markup(facts))
                _html(
                    "<b>Hidden traits</b> (the scorer sees none of them)<br>"
                    + _table(
                        [
                            (k.replace("_", " "), v if isinstance(v, str) else f"{v:.2f}")
                            for k, v in traits.items()
                        ],
                        ("trait", "value"),
                    )
                )
            with solara.Column():
                sanctions = ", ".join(facts["restrictions"]) or "none"
                wrong = ", ".join(facts["unjustified_restrictions"]) or "none"
                _html(
                    "<b>Sanctions and records</b><br>"
                    + _table(
                        [
                            ("restrictions", sanctions),
                            ("of which unjustified", wrong),
                            ("blacklisted", _yes(facts["blacklisted"])),
                            ("listed wrongly", _yes(facts["listed_wrongly"])),
                            ("outstanding debt", _yes(facts["debt"])),
                            ("wrong record", _yes(facts["wrong_record"])),
                            ("red-list perks", _yes(facts["red_list_perks"])),
                            ("income strain", f"{facts['strain']:.2f}"),
                        ],
                        ("", ""),
                    )
                )
                _html(
                    "<b>What it believes and fears</b><br>"
                    + _table(
                        [
                            ("perceived surveillance", f"{facts['perceived_surveillance']:.2f}"),
                            ("fear", f"{facts['fear']:.2f}"),
                            (
                                "chance it withholds a critical post",
                                f"{facts['self_censorship_probability']:.2f}",
                            ),
                        ],
                        ("", ""),
                    )
                )
                if session.twin is not None:
                    other = session.twin.explain(index)
                    label = session.counterfactual.label if session.counterfactual else ""
                    twin_score = (
                        "no score" if other["score"] is None else f"score {other['score']:.0f}"
                    )
                    _html(
                        f"<b>Same citizen in the counterfactual</b> ({escape(label)}): "
                        f"{twin_score}, restrictions "
                        f"{', '.join(other['restrictions']) or 'none'}, chance it withholds a "
                        f"critical post {other['self_censorship_probability']:.2f}."
                    )
        history = session.history.of(index)
        if len(history):
            chart(
                charts.citizen_option(history, index, large=lecture),
                "scs-citizen",
                260,
            )
        elif not session.history.enabled:
            solara.Text("History is not kept above 200,000 citizens.")


def _score_rule_markup(session: DashboardSession, facts: dict) -> str:
    """The score rule in words and numbers, with this citizen's values."""
    from scs_sim.scoring import NEUTRAL_SCORE, SCORE_MAX, SCORE_MIN

    if facts["score"] is None:
        return "<b>Score rule</b>: no score runs in this scenario."
    weights, parts = facts["true_weights"], facts["components"]
    total = sum(w for w in weights.values() if w > 0) or 1.0
    mix = sum(weights.get(k, 0.0) / total * parts.get(k, 0.0) for k in weights)
    reference = getattr(session.model, "score_reference", None)
    ref = f" (here m = {reference[0]:.3f}, s = {reference[1]:.3f})" if reference else ""
    per_sd = session.model.params.points_per_sd  # the run's value, after any event
    return (
        "<b>Score rule</b> (hidden from citizens): score = "
        f"{NEUTRAL_SCORE:.0f} + {per_sd:.0f} × (Σ w·c − m) / s, kept within "
        f"{SCORE_MIN:.0f}-{SCORE_MAX:.0f}; w = the true weights (shares of the score), "
        "c = the citizen's components (0-1), m and s = mean and spread of Σ w·c when the "
        f"score was launched{ref}. For this citizen Σ w·c = {mix:.3f}, score "
        f"{facts['score']:.0f}."
    )


def _weights_markup(facts: dict) -> str:
    """True and believed weights as shares of the score (both sum to 100%), side by side
    on one scale, with the citizen's component values."""
    true_w, believed = facts["true_weights"], facts["believed_weights"]
    parts = facts["components"]
    names = sorted(set(true_w) | set(believed) | set(parts))
    true_sum = sum(max(true_w.get(k, 0.0), 0.0) for k in names) or 1.0
    believed_sum = sum(max(believed.get(k, 0.0), 0.0) for k in names) or 1.0

    def bar(share: float, colour: str) -> str:
        return (
            f'<span class="scs-bar" style="width: {100 * share:.0f}px; background: {colour}">'
            f"</span> {100 * share:.0f}%"
        )

    rows = ""
    for k in names:
        comp = f"{parts[k]:.2f}" if k in parts else "-"
        rows += (
            f"<tr><td>{escape(k)}</td><td>{comp}</td>"
            f"<td>{bar(max(true_w.get(k, 0.0), 0.0) / true_sum, '#0072b2')}</td>"
            f"<td>{bar(max(believed.get(k, 0.0), 0.0) / believed_sum, '#e69f00')}</td></tr>"
        )
    return (
        "<b>Weights, as shares of the score</b> (true: what the scorer uses; believed: "
        "what the citizen guesses, scaled to sum to 100% like the true ones)<br>"
        '<table class="scs-table"><tr><th>source</th><th>component c</th>'
        "<th>true weight</th><th>believed weight</th></tr>" + rows + "</table>"
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _png(draw: Callable[[Any], Any]) -> bytes:
    """PNG bytes of ``draw(figures)``, with :mod:`scs_sim.viz.figures` imported on first use.

    It imports matplotlib (about a second); imported when the export buttons were first
    rendered, that second was part of every server's first page.
    """
    from scs_sim.viz import figures

    return figures.to_png(draw(figures))


def _export_makers(
    session: DashboardSession, selected: int | None, large: bool
) -> dict[str, Callable[[], bytes]]:
    """What each export button makes, on click, from the run's state at that moment.

    Made once per session, citizen and text size, not at every step: a download button
    whose maker changes starts a thread (Solara's ``use_thread``) at every render, six
    threads and as many extra renders per step.
    """

    def network() -> bytes:
        with session.lock:
            return network_png(session.model, session.view, selected=selected, large=large)

    def metrics() -> bytes:
        with session.lock:
            return _png(lambda f: f.metrics_figure(session.series(), session.model.captions))

    def scores() -> bytes:
        with session.lock:
            return _png(lambda f: f.histogram_figure(session.model))

    def groups() -> bytes:
        return _png(lambda f: f.group_figure(session.series()))

    def comparison() -> bytes:
        with session.lock:
            twin = session.twin_series()
            if twin is None or session.counterfactual is None:
                raise ValueError("no comparison is running")
            mine, theirs = session.labels()
            return _png(lambda f: f.comparison_figure(session.series(), twin, mine, theirs))

    def citizen() -> bytes:
        if selected is None:
            raise ValueError("no citizen is picked")
        return _png(lambda f: f.citizen_figure(session.history.of(selected), selected))

    return {
        "network": network,
        "metrics": metrics,
        "scores": scores,
        "groups": groups,
        "comparison": comparison,
        "citizen": citizen,
    }


@solara.component
def Exports(session: DashboardSession, version: int, selected: int | None, large: bool):
    """Downloads: the series as CSV, the run's manifest, and every figure as PNG."""
    from scs_sim.output import slug

    stem = f"{slug(session.params.name)}-seed{session.seed}-week{session.steps}"
    make = solara.use_memo(
        lambda: _export_makers(session, selected, large), [id(session), selected, large]
    )
    figures = [("network", "Network"), ("metrics", "Metrics"), ("scores", "Scores")]
    if session.model.group_members:
        figures.append(("groups", "Groups"))
    if session.twin is not None and session.counterfactual is not None:
        figures.append(("comparison", "Comparison"))
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            session.series_csv,
            filename=f"{stem}.csv",
            label="Series (CSV)",
            mime_type="text/csv",
        )
        solara.FileDownload(
            session.manifest_json, filename=f"{stem}.json", label="Run manifest (JSON)"
        )
        for kind, label in figures:
            solara.FileDownload(
                make[kind],
                filename=f"{stem}-{kind}.png",
                label=f"{label} (PNG)",
                mime_type="image/png",
            )
        if selected is not None:
            solara.FileDownload(
                make["citizen"],
                filename=f"{stem}-citizen{selected}.png",
                label=f"Citizen #{selected} (PNG)",
                mime_type="image/png",
            )


def _take_slot() -> tuple[object, bool]:
    """This page's session slot: its key (its kernel) and whether it got one.

    Rendered outside a server (``solara.render`` in tests) a page has no kernel and
    takes no slot.
    """
    try:
        key: object = solara.get_kernel_id()
        closed = solara.kernel_closed_event()
    except Exception:
        return None, True
    return key, SLOTS.acquire(key, lambda: not closed.is_set())


@solara.component
def Dashboard(scenario_dirs: list[Path] | None = None, initial: str | None = None) -> None:
    """The whole page: picker, parameters, controls, views, comparison, inspector, exports.

    Args:
        scenario_dirs: Folders listed by the picker (default: the scenario search path).
        initial: Scenario shown first (default ``$SCS_SIM_DASHBOARD_SCENARIO`` or full-scs).
    """
    scenarios = solara.use_memo(lambda: list_scenarios(scenario_dirs), [])
    edge_files = solara.use_memo(lambda: list_edge_lists(scenario_dirs), [])
    first = initial or os.environ.get(SCENARIO_ENV) or INITIAL_SCENARIO
    slot = solara.use_memo(_take_slot, [])
    solara.use_effect(lambda: lambda: SLOTS.release(slot[0]), [])

    def first_session() -> tuple[str, DashboardSession | None, str]:
        # Per page, hence per browser session: never a module-level model.
        if not slot[1]:
            return "", None, full_message(SLOTS.limit)
        problems = []
        for name in dict.fromkeys([first, *scenarios]):
            if name not in scenarios:
                continue
            try:
                session = load_session(scenarios[name], DEFAULT_SEED, scenarios=scenarios)
            except ERRORS as exc:
                problems.append(first_line(exc))
                continue
            # The first choice failed: say so and what is shown instead, never silently.
            note = f"{problems[0]} (showing {name!r} instead)" if problems else ""
            return name, session, note
        if first not in scenarios:
            problems.insert(0, f"scenario = {first!r} is not valid; no such file")
        return "", None, problems[0] if problems else "no scenario files found"

    start_name, start_session, start_error = solara.use_memo(first_session, [])
    error = solara.use_reactive(start_error)
    version = solara.use_reactive(0)
    # The page's render context, to batch an action's changes into one render.
    batch = reacton.core.get_render_context(required=False)
    control = solara.use_memo(
        lambda: None if start_session is None else Controller(start_session, error, version, batch),
        [],
    )
    if control is None:
        solara.Error(error.value if not slot[1] else "No scenario could be loaded: " + error.value)
    else:
        DashboardView(control, scenarios, start_name, edge_files)


@solara.component
def DashboardView(
    control: Controller,
    scenarios: dict[str, Path],
    start_name: str,
    edge_files: dict[str, Path] | None = None,
) -> None:
    """The page once a session exists (see :func:`Dashboard`).

    This component never reads the step counter (``control.version``): a step re-renders
    only the live parts (:func:`Status`, :func:`CaptionBanner`, :func:`LiveViews`), not
    the sixty parameter controls, which keeps a step's server-side redraw small.
    """
    error = control.error
    choice = solara.use_reactive(start_name)
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    seed_error = solara.use_reactive("")
    overrides = solara.use_reactive({})
    compare = solara.use_reactive(NO_COMPARISON)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4.0)
    jump = solara.use_reactive(10)
    selected = solara.use_reactive(None)
    lecture = solara.use_reactive(os.environ.get(LECTURE_ENV, "") not in ("", "0"))
    built = solara.use_reactive(0)  # bumped when the session is replaced
    edge_files = edge_files or {}
    uploads = solara.use_memo(Uploads, [])
    solara.use_effect(lambda: uploads.close, [])
    session = control.session
    _ = built.value  # subscribe: a new session re-renders the panel with its parameters

    def rebuild(**change: Any) -> None:
        """A new session with one thing changed; the old one stays if validation fails."""
        name = change.get("name", choice.peek())
        seed = change.get("seed", control.session.seed)
        new_overrides = change.get("overrides", overrides.peek())
        cf = change.get("compare", compare.peek())
        fresh = load_session(
            scenarios[name],
            seed,
            new_overrides,
            None if cf == NO_COMPARISON else cf,
            scenarios,
            edge_lists=[*edge_files.values(), *uploads.files.values()],
        )
        playing.value = False
        control.replace(fresh)
        choice.value, overrides.value, compare.value = name, new_overrides, cf
        if selected.peek() is not None and selected.peek() >= fresh.model.population.n:
            selected.value = None
        built.set(built.peek() + 1)

    def on_scenario(name: str) -> bool:
        return control.attempt(lambda: rebuild(name=name, overrides={}))

    def on_seed(text: str | None) -> None:
        seed_text.value = text or ""

        def apply() -> None:
            try:
                seed = parse_seed(text or "")
            except ScenarioError as exc:
                seed_error.value = str(exc)
                raise
            seed_error.value = ""
            rebuild(seed=seed)

        control.attempt(apply)

    def on_parameter(name: str, value: Any) -> bool:
        return control.attempt(lambda: rebuild(overrides=overrides.peek() | {name: value}))

    def on_restore(name: str) -> None:
        """Back to the scenario file's value: the page's change is dropped."""
        rest = {k: val for k, val in overrides.peek().items() if k != name}
        control.attempt(lambda: rebuild(overrides=rest))

    file_params = solara.use_memo(lambda: _file_scenario(scenarios, choice.value), [choice.value])
    notes = _story_notes(session)

    def on_upload(file: dict) -> None:
        """An uploaded edge list: saved, checked, then used like a picked file."""

        def apply() -> None:
            n = control.session.params.n_citizens
            _, path = uploads.add(str(file.get("name", "")), file["file_obj"], n)
            rebuild(overrides=overrides.peek() | {"edge_list": str(path)})

        control.attempt(apply)

    def on_compare(value: str) -> bool:
        def apply() -> None:
            cf = None if value == NO_COMPARISON else value
            current = control.session
            current.compare_with(counterfactual_for(current.params, cf, scenarios))
            compare.value = value

        return control.attempt(apply)

    def step_once() -> None:
        control.attempt(lambda: control.session.step(1))

    def jump_ahead() -> None:
        def apply() -> None:
            if int(jump.peek()) < 1:
                raise ScenarioError(f"jump = {jump.peek()} is not valid; allowed: 1 or more")
            control.session.step(int(jump.peek()))  # refuses to pass the step cap

        control.attempt(apply)

    def reset() -> None:
        playing.value = False
        control.attempt(control.session.reset)

    async def play_loop() -> None:
        # A coroutine on the server's event loop, not a thread: renders then happen on the
        # loop that also handles the page's clicks. Renders from a thread deadlocked
        # against a click's render in Chromium under load; here Pause simply cancels the
        # task at its next await.
        if not playing.peek():
            return
        current = control.session
        # Stop at the end of the scenario's planned weeks, unless already past it.
        stop_at = current.params.steps if current.steps < current.params.steps else None
        while playing.peek():
            started = time.perf_counter()
            if not control.attempt(lambda: current.step(1)):
                playing.set(False)
                return
            if stop_at is not None and current.steps >= stop_at:
                playing.set(False)
                return
            elapsed = time.perf_counter() - started
            await asyncio.sleep(max(PLAY_GAP, 1.0 / speed.peek() - elapsed))

    solara.lab.use_task(  # type: ignore[call-overload]
        play_loop, dependencies=[playing.value, speed.value, id(session)], raise_error=False
    )

    large = lecture.value

    def controls() -> None:
        with solara.Row(classes=["scs-controls"]):
            solara.Button("Step", on_click=step_once, color="primary")
            # Explicit, not a toggle: a click that arrives late must not restart play.
            solara.Button(
                "Pause" if playing.value else "Play",
                on_click=lambda: playing.set(False) if playing.peek() else playing.set(True),
                color="secondary",
                classes=["scs-play"],
            )
            SpeedControl(speed)
            solara.Button("Reset", on_click=reset, outlined=True)
            solara.InputInt("jump N", value=jump, classes=["scs-jump"])
            solara.Button(f"Jump {jump.value}", on_click=jump_ahead, outlined=True)
            if not large:
                Status(control)

    def message_slot() -> None:
        # A reserved slot below the controls: a message appearing never moves them.
        with solara.Div(classes=["scs-message-slot"]):
            if error.value:
                solara.Error(error.value, classes=["scs-error"])

    solara.Title("scs_sim dashboard")
    solara.Style(CSS)
    with solara.Div(classes=["scs-dashboard"] + (["scs-lecture"] if large else [])):
        with solara.Row(classes=["scs-header"]):
            _html(f"scs_sim: {escape(session.params.name)}", tag="h2")
            solara.Switch(label="Lecture mode", value=lecture)
            if large:
                controls()
        if large:
            message_slot()
            LiveViews(control, selected, large)
            return
        with solara.Div(classes=["scs-page"]):
            with solara.Div(classes=["scs-side"]):
                solara.Text(session.params.description, classes=["scs-help"])
                Picker("Scenario", list(scenarios), choice.value, on_scenario)
                solara.InputText(
                    "Seed",
                    value=seed_text.value,
                    on_value=on_seed,
                    error=seed_error.value or False,
                    message="a whole number; the same seed gives the same run",
                )
                Picker(
                    "Compare with",
                    [NO_COMPARISON, BASELINE, *scenarios],
                    compare.value,
                    on_compare,
                )
                StoryPanel(control)
                ParameterPanel(
                    session.params,
                    on_parameter,
                    edge_lists=edge_files | uploads.files,
                    on_upload=on_upload,
                    scenario=file_params,
                    changed=session.changed,
                    on_restore=on_restore,
                    notes=notes,
                )
            with solara.Div(classes=["scs-main"]):
                controls()
                message_slot()
                LiveViews(control, selected, large)


def _file_scenario(scenarios: dict[str, Path], name: str) -> Scenario | None:
    """The scenario as its file has it (for "back to the scenario's value")."""
    from scs_sim.loading import load_scenario

    try:
        return load_scenario(scenarios[name], caller="dashboard")
    except (KeyError, *ERRORS):
        return None


def _story_notes(session: DashboardSession) -> dict[str, str]:
    """Per parameter: what the story does to it, or that the page's value is kept."""
    notes: dict[str, str] = {}
    for change in event_changes(session.params):
        notes[change.key] = (
            notes.get(change.key, "") + f"The story sets this in week {change.step}: "
            f"{shown_value(change.before)} → {shown_value(change.after)}. "
        ).lstrip()
    for kept in session.skipped:
        notes[kept.key] = kept.text()
    return notes


@solara.component
def SpeedControl(speed: solara.Reactive[float]) -> None:
    """Play speed, in weeks per second, as a continuous slider."""
    with solara.Div(classes=["scs-speed"]):
        solara.SliderFloat(
            "weeks per second",
            value=speed,
            min=SPEED_MIN,
            max=SPEED_MAX,
            step=0.5,
            thumb_label="always",
        )


@solara.component
def Status(control: Controller) -> None:
    """Week, population and seed; re-rendered at every step."""
    _ = control.version.value
    session = control.session
    solara.Text(
        f"Week {session.steps} of {session.params.steps} · "
        f"{session.model.population.n:,} citizens · seed {session.seed}",
        classes=["scs-status"],
    )


@solara.component
def LiveViews(control: Controller, selected: solara.Reactive[int | None], large: bool) -> None:
    """Network, charts, comparison, inspector and exports: everything a step changes."""
    version = control.version.value
    session = control.session
    series = solara.use_memo(lambda: session.series(), [version, id(session)])
    twin_series = solara.use_memo(lambda: session.twin_series(), [version, id(session)])
    events = [step for step, _ in session.model.captions]

    def network_view() -> None:
        NetworkImage(session, version, selected, large)

    metrics = charts.metrics_option(series, events, planned_steps=session.params.steps, large=large)
    if large:
        with solara.Div(classes=["scs-stage"]):
            network_view()
            with solara.Div(classes=["scs-stage-side"]):
                Status(control)
                CaptionBanner(control, large)
                chart(metrics, "scs-metrics", "auto")
    else:
        CaptionBanner(control, large)
        with solara.Div(classes=["scs-views"]):
            network_view()
            with solara.Div():
                chart(metrics, "scs-metrics", 480)
                _html(_definitions_markup(), tag="div")
    with solara.Div(classes=["scs-views"]):
        chart(charts.histogram_option(session.model, large=large), "scs-histogram", 300)
        if session.model.group_members:
            chart(charts.group_option(series, large=large), "scs-groups", 300)
    if twin_series is not None and session.counterfactual is not None:
        mine, theirs = session.labels()
        with solara.Card(
            f"{mine} against {theirs}",
            subtitle="Same seed, same citizens and ties, stepping together; "
            "the bottom row is the difference (the chilling effect).",
        ):
            chart(
                charts.comparison_option(series, twin_series, mine, theirs, large=large),
                "scs-comparison",
                420,
            )
    FrontierPanel(session, version, series, twin_series, large)
    SeedBands(session, version, series, large)
    Inspector(session, version, selected, large)
    Exports(session, version, selected.value, large)


@solara.component
def NetworkImage(
    session: DashboardSession, version: int, selected: solara.Reactive[int | None], large: bool
) -> None:
    """The network picture: click to pick a citizen, hover for details, wheel to zoom,
    drag to pan, double click to reset; a filter of what is drawn. Its own component, so
    a hover re-renders only this."""
    show = solara.use_reactive(EVERYONE)
    tip = solara.use_reactive("")

    def draw() -> bytes:
        if show.value == COMMUNITIES:
            # Louvain takes seconds at 20,000 citizens: find the (cached) communities of
            # the initial ties before taking the lock, so Step and hover are not held up.
            community_summary(session.view)
        return _locked(
            session,
            lambda: network_png(
                session.model,
                session.view,
                selected=selected.value,
                large=large,
                show=show.value,
            ),
        )

    network = solara.use_memo(draw, [version, selected.value, large, id(session), show.value])

    def at(point: dict | None) -> int | None:
        if not point or show.peek() == COMMUNITIES:  # the summary draws no citizens
            return None
        x, y = float(point.get("x", "nan")), float(point.get("y", "nan"))
        return citizen_at(session.view, x, y, large=large)

    def pick(click: dict | None) -> None:
        """A click on the network picks the citizen drawn there (a miss changes nothing)."""
        index = at(click)
        if index is not None:
            selected.value = index

    def hover(point: dict | None) -> None:
        index = at(point)
        with session.lock:
            tip.set("" if index is None else citizen_tip(session.model, index))

    with solara.Div(classes=["scs-network-box"]):
        ClickImage.element(  # type: ignore[attr-defined]
            png=network,
            css_class="scs-network",
            alt=f"Network of {session.view.n:,} citizens, week {session.steps}",
            on_click=pick,
            on_hover=hover,
            tip=tip.value,
        )
        with solara.Row(classes=["scs-network-tools"]):
            offered = [f for f in FILTERS if f != COMMUNITIES or session.view.all_pairs is not None]
            solara.Select("show", values=offered, value=show)
            solara.Text(
                "wheel: zoom · drag: pan · double click: reset · click: pick a citizen",
                classes=["scs-help"],
            )
        if session.view.sampled:
            solara.Text(
                f"Sampled view: {len(session.view.nodes):,} of "
                f"{session.view.n:,} citizens, grown breadth-first from random "
                "starts so their ties show. Plots and counts use everyone"
                + (
                    f"; 'show: {COMMUNITIES}' summarises everyone."
                    if session.view.all_pairs is not None
                    else f" (no summary of everyone above {SUMMARY_LIMIT:,} citizens)."
                ),
                classes=["scs-help"],
            )


def citizen_tip(model: Any, index: int) -> str:
    """One line about a citizen, for the network's hover text."""
    state = model.population.state
    kinds = [k for k, bit in KIND_BITS.items() if int(state.restricted[index]) & bit]
    listed = " · blacklisted" if bool(state.listed[index]) else ""
    wrong = " (wrongly)" if int(state.restricted[index]) & ~int(state.justified[index]) else ""
    sanctions = f" · restricted: {', '.join(kinds)}{wrong}" if kinds else ""
    score = f"score {float(state.score[index]):.0f}" if model.params.scoring else "no score"
    return f"#{index}: {score}{listed}{sanctions} · fear {float(state.fear[index]):.2f}"


@solara.component
def SeedBands(session: DashboardSession, version: int, series: pd.DataFrame, large: bool) -> None:
    """Run N seeds of the current settings in the background, with progress, and show
    bands across them (:mod:`scs_sim.viz.seeds`), with the page's run (``series``) on them.
    A new session (another scenario, seed or parameter) stops a run in progress and drops
    the bands: they were of other settings.
    """
    count = solara.use_reactive(10)
    request = solara.use_reactive(None)  # (session id, seeds, serial) asked for by the button
    progress = solara.use_reactive(0.0)
    problem = solara.use_reactive("")
    result = solara.use_reactive(None)  # (session id, seeds, band) of the last finished run
    metrics = list(COMPARISON_METRICS)
    asked = request.value
    mine = asked is not None and asked[0] == id(session)

    def start() -> None:
        seeds = int(count.peek())
        try:
            check_request(session.params, seeds, session.params.steps)
        except ScenarioError as exc:
            problem.set(str(exc))
            return
        problem.set("")
        progress.set(0.0)
        serial = (request.peek() or (0, 0, 0))[2] + 1
        request.set((id(session), seeds, serial))

    def work(cancel: threading.Event) -> None:
        if not mine:
            return
        band = run_seeds(
            session.params,
            session.seed,
            asked[1],
            session.params.steps,
            [name for name, _ in metrics],
            progress=progress.set,
            cancel=cancel,
        )
        if band is not None:
            result.set((id(session), asked[1], band))

    solara.use_thread(work, dependencies=[asked, id(session)])
    with solara.Card(
        "Uncertainty across seeds",
        subtitle=f"The current settings on seeds {session.seed} to "
        f"{session.seed + int(count.value) - 1} (the page's run is the first), "
        f"{session.params.steps} weeks each, run in the background.",
    ):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.InputInt("seeds", value=count, style={"max-width": "100px"})
            solara.Button(f"Run {count.value} seeds", on_click=start, outlined=True)
            if mine and progress.value < 1.0:
                solara.ProgressLinear(value=100 * progress.value)
                solara.Text(
                    f"running: {100 * progress.value:.0f}% done", classes=["scs-seeds-progress"]
                )
        if problem.value:
            solara.Error(problem.value)
        done = result.value
        if done is not None and done[0] == id(session):
            chart(
                charts.band_option(done[2], series, metrics, done[1], large=large),
                "scs-seeds",
                320,
            )


@functools.cache
def _shipped_effects() -> tuple[Any, str]:
    """docs/tradeoffs.md's table, read once per server (or why it cannot be)."""
    from scs_sim.viz.frontier import shipped_effects

    try:
        return shipped_effects(), ""
    except (OSError, ValueError) as exc:
        return None, first_line(exc)


@solara.component
def FrontierPanel(
    session: DashboardSession,
    version: int,
    series: pd.DataFrame,
    twin_series: pd.DataFrame | None,
    large: bool,
) -> None:
    """The trade-off frontier with the page's run (``series``, against its counterfactual's
    ``twin_series``) on it (:mod:`scs_sim.viz.frontier`)."""
    from scs_sim.viz.frontier import DOC_RUNS, frontier_option, run_effects

    shipped, problem = _shipped_effects()
    comparing = session.counterfactual is not None and session.counterfactual.label == BASELINE
    with solara.Card(
        "Trade-off frontier",
        subtitle=f"Shipped scenarios: docs/tradeoffs.md ({DOC_RUNS}, 95% intervals). This "
        "run: one seed, the weeks run so far, against its running counterfactual.",
    ):
        if shipped is None:
            solara.Error(f"The frontier needs docs/tradeoffs.md: {problem}")
            return
        current = None
        label = f"this run ({session.params.name}, week {session.steps}, seed {session.seed})"
        if comparing and session.steps > 0:
            if twin_series is not None:
                current = run_effects(series, twin_series, session.model.population.n)
        else:
            solara.Text(
                f"To place this run, choose 'Compare with: {BASELINE}' and step.",
                classes=["scs-help"],
            )
        chart(frontier_option(shipped, current, label, large=large), "scs-frontier", 420)


def _definitions_markup() -> str:
    """The metric panels' names, each with its definition from the data dictionary on
    hover (the same text as docs/outputs.md)."""
    items = []
    for spec in METRIC_PANELS:
        text = " | ".join(charts.definition(name) for name, _ in spec.lines)
        items.append(f'<span class="scs-def" title="{escape(text)}">{escape(spec.title)}</span>')
    return '<span class="scs-help">Definitions (hover): </span>' + " · ".join(items)


def _locked(session: DashboardSession, draw: Callable[[], bytes]) -> bytes:
    with session.lock:
        return draw()
