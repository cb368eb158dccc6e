"""Finite-difference checks shared by the surface tests (built-ins and datasets)."""

import numpy as np


def random_points(surface, n=25, seed=0):
    """Return n uniform random points in the surface's box, shape (n, 2)."""
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=1)


def fd_grad(fn, xy, h):
    """Central differences of fn ((N,2)->(N,...)) along x and y, stacked on the last axis."""
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    dx = (fn(xy + ex) - fn(xy - ex)) / (2 * h)
    dy = (fn(xy + ey) - fn(xy - ey)) / (2 * h)
    return np.stack([dx, dy], axis=-1)


def assert_matches_fd(surface, xy, rtol=1e-5, *, floor=1.0):
    """Check grad and hessian against central differences of value and grad.

    The absolute tolerance is ``rtol * max(floor, largest |entry|)``: ``floor=1`` for
    surfaces of order-one values, ``floor=0`` to scale it with the derivatives alone
    (the dataset surfaces, whose gradients can be tiny). The Hessian must be symmetric.
    """
    h = 1e-5 * max(b - a for a, b in surface.domain)
    g = surface.grad(xy)
    scale = max(floor, float(np.abs(g).max()))
    np.testing.assert_allclose(g, fd_grad(surface.value, xy, h), rtol=rtol, atol=rtol * scale)
    hess = surface.hessian(xy)
    h_fd = fd_grad(surface.grad, xy, h)  # [..., i, j] = d g_i / d x_j
    scale = max(floor, float(np.abs(hess).max()))
    np.testing.assert_allclose(hess, h_fd, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(hess, np.swapaxes(hess, -1, -2), rtol=1e-12, atol=1e-12 * scale)
