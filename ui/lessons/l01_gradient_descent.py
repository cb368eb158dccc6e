"""Lesson 1: gradient descent and the learning rate."""

from __future__ import annotations

import math

import surfaces
from figures.static import line_chart
from surfaces import curvatures
from ui import scene as sc

from .framework import Chart, Lesson, _loss_series, fmt_num, get_hp, hp_control, run

L1_SURFACE = dict(surface="ill_conditioned", surface_params=(("kappa", 5.0),), steps=40)
L1_PRESETS = {
    "Too small": sc.Scene(**L1_SURFACE, runs=(run("gd", "#9467bd", lr=0.05),)),
    "Right": sc.Scene(**L1_SURFACE, runs=(run("gd", "#2ca02c", lr=0.5),)),
    "Oscillating": sc.Scene(**L1_SURFACE, runs=(run("gd", "#ff7f0e", lr=0.95),)),
    "Diverging": sc.Scene(**L1_SURFACE, runs=(run("gd", "#d62728", lr=1.1),)),
}


def _l1_chart(scene, source):
    lr = get_hp(scene, "lr")
    runs = []
    for name, preset in L1_PRESETS.items():
        (r,) = source.runs(preset)
        runs.append(r._replace(label=f"{name.lower()} (lr {fmt_num(get_hp(preset, 'lr'))})"))
    if all(abs(get_hp(p, "lr") - lr) > 1e-12 for p in L1_PRESETS.values()):
        (r,) = source.runs(scene)
        runs.append(r._replace(label=f"yours (lr {fmt_num(lr)})", color="#111111"))
    # Cap the axis: a diverging run would otherwise squash the converging ones.
    return line_chart(_loss_series(runs), ylabel="loss", log_y=True, y_range=(1e-12, 1e3))


def _l1_notes(scene, source):
    surface = scene.build_surface()
    minimum = surface.minima[0]
    bound = surfaces.stability_bound(surface, minimum)
    lam_min, lam_max = curvatures(surface, minimum)
    lr = get_hp(scene, "lr")
    steep, flat = abs(1 - lr * lam_max), abs(1 - lr * lam_min)
    if math.isclose(lr, 1 / lam_max, rel_tol=1e-6):
        verdict = (
            "exactly 1/λmax: one step lands on the valley floor and removes the steep "
            "direction for good; from then on only the flat axis is left."
        )
    elif lr < 1 / lam_max:
        verdict = (
            f"below 1/λmax = {1 / lam_max:.3g}: every step stops short of the valley floor, "
            "so the path slides in without zig-zagging."
        )
    elif lr < bound:
        verdict = (
            f"between 1/λmax = {1 / lam_max:.3g} and 2/λmax: each step jumps over the valley "
            "floor but lands lower, so the path zig-zags and still converges."
        )
    elif lr == bound:
        verdict = "exactly 2/λmax: the steep direction bounces forever, neither in nor out."
    else:
        verdict = "above 2/λmax: each jump lands higher than it started, so GD diverges."
    return [
        f"Curvatures at the minimum: λmax = {lam_max:.3g}, λmin = {lam_min:.3g}, so the "
        f"bound is **2/λmax = {bound:.3g}**.",
        f"Your lr = {fmt_num(lr)} is {verdict}",
        f"Per step, the distance to the minimum is multiplied by |1 − lr·λ| = **{steep:.2f}** "
        f"along the steep axis and **{flat:.2f}** along the flat one; the larger of the two "
        "sets the speed (below 1 converges, above 1 diverges).",
    ]


LESSON = Lesson(
    1,
    "Gradient descent and the learning rate",
    r"""
Gradient descent asks one question at every step: which way is downhill *from here*?
The gradient $\nabla f(\theta)$ points uphill, so we step the other way, and the
learning rate $\gamma$ says how far: $\theta \leftarrow \theta - \gamma \nabla f(\theta)$.

On a quadratic bowl the whole story is told by the curvatures: the eigenvalues $\lambda$
of the Hessian, one per principal axis. Along an axis with curvature $\lambda$, one step
multiplies the distance to the minimum by $1 - \gamma\lambda$. So:

- $\gamma < 1/\lambda_{max}$: the factor is between 0 and 1 on every axis; the path slides
  in without crossing the valley floor. Make $\gamma$ too small and it crawls.
- $1/\lambda_{max} < \gamma < 2/\lambda_{max}$: on the steep axis the factor is negative;
  each step jumps over the floor and lands a little lower on the other side. The path
  zig-zags but converges.
- $\gamma > 2/\lambda_{max}$: the factor is below $-1$; each jump lands *higher* than it
  started, and the path diverges.

So $2/\lambda_{max}$ is a hard limit set by the steepest direction, while the speed is set
by the flattest one ($1 - \gamma\lambda_{min}$ is close to 1). One learning rate for two
very different curvatures: most of the later lessons are ways around that tension.
This surface is a tilted bowl with curvatures 2 and 0.4.
""",
    ("gd",),
    L1_PRESETS,
    (
        "Set the slider to the bound, 1.0: the path bounces between the walls forever. "
        "Then try 1.05 and 1.2: just past the bound the bounce grows slowly, further past "
        "it the path leaves the map within a few steps.",
        "Find the learning rate that reaches the lowest loss in 40 steps (hint: make the "
        "two factors |1 − lr·λ| under ‘What the numbers say’ equal). It zig-zags a little: "
        "a small overshoot is often the price of speed.",
        "Open the preset in the explorer and add a second GD run: race 0.5 against 0.95.",
    ),
    "GD converges for every lr below 2/λmax of the preset quadratic and diverges above it; "
    "it does not zig-zag below 1/λmax and does above; 'Right' reaches the lowest loss.",
    controls=(
        hp_control(
            "lr",
            "Learning rate γ",
            "How far each step goes along −∇f. The bound 2/λmax for this bowl is shown "
            "under the figure; try values on both sides of it.",
            low=0.01,
            high=1.3,
            step=0.01,
        ),
    ),
    charts=(
        Chart(
            "Loss per step, all four presets",
            _l1_chart,
            caption="Log scale, capped at 1000: a diverging run climbs off the top.",
        ),
    ),
    notes=_l1_notes,
    preset_help="Four learning rates on the same bowl: too small, about right, "
    "oscillating (but converging) and diverging.",
)
