"""Schedule-free AdamW and SGD (Defazio et al. 2024): averaging instead of a schedule.

Reproduce ``schedulefree.AdamWScheduleFreeReference`` and ``SGDScheduleFreeReference``
in float64. Three sequences: ``z`` takes the base steps, ``x`` is their weighted
average (what the reference's ``eval()`` holds, and the path drawn), and ``y``, a blend
of the two, is where the gradient is taken (the runner's ``lookahead``). The averaging
weight uses the largest rate so far, so the state keeps ``lr_max`` and ``weight_sum``.
"""

import math
from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, hparam, nonzero
from .explain import Eq, fmt_num, par, theta_eq
from .moments import fma
from .registry import (
    BETA1,
    BETA2,
    EPS,
    LR,
    MOMENTUM,
    WEIGHT_DECAY,
    normalized_lr,
    register,
    same_lr,
)


class ScheduleFreeState(NamedTuple):
    """``z``, ``y`` per row; ``nu`` = v_t (AdamW only, else None); shared scalars."""

    count: int
    lr_max: float
    weight_sum: float
    z: np.ndarray
    y: np.ndarray
    nu: np.ndarray | None


WARMUP = hparam(0, 20000, "Warmup steps: the rate ramps up linearly over these steps.", kind="int")
R = hparam(0.0, 100.0, "r: the average weights step t by t^r (0 = all steps alike).")
WEIGHT_LR_POWER = hparam(
    0.0, 10.0, "Weight lr power: the average weights each step by lr_max to this power."
)

AVERAGING = [
    r"\gamma_t \leftarrow \gamma \min(1, t / T_{warm}),\ "
    r"\gamma^{max}_t \leftarrow \max(\gamma^{max}_{t-1}, \gamma_t)",
    r"w_t \leftarrow t^r (\gamma^{max}_t)^{p},\ c_t \leftarrow w_t / \textstyle\sum_{i \le t} w_i",
]
AVERAGE_STEPS = [
    r"x_t \leftarrow (1 - c_t) x_{t-1} + c_t z_t \text{ (drawn)}",
    r"y_t \leftarrow \beta_1 x_t + (1 - \beta_1) z_t \text{ (gradient taken here)}",
]

ADAMW_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \beta_1, \beta_2,\ \epsilon,\ \lambda \text{ (weight decay)},\ "
        r"T_{warm},\ r,\ p \text{ (weight lr power)}",
    ],
    r"x_0 = y_0 = z_0 \leftarrow \theta_0,\ v_0 \leftarrow 0",
    [
        r"g_t \leftarrow \nabla f(y_{t-1})",
        *AVERAGING,
        r"z_{t} \leftarrow z_{t-1} - \gamma_t \lambda y_{t-1}",
        r"v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
        r"z_t \leftarrow z_t - \gamma_t g_t / \big(\sqrt{v_t / (1 - \beta_2^t)} + \epsilon\big)",
        *AVERAGE_STEPS,
    ],
)

SGD_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \beta \text{ (momentum)},\ \lambda \text{ (weight decay)},\ "
        r"T_{warm},\ r,\ p \text{ (weight lr power)}",
    ],
    r"x_0 = y_0 = z_0 \leftarrow \theta_0",
    [
        r"g_t \leftarrow \nabla f(y_{t-1}) + \lambda y_{t-1}",
        *AVERAGING,
        r"z_t \leftarrow z_{t-1} - \gamma_t g_t",
        *[line.replace(r"\beta_1", r"\beta") for line in AVERAGE_STEPS],
    ],
)

SYMBOLS = {
    "z": ("z_t", "base sequence z (takes the steps)"),
    "y": ("y_t", "y: where the gradient is taken"),
    "lr_max": (r"\gamma^{max}", "largest rate so far"),
    "weight_sum": (r"\textstyle\sum w", "sum of averaging weights"),
    "nu": ("v_t", "second moment (average of g²)"),
}


def _averaging(hp, state, lr):
    """Return (γ_t, γ^max_t, Σw, c_t) for the step after ``state``."""
    k = state.count
    warm = hp["warmup_steps"]
    if isinstance(warm, np.ndarray):  # per-row warmup
        with np.errstate(divide="ignore", invalid="ignore"):
            lr_t = lr * np.where(k < warm, (k + 1) / np.maximum(warm, 1), 1.0)
    else:
        lr_t = lr * ((k + 1) / warm if k < warm else 1.0)
    lr_max = np.maximum(lr_t, state.lr_max)
    weight = ((k + 1) ** hp["r"]) * (lr_max ** hp["weight_lr_power"])
    weight_sum = state.weight_sum + weight
    with np.errstate(divide="ignore", invalid="ignore"):
        ckp1 = np.where(weight_sum == 0, 0.0, weight / np.where(weight_sum == 0, 1, weight_sum))
    return lr_t, lr_max, weight_sum, ckp1


def _average(x, z, ckp1, beta):
    x = fma(z, ckp1, x * (1 - ckp1))
    return x, fma(z, 1 - beta, x * beta)


def _init(params, adam):
    return ScheduleFreeState(
        0, -1.0, 0.0, params.copy(), params.copy(), np.zeros_like(params) if adam else None
    )


def _lookahead(params, state):
    return state.y


def _average_eqs(c, beta, beta_sym):
    i, hp, prev, t = c["i"], c["hp"], c["prev"], c["t"]
    warm = hp["warmup_steps"]
    lr_t = c["lr"] * (t / warm if t - 1 < warm else 1.0)
    lr_max = max(lr_t, float(prev["lr_max"]))
    weight = (t ** hp["r"]) * lr_max ** hp["weight_lr_power"]
    ckp1 = weight / (float(prev["weight_sum"]) + weight)
    z, th = c["state"]["z"][i], c["theta_prev"][i]
    x = (1 - ckp1) * th + ckp1 * z
    y = beta * x + (1 - beta) * z
    return lr_t, [
        Eq(
            "c_t",
            r"w_t / \textstyle\sum_{i \le t} w_i",
            rf"{fmt_num(weight)} / "
            rf"{fmt_num(float(prev['weight_sum']) + weight)}",
            ckp1,
        ),
        theta_eq(
            c,
            r"(1 - c_t) x_{t-1} + c_t z_t \quad (x_t)",
            rf"{par(1 - ckp1)} \cdot {par(th)} + {par(ckp1)} \cdot {par(z)}",
            x,
        ),
        Eq(
            "y_t",
            rf"{beta_sym} x_t + (1 - {beta_sym}) z_t",
            rf"{par(beta)} \cdot {par(x)} + {par(1 - beta)} \cdot {par(z)}",
            y,
            "y",
        ),
    ]


def _rule_adamw(c):
    i, hp, prev, t = c["i"], c["hp"], c["prev"], c["t"]
    g, b2, eps, wd = c["grad"][i], hp["beta2"], hp["eps"], hp["weight_decay"]
    lr_t, tail = _average_eqs(c, hp["beta1"], r"\beta_1")
    z_prev, y_prev = prev["z"][i], prev["y"][i]
    v = b2 * prev["nu"][i] + (1 - b2) * g * g
    z = z_prev - lr_t * wd * y_prev - lr_t * g / (math.sqrt(v / (1 - b2**t)) + eps)
    return [
        Eq(
            "v_t",
            r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
            rf"{par(b2)} \cdot {par(prev['nu'][i])} + {par(1 - b2)} \cdot {par(g)}^2",
            v,
            "nu",
        ),
        Eq(
            "z_t",
            r"z_{t-1} - \gamma_t \lambda y_{t-1} - \gamma_t g_t / "
            r"\big(\sqrt{v_t / (1 - \beta_2^t)} + \epsilon\big)",
            rf"{fmt_num(z_prev, 7)} - {par(lr_t)} \cdot {par(wd)} \cdot {par(y_prev)} - "
            rf"{par(lr_t)} \cdot {par(g)} / \big(\sqrt{{{fmt_num(v)} / (1 - {par(b2)}^{{{t}}})}}"
            rf" + {fmt_num(eps)}\big)",
            z,
            "z",
        ),
        *tail,
    ]


def _rule_sgd(c):
    i, hp, prev = c["i"], c["hp"], c["prev"]
    g, wd = c["grad"][i], hp["weight_decay"]
    lr_t, tail = _average_eqs(c, hp["momentum"], r"\beta")
    z_prev, y_prev = prev["z"][i], prev["y"][i]
    z = z_prev - lr_t * (g + wd * y_prev)
    return [
        Eq(
            "z_t",
            r"z_{t-1} - \gamma_t (g_t + \lambda y_{t-1})",
            rf"{fmt_num(z_prev, 7)} - {par(lr_t)} \cdot ({fmt_num(g)} + {par(wd)} \cdot "
            rf"{par(y_prev)})",
            z,
            "z",
        ),
        *tail,
    ]


@register(
    "schedulefree_adamw",
    inspector=_rule_adamw,
    symbols=SYMBOLS,
    color="#bcbd22",
    sweep_axis="beta1",
    title="Schedule-free AdamW",
    summary="Adam steps on a base sequence z, an average x of z drawn as the path, and the "
    "gradient taken between them at y: no learning-rate schedule needed "
    "(Defazio et al. 2024).",
    latex=ADAMW_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1._replace(
            help="β₁: where the gradient is taken, y = β₁x + (1 − β₁)z (the momentum)."
        ),
        "beta2": BETA2,
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY._replace(help="Weight decay λ: z moves by −γλy each step."),
        "warmup_steps": WARMUP,
        "r": R,
        "weight_lr_power": WEIGHT_LR_POWER,
    },
    lr_rule=normalized_lr,
)
def schedulefree_adamw(
    lr=0.0025,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    weight_decay=0.0,
    warmup_steps=0,
    r=0.0,
    weight_lr_power=2.0,
):
    """Schedule-free AdamW, as ``schedulefree.AdamWScheduleFreeReference``.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1 : float
        Interpolation between x and z where the gradient is taken.
    beta2 : float
        Decay of the squared-gradient average.
    eps : float
        Added to the bias-corrected root.
    weight_decay : float
        Decay λ applied to z at y.
    warmup_steps : int
        Linear warmup of the rate.
    r : float
        Power of t in the averaging weight.
    weight_lr_power : float
        Power of the largest rate in the averaging weight.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return _init(params, adam=True)

    def update(grads, state, params, lr, hess=None):
        lr_t, lr_max, weight_sum, ckp1 = _averaging(hp, state, lr)
        z = fma(state.y, -(lr_t * weight_decay), state.z) if nonzero(weight_decay) else state.z
        nu = fma((1 - beta2) * grads, grads, state.nu * beta2)
        denom = np.sqrt(nu / (1 - beta2 ** (state.count + 1)))
        denom += eps
        z = z + (-lr_t * grads) / denom
        x, y = _average(params, z, ckp1, beta1)
        return x - params, ScheduleFreeState(state.count + 1, lr_max, weight_sum, z, y, nu)

    return Optimizer("schedulefree_adamw", hp, init, update, lookahead=_lookahead)


@register(
    "schedulefree_sgd",
    inspector=_rule_sgd,
    symbols=SYMBOLS,
    color="#7f7f7f",
    sweep_axis="momentum",
    title="Schedule-free SGD",
    summary="Plain gradient steps on z, their running average x drawn as the path, the "
    "gradient taken at y between them: momentum-like speed with no schedule "
    "(Defazio et al. 2024).",
    latex=SGD_LATEX,
    hparams={
        "lr": LR,
        "momentum": MOMENTUM._replace(
            help="β: where the gradient is taken, y = βx + (1 − β)z (0: at z; the "
            "reference package asks for β > 0, the update is defined at 0)."
        ),
        "weight_decay": WEIGHT_DECAY._replace(help="Weight decay λ: adds λy to the gradient."),
        "warmup_steps": WARMUP,
        "r": R,
        "weight_lr_power": WEIGHT_LR_POWER,
    },
    lr_rule=same_lr,
)
def schedulefree_sgd(
    lr=1.0, momentum=0.9, weight_decay=0.0, warmup_steps=0, r=0.0, weight_lr_power=2.0
):
    """Schedule-free SGD, as ``schedulefree.SGDScheduleFreeReference``.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    momentum : float
        Interpolation β between x and z where the gradient is taken, in [0, 1).
    weight_decay : float
        L2 decay added to the gradient at y.
    warmup_steps : int
        Linear warmup of the rate.
    r : float
        Power of t in the averaging weight.
    weight_lr_power : float
        Power of the largest rate in the averaging weight.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return _init(params, adam=False)

    def update(grads, state, params, lr, hess=None):
        lr_t, lr_max, weight_sum, ckp1 = _averaging(hp, state, lr)
        if nonzero(weight_decay):
            grads = fma(state.y, weight_decay, grads)
        z = fma(grads, -lr_t, state.z)
        x, y = _average(params, z, ckp1, momentum)
        return x - params, ScheduleFreeState(state.count + 1, lr_max, weight_sum, z, y, None)

    return Optimizer("schedulefree_sgd", hp, init, update, lookahead=_lookahead)
