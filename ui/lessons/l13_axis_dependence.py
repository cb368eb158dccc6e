"""Lesson 13: which optimizers depend on the coordinate axes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import figures
from ui import scene as sc

from .framework import Chart, Control, Lesson, loss_chart, run

START = (-5.5, 1.0)  # the canyon's own start at angle 0
ANGLES = (0.0, 15.0, 30.0, 45.0, 60.0, 90.0)
L13_RACERS = (
    ("GD", run("gd", "#7f7f7f", lr=0.3)),
    ("Momentum", run("momentum", "#1f77b4", lr=0.1, momentum=0.9)),
    ("Shampoo", run("shampoo", "#8c564b", lr=0.5)),
    ("Normalised descent (Muon)", run("muon", "#e377c2", lr=0.1)),
    ("Adam", run("adam", "#2ca02c", lr=0.1)),
    ("RMSprop", run("rmsprop", "#ff7f0e", lr=0.03)),
    ("Lion", run("lion", "#d62728", lr=0.03)),
)
EQUIVARIANT = ("gd", "momentum", "shampoo", "muon")
PER_COORDINATE = ("adam", "rmsprop", "lion")


def rotated_start(angle):
    """Return the start turned with the canyon (about its minimum, the origin)."""
    a = np.radians(angle)
    x, y = START
    return (float(np.cos(a) * x - np.sin(a) * y), float(np.sin(a) * x + np.cos(a) * y))


def at_angle(scene, angle):
    """Return the scene on the canyon turned by ``angle`` degrees, its start turned too."""
    params = dict(scene.surface_params) | {"angle": float(angle)}
    return replace(scene, surface_params=tuple(sorted(params.items())), start=rotated_start(angle))


def _angle(scene):
    return float(dict(scene.surface_params).get("angle", 0.0))


BASE = sc.Scene(surface="canyon", steps=150, runs=tuple(r for _, r in L13_RACERS))
L13_PRESETS = {
    "Aligned (0°)": at_angle(BASE, 0.0),
    "Turned 30°": at_angle(BASE, 30.0),
    "Turned 45°": at_angle(BASE, 45.0),
}


def _l13_notes(scene, source):
    return [
        f"**{r.label}**: loss after {scene.steps} steps **{r.values[-1]:.3g}**"
        + (f", {figures.stop_text(r)}" if r.diverged_at >= 0 else "")
        for r in source.runs(scene)
    ]


LESSON = Lesson(
    13,
    "Axis dependence: turn the canyon",
    r"""
Turn the narrow canyon by an angle and turn the start with it. Nothing about the problem
has changed: the same valley, the same distance to the minimum. Only the coordinate axes
now cross it at an angle.

- **GD, momentum** step along $-\nabla f$ (and a sum of past gradients). Rotating the
  problem rotates every gradient, so the whole path simply turns with the canyon: the loss
  curve is the same at every angle, to the last digit.
- **Shampoo on a vector** preconditions with $G^{-1/2}$, $G = \sum_t g_t g_t^\top$: a
  full matrix that turns with the gradients ($R G R^\top$), so it too only turns.
- **Normalised descent (Muon on a vector)** divides the momentum by its length; a length
  does not depend on the axes.
- **Adam, RMSprop, Lion** divide or take signs *coordinate by coordinate*:
  $g_i/\sqrt{v_i}$, $\operatorname{sign}(m_i)$. Aligned with the axes this is a perfect
  diagonal preconditioner (Adam flies down the canyon); turned by 45° the two
  coordinates see the same mixture of wall and floor and the advantage is gone.

This is why per-coordinate methods love problems whose hard directions are the
parameters themselves, and why full-matrix methods (Shampoo, and Muon on matrices) were
built.
""",
    ("gd", "momentum", "shampoo", "muon", "adam", "rmsprop", "lion"),
    L13_PRESETS,
    (
        "Move the angle from 0° to 45°: the grey, blue, brown and pink curves do not move; "
        "green, orange and red do.",
        "At 0° Adam ends far below GD; at 45° its final loss is more than a hundred times higher.",
    ),
    "With the start turned with the canyon, GD, momentum, Shampoo and normalised descent "
    "give the same loss curve at every angle (their paths are the turned paths); Adam, "
    "RMSprop and Lion do not, and Adam is best aligned with the axes.",
    controls=(
        Control(
            "angle",
            "Canyon angle (degrees)",
            "Turn the canyon (and the start with it) counter-clockwise.",
            "select_slider",
            get=_angle,
            set=at_angle,
            options=ANGLES,
            fmt=lambda a: f"{a:g}°",
        ),
    ),
    charts=(Chart("Loss per step", loss_chart, caption="Log scale."),),
    notes=_l13_notes,
    preset_help="The same canyon and start, aligned with the axes and turned by 30° and 45°.",
)
