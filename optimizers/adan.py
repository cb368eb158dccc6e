"""Adan (Xie et al. 2022): Nesterov-style momentum from the gradient difference.

Reproduces ``pytorch_optimizer.Adan`` (single-tensor path, no gradient clipping) in
float64. State fields: ``mu`` = m_t (average of g), ``delta`` = n_t (average of the
gradient difference g_t − g_{t−1}), ``nu`` = v_t (average of the square of
g_t + β₂ (g_t − g_{t−1})), ``prev_grad`` = g_{t−1}.
"""

import math
from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, flag, nonzero
from .explain import Eq, fmt_num, par, theta_eq
from .moments import lerp
from .registry import BETA1, BETA2, EPS, LR, WEIGHT_DECAY, normalized_lr, register
from .sgd import GRADIENT


class AdanState(NamedTuple):
    """Adan: three moving averages and the previous gradient."""

    count: int
    mu: np.ndarray
    delta: np.ndarray
    nu: np.ndarray
    prev_grad: np.ndarray


ADAN_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \beta_1, \beta_2, \beta_3,\ \theta_0 \text{ (start)},\ "
        r"f(\theta) \text{ (objective)}",
        r"\lambda \text{ (weight decay)},\ \epsilon,\ \textit{decouple}",
    ],
    r"m_0, n_0, v_0 \leftarrow 0,\ g_0 \leftarrow g_1 \text{ (so } \Delta_1 = 0\text{)}",
    [
        GRADIENT,
        r"\Delta_t \leftarrow g_t - g_{t-1}",
        r"m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t",
        r"n_t \leftarrow \beta_2 n_{t-1} + (1 - \beta_2) \Delta_t",
        r"u_t \leftarrow g_t + \beta_2 \Delta_t",
        r"v_t \leftarrow \beta_3 v_{t-1} + (1 - \beta_3) u_t^2",
        r"\eta_t \leftarrow \sqrt{v_t} / \sqrt{1 - \beta_3^t} + \epsilon",
        r"\textbf{if}\: \textit{decouple}:\ \theta_{t-1} \leftarrow (1 - \gamma\lambda)"
        r" \theta_{t-1}",
        r"\theta_t \leftarrow \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t} \frac{m_t}{\eta_t}"
        r" - \frac{\gamma \beta_2}{1 - \beta_2^t} \frac{n_t}{\eta_t}",
        r"\textbf{if}\: \lambda \neq 0 \textbf{ and not } \textit{decouple}:\ "
        r"\theta_t \leftarrow \theta_t / (1 + \gamma\lambda)",
    ],
)


def _rule_adan(c):
    hp, i, t, lr = c["hp"], c["i"], c["t"], c["lr"]
    b1, b2, b3, eps = hp["beta1"], hp["beta2"], hp["beta3"], hp["eps"]
    wd, decouple = hp["weight_decay"], hp["weight_decouple"]
    g, th, prev = c["grad"][i], c["theta_prev"][i], c["prev"]
    diff = g - prev["prev_grad"][i] if t > 1 else 0.0
    m = b1 * prev["mu"][i] + (1 - b1) * g
    n = b2 * prev["delta"][i] + (1 - b2) * diff
    u = g + b2 * diff
    v = b3 * prev["nu"][i] + (1 - b3) * u * u
    eta = math.sqrt(v) / math.sqrt(1 - b3**t) + eps
    a1, a2 = lr / (1 - b1**t), lr * b2 / (1 - b2**t)
    base = th * (1 - lr * wd) if wd and decouple else th
    theta = base - a1 * m / eta - a2 * n / eta
    if wd and not decouple:
        theta /= 1 + lr * wd
    sym = r"\theta_{t-1} - \frac{\gamma}{1 - \beta_1^t} \frac{m_t}{\eta_t}"
    sym += r" - \frac{\gamma \beta_2}{1 - \beta_2^t} \frac{n_t}{\eta_t}"
    num = rf"{fmt_num(base, 7)} - {par(a1)} \cdot \frac{{{fmt_num(m)}}}{{{fmt_num(eta)}}}"
    num += rf" - {par(a2)} \cdot \frac{{{fmt_num(n)}}}{{{fmt_num(eta)}}}"
    if wd and decouple:
        sym = sym.replace(r"\theta_{t-1}", r"(1 - \gamma\lambda)\theta_{t-1}", 1)
    if wd and not decouple:
        sym = rf"\big({sym}\big) / (1 + \gamma\lambda)"
        num = rf"\big({num}\big) / {par(1 + lr * wd)}"
    return [
        Eq(r"\Delta_t", r"g_t - g_{t-1}", rf"{fmt_num(g)} - {par(g - diff)}", diff),
        Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{par(b1)} \cdot {par(prev['mu'][i])} + {par(1 - b1)} \cdot {par(g)}",
            m,
            "mu",
        ),
        Eq(
            "n_t",
            r"\beta_2 n_{t-1} + (1 - \beta_2) \Delta_t",
            rf"{par(b2)} \cdot {par(prev['delta'][i])} + {par(1 - b2)} \cdot {par(diff)}",
            n,
            "delta",
        ),
        Eq("u_t", r"g_t + \beta_2 \Delta_t", rf"{fmt_num(g)} + {par(b2)} \cdot {par(diff)}", u),
        Eq(
            "v_t",
            r"\beta_3 v_{t-1} + (1 - \beta_3) u_t^2",
            rf"{par(b3)} \cdot {par(prev['nu'][i])} + {par(1 - b3)} \cdot {par(u)}^2",
            v,
            "nu",
        ),
        Eq(
            r"\eta_t",
            r"\sqrt{v_t} / \sqrt{1 - \beta_3^t} + \epsilon",
            rf"\sqrt{{{fmt_num(v)}}} / \sqrt{{1 - {par(b3)}^{{{t}}}}} + {fmt_num(eps)}",
            eta,
        ),
        theta_eq(c, sym, num, theta),
    ]


@register(
    "adan",
    inspector=_rule_adan,
    symbols={
        "delta": ("n_t", "average of gradient differences"),
        "nu": ("v_t", "average of the squared look-ahead gradient"),
        "prev_grad": ("g_{t-1}", "previous gradient"),
    },
    color="#17becf",
    sweep_axis="beta2",
    title="Adan",
    summary="Adam-like steps with a Nesterov look-ahead built from the change in the "
    "gradient: the average of g_t − g_{t−1} pushes ahead where the slope is turning "
    "(Xie et al. 2022).",
    latex=ADAN_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1._replace(help="β₁: decay of the gradient average m (paper's 1 − β₁)."),
        "beta2": BETA2._replace(
            help="β₂: decay of the gradient-difference average n, and the weight of the "
            "difference in the look-ahead gradient u."
        ),
        "beta3": BETA2._replace(help="β₃: decay of the squared look-ahead gradient average v."),
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY._replace(
            help="Weight decay λ: divides θ by 1 + γλ after each step (or multiplies by "
            "1 − γλ before it when decoupled)."
        ),
        "weight_decouple": flag("Decoupled decay: shrink θ by 1 − γλ before the step."),
    },
    lr_rule=normalized_lr,
)
def adan(
    lr=1e-3,
    beta1=0.98,
    beta2=0.92,
    beta3=0.99,
    eps=1e-8,
    weight_decay=0.0,
    weight_decouple=False,
):
    """Adan, as ``pytorch_optimizer.Adan`` (betas split; defaults (0.98, 0.92, 0.99)).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2, beta3 : float
        Decays of m (gradient), n (gradient difference) and v (squared look-ahead).
    eps : float
        Added to the bias-corrected root of v.
    weight_decay : float
        Decay λ; proximal (divide by 1 + γλ) unless ``weight_decouple``.
    weight_decouple : bool
        Multiply θ by 1 − γλ before the step instead.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    decay = nonzero(weight_decay)

    def init(params):
        zeros = np.zeros_like(params)
        return AdanState(0, zeros, zeros, zeros, zeros)

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        # pytorch_optimizer seeds g_0 with g_1, so the first difference is exactly 0.
        diff = grads - state.prev_grad if state.count else np.zeros_like(grads)
        mu = lerp(state.mu, grads, 1.0 - beta1)
        delta = lerp(state.delta, diff, 1.0 - beta2)
        look = diff * beta2
        look += grads
        nu = state.nu * beta3
        nu += (1.0 - beta3) * look * look
        denom = np.sqrt(nu) / np.sqrt(1.0 - beta3**count)
        denom += eps
        theta = params * (1.0 - lr * weight_decay) if decay and weight_decouple else params
        theta = theta + (-lr / (1.0 - beta1**count)) * (mu / denom)
        theta = theta + (-lr * beta2 / (1.0 - beta2**count)) * (delta / denom)
        if decay and not weight_decouple:
            theta = theta / (1.0 + lr * weight_decay)
        return theta - params, AdanState(count, mu, delta, nu, grads)

    return Optimizer("adan", hp, init, update)
