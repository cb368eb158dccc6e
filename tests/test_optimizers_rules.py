"""Shampoo and Muon on a vector against their published update rules.

No reference package runs them on a 2-vector in float64 (torch.optim.Muon runs its
Newton-Schulz iteration in bfloat16), so the checks are closed-form first steps, a plain
per-row re-statement of each published rule over 100 steps, and the property the lesson
on axis dependence relies on: rotating the surface rotates the path.
"""

import math

import numpy as np
import pytest

import optimizers
from optimizers.muon import NS_COEFFICIENTS, newton_schulz_length
from tests.test_optimizers_torch import Rosenbrock, RotatedQuadratic

THETA = np.array([[0.3, -1.2], [2.0, 0.5]])
G = np.array([[0.7, -0.02], [-3.0, 1e-3]])


def test_shampoo_first_step_closed_form():
    # G₁ = εI + g gᵀ has g as an eigenvector with eigenvalue ε + |g|²,
    # so G₁^{-1/2} g = g / √(ε + |g|²).
    opt = optimizers.make("shampoo", lr=0.1, eps=1e-4)
    step, _ = opt.update(G, opt.init(THETA), THETA, 0.1)
    norm2 = (G * G).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(step, -0.1 * G / np.sqrt(1e-4 + norm2), rtol=1e-12)


def test_muon_first_step_closed_form():
    # b₁ = (1 − μ) g, u₁ = (1 − μ) g + μ b₁ ∥ g, so the step is −γ ν g / |g|.
    opt = optimizers.make("muon", lr=0.05, momentum=0.9)
    step, _ = opt.update(G, opt.init(THETA), THETA, 0.05)
    unit = G / np.linalg.norm(G, axis=1, keepdims=True)
    # θ₁ − θ₀ loses a few digits where θ₀ is large and the step tiny: atol for that.
    np.testing.assert_allclose(step, -0.05 * newton_schulz_length() * unit, rtol=1e-12, atol=1e-16)
    assert 0.6 < newton_schulz_length() < 1.3


def shampoo_rule(surface, start, lr, eps, steps):
    theta, stats = np.array(start, dtype=float), eps * np.eye(2)
    path = [theta.copy()]
    for _ in range(steps):
        g = surface.grad(theta[None])[0]
        stats = stats + np.outer(g, g)
        w, v = np.linalg.eigh(stats)
        theta = theta - lr * (v @ np.diag(w**-0.5) @ v.T @ g)
        path.append(theta.copy())
    return np.array(path)


def muon_rule(surface, start, lr, momentum, nesterov, weight_decay, steps):
    a, b, c = NS_COEFFICIENTS
    theta, buf = np.array(start, dtype=float), np.zeros(2)
    path = [theta.copy()]
    for _ in range(steps):
        g = surface.grad(theta[None])[0]
        buf = momentum * buf + (1 - momentum) * g
        u = (1 - momentum) * g + momentum * buf if nesterov else buf
        x = u / max(math.hypot(*u), 1e-7)
        for _ in range(5):
            s = x @ x
            x = a * x + (b * s + c * s * s) * x
        theta = theta * (1 - lr * weight_decay) - lr * x
        path.append(theta.copy())
    return np.array(path)


SURFACES = [Rosenbrock(), RotatedQuadratic(math.pi / 6, (1.0, 10.0), (0.5, -0.25))]
STARTS = np.array([[-1.5, 2.0], [0.5, -0.5], [2.0, 1.0]])


@pytest.mark.parametrize("surface", SURFACES, ids=["rosenbrock", "quadratic"])
@pytest.mark.parametrize(("lr", "eps"), [(0.1, 1e-4), (0.5, 1e-2)])
def test_shampoo_follows_its_rule(surface, lr, eps):
    traj = optimizers.run(surface, optimizers.make("shampoo", lr=lr, eps=eps), STARTS, 100)
    for row, start in enumerate(STARTS):
        expected = shampoo_rule(surface, start, lr, eps, 100)
        assert np.abs(traj.points[row] - expected).max() <= 1e-10 * max(1, np.abs(expected).max())


@pytest.mark.parametrize("surface", SURFACES, ids=["rosenbrock", "quadratic"])
@pytest.mark.parametrize(
    "hp",
    [
        {"lr": 0.01, "momentum": 0.95, "nesterov": True, "weight_decay": 0.0},
        {"lr": 0.03, "momentum": 0.5, "nesterov": False, "weight_decay": 0.1},
    ],
)
def test_muon_follows_its_rule(surface, hp):
    traj = optimizers.run(surface, optimizers.make("muon", **hp), STARTS, 100)
    for row, start in enumerate(STARTS):
        expected = muon_rule(surface, start, steps=100, **hp)
        assert np.abs(traj.points[row] - expected).max() <= 1e-10 * max(1, np.abs(expected).max())


@pytest.mark.parametrize(
    ("name", "invariant"),
    [("shampoo", True), ("muon", True), ("gd", True), ("adam", False), ("rmsprop", False)],
)
def test_rotating_the_surface_rotates_the_path_only_for_axis_free_methods(name, invariant):
    angle = 0.7
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    plain = RotatedQuadratic(0.0, (1.0, 20.0), (0.0, 0.0))
    turned = RotatedQuadratic(angle, (1.0, 20.0), (0.0, 0.0))
    start = np.array([[2.0, 1.0]])
    opt = optimizers.make(name, lr=0.02)
    a = optimizers.run(plain, opt, start, 60).points[0]
    b = optimizers.run(turned, opt, start @ rot.T, 60).points[0]
    gap = np.abs(a @ rot.T - b).max()
    assert (gap < 1e-9) == invariant, gap


def lookahead_rule(surface, start, inner, k, alpha, steps):
    """Zhang et al. 2019, Algorithm 1, with the inner optimizer run one row at a time."""
    theta = np.array([start], dtype=float)
    slow, state = theta.copy(), inner.init(theta)
    path = [theta[0].copy()]
    for t in range(1, steps + 1):
        q = theta if inner.lookahead is None else inner.lookahead(theta, state)
        step, state = inner.update(surface.grad(q), state, theta, inner.hp["lr"])
        theta = theta + step
        if t % k == 0:
            slow = slow + alpha * (theta - slow)
            theta = slow.copy()
        path.append(theta[0].copy())
    return np.array(path)


@pytest.mark.parametrize(
    ("inner", "k", "alpha"),
    [
        (("adam", {"lr": 0.05}), 5, 0.5),
        (("sgd", {"lr": 2e-4, "momentum": 0.9}), 3, 0.8),
        (("nesterov", {"lr": 2e-4, "momentum": 0.9}), 6, 0.3),
        (("schedulefree_sgd", {"lr": 5e-4}), 4, 0.5),
    ],
)
@pytest.mark.parametrize("surface", SURFACES, ids=["rosenbrock", "quadratic"])
def test_lookahead_wraps_any_optimizer_by_its_rule(surface, inner, k, alpha):
    from optimizers.lookahead import wrap

    base = optimizers.make(inner[0], **inner[1])
    traj = optimizers.run(surface, wrap(base, k, alpha), STARTS, 100)
    assert (traj.diverged_at == -1).all()
    for row, start in enumerate(STARTS):
        expected = lookahead_rule(surface, start, base, k, alpha, 100)
        assert np.abs(traj.points[row] - expected).max() <= 1e-10 * max(1, np.abs(expected).max())


def test_lookahead_first_sync_closed_form():
    # With GD inside and k = 2: two fast steps θ₀ → θ₂, then φ = θ₀ + α(θ₂ − θ₀).
    from optimizers.lookahead import wrap

    surface = RotatedQuadratic(0.0, (1.0, 4.0), (0.0, 0.0))  # gradient (x, 4y)
    opt = wrap(optimizers.make("gd", lr=0.1), k=2, alpha=0.5)
    traj = optimizers.run(surface, opt, np.array([[1.0, 1.0]]), 2)
    fast = np.array([1.0, 1.0]) * np.array([0.9, 0.6]) ** 2
    np.testing.assert_allclose(traj.points[0, 2], 1.0 + 0.5 * (fast - 1.0), rtol=1e-14)
    registered = optimizers.make("lookahead", lr=0.01, k=2, alpha=0.5)
    plain = optimizers.run(surface, optimizers.make("adam", lr=0.01), np.array([[1.0, 1.0]]), 2)
    ours = optimizers.run(surface, registered, np.array([[1.0, 1.0]]), 2)
    np.testing.assert_array_equal(ours.points[0, 1], plain.points[0, 1])
    np.testing.assert_allclose(
        ours.points[0, 2], 1.0 + 0.5 * (plain.points[0, 2] - 1.0), rtol=1e-14
    )
