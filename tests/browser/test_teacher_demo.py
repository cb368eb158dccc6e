"""A teacher's 20-step demo in front of a class (issue 11), asserting after every step.

Add and remove runs, change steps, seed, a learning rate and the surface, Play, scrub,
presentation mode on (dark, light) and off, and follow the address in a fresh browser
context. After every step: what the class sees in the player (legend, title, step label,
theme), in the sidebar, and in the address. Every wait is on an event (script idle, a
new payload drawn, a URL, a text), never a sleep.
"""

import re

import pytest

from tests.browser.conftest import find_player_frame

pytestmark = pytest.mark.browser

IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"

LEGEND = """() => [...document.querySelectorAll(".llp-legend > .llp-run:not(.llp-keys)")].map(
  (row) => ({ label: row.querySelector(".llp-label").textContent,
              status: row.querySelector(".llp-status").textContent,
              color: row.querySelector(".llp-swatch").style.background }))"""

VIEW = """() => {
  const root = document.getElementById("llp-root");
  const svg = document.querySelector(".llp-curve .main-svg");
  const tick = document.querySelector(".llp-curve .xtick text");
  return { ready: root.dataset.ready, dark: root.classList.contains("llp-dark"),
           title: document.querySelector(".llp-title").textContent,
           step: document.querySelector(".llp-step").textContent,
           playing: LLPlayer.current().playing,
           curveBg: svg ? getComputedStyle(svg).backgroundColor : "",
           curveFont: tick ? parseFloat(getComputedStyle(tick).fontSize) : 0 };
}"""


class Class:
    """What the class sees: the page, the player's iframe, and waits on their events."""

    def __init__(self, page):
        self.page = page
        self.idle()
        self.frame = find_player_frame(page)

    def idle(self):
        self.page.wait_for_selector(IDLE, timeout=90_000)

    def view(self):
        return self.frame.evaluate(VIEW)

    def legend(self):
        return self.frame.evaluate(LEGEND)

    def labels(self):
        return [row["label"] for row in self.legend()]

    def redrawn(self, before):
        """Wait until the player has drawn a payload other than ``before``."""
        self.idle()
        self.frame = find_player_frame(self.page)
        self.frame.wait_for_function(
            "(old) => { const r = document.getElementById('llp-root');"
            " return r && r.dataset.ready && r.dataset.ready !== old; }",
            arg=before,
            timeout=90_000,
        )
        self.idle()

    def change(self, action, url_part=None, until=None):
        """Do ``action``; wait for the address (if given) and the new payload drawn.

        With ``until`` (a JS predicate on the player's document), wait for it instead of
        a new payload (a change of theme only redraws the same payload).
        """
        before = self.view()["ready"]
        action()
        if url_part:
            self.page.wait_for_url(re.compile(url_part), timeout=90_000)
        if until is None:
            self.redrawn(before)
            return
        self.idle()
        self.frame = find_player_frame(self.page)
        self.frame.wait_for_function(until, timeout=90_000)

    def sidebar(self):
        return self.page.locator("[data-testid=stSidebar]")

    def set_number(self, label, value):
        box = self.sidebar().get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Enter")

    def run_expander(self, name):
        return self.sidebar().locator("[data-testid=stExpander]", has_text=name).first


def query(url):
    return dict(re.findall(r"[?&]([^=&]+)=([^&]*)", url))


def test_teacher_demo(page, browser, app_url, screenshot):
    page.goto(app_url)
    c = Class(page)
    # 1. The default race: four runs, Rosenbrock, every step drawn.
    start = c.legend()
    assert [r["label"].split(" lr=")[0] for r in start] == [
        "Gradient descent", "Momentum (heavy ball)", "RMSprop", "Adam",
    ]  # fmt: skip
    assert c.view()["title"] == "Rosenbrock's banana" and c.view()["step"] == "step 500 / 500"
    colours = {r["label"].split(" lr=")[0]: r["color"] for r in start}

    # 2. Add Nesterov: one more run, once, and the Add box is empty again.
    add = c.sidebar().get_by_role("combobox", name="Add an optimizer")

    def add_nesterov():
        add.click()
        page.keyboard.type("Nesterov")
        page.get_by_role("option", name="Nesterov", exact=False).first.click()

    c.change(add_nesterov, r"runs=.*nesterov")
    labels = c.labels()
    assert len(labels) == 5 and sum("Nesterov" in label for label in labels) == 1
    assert page.url.count("nesterov") == 1
    assert "Nesterov" not in (add.input_value() or "")

    # 3. Remove gradient descent: four runs, each keeps its colour.
    gd = c.run_expander("Gradient descent")
    gd.click()
    c.change(lambda: gd.get_by_role("button", name="Remove").click())
    after = {r["label"].split(" lr=")[0]: r["color"] for r in c.legend()}
    assert "Gradient descent" not in after and len(after) == 4
    assert all(after[name] == colours[name] for name in colours if name in after)

    # 4. Steps 300: the address and the player's step count follow.
    c.change(lambda: c.set_number("Steps", 300), r"steps=300")
    assert c.view()["step"] == "step 300 / 300"
    assert len(c.labels()) == 4  # nothing added by the edit

    # 5. Random seed 7: kept, no run added, colours unchanged (without noise the paths are
    # the same, so the player keeps its payload).
    c.change(lambda: c.set_number("Random seed", 7), r"seed=7", until="() => true")
    assert query(page.url)["steps"] == "300" and len(c.labels()) == 4
    assert {r["label"].split(" lr=")[0]: r["color"] for r in c.legend()} == after

    # 6. Adam's learning rate one stop up: legend and sidebar say the same rate.
    adam = c.run_expander("Adam")
    adam.click()
    old_adam = next(label for label in c.labels() if label.startswith("Adam"))
    slider = adam.get_by_role("slider").first

    def adam_up():
        slider.focus()
        page.keyboard.press("ArrowRight")

    c.change(adam_up)
    new_adam = next(label for label in c.labels() if label.startswith("Adam"))
    assert new_adam != old_adam
    c.sidebar().locator("[data-testid=stExpander] summary", has_text=new_adam).first.wait_for()

    # 7. Surface: Himmelblau. Title, address and suggested rates follow.
    def himmelblau():
        c.sidebar().get_by_role("combobox", name="Loss surface").click()
        page.keyboard.type("Himmelblau")
        page.get_by_role("option", name="Himmelblau", exact=False).first.click()

    c.change(himmelblau, r"surface=himmelblau")
    assert "Himmelblau" in c.view()["title"] and len(c.labels()) == 4

    # 8. Play from the start: the animation runs and ends on the last step.
    c.frame.locator(".llp-slider").focus()
    page.keyboard.press("Home")
    c.frame.wait_for_function("() => document.querySelector('.llp-step').textContent"
                              ".startsWith('step 0 /')")  # fmt: skip
    c.frame.get_by_role("button", name="▶ Play").click()
    c.frame.wait_for_function("() => LLPlayer.current().playing")
    c.frame.wait_for_function(
        "() => !LLPlayer.current().playing"
        " && document.querySelector('.llp-step').textContent === 'step 300 / 300'",
        timeout=90_000,
    )

    # 9. Scrub back to step 0: every run shows its loss at the start.
    c.frame.locator(".llp-slider").focus()
    page.keyboard.press("Home")
    c.frame.wait_for_function("() => document.querySelector('.llp-step').textContent"
                              ".startsWith('step 0 /')")  # fmt: skip
    starts = {row["status"] for row in c.legend()}
    assert len(starts) == 1 and next(iter(starts)).startswith("loss ")  # one start, one loss

    # 10. Presentation mode on: no sidebar, the way out visible, everything dark.
    c.change(lambda: c.sidebar().get_by_role("button", name="Presentation mode").click())
    exit_button = page.get_by_role("button", name="Exit presentation")
    assert exit_button.is_visible() and not c.sidebar().is_visible()
    v = c.view()
    assert v["dark"] and v["curveFont"] >= 18
    assert _dark(v["curveBg"]), v
    screenshot(page, "teacher-demo-presentation-dark")

    # 11. Light theme: light player and curves, large type kept.
    light = "() => !document.getElementById('llp-root').classList.contains('llp-dark')"
    c.change(lambda: page.get_by_text("light", exact=True).click(), until=light)
    v = c.view()
    assert not v["dark"] and not _dark(v["curveBg"]) and v["curveFont"] >= 18

    # 12. Presentation mode off: the sidebar and the normal type are back.
    c.change(lambda: exit_button.click())
    assert c.sidebar().is_visible() and c.view()["curveFont"] < 18

    # 13. The surface with no bottom (the saddle): escaping is said as such, no alarm box.
    def saddle():
        c.sidebar().get_by_role("combobox", name="Loss surface").click()
        page.keyboard.type("Saddle x")
        page.get_by_role("option", name="Saddle x", exact=False).first.click()

    c.change(saddle, r"surface=saddle")
    statuses = [row["status"] for row in c.legend()]
    assert any(s.startswith("escaped (left the view) at step") for s in statuses), statuses
    assert not any("diverged" in s for s in statuses), statuses
    assert not page.locator("[data-testid=stAlert]", has_text="diverged").count()

    # 14-15. Back to Himmelblau: the scene the class had; the address is the link.
    c.change(himmelblau, r"surface=himmelblau")
    link, seen = page.url, c.legend()
    assert query(link)["seed"] == "7" and query(link)["steps"] == "300"

    # 16-20. A student follows the link in a fresh browser: the same race, the same view.
    other = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        student_page = other.new_page()
        student_page.goto(link)
        student = Class(student_page)
        assert student.legend() == seen  # labels, colours, final losses
        v = student.view()
        assert "Himmelblau" in v["title"] and v["step"] == "step 300 / 300" and not v["dark"]
        assert query(student_page.url) == query(link)
        screenshot(student_page, "teacher-demo-student-link")
    finally:
        other.close()


def _dark(css_colour):
    """Whether a CSS rgb() colour is dark (mean channel below 80)."""
    channels = [float(x) for x in re.findall(r"[\d.]+", css_colour)[:3]]
    return len(channels) == 3 and sum(channels) / 3 < 80
