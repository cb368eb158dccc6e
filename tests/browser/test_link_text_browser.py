"""Text from a link is shown but never becomes a live link or image, in the real renderer.

AppTest sees Markdown source only. Streamlit's renderer links ``http://…``, ``www.…`` and
``a@b.c`` found in the text after the backslash escapes are resolved, so escaping alone
left live links (issue 12): this test reads the rendered page's anchors and images.
"""

import urllib.parse

import pytest

from tests.browser.conftest import READY

pytestmark = pytest.mark.browser

HOSTILE = {
    "www.e.vil/w": "1",
    "[reset - click here](http://e.vil/phish)": "1",
    "![](http://e.vil/pixel.gif)": "1",
    "mail": "a@e.vil",
    "lesson": "https://e.vil/l",
}


@pytest.mark.parametrize("path", ["", "basins", "lessons", "network"])
def test_link_text_shows_as_text_never_as_a_link(app_url, page, path, screenshot):
    page.goto(f"{app_url}/{path}?{urllib.parse.urlencode(HOSTILE)}")
    alert = page.wait_for_selector(
        "[data-testid=stAlert]:has-text('could not be used')", timeout=120_000
    )
    page.wait_for_selector(READY, timeout=120_000)
    shown = alert.inner_text()
    assert "e.vil" in shown and "reset - click here" in shown  # said, as text
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    sources = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
    assert not [h for h in hrefs if "e.vil" in h], hrefs
    assert not [s for s in sources if "e.vil" in s], sources
    screenshot(alert, f"link-text-{path or 'explorer'}")
