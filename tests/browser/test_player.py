"""The player component in headless Chromium, against tests/browser/player_app.py.

Every test saves a screenshot in tests/artifacts/ (look at them: they are the visual check).
"""

import json
import re
import time

import numpy as np
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


def app_text(page, prefix):
    return page.get_by_text(prefix).first.inner_text()


def test_scene_renders_3d_and_contour_with_paths(
    open_app, player_app_url, player_frame, screenshot
):
    page = open_app(player_app_url)
    frame = player_frame(page)
    traces = trace_types(frame)
    assert traces["d3"][0] == "surface" and traces["d3"].count("scatter3d") >= 6
    assert traces["d2"][0] == "contour"
    # The WebGL scene and the map's SVG are really on screen.
    assert frame.locator(".llp-3d canvas").count() >= 1
    assert frame.locator(".llp-2d .contour").count() >= 1
    st = state(frame)
    assert st["frame"] == st["frames"] - 1 == 300  # autoplay off: whole paths, paused
    assert all(n > 1 for n in st["lens3d"]), st
    assert len(st["paths2d"]) == 3 and all(n > 100 for n in st["paths2d"]), st
    legend = frame.locator(".llp-legend").inner_text()
    for label in ("Momentum lr=5e-4 β=0.9", "Adam lr=0.05", "GD lr=1e-4·1.02ᵗ"):
        assert label in legend
    assert not page.console_errors, page.console_errors
    screenshot(page, "player-initial")


def test_play_advances_and_pause_stops(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url)
    frame = player_frame(page)
    focus_player(frame)
    page.keyboard.press("Home")
    st0 = state(frame)
    assert st0["frame"] == 0 and step_of(st0) == 0
    # The 3-D chart follows once the key burst is over (it never delays the key itself).
    wait_until(lambda: state(frame)["lens3d"] == [1, 1, 1], what="the 3-D chart at step 0")
    st0 = state(frame)
    frame.get_by_role("button", name="▶ Play").click()
    wait_until(lambda: step_of(state(frame)) > 40, what="playback to pass step 40")
    st1 = state(frame)
    assert st1["playing"] and st1["paths2d"] > st0["paths2d"]
    screenshot(page, "player-playing")
    frame.get_by_role("button", name="❚❚ Pause").click()
    st2 = state(frame)
    time.sleep(1.0)
    st3 = state(frame)
    assert not st3["playing"] and st3["frame"] == st2["frame"] and st3["step"] == st2["step"]
    # The 3-D chart may lag while playing on a slow (software) renderer, never after a pause:
    # it ends on the exact step (trailing redraw), through the fast path, not Plotly.restyle.
    k = st3["frame"]
    wait_until(lambda: state(frame)["lens3d"][:2] == [k + 1, k + 1], what="the 3-D paths")
    assert state(frame)["fastFrames"] >= 2, st3
    # Pausing reports the step to Python once (the test app prints the value).
    wait_until(
        lambda: f'"step": {step_of(st3)}' in app_text(page, "player value:"),
        what="the step value in the app",
    )
    assert '"event": "step"' in app_text(page, "player value:")
    screenshot(page, "player-paused")


def test_keyboard_controls(open_app, player_app_url, player_frame):
    page = open_app(player_app_url)
    frame = player_frame(page)
    focus_player(frame)
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert step_of(state(frame)) == 2
    page.keyboard.press("ArrowLeft")
    assert step_of(state(frame)) == 1
    page.keyboard.press("Space")
    wait_until(lambda: step_of(state(frame)) > 5, what="Space to start playback")
    page.keyboard.press("Space")
    assert not state(frame)["playing"]
    page.keyboard.press("End")
    assert state(frame)["step"] == "step 300 / 300"
    # Space with the focus on the Play button toggles once, not twice (button + shortcut).
    frame.get_by_role("button", name="▶ Play").click()
    assert state(frame)["playing"]
    page.keyboard.press("Space")
    time.sleep(0.3)
    assert not state(frame)["playing"]


def test_public_api_fallbacks_draw_the_same_frame(open_app, player_app_url, player_frame):
    page = open_app(player_app_url)
    frame = player_frame(page)
    lens = frame.evaluate(
        """() => {
      const P = LLPlayer.current();
      P.opts.publicApiOnly = true;               // 3-D: Plotly.restyle instead of update3d
      P.overlay.sync = () => false;              // map: Plotly traces instead of the overlay
      P.overlay.axes = null;
      const fast = P.fastFrames || 0;
      P.next3d = 0; P.busy3d = false; P.watch = null; // no 3-D breather
      P.show(100);
      return { d3: P.gd3.data.slice(1, 4).map((t) => t.x.length),
               d2: P.gd2.data.slice(1, 4).map((t) => t.x.length),
               fast: (P.fastFrames || 0) - fast };
    }"""
    )
    assert lens == {"d3": [101, 101, 101], "d2": [101, 101, 101], "fast": 0}


def test_camera_survives_play_scrub_and_reruns(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url)
    frame = player_frame(page)
    user = drag_camera(page, frame)
    assert_same_camera(user["layout"], user["gl"])
    frame.evaluate("() => { window.__sameDocument = true; }")

    # Play, then pause.
    frame.get_by_role("button", name="▶ Play").click()  # at the end: replays from 0
    wait_until(lambda: step_of(state(frame)) > 30, what="playback")
    frame.get_by_role("button", name="❚❚ Pause").click()
    after_play = frame.evaluate(CAMERA)
    assert_same_camera(after_play["gl"], user["gl"])
    assert_same_camera(after_play["layout"], user["layout"])

    # Scrub with the slider.
    frame.locator(".llp-slider").fill("123")
    assert step_of(state(frame)) == 123
    assert_same_camera(frame.evaluate(CAMERA)["gl"], user["gl"])

    # A rerun that re-sends the same payload: nothing moves, the iframe is the same page.
    runs = app_text(page, "script runs:")
    page.get_by_role("button", name="Rerun (same payload)").click()
    wait_until(lambda: app_text(page, "script runs:") != runs, what="the rerun")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    time.sleep(0.5)
    assert frame.evaluate("() => window.__sameDocument === true")
    assert step_of(state(frame)) == 123
    assert_same_camera(frame.evaluate(CAMERA)["gl"], user["gl"])

    # New runs on the same surface: a new payload (Plotly.react), same camera.
    ready = state(frame)["ready"]
    page.get_by_role("button", name="New runs, same surface").click()
    wait_until(lambda: state(frame)["ready"] != ready, what="the new payload to be drawn")
    assert "Adam lr=0.1" in frame.locator(".llp-legend").inner_text()
    final = frame.evaluate(CAMERA)
    assert_same_camera(final["gl"], user["gl"])
    assert_same_camera(final["layout"], user["layout"])
    screenshot(page, "player-camera-kept")


def test_diverged_label_and_marker(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url)
    frame = player_frame(page)
    gd_row = frame.locator(".llp-run", has_text="GD lr=")
    frame.locator(".llp-slider").fill("174")
    assert "loss" in gd_row.inner_text() and "diverged" not in gd_row.inner_text()
    assert frame.locator(".llp-cross").nth(2).is_hidden()
    frame.locator(".llp-slider").fill("175")
    assert "diverged at step 175" in gd_row.inner_text()
    assert "llp-diverged" in gd_row.get_attribute("class")
    assert frame.locator(".llp-cross").nth(2).is_visible()
    # The 3-D ✕ (two short lines) is drawn once the step passes the divergence.
    cross3 = frame.evaluate(
        "() => { const d = LLPlayer.current().gd3.data; return d[d.length - 1].x.length; }"
    )
    assert cross3 == 5
    screenshot(page, "player-diverged")


def test_click_on_contour_sends_start_to_python(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url)
    frame = player_frame(page)
    ready = state(frame)["ready"]
    # Pixel position of the data point (0.5, 2.0) on the map, from Plotly's axes.
    px = frame.evaluate(
        """() => { const gd = LLPlayer.current().gd2, fl = gd._fullLayout;
                   const b = gd.getBoundingClientRect();
                   return [b.left + fl.xaxis._offset + fl.xaxis.d2p(0.5),
                           b.top + fl.yaxis._offset + fl.yaxis.d2p(2.0)]; }"""
    )
    box = frame.locator(".llp-2d").bounding_box()
    frame_box = page.locator("iframe[title]").first.bounding_box()
    page.mouse.click(frame_box["x"] + px[0], frame_box["y"] + px[1])
    assert box["x"] <= frame_box["x"] + px[0] <= box["x"] + box["width"]
    text = wait_until(
        lambda: (t := app_text(page, "player value:")) and '"start"' in t and t,
        what="the start value in Python",
    )
    value = json.loads(text.split("player value: ", 1)[1])
    assert value["event"] == "start"
    assert np.allclose(value["start"], [0.5, 2.0], atol=0.03), value
    # The test app starts its runs from the clicked point: a new payload arrives.
    wait_until(lambda: state(frame)["ready"] != ready, what="runs from the new start")
    start = json.loads(app_text(page, "start:").split("start: ", 1)[1])
    assert np.allclose(start, value["start"])
    screenshot(page, "player-clicked-start")


def test_dark_theme(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url, query="theme=dark")
    frame = player_frame(page)
    bg = frame.evaluate("() => getComputedStyle(document.querySelector('.llp')).backgroundColor")
    assert bg == "rgb(14, 17, 23)"
    frame.locator(".llp-slider").fill("150")
    screenshot(page, "player-dark")


def test_long_run_is_subsampled_and_says_so(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url, query="steps=12000")
    frame = player_frame(page, timeout=120)
    note = frame.locator(".llp-note")
    assert note.is_visible() and "every 3rd step of 12,000" in note.inner_text()
    focus_player(frame)
    page.keyboard.press("End")
    assert state(frame)["step"] == "step 12,000 / 12,000"
    screenshot(page, "player-subsampled")


def test_standalone_html_works_offline(page, screenshot, tmp_path):
    from player_data import scene

    import figures

    html = figures.standalone_html(scene(steps=200), autoplay=True)
    path = tmp_path / "player.html"
    path.write_text(html, encoding="utf-8")
    requested = []

    def block(route):
        requested.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://"), block)
    page.goto(path.as_uri())
    page.wait_for_selector("#llp-root[data-ready]", timeout=60_000)
    wait_until(lambda: step_of(state(page.main_frame)) > 10, what="autoplay in the standalone page")
    assert page.locator(".llp-3d canvas").count() >= 1
    assert not requested, requested
    assert not page.console_errors, page.console_errors
    screenshot(page, "player-standalone")


GHOSTS = """() => {
  const P = LLPlayer.current(), m = P.model, G = m.ghosts.length, b = m.base;
  const sum = (a) => { let s = 0; for (const v of a) if (isFinite(v)) s += v; return s; };
  const chart = (gd) => ({
    ghosts: gd.data.slice(1, 1 + G).map((t, i) => ({
      name: t.name, n: t.x.length, sum: sum(t.x) + sum(t.y),
      opacity: gd._fullData[1 + i].opacity, width: t.line.width,
      same: !!window.__ghostData && window.__ghostData[gd === P.gd3 ? 0 : 1][i] === t.x,
    })),
    liveWidth: b < gd.data.length && gd.data[b].line ? gd.data[b].line.width : null,
  });
  const scene = P.gd3._fullLayout.scene._scene;
  const svg = [...P.gd2.querySelectorAll(".scatterlayer .trace")].slice(0, G);
  return {
    G, base: b, d3: chart(P.gd3), d2: chart(P.gd2),
    gl: P.gd3._fullData.slice(1, 1 + G).map((t) => !!scene.traces[t.uid]),
    svg: svg.map((g) => ({ opacity: parseFloat(getComputedStyle(g).opacity),
                           d: (g.querySelector(".js-line") || { getAttribute: () => "" })
                                .getAttribute("d").length })),
  };
}"""

KEEP_GHOST_DATA = """() => { const P = LLPlayer.current(), G = P.model.ghosts.length;
  window.__ghostData = [P.gd3, P.gd2].map((gd) => gd.data.slice(1, 1 + G).map((t) => t.x)); }"""


def test_ghost_runs_are_faint_whole_and_not_animated(
    open_app, player_app_url, player_frame, screenshot
):
    # Three ghosts of 500 steps (the previous settings) behind three live runs of 300.
    page = open_app(player_app_url, query="ghosts=500")
    frame = player_frame(page)
    st = state(frame)
    assert st["frames"] == 301 and st["step"] == "step 300 / 300"  # live steps only
    assert frame.locator(".llp-slider").get_attribute("max") == "300"
    assert len(st["paths2d"]) == 3 and st["lens3d"] == [301, 301, 301]  # live runs animate
    g = frame.evaluate(GHOSTS)
    assert g["G"] == 3 and g["base"] == 4
    for chart in ("d3", "d2"):
        names = [t["name"] for t in g[chart]["ghosts"]]
        assert all(n.startswith("before: ") for n in names), names
        for t in g[chart]["ghosts"]:
            assert t["opacity"] <= 0.4 and t["width"] < g[chart]["liveWidth"], (chart, t)
        # The whole 500 steps; the diverged ghost GD adds a gap and its small ✕ (1 + 5).
        assert [t["n"] for t in g[chart]["ghosts"]] == [501, 501, 507], g[chart]
    assert all(g["gl"]), g  # the WebGL objects of the 3-D ghosts exist
    assert all(s["opacity"] <= 0.4 and s["d"] > 200 for s in g["svg"]), g["svg"]  # drawn

    # At step 0 the ghosts are already whole; playing never touches them.
    focus_player(frame)
    page.keyboard.press("Home")
    assert state(frame)["step"] == "step 0 / 300"
    wait_until(lambda: state(frame)["lens3d"] == [1, 1, 1], what="the 3-D chart at step 0")
    frame.evaluate(KEEP_GHOST_DATA)
    at_start = frame.evaluate(GHOSTS)
    assert at_start["d3"]["ghosts"][0]["same"] and at_start["d2"]["ghosts"][0]["same"]
    for chart in ("d3", "d2"):
        assert [t["n"] for t in at_start[chart]["ghosts"]] == [501, 501, 507]
    frame.get_by_role("button", name="▶ Play").click()
    wait_until(lambda: step_of(state(frame)) > 60, what="playback to pass step 60")
    playing = frame.evaluate(GHOSTS)
    frame.get_by_role("button", name="❚❚ Pause").click()
    k = state(frame)["frame"]
    wait_until(lambda: state(frame)["lens3d"][0] == k + 1, what="the 3-D paths after pausing")
    paused = frame.evaluate(GHOSTS)
    for now in (playing, paused):
        for chart in ("d3", "d2"):
            for before, after in zip(at_start[chart]["ghosts"], now[chart]["ghosts"], strict=True):
                assert after["same"] and (after["n"], after["sum"]) == (before["n"], before["sum"])
    assert state(frame)["fastFrames"] >= 2  # the fast 3-D path ran, skipping the ghosts
    page.keyboard.press("End")
    assert state(frame)["step"] == "step 300 / 300"

    # Legend: live runs as before; ghosts in their own quieter group, prefix in the heading.
    labels = frame.locator(".llp-run .llp-label").all_inner_texts()
    assert labels == ["Momentum lr=5e-4 β=0.9", "Adam lr=0.05", "GD lr=1e-4·1.02ᵗ"]
    group = frame.locator(".llp-ghosts")
    assert group.is_visible() and group.inner_text().startswith("before (faint):")
    ghosts = frame.locator(".llp-ghost").all_inner_texts()
    assert ghosts == [
        "Momentum lr=2e-4 β=0.9",
        "Adam lr=0.2",
        "GD lr=2e-4·1.02ᵗ (diverged at step 139)",
    ]
    quiet = frame.evaluate(
        """() => { const s = (q) => getComputedStyle(document.querySelector(q));
                   const ghost = s('.llp-ghost-label'), live = s('.llp-run .llp-label');
                   return [ghost.color, live.color, ghost.fontWeight, live.fontWeight]; }"""
    )
    assert quiet[0] != quiet[1] and int(quiet[2]) < int(quiet[3]), quiet
    assert not page.console_errors, page.console_errors
    screenshot(page, "player-ghosts")

    # Trace order: ghosts right after the surface / contour, then the live traces as before
    # (the click-to-start feedback restyles base + 2R, the start marker).
    names = frame.evaluate(
        "() => { const P = LLPlayer.current(); return [P.gd3, P.gd2].map("
        "(gd) => gd.data.map((t) => t.name || t.type)); }"
    )
    for chart in names:
        assert [n.startswith("before: ") for n in chart[1:7]] == [True] * 3 + [False] * 3
        assert chart[10:12] == ["start", "minimum"]
    # The public-API fallbacks draw the live runs at their shifted indices, ghosts untouched.
    lens = frame.evaluate(
        """() => {
      const P = LLPlayer.current(), b = P.model.base;
      P.opts.publicApiOnly = true;
      P.overlay.sync = () => false;
      P.overlay.axes = null;
      P.next3d = 0; P.busy3d = false; P.watch = null; // no 3-D breather
      P.show(200);
      const n = (gd, i) => gd.data[i].x.length;
      return { d3: [b, b + 1, b + 2].map((i) => n(P.gd3, i)),
               d2: [b, b + 1, b + 2].map((i) => n(P.gd2, i)),
               cross3: n(P.gd3, b + 2 * 3 + 2 + 2), cross2: n(P.gd2, b + 2 * 3 + 2),
               ghosts: [1, 2, 3].map((i) => [n(P.gd3, i), n(P.gd2, i)]) };
    }"""
    )
    assert lens == {
        "d3": [201, 201, 201],
        "d2": [201, 201, 201],
        "cross3": 5,  # the live GD diverged at step 175: its ✕
        "cross2": 1,
        "ghosts": [[501, 501], [501, 501], [507, 507]],
    }
    assert frame.evaluate(GHOSTS)["d3"]["ghosts"][2]["same"]


def test_ghosts_in_dark_theme(open_app, player_app_url, player_frame, screenshot):
    page = open_app(player_app_url, query="ghosts=500&theme=dark")
    frame = player_frame(page)
    assert frame.evaluate(GHOSTS)["G"] == 3
    frame.locator(".llp-slider").fill("150")
    assert state(frame)["step"] == "step 150 / 300"
    assert not page.console_errors, page.console_errors
    screenshot(page, "player-ghosts-dark")


def test_only_ghosts_give_zero_steps_and_still_draw(open_app, player_app_url, player_frame):
    page = open_app(player_app_url, query="ghosts=200&live=0")
    frame = player_frame(page)
    g = frame.evaluate(GHOSTS)
    assert g["G"] == 3 and [t["n"] for t in g["d3"]["ghosts"]] == [201, 201, 207]
    st = state(frame)
    assert st["step"] == "step 0 / 0" and st["lens3d"] == [] and st["paths2d"] == []
    frame.get_by_role("button", name="▶ Play").click()  # nothing to animate: stops at once
    wait_until(lambda: not state(frame)["playing"], what="playback to stop")
    assert frame.locator(".llp-run .llp-label").count() == 0
    assert frame.locator(".llp-ghost").count() == 3
    assert not page.console_errors, page.console_errors
