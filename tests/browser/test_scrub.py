"""Scrubbing a hyperparameter in the player: the paths follow the pointer, no rerun.

The explorer sends the first run's learning-rate ladder with its payload; dragging the
player's ladder slider swaps the drawn path between the ladder's paths in the browser, and
only the release reaches Python (one rerun), which commits the value to the scene.
"""

import pytest
from player_helpers import CAMERA, assert_same_camera, drag_camera, wait_until

pytestmark = pytest.mark.browser

# Count Streamlit script runs: the app's script-state attribute turning to "running".
COUNT_RERUNS = """() => {
  window.__reruns = 0;
  const app = document.querySelector("[data-testid=stApp]");
  new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") === "running") window.__reruns++;
  }).observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
}"""

LADDER = """() => {
  const P = LLPlayer.current(), L = P.model.ladder;
  return { run: L.run, name: L.name, values: L.values, index: L.index,
           shown: P.scrubK, label: P.legendRows[L.run].label.textContent,
           path: document.querySelectorAll(".llp-path")[L.run].getAttribute("d"),
           out: document.querySelector(".llp-scrub-value").textContent,
           ready: document.getElementById("llp-root").dataset.ready,
           scrubs: P.stats.scrubs || 0 };
}"""


def thumb_x(box, k, n):
    """Page x of a range input's thumb at position k of 0..n-1 (the thumb is ~16 px)."""
    return box["x"] + 8 + (box["width"] - 16) * k / (n - 1)


def test_dragging_the_learning_rate_moves_the_path_without_a_rerun_and_commits_on_release(
    open_app, app_url, player_frame, screenshot
):
    page = open_app(app_url)
    frame = player_frame(page)
    before = frame.evaluate(LADDER)
    assert before["name"] == "lr" and before["run"] == 0
    n, k0 = len(before["values"]), before["index"]
    assert n >= 5 and before["shown"] == k0
    camera = drag_camera(page, frame)["layout"]  # a camera of the user's own
    page.evaluate(COUNT_RERUNS)

    box = frame.locator(".llp-scrub-range").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(thumb_x(box, k0, n), y)
    page.mouse.down()
    seen = set()
    for k in range(k0 - 1, -1, -1):  # drag down the ladder, a rung at a time
        page.mouse.move(thumb_x(box, k, n), y, steps=2)
        now = frame.evaluate(LADDER)
        assert now["shown"] == k, now
        assert now["label"] != before["label"] and now["out"].startswith("lr = "), now
        seen.add(now["path"])
    during = frame.evaluate(LADDER)
    assert during["shown"] == 0 and during["path"] != before["path"]
    assert len(seen) == k0  # every rung drew its own path
    assert page.evaluate("window.__reruns") == 0  # all of it in the browser
    screenshot(page, "scrub-dragging")

    page.mouse.up()  # release: one rerun commits the smallest rate
    wait_until(lambda: frame.evaluate(LADDER)["ready"] != before["ready"], what="the commit")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    after = frame.evaluate(LADDER)
    low = before["values"][0]
    assert after["values"][after["index"]] == pytest.approx(low)
    assert after["label"] == during["label"] and after["path"] == during["path"]
    assert 1 <= page.evaluate("window.__reruns") <= 2  # the commit (and its own rerun)
    assert f"lr%3D{low:g}" in page.url or f"lr={low:g}" in page.url, page.url
    assert_same_camera(frame.evaluate(CAMERA)["layout"], camera)  # the camera stays put
    assert not page.console_errors, page.console_errors
