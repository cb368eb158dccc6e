"""Lesson 11: saddle points."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from figures.static import line_chart
from ui import scene as sc

from .framework import Chart, Control, Lesson, fmt_num, run, scene_control

L11_RUNS = (run("gd", lr=0.1), run("adam", lr=0.05), run("newton", lr=1.0))
L11_PRESETS = {
    "Just off the ridge": sc.Scene(surface="saddle", start=(-1.5, 0.001), steps=50, runs=L11_RUNS),
    "Exactly on the ridge": sc.Scene(surface="saddle", start=(-1.5, 0.0), steps=50, runs=L11_RUNS),
    "On the ridge, with noise": sc.Scene(
        surface="saddle", start=(-1.5, 0.0), steps=50, noise=0.05, runs=L11_RUNS
    ),
}
Y0_STOPS = (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 0.1)


def _l11_chart(scene, source):
    series = [
        {"name": r.label, "color": r.color, "y": np.linalg.norm(r.points, axis=1)}
        for r in source.runs(scene)
    ]
    return line_chart(series, ylabel="distance from the saddle", y_range=(0, 2.5))


def _l11_notes(scene, source):
    notes = []
    for r in source.runs(scene):
        dist = np.linalg.norm(r.points, axis=1)
        k = r.diverged_at
        end = (
            f"ran off the map (stopped at step {k})"
            if k >= 0
            else f"ends at ({r.points[-1, 0]:.2g}, {r.points[-1, 1]:.2g})"
        )
        notes.append(f"**{r.label}**: closest to the saddle {np.nanmin(dist):.2g}; {end}.")
    return notes


LESSON = Lesson(
    11,
    "Saddle points",
    r"""
In two dimensions most points where the gradient vanishes are minima. In many dimensions
most are *saddles*: downhill in some directions, uphill in others. $z = x^2 - y^2$ is the
simplest one: a minimum along $x$, a maximum along $y$, and a zero gradient at the origin.

- **Plain GD** is pulled in along $x$ and pushed out along $y$. Started a hair off the
  ridge ($y = 0.001$), the $y$-distance grows by a factor $1 + 2\gamma$ per step:
  exponentially, but from almost nothing. So the path creeps up to the saddle, lingers
  there, and only then slides off.
- **Adam** divides each coordinate's gradient by its own recent size, so even the tiny
  $y$-gradient becomes a step of about $\gamma$: it walks away along $y$ from the first step.
- **Newton's method** jumps to where the local quadratic model has zero gradient. On a
  quadratic that is the saddle itself, reached in one step: Newton cannot tell minima from
  saddles or maxima, which is one reason (besides its cost) that it is not used as is in
  deep learning.
- **Exactly on the ridge** ($y = 0$) the $y$-gradient is exactly 0 forever, and GD and Adam
  both stay on the ridge and end at the saddle. Any noise breaks the tie, as the third
  preset shows; real training is always a little noisy, which is one reason saddles trap
  optimizers less in practice than in theory.

The surface has no bottom: a path that escapes keeps going, and the run is stopped once it
is far outside the map.
""",
    ("gd", "adam", "newton"),
    L11_PRESETS,
    (
        "Move the start's y from 0.001 to 1e-6: GD lingers longer near the saddle; Adam "
        "hardly notices.",
        "In the noisy preset, set the noise to 0: everyone ends at (or right next to) the "
        "saddle again.",
        "Open the preset in the explorer and add momentum: it escapes sooner than GD.",
    ),
    "Just off the ridge, GD and Adam escape the saddle while Newton lands on it; exactly on "
    "the ridge GD ends at the saddle, and with gradient noise it escapes.",
    controls=(
        Control(
            "y0",
            "Start height y₀",
            "How far off the ridge y = 0 the runs start (x₀ = −1.5). 0 is exactly on it.",
            "select_slider",
            get=lambda s: s.start[1],
            set=lambda s, v: replace(s, start=(s.start[0], float(v))),
            options=Y0_STOPS,
            fmt=fmt_num,
        ),
        scene_control(
            "noise",
            "Gradient noise σ",
            "Adds Gaussian noise of this size to every gradient (the same draws for every run).",
            field="noise",
            low=0.0,
            high=0.5,
            step=0.01,
        ),
    ),
    charts=(
        Chart(
            "Distance from the saddle",
            _l11_chart,
            caption="A dip towards 0 is a visit to the saddle; Newton drops to 0 at step 1.",
        ),
    ),
    notes=_l11_notes,
    preset_help="Start just off the ridge, exactly on it, or on it with noisy gradients.",
)
