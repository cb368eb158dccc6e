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
           ready: document.getElementById("llp-root").dataset.ready };
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


START_AT = """() => {
  const P = LLPlayer.current(), m = P.model, box = P.gd2.getBoundingClientRect();
  return { x: box.left + P.overlay.px(m.start.x), y: box.top + P.overlay.py(m.start.y),
           start: [m.start.x, m.start.y], grid: !!m.startGrid,
           pressed: document.querySelector(".llp-start-btn").getAttribute("aria-pressed"),
           cell: document.getElementById("llp-root").dataset.startCell || null,
           paths: [...document.querySelectorAll(".llp-path")].map((p) => p.getAttribute("d")),
           ready: document.getElementById("llp-root").dataset.ready };
}"""


def test_dragging_the_start_moves_every_path_without_a_rerun_and_starts_there_on_release(
    open_app, app_url, player_frame, screenshot
):
    page = open_app(app_url)
    frame = player_frame(page)
    first = frame.evaluate(START_AT)
    assert not first["grid"] and first["pressed"] == "false"
    camera = drag_camera(page, frame)["layout"]
    frame.locator(".llp-start-btn").click()  # one rerun brings the grid of starts
    wait_until(
        lambda: (s := frame.evaluate(START_AT))["grid"] and s["ready"] != first["ready"],
        what="the grid of starts drawn",
    )
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    on = frame.evaluate(START_AT)
    assert on["pressed"] == "true" and on["start"] == first["start"]
    assert_same_camera(frame.evaluate(CAMERA)["layout"], camera)
    page.evaluate(COUNT_RERUNS)

    # Rosenbrock's start dragged towards the lower right, past several grid cells.
    iframe = frame.frame_element().bounding_box()  # START_AT is in the iframe's pixels
    x0, y0 = iframe["x"] + on["x"], iframe["y"] + on["y"]
    page.mouse.move(x0, y0)
    page.mouse.down()
    cells, paths = set(), set()
    for t in range(1, 9):
        page.mouse.move(x0 + 30 * t, y0 + 25 * t, steps=2)
        now = frame.evaluate(START_AT)
        cells.add(now["cell"])
        paths.add(now["paths"][0])
    assert len(cells) >= 4 and len(paths) >= 4, (cells, len(paths))
    assert page.evaluate("window.__reruns") == 0  # the paths followed in the browser
    screenshot(page, "scrub-start-dragging")
    cell = now["cell"]
    page.mouse.up()  # one rerun: the runs from that start, exactly
    wait_until(lambda: frame.evaluate(START_AT)["ready"] != on["ready"], what="the new start")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    after = frame.evaluate(START_AT)
    i, j = map(int, cell.split(","))
    grid = frame.evaluate("() => LLPlayer.current().model.startGrid")
    assert grid is not None  # still on: the next drag needs no round trip either
    expected = frame.evaluate(f"() => [LLPlayer.current().model.startGrid.x[{i}], "
                              f"LLPlayer.current().model.startGrid.y[{j}]]")  # fmt: skip
    assert after["start"] == pytest.approx(expected, abs=5e-3)
    assert after["paths"][0] != on["paths"][0]  # the runs from the new start
    assert "start=" in page.url
    assert_same_camera(frame.evaluate(CAMERA)["layout"], camera)
    assert not page.console_errors, page.console_errors
