"""Numerical analysis of a surface: critical points, curvature, suggested settings.

Everything here needs only the vectorized ``value``, ``grad`` and ``hessian`` callables,
so it works the same for built-ins, formulas and dataset-backed surfaces.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from optimizers.base import solve2


class CriticalPoint(NamedTuple):
    """A point where the gradient vanishes, classified by the Hessian's eigenvalues."""

    x: float
    y: float
    kind: str  # "minimum", "maximum", "saddle" or "degenerate"
    eigvals: tuple[float, float]  # ascending
    value: float


def eig2(hess):
    """Eigenvalues of symmetric 2x2 matrices in closed form.

    Parameters
    ----------
    hess : ndarray, shape (..., 2, 2)

    Returns
    -------
    lo, hi : ndarray, shape (...)
        Smaller and larger eigenvalue.
    """
    with np.errstate(all="ignore"):  # inf - inf in a Hessian is NaN, silently
        a, b, c = hess[..., 0, 0], 0.5 * (hess[..., 0, 1] + hess[..., 1, 0]), hess[..., 1, 1]
        mean = 0.5 * (a + c)
        radius = np.hypot(0.5 * (a - c), b)
        return mean - radius, mean + radius


def _as_points(xy):
    xy = np.asarray(xy, dtype=np.float64)
    return xy.reshape(-1, 2), xy.ndim == 1


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def condition_number(surface, xy):
    """Condition number ``max|λ| / min|λ|`` of the Hessian at ``xy``.

    Parameters
    ----------
    surface : Surface
        Anything with a vectorized ``hessian``.
    xy : array_like, shape (2,) or (N, 2)

    Returns
    -------
    float or ndarray
        ``inf`` where the Hessian is singular; a float for a single point.
    """
    pts, single = _as_points(xy)
    lo, hi = eig2(surface.hessian(pts))
    small, large = np.minimum(abs(lo), abs(hi)), np.maximum(abs(lo), abs(hi))
    with np.errstate(all="ignore"):
        kappa = np.where(small > 0, large / small, np.inf)
    return float(kappa[0]) if single else kappa


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def stability_bound(surface, xy):
    """Largest stable plain-GD learning rate at ``xy``: ``2 / λmax`` of the Hessian.

    Gradient descent on the local quadratic model diverges along the top eigenvector
    when ``lr > 2 / λmax``. Where ``λmax <= 0`` curvature sets no bound (``inf``).

    Parameters
    ----------
    surface : Surface
    xy : array_like, shape (2,) or (N, 2)

    Returns
    -------
    float or ndarray
    """
    pts, single = _as_points(xy)
    _, hi = eig2(surface.hessian(pts))
    with np.errstate(all="ignore"):
        bound = np.where(hi > 0, 2.0 / hi, np.inf)
    return float(bound[0]) if single else bound


def _newton(surface, pts, iterations, max_step):
    """Vectorized Newton iterations on grad f = 0 with a step-length cap."""
    for i in range(iterations):
        g, h = surface.grad(pts), surface.hessian(pts)
        step = solve2(h, g)
        with np.errstate(all="ignore"):
            norm = np.hypot(step[:, 0], step[:, 1])
            step *= np.minimum(1.0, max_step / norm)[:, None]
        # A zero gradient needs no step (0/0 at a degenerate point would give NaN);
        # a singular Hessian elsewhere leaves the seed where it is (it won't converge).
        step[~np.isfinite(step).all(axis=1)] = 0.0
        step[(g == 0).all(axis=1)] = 0.0
        pts = pts - step
        if i >= 8 and not (abs(step) > 1e-13 * max_step).any():
            break  # every seed has converged or is stuck
    return pts


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def critical_points(surface, domain=None, *, grid=15, iterations=60):
    """Find and classify the critical points of a surface inside a box.

    Seeds a ``grid x grid`` lattice, runs vectorized Newton on ``grad f = 0``, keeps the
    converged points inside the box, merges duplicates and classifies each point by the
    signs of its Hessian eigenvalues. Newton finds minima, maxima and saddles alike; a
    critical point whose basin misses every seed is not found.

    Parameters
    ----------
    surface : Surface
        Anything with vectorized ``value``, ``grad`` and ``hessian``.
    domain : ((xmin, xmax), (ymin, ymax)), optional
        Defaults to ``surface.domain``.
    grid : int
        Seeds per axis.
    iterations : int
        Newton iterations.

    Returns
    -------
    list of CriticalPoint
        Sorted by value (lowest first).
    """
    (x0, x1), (y0, y1) = domain if domain is not None else surface.domain
    width = max(x1 - x0, y1 - y0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
    seeds = np.stack([gx.ravel(), gy.ravel()], axis=1)

    # Scales for the tolerances: typical gradient and curvature over the seeds.
    g_scale = _finite_median(np.hypot(*surface.grad(seeds).T))
    lo, hi = eig2(surface.hessian(seeds))
    h_scale = _finite_median(np.maximum(abs(lo), abs(hi)))

    pts = _newton(surface, seeds, iterations, max_step=0.25 * width)
    g = surface.grad(pts)
    margin = 1e-9 * width
    ok = (
        np.isfinite(pts).all(axis=1)
        & (np.hypot(g[:, 0], g[:, 1]) <= 1e-7 * max(1.0, g_scale))
        & (pts[:, 0] >= x0 - margin)
        & (pts[:, 0] <= x1 + margin)
        & (pts[:, 1] >= y0 - margin)
        & (pts[:, 1] <= y1 + margin)
    )
    pts = pts[ok]
    if len(pts) == 0:
        return []
    values = surface.value(pts)
    lo, hi = eig2(surface.hessian(pts))

    found = []
    for i in np.argsort(values, kind="stable"):
        p = pts[i]
        if any(math.hypot(p[0] - q.x, p[1] - q.y) <= 1e-6 * width for q in found):
            continue
        found.append(
            CriticalPoint(
                float(p[0]),
                float(p[1]),
                _kind(lo[i], hi[i], 1e-6 * max(1.0, h_scale)),
                (float(lo[i]), float(hi[i])),
                float(values[i]),
            )
        )
    return found


def _kind(lo, hi, tol):
    if lo > tol:
        return "minimum"
    if hi < -tol:
        return "maximum"
    if lo < -tol and hi > tol:
        return "saddle"
    return "degenerate"


def _finite_median(a):
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else 1.0


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def polish(surface, points, tol=1e-3):
    """Refine approximate critical points (e.g. published to 4-6 digits) with Newton.

    Parameters
    ----------
    surface : Surface
    points : list of (float, float)
    tol : float
        A refined point is kept only if it moved less than this; otherwise (no
        convergence, or a non-smooth point such as Ackley's cusp) the input is kept.

    Returns
    -------
    list of (float, float)
    """
    if not points:
        return []
    pts = np.asarray(points, dtype=np.float64)
    new = _newton(surface, pts, iterations=20, max_step=tol)
    good = np.isfinite(new).all(axis=1) & (np.hypot(*(new - pts).T) < tol)
    good &= np.isfinite(surface.grad(new)).all(axis=1)
    out = np.where(good[:, None], new, pts)
    return [(float(a), float(b)) for a, b in out]


def _nice_floor(v):
    """Round ``v > 0`` down to two significant digits (0.0047 rather than 0.004731)."""
    exponent = math.floor(math.log10(v)) - 1
    mantissa = math.floor(v / 10.0**exponent)
    return float(f"{mantissa}e{exponent}")  # via text: 4.7e-4, not 0.00047000000000000004


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def suggest_lr(surface, start, *, minima=(), domain=None, target=1.0, steps=200):
    """Suggest a plain gradient-descent learning rate for a start point.

    The rate is ``target / L`` where ``L`` is the largest Hessian eigenvalue met along
    the descent path from ``start`` (and at the known minima, where the path ends).
    ``target = 1`` damps the stiffest direction critically; values up to 2 are stable
    but zig-zag (that is the point of the canyon); smaller values creep. The path
    depends on the rate, so the estimate is repeated until ``L`` stops growing.

    Parameters
    ----------
    surface : Surface
        Anything with vectorized ``grad`` and ``hessian``.
    start : (float, float)
    minima : list of (float, float)
    domain : ((xmin, xmax), (ymin, ymax)), optional
        Path points outside twice this box are ignored (saddles send GD away).
    target : float
        Desired ``lr * λmax`` along the path, in (0, 2).
    steps : int
        Length of the probe path.

    Returns
    -------
    float
    """
    probe = np.asarray([start, *minima], dtype=np.float64)
    curvature = _max_curvature(surface, probe)
    if curvature <= 0:
        # No positive curvature near the start: size steps by the gradient instead so a
        # step moves about 1% of the box.
        (x0, x1), (y0, y1) = domain or ((-3.0, 3.0), (-3.0, 3.0))
        g = float(np.hypot(*surface.grad(probe[:1])[0]))
        curvature = g / (0.01 * max(x1 - x0, y1 - y0)) if g > 0 else 1.0
    for _ in range(4):
        lr = target / curvature
        path = _gd_path(surface, start, lr, steps, domain)
        new = max(curvature, _max_curvature(surface, path))
        if new <= 1.01 * curvature:
            break
        curvature = new
    lr = target / curvature
    if not (np.isfinite(lr) and lr > 0):  # e.g. 10^400*x: inf gradient everywhere
        return 1e-3
    return _nice_floor(min(max(lr, 1e-300), 1.0))


def _max_curvature(surface, pts):
    if len(pts) == 0:
        return 0.0
    _, hi = eig2(surface.hessian(pts))
    hi = hi[np.isfinite(hi)]
    return float(hi.max()) if hi.size else 0.0


def _gd_path(surface, start, lr, steps, domain):
    """Plain GD from ``start``; stops at non-finite points or beyond twice the box."""
    p = np.asarray([start], dtype=np.float64)
    if domain is not None:
        (x0, x1), (y0, y1) = domain
        cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0), (y1 - y0)
    path = [p[0]]
    for _ in range(steps):
        p = p - lr * surface.grad(p)
        if not np.isfinite(p).all():
            break
        if domain is not None and (abs(p[0, 0] - cx) > hx or abs(p[0, 1] - cy) > hy):
            break
        path.append(p[0])
    return np.asarray(path)


def grid_values(surface, domain, n=61):
    """Values on an ``n x n`` grid over ``domain`` (flattened, finite ones only)."""
    (x0, x1), (y0, y1) = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    v = surface.value(np.stack([gx, gy], axis=-1)).ravel()
    return v[np.isfinite(v)]


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def suggest_view(surface, domain):
    """Suggest ``(log_z, z_clip)`` for drawing a surface over ``domain``.

    Log colouring when values are non-negative and span more than ~2.5 decades;
    clipping at the 98th percentile when a few spikes (poles such as 1/x) dwarf the rest.

    Returns
    -------
    (bool, float or None)
    """
    v = grid_values(surface, domain)
    if v.size == 0:
        return False, None
    lo, q05, q98, hi = np.quantile(v, [0.0, 0.05, 0.98, 1.0])
    log_z = bool(lo >= 0 and hi > 300 * max(q05, 1e-12 * hi, 1e-300))
    z_clip = None
    if not log_z and hi - q98 > 10 * (q98 - lo) and q98 > lo:
        z_clip = float(q98)
    return log_z, z_clip


@np.errstate(all="ignore")  # NaN/inf from the surface propagate silently
def suggest_start(surface, domain):
    """Suggest a start point for a surface without a hand-picked one.

    Candidates sit on a ring at 75% of the way from the box centre to its edge; the
    highest one that is not an outlier peak (value at most the 90th percentile of the
    box) and has a finite, non-zero gradient wins, so there is a descent to watch.

    Returns
    -------
    (float, float)
    """
    (x0, x1), (y0, y1) = domain
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False) + np.pi / 16
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ring = np.stack(
        [cx + 0.75 * (x1 - x0) / 2 * np.cos(angles), cy + 0.75 * (y1 - y0) / 2 * np.sin(angles)],
        axis=1,
    )
    values = surface.value(ring)
    g = surface.grad(ring)
    ok = np.isfinite(values) & np.isfinite(g).all(axis=1) & (np.hypot(*g.T) > 0)
    v = grid_values(surface, domain)
    if v.size:
        ok &= values <= np.quantile(v, 0.9)
    if not ok.any():
        return (float(ring[0, 0]), float(ring[0, 1]))
    best = np.flatnonzero(ok)[np.argmax(values[ok])]
    return (float(ring[best, 0]), float(ring[best, 1]))


def minima_in_view(surface) -> list[tuple[float, float]]:
    """Return the surface's known minima, else the minima found numerically in its box.

    Parameters
    ----------
    surface : Surface

    Returns
    -------
    list of (float, float)
    """
    if surface.minima:
        return list(surface.minima)
    return [(p.x, p.y) for p in critical_points(surface) if p.kind == "minimum"]


def curvatures(surface, xy):
    """Return the Hessian's eigenvalues at ``xy``, smallest first.

    Parameters
    ----------
    surface : Surface
    xy : (float, float)

    Returns
    -------
    ndarray, shape (2,)
    """
    return np.linalg.eigvalsh(surface.hessian(np.array([xy], dtype=float))[0])
