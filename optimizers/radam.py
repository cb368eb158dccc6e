"""RAdam as torch.optim has it: Adam that takes momentum steps until the variance is tractable.

Beside the rest of the Adam family (``adam.py``), whose symbols and equations it reuses.
State fields follow optax: ``mu`` = m_t, ``nu`` = v_t, ``count`` = t.
"""

import math
from typing import NamedTuple

import numpy as np

from .adam import ADAM_INPUTS, FIRST_MOMENT, MOMENTS_INIT, SECOND_MOMENT
from .base import Optimizer, algorithm_box, per_row_where
from .explain import Eq, bias_corrected, decayed_grad, fmt_num, moment_eqs, par, theta_eq
from .moments import add_weight_decay, ema_sq, lerp
from .registry import BETA1, BETA2, EPS, LR, WEIGHT_DECAY, rectified_lr, register
from .sgd import GRADIENT, WEIGHT_DECAY_STEP


class RAdamState(NamedTuple):
    """RAdam: the same moments as Adam."""

    count: int
    mu: np.ndarray
    nu: np.ndarray


RADAM_LATEX = algorithm_box(
    ADAM_INPUTS,
    MOMENTS_INIT + r",\ \rho_\infty \leftarrow 2 / (1 - \beta_2) - 1",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        FIRST_MOMENT,
        SECOND_MOMENT,
        r"\hat m_t \leftarrow m_t / (1 - \beta_1^t)",
        r"\rho_t \leftarrow \rho_\infty - 2 t \beta_2^t / (1 - \beta_2^t)",
        r"\textbf{if}\: \rho_t > 5",
        (
            2,
            r"r_t \leftarrow \sqrt{\frac{(\rho_t - 4)(\rho_t - 2) \rho_\infty}"
            r"{(\rho_\infty - 4)(\rho_\infty - 2) \rho_t}}",
        ),
        (2, r"l_t \leftarrow \sqrt{1 - \beta_2^t} / \big(\sqrt{v_t} + \epsilon\big)"),
        (2, r"\theta_t \leftarrow \theta_{t-1} - \gamma \hat m_t \, l_t \, r_t"),
        r"\textbf{else}",
        (2, r"\theta_t \leftarrow \theta_{t-1} - \gamma \hat m_t \text{ (momentum SGD)}"),
    ],
)


def _rule_radam(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    more, m, v = moment_eqs(c, g, b1, b2)
    eqs += more
    m_hat = m / (1 - b1**t)
    eqs.append(bias_corrected(r"\hat m_t", "m_t", m, b1, r"\beta_1", t, "mu_hat"))
    rho_inf = 2 / (1 - b2) - 1
    rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
    eqs.append(
        Eq(
            r"\rho_t",
            r"\rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}",
            rf"{fmt_num(rho_inf)} - \frac{{2 \cdot {t} \cdot {par(b2)}^{{{t}}}}}"
            rf"{{1 - {par(b2)}^{{{t}}}}}",
            rho,
            "rho_t",
        )
    )
    if rho > 5:
        r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        ell = math.sqrt(1 - b2**t) / (math.sqrt(v) + eps)
        eqs += [
            Eq(
                "r_t",
                r"\sqrt{\frac{(\rho_t - 4)(\rho_t - 2) \rho_\infty}"
                r"{(\rho_\infty - 4)(\rho_\infty - 2) \rho_t}}",
                rf"\sqrt{{\frac{{({fmt_num(rho)} - 4)({fmt_num(rho)} - 2) "
                rf"\cdot {fmt_num(rho_inf)}}}"
                rf"{{({fmt_num(rho_inf)} - 4)({fmt_num(rho_inf)} - 2) \cdot {fmt_num(rho)}}}}}",
                r,
            ),
            Eq(
                "l_t",
                r"\frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}",
                rf"\frac{{\sqrt{{1 - {par(b2)}^{{{t}}}}}}}"
                rf"{{\sqrt{{{fmt_num(v)}}} + {fmt_num(eps)}}}",
                ell,
            ),
            theta_eq(
                c,
                r"\theta_{t-1} - \gamma \, \hat m_t \, l_t \, r_t",
                rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(m_hat)} \cdot {par(ell)} \cdot {par(r)}",
                th - lr * m_hat * ell * r,
            ),
        ]
    else:
        eqs.append(
            theta_eq(
                c,
                r"\theta_{t-1} - \gamma \hat m_t \quad (\rho_t \le 5 \text{: SGD step})",
                rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(m_hat)}",
                th - lr * m_hat,
            )
        )
    return eqs


@register(
    "radam",
    inspector=_rule_radam,
    color="#17becf",
    sweep_axis="beta1",
    title="RAdam",
    summary="Adam that takes plain momentum steps until the variance estimate is "
    "trustworthy (ρ_t > 5), then rectifies the adaptive step: a built-in warmup.",
    latex=RADAM_LATEX,
    hparams={
        "lr": LR,
        "beta1": BETA1,
        "beta2": BETA2,
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
    },
    lr_rule=rectified_lr,
    torch_name="RAdam",
)
def radam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """RAdam, exactly as ``torch.optim.RAdam``.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta1, beta2 : float
        Decays of the first and second moment averages.
    eps : float
        ε added to √v (no bias correction inside the root: it is in l_t).
    weight_decay : float
        L2 penalty λ added to the gradient.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    rho_inf = 2 / (1 - beta2) - 1

    def rho(count):
        return rho_inf - 2 * count * (beta2**count) / (1 - beta2**count)

    def init(params):
        zeros = np.zeros_like(params)
        return RAdamState(0, zeros, zeros)

    def update(grads, state, params, lr, hess=None):
        count = state.count + 1
        g = add_weight_decay(grads, params, weight_decay)
        mu = lerp(state.mu, g, 1 - beta1)
        nu = ema_sq(state.nu, g, beta2)
        bias2 = 1 - beta2**count
        step = mu / (1 - beta1**count)
        step *= lr
        rho_t = rho(count)

        def rectified():
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive = np.sqrt(nu)
            adaptive += eps
            np.reciprocal(adaptive, out=adaptive)  # torch: scalar / tensor = reciprocal * scalar
            adaptive *= bias2**0.5
            return step * adaptive * rect

        # Per-row β₂: each row switches to the rectified step at its own t.
        step = per_row_where(rho_t > 5.0, rectified, lambda: step)
        return -step, RAdamState(count, mu, nu)

    def derived(state):
        count = state.count
        return {
            "mu_hat": state.mu / (1 - beta1**count),
            "nu_hat": state.nu / (1 - beta2**count),
            "rho_t": rho(count),
        }

    return Optimizer("radam", hp, init, update, derived=derived)
