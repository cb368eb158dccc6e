"""Lesson 2: batch, stochastic and mini-batch gradient descent."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from figures.static import line_chart
from optimizers.metrics import path_length
from ui import scene as sc

from .framework import GREY, Chart, Control, Lesson, hp_control, run, scene_control

L2_BASE = dict(surface="linear_regression", steps=100, runs=(run("gd", lr=0.1),))
L2_PRESETS = {
    "Full batch": sc.Scene(**L2_BASE),
    "Mini-batch (10)": sc.Scene(**L2_BASE, batch_size=10),
    "Stochastic (1)": sc.Scene(**L2_BASE, batch_size=1),
}
L2_SAMPLES = 50  # n_samples of the default linear_regression surface


def _full_batch(scene):
    return replace(scene, batch_size=0)


def _l2_chart(scene, source):
    # The loss above its minimum, on a log axis: full batch keeps falling, SGD hits a floor.
    f_min = scene.build_surface().f_min
    (full,) = source.runs(_full_batch(scene))
    series = [{"name": "full batch", "color": GREY, "y": full.values - f_min, "dash": "dot"}]
    if scene.batch_size:
        (mine,) = source.runs(scene)
        name = f"batch {scene.batch_size}"
        series.append({"name": name, "color": mine.color, "y": mine.values - f_min})
    return line_chart(series, ylabel="loss above the minimum", log_y=True, y_range=(1e-6, 30))


def _l2_notes(scene, source):
    (full,) = source.runs(_full_batch(scene))
    (mine,) = source.runs(scene)
    half = scene.steps // 2
    notes = [
        f"Full batch: path length **{path_length(full.points):.3g}**, loss spread over the "
        f"second half (std) **{np.nanstd(full.values[half:]):.2g}**.",
    ]
    if scene.batch_size:
        notes.append(
            f"Batch {scene.batch_size}: path length **{path_length(mine.points):.3g}**, "
            f"loss spread **{np.nanstd(mine.values[half:]):.2g}**. Each step used "
            f"{scene.batch_size} of {L2_SAMPLES} samples, so it cost "
            f"{scene.batch_size / L2_SAMPLES:.0%} of a full-batch step."
        )
    return notes


LESSON = Lesson(
    2,
    "Batch, stochastic and mini-batch gradient descent",
    r"""
In machine learning the loss is an average over data,
$f(\theta) = \frac{1}{n}\sum_{i=1}^{n} \ell_i(\theta)$, so its gradient is an average too,
and computing it exactly means looking at every sample at every step.

- **Batch (full) gradient descent** uses all $n$ samples: the exact gradient, a smooth path.
- **Stochastic gradient descent (SGD)** uses one random sample per step: a cheap estimate
  that is right *on average* but wrong in every single step.
- **Mini-batch** gradient descent uses $B$ samples: the noise shrinks like $1/\sqrt{B}$
  while the cost grows like $B$. This is what "SGD" means in practice.

The surface here is the mean squared error of a straight-line fit $y = w x + b$ to 50
points (horizontal axis $w$, vertical axis $b$). Colours and heights always show the loss
on all 50 points; each step only sees its batch. With a constant learning rate the noise
never dies out: a batch-1 path keeps wandering around the minimum instead of settling.
Lesson 10 fixes that with a learning-rate schedule.
""",
    ("gd",),
    L2_PRESETS,
    (
        "Slide the batch size from 1 up to 50 and watch the path straighten.",
        "Change the seed: a different shuffle gives a different path, but the same amount of "
        "wandering.",
        "With batch 1, lower the learning rate to 0.02: less wandering, but a slower start. "
        "That trade-off is what lesson 10's schedules resolve.",
    ),
    "Batch-1 SGD travels a much longer path and its loss varies much more than full-batch GD; "
    "a mini-batch of 10 lies in between.",
    controls=(
        Control(
            "batch",
            "Batch size",
            "Samples per gradient estimate: 1 = stochastic gradient descent, 50 (all) = "
            "full-batch gradient descent, in between = mini-batch.",
            "slider",
            get=lambda s: s.batch_size or L2_SAMPLES,
            set=lambda s, v: replace(s, batch_size=0 if int(v) >= L2_SAMPLES else int(v)),
            low=1,
            high=L2_SAMPLES,
            step=1,
        ),
        hp_control(
            "lr",
            "Learning rate γ",
            "Step size. Larger steps travel faster but also carry more of each batch's noise.",
            low=0.01,
            high=0.5,
            step=0.01,
        ),
        scene_control(
            "seed",
            "Random seed",
            "Which samples each step draws. The same seed always gives the same batches.",
            "number",
            field="seed",
            cast=int,
            low=0,
            high=9999,
            step=1,
        ),
    ),
    charts=(
        Chart(
            "Loss above the minimum: your batch size against the full batch",
            _l2_chart,
            caption="Log scale, all 50 samples. Full batch (dotted) keeps improving; a batch "
            "run stalls at a noise floor that shrinks with the batch size.",
        ),
    ),
    notes=_l2_notes,
    preset_help="The same learning rate with all 50 samples per step, 10, or just 1.",
)
