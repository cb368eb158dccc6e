"""After Adam: AdaBelief and Lion (as optax has them), two answers to Adam's weaknesses.

State fields follow optax: ``mu`` = m_t, ``s`` = the belief (AdaBelief), ``count`` = t.
"""

from typing import NamedTuple

import numpy as np

from .adam import FIRST_MOMENT
from .base import Optimizer, algorithm_box, nonzero
from .explain import Eq, adaptive_step, bias_corrected, fmt_num, par, theta_eq
from .moments import ema
from .registry import BETA1, BETA2, EPS, LR, WEIGHT_DECAY, normalized_lr, register, sign_lr
from .sgd import GRADIENT


class AdaBeliefState(NamedTuple):
    """AdaBelief: ``s`` = s_t, the moving average of (g − m)², the 'belief' in g."""

    count: int
    mu: np.ndarray
    s: np.ndarray


class LionState(NamedTuple):
    """Lion: only the momentum m_t."""

    mu: np.ndarray


ADABELIEF_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \beta_1, \beta_2,\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)},\ \epsilon,\ \epsilon_{root}",
    r"m_0 \leftarrow 0,\ s_0 \leftarrow 0",
    [
        GRADIENT,
        FIRST_MOMENT,
        r"s_t \leftarrow \beta_2 s_{t-1} + (1 - \beta_2)(g_t - m_t)^2 + \epsilon_{root}",
        r"\hat m_t \leftarrow m_t / (1 - \beta_1^t),\ \hat s_t \leftarrow s_t / (1 - \beta_2^t)",
        r"\theta_t \leftarrow \theta_{t-1}"
        r" - \gamma \hat m_t / \big(\sqrt{\hat s_t} + \epsilon\big)",
    ],
)

LION_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \beta_1, \beta_2,\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)},\ \lambda \text{ (weight decay)}",
    r"m_0 \leftarrow 0",
    [
        GRADIENT,
        r"c_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t",
        r"\theta_t \leftarrow \theta_{t-1}"
        r" - \gamma \big(\operatorname{sign}(c_t) + \lambda \theta_{t-1}\big)",
        r"m_t \leftarrow \beta_2 m_{t-1} + (1 - \beta_2) g_t",
    ],
)


# --- the step inspector's equations (see optimizers.explain) ---------------------


def _rule_adabelief(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    g = c["grad"][i]
    eps_root, b1, b2 = hp["eps_root"], hp["beta1"], hp["beta2"]
    m_prev, s_prev = c["prev"]["mu"][i], c["prev"]["s"][i]
    m = b1 * m_prev + (1 - b1) * g
    s = b2 * s_prev + (1 - b2) * (g - m) ** 2 + eps_root
    m_hat, s_hat = m / (1 - b1**t), s / (1 - b2**t)
    return [
        Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{par(b1)} \cdot {par(m_prev)} + {par(1 - b1)} \cdot {par(g)}",
            m,
            "mu",
        ),
        Eq(
            "s_t",
            r"\beta_2 s_{t-1} + (1 - \beta_2)(g_t - m_t)^2 + \epsilon_{root}",
            rf"{par(b2)} \cdot {par(s_prev)} + {par(1 - b2)} \cdot ({fmt_num(g)} - {par(m)})^2 + "
            rf"{fmt_num(eps_root)}",
            s,
            "s",
        ),
        bias_corrected(r"\hat m_t", "m_t", m, b1, r"\beta_1", t, "mu_hat"),
        bias_corrected(r"\hat s_t", "s_t", s, b2, r"\beta_2", t, "s_hat"),
        theta_eq(c, *adaptive_step(c, m_hat, s_hat, num_sym=r"\hat m_t", den_sym=r"\hat s_t")),
    ]


def _rule_lion(c):
    hp, i = c["hp"], c["i"]
    g, lr, th = c["grad"][i], c["lr"], c["theta_prev"][i]
    b1, b2, wd = hp["beta1"], hp["beta2"], hp["weight_decay"]
    m_prev = c["prev"]["mu"][i]
    blend = b1 * m_prev + (1 - b1) * g
    sign = float(np.sign(blend))
    m = b2 * m_prev + (1 - b2) * g
    sym = r"\theta_{t-1} - \gamma \big(\operatorname{sign}(c_t)" + (
        r" + \lambda \theta_{t-1}\big)" if wd else r"\big)"
    )
    num = rf"{fmt_num(th, 7)} - {par(lr)} \cdot \big({fmt_num(sign)}" + (
        rf" + {par(wd)} \cdot {par(th)}\big)" if wd else r"\big)"
    )
    return [
        Eq(
            "c_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{par(b1)} \cdot {par(m_prev)} + {par(1 - b1)} \cdot {par(g)}",
            blend,
        ),
        theta_eq(c, sym, num, th - lr * (sign + wd * th)),
        Eq(
            "m_t",
            r"\beta_2 m_{t-1} + (1 - \beta_2) g_t",
            rf"{par(b2)} \cdot {par(m_prev)} + {par(1 - b2)} \cdot {par(g)}",
            m,
            "mu",
        ),
    ]


@register(
    "adabelief",
    inspector=_rule_adabelief,
    color="#e377c2",
    sweep_axis="beta1",
    title="AdaBelief",
    summary="Adam that divides by how far the gradient strays from its average "
    "(the 'belief'), not by its size: big confident steps where the slope is steady.",
    latex=ADABELIEF_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1,
        "beta2": BETA2._replace(help="β₂: decay of the average of (g − m)²."),
        "eps": EPS,
        "eps_root": EPS._replace(help="ε_root: added to s_t each step (kept in the state)."),
    },
    lr_rule=normalized_lr,
)
def adabelief(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-16, eps_root=1e-16):
    """AdaBelief with optax's semantics (``optax.adabelief``).

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2 : float
        Decays of m_t and of s_t.
    eps : float
        ε added to √ŝ.
    eps_root : float
        ε_root added to s_t at every step (it accumulates in the state, as in optax).

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        zeros = np.zeros_like(params)
        return AdaBeliefState(0, zeros, zeros)

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        mu = ema(state.mu, grads, beta1)
        belief = grads - mu
        belief *= belief
        s = ema(state.s, belief, beta2)
        s += eps_root
        denom = np.sqrt(s / (1 - beta2**count))
        denom += eps
        updates = mu / (1 - beta1**count)
        updates /= denom
        updates *= -lr
        return updates, AdaBeliefState(count, mu, s)

    def derived(state):
        return {
            "mu_hat": state.mu / (1 - beta1**state.count),
            "s_hat": state.s / (1 - beta2**state.count),
        }

    return Optimizer("adabelief", hp, init, update, derived=derived)


@register(
    "lion",
    inspector=_rule_lion,
    color="#d62728",
    sweep_axis="beta1",
    title="Lion",
    summary="Steps by the sign of a momentum blend: every coordinate moves exactly lr "
    "(plus decay), whatever the slope. Found by program search (Chen et al. 2023).",
    latex=LION_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1._replace(help="β₁: weight of the momentum in the signed blend c_t."),
        "beta2": BETA2._replace(help="β₂: decay of the stored momentum m_t."),
        "weight_decay": WEIGHT_DECAY._replace(
            help="Weight decay λ: adds γλθ to each step, outside the sign."
        ),
    },
    lr_rule=sign_lr,
)
def lion(lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=1e-3):
    """Lion with optax's semantics (``optax.lion``, default weight decay 1e-3).

    Parameters
    ----------
    lr : float
        Base learning rate γ (the Lion paper advises 3-10x smaller than Adam's).
    beta1 : float
        Weight of the momentum in the signed blend.
    beta2 : float
        Decay of the stored momentum.
    weight_decay : float
        Decoupled decay λ, added to the sign before scaling by γ.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return LionState(np.zeros_like(params))

    def update(grads, state, params, lr, hess=None):
        direction = np.sign(ema(state.mu, grads, beta1))
        if nonzero(weight_decay):
            direction += weight_decay * params
        direction *= -lr
        return direction, LionState(ema(state.mu, grads, beta2))

    return Optimizer("lion", hp, init, update)
