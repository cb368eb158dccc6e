"""Probes into the player component (``window.LLPlayer``) shared by the browser tests."""

import re
import time

import pytest

STATE = """() => {
  const P = LLPlayer.current();
  const R = P.model.runs.length, b = P.model.base; // live traces start after the ghosts
  return {
    frame: P.frame, playing: P.playing, frames: P.model.frames,
    step: document.querySelector(".llp-step").textContent,
    lens3d: P.gd3.data.slice(b, b + R).map((t) => t.x.length),
    paths2d: [...document.querySelectorAll(".llp-path")]
      .map((p) => (p.getAttribute("d") || "").length),
    ready: document.getElementById("llp-root").dataset.ready,
    fastFrames: P.fastFrames || 0,
  };
}"""

CAMERA = """() => {
  const gd = LLPlayer.current().gd3;
  const scene = gd._fullLayout.scene._scene;
  return { layout: gd.layout.scene.camera, gl: scene.getCamera() };
}"""


def state(frame):
    """Return the player's animation state (frame, playing, path lengths, ...)."""
    return frame.evaluate(STATE)


def trace_types(frame):
    """Return the Plotly trace types of both charts, ``{"d3": [...], "d2": [...]}``."""
    return frame.evaluate(
        """() => { const P = LLPlayer.current();
                   return { d3: P.gd3.data.map((t) => t.type),
                            d2: P.gd2.data.map((t) => t.type) }; }"""
    )


def step_of(st):
    """Return the step number shown in the player's "step k / n" label."""
    return int(re.match(r"step ([\d,]+) /", st["step"]).group(1).replace(",", ""))


def wait_until(fn, timeout=20, what="condition"):
    """Poll ``fn`` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def assert_same_camera(a, b):
    """Assert two Plotly cameras (eye, center, up) are equal."""
    for part in ("eye", "center", "up"):
        for axis in "xyz":
            assert a[part][axis] == pytest.approx(b[part][axis], abs=1e-6), (part, axis, a, b)


def focus_player(frame):
    """Give the player's iframe keyboard focus by clicking an inert part of it."""
    frame.locator(".llp-step").click()


def drag_camera(page, frame):
    """Rotate the 3-D view with the mouse, as a user would; return the new camera.

    Returns once the drag has settled: the layout's camera (written by the drag's
    ``plotly_relayout``) has moved and equals the scene's live camera. On a busy machine
    a camera read right after the first change is mid-drag.
    """
    before = frame.evaluate(CAMERA)
    box = frame.locator(".llp-3d").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 140, cy + 50, steps=12)
    page.mouse.up()

    def settled():
        c = frame.evaluate(CAMERA)
        eye, gl = c["layout"]["eye"], c["gl"]["eye"]
        moved = eye != before["layout"]["eye"]
        return moved and all(abs(eye[a] - gl[a]) <= 1e-6 for a in "xyz") and c

    return wait_until(settled, what="the drag to change the camera and settle")
