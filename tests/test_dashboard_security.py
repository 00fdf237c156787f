"""The dashboard on an open port: no file read from a typed path, no file contents in an
error, an access token, and bounded steps and sessions (issue 15, security 1 and 3).

In Python; tests/test_dashboard_browser.py checks the same through Chromium."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("REACTON_FAST", "1")
solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from scs_sim.cli import dashboard as dashboard_cli  # noqa: E402
from scs_sim.loading import NetworkFileError, ScenarioError  # noqa: E402
from scs_sim.network import edge_list  # noqa: E402
from scs_sim.scenario import Scenario  # noqa: E402
from scs_sim.viz import access, components, limits  # noqa: E402
from scs_sim.viz.components import Dashboard  # noqa: E402
from scs_sim.viz.edge_lists import (  # noqa: E402
    Uploads,
    check_edge_list,
    list_edge_lists,
)
from scs_sim.viz.session import CitizenHistory, load_session  # noqa: E402

SECRET = "root:x:0:0:SECRET-LINE:/root:/bin/bash"


@pytest.fixture
def folder(tmp_path: Path, scenario_dir: Path) -> Path:
    """A small story scenario, a valid ring edge list beside it, and a secret elsewhere."""
    text = (scenario_dir / "full-scs.toml").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("n_citizens")]
    (tmp_path / "story.toml").write_text("n_citizens = 50\n" + "\n".join(lines) + "\n")
    (tmp_path / "networks").mkdir()
    ring = "\n".join(f"{i} {(i + 1) % 50}" for i in range(50))
    (tmp_path / "networks" / "ring.txt").write_text(ring + "\n")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "passwd").write_text(SECRET + "\n")
    return tmp_path


def test_only_offered_edge_lists_are_read(folder: Path):
    offered = list_edge_lists([folder])
    assert list(offered) == ["ring.txt"]
    secret = folder / "secret" / "passwd"
    for value in (str(secret), "/etc/passwd", "../secret/passwd"):
        with pytest.raises(ScenarioError, match="does not read paths typed") as caught:
            load_session(
                folder / "story.toml",
                1,
                {"network": "edge_list", "edge_list": value},
                edge_lists=offered.values(),
            )
        assert SECRET not in str(caught.value) and "SECRET" not in str(caught.value)
    chosen = str(offered["ring.txt"])
    session = load_session(
        folder / "story.toml",
        1,
        {"network": "edge_list", "edge_list": chosen},
        edge_lists=offered.values(),
    )
    assert session.params.edge_list == chosen and session.model.network.initial_ties == 100
    check_edge_list("", [])  # no file, and the scenario's own file, need no offer
    check_edge_list("/data/own.txt", [], scenario_value="/data/own.txt")


def test_an_unreadable_edge_list_names_where_not_what(tmp_path: Path):
    bad = tmp_path / "passwd"
    bad.write_text(SECRET + "\n")
    params = Scenario(n_citizens=50, network="edge_list", edge_list=str(bad))
    with pytest.raises(NetworkFileError) as caught:
        edge_list(params, np.random.default_rng(0))
    assert "SECRET" not in str(caught.value) and "x:0:0" not in str(caught.value)
    assert "not two integer columns" in str(caught.value)


def test_uploads_are_size_limited_parsed_and_never_echoed(folder: Path):
    uploads = Uploads(max_bytes=1000)
    with pytest.raises(ScenarioError, match="too large; allowed: up to"):
        uploads.add("big.txt", io.BytesIO(b"0 1\n" * 400), 50)
    with pytest.raises(ScenarioError) as caught:
        uploads.add("passwd", io.BytesIO(SECRET.encode()), 50)
    assert "SECRET" not in str(caught.value) and "x:0:0" not in str(caught.value)
    assert "'passwd' is not valid" in str(caught.value)
    with pytest.raises(ScenarioError, match="from 0 to 49"):
        uploads.add("far.txt", io.BytesIO(b"0 99\n"), 50)
    label, path = uploads.add("../../etc/ring.txt", io.BytesIO(b"0 1\n1 2\n2 0\n"), 50)
    assert label == "upload: ring.txt" and uploads.files == {label: path}
    session = load_session(
        folder / "story.toml",
        1,
        {"network": "edge_list", "edge_list": str(path)},
        edge_lists=uploads.files.values(),
    )
    assert session.model.network.initial_ties == 6
    uploads.close()
    assert not path.exists()


def test_the_page_has_no_path_field_and_ignores_a_forged_value(folder: Path):
    _, rc = solara.render(Dashboard(scenario_dirs=[folder], initial="story"), handle_error=False)
    rc.find(v.Select, label="Parameter section").widget.v_model = "network"
    assert not rc.find(v.TextField, label="edge list").widgets
    picker = rc.find(v.Select, label="edge list").widget
    assert picker.items == ["none", "ring.txt"]
    picker.v_model = "/etc/passwd"  # what a forged widget message would set
    status = [w.children for w in rc.find(v.Html, class_="scs-status").widgets]
    assert "Week 0 of" in str(status)
    assert not [w for w in rc.find(v.Alert).widgets if w.type == "error"]
    picker.v_model = "ring.txt"
    rc.find(v.Select, label="network").widget.v_model = "edge_list"
    assert not [w for w in rc.find(v.Alert).widgets if w.type == "error"]
    rc.close()


def test_history_bytes_per_citizen_is_what_the_inspector_keeps():
    from scs_sim.model import SocialCreditModel

    history = CitizenHistory(200)
    history.record(SocialCreditModel(n_citizens=200, agent_views=False))
    kept = sum(
        rows[0].nbytes
        for rows in (
            history._score,
            history._restricted,
            history._listed,
            history._censored,
            history._fear,
        )
    )
    assert kept == 200 * limits.HISTORY_BYTES_PER_CITIZEN


def test_step_cap_bounds_memory_and_a_jump_past_it_is_refused(folder: Path, monkeypatch):
    assert limits.step_cap(1_000) == limits.MAX_SESSION_STEPS
    big = limits.step_cap(200_000)
    assert big * 200_000 * limits.HISTORY_BYTES_PER_CITIZEN <= limits.HISTORY_MAX_BYTES
    assert 100 <= big < limits.MAX_SESSION_STEPS
    monkeypatch.setattr(limits, "MAX_SESSION_STEPS", 15)
    _, rc = solara.render(Dashboard(scenario_dirs=[folder], initial="story"), handle_error=False)
    jump = rc.find(v.TextField, label="jump N").widget
    jump.v_model = "20"
    jump.fire_event("keyup.enter", None)
    rc.find(v.Btn, children=["Jump 20"]).widget.click()
    errors = [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]
    assert errors and "jump = 20 is not valid" in errors[0] and "allowed: 1 to 15" in errors[0]
    for _ in range(15):
        rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Btn, children=["Step"]).widget.click()
    errors = [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]
    assert errors and "stops at week 15" in errors[0] and "Reset" in errors[0]
    status = [w.children for w in rc.find(v.Html, class_="scs-status").widgets]
    assert "Week 15 of" in str(status)
    rc.close()


def test_session_slots_refuse_one_more_and_free_dead_ones():
    slots = limits.SessionSlots(2)
    alive = {"a": True}
    assert slots.acquire("a", lambda: alive["a"]) and slots.acquire("b")
    assert slots.acquire("a")  # the same page again
    assert not slots.acquire("c") and len(slots) == 2
    alive["a"] = False  # its browser vanished
    assert slots.acquire("c")
    slots.release("b")
    assert slots.acquire("d") and not slots.acquire("e")


def test_a_full_server_shows_a_message_and_builds_no_model(folder: Path, monkeypatch):
    monkeypatch.setattr(components, "SLOTS", limits.SessionSlots(0))
    monkeypatch.setattr(components, "_take_slot", lambda: ("page", False))
    built = []
    monkeypatch.setattr(components, "load_session", lambda *a, **k: built.append(a))
    _, rc = solara.render(Dashboard(scenario_dirs=[folder], initial="story"), handle_error=False)
    errors = [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]
    assert errors and "The dashboard is full" in errors[0] and "--max-sessions" in errors[0]
    assert built == [] and not rc.find(v.Btn, children=["Step"]).widgets
    rc.close()


def _asgi(gate, path: str = "/", query: bytes = b"", cookie: str | None = None, kind="http"):
    """Drive ``gate`` with one request; returns the messages it sent and whether the app ran."""
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page"})

    gate.app = app
    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {"type": kind, "path": path, "query_string": query, "headers": headers}
    sent = []

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    # A loop of its own: asyncio.run would leave this thread without a current loop, which
    # Solara's tasks in later tests ask for.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(gate(scope, receive, send))
    finally:
        loop.close()
    return sent, bool(reached)


def test_token_gate_refuses_requests_without_the_token():
    gate = access.TokenGate(None, "tok-12345678")
    sent, reached = _asgi(gate)
    assert sent[0]["status"] == 401 and not reached and b"token" in sent[1]["body"]
    sent, reached = _asgi(gate, query=b"token=wrong-1234")
    assert sent[0]["status"] == 401 and not reached
    sent, reached = _asgi(gate, cookie="scs_sim_token=wrong-1234")
    assert sent[0]["status"] == 401 and not reached
    sent, reached = _asgi(gate, kind="websocket", path="/jupyter/api/kernels/x/channels")
    assert sent == [{"type": "websocket.close", "code": 1008}] and not reached
    sent, reached = _asgi(gate, query=b"token=tok-12345678")
    assert reached and sent[0]["status"] == 200
    assert (b"set-cookie", b"scs_sim_token=tok-12345678; Path=/; HttpOnly; SameSite=Strict") in (
        sent[0]["headers"]
    )
    sent, reached = _asgi(gate, path="/static/x.js", cookie="a=b; scs_sim_token=tok-12345678")
    assert reached and sent[0]["status"] == 200
    sent, reached = _asgi(gate, kind="websocket", cookie="scs_sim_token=tok-12345678")
    assert reached


def _command(monkeypatch, capsys, *args: str) -> tuple[list[str], str]:
    import argparse

    parser = argparse.ArgumentParser()
    dashboard_cli.add_parser(parser.add_subparsers())
    execs = []
    monkeypatch.setattr(os, "execv", lambda exe, argv: execs.append(argv))
    for name in ("SCS_SIM_TOKEN", "SCS_SIM_MAX_SESSIONS"):
        monkeypatch.delenv(name, raising=False)
    namespace = parser.parse_args(["dashboard", *args])
    namespace.func(namespace)
    return execs[0], capsys.readouterr().err


def test_open_port_without_token_warns_loudly_and_with_one_does_not(monkeypatch, capsys):
    _, err = _command(monkeypatch, capsys, "--host", "0.0.0.0")
    assert "WARNING: serving on 0.0.0.0 with NO ACCESS TOKEN" in err and err.count("!!") > 10
    _, err = _command(monkeypatch, capsys)
    assert "WARNING" not in err  # loopback
    argv, err = _command(
        monkeypatch, capsys, "--host", "0.0.0.0", "--token", "tok-12345678", "--max-sessions", "3"
    )
    assert "WARNING" not in err and "serving http://0.0.0.0:8765/?token=tok-12345678" in err
    assert os.environ["SCS_SIM_TOKEN"] == "tok-12345678"
    assert os.environ["SCS_SIM_MAX_SESSIONS"] == "3" and "solara" in argv


def test_bad_token_and_session_limit_are_one_line_errors(monkeypatch, capsys):
    from scs_sim.cli import InputError

    with pytest.raises(InputError, match="--token: allowed"):
        _command(monkeypatch, capsys, "--token", "short")
    with pytest.raises(InputError, match="--max-sessions 0: allowed"):
        _command(monkeypatch, capsys, "--max-sessions", "0")


def test_the_cli_names_the_same_settings_as_the_server():
    assert dashboard_cli.TOKEN_ENV == access.TOKEN_ENV
    assert dashboard_cli.MAX_SESSIONS_ENV == limits.MAX_SESSIONS_ENV
    assert dashboard_cli.MAX_SESSIONS == limits.MAX_SESSIONS
