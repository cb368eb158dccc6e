"""The step inspector's numbers: state tables and the update rule with the numbers in.

- :func:`state_dict` and :func:`step_values` pick one row's state and recorded
  internals at step t out of a ``record=True`` run;
- :func:`state_rows` lists them as table rows (quantity, symbol, x, y);
- :func:`update_latex` writes the optimizer's update rule, per coordinate, with those
  numbers substituted, and says whether the substituted result agrees with the step
  that was taken (so a template that drifts from the optimizer shows up at once).

Plain Python + NumPy, no Streamlit; the LaTeX is for ``st.latex`` (KaTeX).
"""

from __future__ import annotations

import math

import numpy as np

from optimizers.base import solve2

# What each recorded field is called in the maths (overrides per optimizer below).
SYMBOLS = {
    "grad": ("g_t", "gradient"),
    "update": (r"\Delta\theta_t", "update"),
    "step_size": (r"|\Delta\theta_t| / |g_t|", "effective step size"),
    "count": ("t", "step count"),
    "velocity": ("v_t", "velocity"),
    "sum_sq": ("s_t", "sum of squared gradients"),
    "mu": ("m_t", "first moment (average of g)"),
    "nu": ("v_t", "second moment (average of g²)"),
    "nu_max": (r"v_t^{max}", "largest second moment so far"),
    "mu_hat": (r"\hat m_t", "bias-corrected first moment"),
    "nu_hat": (r"\hat v_t", "bias-corrected second moment"),
    "u": ("u_t", "infinity norm (decaying max of |g|)"),
    "mu_product": (r"\textstyle\prod_t", "product of momentum coefficients"),
    "rho_t": (r"\rho_t", "variance tractability ρ_t"),
    "s": ("s_t", "belief: average of (g − m)²"),
    "s_hat": (r"\hat s_t", "bias-corrected belief"),
    "acc_delta": ("u_t", "average of squared updates"),
}
SYMBOL_OVERRIDES = {
    "rmsprop": {
        "mu": ("m_t", "average of g (centered)"),
        "velocity": ("b_t", "momentum buffer"),
    },
    "adadelta": {"nu": ("v_t", "average of g²")},
    "nesterov": {"velocity": ("v_t", "velocity (includes γ)")},
}
# Plain-text symbols for the table (LaTeX does not render inside a dataframe).
TEXT_SYMBOLS = {
    "g_t": "g",
    r"\Delta\theta_t": "Δθ",
    r"|\Delta\theta_t| / |g_t|": "|Δθ|/|g|",
    "t": "t",
    "v_t": "v",
    "s_t": "s",
    "m_t": "m",
    "b_t": "b",
    "u_t": "u",
    r"v_t^{max}": "v max",
    r"\hat m_t": "m̂",
    r"\hat v_t": "v̂",
    r"\hat s_t": "ŝ",
    r"\textstyle\prod_t": "∏ μ",
    r"\rho_t": "ρ",
}


def state_dict(state, row=0):
    """Turn an optimizer state (NamedTuple) into ``{field: value}`` for one row.

    Per-row arrays give their row ``row`` (shape (2,)), shared scalars stay scalars,
    ``None`` fields are dropped.

    Parameters
    ----------
    state : NamedTuple
        From ``opt.init(params)`` or ``opt.update(...)``.
    row : int

    Returns
    -------
    dict
    """
    out = {}
    for name, value in zip(state._fields, state, strict=True):
        if value is None:
            continue
        value = np.asarray(value, dtype=np.float64)
        out[name] = value[row] if value.ndim >= 1 else float(value)
    return out


def step_values(record, t, initial):
    """Collect what step ``t`` of one recorded run did.

    Parameters
    ----------
    record : dict
        One run's internals as ``ui.compute.internals`` returns them: ``points``
        (steps + 1, 2), ``grad``, ``update``, ``step_size`` (steps, 2) and every state
        field, (steps, 2) or (steps,).
    t : int
        Step, 1..steps.
    initial : dict
        The state before step 1 (see :func:`state_dict`).

    Returns
    -------
    dict
        ``t``, ``theta_prev``, ``theta``, ``grad``, ``update``, ``step_size`` (arrays of
        shape (2,)), ``state`` (fields after step t) and ``prev`` (fields after step
        t - 1, or ``initial``).
    """
    skip = {"points", "grad", "update", "step_size"}
    state = {k: _at(v, t - 1) for k, v in record.items() if k not in skip}
    if t >= 2:
        prev = {k: _at(v, t - 2) for k, v in record.items() if k not in skip}
    else:
        prev = dict(initial)
    points = np.asarray(record["points"], dtype=np.float64)
    return {
        "t": int(t),
        "theta_prev": points[t - 1],
        "theta": points[t],
        "grad": np.asarray(record["grad"][t - 1], dtype=np.float64),
        "update": np.asarray(record["update"][t - 1], dtype=np.float64),
        "step_size": np.asarray(record["step_size"][t - 1], dtype=np.float64),
        "state": state,
        "prev": prev,
    }


def _at(array, i):
    value = np.asarray(array, dtype=np.float64)[i]
    return float(value) if value.ndim == 0 else value


def symbol(name, field):
    """Return ``(latex, description)`` of a recorded field for optimizer ``name``."""
    table = {**SYMBOLS, **SYMBOL_OVERRIDES.get(name, {})}
    return table.get(field, (rf"\mathrm{{{field}}}".replace("_", r"\_"), field.replace("_", " ")))


def state_rows(name, step, lr):
    """Rows of the inspector's table: each quantity of step t, per coordinate.

    Parameters
    ----------
    name : str
        Registry name of the optimizer (chooses the symbols).
    step : dict
        From :func:`step_values`.
    lr : float
        Learning rate used at this step.

    Returns
    -------
    list of dict
        Keys ``quantity``, ``symbol``, ``x``, ``y`` (floats; shared scalars in both).
    """
    rows = []

    def add(quantity, sym, value):
        value = np.broadcast_to(np.asarray(value, dtype=np.float64), (2,))
        rows.append({"quantity": quantity, "symbol": sym, "x": value[0], "y": value[1]})

    add("position before the step", "θ(t−1)", step["theta_prev"])
    add("learning rate", "γ", lr)
    for field in ("grad",):
        latex, text = symbol(name, field)
        add(text, TEXT_SYMBOLS.get(latex, latex), step[field])
    for field, value in step["state"].items():
        latex, text = symbol(name, field)
        add(text, TEXT_SYMBOLS.get(latex, field), value)
    for field in ("step_size", "update"):
        latex, text = symbol(name, field)
        add(text, TEXT_SYMBOLS.get(latex, latex), step[field])
    add("new position", "θ(t)", step["theta"])
    return rows


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


def _p(v):
    """Format a number as a factor: parenthesised when negative or in powers of ten."""
    text = fmt_num(v)
    return f"({text})" if float(v) < 0 or r"\times" in text else text


class _Eq:
    """One equation: ``lhs = symbolic = numbers = value``, and what to check it against."""

    __slots__ = ("lhs", "sym", "num", "value", "check")

    def __init__(self, lhs, sym, num, value, check=None):
        self.lhs, self.sym, self.num, self.value, self.check = lhs, sym, num, value, check


def _theta(c, sym, num, value):
    return _Eq(r"\theta_t", sym, num, value, "theta")


def _adaptive_step(c, num, den, *, num_sym, den_sym, lr=None, lr_sym=r"\gamma"):
    """Return (symbols, numbers, value) of θ_{t-1} − γ · num / (√den + ε).

    The step the adaptive rules end with. ``lr`` defaults to the run's rate at step t;
    a negative ``den`` (centered RMSprop's estimate can dip below 0) gives NaN.
    """
    th, eps = c["theta_prev"][c["i"]], c["hp"]["eps"]
    lr = c["lr"] if lr is None else lr
    root = math.sqrt(den) + eps if den >= 0 else math.nan
    return (
        rf"\theta_{{t-1}} - {lr_sym} \, \frac{{{num_sym}}}{{\sqrt{{{den_sym}}} + \epsilon}}",
        rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \frac{{{fmt_num(num)}}}"
        rf"{{\sqrt{{{fmt_num(den)}}} + {fmt_num(eps)}}}",
        th - lr * num / root,
    )


def _decayed_grad(c, eqs, weight_decay):
    """L2 weight decay folded into the gradient: add the line, return g + λθ."""
    i = c["i"]
    g = c["grad"][i]
    if not weight_decay:
        return g
    th = c["theta_prev"][i]
    new = g + weight_decay * th
    eqs.append(
        _Eq(
            "g_t",
            r"g_t + \lambda \theta_{t-1}",
            rf"{fmt_num(g)} + {_p(weight_decay)} \cdot {_p(th)}",
            new,
        )
    )
    return new


def _rule_sgd(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    mu, tau = hp.get("momentum", 0.0), hp.get("dampening", 0.0)
    lr, th = c["lr"], c["theta_prev"][i]
    if mu == 0:
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma g_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(g)}",
                th - lr * g,
            )
        )
        return eqs
    if c["t"] == 1:
        v = g
        eqs.append(_Eq("v_t", r"g_t \text{ (first step)}", fmt_num(g), v, "velocity"))
    else:
        v_prev = c["prev"]["velocity"][i]
        damp = "" if tau == 0 else rf"(1 - {_p(tau)}) "
        v = mu * v_prev + (1 - tau) * g
        eqs.append(
            _Eq(
                "v_t",
                r"\mu v_{t-1} + " + (r"(1 - \tau) " if tau else "") + "g_t",
                rf"{_p(mu)} \cdot {_p(v_prev)} + {damp}{_p(g)}",
                v,
                "velocity",
            )
        )
    if hp.get("nesterov"):
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma (g_t + \mu v_t)",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot ({fmt_num(g)} + {_p(mu)} \cdot {_p(v)})",
                th - lr * (g + mu * v),
            )
        )
    else:
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma v_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(v)}",
                th - lr * v,
            )
        )
    return eqs


def _rule_momentum_ema(c):
    hp, i = c["hp"], c["i"]
    g, beta, lr, th = c["grad"][i], hp["beta"], c["lr"], c["theta_prev"][i]
    v_prev = c["prev"]["velocity"][i]
    v = beta * v_prev + (1 - beta) * g
    return [
        _Eq(
            "v_t",
            r"\beta v_{t-1} + (1 - \beta) g_t",
            rf"{_p(beta)} \cdot {_p(v_prev)} + {_p(1 - beta)} \cdot {_p(g)}",
            v,
            "velocity",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \gamma v_t",
            rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(v)}",
            th - lr * v,
        ),
    ]


def _rule_nesterov(c):
    hp, i = c["hp"], c["i"]
    g, mu, lr, th = c["grad"][i], hp["momentum"], c["lr"], c["theta_prev"][i]
    v_prev = c["prev"]["velocity"][i]
    v = mu * v_prev - lr * g
    return [
        _Eq(
            r"\tilde\theta_{t-1}",
            r"\theta_{t-1} + \mu v_{t-1} \text{ (where } g_t \text{ is taken)}",
            rf"{fmt_num(th, 7)} + {_p(mu)} \cdot {_p(v_prev)}",
            th + mu * v_prev,
        ),
        _Eq(
            "v_t",
            r"\mu v_{t-1} - \gamma g_t",
            rf"{_p(mu)} \cdot {_p(v_prev)} - {_p(lr)} \cdot {_p(g)}",
            v,
            "velocity",
        ),
        _theta(c, r"\theta_{t-1} + v_t", rf"{fmt_num(th, 7)} + {_p(v)}", th + v),
    ]


def _rule_adagrad(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, eta = c["lr"], hp["lr_decay"]
    s_prev = c["prev"]["sum_sq"][i]
    s = s_prev + g * g
    eqs.append(_Eq("s_t", r"s_{t-1} + g_t^2", rf"{fmt_num(s_prev)} + {_p(g)}^2", s, "sum_sq"))
    lr_t = lr / (1 + (c["t"] - 1) * eta)
    if eta:
        eqs.append(
            _Eq(
                r"\tilde\gamma",
                r"\gamma / \big(1 + (t - 1) \eta\big)",
                rf"{fmt_num(lr)} / (1 + {c['t'] - 1} \cdot {_p(eta)})",
                lr_t,
            )
        )
        lr_sym = r"\tilde\gamma"
    else:
        lr_sym = r"\gamma"
    eqs.append(
        _theta(c, *_adaptive_step(c, g, s, num_sym="g_t", den_sym="s_t", lr=lr_t, lr_sym=lr_sym))
    )
    return eqs


def _rule_rmsprop(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, alpha, mu_m = c["lr"], c["theta_prev"][i], hp["eps"], hp["alpha"], hp["momentum"]
    v_prev = c["prev"]["nu"][i]
    v = alpha * v_prev + (1 - alpha) * g * g
    eqs.append(
        _Eq(
            "v_t",
            r"\alpha v_{t-1} + (1 - \alpha) g_t^2",
            rf"{_p(alpha)} \cdot {_p(v_prev)} + {_p(1 - alpha)} \cdot {_p(g)}^2",
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
            _Eq(
                "m_t",
                r"\alpha m_{t-1} + (1 - \alpha) g_t",
                rf"{_p(alpha)} \cdot {_p(m_prev)} + {_p(1 - alpha)} \cdot {_p(g)}",
                m,
                "mu",
            )
        )
        denom_v = v - m * m
        eqs.append(_Eq(r"\tilde v_t", r"v_t - m_t^2", rf"{fmt_num(v)} - {_p(m)}^2", denom_v))
        v_sym = r"\tilde v_t"
    root = math.sqrt(denom_v) + eps if denom_v >= 0 else math.nan
    if mu_m > 0:
        b_prev = c["prev"]["velocity"][i]
        b = mu_m * b_prev + g / root
        eqs.append(
            _Eq(
                "b_t",
                rf"\mu b_{{t-1}} + \frac{{g_t}}{{\sqrt{{{v_sym}}} + \epsilon}}",
                rf"{_p(mu_m)} \cdot {_p(b_prev)} + \frac{{{fmt_num(g)}}}"
                rf"{{\sqrt{{{fmt_num(denom_v)}}} + {fmt_num(eps)}}}",
                b,
                "velocity",
            )
        )
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma b_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(b)}",
                th - lr * b,
            )
        )
    else:
        eqs.append(_theta(c, *_adaptive_step(c, g, denom_v, num_sym="g_t", den_sym=v_sym)))
    return eqs


def _rule_adadelta(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, rho = c["lr"], c["theta_prev"][i], hp["eps"], hp["rho"]
    v_prev, u_prev = c["prev"]["nu"][i], c["prev"]["acc_delta"][i]
    v = rho * v_prev + (1 - rho) * g * g
    delta = math.sqrt(u_prev + eps) / math.sqrt(v + eps) * g
    u = rho * u_prev + (1 - rho) * delta * delta
    return [
        *eqs,
        _Eq(
            "v_t",
            r"\rho v_{t-1} + (1 - \rho) g_t^2",
            rf"{_p(rho)} \cdot {_p(v_prev)} + {_p(1 - rho)} \cdot {_p(g)}^2",
            v,
            "nu",
        ),
        _Eq(
            r"\delta_t",
            r"\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} \, g_t",
            rf"\frac{{\sqrt{{{fmt_num(u_prev)} + {fmt_num(eps)}}}}}"
            rf"{{\sqrt{{{fmt_num(v)} + {fmt_num(eps)}}}}} \cdot {_p(g)}",
            delta,
        ),
        _Eq(
            "u_t",
            r"\rho u_{t-1} + (1 - \rho) \delta_t^2",
            rf"{_p(rho)} \cdot {_p(u_prev)} + {_p(1 - rho)} \cdot {_p(delta)}^2",
            u,
            "acc_delta",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \gamma \delta_t",
            rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(delta)}",
            th - lr * delta,
        ),
    ]


def _moment_eqs(c, g, beta1, beta2):
    i = c["i"]
    m_prev, v_prev = c["prev"]["mu"][i], c["prev"]["nu"][i]
    m = beta1 * m_prev + (1 - beta1) * g
    v = beta2 * v_prev + (1 - beta2) * g * g
    eqs = [
        _Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(beta1)} \cdot {_p(m_prev)} + {_p(1 - beta1)} \cdot {_p(g)}",
            m,
            "mu",
        ),
        _Eq(
            "v_t",
            r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
            rf"{_p(beta2)} \cdot {_p(v_prev)} + {_p(1 - beta2)} \cdot {_p(g)}^2",
            v,
            "nu",
        ),
    ]
    return eqs, m, v


def _rule_adam(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    decoupled = c["name"] == "adamw"
    eqs = []
    g = c["grad"][i] if decoupled else _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, b1, b2 = c["lr"], c["theta_prev"][i], hp["beta1"], hp["beta2"]
    more, m, v = _moment_eqs(c, g, b1, b2)
    eqs += more
    v_used, v_sym = v, "v_t"
    if hp.get("amsgrad"):
        vmax_prev = c["prev"]["nu_max"][i]
        v_used = max(vmax_prev, v)
        eqs.append(
            _Eq(
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
        eqs.append(
            _Eq(
                r"\hat m_t",
                r"m_t / (1 - \beta_1^t)",
                rf"{fmt_num(m)} / (1 - {_p(b1)}^{{{t}}})",
                m_hat,
                "mu_hat",
            )
        )
        eqs.append(
            _Eq(
                r"\hat v_t",
                rf"{v_sym} / (1 - \beta_2^t)",
                rf"{fmt_num(v_used)} / (1 - {_p(b2)}^{{{t}}})",
                v_hat,
                "nu_hat",
            )
        )
    else:
        m_hat, v_hat = m, v_used
    sym, num, value = _adaptive_step(c, m_hat, v_hat, num_sym=r"\hat m_t", den_sym=r"\hat v_t")
    wd = hp.get("weight_decay", 0.0)
    if decoupled and wd:
        sym += r" - \gamma \lambda \theta_{t-1}"
        num += rf" - {_p(lr)} \cdot {_p(wd)} \cdot {_p(th)}"
        value -= lr * wd * th
    eqs.append(_theta(c, sym, num, value))
    return eqs


def _rule_adamax(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    m_prev, u_prev = c["prev"]["mu"][i], c["prev"]["u"][i]
    m = b1 * m_prev + (1 - b1) * g
    u = max(b2 * u_prev, abs(g) + eps)
    return [
        *eqs,
        _Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(b1)} \cdot {_p(m_prev)} + {_p(1 - b1)} \cdot {_p(g)}",
            m,
            "mu",
        ),
        _Eq(
            "u_t",
            r"\max\big(\beta_2 u_{t-1},\ |g_t| + \epsilon\big)",
            rf"\max\big({_p(b2)} \cdot {_p(u_prev)},\ {fmt_num(abs(g))} + {fmt_num(eps)}\big)",
            u,
            "u",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \frac{\gamma \, m_t}{(1 - \beta_1^t) \, u_t}",
            rf"{fmt_num(th, 7)} - \frac{{{_p(lr)} \cdot {_p(m)}}}{{(1 - {_p(b1)}^{{{t}}}) "
            rf"\cdot {_p(u)}}}",
            th - lr * m / ((1 - b1**t) * u),
        ),
    ]


def _rule_nadam(c):
    hp, t, eqs = c["hp"], c["t"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    b1, b2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
    mu_t = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    prod_prev = c["prev"]["mu_product"]
    prod = prod_prev * mu_t
    more, m, v = _moment_eqs(c, g, b1, b2)
    m_hat = mu_next * m / (1 - prod * mu_next) + (1 - mu_t) * g / (1 - prod)
    v_hat = v / (1 - b2**t)
    eqs += [
        _Eq(
            r"\mu_t",
            r"\beta_1 \big(1 - \tfrac12 \, 0.96^{t \psi}\big)",
            rf"{_p(b1)} \cdot (1 - 0.5 \cdot 0.96^{{{t} \cdot {_p(psi)}}})",
            mu_t,
        ),
        _Eq(
            r"\textstyle\prod_t",
            r"\textstyle\prod_{t-1} \mu_t",
            rf"{fmt_num(prod_prev)} \cdot {_p(mu_t)}",
            prod,
            "mu_product",
        ),
        *more,
        _Eq(
            r"\hat m_t",
            r"\frac{\mu_{t+1} m_t}{1 - \prod_t \mu_{t+1}} + \frac{(1 - \mu_t) g_t}{1 - \prod_t}",
            rf"\frac{{{_p(mu_next)} \cdot {_p(m)}}}{{1 - {_p(prod)} \cdot {_p(mu_next)}}} + "
            rf"\frac{{(1 - {_p(mu_t)}) \cdot {_p(g)}}}{{1 - {_p(prod)}}}",
            m_hat,
        ),
        _Eq(
            r"\hat v_t",
            r"v_t / (1 - \beta_2^t)",
            rf"{fmt_num(v)} / (1 - {_p(b2)}^{{{t}}})",
            v_hat,
            "nu_hat",
        ),
        _theta(c, *_adaptive_step(c, m_hat, v_hat, num_sym=r"\hat m_t", den_sym=r"\hat v_t")),
    ]
    return eqs


def _rule_radam(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    more, m, v = _moment_eqs(c, g, b1, b2)
    eqs += more
    m_hat = m / (1 - b1**t)
    eqs.append(
        _Eq(
            r"\hat m_t",
            r"m_t / (1 - \beta_1^t)",
            rf"{fmt_num(m)} / (1 - {_p(b1)}^{{{t}}})",
            m_hat,
            "mu_hat",
        )
    )
    rho_inf = 2 / (1 - b2) - 1
    rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
    eqs.append(
        _Eq(
            r"\rho_t",
            r"\rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}",
            rf"{fmt_num(rho_inf)} - \frac{{2 \cdot {t} \cdot {_p(b2)}^{{{t}}}}}"
            rf"{{1 - {_p(b2)}^{{{t}}}}}",
            rho,
            "rho_t",
        )
    )
    if rho > 5:
        r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        ell = math.sqrt(1 - b2**t) / (math.sqrt(v) + eps)
        eqs += [
            _Eq(
                "r_t",
                r"\sqrt{\frac{(\rho_t - 4)(\rho_t - 2) \rho_\infty}"
                r"{(\rho_\infty - 4)(\rho_\infty - 2) \rho_t}}",
                rf"\sqrt{{\frac{{({fmt_num(rho)} - 4)({fmt_num(rho)} - 2) "
                rf"\cdot {fmt_num(rho_inf)}}}"
                rf"{{({fmt_num(rho_inf)} - 4)({fmt_num(rho_inf)} - 2) \cdot {fmt_num(rho)}}}}}",
                r,
            ),
            _Eq(
                "l_t",
                r"\frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}",
                rf"\frac{{\sqrt{{1 - {_p(b2)}^{{{t}}}}}}}"
                rf"{{\sqrt{{{fmt_num(v)}}} + {fmt_num(eps)}}}",
                ell,
            ),
            _theta(
                c,
                r"\theta_{t-1} - \gamma \, \hat m_t \, l_t \, r_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(m_hat)} \cdot {_p(ell)} \cdot {_p(r)}",
                th - lr * m_hat * ell * r,
            ),
        ]
    else:
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma \hat m_t \quad (\rho_t \le 5 \text{: SGD step})",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(m_hat)}",
                th - lr * m_hat,
            )
        )
    return eqs


def _rule_adabelief(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    g = c["grad"][i]
    eps_root, b1, b2 = hp["eps_root"], hp["beta1"], hp["beta2"]
    m_prev, s_prev = c["prev"]["mu"][i], c["prev"]["s"][i]
    m = b1 * m_prev + (1 - b1) * g
    s = b2 * s_prev + (1 - b2) * (g - m) ** 2 + eps_root
    m_hat, s_hat = m / (1 - b1**t), s / (1 - b2**t)
    return [
        _Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(b1)} \cdot {_p(m_prev)} + {_p(1 - b1)} \cdot {_p(g)}",
            m,
            "mu",
        ),
        _Eq(
            "s_t",
            r"\beta_2 s_{t-1} + (1 - \beta_2)(g_t - m_t)^2 + \epsilon_{root}",
            rf"{_p(b2)} \cdot {_p(s_prev)} + {_p(1 - b2)} \cdot ({fmt_num(g)} - {_p(m)})^2 + "
            rf"{fmt_num(eps_root)}",
            s,
            "s",
        ),
        _Eq(
            r"\hat m_t",
            r"m_t / (1 - \beta_1^t)",
            rf"{fmt_num(m)} / (1 - {_p(b1)}^{{{t}}})",
            m_hat,
            "mu_hat",
        ),
        _Eq(
            r"\hat s_t",
            r"s_t / (1 - \beta_2^t)",
            rf"{fmt_num(s)} / (1 - {_p(b2)}^{{{t}}})",
            s_hat,
            "s_hat",
        ),
        _theta(c, *_adaptive_step(c, m_hat, s_hat, num_sym=r"\hat m_t", den_sym=r"\hat s_t")),
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
    num = rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \big({fmt_num(sign)}" + (
        rf" + {_p(wd)} \cdot {_p(th)}\big)" if wd else r"\big)"
    )
    return [
        _Eq(
            "c_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(b1)} \cdot {_p(m_prev)} + {_p(1 - b1)} \cdot {_p(g)}",
            blend,
        ),
        _theta(c, sym, num, th - lr * (sign + wd * th)),
        _Eq(
            "m_t",
            r"\beta_2 m_{t-1} + (1 - \beta_2) g_t",
            rf"{_p(b2)} \cdot {_p(m_prev)} + {_p(1 - b2)} \cdot {_p(g)}",
            m,
            "mu",
        ),
    ]


RULES = {
    "gd": _rule_sgd,
    "sgd": _rule_sgd,
    "momentum": _rule_sgd,
    "momentum_ema": _rule_momentum_ema,
    "nesterov": _rule_nesterov,
    "adagrad": _rule_adagrad,
    "rmsprop": _rule_rmsprop,
    "adadelta": _rule_adadelta,
    "adam": _rule_adam,
    "adamw": _rule_adam,
    "adamax": _rule_adamax,
    "nadam": _rule_nadam,
    "radam": _rule_radam,
    "adabelief": _rule_adabelief,
    "lion": _rule_lion,
}
"""Per-family templates; any other optimizer gets the generic θ_t = θ_{t-1} + Δθ_t."""


def _close(a, b):
    scale = max(abs(a), abs(b), 1e-300)
    return a == b or abs(a - b) <= 1e-7 * scale + 1e-12 * max(1.0, scale)


def _generic_eqs(c):
    i = c["i"]
    th, u = c["theta_prev"][i], c["update"][i]
    return [
        _Eq(
            r"\theta_t",
            r"\theta_{t-1} + \Delta\theta_t",
            rf"{fmt_num(th, 7)} + {_p(u)}",
            th + u,
            "theta",
        )
    ]


def update_latex(name, hp, step, lr, *, hessian=None):
    """Typeset step t's update rule with the run's numbers, one block per coordinate.

    Every equation is recomputed from the substituted numbers and compared with what
    the run recorded (the state field it defines, and θ_t). If any disagrees (an
    optimizer or option without a template here), the block falls back to the
    always-true ``θ_t = θ_{t-1} + Δθ_t`` so the page never shows wrong arithmetic.

    Parameters
    ----------
    name : str
        Registry name of the optimizer.
    hp : dict
        Its full hyperparameters.
    step : dict
        From :func:`step_values`.
    lr : float
        Learning rate used at step t (after any schedule).
    hessian : ndarray, shape (2, 2), optional
        The Hessian at θ_{t-1}, for Newton.

    Returns
    -------
    blocks : list of (str, str)
        ``(heading, latex)``: one ``aligned`` block per coordinate ("coordinate x",
        then "coordinate y"); one block for Newton, whose step mixes the coordinates.
    exact : bool
        False if the fallback was used.
    """
    if name == "newton" and hessian is not None:
        return _newton_latex(hp, step, lr, hessian)
    rule = RULES.get(name)
    blocks, exact = [], rule is not None
    for i, coord in enumerate("xy"):
        c = {**step, "i": i, "hp": hp, "lr": float(lr), "name": name}
        eqs = None
        if rule is not None:
            try:
                with np.errstate(all="ignore"):
                    eqs = rule(c)
            except (KeyError, ValueError, ZeroDivisionError, OverflowError, TypeError):
                eqs = None
            if eqs is not None and not _agrees(eqs, c):
                eqs = None
        if eqs is None:
            exact = False
            eqs = _generic_eqs(c)
        blocks.append((f"coordinate {coord}", _aligned(eqs)))
    return blocks, exact


def _agrees(eqs, c):
    """Check every equation that defines a recorded quantity against the record."""
    i = c["i"]
    for eq in eqs:
        if eq.check is None:
            continue
        if eq.check == "theta":
            recorded = c["theta"][i]
        else:
            value = c["state"].get(eq.check)
            if value is None:
                return False
            recorded = value if np.ndim(value) == 0 else value[i]
        if not (np.isfinite(recorded) and np.isfinite(eq.value)):
            if not (np.isnan(recorded) and np.isnan(eq.value)):
                return False
            continue
        if not _close(float(eq.value), float(recorded)):
            return False
    return True


def _aligned(eqs):
    lines = []
    for eq in eqs:
        lines.append(rf"{eq.lhs} &= {eq.sym} \\")
        digits = 7 if eq.check == "theta" else 4
        lines.append(rf"&= {eq.num} = \mathbf{{{fmt_num(eq.value, digits)}}} \\[4pt]")
    body = "\n".join(lines).removesuffix(r" \\[4pt]")
    return rf"\begin{{aligned}}{body}\end{{aligned}}"


def _newton_latex(hp, step, lr, hessian):
    damping = hp.get("damping", 0.0)
    h = np.asarray(hessian, dtype=np.float64) + damping * np.eye(2)
    g = step["grad"]
    th = step["theta_prev"]
    d = solve2(h, g)
    with np.errstate(all="ignore"):
        new = th - lr * d

    def vec(v, digits=4):
        return (
            rf"\begin{{pmatrix}} {fmt_num(v[0], digits)} \\ {fmt_num(v[1], digits)} "
            r"\end{pmatrix}"
        )

    def mat(m):
        return (
            rf"\begin{{pmatrix}} {fmt_num(m[0, 0])} & {fmt_num(m[0, 1])} \\ "
            rf"{fmt_num(m[1, 0])} & {fmt_num(m[1, 1])} \end{{pmatrix}}"
        )

    h_sym = r"(H_t + \lambda I)" if damping else "H_t"
    body = (
        rf"\theta_t &= \theta_{{t-1}} - \gamma \, {h_sym}^{{-1}} g_t \\"
        rf"&= {vec(th, 7)} - {_p(lr)} \cdot {mat(h)}^{{-1}} {vec(g)} \\[4pt]"
        rf"&= {vec(th, 7)} - {_p(lr)} \cdot {vec(d)} = \mathbf{{{vec(new, 7)}}}"
    )
    exact = bool(np.allclose(new, step["theta"], rtol=1e-7, atol=1e-12, equal_nan=True))
    if not exact:
        u = step["update"]
        body = (
            rf"\theta_t &= \theta_{{t-1}} + \Delta\theta_t \\"
            rf"&= {vec(th, 7)} + {vec(u)} = \mathbf{{{vec(step['theta'], 7)}}}"
        )
    return [("both coordinates at once", rf"\begin{{aligned}}{body}\end{{aligned}}")], exact
