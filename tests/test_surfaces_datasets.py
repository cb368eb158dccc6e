"""Dataset-backed surfaces: full-batch derivatives, per-sample gradients, scaling."""

import numpy as np
import pytest
import sympy as sp

import surfaces
from surfaces import datasets
from tests.test_surfaces import fd_grad, random_points

DATASETS = ["linear_regression", "logistic_regression"]


def assert_matches_fd(surface, xy, rtol=1e-5):
    h = 1e-5 * max(b - a for a, b in surface.domain)
    g, hess = surface.grad(xy), surface.hessian(xy)
    np.testing.assert_allclose(
        g, fd_grad(surface.value, xy, h), rtol=rtol, atol=rtol * abs(g).max()
    )
    np.testing.assert_allclose(
        hess, fd_grad(surface.grad, xy, h), rtol=rtol, atol=rtol * abs(hess).max()
    )


VARIANTS = [
    ("linear_regression", {}),
    ("linear_regression", {"unscaled": True}),
    ("linear_regression", {"n_samples": 7, "noise": 0.0, "seed": 3}),
    ("logistic_regression", {}),
    ("logistic_regression", {"n_samples": 500, "noise": 0.4, "l2": 1e-4}),
]


@pytest.mark.parametrize(("name", "params"), VARIANTS)
def test_derivatives_match_finite_differences(name, params):
    surface = surfaces.get(name, **params)
    assert_matches_fd(surface, random_points(surface, n=20))


@pytest.mark.parametrize(("name", "params"), VARIANTS)
def test_gradient_vanishes_at_the_minimum(name, params):
    surface = surfaces.get(name, **params)
    (minimum,) = surface.minima
    assert np.hypot(*surface.grad(np.array([minimum]))[0]) < 1e-9
    lo, _ = np.linalg.eigvalsh(surface.hessian(np.array([minimum]))[0])
    assert lo > 0  # strictly convex: a true minimum


@pytest.mark.parametrize(("name", "params"), VARIANTS)
def test_sample_grad_over_all_samples_is_the_full_gradient(name, params):
    surface = surfaces.get(name, **params)
    xy = random_points(surface, n=6)
    idx = np.tile(np.arange(surface.n_samples), (len(xy), 1))
    np.testing.assert_allclose(
        surface.sample_grad(xy, idx), surface.grad(xy), rtol=1e-12, atol=1e-12
    )
    # Order and repetition of whole passes do not matter.
    idx = np.tile(np.arange(surface.n_samples)[::-1], (len(xy), 2))
    np.testing.assert_allclose(
        surface.sample_grad(xy, idx), surface.grad(xy), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("name", DATASETS)
def test_minibatch_gradient_is_unbiased(name):
    surface = surfaces.get(name)
    point = np.array(surface.start)
    n_batches, batch = 20_000, 4
    rng = np.random.default_rng(0)
    idx = rng.integers(0, surface.n_samples, size=(n_batches, batch))  # with replacement
    g = surface.sample_grad(np.tile(point, (n_batches, 1)), idx)  # one batch per row
    full = surface.grad(point[None])[0]
    stderr = g.std(axis=0) / np.sqrt(n_batches)
    assert (np.abs(g.mean(axis=0) - full) < 5 * stderr).all()
    assert (g.std(axis=0) > 0).all()  # and a single batch is noisy


@pytest.mark.parametrize("name", DATASETS)
def test_sample_grad_of_one_sample_is_that_samples_gradient(name):
    surface = surfaces.get(name, n_samples=10)
    w = np.array([[0.7, -0.4]])
    if name == "linear_regression":
        u, t = datasets.linear_data(10, 1.0, 0, False)
        r = w[0, 0] * u[3] + w[0, 1] - t[3]
        expected = [2 * r * u[3], 2 * r]
    else:
        u, t = datasets.logistic_data(10, 1.0, 0)
        m = t[3] * (u[3] @ w[0])
        expected = -t[3] * u[3] / (1 + np.exp(m)) + 0.01 * w[0]
    np.testing.assert_allclose(surface.sample_grad(w, np.array([[3]]))[0], expected, rtol=1e-12)


def test_unscaled_feature_turns_the_bowl_into_a_canyon():
    scaled = surfaces.get("linear_regression")
    unscaled = surfaces.get("linear_regression", unscaled=True)
    k_scaled = surfaces.condition_number(scaled, scaled.minima[0])
    k_unscaled = surfaces.condition_number(unscaled, unscaled.minima[0])
    assert k_scaled == pytest.approx(1.0, abs=1e-9)  # standardized: a round bowl
    assert k_unscaled > 50 * k_scaled
    assert unscaled.lr < scaled.lr / 10  # the steep wall forces small steps


def test_linear_regression_minimum_is_least_squares():
    surface = surfaces.get("linear_regression", unscaled=True, n_samples=40, seed=5)
    u, t = datasets.linear_data(40, 1.0, 5, True)
    slope, intercept = np.polyfit(u, t, 1)
    assert surface.minima[0] == pytest.approx((slope, intercept), rel=1e-10)
    mse = np.mean((slope * u + intercept - t) ** 2)
    assert surface.value(np.array([surface.minima[0]]))[0] == pytest.approx(mse, rel=1e-10)


def test_logistic_value_is_mean_log_loss_plus_l2():
    surface = surfaces.get("logistic_regression", n_samples=50, l2=0.1)
    u, t = datasets.logistic_data(50, 1.0, 0)
    w = np.array([0.3, -1.2])
    expected = np.mean(np.log1p(np.exp(-t * (u @ w)))) + 0.05 * (w @ w)
    assert surface.value(w[None])[0] == pytest.approx(expected, rel=1e-12)
    # Far away the margins are huge: still finite, no overflow.
    far = surface.value(np.array([[1e6, -1e6]]))
    assert np.isfinite(far).all()


def test_datasets_are_deterministic_per_seed():
    a = surfaces.get("logistic_regression", seed=1)
    datasets.ENTRIES["logistic_regression"].build.cache_clear()
    b = surfaces.get("logistic_regression", seed=1)
    c = surfaces.get("logistic_regression", seed=2)
    assert a is not b and a.minima == b.minima
    assert c.minima != a.minima


def test_dataset_surfaces_expose_samples_and_symbols():
    for name in DATASETS:
        surface = surfaces.get(name, n_samples=30)
        assert surface.n_samples == 30
        assert isinstance(surface.expr, sp.Expr)
        assert {"x", "y"} <= {s.name for s in surface.expr.free_symbols}
    assert surfaces.get("logistic_regression").expr.has(sp.Sum)  # display-only sum
    latex = surfaces.get("linear_regression").latex["f"]
    assert r"\sum" in latex and "w" in latex


def test_large_batches_are_chunked_without_changing_results():
    surface = surfaces.get("logistic_regression", n_samples=1000)
    xy = random_points(surface, n=5000)
    v = surface.value(xy)  # 5000 x 1000 > one chunk
    np.testing.assert_allclose(v[:7], surface.value(xy[:7]), rtol=1e-14)
    np.testing.assert_allclose(surface.hessian(xy)[-3:], surface.hessian(xy[-3:]), rtol=1e-14)
