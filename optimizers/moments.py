"""Building blocks shared by the optimizers, written the way torch.optim computes them.

The order of floating-point operations follows torch's single-tensor CPU code, so the
trajectories agree with torch to rounding (about 1e-15 per step) rather than merely in
exact arithmetic. Every function returns a new array and leaves its inputs alone.
"""

import numpy as np

from .base import nonzero, per_row_where


def add_weight_decay(grads, params, weight_decay):
    """Return ``g + λθ`` (L2 weight decay folded into the gradient), or ``g`` if λ = 0.

    Parameters
    ----------
    grads, params : ndarray, shape (N, 2)
    weight_decay : float or ndarray, shape (N, 1)

    Returns
    -------
    ndarray, shape (N, 2)
    """
    return grads + weight_decay * params if nonzero(weight_decay) else grads


def lerp(start, end, weight):
    """Return ``start + weight (end - start)`` computed as ``torch.lerp`` does.

    torch switches to ``end - (end - start)(1 - weight)`` for weights >= 0.5, which
    rounds differently; matching it keeps the moving averages bit-compatible.

    Parameters
    ----------
    start, end : ndarray
    weight : float or ndarray, shape (N, 1)

    Returns
    -------
    ndarray
    """
    if isinstance(weight, np.ndarray):  # per-row weights: each row takes torch's branch
        return per_row_where(
            np.abs(weight) < 0.5,
            lambda: (end - start) * weight + start,
            lambda: (end - start) * (weight - 1.0) + end,
        )
    out = end - start
    if abs(weight) < 0.5:
        out *= weight
        out += start
    else:
        out *= weight - 1.0
        out += end
    return out


def ema_sq(nu, grads, beta):
    """Return the moving average of squares ``β ν + (1 - β) g²`` (torch's op order).

    Parameters
    ----------
    nu, grads : ndarray
    beta : float

    Returns
    -------
    ndarray
    """
    out = nu * beta
    square = grads * (1.0 - beta)
    square *= grads
    out += square
    return out


def ema(mu, grads, decay):
    """Return the moving average ``(1 - d) g + d μ`` the way optax writes it.

    Parameters
    ----------
    mu, grads : ndarray
    decay : float

    Returns
    -------
    ndarray
    """
    out = grads * (1.0 - decay)
    out += decay * mu
    return out


_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitter for float64


def _two_product(a, b):
    """Return ``p, e`` with ``p = fl(a b)`` and ``p + e = a b`` exactly (Dekker)."""
    p = a * b
    ca, cb = _SPLIT * a, _SPLIT * b
    a_hi = ca - (ca - a)
    b_hi = cb - (cb - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def fma(a, b, c):
    """Return ``a b + c`` with one rounding, as torch's fused CPU kernels compute it.

    torch's ``add(x, alpha=a)``, ``addcmul`` and ``addcdiv`` use fused multiply-adds;
    NumPy has none. Dekker's exact product plus a compensated sum reproduces the fused
    result (a last-bit difference remains possible in rare ties), which keeps methods
    whose scalars feed back into the step (Prodigy's d) bit-close to the reference.

    Parameters
    ----------
    a, b, c : ndarray or float
        Broadcastable float64 operands.

    Returns
    -------
    ndarray
    """
    p, e = _two_product(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    s = p + c
    bp = s - p
    t = (p - (s - bp)) + (c - bp)
    return s + (t + e)
