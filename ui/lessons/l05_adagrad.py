"""Lesson 5: AdaGrad."""

from __future__ import annotations

import numpy as np

from optimizers.sweeps import log_stops
from ui import scene as sc

from .framework import Chart, Lesson, fmt_num, hp_control, run, step_size_chart

LR_STOPS = log_stops(0.001, 3.0, (1, 2, 3, 5))
L5_PRESETS = {
    "Steep start (Booth)": sc.Scene(surface="booth", steps=200, runs=(run("adagrad", lr=0.1),)),
    "Long gentle walk (Matyas)": sc.Scene(
        surface="matyas", steps=200, runs=(run("adagrad", lr=0.1),)
    ),
}


def _distance_to_min(scene, points):
    """Distance from the last finite point of a path to the nearest known minimum."""
    finite = points[np.isfinite(points).all(axis=1)]
    mins = np.asarray(scene.build_surface().minima, dtype=float)
    return float(np.min(np.linalg.norm(mins - finite[-1], axis=1)))


def _l5_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        rows = np.flatnonzero(np.isfinite(data["step_size"]).all(axis=1))
        if not rows.size:
            notes.append(f"**{r.label()}**: no finite step size to show.")
            continue
        first, last = data["step_size"][rows[0]], data["step_size"][rows[-1]]
        notes.append(
            f"**{r.label()}**: step size in x went from {first[0]:.2g} to **{last[0]:.2g}**, "
            f"in y from {first[1]:.2g} to **{last[1]:.2g}**; after {scene.steps} steps it is "
            f"{_distance_to_min(scene, data['points']):.2g} from the minimum."
        )
    return notes


LESSON = Lesson(
    5,
    "AdaGrad: a learning rate per coordinate, and why it stalls",
    r"""
One learning rate for all coordinates is a compromise (lesson 1). AdaGrad gives each
coordinate its own. It keeps the sum of all squared gradients seen so far in that
coordinate, $s_t = s_{t-1} + g_t^2$, and divides the step by its root:
$\theta \leftarrow \theta - \gamma\, g_t / \sqrt{s_t}$. Coordinates with big gradients get
small steps, coordinates with small gradients get big ones. The very first step is exactly
$\gamma$ in every coordinate, since $g/\sqrt{g^2} = \pm 1$.

The catch is in the word *sum*: it only grows. Every gradient ever seen stays in the
denominator, so the effective step size $\gamma/\sqrt{s_t}$ can only shrink, roughly like
$1/\sqrt{t}$ even on a steady slope, and for good after a steep start. On Booth the very
first gradient is 32 in $x$; that single number keeps the $x$-steps tiny for the rest of
the run, and the path stalls long before the minimum.

For convex problems with noisy gradients this shrinking is a feature: it guarantees
convergence. For long walks, and for training deep networks, it is why AdaGrad gave way
to RMSprop and Adam.
""",
    ("adagrad",),
    L5_PRESETS,
    (
        "Multiply the learning rate by 10. The path gets further, but the chart still falls: "
        "a bigger γ postpones the stall, it does not remove it.",
        "Compare the x and y lines on Booth: the coordinate with the steeper start ends with "
        "the smaller steps.",
        "Go on to lesson 6 to see the same start with RMSprop.",
    ),
    "AdaGrad's effective step size never increases, ends far below where it started, and "
    "the run stops well short of the minimum within the budget.",
    controls=(
        hp_control(
            "lr",
            "Learning rate γ",
            "The first step's size in each coordinate; all later steps are smaller.",
            "select_slider",
            options=LR_STOPS,
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            "Effective step size γ / √s per coordinate",
            step_size_chart,
            caption="Log scale; solid = x, dotted = y. It can only go down.",
        ),
    ),
    notes=_l5_notes,
    preset_help="A start with a steep first gradient (Booth) and a long, gentle walk (Matyas).",
)
