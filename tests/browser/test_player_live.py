"""The player stays live: Play paces the 3-D chart so the map and the controls keep up.

Headless Chromium renders WebGL in software (SwiftShader): one redraw of the 3-D surface
costs ~100 ms there and blocks the page, so these are the conditions the pacing is for.
Windows are counted in frames (the player's own counters, ``LLPlayer.current().stats``),
waited for on animation frames, and timed on the browser's clock.
"""

import statistics

import pytest
from player_helpers import focus_player, state, wait_until

pytestmark = pytest.mark.browser

# Wait (on animation frames) until the map has drawn n more frames; return the window.
PLAY_WINDOW = """async (n) => {
  const P = LLPlayer.current(), s = P.stats;
  const m0 = s.map, d0 = s.d3, c0 = s.costs.length, t0 = performance.now();
  await new Promise((resolve) => {
    const check = () => (s.map - m0 >= n || !P.playing ? resolve() : requestAnimationFrame(check));
    check();
  });
  return { ms: performance.now() - t0, map: s.map - m0, d3: s.d3 - d0,
           costs: s.costs.slice(c0), playing: P.playing };
}"""


def test_play_keeps_the_map_at_display_rate_and_input_prompt(
    open_app, player_app_url, player_frame
):
    page = open_app(player_app_url, query="steps=2000")
    frame = player_frame(page)
    focus_player(frame)
    page.keyboard.press("Home")
    frame.locator(".llp-speed").select_option("100")  # 20 s of playback: never ends here
    frame.get_by_role("button", name="▶ Play").click()
    window = frame.evaluate(PLAY_WINDOW, 150)
    assert window["playing"] and window["map"] >= 150, window
    map_fps = window["map"] / window["ms"] * 1e3
    d3_fps = window["d3"] / window["ms"] * 1e3
    # The map at >= 20 frames a second while the 3-D chart keeps moving at its own rate.
    assert map_fps >= 20, window
    assert window["d3"] >= 2 and d3_fps < map_fps, window
    # Every 3-D redraw is measured with a positive cost, and the 3-D chart takes at most
    # about a third of the time (its breather is twice its cost), never most of it.
    assert window["costs"] and all(c > 0 for c in window["costs"]), window
    assert sum(window["costs"]) / window["ms"] <= 0.5, window

    # Input during playback: Space pauses and plays again; each key waits little.
    before = len(frame.evaluate("() => LLPlayer.current().stats.input"))
    for _ in range(3):
        page.keyboard.press("Space")  # pause
        assert not state(frame)["playing"]
        page.keyboard.press("Space")  # play again
        assert state(frame)["playing"]
        frame.evaluate(PLAY_WINDOW, 20)
    lags = frame.evaluate("() => LLPlayer.current().stats.input")[before:]
    assert len(lags) == 6, lags
    assert statistics.median(lags) <= 100, lags
    print("play window", window, "map fps", map_fps, "3-D fps", d3_fps, "input lags", lags)

    # Pausing lands the 3-D chart on the exact step (its trailing redraw).
    page.keyboard.press("Space")
    k = state(frame)["frame"]
    wait_until(lambda: state(frame)["lens3d"] == [k + 1] * 3, what="the 3-D chart at the pause")
