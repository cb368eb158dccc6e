"""Dataset-backed surfaces: the loss of a 2-parameter model over a small seeded dataset.

The surface's (x, y) are the model's two parameters. ``value``/``grad``/``hessian`` are
the full-batch loss and its derivatives; ``sample_grad(xy, idx)`` is the gradient of the
mean loss over the samples ``idx`` (one row of indices per point), which is what the
runner uses for mini-batch SGD. No downloads: the data are drawn from ``seed``.

- ``linear_regression``: ``t ≈ w·u + b`` with mean squared error. The MSE is an exact
  quadratic in (w, b) whose coefficients are data moments, so it goes through the same
  sympy pipeline as the built-ins. With ``unscaled=True`` the feature keeps its raw
  range (0-10, mean ≈ 5) instead of being standardized, and the round bowl becomes a
  canyon (condition number ≈ 100 instead of 1).
- ``logistic_regression``: two weights, no bias, on two correlated features, mean
  logistic loss plus a small L2 penalty ``(l2 / 2)·|w|²``. The penalty makes the loss
  strictly convex, so a unique minimum exists even if the classes happen to be
  separable (then the plain logistic loss has no minimum: it keeps decreasing as |w|
  grows). value/grad/hessian are written directly in NumPy, vectorized over points and
  samples; ``expr`` is a display-only sympy ``Sum`` over indexed data symbols (not meant
  to be evaluated).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from optimizers.base import solve2

from . import analysis, core
from .core import Derivatives, Entry, Surface, SurfaceInfo, param

LINEAR_PARAMS = {
    "n_samples": param(50, 5, 1000, "Number of data points."),
    "noise": param(1.0, 0.0, 5.0, "Standard deviation of the noise on the targets."),
    "seed": param(0, 0, 2**31 - 1, "Random seed of the dataset."),
    "unscaled": param(False, 0, 1, "Use the raw feature (0-10) instead of a standardized one."),
}
LOGISTIC_PARAMS = {
    "n_samples": param(100, 10, 1000, "Number of data points."),
    "noise": param(1.0, 0.2, 3.0, "Spread of each class around its centre (overlap)."),
    "seed": param(0, 0, 2**31 - 1, "Random seed of the dataset."),
    "l2": param(0.01, 1e-4, 1.0, "Strength of the L2 penalty (l2 / 2)·|w|²."),
}
_INFO = {
    "linear_regression": SurfaceInfo(
        title="Linear regression (MSE)",
        description="Mean squared error of y = w·x + b over a small dataset (x = w, y = b). "
        "With a standardized feature it is a round bowl; tick 'unscaled' and the same data "
        "make a canyon: why we scale features.",
        params=LINEAR_PARAMS,
        source="Generated data (seeded): u ~ U(0, 10), t = 0.5·u + 1 + noise·N(0, 1); "
        "minimum from the normal equations",
    ),
    "logistic_regression": SurfaceInfo(
        title="Logistic regression",
        description="Mean logistic loss of a two-weight classifier on two overlapping "
        "classes (x = w1, y = w2), plus a small L2 penalty so a minimum always exists. "
        "Mini-batches give real SGD noise.",
        params=LOGISTIC_PARAMS,
        source="Generated data (seeded): two Gaussian classes at ±(1, 0.5) with correlated "
        "features; minimum by Newton's method (the loss is strictly convex)",
    ),
}

# Chunk evaluations so that (points x samples) temporaries stay around 16 MB.
_CHUNK_ELEMENTS = 2_000_000


def linear_data(n_samples, noise, seed, unscaled):
    """Return the feature ``u`` (raw or standardized) and the targets ``t``."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(0.0, 10.0, n_samples)
    t = 0.5 * raw + 1.0 + noise * rng.standard_normal(n_samples)
    u = raw if unscaled else (raw - raw.mean()) / raw.std()
    return u, t


def logistic_data(n_samples, noise, seed):
    """Return features ``u`` (n, 2) and labels ``t`` in {-1, +1}."""
    rng = np.random.default_rng(seed)
    t = np.where(rng.random(n_samples) < 0.5, -1.0, 1.0)
    # Correlated noise (ρ = 0.8) stretches the loss surface into a tilted valley.
    mix = np.linalg.cholesky(np.array([[1.0, 0.8], [0.8, 1.0]]))
    u = t[:, None] * np.array([1.0, 0.5]) + noise * rng.standard_normal((n_samples, 2)) @ mix.T
    return u, t


def _box_around(center, half):
    return tuple((float(c - half), float(c + half)) for c in center)


def build_linear(n_samples, noise, seed, unscaled):
    """Build the ``linear_regression`` surface (see the module docstring)."""
    u, t = linear_data(n_samples, noise, seed, unscaled)
    x, y = core.X, core.Y
    mean = lambda a: sp.Float(float(np.mean(a)))  # noqa: E731
    # mean((w u + b - t)^2) expanded: every coefficient is a data moment.
    expr = (
        mean(u * u) * x**2
        + 2 * mean(u) * x * y
        + y**2
        - 2 * mean(u * t) * x
        - 2 * mean(t) * y
        + mean(t * t)
    )
    fns, f, grad, hess = core.build(expr)
    moments = np.array([[np.mean(u * u), np.mean(u)], [np.mean(u), 1.0]])
    w_opt = np.linalg.solve(moments, [np.mean(u * t), np.mean(t)])
    minimum = (float(w_opt[0]), float(w_opt[1]))
    domain = _box_around(minimum, 3.0)
    start = (minimum[0] - 2.4, minimum[1] + 2.4)

    def sample_grad(xy, idx):
        xy = np.asarray(xy, dtype=np.float64)
        idx = np.asarray(idx)
        ub, tb = u[idx], t[idx]  # (N, B)
        with np.errstate(all="ignore"):
            r = xy[:, :1] * ub + xy[:, 1:] - tb
            return np.stack([2 * np.mean(r * ub, axis=1), 2 * np.mean(r, axis=1)], axis=1)

    w, b = sp.symbols("w b", real=True)
    rounded = [_rounded(f), [_rounded(g) for g in grad], [_rounded(h) for h in hess]]
    latex = core.latex_of(*rounded, symbols={x: w, y: b})
    latex["f"] = r"\frac{1}{n}\sum_{i=1}^{n}\left(w u_i + b - t_i\right)^2 = " + latex["f"]
    return _surface(
        "linear_regression",
        dict(n_samples=n_samples, noise=noise, seed=seed, unscaled=unscaled),
        expr,
        latex,
        fns,
        domain,
        [minimum],
        start,
        n_samples,
        sample_grad,
        lr_target=0.5,
    )


def _rounded(expr, digits=4):
    return expr.xreplace({n: sp.Float(n, digits) for n in expr.atoms(sp.Float)})


def build_logistic(n_samples, noise, seed, l2):
    """Build the ``logistic_regression`` surface (see the module docstring)."""
    u, t = logistic_data(n_samples, noise, seed)
    n = len(t)
    outer = (u[:, :, None] * u[:, None, :]).reshape(n, 4)  # u_i u_i^T, flattened

    def margins(w):
        return (w @ u.T) * t  # (N, n): t_i w·u_i

    def chunks(xy):
        xy = np.asarray(xy, dtype=np.float64)
        flat = xy.reshape(-1, 2)
        step = max(1, _CHUNK_ELEMENTS // n)
        return xy.shape[:-1], flat, range(0, len(flat), step), step

    def value(xy):
        shape, flat, starts, step = chunks(xy)
        out = np.empty(len(flat))
        with np.errstate(all="ignore"):
            for s in starts:
                w = flat[s : s + step]
                loss = np.logaddexp(0.0, -margins(w)).mean(axis=1)
                out[s : s + step] = loss + 0.5 * l2 * (w * w).sum(axis=1)
        return out.reshape(shape)

    def grad(xy):
        shape, flat, starts, step = chunks(xy)
        out = np.empty((len(flat), 2))
        with np.errstate(all="ignore"):
            for s in starts:
                w = flat[s : s + step]
                # d/dm log(1 + e^-m) = -sigmoid(-m) = -exp(-log(1 + e^m)), overflow-free.
                weight = -np.exp(-np.logaddexp(0.0, margins(w))) * t  # (N, n)
                out[s : s + step] = weight @ u / n + l2 * w
        return out.reshape(shape + (2,))

    def hessian(xy):
        shape, flat, starts, step = chunks(xy)
        out = np.empty((len(flat), 2, 2))
        with np.errstate(all="ignore"):
            for s in starts:
                w = flat[s : s + step]
                m = margins(w)
                # sigmoid(m) * sigmoid(-m), in logs so large |m| underflows cleanly to 0.
                curv = np.exp(-np.logaddexp(0.0, m) - np.logaddexp(0.0, -m))
                out[s : s + step] = (curv @ outer / n).reshape(-1, 2, 2) + l2 * np.eye(2)
        return out.reshape(shape + (2, 2))

    def sample_grad(xy, idx):
        w = np.asarray(xy, dtype=np.float64)
        idx = np.asarray(idx)
        ub, tb = u[idx], t[idx]  # (N, B, 2), (N, B)
        with np.errstate(all="ignore"):
            m = np.einsum("nbk,nk->nb", ub, w) * tb
            weight = -np.exp(-np.logaddexp(0.0, m)) * tb
            # The L2 term is in every batch, so the batch mean is unbiased for grad.
            return np.einsum("nb,nbk->nk", weight, ub) / idx.shape[1] + l2 * w

    fns = Derivatives(value, grad, hessian)
    minimum = _newton_minimum(fns)
    half = max(4.0, 1.5 * max(abs(minimum[0]), abs(minimum[1])))
    domain = ((-half, half), (-half, half))
    start = (-0.75 * half, 0.75 * half)
    expr, latex = _logistic_symbolic(n, l2)
    return _surface(
        "logistic_regression",
        dict(n_samples=n_samples, noise=noise, seed=seed, l2=l2),
        expr,
        latex,
        fns,
        domain,
        [minimum],
        start,
        n,
        sample_grad,
        lr_target=1.0,
    )


def _newton_minimum(fns):
    w = np.zeros((1, 2))
    for _ in range(50):  # strictly convex and smooth: Newton converges from 0
        step = solve2(fns.hessian(w)[0], fns.grad(w)[0])
        w = w - step
        if np.hypot(*step) < 1e-14:
            break
    return (float(w[0, 0]), float(w[0, 1]))


def _logistic_symbolic(n, l2):
    """Display-only sympy form of the logistic loss and its derivatives."""
    x, y = core.X, core.Y
    i = sp.Symbol("i", integer=True, positive=True)
    u1, u2, t = sp.IndexedBase("u1"), sp.IndexedBase("u2"), sp.IndexedBase("t")
    lam = sp.Rational(repr(float(l2)))
    term = sp.log(1 + sp.exp(-t[i] * (x * u1[i] + y * u2[i])))
    expr = sp.Sum(term, (i, 1, n)) / n + lam / 2 * (x**2 + y**2)
    grad = [sp.diff(expr, v) for v in (x, y)]
    hess = [sp.diff(grad[0], x), sp.diff(grad[0], y), sp.diff(grad[1], y)]
    w1, w2 = sp.symbols("w1 w2", real=True)
    return expr, core.latex_of(expr, grad, hess, symbols={x: w1, y: w2})


def _surface(name, params, expr, latex, fns, domain, minima, start, n, sample_grad, lr_target):
    info = _INFO[name]
    lr = analysis.suggest_lr(fns, start, minima=minima, domain=domain, target=lr_target)
    return Surface(
        name=name,
        title=info.title,
        description=info.description,
        params=params,
        expr=expr,
        latex=latex,
        value=fns.value,
        grad=fns.grad,
        hessian=fns.hessian,
        domain=domain,
        minima=minima,
        saddles=[],
        start=start,
        lr=lr,
        log_z=False,
        z_clip=None,
        n_samples=n,
        sample_grad=sample_grad,
    )


@functools.lru_cache(maxsize=32)
def _build_linear(key):
    return build_linear(**dict(key))


@functools.lru_cache(maxsize=32)
def _build_logistic(key):
    return build_logistic(**dict(key))


ENTRIES = {
    "linear_regression": Entry(_INFO["linear_regression"], _build_linear),
    "logistic_regression": Entry(_INFO["logistic_regression"], _build_logistic),
}
"""The dataset surfaces as library entries (see ``surfaces.core.Entry``)."""
