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

import numpy as np

import optimizers
from optimizers.base import solve2
from optimizers.explain import Eq, fmt_num, par

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
    skip = {"points", "lrs", "grad", "update", "step_size"}  # lrs: shown as γ
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
    table = {**SYMBOLS, **optimizers.spec(name).symbols}
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


def _close(a, b):
    scale = max(abs(a), abs(b), 1e-300)
    return a == b or abs(a - b) <= 1e-7 * scale + 1e-12 * max(1.0, scale)


def _generic_eqs(c):
    i = c["i"]
    th, u = c["theta_prev"][i], c["update"][i]
    return [
        Eq(
            r"\theta_t",
            r"\theta_{t-1} + \Delta\theta_t",
            rf"{fmt_num(th, 7)} + {par(u)}",
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
    rule = optimizers.spec(name).inspector
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
        rf"&= {vec(th, 7)} - {par(lr)} \cdot {mat(h)}^{{-1}} {vec(g)} \\[4pt]"
        rf"&= {vec(th, 7)} - {par(lr)} \cdot {vec(d)} = \mathbf{{{vec(new, 7)}}}"
    )
    exact = bool(np.allclose(new, step["theta"], rtol=1e-7, atol=1e-12, equal_nan=True))
    if not exact:
        u = step["update"]
        body = (
            rf"\theta_t &= \theta_{{t-1}} + \Delta\theta_t \\"
            rf"&= {vec(th, 7)} + {vec(u)} = \mathbf{{{vec(step['theta'], 7)}}}"
        )
    return [("both coordinates at once", rf"\begin{{aligned}}{body}\end{{aligned}}")], exact
