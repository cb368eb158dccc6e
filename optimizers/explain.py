"""Building blocks of the step inspector's equations, for the optimizers' own modules.

Each optimizer module declares, beside its factory, how step t of its update reads with
the numbers substituted (``register(..., inspector=rule)``): ``rule(c) -> list[Eq]`` where
``c`` holds the recorded step (``theta_prev``, ``theta``, ``grad``, ``update``, ``state``,
``derived`` quantities), the coordinate ``i``, the hyperparameters ``hp`` and the rate
``lr``. :mod:`figures.inspector` typesets the equations and checks each one against the
recorded value before showing it. Plain Python (LaTeX strings for KaTeX), no Streamlit.
"""

from __future__ import annotations

import math


def fmt_num(v, digits=4):
    """Format a number for LaTeX: 4 significant digits, a power of ten when tiny or huge."""
    v = float(v)
    if not math.isfinite(v):
        return r"\text{NaN}" if math.isnan(v) else (r"\infty" if v > 0 else r"-\infty")
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e5:
        return f"{v:.{digits}g}"
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    exp = int(exponent)
    if mantissa in ("1", "-1"):
        return rf"{'-' if v < 0 else ''}10^{{{exp}}}"
    return rf"{mantissa} \times 10^{{{exp}}}"


def par(v):
    """Format a number as a factor: parenthesised when negative or in powers of ten."""
    text = fmt_num(v)
    return f"({text})" if float(v) < 0 or r"\times" in text else text


class Eq:
    """One equation: ``lhs = symbolic = numbers = value``, and what to check it against."""

    __slots__ = ("lhs", "sym", "num", "value", "check")

    def __init__(self, lhs, sym, num, value, check=None):
        self.lhs, self.sym, self.num, self.value, self.check = lhs, sym, num, value, check


def theta_eq(c, sym, num, value):
    """Return the last equation, θ_t = ..., checked against the recorded θ_t."""
    return Eq(r"\theta_t", sym, num, value, "theta")


def adaptive_step(c, num, den, *, num_sym, den_sym, lr=None, lr_sym=r"\gamma"):
    """Return (symbols, numbers, value) of θ_{t-1} − γ · num / (√den + ε).

    The step the adaptive rules end with. ``lr`` defaults to the run's rate at step t;
    a negative ``den`` (centered RMSprop's estimate can dip below 0) gives NaN.
    """
    th, eps = c["theta_prev"][c["i"]], c["hp"]["eps"]
    lr = c["lr"] if lr is None else lr
    root = math.sqrt(den) + eps if den >= 0 else math.nan
    return (
        rf"\theta_{{t-1}} - {lr_sym} \, \frac{{{num_sym}}}{{\sqrt{{{den_sym}}} + \epsilon}}",
        rf"{fmt_num(th, 7)} - {par(lr)} \cdot \frac{{{fmt_num(num)}}}"
        rf"{{\sqrt{{{fmt_num(den)}}} + {fmt_num(eps)}}}",
        th - lr * num / root,
    )


def decayed_grad(c, eqs, weight_decay):
    """L2 weight decay folded into the gradient: add the line, return g + λθ."""
    i = c["i"]
    g = c["grad"][i]
    if not weight_decay:
        return g
    th = c["theta_prev"][i]
    new = g + weight_decay * th
    eqs.append(
        Eq(
            "g_t",
            r"g_t + \lambda \theta_{t-1}",
            rf"{fmt_num(g)} + {par(weight_decay)} \cdot {par(th)}",
            new,
        )
    )
    return new


def bias_corrected(sym, raw, value, beta, beta_sym, t, key):
    """Return the equation ``x̂_t = x_t / (1 − β^t)`` with its numbers.

    Parameters
    ----------
    sym : str
        LaTeX of the corrected quantity (m̂_t, v̂_t, ŝ_t).
    raw : str
        LaTeX of the raw moment (``"m_t"``, ``r"v_t^{max}"``).
    value : float
        The raw moment's value.
    beta : float
        Its decay.
    beta_sym : str
        LaTeX of the decay (β₁ or β₂).
    t : int
        The step.
    key : str
        The internals key the value is checked against (``"mu_hat"``).

    Returns
    -------
    Eq
    """
    return Eq(
        sym,
        rf"{raw} / (1 - {beta_sym}^t)",
        rf"{fmt_num(value)} / (1 - {par(beta)}^{{{t}}})",
        value / (1 - beta**t),
        key,
    )


def moment_eqs(c, g, beta1, beta2):
    """Return the m_t and v_t equations of the Adam-like rules, with m_t and v_t."""
    i = c["i"]
    m_prev, v_prev = c["prev"]["mu"][i], c["prev"]["nu"][i]
    m = beta1 * m_prev + (1 - beta1) * g
    v = beta2 * v_prev + (1 - beta2) * g * g
    eqs = [
        Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{par(beta1)} \cdot {par(m_prev)} + {par(1 - beta1)} \cdot {par(g)}",
            m,
            "mu",
        ),
        Eq(
            "v_t",
            r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
            rf"{par(beta2)} \cdot {par(v_prev)} + {par(1 - beta2)} \cdot {par(g)}^2",
            v,
            "nu",
        ),
    ]
    return eqs, m, v
