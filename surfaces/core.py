"""The Surface object and the symbolic -> NumPy pipeline shared by built-ins and formulas.

A surface is a sympy expression in the real symbols ``x`` and ``y``. Its gradient and
Hessian are derived symbolically, cleaned so NumPy can evaluate them safely, and
lambdified (with common-subexpression elimination). Every generated callable is wrapped
so that it takes float64 points of shape (..., 2), never warns, never raises on NaN/inf,
turns complex results into NaN and always returns full arrays, even when a derivative is
a constant (lambdify would return a bare scalar).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import sympy as sp

from optimizers.base import HParam

# Real symbols: with them d|x|/dx is sign(x) instead of an expression in re(x) and im(x).
X, Y = sp.symbols("x y", real=True)

# Exact integers beyond this are not exactly representable in float64 anyway; as Python
# ints they make NumPy build object arrays or raise OverflowError, so they become floats.
_EXACT_INT_LIMIT = 2**53
# Constant subexpressions larger than this are evaluated once at build time, because
# evaluating them with Python floats at call time can raise OverflowError.
_FLOAT_SAFE = 1e15
_F64 = np.dtype(np.float64)


def param(default, low, high, help):
    """Declare a surface parameter: an ``optimizers.base.HParam``, the app's one parameter type.

    The type of ``default`` sets the kind: bool -> a switch, int -> a whole number, float ->
    a number in ``[low, high]``.

    Returns
    -------
    HParam
    """
    kind = "bool" if isinstance(default, bool) else "int" if isinstance(default, int) else "float"
    return HParam(default, low, high, kind=kind, help=help)


class SurfaceInfo(NamedTuple):
    """What the UI shows about a built-in before building it (see ``surfaces.info``)."""

    title: str
    description: str
    params: dict[str, HParam]
    source: str


class Entry(NamedTuple):
    """One named surface of the library: what to show before building, and how to build.

    Built-ins (``surfaces/library.py``) and dataset surfaces (``surfaces/datasets.py``)
    are both entries; ``surfaces.get`` validates the parameters against ``info.params``
    and calls ``build(key)`` with the sorted ``(name, value)`` pairs.
    """

    info: SurfaceInfo
    build: Callable[[tuple], Surface]


class Derivatives(NamedTuple):
    """The three vectorized callables of a surface."""

    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class Surface:
    """A 2-D loss surface with vectorized value, gradient and Hessian.

    All callables take points of shape (N, 2) (any (..., 2) works) and return float64
    arrays of shape (N,), (N, 2) and (N, 2, 2). They never warn and never raise on
    NaN/inf input: NaN and inf propagate, complex results become NaN.

    Surfaces are cached and shared: treat them (and their lists) as read-only.

    Attributes
    ----------
    name, title, description : str
        Registry name, display title, and what the surface teaches.
    params : dict
        Parameter values it was built with (empty for formulas).
    expr : sympy.Expr or None
        The expression in the real symbols ``x`` and ``y`` (display-only for
        ``logistic_regression``, see ``surfaces.datasets``).
    latex : dict
        LaTeX of ``"f"``, ``"grad"`` and ``"hessian"``.
    value, grad, hessian : callable
        Vectorized evaluation, see above.
    domain : tuple
        ``((xmin, xmax), (ymin, ymax))``: the region to draw.
    minima, saddles : list of (float, float)
        Known local minima (global first) and saddle points.
    start : (float, float)
        Suggested start point.
    lr : float
        Suggested learning rate for plain gradient descent.
    log_z : bool
        Colour/height on a log scale (values span decades).
    z_clip : float or None
        Clip heights above this value when drawing.
    n_samples : int
        Number of data samples (dataset-backed surfaces), else 0.
    sample_grad : callable or None
        ``sample_grad(xy, idx)``: gradient of the mean loss over samples ``idx`` (N, B).
    """

    name: str
    title: str
    description: str
    params: dict
    expr: object
    latex: dict
    value: Callable = field(repr=False)
    grad: Callable = field(repr=False)
    hessian: Callable = field(repr=False)
    domain: tuple = ((-3.0, 3.0), (-3.0, 3.0))
    minima: list = field(default_factory=list)
    saddles: list = field(default_factory=list)
    start: tuple = (0.0, 0.0)
    lr: float = 0.1
    log_z: bool = False
    z_clip: float | None = None
    n_samples: int = 0
    sample_grad: Callable | None = field(default=None, repr=False)

    @cached_property
    def value_and_grad(self) -> Callable:
        """``value_and_grad(xy) -> (value(xy), grad(xy))``: the same numbers, one call.

        The runner calls it at every step; fusing the two wrappers halves their
        per-call overhead, which dominates at the app's size (one start point).
        """
        return fuse_value_grad(self.value, self.grad)

    @property
    def f_min(self) -> float | None:
        """The lowest value over the known minima (None when none is known)."""
        if not self.minima:
            return None
        return float(np.min(self.value(np.asarray(self.minima, dtype=np.float64))))


def derivatives(expr):
    """Return the cleaned value, gradient and Hessian expressions of ``expr``.

    Parameters
    ----------
    expr : sympy.Expr
        Expression in the real symbols ``x`` and ``y``.

    Returns
    -------
    f : sympy.Expr
    grad : list of 2 sympy.Expr
        ``[df/dx, df/dy]``.
    hess : list of 3 sympy.Expr
        The distinct Hessian entries ``[fxx, fxy, fyy]``.
    """
    grad = gradient_exprs(expr)
    hess = hessian_exprs(grad)
    return clean(expr), [clean(g) for g in grad], [clean(h) for h in hess]


def gradient_exprs(expr):
    """``[df/dx, df/dy]``, not cleaned (see `clean`)."""
    return [sp.diff(expr, X), sp.diff(expr, Y)]


def hessian_exprs(grad):
    """``[fxx, fxy, fyy]`` from the uncleaned gradient, not cleaned (see `clean`)."""
    fx, fy = grad
    return [sp.diff(fx, X), sp.diff(fx, Y), sp.diff(fy, Y)]


def clean(expr):
    """Make ``expr`` safe to lambdify for NumPy.

    - ``DiracDelta`` (from differentiating ``abs`` or ``sign`` twice) is replaced by 0:
      it is zero almost everywhere and NumPy has no such function.
    - Whole-number floats (``1.0`` in the derivative of ``0.5*x**2``) become integers.
    - Unsafe constant subexpressions are evaluated to floats once: exact big numbers
      (``10**400``, ``pi**720``, huge rationals) become floats (possibly inf) instead of
      Python ints that overflow or make object arrays at call time, and complex
      constants such as ``(-8)**(1/3)`` become complex floats (NaN at call time).

    Parameters
    ----------
    expr : sympy.Expr
        Built by this package (never from text).

    Returns
    -------
    sympy.Expr
    """
    if expr.has(sp.DiracDelta):
        expr = expr.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    # d/dx of 0.5 x² is 1.0 x: whole-number floats read better as integers ("x", not
    # "1.0 x") and evaluate to the same float64 numbers.
    replacements = {
        a: sp.Integer(int(a))
        for a in expr.atoms(sp.Float)
        if a.is_finite and float(a).is_integer() and abs(a) <= _EXACT_INT_LIMIT
    }
    if replacements:
        expr = expr.xreplace(replacements)
    replacements = {}
    _collect_constants(expr, replacements)
    return expr.xreplace(replacements) if replacements else expr


def _collect_constants(node, out):
    """Fill ``out`` with {constant subtree: float} for the maximal unsafe constant subtrees.

    Harmless constants such as sqrt(2)/2 stay exact (nicer LaTeX, same NumPy result).
    """
    if node.is_Atom:
        if node.is_Rational and (abs(node.p) > _EXACT_INT_LIMIT or node.q > _EXACT_INT_LIMIT):
            out[node] = sp.Float(node)
        return
    if not node.free_symbols:
        value = node.evalf()
        big = any(
            abs(a.p) > _EXACT_INT_LIMIT or a.q > _EXACT_INT_LIMIT for a in node.atoms(sp.Rational)
        )
        # pi**720 overflows Python floats, (-8)**(1/3) is complex: evaluate once, here.
        try:
            safe = bool(value.is_extended_real) and abs(float(value)) <= _FLOAT_SAFE
        except (TypeError, ValueError, OverflowError):
            safe = False
        if big or not safe:
            out[node] = value
        return
    for arg in node.args:
        _collect_constants(arg, out)


def latex_of(f, grad, hess, symbols=None):
    """Return the LaTeX dict ``{"f", "grad", "hessian"}`` of a surface.

    Parameters
    ----------
    f : sympy.Expr
    grad : list of 2 sympy.Expr
    hess : list of 3 sympy.Expr
        ``[fxx, fxy, fyy]``.
    symbols : dict, optional
        Substitutions for display only, e.g. ``{x: w, y: b}``.
    """
    fxx, fxy, fyy = hess
    items = {
        "f": f,
        "grad": sp.Matrix([grad[0], grad[1]]),
        "hessian": sp.Matrix([[fxx, fxy], [fxy, fyy]]),
    }
    if symbols:
        items = {k: v.xreplace(symbols) for k, v in items.items()}
    return {k: sp.latex(v) for k, v in items.items()}


def compile_numpy(f, grad, hess, cses=None):
    """Lambdify value, gradient and Hessian and wrap them for safe vectorized use.

    Parameters
    ----------
    f, grad, hess
        As returned by `derivatives` (already cleaned).
    cses : tuple of 3, optional
        Precomputed ``sympy.cse`` results for (f, grad, hess), e.g. from the formula
        worker process; by default lambdify computes them (``cse=True``).

    Returns
    -------
    Derivatives
    """
    cse_f, cse_grad, cse_hess = cses or (True, True, True)
    return Derivatives(
        value=wrap_value(lambdify_numpy(f, cse_f)),
        grad=wrap_grad(lambdify_numpy(grad, cse_grad)),
        hessian=wrap_hessian(lambdify_numpy(hess, cse_hess)),
    )


def lambdify_numpy(exprs, cse=True):
    """``sympy.lambdify`` over (x, y) for NumPy; ``cse`` is True or a precomputed result."""
    cse_arg = cse if cse is True else (lambda _exprs: cse)
    return sp.lambdify((X, Y), exprs, modules="numpy", cse=cse_arg)


def wrap_value(fn):
    """Wrap a lambdified value function: (..., 2) points -> (...) float64."""
    return _wrap_scalar(fn)


def wrap_grad(fn):
    """Wrap a lambdified ``[fx, fy]``: (..., 2) points -> (..., 2) float64."""
    return _wrap_components(fn, (0, 1), (2,))


def wrap_hessian(fn):
    """Wrap a lambdified ``[fxx, fxy, fyy]``: (..., 2) points -> (..., 2, 2) float64."""
    return _wrap_components(fn, (0, 1, 1, 2), (2, 2))


def _split(xy):
    if type(xy) is not np.ndarray or xy.dtype != _F64:
        xy = np.asarray(xy, dtype=np.float64)
    if xy.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (N, 2), got {xy.shape}")
    return xy, xy[..., 0], xy[..., 1]


def _as_real(part):
    """Return ``part`` as a real float64 array or scalar; complex or unconvertible -> NaN."""
    if type(part) is np.ndarray and part.dtype == _F64:  # the usual case, quickly
        return part
    part = np.asarray(part)
    if part.dtype.kind == "c":
        return np.where(part.imag == 0, part.real, np.nan)
    if part.dtype.kind == "O":
        try:
            return part.astype(np.float64)
        except (TypeError, OverflowError, ValueError):
            return np.full(part.shape, np.nan)
    return part


def _call(fn, x, y, n_parts):
    # Constant subtrees were folded to floats, so the only Python-level arithmetic left
    # is on arrays; the except is a last guard that keeps the "never raise" promise.
    try:
        return fn(x, y)
    except (OverflowError, ZeroDivisionError):
        return np.nan if n_parts == 1 else [np.nan] * n_parts


def _scalar_out(fn, xy, x, y):
    """Evaluate a lambdified scalar function as a fresh float64 array of x's shape."""
    out = _as_real(_call(fn, x, y, 1))
    if out.dtype == _F64 and out.shape == x.shape:
        # A fresh ufunc result owns its memory (base None); only a returned view
        # (f = x) can share it with the input.
        if out.base is None or not np.may_share_memory(out, xy):
            return out
    full = np.empty(x.shape)
    full[...] = out  # broadcasts a constant to (N,)
    return full


def _components_out(fn, layout, x, y, n_parts=None):
    """Evaluate a lambdified list of components into a fresh (..., len(layout)) array."""
    parts = _call(fn, x, y, n_parts or max(layout) + 1)
    out = np.empty(x.shape + (len(layout),))
    for slot, i in enumerate(layout):
        out[..., slot] = _as_real(parts[i])  # broadcasts constant derivatives
    return out


def _wrap_scalar(fn):
    def value(xy):
        xy, x, y = _split(xy)
        with np.errstate(all="ignore"):
            return _scalar_out(fn, xy, x, y)

    value.lambdified = fn  # for fuse_value_grad
    return value


def _wrap_components(fn, layout, shape):
    def call(xy):
        xy, x, y = _split(xy)
        with np.errstate(all="ignore"):
            out = _components_out(fn, layout, x, y)
        return out.reshape(x.shape + shape)

    call.lambdified, call.layout = fn, layout  # for fuse_value_grad
    return call


def fuse_value_grad(value, grad):
    """Return ``value_and_grad(xy) -> (value(xy), grad(xy))`` with one wrapper's overhead.

    When both are wrappers made here (``wrap_value``, ``wrap_grad``), the fused callable
    runs the same two lambdified functions inside one validation and one ``errstate``,
    so the numbers are exactly those of the two calls; otherwise (e.g. a subgradient
    wrapper) it simply calls both.

    Parameters
    ----------
    value, grad : callable
        A surface's ``value`` and ``grad``.

    Returns
    -------
    callable
        ``(..., 2) points -> ((...) values, (..., 2) gradients)``. Its attribute
        ``unchecked`` (when fused) is the same for a float64 (N, 2) array, without the
        input check and the ``errstate``: for callers that already ignore floating-point
        errors (the runner).
    """
    f_raw, g_raw = getattr(value, "lambdified", None), getattr(grad, "lambdified", None)
    if f_raw is None or g_raw is None or getattr(grad, "layout", None) != (0, 1):

        def both(xy):
            return value(xy), grad(xy)

        return both

    def value_and_grad(xy):
        xy, x, y = _split(xy)
        with np.errstate(all="ignore"):
            return _scalar_out(f_raw, xy, x, y), _components_out(g_raw, (0, 1), x, y, 2)

    def unchecked(xy):
        x, y = xy[:, 0], xy[:, 1]
        return _scalar_out(f_raw, xy, x, y), _components_out(g_raw, (0, 1), x, y, 2)

    value_and_grad.unchecked = unchecked
    return value_and_grad


def build(expr, cses=None):
    """Derive, clean and compile ``expr``; return (Derivatives, f, grad, hess).

    Parameters
    ----------
    expr : sympy.Expr
        Trusted expression in ``x`` and ``y`` (built-ins; formulas go through the worker).
    cses : tuple of 3, optional
        See `compile_numpy`.
    """
    f, grad, hess = derivatives(expr)
    return compile_numpy(f, grad, hess, cses), f, grad, hess
