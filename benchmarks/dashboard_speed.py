"""Dashboard speed: step plus redraw at 1,000 and 5,000 citizens, and start-up to a usable page.

Targets (issue 3): step plus redraw <= 150 ms at 1,000 citizens and <= 500 ms at 5,000;
the page usable <= 10 s after launch.

Three measurements, medians reported:

1. ``server``: in-process, one step plus everything the page redraws for it (the network
   PNG, the series, the chart options), without Solara;
2. ``page``: the same through Solara's render (``solara.render``, a Step click, the
   reconciliation of the live components), still without a browser;
3. ``browser``: real Chromium against ``scs-sim dashboard`` on 127.0.0.1: a Step click until
   the status line shows the next week and the new network image is loaded (its ``src``
   changed and the image is decoded: ``complete`` with a width); and start-up, from
   launching the server process to the page showing its network image.
   The Step click is timed twice: from Python through Playwright (each Playwright call is a
   round trip to the browser, and ``click()`` first waits for the button to be stable over
   two animation frames), and inside the page (``in-page``): ``button.click()`` until the
   first animation frame at which the status line shows the next week and the new image is
   loaded, timed with ``performance.now()``; that is the delay a visitor sees.

The page renders with reacton's fast renderer, as the served app does (``REACTON_FAST=1``,
set by :mod:`scs_sim.viz.app`); ``REACTON_FAST=0 benchmarks/dashboard_speed.py`` measures
the default renderer in the ``page`` column (the served app follows the variable too).

Usage: .venv/bin/python benchmarks/dashboard_speed.py [--steps 15] [--startups 3]
Results: benchmarks/results/dashboard_speed.md
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scs_sim.viz.browser import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "dashboard_speed.md"
SIZES = (1000, 5000)
TARGET_MS = {1000: 150.0, 5000: 500.0}
STARTUP_TARGET_S = 10.0


def _scenario_folder(n: int) -> Path:
    """A folder with the story scenario (full-scs) at ``n`` citizens."""
    folder = Path(tempfile.mkdtemp(prefix=f"scs-dash-{n}-"))
    text = (REPO / "scenarios" / "full-scs.toml").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("n_citizens")]
    (folder / "full-scs.toml").write_text(f"n_citizens = {n}\n" + "\n".join(lines) + "\n")
    return folder


def server_redraw_ms(n: int, steps: int) -> dict[str, float]:
    """Median ms of a step and of each redraw part, in-process without Solara."""
    from scs_sim.viz import charts
    from scs_sim.viz.network_image import network_png
    from scs_sim.viz.session import load_session

    session = load_session(_scenario_folder(n) / "full-scs.toml", 42)
    session.step(5)
    parts: dict[str, list[float]] = {"step": [], "network": [], "charts": [], "total": []}
    for _ in range(steps):
        t0 = time.perf_counter()
        session.step(1)
        t1 = time.perf_counter()
        network_png(session.model, session.view)
        t2 = time.perf_counter()
        series = session.series()
        charts.metrics_option(series, [s for s, _ in session.model.captions])
        charts.histogram_option(session.model)
        t3 = time.perf_counter()
        for key, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            parts[key].append(value * 1000)
    return {key: statistics.median(values) for key, values in parts.items()}


def page_redraw_ms(n: int, steps: int) -> float:
    """Median ms of a Step click through Solara's render (no browser)."""
    os.environ.setdefault("REACTON_FAST", "1")  # as scs_sim.viz.app sets it for the page
    import ipyvuetify as v
    import solara

    from scs_sim.viz.components import Dashboard

    _, rc = solara.render(Dashboard(scenario_dirs=[_scenario_folder(n)]), handle_error=False)
    button = rc.find(v.Btn, children=["Step"]).widget
    for _ in range(3):
        button.click()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        button.click()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_week(page, week: int) -> None:
    page.locator(".scs-status", has_text=f"Week {week} of").wait_for()


def browser_runs(
    steps: int, startups: int
) -> tuple[list[float], dict[int, float], dict[int, float]]:
    """Start-up seconds (one per launch), and median Step-click ms per population size
    through Playwright and inside the page."""
    from playwright.sync_api import sync_playwright

    startup_s: list[float] = []
    click_ms: dict[int, float] = {}
    inpage_ms: dict[int, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(max(startups, 1)):
            port = _free_port()
            url = f"http://127.0.0.1:{port}/"
            start = time.perf_counter()
            server = subprocess.Popen(
                [sys.executable, "-m", "scs_sim.cli", "dashboard", "--port", str(port)],
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                context = browser.new_context(viewport={"width": 1600, "height": 1200})
                page = context.new_page()
                page.set_default_timeout(60_000)
                while True:
                    try:
                        page.goto(url)
                        break
                    except Exception:  # not listening yet
                        if time.perf_counter() - start > 60:
                            raise
                        time.sleep(0.1)
                _wait_week(page, 0)
                page.wait_for_function(
                    "() => { const i = document.querySelector('img.scs-network');"
                    " return i && i.naturalWidth > 0; }"
                )
                startup_s.append(time.perf_counter() - start)
                if run == 0:
                    for n in SIZES:
                        click_ms[n] = _browser_clicks(page, n, steps)
                        inpage_ms[n] = _in_page_clicks(page, steps)
                context.close()
            finally:
                server.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(10)
                if server.poll() is None:
                    server.kill()
        browser.close()
    return startup_s, click_ms, inpage_ms


def _browser_clicks(page, n: int, steps: int) -> float:
    field = page.get_by_label("n citizens", exact=True)
    if not field.is_visible():
        page.get_by_text("Population", exact=True).click()
    field.fill(str(n))
    field.press("Enter")
    page.locator(".scs-status", has_text=f"{n:,} citizens").wait_for()
    week = int(page.locator(".scs-status").inner_text().split()[1])
    times = []
    for i in range(steps + 2):
        src = page.locator("img.scs-network").get_attribute("src")
        t0 = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        week += 1
        _wait_week(page, week)
        page.wait_for_function(
            "src => { const i = document.querySelector('img.scs-network');"
            " return i.src !== src && i.complete && i.naturalWidth > 0; }",
            arg=src,
        )
        if i >= 2:  # the first clicks warm caches
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


IN_PAGE_CLICK = """
async () => {
  const status = () => document.querySelector('.scs-status').innerText;
  const image = () => document.querySelector('img.scs-network');
  const week = parseInt(status().split(' ')[1]);
  const src = image().src;
  const button = [...document.querySelectorAll('button')].find(
    (b) => b.innerText.trim().toLowerCase() === 'step');
  const t0 = performance.now();
  button.click();
  await new Promise((resolve) => {
    const check = () => {
      const img = image();
      if (status().startsWith(`Week ${week + 1} of`) && img.src !== src && img.complete
          && img.naturalWidth > 0) resolve();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  return performance.now() - t0;
}
"""


def _in_page_clicks(page, steps: int) -> float:
    """Median ms from ``button.click()`` in the page to the first frame showing the result."""
    times = []
    for i in range(steps + 2):
        elapsed = page.evaluate(IN_PAGE_CLICK)
        if i >= 2:
            times.append(elapsed)
        page.wait_for_timeout(100)  # let the page settle, as between the Playwright clicks
    return statistics.median(times)


def main() -> int:
    """Measure, print the table, save it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15, help="steps timed per size")
    parser.add_argument("--startups", type=int, default=3, help="server launches timed")
    args = parser.parse_args()

    rows = []
    for n in SIZES:
        parts = server_redraw_ms(n, args.steps)
        rows.append((n, parts, page_redraw_ms(n, args.steps)))
    startup, clicks, in_page = browser_runs(args.steps, args.startups)

    load = os.getloadavg()
    lines = [
        "# Dashboard speed",
        "",
        f"`.venv/bin/python benchmarks/dashboard_speed.py --steps {args.steps} "
        f"--startups {args.startups}`; medians; scenario full-scs, seed 42.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average at the end {load[0]:.1f} / {load[1]:.1f}"
        " (1 / 5 min; the machine is shared).",
        "",
        "| citizens | step (ms) | network PNG (ms) | chart data (ms) | server step+redraw (ms) "
        "| Solara Step click (ms) | browser Step click, Playwright (ms) "
        "| browser Step click, in-page (ms) | target (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, parts, page_ms in rows:
        lines.append(
            f"| {n:,} | {parts['step']:.1f} | {parts['network']:.1f} | {parts['charts']:.1f} | "
            f"{parts['total']:.1f} | {page_ms:.0f} | {clicks.get(n, float('nan')):.0f} | "
            f"{in_page.get(n, float('nan')):.0f} | "
            f"{TARGET_MS[n]:.0f} |"
        )
    lines += [
        "",
        "| start-up to usable page | median (s) | runs (s) | target (s) |",
        "|---|---:|---|---:|",
        f"| `scs-sim dashboard` launch -> network image shown in Chromium | "
        f"{statistics.median(startup):.1f} | {', '.join(f'{s:.1f}' for s in startup)} | "
        f"{STARTUP_TARGET_S:.0f} |",
        "",
        "server step+redraw = step + network PNG + chart data, in-process. Solara Step click = "
        "the same through solara.render and the reconciliation of the live components. "
        "Browser Step click = Chromium click until the next week is shown and the new network "
        "image is loaded (src changed, image complete; includes websocket transfer and the "
        "browser updating the charts that arrive before the image), timed from Python through "
        "Playwright (with its round trips and click actionability checks) and inside the page "
        "(button.click() until the first animation frame showing both, performance.now()). "
        f"Renderer: REACTON_FAST={os.environ.get('REACTON_FAST', '1')}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    from scs_sim.output import atomic_text

    atomic_text(RESULTS, text)
    print(f"saved {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
