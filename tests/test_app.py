"""The app's navigation: every page opens from app.py without an exception."""

import pytest

PAGES = [
    "pages/explorer.py",
    "pages/lessons.py",
    "pages/inspector.py",
    "pages/basins.py",
    "pages/sweeps.py",
    "pages/custom_surface.py",
]


def test_app_opens_on_the_explorer(app_test):
    at = app_test().run()
    assert not at.exception
    assert at.title[0].value == "Loss Landscape Lab"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_through_the_navigation(app_test, page):
    at = app_test().run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
