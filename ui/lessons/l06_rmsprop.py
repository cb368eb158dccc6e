"""Lesson 6: RMSprop."""

from __future__ import annotations

import numpy as np

from ui import scene as sc

from .framework import Chart, Lesson, fmt_num, hp_control, run, step_size_chart
from .l05_adagrad import LR_STOPS, _distance_to_min

L6_PRESETS = {
    "Booth: AdaGrad against RMSprop": sc.Scene(
        surface="booth", steps=200, runs=(run("adagrad", lr=0.1), run("rmsprop", lr=0.1))
    ),
    "Plateau: when shrinking helps": sc.Scene(
        surface="plateau", steps=200, runs=(run("adagrad", lr=0.1), run("rmsprop", lr=0.1))
    ),
}


def mean_step_size(step_size):
    """Mean over the coordinates of each step's size, ignoring non-finite entries.

    A zero gradient gives 0/0 and a diverged run NaN; those entries are skipped, and a
    step with no finite entry is NaN (no warning).

    Parameters
    ----------
    step_size : ndarray, shape (steps, 2)

    Returns
    -------
    ndarray, shape (steps,)
    """
    finite = np.isfinite(step_size)
    count = finite.sum(axis=1)
    total = np.where(finite, step_size, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _l6_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        size = mean_step_size(data["step_size"])
        valid = np.flatnonzero(np.isfinite(size))
        if not valid.size:
            notes.append(f"**{r.label()}**: no finite step size to show.")
            continue
        low, last = valid[np.argmin(size[valid])], valid[-1]
        notes.append(
            f"**{r.label()}**: smallest step size {size[low]:.2g} at step {low + 1}, "
            f"**{size[last]:.2g}** at step {last + 1}; distance to the minimum "
            f"{_distance_to_min(scene, data['points']):.2g}."
        )
    return notes


LESSON = Lesson(
    6,
    "RMSprop: forget the old gradients",
    r"""
RMSprop (proposed by Geoff Hinton in a 2012 lecture) keeps AdaGrad's per-coordinate
scaling but replaces the sum by a moving average:
$v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$. An old gradient's weight fades like $\alpha^k$,
so $v$ tracks the *recent* size of the gradient, roughly over the last $1/(1-\alpha)$
steps (100 for $\alpha = 0.99$). When the slope gets gentler, $v$ shrinks and the step size
grows back: the rate can recover, which AdaGrad's cannot.

The result is a step of roughly $\gamma$ per coordinate wherever you are, on steep walls and
flat plains alike. Two honest caveats you can see here:

- The first steps are long. $v$ starts at 0, so after one step $\sqrt{v_1} =
  \sqrt{1-\alpha}\,|g_1|$ and the step is $\gamma/\sqrt{1-\alpha}$: 10 γ. Adam's bias
  correction (lesson 8) removes exactly this.
- Near the minimum the step does not shrink by itself, so RMSprop can keep jittering
  around it at a fixed $\gamma$ (the Plateau preset), while AdaGrad's shrinking steps settle.
""",
    ("rmsprop", "adagrad"),
    L6_PRESETS,
    (
        "Lower α to 0.9: a shorter memory, faster recovery, and more jitter.",
        "Set α to 0.999 and look at the first step: γ/√(1 − α) ≈ 3.2 per coordinate, a "
        "long jump, because v starts at 0. Lesson 8's bias correction removes exactly this.",
        "On the Plateau preset, lower the learning rate to 0.01: RMSprop's jitter shrinks "
        "with γ, since γ is roughly its step length.",
    ),
    "RMSprop's effective step size grows back after its low point while AdaGrad's only "
    "shrinks; at the same lr on Booth, RMSprop reaches the minimum and AdaGrad does not.",
    controls=(
        hp_control(
            "alpha",
            "RMSprop's decay α",
            "Weight of the old average at each step: it remembers about 1/(1 − α) steps.",
            "select_slider",
            optimizer="rmsprop",
            options=(0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999),
            fmt=fmt_num,
        ),
        hp_control(
            "lr",
            "Learning rate γ (both)",
            "The same γ for AdaGrad and RMSprop, so only the denominator differs.",
            "select_slider",
            options=LR_STOPS,
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            "Effective step size per coordinate",
            step_size_chart,
            caption="Log scale; solid = x, dotted = y. AdaGrad's only falls; RMSprop's recovers.",
        ),
    ),
    notes=_l6_notes,
    preset_help="Booth, where AdaGrad stalls, and a plateau, where its shrinking helps.",
)
