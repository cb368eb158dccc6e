"""Per-coordinate step sizes from squared gradients: AdaGrad, RMSprop, AdaDelta (torch)."""

import math
from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, flag, hparam, per_row_where
from .explain import Eq, adaptive_step, decayed_grad, fmt_num, par, theta_eq
from .moments import add_weight_decay, ema_sq, lerp
from .registry import (
    EPS,
    LR,
    MOMENTUM,
    WEIGHT_DECAY,
    accumulating_lr,
    normalized_lr,
    register,
    unit_lr,
)
from .sgd import GRADIENT, WEIGHT_DECAY_STEP


class AdagradState(NamedTuple):
    """AdaGrad: ``count`` steps taken, ``sum_sq`` = s_t, the sum of squared gradients."""

    count: int
    sum_sq: np.ndarray


class RMSpropState(NamedTuple):
    """RMSprop: ``nu`` = v_t, ``mu`` = m_t (if centered), ``velocity`` = b_t (if momentum).

    Fields an option does not use are None.
    """

    nu: np.ndarray
    mu: np.ndarray | None
    velocity: np.ndarray | None


class AdadeltaState(NamedTuple):
    """AdaDelta: ``nu`` = v_t (average of g²), ``acc_delta`` = u_t (average of Δθ²)."""

    nu: np.ndarray
    acc_delta: np.ndarray


ADAGRAD_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \theta_0 \text{ (start)},\ f(\theta) \text{ (objective)}",
        r"\lambda \text{ (weight decay)},\ s_0 \text{ (initial accumulator value)},\ "
        r"\eta \text{ (lr decay)},\ \epsilon",
    ],
    r"s_0 \text{ (sum of squares)}",
    [
        GRADIENT,
        r"\tilde\gamma \leftarrow \gamma / \big(1 + (t - 1) \eta\big)",
        *WEIGHT_DECAY_STEP,
        r"s_t \leftarrow s_{t-1} + g_t^2",
        r"\theta_t \leftarrow \theta_{t-1} - \tilde\gamma \, g_t / \big(\sqrt{s_t} + \epsilon\big)",
    ],
)

RMSPROP_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \alpha \text{ (alpha)},\ \theta_0 \text{ (start)},\ "
        r"f(\theta) \text{ (objective)}",
        r"\lambda \text{ (weight decay)},\ \mu \text{ (momentum)},\ \textit{centered},\ \epsilon",
    ],
    r"v_0 \leftarrow 0,\ m_0 \leftarrow 0,\ b_0 \leftarrow 0",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        r"v_t \leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2",
        r"\tilde v_t \leftarrow v_t",
        r"\textbf{if}\: \textit{centered}",
        (2, r"m_t \leftarrow \alpha m_{t-1} + (1 - \alpha) g_t"),
        (2, r"\tilde v_t \leftarrow \tilde v_t - m_t^2"),
        r"\textbf{if}\: \mu > 0",
        (2, r"b_t \leftarrow \mu b_{t-1} + g_t / \big(\sqrt{\tilde v_t} + \epsilon\big)"),
        (2, r"\theta_t \leftarrow \theta_{t-1} - \gamma b_t"),
        r"\textbf{else}",
        (
            2,
            r"\theta_t \leftarrow \theta_{t-1}"
            r" - \gamma g_t / \big(\sqrt{\tilde v_t} + \epsilon\big)",
        ),
    ],
)

ADADELTA_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \rho \text{ (rho)},\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)},\ \lambda \text{ (weight decay)},\ \epsilon",
    r"v_0 \leftarrow 0 \text{ (square avg)},\ u_0 \leftarrow 0 \text{ (accumulated update)}",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        r"v_t \leftarrow \rho v_{t-1} + (1 - \rho) g_t^2",
        r"\Delta\theta_t \leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} g_t",
        r"u_t \leftarrow \rho u_{t-1} + (1 - \rho) \Delta\theta_t^2",
        r"\theta_t \leftarrow \theta_{t-1} - \gamma \Delta\theta_t",
    ],
)


# --- the step inspector's equations (see optimizers.explain) ---------------------


def _rule_adagrad(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, eta = c["lr"], hp["lr_decay"]
    s_prev = c["prev"]["sum_sq"][i]
    s = s_prev + g * g
    eqs.append(Eq("s_t", r"s_{t-1} + g_t^2", rf"{fmt_num(s_prev)} + {par(g)}^2", s, "sum_sq"))
    lr_t = lr / (1 + (c["t"] - 1) * eta)
    if eta:
        eqs.append(
            Eq(
                r"\tilde\gamma",
                r"\gamma / \big(1 + (t - 1) \eta\big)",
                rf"{fmt_num(lr)} / (1 + {c['t'] - 1} \cdot {par(eta)})",
                lr_t,
            )
        )
        lr_sym = r"\tilde\gamma"
    else:
        lr_sym = r"\gamma"
    eqs.append(
        theta_eq(c, *adaptive_step(c, g, s, num_sym="g_t", den_sym="s_t", lr=lr_t, lr_sym=lr_sym))
    )
    return eqs


def _rule_rmsprop(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, alpha, mu_m = c["lr"], c["theta_prev"][i], hp["eps"], hp["alpha"], hp["momentum"]
    v_prev = c["prev"]["nu"][i]
    v = alpha * v_prev + (1 - alpha) * g * g
    eqs.append(
        Eq(
            "v_t",
            r"\alpha v_{t-1} + (1 - \alpha) g_t^2",
            rf"{par(alpha)} \cdot {par(v_prev)} + {par(1 - alpha)} \cdot {par(g)}^2",
            v,
            "nu",
        )
    )
    v_sym = "v_t"
    denom_v = v
    if hp.get("centered"):
        m_prev = c["prev"]["mu"][i]
        m = alpha * m_prev + (1 - alpha) * g
        eqs.append(
            Eq(
                "m_t",
                r"\alpha m_{t-1} + (1 - \alpha) g_t",
                rf"{par(alpha)} \cdot {par(m_prev)} + {par(1 - alpha)} \cdot {par(g)}",
                m,
                "mu",
            )
        )
        denom_v = v - m * m
        eqs.append(Eq(r"\tilde v_t", r"v_t - m_t^2", rf"{fmt_num(v)} - {par(m)}^2", denom_v))
        v_sym = r"\tilde v_t"
    root = math.sqrt(denom_v) + eps if denom_v >= 0 else math.nan
    if mu_m > 0:
        b_prev = c["prev"]["velocity"][i]
        b = mu_m * b_prev + g / root
        eqs.append(
            Eq(
                "b_t",
                rf"\mu b_{{t-1}} + \frac{{g_t}}{{\sqrt{{{v_sym}}} + \epsilon}}",
                rf"{par(mu_m)} \cdot {par(b_prev)} + \frac{{{fmt_num(g)}}}"
                rf"{{\sqrt{{{fmt_num(denom_v)}}} + {fmt_num(eps)}}}",
                b,
                "velocity",
            )
        )
        eqs.append(
            theta_eq(
                c,
                r"\theta_{t-1} - \gamma b_t",
                rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(b)}",
                th - lr * b,
            )
        )
    else:
        eqs.append(theta_eq(c, *adaptive_step(c, g, denom_v, num_sym="g_t", den_sym=v_sym)))
    return eqs


def _rule_adadelta(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, rho = c["lr"], c["theta_prev"][i], hp["eps"], hp["rho"]
    v_prev, u_prev = c["prev"]["nu"][i], c["prev"]["acc_delta"][i]
    v = rho * v_prev + (1 - rho) * g * g
    delta = math.sqrt(u_prev + eps) / math.sqrt(v + eps) * g
    u = rho * u_prev + (1 - rho) * delta * delta
    return [
        *eqs,
        Eq(
            "v_t",
            r"\rho v_{t-1} + (1 - \rho) g_t^2",
            rf"{par(rho)} \cdot {par(v_prev)} + {par(1 - rho)} \cdot {par(g)}^2",
            v,
            "nu",
        ),
        Eq(
            r"\delta_t",
            r"\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} \, g_t",
            rf"\frac{{\sqrt{{{fmt_num(u_prev)} + {fmt_num(eps)}}}}}"
            rf"{{\sqrt{{{fmt_num(v)} + {fmt_num(eps)}}}}} \cdot {par(g)}",
            delta,
        ),
        Eq(
            "u_t",
            r"\rho u_{t-1} + (1 - \rho) \delta_t^2",
            rf"{par(rho)} \cdot {par(u_prev)} + {par(1 - rho)} \cdot {par(delta)}^2",
            u,
            "acc_delta",
        ),
        theta_eq(
            c,
            r"\theta_{t-1} - \gamma \delta_t",
            rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(delta)}",
            th - lr * delta,
        ),
    ]


@register(
    "adagrad",
    inspector=_rule_adagrad,
    color="#9467bd",
    title="AdaGrad",
    summary="Divides each coordinate's step by the root of its summed squared gradients: "
    "steep coordinates slow down, flat ones keep moving; every step shrinks over time.",
    latex=ADAGRAD_LATEX,
    hparams={
        "lr": LR,
        "lr_decay": hparam(0.0, 10.0, "lr decay η: the rate is γ / (1 + (t − 1) η)."),
        "weight_decay": WEIGHT_DECAY,
        "initial_accumulator_value": hparam(
            0.0, 10.0, "s₀: starting value of the sum of squares (damps the first steps)."
        ),
        "eps": EPS,
    },
    lr_rule=accumulating_lr,
    torch_name="Adagrad",
)
def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    """AdaGrad, exactly as ``torch.optim.Adagrad`` (ε outside the square root).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    lr_decay : float
        η in γ / (1 + (t − 1) η).
    weight_decay : float
        L2 penalty λ added to the gradient.
    initial_accumulator_value : float
        Starting value s₀ of the sum of squared gradients.
    eps : float
        ε added to √s_t.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return AdagradState(0, np.full_like(params, initial_accumulator_value))

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        g = add_weight_decay(grads, params, weight_decay)
        decayed_lr = lr / (1 + (count - 1) * lr_decay)
        sum_sq = g * g
        sum_sq += state.sum_sq
        std = np.sqrt(sum_sq)
        std += eps
        updates = g * -decayed_lr
        updates /= std
        return updates, AdagradState(count, sum_sq)

    return Optimizer("adagrad", hp, init, update)


@register(
    "rmsprop",
    inspector=_rule_rmsprop,
    symbols={"mu": ("m_t", "average of g (centered)"), "velocity": ("b_t", "momentum buffer")},
    color="#ff7f0e",
    sweep_axis="alpha",
    title="RMSprop",
    summary="Divides each coordinate's step by a moving root-mean-square of its gradients, "
    "so steps stay about lr long whatever the slope; centered and momentum variants.",
    latex=RMSPROP_LATEX,
    hparams={
        "lr": LR,
        "alpha": hparam(
            0.0,
            1.0,
            "α: decay of the squared-gradient average; near 1 = longer memory.",
            high_open=True,
        ),
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
        "momentum": MOMENTUM,
        "centered": flag("Centered: divide by the gradient's variance, not its raw second moment."),
    },
    lr_rule=normalized_lr,
    torch_name="RMSprop",
)
def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    """RMSprop, exactly as ``torch.optim.RMSprop`` (ε outside the square root).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    alpha : float
        Decay α of the moving averages.
    eps : float
        ε added to the root.
    weight_decay : float
        L2 penalty λ added to the gradient.
    momentum : float
        Momentum μ of the normalised step; 0 = none.
    centered : bool
        Subtract the squared moving average of g (estimate the variance).

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    heavy = momentum > 0  # per-row momentum: a bool array
    any_heavy = bool(np.any(heavy))

    def init(params):
        zeros = np.zeros_like(params)
        return RMSpropState(zeros, zeros if centered else None, zeros if any_heavy else None)

    def update(grads, state, params, lr, hess=None):
        g = add_weight_decay(grads, params, weight_decay)
        nu = ema_sq(state.nu, g, alpha)
        mu = None
        if centered:
            mu = lerp(state.mu, g, 1 - alpha)
            avg = np.sqrt(nu - mu * mu)
        else:
            avg = np.sqrt(nu)
        avg += eps
        velocity = None
        if any_heavy:
            velocity = state.velocity * momentum
            velocity += g / avg

        def plain():
            updates = g * -lr
            updates /= avg
            return updates

        updates = per_row_where(heavy, lambda: -lr * velocity, plain)
        return updates, RMSpropState(nu, mu, velocity)

    return Optimizer("rmsprop", hp, init, update)


@register(
    "adadelta",
    inspector=_rule_adadelta,
    symbols={"nu": ("v_t", "average of g²")},
    color="#8c564b",
    sweep_axis="rho",
    title="AdaDelta",
    summary="RMSprop whose step length is the RMS of its own recent steps: no learning "
    "rate to tune in principle (lr = 1), slow to start from tiny steps.",
    latex=ADADELTA_LATEX,
    hparams={
        "lr": LR,
        "rho": hparam(
            0.0, 1.0, "ρ: decay of both moving averages; near 1 = longer memory.", high_open=True
        ),
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
    },
    lr_rule=unit_lr,
    torch_name="Adadelta",
)
def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    """AdaDelta, exactly as ``torch.optim.Adadelta`` (ε inside both square roots).

    Parameters
    ----------
    lr : float
        Base learning rate γ, a multiplier on the self-scaled step (1 in the paper).
    rho : float
        Decay ρ of the moving averages.
    eps : float
        ε inside both roots; it also sets the size of the first steps, √ε.
    weight_decay : float
        L2 penalty λ added to the gradient.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        zeros = np.zeros_like(params)
        return AdadeltaState(zeros, zeros)

    def update(grads, state, params, lr, hess=None):
        g = add_weight_decay(grads, params, weight_decay)
        nu = ema_sq(state.nu, g, rho)
        std = np.sqrt(nu + eps)
        delta = np.sqrt(state.acc_delta + eps)
        delta /= std
        delta *= g
        acc_delta = ema_sq(state.acc_delta, delta, rho)
        return delta * -lr, AdadeltaState(nu, acc_delta)

    return Optimizer("adadelta", hp, init, update)
