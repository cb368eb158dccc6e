"""The explorer page (app.py) in headless Chromium: the race renders, plays, keeps the camera.

Every test saves a screenshot in tests/artifacts/ (look at them: they are the visual check).
"""

import time

import pytest
from player_helpers import (
    CAMERA,
    assert_same_camera,
    drag_camera,
    focus_player,
    state,
    step_of,
    trace_types,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_default_race_renders_on_both_charts(open_app, app_url, player_frame, screenshot):
    page = open_app(app_url)
    frame = player_frame(page)
    traces = trace_types(frame)
    assert traces["d3"][0] == "surface" and traces["d3"].count("scatter3d") >= 4
    assert traces["d2"][0] == "contour"
    assert frame.locator(".llp-3d canvas").count() >= 1
    st = state(frame)
    assert len(st["paths2d"]) == 4 and all(n > 100 for n in st["paths2d"]), st
    legend = frame.locator(".llp-legend").inner_text()
    for name in ("Gradient descent", "Momentum", "RMSprop", "Adam"):
        assert name in legend
    assert not page.console_errors, page.console_errors
    screenshot(page, "explorer-default")


def test_play_advances_the_step(open_app, app_url, player_frame, screenshot):
    page = open_app(app_url)
    frame = player_frame(page)
    focus_player(frame)
    page.keyboard.press("Home")
    assert step_of(state(frame)) == 0
    frame.get_by_role("button", name="▶ Play").click()
    wait_until(lambda: step_of(state(frame)) > 50, what="playback to pass step 50")
    screenshot(page, "explorer-playing")
    frame.get_by_role("button", name="❚❚ Pause").click()
    k = step_of(state(frame))
    time.sleep(0.5)
    assert step_of(state(frame)) == k and not state(frame)["playing"]


def test_camera_survives_play_and_a_sidebar_change(open_app, app_url, player_frame, screenshot):
    page = open_app(app_url)
    frame = player_frame(page)
    user = drag_camera(page, frame)
    frame.get_by_role("button", name="▶ Play").click()
    wait_until(lambda: step_of(state(frame)) > 30, what="playback")
    frame.get_by_role("button", name="❚❚ Pause").click()
    assert_same_camera(frame.evaluate(CAMERA)["gl"], user["gl"])

    # Change the number of steps in the sidebar: a rerun with new paths on the same surface.
    before = state(frame)["ready"]
    steps = page.get_by_role("spinbutton", name="Steps")
    steps.fill("300")
    steps.press("Enter")
    # Both charts drawn (data-ready names the new payload), not only the map.
    wait_until(
        lambda: (s := state(frame))["ready"] != before and "/ 300" in s["step"],
        timeout=90,
        what="the new payload drawn",
    )
    assert_same_camera(frame.evaluate(CAMERA)["gl"], user["gl"])
    assert_same_camera(frame.evaluate(CAMERA)["layout"], user["layout"])
    screenshot(page, "explorer-camera-kept")


def test_clicking_the_map_moves_the_start(open_app, app_url, player_frame, screenshot):
    page = open_app(app_url)
    frame = player_frame(page)
    box = frame.locator(".llp-2d .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)
    start_x = page.get_by_role("spinbutton", name="start x")
    wait_until(lambda: start_x.input_value() != "-1.5", timeout=60, what="the start to move")
    assert float(start_x.input_value()) > 0  # three quarters to the right of [-2, 2]
    screenshot(page, "explorer-start-moved")


def test_presentation_mode_hides_the_sidebar(open_app, app_url, player_frame, screenshot):
    page = open_app(app_url)
    page.get_by_role("button", name="Presentation mode").click()
    wait_until(
        lambda: not page.locator("[data-testid=stSidebar]").is_visible(),
        timeout=60,
        what="the sidebar to fold away",
    )
    player_frame(page)
    screenshot(page, "explorer-presentation")
    page.get_by_role("button", name="Exit presentation").click()
    wait_until(
        lambda: page.locator("[data-testid=stSidebar]").is_visible(),
        timeout=60,
        what="the sidebar to come back",
    )


# Every JavaScript file the page and its frames loaded, with decoded sizes.
SCRIPTS = """() => performance.getEntriesByType("resource")
  .filter((e) => e.initiatorType === "script" || e.name.endsWith(".js"))
  .map((e) => [e.name.split("/").pop().split("?")[0], e.decodedBodySize])"""


def test_one_plotly_per_page_and_curves_in_the_player(open_app, app_url, player_frame, screenshot):
    page = open_app(app_url)
    frame = player_frame(page)
    curves = frame.locator("#llp-curves")
    wait_until(lambda: curves.get_attribute("data-drawn"), what="the curves under the player")
    tabs = frame.locator(".llp-tab").all_inner_texts()
    assert tabs == ["Loss", "Gradient norm", "Distance to minimum"]
    assert frame.locator("#llp-curves .js-plotly-plot .scatterlayer .trace").count() >= 4
    # Another tab, then the log switch: drawn by the same plotly.js, in the same frame.
    frame.get_by_role("tab", name="Gradient norm").click()
    wait_until(lambda: ":1:" in curves.get_attribute("data-drawn"), what="the gradient norms")
    box = frame.locator(".llp-log input")
    was = box.is_checked()
    box.click()
    wait_until(
        lambda: curves.get_attribute("data-drawn").endswith("linear" if was else "log"),
        what="the log switch",
    )
    # The share panel's link is plain text with a copy button: no code highlighter.
    page.get_by_role("tab", name="Share & download").click()
    wait_until(
        lambda: any(
            f.query_selector("#copy") for f in page.frames if f.url.startswith("about:srcdoc")
        ),
        what="the copy button",
    )
    scripts = page.evaluate(SCRIPTS)
    for f in page.frames:
        if f is not page.main_frame and not f.url.startswith("about:"):
            scripts += f.evaluate(SCRIPTS)
    names = [n for n, _ in scripts]
    plotly = [n for n in names if "plotly" in n.lower()]
    assert plotly == ["plotly.min.js"], plotly  # the player's copy only: no PlotlyChart chunk
    assert not [n for n in names if "SyntaxHighlighter" in n], names
    assert not page.console_errors, page.console_errors
    screenshot(page, "explorer-curves")
