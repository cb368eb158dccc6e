"""Lesson 4: Nesterov."""

from __future__ import annotations

import numpy as np

from figures.static import line_chart
from optimizers.metrics import along
from ui import scene as sc

from .framework import Chart, Lesson, hp_control, run

NESTEROV = "#ff7f0e"  # next to the heavy ball's blue, cyan is too close to tell apart
L4_PRESETS = {
    "Round bowl": sc.Scene(
        surface="bowl",
        steps=100,
        runs=(run("momentum", lr=0.15, momentum=0.9), run("nesterov", NESTEROV, lr=0.15)),
    ),
    "Canyon": sc.Scene(
        surface="canyon",
        steps=150,
        runs=(run("momentum", lr=0.18, momentum=0.9), run("nesterov", NESTEROV, lr=0.18)),
    ),
}


def _l4_positions(scene, source):
    surface = scene.build_surface()
    start, target = scene.start_point(surface), surface.minima[0]
    return [(r, along(r.points, start, target)) for r in source.runs(scene)]


def _l4_chart(scene, source):
    series = [{"name": r.label, "color": r.color, "y": s} for r, s in _l4_positions(scene, source)]
    return line_chart(series, ylabel="position (0 = minimum)")


def _l4_notes(scene, source):
    return [
        f"**{r.label}**: farthest past the minimum **{max(np.nanmax(s), 0.0):.3g}**, "
        f"loss after {scene.steps} steps {r.values[-1]:.2g}."
        for r, s in _l4_positions(scene, source)
    ]


LESSON = Lesson(
    4,
    "Nesterov: look before you leap",
    r"""
Heavy-ball momentum takes the gradient where the ball *is* and then lets the velocity
carry it on. Near the minimum that is too late: the velocity has already committed to the
next step, so the ball sails past and has to come back.

Nesterov's idea is to look first. Take the gradient at the point the velocity is about
to carry you to, $\tilde\theta = \theta + \mu v$. When that look-ahead point is already
past the minimum, its gradient points back and brakes the step *before* the overshoot
instead of after it.

Same learning rate, same $\mu$, one change in where the gradient is taken. On the round
bowl the heavy ball swings far past the minimum, most of the way back out, before it turns;
Nesterov crosses the minimum by much less and settles far sooner.

The look-ahead has a price worth knowing: on a steep direction it reacts more strongly,
so Nesterov's largest stable learning rate is lower than the heavy ball's.
""",
    ("nesterov", "momentum"),
    L4_PRESETS,
    (
        "Raise μ to 0.97 on the bowl: both overshoot more, and the gap between them widens.",
        "On the canyon, raise the learning rate to 0.3: the heavy ball survives, Nesterov "
        "diverges (its stable limit here is about 0.27).",
        "Read the chart: it is the position along the line from the start to the minimum; "
        "every bump above 0 is an overshoot.",
    ),
    "With the same lr and μ, Nesterov's largest overshoot past the minimum is smaller than "
    "the heavy ball's on both presets; at lr 0.3 on the canyon Nesterov diverges and the "
    "heavy ball does not.",
    controls=(
        hp_control(
            "mu",
            "Momentum μ",
            "Fraction of the velocity kept at each step, for both runs.",
            hp="momentum",
            low=0.5,
            high=0.99,
            step=0.01,
        ),
        hp_control(
            "lr",
            "Learning rate γ",
            "Step size for both runs. Nesterov's stable range is smaller than the heavy "
            "ball's on steep directions.",
            low=0.01,
            high=0.4,
            step=0.01,
        ),
    ),
    charts=(
        Chart(
            "Position along the line from the start to the minimum",
            _l4_chart,
            caption="0 is the minimum; above 0 means past it (an overshoot).",
        ),
    ),
    notes=_l4_notes,
    preset_help="The same heavy ball and Nesterov runs on a round bowl and in a canyon.",
)
