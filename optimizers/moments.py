"""Building blocks shared by the optimizers, written the way torch.optim computes them.

The order of floating-point operations follows torch's single-tensor CPU code, so the
trajectories agree with torch to rounding (about 1e-15 per step) rather than merely in
exact arithmetic. Every function returns a new array and leaves its inputs alone.
"""


def add_weight_decay(grads, params, weight_decay):
    """Return ``g + λθ`` (L2 weight decay folded into the gradient), or ``g`` if λ = 0.

    Parameters
    ----------
    grads, params : ndarray, shape (N, 2)
    weight_decay : float

    Returns
    -------
    ndarray, shape (N, 2)
    """
    return grads + weight_decay * params if weight_decay else grads


def lerp(start, end, weight):
    """Return ``start + weight (end - start)`` computed as ``torch.lerp`` does.

    torch switches to ``end - (end - start)(1 - weight)`` for weights >= 0.5, which
    rounds differently; matching it keeps the moving averages bit-compatible.

    Parameters
    ----------
    start, end : ndarray
    weight : float

    Returns
    -------
    ndarray
    """
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
