"""Lesson 10: learning-rate schedules."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import optimizers
from figures.static import line_chart
from ui import scene as sc

from .framework import (
    GREY,
    Chart,
    Control,
    Lesson,
    fmt_num,
    get_hp,
    hp_control,
    run,
    schedule_rates,
)

L10_BASE = dict(surface="linear_regression", steps=200, batch_size=1, runs=(run("gd", lr=0.1),))
L10_PRESETS = {
    "Constant": sc.Scene(**L10_BASE),
    "Step": sc.Scene(
        **L10_BASE, schedule="step", schedule_params=(("gamma", 0.5), ("step_size", 50))
    ),
    "Exponential": sc.Scene(**L10_BASE, schedule="exponential", schedule_params=(("gamma", 0.99),)),
    "1/t": sc.Scene(**L10_BASE, schedule="inverse_time", schedule_params=(("k", 0.05),)),
    "Cosine": sc.Scene(**L10_BASE, schedule="cosine", schedule_params=(("t_max", 200),)),
    "Warmup + cosine": sc.Scene(
        **L10_BASE, schedule="cosine", schedule_params=(("t_max", 180), ("warmup", 20))
    ),
}


def schedule_control(key, label, options, presets, fmt=fmt_num):
    """Build a select-slider :class:`Control` for one schedule parameter.

    The tooltip is the schedule registry's own help text for the parameter.

    Parameters
    ----------
    key : str
        Schedule parameter name (``gamma``, ``k``, ``t_max``, ``warmup``, ...).
    label : str
    options : tuple
    presets : tuple of str
        The presets whose schedule has this parameter.
    fmt : callable

    Returns
    -------
    Control
    """
    kind = L10_PRESETS[presets[0]].schedule
    help_text = optimizers.SCHEDULES[kind].hparams[key].help

    def get(scene):
        return dict(scene.schedule_params).get(key, optimizers.SCHEDULES[kind].hparams[key].default)

    def set_(scene, value):
        params = dict(scene.schedule_params)
        params[key] = value
        return replace(scene, schedule_params=tuple(sorted(params.items())))

    return Control(
        key, label, help_text, "select_slider", get, set_, options, fmt=fmt, presets=presets
    )


def _constant(scene):
    return replace(scene, schedule="constant", schedule_params=())


def _l10_rates_chart(scene, source):
    lr0 = get_hp(scene, "lr")
    x = np.arange(1, scene.steps + 1)
    constant = schedule_rates(_constant(scene), lr0)
    series = [{"name": "constant", "color": GREY, "y": constant, "x": x, "dash": "dot"}]
    if scene.schedule != "constant":
        title = optimizers.SCHEDULES[scene.schedule].title
        series.append({"name": title, "color": "#d62728", "y": schedule_rates(scene, lr0), "x": x})
    top = 1.1 * max(float(np.max(s["y"])) for s in series)
    return line_chart(series, ylabel="learning rate γₜ", y_range=(0, top))


def _l10_loss_chart(scene, source):
    f_min = scene.build_surface().f_min
    (const,) = source.runs(_constant(scene))
    series = [{"name": "constant", "color": GREY, "y": const.values - f_min, "dash": "dot"}]
    if scene.schedule != "constant":
        (mine,) = source.runs(scene)
        title = optimizers.SCHEDULES[scene.schedule].title
        series.append({"name": title, "color": "#d62728", "y": mine.values - f_min})
    return line_chart(series, ylabel="loss above the minimum", log_y=True, y_range=(1e-5, 30))


def tail_excess(values, f_min, tail=50):
    """Mean of ``values - f_min`` over the last ``tail`` steps (how well a run settled).

    Parameters
    ----------
    values : array_like
    f_min : float
    tail : int

    Returns
    -------
    float
    """
    return float(np.nanmean(np.asarray(values, dtype=float)[-tail:] - f_min))


def _l10_notes(scene, source):
    f_min = scene.build_surface().f_min
    (const,) = source.runs(_constant(scene))
    (mine,) = source.runs(scene)
    lr0 = get_hp(scene, "lr")
    rates = schedule_rates(scene, lr0)
    return [
        f"Learning rate: {rates[0]:.3g} at step 1, {rates.max():.3g} at most, "
        f"**{rates[-1]:.3g}** at the last step.",
        f"Loss above the minimum, averaged over the last 50 steps: constant "
        f"**{tail_excess(const.values, f_min):.3g}**, this schedule "
        f"**{tail_excess(mine.values, f_min):.3g}**.",
    ]


LESSON = Lesson(
    10,
    "Learning-rate schedules",
    r"""
A constant learning rate forces a trade-off: large enough to travel fast, small enough to
settle. With noisy gradients (here batch-1 SGD from lesson 2) you cannot have both: the
noise in each step is proportional to $\gamma$, so a constant $\gamma$ keeps the path bouncing
around the minimum forever. A schedule changes $\gamma$ during the run: large early, small late.

- **Step decay**: multiply $\gamma$ by a factor (0.5) every $s$ steps: a staircase.
- **Exponential**: multiply by a factor (0.99) at every step: a smooth slide.
- **1/t** (inverse time): $\gamma_t = \gamma_0 / (1 + k(t-1))$. The steps add up to infinity
  (the path can reach anywhere) while their squares do not (the noise dies out): the classic
  condition under which SGD provably converges.
- **Cosine annealing**: glide from $\gamma_0$ to $\gamma_{min}$ along half a cosine, spending long
  at a high rate and ending gently; popular for training deep networks.
- **Warmup**: rise linearly from 0 over the first $w$ steps, then run the schedule. It
  protects the first steps, when gradients are wild or an adaptive method's statistics are
  still unreliable (RAdam, lesson 9, builds this in).

The schedule's formula appears with the update rule, and the first chart below the player
plots $\gamma_t$ step by step.
""",
    ("gd",),
    L10_PRESETS,
    (
        "Compare Constant and 1/t on the loss chart: the same start, but only one settles.",
        "On Step, set γ to 0.9: the decay is too gentle to settle within 200 steps.",
        "On Warmup + cosine, raise the warmup to 100 steps: the cosine then has only 100 of "
        "its 180 steps left, ends at a rate that is still high, and the path never settles.",
    ),
    "Each schedule's learning rates have the named shape, and with batch-1 SGD every "
    "decaying schedule ends closer to the minimum (last 50 steps) than the constant rate.",
    controls=(
        hp_control(
            "lr",
            "Initial learning rate γ₀",
            "The rate at step 1 (after any warmup): the schedule scales it down from here.",
            "select_slider",
            options=(0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3),
            fmt=fmt_num,
        ),
        schedule_control("gamma", "Decay factor γ (step)", (0.1, 0.2, 0.5, 0.7, 0.9), ("Step",)),
        schedule_control("step_size", "Steps between decays s", (10, 25, 50, 100), ("Step",)),
        schedule_control(
            "gamma",
            "Decay factor γ (per step)",
            (0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
            ("Exponential",),
        ),
        schedule_control("k", "Decay rate k", (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0), ("1/t",)),
        schedule_control("t_max", "Cosine length T", (50, 100, 150, 200), ("Cosine",)),
        schedule_control("warmup", "Warmup steps w", (0, 5, 10, 20, 50, 100), ("Warmup + cosine",)),
    ),
    charts=(
        Chart("Learning rate γₜ per step", _l10_rates_chart, caption="Dotted: the constant rate."),
        Chart(
            "Loss: this schedule against the constant rate",
            _l10_loss_chart,
            caption="Log scale, all 50 samples; the same seed, so the same batches for both.",
        ),
    ),
    notes=_l10_notes,
    preset_help="The same batch-1 SGD run under six learning-rate schedules.",
)
