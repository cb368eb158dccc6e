"""Lesson 3: momentum."""

from __future__ import annotations

from optimizers.metrics import reversals
from ui import scene as sc

from .framework import Chart, Control, Lesson, get_hp, loss_chart, run, set_hp

L3_BASE = dict(surface="canyon", steps=100)
L3_PRESETS = {
    "GD against momentum": sc.Scene(
        **L3_BASE, runs=(run("gd", lr=0.36), run("momentum", lr=0.1, momentum=0.8))
    ),
    "Three ways to write it": sc.Scene(
        **L3_BASE,
        runs=(
            run("momentum", lr=0.1, momentum=0.8),
            run("momentum_ema", lr=0.5, beta=0.8),
            run("momentum_ema", "#bcbd22", lr=0.1, beta=0.8),
        ),
    ),
    "Too much momentum": sc.Scene(
        **L3_BASE, runs=(run("gd", lr=0.36), run("momentum", lr=0.1, momentum=0.97))
    ),
}


def _l3_set_mu(scene, mu):
    # Keep the three-forms preset honest: the first EMA run stays the exact twin of the
    # heavy ball (lr / (1 - β)), the second keeps the heavy ball's lr.
    scene = set_hp(scene, "momentum", mu, "momentum")
    if not any(r.optimizer == "momentum_ema" for r in scene.runs):
        return scene
    lr = get_hp(scene, "lr", "momentum")
    scene = set_hp(scene, "beta", mu, "momentum_ema")
    scene = set_hp(scene, "lr", round(lr / (1 - mu), 10), index=1)
    return set_hp(scene, "lr", lr, index=2)


def _l3_notes(scene, source):
    notes = []
    for r in source.runs(scene):
        notes.append(
            f"**{r.label}**: loss after {scene.steps} steps **{r.values[-1]:.2g}**, "
            f"{reversals(r.points[:, 1])} reversals across the canyon."
        )
    return notes


LESSON = Lesson(
    3,
    "Momentum: the heavy ball",
    r"""
Picture a heavy ball rolling down the canyon instead of a hiker who re-reads the slope at
every step. The ball keeps a velocity, and each step adds the new gradient to what it
remembers of the old ones: $v_t = \mu v_{t-1} + g_t$, then $\theta_t = \theta_{t-1} - \gamma v_t$.

Along the canyon floor the gradients all point the same way, so they add up, and on a
steady slope the step grows to $\gamma/(1-\mu)$ times the gradient (5× for $\mu = 0.8$).
Across the canyon they alternate in sign, so they cancel inside $v$, and the step-by-step
zig-zag of plain GD becomes a gentle swing.

The same idea is written in three ways, and it pays to know they are one method:

- $v \leftarrow \mu v + g,\ \theta \leftarrow \theta - \gamma v$ (heavy ball, PyTorch's form);
- $v \leftarrow \mu v + \gamma g,\ \theta \leftarrow \theta - v$ (the learning rate inside the
  velocity; exactly the same path while $\gamma$ is constant);
- $v \leftarrow \beta v + (1-\beta) g,\ \theta \leftarrow \theta - \gamma v$ (a moving average,
  as in many courses): the same direction, but every step is $(1-\beta)$ times as long,
  so it needs $\gamma/(1-\beta)$ to follow the same path.

Plain GD uses 0.36 here, close to its limit $2/\lambda_{max} = 0.4$, because anything
smaller crawls along the floor; momentum reaches more speed from a smaller rate.
""",
    ("momentum", "momentum_ema"),
    L3_PRESETS,
    (
        "In the first preset, set μ to 0: momentum becomes plain GD with lr 0.1. How much "
        "slower is it than GD at 0.36?",
        "In the second preset, the heavy ball and the moving average with lr 0.5 draw one "
        "path: the later one hides the earlier. Move μ and they stay together.",
        "Push μ towards 0.99: the ball swings past the minimum and circles back. More "
        "momentum is not always faster.",
    ),
    "In the canyon, momentum reaches a lower loss than GD within the preset budget and "
    "reverses across the canyon far less often; the moving-average form with lr/(1−β) "
    "follows the heavy ball's path exactly.",
    controls=(
        Control(
            "mu",
            "Momentum μ (β for the moving average)",
            "How much of the velocity survives each step. 0 = plain GD; 0.9 averages about "
            "the last 10 gradients.",
            "slider",
            get=lambda s: get_hp(s, "momentum", "momentum"),
            set=_l3_set_mu,
            low=0.0,
            high=0.99,
            step=0.01,
        ),
    ),
    charts=(Chart("Loss per step", loss_chart, caption="Log scale."),),
    notes=_l3_notes,
    preset_help="GD against momentum; three ways of writing momentum; too much momentum.",
)
