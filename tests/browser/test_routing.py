"""A teacher's link straight to a page works as the first request of a fresh server.

Streamlit's own page list is hidden (``client.showSidebarNavigation = false``) and the
app draws its navigation with page links (ui/routing.py). From the first paint on, a
recorder keeps every text the sidebar's navigation ever shows; none may be Streamlit's
raw list of file names.
"""

import pytest

pytestmark = pytest.mark.browser

# From the first paint: every distinct text of Streamlit's own list and of the app's links.
RECORD_NAV = """
window.__nav = { streamlit: [], links: [] };
new MutationObserver(() => {
  const own = document.querySelector("[data-testid=stSidebarNav]");
  const links = [...document.querySelectorAll("[data-testid=stSidebar] [data-testid=stPageLink]")];
  const seen = window.__nav;
  const ownText = own ? own.innerText : "";
  if (ownText && seen.streamlit.at(-1) !== ownText) seen.streamlit.push(ownText);
  const text = links.map((a) => a.innerText.trim().split("\\n").at(-1)).join("|");
  if (text && seen.links.at(-1) !== text) seen.links.push(text);
}).observe(document, { childList: true, subtree: true, characterData: true });
"""
TITLES = (
    "Explorer|Lessons|Network landscape|Step inspector|Basin map|Sweeps & fair race|"
    "Stability map|Custom surface"
)


@pytest.mark.parametrize("path", ["lessons?lesson=3", "custom_surface"])
def test_first_request_to_a_page_never_shows_the_raw_page_list(
    page, streamlit_server, screenshot, path
):
    url = streamlit_server("app.py", instance=f"fresh-routing-{path.split('?')[0]}")
    page.add_init_script(RECORD_NAV)
    page.goto(f"{url}/{path}")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    page.wait_for_selector("[data-testid=stSidebar] [data-testid=stPageLink] >> text=Basin map")
    title = "Lessons" if path.startswith("lessons") else "Custom surface"
    page.wait_for_selector(f"h1:has-text('{title}')")
    seen = page.evaluate("() => window.__nav")
    assert seen["streamlit"] == [], seen  # Streamlit's own list: never drawn
    # The links appear as the script draws them: each text seen is the start of the titles.
    assert seen["links"] and seen["links"][-1] == TITLES, seen
    assert all(TITLES.startswith(text) for text in seen["links"]), seen
    # Through app.py: the wide layout, and the address kept.
    assert page.locator("[data-testid=stMainBlockContainer]").bounding_box()["width"] > 1000
    assert path.split("?")[0] in page.url
    if path.startswith("lessons"):
        assert "lesson=3" in page.url
    screenshot(page, f"routing-first-request-{path.split('?')[0]}")


def test_the_app_links_switch_pages(page, app_url):
    page.goto(f"{app_url}/inspector")
    page.wait_for_selector("h1:has-text('Step inspector')")
    page.locator("[data-testid=stSidebar] [data-testid=stPageLink]", has_text="Lessons").click()
    page.wait_for_selector("h1:has-text('Lessons')")
    assert "/lessons" in page.url
