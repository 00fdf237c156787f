"""The dashboard in a real browser: `scs-sim dashboard` served on 127.0.0.1, driven by
Debian's Chromium through Playwright.

Python-side component tests pass even when the page stays blank (see the stack notes:
ipyvue 3 left SolaraViz's main area empty); only a browser shows what a visitor sees.
The first test also takes the page's screenshot, into its temporary folder; with
``SCS_SIM_SCREENSHOT_DIR`` set (``make screenshots``) it writes ``dashboard.png`` there
instead, which is how the README's docs/img/dashboard.png is refreshed on purpose.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("solara")
sync_api = pytest.importorskip("playwright.sync_api")

from scs_sim.viz.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SCREENSHOT_ENV = "SCS_SIM_SCREENSHOT_DIR"
"""Folder the README's screenshot is written to (``make screenshots``); unset in tests."""
TIMEOUT_MS = 30_000

# How many distinct colours an image or canvas has, and how much of it is not background.
PIXEL_STATS = """
el => {
  const w = el.naturalWidth || el.width, h = el.naturalHeight || el.height;
  const c = document.createElement('canvas'); c.width = w; c.height = h;
  const ctx = c.getContext('2d'); ctx.drawImage(el, 0, 0);
  const d = ctx.getImageData(0, 0, w, h).data;
  const colours = new Set(); let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) continue;
    colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
  }
  return {width: w, height: h, colours: colours.size, ink: ink / (w * h)};
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _serve(folder: Path, *args: str, query: str = "") -> Iterator[str]:
    """`scs-sim dashboard ARGS` on a free port; yields its address (without ``query``)."""
    extra = folder / "scenarios"
    extra.mkdir()
    (extra / "broken.toml").write_text('name = "broken"\nsurveillance = 7.0\n')
    (extra / "networks").mkdir()
    ring = "\n".join(f"{i} {(i + 1) % 1000}" for i in range(1000))
    (extra / "networks" / "ring.txt").write_text(ring + "\n")
    log = folder / "server.log"
    port = _free_port()
    env = os.environ | {"SCS_SIM_SCENARIOS": str(extra)}
    env.pop("SCS_SIM_TOKEN", None)
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "scs_sim.cli", "dashboard", "--port", str(port), *args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"dashboard exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(url + query, timeout=2).status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard not up after 60 s: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`scs-sim dashboard` on a free port, with one invalid scenario file in the picker
    and an edge list (a ring of 1,000 citizens) in its networks/ folder."""
    with _serve(tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run tools/ensure-chromium.sh")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visitor:
    """One browser context (one session) on the dashboard, recording page errors."""

    def __init__(
        self, browser, url: str, wait: bool = True, viewport: tuple[int, int] = (1600, 1200)
    ) -> None:
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        self.page.goto(url)
        if wait:
            self.week(0)

    def week(self, n: int) -> None:
        """Wait until the status line shows week ``n``."""
        self.page.locator(".scs-status", has_text=f"Week {n} of").wait_for()

    def current_week(self) -> int:
        return int(self.page.locator(".scs-status").inner_text().split()[1])

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the Vuetify select labelled ``label``."""
        self.page.locator(".v-select", has_text=label).first.click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def type(self, label: str, text: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        field.fill(text)
        field.press("Enter")

    def close(self) -> None:
        self.context.close()


def _network_stats(page) -> dict:
    image = page.locator("img.scs-network").first
    image.wait_for()
    page.wait_for_function("() => document.querySelector('img.scs-network').naturalWidth > 0")
    return image.evaluate(PIXEL_STATS)


def _chart_stats(page, css_class: str) -> dict:
    canvas = page.locator(f".{css_class} canvas").first
    canvas.wait_for()
    return canvas.evaluate(PIXEL_STATS)


def test_page_renders_steps_plays_compares_inspects_and_exports(browser, dashboard_url, tmp_path):
    visitor = Visitor(browser, dashboard_url)
    page = visitor.page

    network = _network_stats(page)
    assert network["width"] >= 600 and network["height"] >= 600
    assert network["colours"] > 100 and network["ink"] > 0.05, network
    for chart in ("scs-metrics", "scs-histogram"):
        stats = _chart_stats(page, chart)
        assert stats["width"] > 300 and stats["colours"] > 5 and stats["ink"] > 0.005, (
            chart,
            stats,
        )

    before = page.locator("img.scs-network").get_attribute("src")
    visitor.click("Step")
    visitor.week(1)
    page.wait_for_function(
        "src => document.querySelector('img.scs-network').src !== src", arg=before
    )

    visitor.click("Play")
    page.wait_for_function(
        "() => parseInt(document.querySelector('.scs-status').innerText.split(' ')[1]) >= 4"
    )
    visitor.click("Pause")
    page.get_by_role("button", name="Play", exact=True).wait_for()
    # The browser may still be drawing steps the server already sent; let it catch up.
    paused_at, settled = -1, visitor.current_week()
    while settled != paused_at:
        paused_at = settled
        page.wait_for_timeout(1000)
        settled = visitor.current_week()
    page.wait_for_timeout(1500)
    assert visitor.current_week() == paused_at

    # Bad input: a message on the page, and the session keeps working.
    visitor.type("Seed", "forty-two")
    page.get_by_text("seed = 'forty-two' is not valid").first.wait_for()
    week = visitor.current_week()
    visitor.click("Step")
    visitor.week(week + 1)
    visitor.choose("Scenario", "broken")
    page.get_by_text("broken.toml").first.wait_for()
    visitor.week(week + 1)
    # The picker falls back to the scenario still in force; the message stays.
    picker = page.locator(".v-select", has_text="Scenario").first
    sync_api.expect(picker).to_contain_text("full-scs")
    sync_api.expect(picker).not_to_contain_text("broken")
    page.get_by_text("broken.toml").first.wait_for()
    visitor.click("Reset")
    visitor.week(0)
    visitor.type("Seed", "42")
    page.locator(".scs-status", has_text="seed 42").wait_for()

    visitor.type("jump N", "34")
    visitor.click("Jump 34")
    visitor.week(34)
    page.locator(".scs-caption", has_text="Week 30").wait_for()

    visitor.choose("Compare with", "baseline (no score, no sanctions)")
    page.get_by_text("Same seed, same citizens and ties").wait_for()
    comparison = _chart_stats(page, "scs-comparison")
    assert comparison["colours"] > 5 and comparison["ink"] > 0.005, comparison

    visitor.type("citizen (0 to 999)", "5")
    page.get_by_text("Citizen #5").first.wait_for()
    page.get_by_text("believed weight").first.wait_for()
    assert _chart_stats(page, "scs-citizen")["ink"] > 0.002

    # Clicking a citizen in the network picks it for the inspector.
    citizen, (fx, fy) = _clear_citizen()
    image = page.locator("img.scs-network").first
    box = image.bounding_box()
    before = image.get_attribute("src")
    image.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    page.get_by_text(f"Citizen #{citizen},").first.wait_for()
    assert page.get_by_text("Citizen #5,").count() == 0
    page.wait_for_function(  # redrawn with the citizen circled
        "src => document.querySelector('img.scs-network').src !== src", arg=before
    )

    with page.expect_download() as download:
        page.get_by_text("Series (CSV)").click()
    csv_path = tmp_path / "series.csv"
    download.value.save_as(csv_path)
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("step,") and "cf_self_censorship_rate" in lines[0]
    assert len(lines) == 1 + 35  # weeks 0..34

    page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    page.wait_for_timeout(300)
    shot = page.screenshot()
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    _save_screenshot(shot, Path(os.environ.get(SCREENSHOT_ENV) or tmp_path) / "dashboard.png")

    page.get_by_text("Lecture mode").click()
    page.locator(".scs-lecture .scs-caption").wait_for()
    assert visitor.errors == []
    visitor.close()


def _save_screenshot(png: bytes, path: Path) -> None:
    """Write ``png`` to ``path`` atomically (a half-written README image is never seen)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".png.tmp")
    tmp.write_bytes(png)
    tmp.replace(path)


def _clear_citizen() -> tuple[int, tuple[float, float]]:
    """A citizen of full-scs (seed 42) drawn well apart from the others, and where: its
    centre as fractions of the image's width and height (the page's layout is the same:
    it is a function of the network)."""
    from scs_sim.viz.network_image import SIZE, frame
    from scs_sim.viz.session import load_session

    session = load_session(REPO / "scenarios" / "full-scs.toml", 42)
    xy = frame(session.view).xy
    gap = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(gap, np.inf)
    row = int(np.argmax(gap.min(1)))
    assert gap[row].min() > 8  # the click cannot land nearer another citizen
    x, y = xy[row]
    return int(session.view.nodes[row]), (float(x / SIZE), float(y / SIZE))


# Bounding boxes (x, y, width, height) of the page's parts, and of every control.
LAYOUT = """
() => {
  const box = e => { const r = e.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height].map(v => Math.round(v * 10) / 10); };
  const one = s => { const e = document.querySelector(s); return e ? box(e) : null; };
  const controls = [...document.querySelectorAll('.scs-controls > *')].map(box);
  const font = s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
  return {network: one('img.scs-network'), metrics: one('.scs-metrics'),
          caption: one('.scs-caption-slot'), controls_row: one('.scs-controls'),
          status: one('.scs-status'), controls, caption_px: font('.scs-caption-slot'),
          width: window.innerWidth, height: window.innerHeight};
}
"""


def _overlap(a: list[float], b: list[float]) -> float:
    """Area two boxes share (0 when they only touch)."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


@pytest.mark.parametrize(
    ("width", "height", "lecture"),
    [(1366, 768, False), (1280, 720, True), (1920, 1080, True)],
    ids=["normal-1366x768", "lecture-1280x720", "lecture-1920x1080"],
)
def test_layout_large_views_no_overlaps_and_controls_stay_put(
    browser, dashboard_url, width, height, lecture
):
    """Boxes, not pixels: a lecture page squeezed into a 300 px strip still drew pixels.

    Thresholds: in lecture mode the network is at least 40% of the window's width and the
    metrics chart at least 35% of its width and 45% of its height, both wholly on screen
    (no scrolling on a projector), with the caption's text at least 24 px; in normal mode
    at 1366x768 the network and the metrics chart are each at least 30% of the width and
    the network is wholly on screen. No two of network, metrics, caption slot and controls
    overlap. Two Steps (the second fires full-scs's week-1 event, whose caption appears)
    leave every control's box exactly where it was.
    """
    visitor = Visitor(browser, dashboard_url, viewport=(width, height))
    page = visitor.page
    if lecture:
        page.get_by_text("Lecture mode").click()
        page.locator(".scs-lecture .scs-caption-slot").wait_for()
    _network_stats(page)
    _chart_stats(page, "scs-metrics")
    page.wait_for_timeout(500)  # charts follow their boxes (ResizeObserver)
    before = page.evaluate(LAYOUT)
    net, metrics = before["network"], before["metrics"]
    if lecture:
        assert net[2] >= 0.40 * width, before
        assert metrics[2] >= 0.35 * width and metrics[3] >= 0.45 * height, before
        assert metrics[1] + metrics[3] <= height + 1, before
        assert before["caption_px"] >= 24, before
    else:
        assert net[2] >= 0.30 * width and metrics[2] >= 0.30 * width, before
        assert metrics[3] >= 400, before
    assert net[0] >= 0 and net[1] + net[3] <= height + 1 and net[0] + net[2] <= width, before
    parts = {k: before[k] for k in ("network", "metrics", "caption", "controls_row")}
    for i, a in enumerate(parts):
        for b in list(parts)[i + 1 :]:
            assert _overlap(parts[a], parts[b]) == 0, (a, b, before)

    for week in (1, 2):
        visitor.click("Step")
        visitor.week(week)
    page.locator(".scs-caption", has_text="Week 1:").wait_for()
    page.wait_for_timeout(300)
    after = page.evaluate(LAYOUT)
    assert len(before["controls"]) >= 6
    assert after["controls"] == before["controls"], (before["controls"], after["controls"])
    for key in ("network", "metrics", "caption", "controls_row"):
        assert after[key] == before[key], (key, before[key], after[key])
    assert visitor.errors == []
    visitor.close()


def test_run_n_seeds_draws_bands_in_the_background(browser, dashboard_url):
    """Three seeds of full-scs (104 weeks each) run in the background while the page
    keeps stepping; then a chart of bands appears."""
    visitor = Visitor(browser, dashboard_url)
    page = visitor.page
    visitor.type("seeds", "3")
    visitor.click("Run 3 seeds")
    visitor.click("Step")  # the page answers while the seeds run
    visitor.week(1)
    page.locator(".scs-seeds canvas").first.wait_for(timeout=120_000)
    page.wait_for_timeout(500)
    stats = _chart_stats(page, "scs-seeds")
    assert stats["colours"] > 5 and stats["ink"] > 0.005, stats
    assert page.locator(".scs-seeds-progress").count() == 0  # done: no progress bar left
    assert visitor.errors == []
    visitor.close()


def test_two_browser_sessions_have_separate_models(browser, dashboard_url):
    first = Visitor(browser, dashboard_url)
    second = Visitor(browser, dashboard_url)
    for week in (1, 2, 3):
        first.click("Step")
        first.week(week)
    second.week(0)
    assert second.current_week() == 0
    second.click("Step")
    second.week(1)
    assert first.current_week() == 3
    assert first.errors == [] and second.errors == []
    first.close()
    second.close()


SECRET = "root:x:0:0:SECRET-LINE:/root:/bin/bash"


def _upload(page, name: str, content: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": content}]
    )


def test_edge_list_comes_from_the_picker_or_an_upload_never_a_typed_path(browser, dashboard_url):
    visitor = Visitor(browser, dashboard_url)
    page = visitor.page
    visitor.choose("Parameter section", "network")
    # The edge list is a picker (a read-only input), and there is no other field for it.
    field = page.get_by_label("edge list", exact=True)
    assert field.get_attribute("readonly") is not None
    assert page.locator("input[type=text]:not([readonly])", has_text="edge list").count() == 0

    # A system file uploaded as an edge list: refused by name, its contents never shown.
    _upload(page, "passwd", (SECRET + "\n").encode())
    page.get_by_text("edge list upload 'passwd' is not valid").first.wait_for()
    assert "SECRET" not in page.content() and "x:0:0" not in page.content()

    # A file of the scenario folders, picked, then used by the network.
    visitor.choose("edge list", "ring.txt")
    page.locator('.v-select:has(label:text-is("network"))').click()  # not the section's
    page.get_by_role("option", name="edge_list", exact=True).click()
    visitor.week(0)
    page.locator(".scs-error").wait_for(state="detached")
    visitor.click("Step")
    visitor.week(1)

    # An upload of a valid file becomes a choice of the picker and the network's ties.
    ring2 = "\n".join(f"{i} {(i + 2) % 1000}" for i in range(1000)).encode()
    _upload(page, "ring2.txt", ring2)
    picker = page.locator(".v-select", has_text="edge list").first
    sync_api.expect(picker).to_contain_text("upload: ring2.txt")
    visitor.week(0)  # rebuilt on the new network
    assert page.locator(".scs-error").count() == 0

    # A jump past the session's step cap is refused on the page.
    visitor.type("jump N", "5000")
    visitor.click("Jump 5000")
    page.get_by_text("jump = 5000 is not valid: this session stops at week 1040").wait_for()
    visitor.week(0)
    assert visitor.errors == []
    visitor.close()


def test_token_and_session_limit_on_a_served_dashboard(browser, tmp_path):
    token = "test-token-1234"
    with _serve(tmp_path, "--token", token, "--max-sessions", "1", query=f"?token={token}") as url:
        # No token, a wrong one: 401 and no page, for the page and its websocket alike.
        for address in (url, url + "?token=wrong-token-99"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(address, timeout=10)
            assert refused.value.code == 401
        stranger = Visitor(browser, url, wait=False)
        stranger.page.get_by_text("this server needs its access token").wait_for()
        assert stranger.page.locator(".scs-status").count() == 0
        stranger.close()

        first = Visitor(browser, url + f"?token={token}")
        first.click("Step")
        first.week(1)
        # The token stays in a cookie: the page's own requests need not repeat it.
        assert first.page.evaluate("() => document.cookie").count(token) == 0  # HttpOnly
        second = Visitor(browser, url + f"?token={token}", wait=False)
        second.page.get_by_text("The dashboard is full: 1 sessions are open").wait_for()
        assert second.page.locator(".scs-status").count() == 0
        second.close()
        first.close()  # closing the tab frees its slot
        deadline = time.monotonic() + 30
        while True:
            third = Visitor(browser, url + f"?token={token}", wait=False)
            status = third.page.locator(".scs-status, .v-alert").first
            status.wait_for()
            if "Week 0 of" in status.inner_text():
                break
            third.close()
            assert time.monotonic() < deadline, "the closed session's slot was never freed"
            time.sleep(1)
        third.close()
