"""The Lessons page in headless Chromium: links, KaTeX, the player, navigation, hand-over.

Screenshots go to tests/artifacts/lessons-*.png; look at them, they are the visual check.
"""

import re
import time

import pytest

from tests.browser.conftest import READY, find_player_frame, wait_for_app
from ui.lessons import LESSONS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lessons_url(app_url, browser):
    """URL of the Lessons page of app.py, after one visit to the app's root.

    On a freshly started server, a first request for /lessons is served in Streamlit's
    legacy pages/ mode (centred layout, file names in the sidebar) until some session
    has run app.py and registered its st.navigation; one visit to / does that.
    """
    page = browser.new_page()
    page.goto(app_url + "/")
    wait_for_app(page)
    page.close()
    return app_url + "/lessons"


@pytest.fixture
def failures(page):
    """Record failed requests, to tell the app's own errors from two known harmless ones.

    Opening a page path such as /lessons makes Streamlit probe /lessons/_stcore/* (404)
    before it finds its base path, and app.py's material favicon is fetched from
    fonts.gstatic.com, which an offline machine cannot resolve. Both log "Failed to load
    resource" in the console; anything else is a real error.
    """
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(r.url))
    return failed


def assert_no_errors(page, failed):
    unexpected = [u for u in failed if "/_stcore/" not in u and "fonts.gstatic.com" not in u]
    assert not unexpected, unexpected
    errors = [e for e in page.console_errors if not e.startswith("Failed to load resource")]
    assert not errors, errors


def open_lesson(page, url, number, height=3400):
    """Load ``?lesson=number`` tall enough to show the whole lesson; wait for the player."""
    page.set_viewport_size({"width": 1400, "height": height})
    page.goto(f"{url}?lesson={number}")
    wait_for_app(page)
    return find_player_frame(page)


def header(page):
    return page.locator("h2").first.inner_text()


@pytest.mark.parametrize("number", [1, 2, 5, 8, 9, 11, 12, 14])
def test_lesson_renders(page, failures, lessons_url, screenshot, number):
    frame = open_lesson(page, lessons_url, number)
    assert header(page).startswith(f"{number}. ")
    assert page.locator(".katex").count() > 3  # the update rule and the text's maths
    assert page.locator(".katex-error").count() == 0
    assert frame.locator(".js-plotly-plot").count() >= 2  # 3-D surface and contour map
    assert page.get_by_text("Try this").count() >= 1
    assert re.search(rf"[?&]lesson={number}\b", page.url)
    time.sleep(1)  # let the small charts finish drawing
    screenshot(page, f"lessons-{number}")
    assert_no_errors(page, failures)


def test_preset_and_next_update_the_page_and_url(page, lessons_url, screenshot):
    open_lesson(page, lessons_url, 2)
    page.get_by_role("radio", name="Stochastic (1)").click()
    page.wait_for_selector(READY)
    find_player_frame(page)
    page.get_by_text("Batch 1: path length").wait_for()
    screenshot(page, "lessons-2-stochastic")
    page.get_by_role("button", name="Next").first.click()
    page.wait_for_selector(READY)
    page.wait_for_function("() => location.search.includes('lesson=3')")
    assert header(page).startswith("3. ")


def test_open_in_the_explorer(page, failures, lessons_url, screenshot):
    open_lesson(page, lessons_url, 11, height=1600)
    page.get_by_role("button", name="Open in the explorer").click()
    page.get_by_role("heading", name="Loss Landscape Lab").wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('surface=saddle')")
    assert "runs=gd" in page.url
    screenshot(page, "lessons-to-explorer")
    assert_no_errors(page, failures)


def test_bad_link_warns(page, lessons_url):
    page.goto(f"{lessons_url}?lesson=banana")
    wait_for_app(page)
    assert page.get_by_text(f"lessons are numbered 1 to {len(LESSONS)}").count() == 1
    assert header(page).startswith("1. ")
