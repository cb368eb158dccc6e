"""Core types: the optimizer pair, hyperparameter specs and the algorithm-box helper.

An optimizer is a pair of pure functions in the style of optax: ``init(params) -> state``
and ``update(grads, state, params, lr, hess=None) -> (updates, state)``. Arrays are
``(N, D)`` (D = 2 on the app's surfaces, Newton D = 2 only): one row per start point,
so one call moves every start point at once.

Any numeric hyperparameter may also be given per row, as an array of shape (N,) (see
``optimizers.make``): the factory then receives it as an (N, 1) column, which
broadcasts against the (N, D) arrays, so row i follows its own values.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class EmptyState(NamedTuple):
    """State of an optimizer that remembers nothing between steps (GD, Newton)."""


class Optimizer(NamedTuple):
    """An optimizer: hyperparameters plus the ``init``/``update`` pair.

    Attributes
    ----------
    name : str
        Registry name (``"adam"``).
    hp : dict
        Every hyperparameter, defaults filled in. ``hp["lr"]`` is the base learning
        rate; the runner turns it into ``lr_t`` with the schedule and passes that to
        ``update``, so no optimizer stores a learning rate in its state.
    init : callable
        ``init(params) -> state`` with ``params`` of shape (N, D). Array fields of the
        state have one row per start point (leading dimension N); scalar fields
        (``count``, ``mu_product``) are shared by all rows, because all rows take
        their t-th step together.
    update : callable
        ``update(grads, state, params, lr, hess=None) -> (updates, state)``; the next
        point is ``params + updates``. Pure: it never modifies its inputs.
    lookahead : callable or None
        ``lookahead(params, state) -> points`` where the gradient must be taken, for
        methods that look ahead (explicit Nesterov). None: at ``params``.
    needs_hessian : bool
        True if ``update`` needs ``hess`` of shape (N, 2, 2) at ``params`` (Newton).
    derived : callable or None
        ``derived(state) -> dict[str, ndarray]``: quantities the algorithm box names
        but the state does not store (bias-corrected moments ``mu_hat``, ``nu_hat``),
        for the step inspector. Only called when a run records its internals.
    take_rows : callable or None
        ``take_rows(keep) -> Optimizer``: the same optimizer restricted to the rows
        ``keep`` (a boolean mask), set by ``make`` when a hyperparameter is per row
        (``hp[name]`` an (N,) array); the runner calls it when rows stop. None: every
        hyperparameter is one scalar for all rows.
    """

    name: str
    hp: dict[str, Any]
    init: Callable
    update: Callable
    lookahead: Callable | None = None
    needs_hessian: bool = False
    derived: Callable | None = None
    take_rows: Callable | None = None


def column(value):
    """Return ``value`` as an (N, 1) column if it is a per-row (N,) array, else unchanged.

    Parameters
    ----------
    value : float or ndarray, shape (N,) or (N, 1)

    Returns
    -------
    float or ndarray
    """
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value[:, None]
    return value


def flat(value):
    """Return ``value`` as an (N,) row vector if it is a per-row column, else unchanged.

    Parameters
    ----------
    value : float or ndarray, shape (N, 1) or (N,)

    Returns
    -------
    float or ndarray
    """
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return value[:, 0]
    return value


def nonzero(value):
    """Return True if ``value`` (a scalar or a per-row array) is non-zero in any row."""
    return bool(value.any()) if isinstance(value, np.ndarray) else bool(value)


def per_row_where(condition, if_true, if_false):
    """Return ``if_true()`` where ``condition``, else ``if_false()``, row by row.

    For scalar hyperparameters ``condition`` is a plain bool and only one branch is
    computed (the scalar path stays as fast and bit-identical as before); for per-row
    ones it is a boolean array and both branches are combined with ``np.where`` unless
    all rows agree.

    Parameters
    ----------
    condition : bool or ndarray of bool
    if_true, if_false : callable
        ``() -> ndarray``, the two branches.

    Returns
    -------
    ndarray
    """
    if not isinstance(condition, np.ndarray):
        return if_true() if condition else if_false()
    if condition.all():
        return if_true()
    if not condition.any():
        return if_false()
    return np.where(condition, if_true(), if_false())


class HParam(NamedTuple):
    """One hyperparameter: default, valid range and a one-line help for the controls.

    The range is the valid range (``make`` raises ValueError outside it). For
    ``log=True`` parameters whose low end is an open 0, a slider needs its own
    positive minimum (for example a few decades below the default).
    """

    default: Any
    low: float
    high: float
    log: bool = False
    kind: str = "float"
    help: str = ""
    low_open: bool = False
    high_open: bool = False

    def interval(self):
        """Return the valid range as text, e.g. ``"[0, 1)"`` or ``"True or False"``."""
        if self.kind == "bool":
            return "True or False"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        if self.kind == "int":
            return f"{left}{int(self.low)}, {int(self.high)}{right}"
        return f"{left}{self.low:g}, {self.high:g}{right}"

    def closed_bounds(self):
        """Return ``(low, high)``, the valid range closed for a control's min and max.

        An open end is moved inside the range: a low end by 1e-12 (relative to its
        size, at least absolute), a high end by 1e-4, so ``eps`` in (0, 1] gives
        ``(1e-12, 1)`` and a beta in [0, 1) gives ``(0, 0.9999)``. Every value between
        the bounds passes `check`.

        Returns
        -------
        tuple of float
        """
        low, high = float(self.low), float(self.high)
        if self.low_open:
            low += max(abs(low), 1.0) * 1e-12
        if self.high_open:
            high -= max(abs(high), 1.0) * 1e-4
        return low, high

    def check(self, name, value):
        """Return ``value`` converted to the parameter's kind, or raise ValueError.

        Parameters
        ----------
        name : str
            The parameter's name, used in the message.
        value : object
            The value to check.

        Returns
        -------
        bool, int or float
            The value as a plain Python bool, int or float.
        """
        if self.kind == "bool":
            if not isinstance(value, bool | np.bool_):
                raise ValueError(f"{name} must be True or False, got {value!r}")
            return bool(value)
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            raise ValueError(f"{name} must be a number in {self.interval()}, got {value!r}")
        if self.kind == "int":
            if not float(value).is_integer():
                raise ValueError(f"{name} must be an integer in {self.interval()}, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        if not (above and below):  # also catches NaN
            raise ValueError(f"{name} must be in {self.interval()}, got {value!r}")
        return value

    def check_rows(self, name, values):
        """Return per-row ``values`` as a checked (N,) array, or raise ValueError.

        Every element must pass :meth:`check`; the message names the first bad row.

        Parameters
        ----------
        name : str
            The parameter's name, used in the message.
        values : array_like, shape (N,)
            One value per start row.

        Returns
        -------
        ndarray, shape (N,)
            float64, or int64 for ``kind="int"``.
        """
        if self.kind == "bool":
            raise ValueError(f"{name} must be True or False (one value for all rows)")
        try:
            array = np.asarray(values)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number or an array of numbers") from None
        if array.ndim != 1 or not array.size:
            raise ValueError(
                f"{name} must be a number or a 1-D array (one value per start row), "
                f"got shape {array.shape}"
            )
        if array.dtype.kind not in "iuf":
            raise ValueError(f"{name} must be numbers in {self.interval()}, got {array.dtype}")
        array = array.astype(np.float64)
        what = "integers" if self.kind == "int" else "numbers"
        with np.errstate(invalid="ignore"):
            above = array > self.low if self.low_open else array >= self.low
            below = array < self.high if self.high_open else array <= self.high
            good = above & below  # False for NaN
            if self.kind == "int":
                good &= array == np.round(array)
        if not good.all():
            i = int(np.argmin(good))
            raise ValueError(f"{name}[{i}] must be in {self.interval()} ({what}), got {array[i]!r}")
        return array.astype(np.int64) if self.kind == "int" else array


def hparam(
    low, high, help, *, default=None, log=False, kind="float", low_open=False, high_open=False
):
    """Build an :class:`HParam` (optimizers fill in ``default`` from their factory).

    Parameters
    ----------
    low, high : float
        Ends of the valid range.
    help : str
        One line for the control's tooltip.
    default : object, optional
        The default value (None: filled in later by ``register``).
    log : bool
        Whether a slider should be log-scaled.
    kind : {"float", "int", "bool"}
        The value's type.
    low_open, high_open : bool
        Whether the ends are excluded.

    Returns
    -------
    HParam
    """
    return HParam(default, low, high, log, kind, help, low_open, high_open)


def flag(help):
    """Build a boolean :class:`HParam` (default filled in from the factory).

    Parameters
    ----------
    help : str
        One line for the control's tooltip.

    Returns
    -------
    HParam
        Of kind ``"bool"``.
    """
    return hparam(False, True, help, kind="bool")


def algorithm_box(inputs, initialize, steps):
    r"""Lay out an algorithm box in LaTeX (KaTeX-compatible), as torch.optim docs do.

    Parameters
    ----------
    inputs : str or list of str
        LaTeX for the inputs; a list is typeset one item per line.
    initialize : str
        LaTeX for the initialisation line.
    steps : list of str or (int, str)
        Body of the loop over t, one line each; ``(level, text)`` indents ``text``
        by ``level`` (1 = directly inside the loop).

    Returns
    -------
    str
        An ``aligned`` environment, ready for ``st.latex``.
    """
    first, *rest = [inputs] if isinstance(inputs, str) else inputs
    rule = r"&\rule{110mm}{0.4pt} \\"
    lines = [
        r"\begin{aligned}",
        rule,
        rf"&\textbf{{input}}: {first} \\",
        *(rf"&\hspace{{13mm}} {line} \\" for line in rest),
        rf"&\textbf{{initialize}}: {initialize} \\",
        rule,
        r"&\textbf{for}\: t = 1 \:\textbf{to}\: T \:\textbf{do} \\",
    ]
    for step in steps:
        level, text = step if isinstance(step, tuple) else (1, step)
        lines.append(rf"&\hspace{{{5 * level}mm}} {text} \\")
    lines += [rule, r"&\textbf{return}\: \theta_T \\", rule, r"\end{aligned}"]
    return "\n".join(lines)


def solve2(h, g):
    """Solve ``h @ x = g`` for stacks of 2x2 systems in closed form (Cramer's rule).

    A singular ``h`` gives an infinite or NaN ``x`` instead of an exception, which is
    what Newton's method needs: the runner reports such a step as a divergence.

    Parameters
    ----------
    h : ndarray, shape (..., 2, 2)
    g : ndarray, shape (..., 2)

    Returns
    -------
    ndarray, shape (..., 2)
    """
    h = np.asarray(h, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    a, b, c, d = h[..., 0, 0], h[..., 0, 1], h[..., 1, 0], h[..., 1, 1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        det = a * d - b * c
        return (
            np.stack([d * g[..., 0] - b * g[..., 1], a * g[..., 1] - c * g[..., 0]], -1)
            / det[..., None]
        )
