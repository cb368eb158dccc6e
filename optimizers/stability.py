r"""Stability map: linearise one optimizer step at a point and measure its spectral radius.

At a point θ* (a minimum by default) the gradient is, to first order,
``g(θ) = g(θ*) + H (θ − θ*)`` with H the surface's Hessian. One step of an optimizer is a
map ``(θ, s) -> (θ', s')`` of the parameters and the optimizer's state; its Jacobian J at
the fixed point (θ*, s = 0) decides whether small errors shrink (spectral radius
ρ(J) < 1: the iteration converges to θ*) or grow (ρ > 1: it diverges). Over a grid of
(learning rate, second hyperparameter) this is the stability map (Goh 2017, "Why
Momentum Really Works", for any surface).

J is computed by central differences of the registered ``update`` itself, so the map is
the optimizer the app runs, not a transcription. It is exact (up to rounding) for the
optimizers whose step is linear in (g, state) — the heavy-ball family: ``gd``, ``sgd``
(momentum, dampening, Nesterov), ``momentum``, ``momentum_ema``, ``nesterov``; these are
:data:`COVERED`. Adaptive methods (RMSprop, Adam, Lion, ...) are not linearisable there:
at a minimum their second-moment state is 0, so their step ``g / (√v + ε)`` has slope
1/ε, and sign-like methods have none; they are left out rather than drawn wrongly.

For GD ρ = max_i |1 − γ λ_i|: stable iff γ < 2/λ_max. For heavy-ball momentum μ the
2 x 2 block per eigenvalue has ``z² − (1 + μ − γλ) z + μ = 0``: stable iff
0 <= μ < 1 and 0 < γλ < 2 (1 + μ).
"""

from typing import NamedTuple

import numpy as np

from .registry import make, spec

COVERED = ("gd", "sgd", "momentum", "momentum_ema", "nesterov")
MAX_CELLS = 250_000
_STEADY_COUNT = 10**6  # step counters: far past any first-step special case


class StabilityMap(NamedTuple):
    """The spectral radius over a (learning rate, second hyperparameter) grid.

    Attributes
    ----------
    lrs : ndarray, shape (L,)
    ys : ndarray, shape (M,)
        Values of the second hyperparameter ``y_name`` (one value for GD).
    y_name : str or None
    radius : ndarray, shape (M, L)
        ρ(J) per cell (rows: ys, columns: lrs).
    curvatures : ndarray, shape (2,)
        Eigenvalues of the Hessian at the point, smallest first.
    gd_edge : float
        ``2 / λ_max`` (inf when λ_max <= 0): GD's stability edge.
    """

    lrs: np.ndarray
    ys: np.ndarray
    y_name: str | None
    radius: np.ndarray
    curvatures: np.ndarray
    gd_edge: float


def second_hparam(name):
    """Return the hyperparameter a map puts on its y axis (None for GD)."""
    if name not in COVERED:
        raise ValueError(
            f"the stability map covers {', '.join(COVERED)}; {name!r} is not linear in its "
            "state at a minimum (see optimizers.stability)"
        )
    return spec(name).sweep_axis


def jacobians(name, hp, hessian, lrs):
    """Return the Jacobians of one step, shape (L, K, K), one per learning rate.

    Parameters
    ----------
    name : str
        One of :data:`COVERED`.
    hp : dict
        Hyperparameters other than ``lr``.
    hessian : array_like, shape (D, D)
    lrs : array_like, shape (L,)

    Returns
    -------
    ndarray
        Over the state vector (θ, then every per-row float array of the state).
    """
    hessian = np.asarray(hessian, dtype=float)
    lrs = np.asarray(lrs, dtype=float)
    dim = hessian.shape[0]
    opt = make(name, **{**hp, "lr": 1.0})
    proto = _steady(opt.init(np.zeros((1, dim))))
    fields = [k for k, v in zip(proto._fields, proto, strict=True) if _is_row(v)]
    k = dim * (1 + len(fields))
    h = 1e-6
    # Rows: for each lr, +h and -h along each of the K coordinates.
    basis = np.concatenate([np.eye(k), -np.eye(k)]) * h  # (2K, K)
    n = len(lrs) * 2 * k
    x = np.tile(basis, (len(lrs), 1))  # (n, K)
    lr = np.repeat(lrs, 2 * k)[:, None]
    theta = x[:, :dim]
    state = proto._replace(
        **{f: x[:, dim * (i + 1) : dim * (i + 2)].copy() for i, f in enumerate(fields)}
    )
    state = _broadcast(state, n)
    # The gradient where the optimizer takes it (Sutskever's Nesterov looks ahead).
    q = theta if opt.lookahead is None else opt.lookahead(theta, state)
    grads = q @ hessian.T
    with np.errstate(all="ignore"):
        update, new = opt.update(grads, state, theta, lr, None)
    out = np.concatenate([theta + update, *(getattr(new, f) for f in fields)], axis=1)
    out = out.reshape(len(lrs), 2, k, k)
    return ((out[:, 0] - out[:, 1]) / (2 * h)).swapaxes(1, 2)


def stability_map(name, hp, hessian, lrs, ys=None, *, progress=None):
    """Return the :class:`StabilityMap` of optimizer ``name`` at a point with this Hessian.

    Parameters
    ----------
    name : str
        One of :data:`COVERED`.
    hp : dict
        The other hyperparameters (``lr`` and the y one are overridden per cell).
    hessian : array_like, shape (2, 2)
        The surface's Hessian at the point (``surface.hessian(point)[0]``).
    lrs : array_like, shape (L,)
        Learning rates (> 0).
    ys : array_like, shape (M,), optional
        Values of :func:`second_hparam`; ignored for GD.
    progress : callable, optional
        ``progress(fraction, message)`` after each row of the grid.

    Returns
    -------
    StabilityMap

    Raises
    ------
    ValueError
        Uncovered optimizer, a non-finite Hessian, or more than ``MAX_CELLS`` cells.
    """
    y_name = second_hparam(name)
    hessian = np.asarray(hessian, dtype=float)
    if hessian.shape != (2, 2) or not np.isfinite(hessian).all():
        raise ValueError("the Hessian at the point must be a finite 2 x 2 matrix")
    lrs = np.asarray(lrs, dtype=float)
    ys = np.array([np.nan]) if y_name is None or ys is None else np.asarray(ys, dtype=float)
    if lrs.size * ys.size > MAX_CELLS:
        raise ValueError(f"at most {MAX_CELLS:,} cells, got {lrs.size * ys.size:,}")
    hp = {k: v for k, v in hp.items() if k not in ("lr", y_name)}
    radius = np.empty((ys.size, lrs.size))
    for i, y in enumerate(ys):
        extra = {} if y_name is None else {y_name: float(y)}
        jac = jacobians(name, {**hp, **extra}, hessian, lrs)
        radius[i] = np.abs(np.linalg.eigvals(jac)).max(axis=1)
        if progress is not None:
            progress((i + 1) / ys.size, f"row {i + 1} of {ys.size}")
    curv = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    edge = 2.0 / curv[-1] if curv[-1] > 0 else np.inf
    return StabilityMap(lrs, ys, y_name, radius, curv, float(edge))


def _is_row(v):
    return isinstance(v, np.ndarray) and v.ndim == 2 and v.dtype.kind == "f"


def _steady(state):
    """Set integer step counters far past their first-step special cases."""
    return state._replace(
        **{
            k: _STEADY_COUNT
            for k, v in zip(state._fields, state, strict=True)
            if isinstance(v, int | np.integer) and not isinstance(v, bool)
        }
    )


def _broadcast(state, n):
    return state._replace(
        **{
            k: np.broadcast_to(v, (n, v.shape[1])).copy()
            for k, v in zip(state._fields, state, strict=True)
            if _is_row(v) and len(v) != n
        }
    )
