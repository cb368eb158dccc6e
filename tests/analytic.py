"""Hand-written NumPy test surfaces (no sympy), shared by tests and benchmarks.

``Rosenbrock`` is written exactly as tests/fixtures/make_torch_fixtures.py writes it in
torch, so the torch conformance test can compare trajectories to 1e-10; the engine
benchmark uses it too, to time the optimizers without the lambdified wrappers. Tests
never import benchmarks; benchmarks may import this.
"""

import numpy as np


class Rosenbrock:
    """f = (1 - x)² + 100 (y - x²)², with its gradient and Hessian, vectorized over (N, 2)."""

    def value(self, xy):
        """Return f at each row of ``xy``, shape (N,)."""
        x, y = xy[:, 0], xy[:, 1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def grad(self, xy):
        """Return ∇f at each row of ``xy``, shape (N, 2)."""
        x, y = xy[:, 0], xy[:, 1]
        r = y - x * x
        g = np.empty_like(xy)
        g[:, 0] = -2 * (1 - x) - 400 * x * r
        g[:, 1] = 200 * r
        return g

    def hessian(self, xy):
        """Return the Hessian at each row of ``xy``, shape (N, 2, 2)."""
        x, y = xy[:, 0], xy[:, 1]
        h = np.empty((len(xy), 2, 2))
        h[:, 0, 0] = 2 - 400 * (y - 3 * x * x)
        h[:, 0, 1] = h[:, 1, 0] = -400 * x
        h[:, 1, 1] = 200
        return h
