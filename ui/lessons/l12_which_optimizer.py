"""Lesson 12: which optimizer is best?."""

from __future__ import annotations

from dataclasses import replace

import optimizers
import surfaces
from ui import scene as sc

from .framework import Chart, Control, Lesson, get_hp, scene_control, set_hp, steps_to

L12_SURFACES = ("canyon", "booth", "styblinski_tang", "three_hump_camel")
L12_PRESETS = {
    surfaces.info(name).title: sc.Scene(surface=name, steps=300, runs=sc.default_runs(name))
    for name in L12_SURFACES
}
L12_TOL = 1e-3
ADAM_FACTORS = (0.3, 1.0, 2.0, 3.0, 5.0, 10.0)


def _l12_preset(surface_name):
    return next(p for p in L12_PRESETS.values() if p.surface == surface_name)


def adam_factor(scene: sc.Scene) -> float:
    """Return Adam's learning rate in the scene relative to its lesson-12 preset.

    Parameters
    ----------
    scene : Scene
        A lesson-12 scene (one of ``L12_SURFACES``).

    Returns
    -------
    float
    """
    base = get_hp(_l12_preset(scene.surface), "lr", "adam")
    return round(get_hp(scene, "lr", "adam") / base, 6)


def with_adam_factor(scene: sc.Scene, factor: float) -> sc.Scene:
    """Return ``scene`` with Adam's learning rate at ``factor`` times its preset value."""
    base = get_hp(_l12_preset(scene.surface), "lr", "adam")
    return set_hp(scene, "lr", float(f"{base * factor:.6g}"), "adam")


def race_table(scene, source):
    """Race the four classics on every lesson-12 surface.

    Parameters
    ----------
    scene : Scene
        A lesson-12 scene: its ``steps`` (the budget) and Adam's learning-rate factor
        (see :func:`adam_factor`) apply to every surface.
    source : object
        Has ``runs(scene)``.

    Returns
    -------
    list of dict
        One row per surface: the steps each optimizer needed to get within
        ``L12_TOL`` of the lowest known minimum (None: not within the budget) and the
        fastest one.
    """
    factor = adam_factor(scene)
    rows = []
    for title, preset in L12_PRESETS.items():
        preset = with_adam_factor(replace(preset, steps=scene.steps), factor)
        f_min = preset.build_surface().f_min
        row = {"surface": title}
        times = {}
        for r, data in zip(preset.active_runs(), source.runs(preset), strict=True):
            name = optimizers.spec(r.optimizer).title.split(" (")[0]
            times[name] = steps_to(data.values, f_min, L12_TOL)
            row[name] = times[name]
        reached = {k: v for k, v in times.items() if v is not None}
        row["fastest"] = min(reached, key=reached.get) if reached else "none"
        rows.append(row)
    return rows


def race_rows(scene, source):
    """Return :func:`race_table` as display rows: step counts as text, "not reached" else.

    Parameters
    ----------
    scene : Scene
    source : object
        Has ``runs(scene)``.

    Returns
    -------
    list of dict of str
    """
    return [
        {
            k: v if isinstance(v, str) else "not reached" if v is None else f"{v} steps"
            for k, v in row.items()
        }  # fmt: skip
        for row in race_table(scene, source)
    ]


def _l12_notes(scene, source):
    rows = race_table(scene, source)
    winners = sorted({row["fastest"] for row in rows} - {"none"})
    return [
        f"Within {scene.steps} steps the fastest are: "
        + "; ".join(f"{row['surface']}: **{row['fastest']}**" for row in rows)
        + f". {len(winners)} different winners on {len(rows)} surfaces."
    ]


LESSON = Lesson(
    12,
    "Which optimizer is best?",
    r"""
There is no best optimizer, only a best optimizer for a surface, a budget and an amount of
tuning. The table races four classics on four surfaces, each with the same rule of thumb
for its learning rate (scaled from the surface's suggested rate, not tuned). Each surface
rewards something different:

- in the **canyon**, RMSprop's per-coordinate scaling undoes the bad conditioning;
- on **Booth**, a plain tilted quadratic, gradient descent at a good rate is hard to beat;
- on **Styblinski-Tang**, only momentum carries enough speed over a ridge into the deepest
  of the four valleys; the others settle in the nearest one;
- on the **three-hump camel**, plain GD stops in a shallower local minimum.

At these rule-of-thumb rates Adam wins nowhere. That says more about the untuned learning
rates than about Adam: lesson 8 showed that $\gamma$ is the knob, and the second control
turns it. Which is the point: a fair comparison gives every method the same tuning budget.
""",
    ("gd", "momentum", "rmsprop", "adam"),
    L12_PRESETS,
    (
        "Set Adam's learning rate to 3×: Adam becomes the fastest on Booth. Tuning one "
        "number reshuffles the table.",
        "Pick Styblinski-Tang and watch the momentum run roll over the ridge that stops "
        "the others.",
        "Cut the budget to 50 steps: on Styblinski-Tang nobody arrives in time.",
    ),
    "No single optimizer is fastest on all four preset surfaces; with Adam's learning rate "
    "at 3× its rule-of-thumb value, Adam becomes the fastest on Booth.",
    controls=(
        scene_control(
            "budget",
            "Budget (steps)",
            "How many steps every run gets, on every surface in the table.",
            "select_slider",
            field="steps",
            cast=int,
            options=(50, 100, 200, 300, 500, 1000),
        ),
        Control(
            "adam_lr",
            "Adam's learning rate ×",
            "Multiply Adam's rule-of-thumb learning rate on every surface: a one-knob "
            "tuning experiment.",
            "select_slider",
            get=adam_factor,
            set=with_adam_factor,
            options=ADAM_FACTORS,
            fmt=lambda v: f"{v:g}×",
        ),
    ),
    charts=(
        Chart(
            "Steps to get within 0.001 of the lowest minimum",
            race_rows,
            kind="table",
            caption="The same learning-rate rule on every surface; 'not reached' = not "
            "within the budget.",
        ),
    ),
    notes=_l12_notes,
    preset_help="The race on each surface, one at a time; the table shows all four.",
    extra=r"""
**A note from deep learning that no 2-D surface can show.** Everything on this page measures
the training loss. Neural networks are judged on data they were not trained on, and there
a widely reported observation is that SGD with momentum often *generalizes* better than
adaptive methods such as Adam, even when Adam lowers the training loss faster (Wilson et
al., 2017, "The Marginal Value of Adaptive Gradient Methods in Machine Learning"). It is an
empirical observation, not a law: later comparisons found the gap shrinks when every
method's hyperparameters are tuned with equal care, and decoupled weight decay (AdamW,
lesson 9) was proposed partly to close it. A 2-D loss surface has no unseen data, so it
cannot show either side of this.
""",
)
