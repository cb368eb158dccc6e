"""Browser-test fixtures: Streamlit servers and Debian's headless Chromium via Playwright.

Reusable by any browser test under tests/browser/:

- ``streamlit_server(script)`` (session): start ``streamlit run <script>`` (path relative
  to the repository root) on a free port of 127.0.0.1 and return its base URL. One server
  per script per session; all are stopped by PID at the end.
- ``app_url`` / ``player_app_url`` (session): base URLs of app.py and of the player's test
  app (tests/browser/player_app.py).
- ``browser`` (session): Chromium from /usr/bin/chromium with the WebGL (SwiftShader) flags.
- ``page`` (function): a fresh context and page, 1400 x 950; ``page.console_errors`` lists
  page errors and console errors seen so far.
- ``open_app(url, query="")``: go to the app and wait until it is ready (script finished,
  a Plotly chart drawn, in the page or in a component iframe); returns the page.
- ``player_frame(page)``: the player component's iframe (a Playwright Frame) once it has
  drawn its payload.
- ``screenshot(target, name)``: save a PNG of a page or locator in tests/artifacts/.

Without /usr/bin/chromium the tests are skipped, except when CI=true: then they fail.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
READY = "[data-testid=stApp][data-test-script-state=notRunning]"
MISSING = (
    "Chromium not installed at /usr/bin/chromium: install Debian's chromium to run browser tests"
)


def require_chromium():
    """Skip (or, with CI=true, fail) when Debian's Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        pytest.skip(MISSING)


def _wait_healthy(proc, url, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit not healthy after {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def streamlit_server():
    """Return ``start(script, instance="") -> base URL``; servers stop (by PID) at the end.

    One server per (script, instance) for the whole session; a new ``instance`` name
    starts a fresh process (for behaviour that depends on a server's first request).
    """
    require_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    running = {}

    def start(script, instance=""):
        # ``instance`` names a separate server for the same script (a fresh process).
        key = (script, instance)
        if key in running:
            return running[key][1]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = ARTIFACTS / f"streamlit-{'-'.join(filter(None, (Path(script).stem, instance)))}.log"
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        running[key] = (proc, url)
        _wait_healthy(proc, url, log)
        return url

    yield start
    for proc, _ in running.values():
        proc.terminate()  # this PID only
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def app_url(streamlit_server):
    """Base URL of a server running app.py."""
    return streamlit_server("app.py")


@pytest.fixture(scope="session")
def player_app_url(streamlit_server):
    """Base URL of a server running the player's test app (synthetic data)."""
    return streamlit_server("tests/browser/player_app.py")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's, never a Playwright download) with WebGL via SwiftShader."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page; ``page.console_errors`` collects JS errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    pg = context.new_page()
    pg.console_errors = []
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    pg.on(
        "console",
        lambda m: pg.console_errors.append(m.text) if m.type == "error" else None,
    )
    yield pg
    context.close()


def wait_for_app(page, timeout=90):
    """Wait for a Streamlit page: script finished and a Plotly chart drawn (page or iframe)."""
    page.wait_for_selector(READY, timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.query_selector(".js-plotly-plot"):
                    return page
            except Exception:  # a frame navigating away; look again
                pass
        page.wait_for_timeout(200)  # unlike time.sleep, lets Playwright process events
    raise AssertionError("no Plotly chart appeared")


@pytest.fixture
def open_app(page):
    """Return ``go(url, query="") -> page``: load the app and wait until it is drawn."""

    def go(url, query="", timeout=90):
        page.goto(f"{url}/{'?' + query if query else ''}")
        return wait_for_app(page, timeout)

    return go


def find_player_frame(page, timeout=60):
    """Return the player component's Frame once its payload is drawn (``data-ready``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "/component/" in frame.url and "player" in frame.url:
                try:
                    if frame.query_selector("#llp-root[data-ready]"):
                        return frame
                except Exception:
                    pass
        page.wait_for_timeout(200)  # unlike time.sleep, lets Playwright process events
    raise AssertionError("the player component did not draw its payload")


@pytest.fixture
def player_frame():
    """Return ``find(page) -> Frame`` of the player component, once drawn."""
    return find_player_frame


@pytest.fixture
def screenshot():
    """Return ``shot(page_or_locator, name) -> Path``: a PNG in tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(target, name):
        path = ARTIFACTS / f"{name}.png"
        target.screenshot(path=str(path))
        return path

    return shot
