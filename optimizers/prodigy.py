"""Prodigy (Mishchenko & Defazio 2023): Adam whose step size d is learnt on the fly.

Reproduces ``prodigyopt.Prodigy`` in float64. prodigyopt keeps one d per parameter
group; here every start point is its own model, so ``d``, ``d_max`` and the running
numerator are per row (shape (N,)): one row's path never depends on another's.
"""

import math
from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, column, flag, flat, hparam, nonzero, per_row_where
from .explain import Eq, fmt_num, par, theta_eq
from .moments import fma
from .registry import BETA1, BETA2, EPS, LR, WEIGHT_DECAY, register, unit_lr
from .sgd import GRADIENT


class ProdigyState(NamedTuple):
    """Prodigy: Adam's moments scaled by d, the sum s and the start point x₀ per row."""

    count: np.ndarray
    d: np.ndarray
    d_max: np.ndarray
    numerator: np.ndarray
    mu: np.ndarray
    nu: np.ndarray
    s: np.ndarray
    x0: np.ndarray


PRODIGY_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \beta_1, \beta_2, \beta_3,\ d_0,\ c \text{ (d coef)},\ "
        r"\rho \text{ (growth rate)},\ \theta_0 \text{ (start)}",
        r"\lambda \text{ (weight decay, decoupled)},\ \epsilon,\ \textit{bias correction}",
    ],
    r"d_0,\ d^{max} \leftarrow d_0,\ r_0 \leftarrow 0,\ s_0, m_0, v_0 \leftarrow 0",
    [
        GRADIENT,
        r"\hat\gamma_t \leftarrow d_{t-1} \gamma \cdot"
        r" \big(\sqrt{1 - \beta_2^t} / (1 - \beta_1^t) \text{ if bias correction, else } 1\big)",
        r"r_t \leftarrow \beta_3 r_{t-1} + (d_{t-1}/d_0)\, \hat\gamma_t\,"
        r" \langle g_t, \theta_0 - \theta_{t-1} \rangle",
        r"m_t \leftarrow \beta_1 m_{t-1} + d_{t-1} (1 - \beta_1) g_t",
        r"v_t \leftarrow \beta_2 v_{t-1} + d_{t-1}^2 (1 - \beta_2) g_t^2",
        r"s_t \leftarrow \beta_3 s_{t-1} + (d_{t-1}/d_0)\, \hat\gamma_t\, g_t",
        r"\hat d_t \leftarrow c\, r_t / \lVert s_t \rVert_1,\ "
        r"d^{max} \leftarrow \max(d^{max}, \hat d_t)",
        r"d_t \leftarrow \min\big(d^{max},\ \rho \max(d_{t-1}, \hat d_t)\big)"
        r" \text{ while } d_{t-1} = d_0, \text{ else } \min(d^{max},\ \rho\, d_{t-1})",
        r"\theta_t \leftarrow \theta_{t-1} - \hat\gamma_t \lambda \theta_{t-1}"
        r" - \hat\gamma_t\, m_t / (\sqrt{v_t} + d_t \epsilon)",
    ],
)


def _rule_prodigy(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    b1, b2, b3, eps, wd = hp["beta1"], hp["beta2"], hp["beta3"], hp["eps"], hp["weight_decay"]
    d0, prev = hp["d0"], c["prev"]
    g, th = c["grad"], c["theta_prev"]
    d, d_new = float(prev["d"]), float(c["state"]["d"])
    correction = 1.0
    if hp["use_bias_correction"]:
        correction = math.sqrt(1 - b2**t) / (1 - b1**t)
    dlr = d * c["lr"] * correction
    r = b3 * float(prev["numerator"]) + (d / d0) * dlr * float(np.dot(g, prev["x0"] - th))
    m = b1 * prev["mu"][i] + d * (1 - b1) * g[i]
    v = b2 * prev["nu"][i] + d * d * (1 - b2) * g[i] ** 2
    denom = math.sqrt(v) + d_new * eps
    step = m if b1 > 0 else d_new * g[i]
    theta = th[i] - wd * dlr * th[i] - dlr * step / denom
    top = r"m_t" if b1 > 0 else r"d_t g_t"
    return [
        Eq(
            r"\hat\gamma_t",
            r"d_{t-1} \gamma"
            + (r" \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)" if correction != 1 else ""),
            rf"{par(d)} \cdot {par(c['lr'])}"
            + (rf" \cdot {par(correction)}" if correction != 1 else ""),
            dlr,
        ),
        Eq(
            "r_t",
            r"\beta_3 r_{t-1} + \frac{d_{t-1}}{d_0} \hat\gamma_t"
            r" \langle g_t, \theta_0 - \theta_{t-1} \rangle",
            rf"{par(b3)} \cdot {par(prev['numerator'])} + {par(d / d0)} \cdot {par(dlr)} \cdot "
            rf"{par(float(np.dot(g, prev['x0'] - th)))}",
            r,
            "numerator",
        ),
        Eq(r"d_t", r"\text{learnt (plotted below)}", fmt_num(d_new), d_new, "d"),
        Eq(
            "m_t",
            r"\beta_1 m_{t-1} + d_{t-1} (1 - \beta_1) g_t",
            rf"{par(b1)} \cdot {par(prev['mu'][i])} + {par(d)} \cdot {par(1 - b1)}"
            rf" \cdot {par(g[i])}",
            m,
            "mu",
        ),
        Eq(
            "v_t",
            r"\beta_2 v_{t-1} + d_{t-1}^2 (1 - \beta_2) g_t^2",
            rf"{par(b2)} \cdot {par(prev['nu'][i])} + {par(d)}^2 \cdot {par(1 - b2)}"
            rf" \cdot {par(g[i])}^2",
            v,
            "nu",
        ),
        theta_eq(
            c,
            r"\theta_{t-1} - \hat\gamma_t \lambda \theta_{t-1} - \hat\gamma_t \frac{"
            + top
            + r"}{\sqrt{v_t} + d_t \epsilon}",
            rf"{fmt_num(th[i], 7)} - {par(dlr)} \cdot {par(wd)} \cdot {par(th[i])} - {par(dlr)} "
            rf"\cdot \frac{{{fmt_num(step)}}}"
            rf"{{\sqrt{{{fmt_num(v)}}} + {par(d_new)} \cdot {fmt_num(eps)}}}",
            theta,
        ),
    ]


@register(
    "prodigy",
    inspector=_rule_prodigy,
    symbols={
        "d": ("d_t", "learnt step size d"),
        "d_max": (r"d^{max}", "largest estimate d̂ so far"),
        "numerator": ("r_t", "numerator of the estimate"),
        "s": ("s_t", "weighted sum of gradients"),
        "x0": (r"\theta_0", "start point"),
        "mu": ("m_t", "first moment, scaled by d"),
        "nu": ("v_t", "second moment, scaled by d²"),
    },
    color="#8c564b",
    sweep_axis="d0",
    title="Prodigy",
    summary="Adam with a learnt step size d: it grows d from a tiny d0 towards the "
    "distance to the solution, estimated from how far the path has moved against the "
    "gradients. lr = 1 is the method (Mishchenko & Defazio 2023).",
    latex=PRODIGY_LATEX,
    hparams={
        "lr": LR._replace(help="Learning rate γ: a multiplier of the learnt d (1 = as learnt)."),
        "beta1": BETA1,
        "beta2": BETA2,
        "beta3": BETA2._replace(
            help="β₃: decay of the d-estimate's sums r and s (prodigyopt's default √β₂ "
            "for the default β₂ = 0.999)."
        ),
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY._replace(
            help="Weight decay λ: decoupled, θ shrinks by d·γ·λ·θ each step."
        ),
        "d0": hparam(
            0.0, 1.0, "d₀: the initial step size, grown from there.", log=True, low_open=True
        ),
        "d_coef": hparam(
            0.0,
            100.0,
            "d coef c: multiplies the estimate d̂ (smaller = safer).",
            log=True,
            low_open=True,
        ),
        "growth_rate": hparam(
            1.0, float("inf"), "Growth rate ρ: at most this factor of growth in d per step."
        ),
        "use_bias_correction": flag("Bias correction: Adam's √(1 − β₂ᵗ)/(1 − β₁ᵗ) on the rate."),
        "safeguard_warmup": flag("Safeguard warmup: leave γ out of s (steadier early d)."),
    },
    lr_rule=unit_lr,
)
def prodigy(
    lr=1.0,
    beta1=0.9,
    beta2=0.999,
    beta3=0.999**0.5,
    eps=1e-8,
    weight_decay=0.0,
    d0=1e-6,
    d_coef=1.0,
    growth_rate=float("inf"),
    use_bias_correction=False,
    safeguard_warmup=False,
):
    """Prodigy, as ``prodigyopt.Prodigy`` (decoupled weight decay), with d per start row.

    Parameters
    ----------
    lr : float
        Multiplier γ of the learnt step size.
    beta1, beta2 : float
        Adam's decays.
    beta3 : float
        Decay of the estimate's sums (prodigyopt: √β₂ when not given).
    eps : float
        Added to √v, scaled by d.
    weight_decay : float
        Decoupled decay λ.
    d0 : float
        Initial d.
    d_coef : float
        Multiplier of the estimate d̂.
    growth_rate : float
        Largest factor by which d may grow in a step.
    use_bias_correction : bool
        Scale the rate by √(1 − β₂ᵗ)/(1 − β₁ᵗ).
    safeguard_warmup : bool
        Leave γ out of s.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    # Prodigy keeps per-row scalars (d, its sums) as (N,) vectors: per-row
    # hyperparameters are used as (N,) vectors beside them, as columns beside (N, D).
    beta1, beta2, beta3, eps, weight_decay, d0, d_coef, growth_rate = (
        flat(v) for v in (beta1, beta2, beta3, eps, weight_decay, d0, d_coef, growth_rate)
    )
    beta1_c, beta2_c, beta3_c = column(beta1), column(beta2), column(beta3)

    def init(params):
        n = params.shape[0]
        zeros = np.zeros_like(params)
        return ProdigyState(
            np.zeros(n, dtype=int),
            np.full(n, d0),
            np.full(n, d0),
            np.zeros(n),
            zeros,
            zeros,
            zeros,
            params.copy(),
        )

    def update(grads, state, params, lr, hess=None):
        k, d = state.count, state.d
        lr_rows = np.broadcast_to(np.asarray(lr, dtype=float).reshape(-1), d.shape)
        if use_bias_correction:
            correction = (1 - beta2 ** (k + 1)) ** 0.5 / (1 - beta1 ** (k + 1))
        else:
            correction = 1.0
        dlr = d * lr_rows * correction
        ratio = d / d0
        delta = (ratio * dlr) * np.sum(grads * (state.x0 - params), axis=1)
        # prodigyopt's add_(alpha=...) and addcmul_ are fused multiply-adds in torch.
        mu = fma(grads, (d * (1 - beta1))[:, None], state.mu * beta1_c)
        nu = fma((d * d * (1 - beta2))[:, None] * grads, grads, state.nu * beta2_c)
        s_rate = ratio * d if safeguard_warmup else ratio * dlr
        s = fma(grads, s_rate[:, None], state.s * beta3_c)
        denom_sum = np.abs(s).sum(axis=1)
        # prodigyopt returns without a step while its sum is 0 (a zero gradient).
        moving = denom_sum != 0
        numerator = np.where(moving, state.numerator * beta3 + (0.0 + delta), state.numerator)
        with np.errstate(divide="ignore", invalid="ignore"):
            d_hat = np.where(moving, d_coef * numerator / np.where(moving, denom_sum, 1.0), d)
        d_max = np.where(moving, np.maximum(state.d_max, d_hat), state.d_max)
        # While d is still d0, prodigyopt first lifts it to d̂, then applies the growth cap.
        grown = np.where(d == d0, np.maximum(d, d_hat), d) * growth_rate
        new_d = np.where(moving, np.minimum(d_max, grown), d)
        denom = np.sqrt(nu) + (new_d * eps)[:, None]
        theta = params
        if nonzero(weight_decay):
            theta = fma(theta, (-weight_decay * dlr)[:, None], theta)
        theta = per_row_where(
            beta1_c > 0,
            lambda: theta + ((-dlr)[:, None] * mu) / denom,
            lambda: theta + ((-dlr * new_d)[:, None] * grads) / denom,
        )
        updates = np.where(moving[:, None], theta - params, 0.0)
        return updates, ProdigyState(k + moving, new_d, d_max, numerator, mu, nu, s, state.x0)

    def derived(state):
        return {"d": state.d}

    return Optimizer("prodigy", hp, init, update, derived=derived)
