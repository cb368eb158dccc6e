"""Issue 12, defects 8, 9 and 10: numbers at the edges of float64."""

import warnings

import numpy as np
import pytest

import optimizers
import surfaces
from figures.payload import Run
from figures.static import distance_figure


def test_scaled_gradient_norm_does_not_overflow():
    # Defect 8: point, value and gradient are finite (|g| ~ 1e163) but g*g overflows;
    # the runner's norm is scaled.
    traj = optimizers.run(
        surfaces.parse("x^1000+y^1000"), optimizers.make("gd", lr=1e-300), [[1.45, 0]], 10
    )
    assert traj.diverged_at[0] != 0
    assert np.isfinite(traj.grad_norms[0, 0])


def test_distance_figure_does_not_overflow_on_huge_coordinates():
    # Defect 9: squares of coordinates above ~1e154 overflowed inside sqrt(sum(d**2)).
    points = np.array([[3.0, 4.0], [1e200, 1e200], [1e308, 1e308]])
    run = Run("gd", "#000000", points, np.zeros(3), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning fails the test
        fig = distance_figure([run], [(0.0, 0.0)], log_y=False)
    y = np.asarray(fig["data"][0]["y"], dtype=float)
    assert y[0] == pytest.approx(5.0)
    assert y[1] == pytest.approx(np.sqrt(2) * 1e200)
    assert y[2] == pytest.approx(np.sqrt(2) * 1e308)  # finite: hypot does not overflow


@pytest.mark.parametrize(
    ("surface", "start"),
    [
        (lambda: surfaces.parse("x^4+y^4"), (0.0, 0.0)),
        (lambda: surfaces.get("monkey_saddle"), (0.0, 0.0)),
    ],
)
def test_newton_on_a_critical_point_with_singular_hessian_stays(surface, start):
    traj = optimizers.run(surface(), optimizers.make("newton"), [start], 5)
    assert traj.diverged_at[0] == -1
    np.testing.assert_array_equal(traj.points[0], np.zeros((6, 2)))


def test_ackley_has_a_subgradient_at_its_cusp():
    ackley = surfaces.get("ackley")
    g = ackley.grad(np.array([[0.0, 0.0], [0.5, -0.5]]))
    np.testing.assert_array_equal(g[0], [0.0, 0.0])
    assert np.isfinite(g).all() and np.abs(g[1]).sum() > 0
    traj = optimizers.run(ackley, optimizers.make("adam", lr=0.1), [[0.0, 0.0]], 5)
    assert traj.diverged_at[0] == -1
