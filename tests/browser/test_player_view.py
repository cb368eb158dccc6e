"""Issue 11, the 3-D view: a low default camera, at most three z labels, bounded rotation.

Every test saves a screenshot in tests/artifacts/ (look at them: they are the visual check).
"""

import math

import pytest
from player_helpers import CAMERA, wait_until

pytestmark = pytest.mark.browser


def _elevation(eye):
    return math.degrees(math.asin(eye["z"] / math.hypot(eye["x"], eye["y"], eye["z"])))


def test_default_view_is_low_with_three_z_labels(
    open_app, player_app_url, player_frame, screenshot
):
    page = open_app(player_app_url)
    frame = player_frame(page)
    eye = frame.evaluate(CAMERA)["layout"]["eye"]
    assert 25 <= _elevation(eye) <= 35, eye
    scene = frame.evaluate(
        """() => { const s = LLPlayer.current().gd3.layout.scene;
                   return { z: s.zaxis.tickvals, aspect: s.aspectratio }; }"""
    )
    assert 1 <= len(scene["z"]) <= 3, scene
    screenshot(page, "player-view-default")


def test_a_long_drag_never_turns_the_view_below_the_surface(
    open_app, player_app_url, player_frame, screenshot
):
    page = open_app(player_app_url)
    frame = player_frame(page)
    before = frame.evaluate(CAMERA)["layout"]["eye"]
    box = frame.locator(".llp-3d").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] - 10
    page.mouse.move(cx, cy)
    page.mouse.down()
    # Dragging up tilts the eye down: the whole height of the chart, more than enough to
    # see the surface from below without the clamp.
    page.mouse.move(cx + 10, box["y"] + 10, steps=20)
    page.mouse.up()

    def settled():
        eye = frame.evaluate(CAMERA)["layout"]["eye"]
        return eye != before and _elevation(eye) >= 7.9 and eye

    try:
        eye = wait_until(settled, what="the camera to be clamped above the floor")
    except AssertionError:
        raise AssertionError(frame.evaluate(CAMERA)) from None
    assert _elevation(eye) >= 7.9, eye
    screenshot(page, "player-view-clamped")


def test_camera_clamp_and_ticks_helpers(open_app, player_app_url, player_frame):
    page = open_app(player_app_url)
    frame = player_frame(page)
    out = frame.evaluate(
        """() => { const P = window.LLPlayerParts;
          return { below: P.clampEye({ x: 1, y: 1, z: -1 }),
                   fine: P.clampEye(P.eyeAt(30, -120, 2)),
                   ticks: [P.threeTicks(0, 1), P.threeTicks(-3.2, 7.9),
                           P.threeTicks(1e-9, 3e-9)] }; }"""
    )
    assert out["fine"] is None
    assert _elevation(out["below"]) == pytest.approx(8, abs=1e-6)
    assert math.hypot(*out["below"].values()) == pytest.approx(math.sqrt(3))
    for ticks in out["ticks"]:
        assert 1 <= len(ticks) <= 3, ticks
    assert out["ticks"][0] == [0, 0.5, 1]
