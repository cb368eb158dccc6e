"""A teacher's link straight to a page works as the first request of a fresh server."""

import pytest

pytestmark = pytest.mark.browser


def test_first_request_to_a_page_runs_through_app_py(page, streamlit_server, screenshot):
    url = streamlit_server("app.py", instance="fresh-routing")
    page.goto(f"{url}/lessons?lesson=3")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    page.wait_for_selector("text=Lessons", timeout=60_000)
    # "Lessons" also matches the legacy navigation's "lessons" (case-insensitive), drawn
    # before the rerun through app.py: wait for app.py's own navigation title instead.
    page.wait_for_selector("[data-testid=stSidebarNav] >> text=Step inspector", timeout=60_000)
    # Through app.py: the wide layout and the navigation's own titles, not file names.
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Step inspector" in nav and "custom_surface" not in nav
    assert page.locator("[data-testid=stMainBlockContainer]").bounding_box()["width"] > 1000
    assert "lesson=3" in page.url
    screenshot(page, "routing-first-request-lesson-3")
