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
