"""The stability map against closed forms and against actual runs."""

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import stability


def heavy_ball_radius(lam, lr, mu):
    """Closed form: roots of z² − (1 + μ − γλ) z + μ, the largest modulus over λ."""
    b = 1 + mu - lr * lam[:, None, None]
    disc = np.sqrt((b**2 - 4 * mu).astype(complex))
    return np.maximum(abs((b + disc) / 2), abs((b - disc) / 2)).max(axis=0)


def test_gd_edge_is_two_over_lambda_max():
    hess = surfaces.get("d2l_bowl").hessian(np.zeros((1, 2)))[0]  # x² + 2y²: λ = 2, 4
    lrs = np.linspace(0.01, 1.0, 100)
    m = stability.stability_map("gd", {}, hess, lrs)
    assert m.gd_edge == pytest.approx(0.5) and m.y_name is None
    np.testing.assert_allclose(m.radius[0], np.abs(1 - np.outer(lrs, [2, 4])).max(axis=1))
    assert ((m.radius[0] < 1) == (lrs < 0.5)).all()


def test_heavy_ball_matches_its_closed_form():
    hess = np.diag([0.2, 4.0])
    lrs, mus = np.linspace(0.01, 1.2, 40), np.linspace(0.0, 0.98, 30)
    m = stability.stability_map("momentum", {}, hess, lrs, mus)
    lr, mu = np.meshgrid(lrs, mus)
    np.testing.assert_allclose(m.radius, heavy_ball_radius(np.array([0.2, 4.0]), lr, mu),
                               atol=1e-6)  # fmt: skip
    # The known region: stable iff γ λ_max < 2 (1 + μ).
    inside = lr * 4.0 < 2 * (1 + mu)
    margin = np.abs(lr * 4.0 - 2 * (1 + mu)) > 1e-3
    assert ((m.radius < 1) == inside)[margin].all()


def test_every_covered_optimizer_is_mapped_and_others_refused():
    hess = np.diag([1.0, 3.0])
    for name in stability.COVERED:
        m = stability.stability_map(name, {}, hess, [0.1, 0.5, 1.0], [0.5, 0.9])
        assert m.radius.shape == ((1 if m.y_name is None else 2), 3)
        assert np.isfinite(m.radius).all()
    with pytest.raises(ValueError, match="covers gd"):
        stability.stability_map("adam", {}, hess, [0.1])
    with pytest.raises(ValueError, match="finite 2 x 2"):
        stability.stability_map("gd", {}, [[np.nan, 0], [0, 1]], [0.1])


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov", "sgd"])
def test_map_predicts_actual_runs_on_a_quadratic(name):
    """Inside (ρ < 0.97) the run converges, outside (ρ > 1.03) it diverges."""
    surface = surfaces.get("d2l_elongated")
    hess = surface.hessian(np.zeros((1, 2)))[0]
    lrs, ys = np.geomspace(0.05, 2.0, 12), np.array([0.0, 0.5, 0.9])
    m = stability.stability_map(name, {}, hess, lrs, ys)
    checked = 0
    for i, y in enumerate(m.ys):
        for j, lr in enumerate(lrs):
            rho = m.radius[i, j]
            if 0.97 <= rho <= 1.03 or (rho < 1 and rho**1500 > 1e-6):
                continue
            hp = {"lr": lr} | ({} if m.y_name is None else {m.y_name: y})
            if name == "sgd" and y == 0:
                continue
            traj = optimizers.run(surface, optimizers.make(name, **hp), [[-5.0, -2.0]], 1500,
                                  escape_radius=1e4)  # fmt: skip
            if rho < 1:
                assert traj.diverged_at[0] == -1 and np.abs(traj.points[0, -1]).max() < 1e-3
            else:
                assert traj.diverged_at[0] > 0, (name, lr, y, rho)
            checked += 1
    assert checked >= (5 if m.y_name is None else 15)


def test_map_predicts_runs_near_a_minimum_of_a_non_quadratic():
    surface = surfaces.get("himmelblau")
    minimum = np.array([[3.0, 2.0]])
    hess = surface.hessian(minimum)[0]
    m = stability.stability_map("momentum", {}, hess, [0.25 * m_ for m_ in (0.1, 0.5)], [0.5])
    edge = 2 * 1.5 / np.linalg.eigvalsh(hess)[-1]  # γ λ_max < 2 (1 + μ)
    for lr in (0.5 * edge, 1.3 * edge):
        one = stability.stability_map("momentum", {}, hess, [lr], [0.5]).radius[0, 0]
        traj = optimizers.run(surface, optimizers.make("momentum", lr=lr, momentum=0.5),
                              minimum + 1e-3, 2000, escape_radius=1e3)  # fmt: skip
        near = traj.diverged_at[0] == -1 and np.abs(traj.points[0, -1] - minimum[0]).max() < 1e-6
        assert near == (one < 1)
    assert m.radius.shape == (1, 2)


def test_a_hundred_by_hundred_grid_is_vectorised():
    lrs, mus = np.linspace(0.001, 0.5, 100), np.linspace(0, 0.99, 100)
    m = stability.stability_map("nesterov", {}, np.diag([1.0, 10.0]), lrs, mus)
    assert m.radius.shape == (100, 100) and np.isfinite(m.radius).all()
