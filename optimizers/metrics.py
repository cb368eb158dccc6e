"""Measures of a path (plain NumPy): how long, how much it zig-zags, where it is along a line.

The lessons' notes and claims use these; they take the ``points`` of a run (n, 2).
"""

import numpy as np


def path_length(points) -> float:
    """Total length of a path (finite segments only).

    Parameters
    ----------
    points : ndarray, shape (n, 2)

    Returns
    -------
    float
    """
    seg = np.linalg.norm(np.diff(np.asarray(points, dtype=float), axis=0), axis=1)
    return float(seg[np.isfinite(seg)].sum())


def reversals(values) -> int:
    """Count the direction changes of a 1-D sequence (a zig-zag measure).

    Parameters
    ----------
    values : array_like
        E.g. the y coordinate of a path across a canyon.

    Returns
    -------
    int
        How often the sign of the step changes (zero steps are skipped).
    """
    d = np.diff(np.asarray(values, dtype=float))
    d = d[np.isfinite(d) & (np.abs(d) > 1e-12)]
    return int(np.count_nonzero(np.diff(np.sign(d))))


def along(points, start, target):
    """Signed position of each point on the line from ``start`` to ``target``.

    Parameters
    ----------
    points : ndarray, shape (n, 2)
    start, target : (float, float)

    Returns
    -------
    ndarray, shape (n,)
        Negative before ``target``, 0 at it, positive past it (an overshoot).
    """
    start, target = np.asarray(start, dtype=float), np.asarray(target, dtype=float)
    u = (target - start) / np.linalg.norm(target - start)
    return (np.asarray(points, dtype=float) - target) @ u
