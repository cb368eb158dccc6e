"""Lesson 8: Adam."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from figures.static import line_chart
from ui import scene as sc

from .framework import GREY, Chart, Control, Lesson, fmt_num, get_hp, hp_control, run, set_hp
from .l05_adagrad import LR_STOPS

L8_PRESETS = {
    "The first steps": sc.Scene(surface="booth", steps=60, runs=(run("adam", lr=0.1),)),
    "The learning rate is the knob": sc.Scene(
        surface="booth",
        steps=200,
        runs=(
            run("adam", "#98df8a", lr=0.01),
            run("adam", "#2ca02c", lr=0.1),
            run("adam", "#0b4f0b", lr=1.0),
        ),
    ),
}
FIRST_STEPS = 30


def _with_correction(scene, on):
    return set_hp(scene, "bias_correction", bool(on), "adam")


def _l8_steps_chart(scene, source):
    series = []
    for on, dash in ((True, "solid"), (False, "dash")):
        variant = replace(_with_correction(scene, on), steps=FIRST_STEPS)
        r, data = variant.active_runs()[0], source.internals(variant)[0]
        ratio = np.abs(data["update"][:, 0]) / r.hparams()["lr"]
        name = "with bias correction" if on else "without"
        x = np.arange(1, ratio.size + 1)
        series.append({"name": name, "color": r.color, "y": ratio, "x": x, "dash": dash})
    return line_chart(series, ylabel="|Δθₓ| / γ")


def _l8_moments_chart(scene, source):
    variant = replace(_with_correction(scene, True), steps=20)
    data = source.internals(variant)[0]
    x = np.arange(1, 21)
    series = [
        {"name": "gradient gₓ", "color": GREY, "y": data["grad"][:, 0], "x": x, "dash": "dot"},
        {"name": "mₓ (raw average)", "color": "#d62728", "y": data["mu"][:, 0], "x": x},
        {"name": "m̂ₓ (corrected)", "color": "#2ca02c", "y": data["mu_hat"][:, 0], "x": x},
    ]
    return line_chart(series, ylabel="x component")


def _l8_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        lr = r.hparams()["lr"]
        first = np.abs(data["update"][0]) / lr
        biggest = np.nanmax(np.abs(data["update"])) / lr
        notes.append(
            f"**{r.label()}**: first step {first[0]:.3g} γ in x and {first[1]:.3g} γ in y; "
            f"largest step in any coordinate {biggest:.3g} γ."
        )
    b1, b2 = get_hp(scene, "beta1", "adam"), get_hp(scene, "beta2", "adam")
    notes.append(
        f"Without correction the first step would be (1 − β₁)/√(1 − β₂) = "
        f"**{(1 - b1) / math.sqrt(1 - b2):.3g} γ**; with it, 1 γ."
    )
    return notes


LESSON = Lesson(
    8,
    "Adam: momentum plus RMSprop",
    r"""
Adam (Kingma and Ba, 2015) combines the two previous ideas: momentum's moving average of
the gradient, $m_t$ (decay $\beta_1$), and RMSprop's moving average of its square, $v_t$
(decay $\beta_2$). The step is $\gamma\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)$: a direction
from momentum, a per-coordinate scale from RMSprop.

**Bias correction.** Both averages start at 0, so at first they are too small: after one
step $m_1 = (1-\beta_1) g_1$, a tenth of the gradient. Dividing by $1 - \beta^t$ undoes this
exactly for a steady gradient: $\hat m_1 = g_1$, $\hat v_1 = g_1^2$, and the first step is
$\gamma$ in every coordinate. Without the correction, the shrunken $m$ is divided by an even
more shrunken $\sqrt{v}$ (a factor $\sqrt{1-\beta_2} \approx 0.03$), so the first step is
$(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.2$ times $\gamma$, and the next ones up to about 6
times, until $v$ warms up over several hundred steps. Bias correction does not make Adam
faster; it makes $\gamma$ mean the same thing at step 1 as at step 10 000.

**Defaults.** $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$ work across a wide range
of problems and are rarely changed. $\gamma$ is the one to tune: $\hat m/\sqrt{\hat v}$ is
about $\pm 1$ on a steady slope, so $\gamma$ is roughly the distance each coordinate moves
per step, whatever the size of the gradient. Too small and the run is slow; too large and
it hops around the minimum.
""",
    ("adam",),
    L8_PRESETS,
    (
        "Switch bias correction off and read the first chart: the dashed line starts at 3.2 "
        "and climbs to about 6 before it comes down.",
        "Set β₂ to 0.99: the uncorrected first step becomes (1 − 0.9)/√0.01 = 1 γ. The "
        "bias then hurts m and v equally and cancels.",
        "In the second preset, note that Booth's first gradient is 32 in x and 4 in y, "
        "yet every run's first step is γ in both.",
    ),
    "With bias correction Adam's first step is γ in each coordinate; without it it is "
    "(1−β₁)/√(1−β₂) ≈ 3.16 γ; and the steps stay within that bound whatever the gradient.",
    controls=(
        Control(
            "bias",
            "Bias correction",
            "Divide m and v by 1 − βᵗ. Off shows the raw averages' too-long early steps.",
            "toggle",
            get=lambda s: get_hp(s, "bias_correction", "adam"),
            set=lambda s, v: _with_correction(s, v),
        ),
        hp_control(
            "lr",
            "Learning rate γ",
            "About the distance each coordinate moves per step.",
            "select_slider",
            options=LR_STOPS,
            fmt=fmt_num,
            presets=("The first steps",),
        ),
        hp_control(
            "beta1",
            "β₁ (momentum)",
            "Decay of the gradient average m: about 1/(1 − β₁) steps of memory.",
            "select_slider",
            options=(0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
            fmt=fmt_num,
        ),
        hp_control(
            "beta2",
            "β₂ (scale)",
            "Decay of the squared-gradient average v: about 1/(1 − β₂) steps of memory.",
            "select_slider",
            options=(0.9, 0.99, 0.999, 0.9999),
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            f"Step length in x over the first {FIRST_STEPS} steps, in units of γ",
            _l8_steps_chart,
            caption="Computed with and without bias correction for the first run.",
        ),
        Chart(
            "Gradient, raw average m and corrected m̂ (x, first 20 steps)",
            _l8_moments_chart,
            caption="m starts at a tenth of the gradient; m̂ = m / (1 − β₁ᵗ) does not.",
        ),
    ),
    notes=_l8_notes,
    preset_help="The first steps with and without bias correction; three learning rates.",
)
