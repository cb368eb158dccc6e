"""The Adam family as torch.optim has it: Adam, AdamW, Adamax, NAdam.

RAdam is in ``radam.py``; AdaBelief and Lion are in ``after_adam.py``.

State fields follow optax: ``mu`` = m_t (moving average of g), ``nu`` = v_t (moving
average of g²), ``count`` = t. ``derived(state)`` adds the bias-corrected ``mu_hat`` =
m̂_t and ``nu_hat`` = v̂_t for the step inspector.
"""

from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, flag, hparam, nonzero
from .explain import (
    Eq,
    adaptive_step,
    bias_corrected,
    decayed_grad,
    fmt_num,
    moment_eqs,
    par,
    theta_eq,
)
from .moments import add_weight_decay, ema_sq, lerp
from .registry import (
    AMSGRAD,
    BETA1,
    BETA2,
    EPS,
    LR,
    WEIGHT_DECAY,
    normalized_lr,
    register,
)
from .sgd import GRADIENT, WEIGHT_DECAY_STEP


class AdamState(NamedTuple):
    """Adam/AdamW: ``nu_max`` = v_t^max is None unless amsgrad."""

    count: int
    mu: np.ndarray
    nu: np.ndarray
    nu_max: np.ndarray | None


class AdamaxState(NamedTuple):
    """Adamax: ``u`` = u_t, the decaying maximum of |g| (the infinity norm)."""

    count: int
    mu: np.ndarray
    u: np.ndarray


class NAdamState(NamedTuple):
    """NAdam: ``mu_product`` = ∏ μ_i, the product of the momentum coefficients so far."""

    count: int
    mu_product: float
    mu: np.ndarray
    nu: np.ndarray


ADAM_INPUTS = [
    r"\gamma \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)}",
    r"\lambda \text{ (weight decay)},\ \epsilon",
]
MOMENTS_INIT = r"m_0 \leftarrow 0 \text{ (first moment)},\ v_0 \leftarrow 0 \text{ (second moment)}"
FIRST_MOMENT = r"m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t"
SECOND_MOMENT = r"v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2"
AMSGRAD_STEPS = [
    r"\textbf{if}\: \textit{amsgrad}",
    (2, r"v_t^{max} \leftarrow \max(v_{t-1}^{max}, v_t),\ \tilde v_t \leftarrow v_t^{max}"),
    r"\textbf{else}",
    (2, r"\tilde v_t \leftarrow v_t"),
]
ADAM_STEP = (
    r"\theta_t \leftarrow \theta_{t-1} - \gamma \hat m_t / \big(\sqrt{\hat v_t} + \epsilon\big)"
)
BIAS_CORRECTION = (
    r"\hat m_t \leftarrow m_t / (1 - \beta_1^t),\ "
    r"\hat v_t \leftarrow \tilde v_t / (1 - \beta_2^t)"
)

ADAM_LATEX = algorithm_box(
    [*ADAM_INPUTS, r"\textit{amsgrad},\ \textit{bias correction}"],
    MOMENTS_INIT + r",\ v_0^{max} \leftarrow 0",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        FIRST_MOMENT,
        SECOND_MOMENT,
        *AMSGRAD_STEPS,
        r"\textbf{if}\: \textit{bias correction}",
        (2, BIAS_CORRECTION),
        r"\textbf{else}",
        (2, r"\hat m_t \leftarrow m_t,\ \hat v_t \leftarrow \tilde v_t"),
        ADAM_STEP,
    ],
)

ADAMW_LATEX = algorithm_box(
    [*ADAM_INPUTS, r"\textit{amsgrad}"],
    MOMENTS_INIT + r",\ v_0^{max} \leftarrow 0",
    [
        GRADIENT,
        r"\theta_{t-1} \leftarrow \theta_{t-1} - \gamma \lambda \theta_{t-1}"
        r" \text{ (decoupled decay)}",
        FIRST_MOMENT,
        SECOND_MOMENT,
        *AMSGRAD_STEPS,
        BIAS_CORRECTION,
        ADAM_STEP,
    ],
)

ADAMAX_LATEX = algorithm_box(
    ADAM_INPUTS,
    r"m_0 \leftarrow 0 \text{ (first moment)},\ u_0 \leftarrow 0 \text{ (infinity norm)}",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        FIRST_MOMENT,
        r"u_t \leftarrow \max\big(\beta_2 u_{t-1},\ |g_t| + \epsilon\big)",
        r"\theta_t \leftarrow \theta_{t-1} - \frac{\gamma \, m_t}{(1 - \beta_1^t) \, u_t}",
    ],
)

NADAM_LATEX = algorithm_box(
    [*ADAM_INPUTS, r"\psi \text{ (momentum decay)}"],
    MOMENTS_INIT + r",\ \textstyle\prod_0 \leftarrow 1",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        r"\mu_t \leftarrow \beta_1 \big(1 - \tfrac{1}{2} \, 0.96^{t \psi}\big),\ "
        r"\mu_{t+1} \leftarrow \beta_1 \big(1 - \tfrac{1}{2} \, 0.96^{(t+1) \psi}\big)",
        r"\textstyle\prod_t \leftarrow \prod_{t-1} \mu_t",
        FIRST_MOMENT,
        SECOND_MOMENT,
        r"\hat m_t \leftarrow \frac{\mu_{t+1} m_t}{1 - \prod_t \mu_{t+1}} "
        r"+ \frac{(1 - \mu_t) g_t}{1 - \prod_t}",
        r"\hat v_t \leftarrow v_t / (1 - \beta_2^t)",
        ADAM_STEP,
    ],
)


def _adam(name, hp, beta1, beta2, eps, weight_decay, amsgrad, decoupled, bias_correction):
    """Build Adam (L2 decay in the gradient) or AdamW (``decoupled`` decay)."""

    def corrections(count):
        if not bias_correction:
            return 1.0, 1.0
        return 1 - beta1**count, 1 - beta2**count

    coupled_decay = not decoupled and nonzero(weight_decay)

    def init(params):
        zeros = np.zeros_like(params)
        return AdamState(0, zeros, zeros, zeros if amsgrad else None)

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        g = add_weight_decay(grads, params, weight_decay) if coupled_decay else grads
        mu = lerp(state.mu, g, 1 - beta1)
        nu = ema_sq(state.nu, g, beta2)
        nu_max = np.maximum(state.nu_max, nu) if amsgrad else None
        bias1, bias2 = corrections(count)
        denom = np.sqrt(nu_max if amsgrad else nu)
        denom /= bias2**0.5
        denom += eps
        updates = mu * (-lr / bias1)
        updates /= denom
        if decoupled and nonzero(weight_decay):
            updates -= (lr * weight_decay) * params
        return updates, AdamState(count, mu, nu, nu_max)

    def derived(state):
        bias1, bias2 = corrections(state.count)
        return {
            "mu_hat": state.mu / bias1,
            "nu_hat": (state.nu_max if amsgrad else state.nu) / bias2,
        }

    return Optimizer(name, hp, init, update, derived=derived)


# --- the step inspector's equations (see optimizers.explain) ---------------------


def _rule_adam(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    decoupled = c["name"] == "adamw"
    eqs = []
    g = c["grad"][i] if decoupled else decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, b1, b2 = c["lr"], c["theta_prev"][i], hp["beta1"], hp["beta2"]
    more, m, v = moment_eqs(c, g, b1, b2)
    eqs += more
    v_used, v_sym = v, "v_t"
    if hp.get("amsgrad"):
        vmax_prev = c["prev"]["nu_max"][i]
        v_used = max(vmax_prev, v)
        eqs.append(
            Eq(
                r"v_t^{max}",
                r"\max(v_{t-1}^{max}, v_t)",
                rf"\max({fmt_num(vmax_prev)}, {fmt_num(v)})",
                v_used,
                "nu_max",
            )
        )
        v_sym = r"v_t^{max}"
    if hp.get("bias_correction", True):
        m_hat, v_hat = m / (1 - b1**t), v_used / (1 - b2**t)
        eqs.append(bias_corrected(r"\hat m_t", "m_t", m, b1, r"\beta_1", t, "mu_hat"))
        eqs.append(bias_corrected(r"\hat v_t", v_sym, v_used, b2, r"\beta_2", t, "nu_hat"))
    else:
        m_hat, v_hat = m, v_used
    sym, num, value = adaptive_step(c, m_hat, v_hat, num_sym=r"\hat m_t", den_sym=r"\hat v_t")
    wd = hp.get("weight_decay", 0.0)
    if decoupled and wd:
        sym += r" - \gamma \lambda \theta_{t-1}"
        num += rf" - {par(lr)} \cdot {par(wd)} \cdot {par(th)}"
        value -= lr * wd * th
    eqs.append(theta_eq(c, sym, num, value))
    return eqs


def _rule_adamax(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    m_prev, u_prev = c["prev"]["mu"][i], c["prev"]["u"][i]
    m = b1 * m_prev + (1 - b1) * g
    u = max(b2 * u_prev, abs(g) + eps)
    return [
        *eqs,
        Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{par(b1)} \cdot {par(m_prev)} + {par(1 - b1)} \cdot {par(g)}",
            m,
            "mu",
        ),
        Eq(
            "u_t",
            r"\max\big(\beta_2 u_{t-1},\ |g_t| + \epsilon\big)",
            rf"\max\big({par(b2)} \cdot {par(u_prev)},\ {fmt_num(abs(g))} + {fmt_num(eps)}\big)",
            u,
            "u",
        ),
        theta_eq(
            c,
            r"\theta_{t-1} - \frac{\gamma \, m_t}{(1 - \beta_1^t) \, u_t}",
            rf"{fmt_num(th, 7)} - \frac{{{par(lr)} \cdot {par(m)}}}{{(1 - {par(b1)}^{{{t}}}) "
            rf"\cdot {par(u)}}}",
            th - lr * m / ((1 - b1**t) * u),
        ),
    ]


def _rule_nadam(c):
    hp, t, eqs = c["hp"], c["t"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    b1, b2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
    mu_t = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    prod_prev = c["prev"]["mu_product"]
    prod = prod_prev * mu_t
    more, m, v = moment_eqs(c, g, b1, b2)
    m_hat = mu_next * m / (1 - prod * mu_next) + (1 - mu_t) * g / (1 - prod)
    v_hat = v / (1 - b2**t)
    eqs += [
        Eq(
            r"\mu_t",
            r"\beta_1 \big(1 - \tfrac12 \, 0.96^{t \psi}\big)",
            rf"{par(b1)} \cdot (1 - 0.5 \cdot 0.96^{{{t} \cdot {par(psi)}}})",
            mu_t,
        ),
        Eq(
            r"\textstyle\prod_t",
            r"\textstyle\prod_{t-1} \mu_t",
            rf"{fmt_num(prod_prev)} \cdot {par(mu_t)}",
            prod,
            "mu_product",
        ),
        *more,
        Eq(
            r"\hat m_t",
            r"\frac{\mu_{t+1} m_t}{1 - \prod_t \mu_{t+1}} + \frac{(1 - \mu_t) g_t}{1 - \prod_t}",
            rf"\frac{{{par(mu_next)} \cdot {par(m)}}}{{1 - {par(prod)} \cdot {par(mu_next)}}} + "
            rf"\frac{{(1 - {par(mu_t)}) \cdot {par(g)}}}{{1 - {par(prod)}}}",
            m_hat,
        ),
        Eq(
            r"\hat v_t",
            r"v_t / (1 - \beta_2^t)",
            rf"{fmt_num(v)} / (1 - {par(b2)}^{{{t}}})",
            v_hat,
            "nu_hat",
        ),
        theta_eq(c, *adaptive_step(c, m_hat, v_hat, num_sym=r"\hat m_t", den_sym=r"\hat v_t")),
    ]
    return eqs


@register(
    "adam",
    inspector=_rule_adam,
    color="#2ca02c",
    sweep_axis="beta1",
    title="Adam",
    summary="Momentum (m) divided by a moving RMS of the gradients (√v), both "
    "bias-corrected: steps of about lr in every coordinate, fast on canyons.",
    latex=ADAM_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1,
        "beta2": BETA2,
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
        "amsgrad": AMSGRAD,
        "bias_correction": flag(
            "Bias correction: divide m, v by 1 − βᵗ; off shows the too-short early steps."
        ),
    },
    lr_rule=normalized_lr,
    torch_name="Adam",
)
def adam(
    lr=1e-3,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    bias_correction=True,
):
    """Adam, exactly as ``torch.optim.Adam`` (ε added to √v̂ after bias correction).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2 : float
        Decays of the first and second moment averages.
    eps : float
        ε added to √v̂.
    weight_decay : float
        L2 penalty λ added to the gradient (use ``adamw`` for decoupled decay).
    amsgrad : bool
        Divide by the running maximum of v (AMSGrad).
    bias_correction : bool
        Beyond torch: False drops the 1 − βᵗ corrections (the teaching form).

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    return _adam("adam", hp, beta1, beta2, eps, weight_decay, amsgrad, False, bias_correction)


@register(
    "adamw",
    inspector=_rule_adam,
    color="#9467bd",
    sweep_axis="beta1",
    title="AdamW",
    summary="Adam with weight decay applied to θ directly instead of through the "
    "gradient, so the decay is not rescaled by √v.",
    latex=ADAMW_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1,
        "beta2": BETA2,
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY._replace(
            help="Weight decay λ: shrinks θ by γλθ each step, outside the adaptive scaling."
        ),
        "amsgrad": AMSGRAD,
    },
    lr_rule=normalized_lr,
    torch_name="AdamW",
)
def adamw(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """AdamW, exactly as ``torch.optim.AdamW`` (decoupled weight decay, default 0.01).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2 : float
        Decays of the first and second moment averages.
    eps : float
        ε added to √v̂.
    weight_decay : float
        Decoupled decay λ: θ shrinks by γλθ each step.
    amsgrad : bool
        Divide by the running maximum of v (AMSGrad).

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    return _adam("adamw", hp, beta1, beta2, eps, weight_decay, amsgrad, True, True)


@register(
    "adamax",
    inspector=_rule_adamax,
    color="#7f7f7f",
    sweep_axis="beta1",
    title="Adamax",
    summary="Adam with the infinity norm: divides by a decaying maximum of |g| instead of "
    "a root-mean-square.",
    latex=ADAMAX_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1,
        "beta2": BETA2._replace(help="β₂: decay of the running maximum of |g|."),
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
    },
    lr_rule=normalized_lr,
    torch_name="Adamax",
)
def adamax(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """Adamax, exactly as ``torch.optim.Adamax`` (ε inside the maximum).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2 : float
        Decay of the first moment and of the running maximum.
    eps : float
        ε added to |g| inside the maximum.
    weight_decay : float
        L2 penalty λ added to the gradient.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        zeros = np.zeros_like(params)
        return AdamaxState(0, zeros, zeros)

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        g = add_weight_decay(grads, params, weight_decay)
        mu = lerp(state.mu, g, 1 - beta1)
        u = np.maximum(state.u * beta2, np.abs(g) + eps)
        updates = mu * -(lr / (1 - beta1**count))
        updates /= u
        return updates, AdamaxState(count, mu, u)

    def derived(state):
        return {"mu_hat": state.mu / (1 - beta1**state.count)}

    return Optimizer("adamax", hp, init, update, derived=derived)


@register(
    "nadam",
    inspector=_rule_nadam,
    color="#1f77b4",
    sweep_axis="beta1",
    title="NAdam",
    summary="Adam with Nesterov momentum: the step uses the momentum it is about to "
    "have, with a momentum coefficient that warms up over the first steps.",
    latex=NADAM_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1,
        "beta2": BETA2,
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
        "momentum_decay": hparam(
            0.0, 1.0, "ψ: how fast the momentum coefficient warms up to β₁ (0.004 in torch)."
        ),
    },
    lr_rule=normalized_lr,
    torch_name="NAdam",
)
def nadam(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3):
    """NAdam, exactly as ``torch.optim.NAdam`` in float64.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2 : float
        Decays of the first and second moment averages.
    eps : float
        ε added to √v̂.
    weight_decay : float
        L2 penalty λ added to the gradient.
    momentum_decay : float
        ψ in μ_t = β₁ (1 − 0.96^{tψ} / 2).

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        zeros = np.zeros_like(params)
        return NAdamState(0, 1.0, zeros, zeros)

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        bias2 = 1 - beta2**count
        g = add_weight_decay(grads, params, weight_decay)
        momentum = beta1 * (1.0 - 0.5 * (0.96 ** (count * momentum_decay)))
        momentum_next = beta1 * (1.0 - 0.5 * (0.96 ** ((count + 1) * momentum_decay)))
        mu_product = state.mu_product * momentum
        mu = lerp(state.mu, g, 1 - beta1)
        nu = ema_sq(state.nu, g, beta2)
        denom = np.sqrt(nu / bias2)
        denom += eps
        updates = g * (-lr * (1.0 - momentum) / (1.0 - mu_product))
        updates /= denom
        ahead = mu * ((-lr * momentum_next) / (1.0 - mu_product * momentum_next))
        ahead /= denom
        updates += ahead
        return updates, NAdamState(count, mu_product, mu, nu)

    def derived(state):
        return {"nu_hat": state.nu / (1 - beta2**state.count)}

    return Optimizer("nadam", hp, init, update, derived=derived)
