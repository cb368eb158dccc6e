"""Lesson 9: after Adam."""

from __future__ import annotations

from dataclasses import replace

import figures
from ui import scene as sc

from .framework import Chart, Control, Lesson, loss_chart, run
from .l05_adagrad import _distance_to_min

L9_RACERS = (
    ("Adam", run("adam", "#2ca02c", lr=0.1)),
    ("NAdam", run("nadam", "#1f77b4", lr=0.1)),
    ("AMSGrad", run("adam", "#ff7f0e", lr=0.1, amsgrad=True)),
    ("AdamW", run("adamw", "#9467bd", lr=0.1, weight_decay=0.1)),
    ("RAdam", run("radam", "#17becf", lr=0.1)),
    ("Lion", run("lion", "#d62728", lr=0.03, weight_decay=0.0)),
)
L9_PRESETS = {
    "Canyon": sc.Scene(surface="canyon", steps=200, runs=tuple(r for _, r in L9_RACERS)),
    "Booth": sc.Scene(surface="booth", steps=300, runs=tuple(r for _, r in L9_RACERS)),
}


def _l9_notes(scene, source):
    if not scene.active_runs():
        return ["No racer is switched on: pick at least one above."]
    return [
        f"**{r.label}**: loss after {scene.steps} steps **{r.values[-1]:.2g}**"
        + (f", {figures.stop_text(r)}" if r.diverged_at >= 0 else "")
        + f"; distance to the minimum {_distance_to_min(scene, r.points):.2g}."
        for r in source.runs(scene)
    ]


def _l9_set_racers(scene, chosen):
    runs = tuple(replace(r, enabled=i in chosen) for i, r in enumerate(scene.runs))
    return replace(scene, runs=runs)


LESSON = Lesson(
    9,
    "After Adam: NAdam, AMSGrad, AdamW, RAdam, Lion",
    r"""
Adam's recipe spawned a family. Each member changes one ingredient:

- **NAdam** (Dozat, 2016) puts Nesterov's look-ahead (lesson 4) inside Adam: the step
  uses the momentum it is about to have, so it brakes a little earlier.
- **AMSGrad** (Reddi, Kale and Kumar, 2018) divides by the *largest* $v$ seen so far,
  $v^{max}_t = \max(v^{max}_{t-1}, v_t)$, so a coordinate's step size can never grow back.
  This repairs a flaw in Adam's convergence proof; in practice it changes little. It is
  Adam's `amsgrad` flag, which is why its rule is in Adam's box.
- **AdamW** (Loshchilov and Hutter, 2019) applies weight decay to $\theta$ directly,
  $\theta \leftarrow \theta - \gamma\lambda\theta$, instead of adding $\lambda\theta$ to the
  gradient, where Adam's $\sqrt{\hat v}$ would rescale it. On Booth the decay and the Adam
  step balance a little away from the minimum at (1, 3), so AdamW ends off it.
- **RAdam** (Liu et al., 2020): the first estimates of $v$ rest on very few gradients, so
  RAdam takes plain momentum-SGD steps $\gamma \hat m_t$ until its variance estimate is
  trustworthy ($\rho_t > 5$: the first 5 steps with $\beta_2 = 0.999$), then phases the
  adaptive step in: a built-in warmup. Those first steps are proportional to the gradient:
  on Booth, where the first gradient is 32, they are long jumps.
- **Lion** (Chen et al., 2023, found by an automated search over programs) steps by the
  *sign* of a momentum blend, so every coordinate moves exactly $\gamma$ per step, steep
  or flat. It wants a 3-10× smaller $\gamma$ than Adam and, like any fixed-length step, it
  does not slow down near the minimum.
""",
    ("nadam", "adam", "adamw", "radam", "lion"),
    L9_PRESETS,
    (
        "Keep only Adam and AMSGrad: on these smooth surfaces they nearly coincide.",
        "Keep only Adam and RAdam on Booth and play the first 10 steps: five momentum-SGD "
        "jumps, then a pause while the rectified step is still small.",
        "Keep only Lion on Booth: it crosses the minimum and keeps going with steps of "
        "exactly γ. Open it in the explorer and add a cosine schedule (lesson 10).",
    ),
    "RAdam's first 5 steps are momentum-SGD steps γ·m̂; Lion moves every coordinate by "
    "exactly γ; AMSGrad's v^max never decreases; AdamW's decay is γ·λ·θ on top of Adam's "
    "step; NAdam overshoots less than Adam in the canyon.",
    controls=(
        Control(
            "racers",
            "Racers",
            "Switch family members on and off to compare any two.",
            "multiselect",
            get=lambda s: [i for i, r in enumerate(s.runs) if r.enabled],
            set=_l9_set_racers,
            options=tuple(range(len(L9_RACERS))),
            fmt=lambda i: L9_RACERS[i][0],
        ),
    ),
    charts=(Chart("Loss per step", loss_chart, caption="Log scale."),),
    notes=_l9_notes,
    preset_help="The whole family on the canyon and on Booth, at γ = 0.1 (Lion 0.03).",
)
