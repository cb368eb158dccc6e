"""Issue 11, bug 1 in a real browser: after adding a run, later edits persist and add nothing.

The browser re-sent a deleted widget key's value with every later edit, so AppTest alone
could not see this bug.
"""

import pytest

pytestmark = pytest.mark.browser


def _wait_idle(page):
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def _set_number(page, label, value):
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_function(
        "([l, v]) => [...document.querySelectorAll('input')].some("
        "i => i.getAttribute('aria-label') === l && i.value === v)",
        arg=[label, str(value)],
    )
    _wait_idle(page)


def test_add_then_edit_keeps_edits_and_adds_once(open_app, app_url, screenshot):
    page = open_app(app_url)
    sidebar = page.locator("[data-testid=stSidebar]")
    add = sidebar.get_by_role("combobox", name="Add an optimizer")
    _wait_idle(page)  # a rerun in flight would close the list under the click
    add.click()
    page.keyboard.type("Nesterov")  # filter: the list is virtualised, options may be off-screen
    page.get_by_role("option", name="Nesterov", exact=False).first.click()
    page.wait_for_url("**runs=*nesterov*")
    _wait_idle(page)
    _set_number(page, "Steps", 300)
    page.wait_for_url("**steps=300*")
    _set_number(page, "Random seed", 7)
    page.wait_for_url("**seed=7*")
    _wait_idle(page)
    url = page.url
    assert "steps=300" in url and "seed=7" in url, url
    assert url.count("nesterov") == 1, url
    assert "Nesterov" not in (add.input_value() or "")  # the Add box is empty again
    screenshot(page, "classroom-add-then-edit")
