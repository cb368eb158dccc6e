"""Lesson 7: AdaDelta."""

from __future__ import annotations

import math

import numpy as np

from ui import scene as sc

from .framework import Chart, Lesson, fmt_num, hp_control, run, update_length_chart

L7_PRESETS = {
    "Himmelblau: steps grow by themselves": sc.Scene(
        surface="himmelblau", steps=300, runs=(run("adadelta", lr=1.0),)
    ),
    "Round bowl: ε is the hidden learning rate": sc.Scene(
        surface="bowl",
        steps=300,
        runs=(run("adadelta", lr=1.0), run("adadelta", "#e377c2", lr=1.0, eps=1e-4)),
    ),
}
EPS_STOPS = (1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)


def _l7_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        hp = r.hparams()
        expected = math.sqrt(hp["eps"] / (1 - hp["rho"]))
        lengths = np.linalg.norm(data["update"], axis=1)
        notes.append(
            f"**{r.label()}**: first step {np.abs(data['update'][0]).max():.3g} per coordinate "
            f"(√(ε/(1−ρ)) = {expected:.3g}); longest step **{np.nanmax(lengths):.3g}**, "
            f"{np.nanmax(lengths) / lengths[0]:.1f}× the first."
        )
    return notes


LESSON = Lesson(
    7,
    "AdaDelta: no global learning rate",
    r"""
AdaDelta (Zeiler, 2012) starts from RMSprop and asks about units. If $\theta$ is in metres,
$g/\sqrt{v}$ has no units at all, so in RMSprop the learning rate has to carry the metres.
AdaDelta replaces $\gamma$ by the root-mean-square of its *own recent steps*:

$$
\Delta\theta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t,
\qquad u_t = \rho u_{t-1} + (1-\rho)\,\Delta\theta_t^2
$$

Now the step has the units of $\theta$, and no global learning rate is needed (PyTorch
keeps an `lr` multiplier, 1 by default; this lesson leaves it at 1).

So where does the first step come from? From $\epsilon$. With $u_0 = 0$ the first step is
$\sqrt{\epsilon/(1-\rho)}$ in each coordinate, about 0.003 with the defaults, *whatever the
gradient*, and later steps can only grow as fast as the recent steps allow. When the path
keeps heading the same way, as on Himmelblau, the steps build on each other and grow
twenty-fold. On the bowl, where the gradient shrinks as the path closes in, they stay tiny,
and $\epsilon$ quietly plays the part the learning rate used to.
""",
    ("adadelta",),
    L7_PRESETS,
    (
        "On the bowl, move ε from 1e-6 to 1e-4: the first run catches up with the second. "
        "ε sets the pace.",
        "On Himmelblau, set ρ to 0.5: the steps peak lower (about 0.03 instead of 0.1), yet "
        "the run ends closer to the minimum. Memory length changes the pace in ways that "
        "are hard to guess.",
        "Read ‘What the numbers say’: the first step matches √(ε/(1−ρ)) on both surfaces, "
        "although their gradients differ.",
    ),
    "AdaDelta's first step is √(ε/(1−ρ)) per coordinate whatever the gradient; on "
    "Himmelblau its steps grow over tenfold; on the bowl a larger ε gets much closer to the "
    "minimum within the budget.",
    controls=(
        hp_control(
            "eps",
            "ε (first run)",
            "Sets the first step √(ε/(1−ρ)) and a floor under later ones: in effect, "
            "AdaDelta's hidden learning rate.",
            "select_slider",
            index=0,
            options=EPS_STOPS,
            fmt=fmt_num,
        ),
        hp_control(
            "rho",
            "Decay ρ (all runs)",
            "Memory of both moving averages, of g² and of Δθ²: about 1/(1 − ρ) steps.",
            "select_slider",
            options=(0.5, 0.8, 0.9, 0.95, 0.99),
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            "Step length |Δθ| per step",
            update_length_chart,
            caption="Log scale. It starts at √(2ε/(1−ρ)) (two coordinates) and grows only "
            "as the recent steps allow.",
        ),
    ),
    notes=_l7_notes,
    preset_help="Himmelblau, where the steps grow by themselves, and a bowl with two values of ε.",
)
