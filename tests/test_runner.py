"""The trajectory runner: shapes, divergence, noise, mini-batches, recording, validation."""

import re
import warnings

import numpy as np
import pytest

import optimizers

pytestmark = pytest.mark.filterwarnings("error")  # the runner must never warn


class Bowl:
    """f = 0.5 (a x² + b y²); with b < 0 it is the saddle."""

    def __init__(self, a=1.0, b=10.0):
        self.a, self.b = a, b
        self.calls = []  # rows passed to grad(), to see that stopped rows are dropped

    def value(self, xy):
        return 0.5 * (self.a * xy[:, 0] ** 2 + self.b * xy[:, 1] ** 2)

    def grad(self, xy):
        self.calls.append(len(xy))
        return xy * [self.a, self.b]

    def hessian(self, xy):
        return np.broadcast_to(np.diag([self.a, self.b]), (len(xy), 2, 2)).copy()


class Cliff(Bowl):
    """A bowl whose gradient is NaN for x > 1 (like a formula leaving its domain)."""

    def grad(self, xy):
        g = super().grad(xy)
        g[xy[:, 0] > 1] = np.nan
        return g


class Regression:
    """Mean squared error of y ≈ a·θ over a tiny dataset: a dataset-backed surface."""

    def __init__(self, n_samples=6, seed=1):
        rng = np.random.default_rng(seed)
        self.a = rng.normal(size=(n_samples, 2))
        self.y = self.a @ [1.0, -2.0] + 0.1 * rng.normal(size=n_samples)
        self.n_samples = n_samples
        self.batches = []

    def _residual(self, xy):
        return xy @ self.a.T - self.y  # (N, n_samples)

    def value(self, xy):
        return 0.5 * (self._residual(xy) ** 2).mean(axis=1)

    def grad(self, xy):
        return self._residual(xy) @ self.a / self.n_samples

    def sample_grad(self, xy, idx):
        self.batches.append(idx)
        r = np.take_along_axis(self._residual(xy), idx, axis=1)  # (N, B)
        return np.einsum("nb,nbi->ni", r, self.a[idx]) / idx.shape[1]


STARTS = np.array([[1.0, 1.0], [-2.0, 0.5], [0.3, -1.5], [4.0, 4.0]])


def test_shapes_and_consistency():
    surface = Bowl()
    traj = optimizers.run(surface, optimizers.make("adam", lr=0.1), STARTS, 25)
    assert traj.points.shape == (4, 26, 2)
    assert traj.values.shape == traj.grad_norms.shape == (4, 26)
    assert traj.diverged_at.shape == (4,) and (traj.diverged_at == -1).all()
    assert traj.lrs.shape == (25,) and (traj.lrs == 0.1).all()
    assert traj.internals == {}
    np.testing.assert_array_equal(traj.points[:, 0], STARTS)
    flat = traj.points.reshape(-1, 2)
    np.testing.assert_allclose(traj.values.ravel(), surface.value(flat), rtol=1e-15)
    np.testing.assert_allclose(
        traj.grad_norms.ravel(), np.linalg.norm(surface.grad(flat), axis=1), rtol=1e-15
    )
    assert (traj.values[:, -1] < traj.values[:, 0]).all()  # it descends


def test_rows_are_independent():
    surface = Bowl()
    opt = optimizers.make("rmsprop", lr=0.05, momentum=0.5)
    together = optimizers.run(surface, opt, STARTS, 40)
    for i, start in enumerate(STARTS):
        alone = optimizers.run(surface, opt, start[None], 40)
        np.testing.assert_array_equal(alone.points[0], together.points[i])


def expected_divergence(start, factor, radius):
    """First step k with |start * factor**k| > radius, for GD on a diagonal quadratic."""
    k, point = 0, np.asarray(start, float)
    while np.hypot(*point) <= radius:
        point, k = point * factor, k + 1
    return k, point


def test_gd_above_the_stability_bound_diverges_and_stops():
    surface = Bowl(a=1.0, b=10.0)  # λmax = 10: GD is stable only for lr < 2 / 10
    lr = 0.25  # y is multiplied by 1 - 10 lr = -1.5 each step, x by 0.75
    starts = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 1e-3]])
    traj = optimizers.run(surface, optimizers.make("gd", lr=lr), starts, 200, escape_radius=1e3)
    factor = np.array([1 - lr * 1.0, 1 - lr * 10.0])
    assert traj.diverged_at[0] == -1  # no y component: converges
    for row in (1, 2):
        k, point = expected_divergence(starts[row], factor, 1e3)
        assert traj.diverged_at[row] == k
        np.testing.assert_allclose(traj.points[row, k], point, rtol=1e-12)  # kept, beyond radius
        assert np.isfinite(traj.points[row, : k + 1]).all()
        assert np.isnan(traj.points[row, k + 1 :]).all()
        assert np.isnan(traj.values[row, k + 1 :]).all()
        assert np.isnan(traj.grad_norms[row, k + 1 :]).all()
    assert np.abs(traj.points[0, -1]).max() < 1e-20


def test_divergence_without_escape_never_warns_and_keeps_going_to_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = optimizers.run(
            Bowl(), optimizers.make("gd", lr=1.0), [[1.0, 1.0]], 2000, escape_radius=np.inf
        )
    k = traj.diverged_at[0]
    assert 0 < k < 2000
    assert not np.isfinite(traj.values[0, k]) or not np.isfinite(traj.grad_norms[0, k])
    assert np.isfinite(traj.points[0, k - 1]).all() and np.isnan(traj.points[0, k + 1 :]).all()


def test_stopped_rows_are_no_longer_computed():
    surface = Bowl(a=1.0, b=10.0)
    starts = np.array([[0.5, 0.0], [0.0, 1.0]])
    traj = optimizers.run(surface, optimizers.make("gd", lr=0.25), starts, 50, escape_radius=10)
    k = traj.diverged_at[1]
    assert traj.diverged_at[0] == -1 and 0 < k < 50
    # grad() sees both rows up to and including step k, then only the survivor.
    assert surface.calls[: k + 1] == [2] * (k + 1)
    assert set(surface.calls[k + 1 :]) == {1}


def test_non_finite_gradient_stops_the_row():
    surface = Cliff(a=-1.0, b=1.0)  # -x²/2 pushes x outwards, past the cliff at x = 1
    traj = optimizers.run(surface, optimizers.make("gd", lr=0.1), [[0.5, 0.2], [-0.5, 0.2]], 30)
    # x_k = 0.5 * 1.1**k first exceeds 1 at k = 8.
    assert traj.diverged_at.tolist() == [8, -1]
    assert np.isnan(traj.grad_norms[0, 8]) and np.isfinite(traj.points[0, 8]).all()
    assert np.isnan(traj.points[0, 9:]).all()


def test_escape_radius_on_the_saddle():
    saddle = Bowl(a=1.0, b=-1.0)
    traj = optimizers.run(saddle, optimizers.make("gd", lr=0.1), [[1.0, 0.1]], 100, escape_radius=3)
    k, _ = expected_divergence([1.0, 0.1], np.array([0.9, 1.1]), 3)
    assert traj.diverged_at[0] == k
    assert np.hypot(*traj.points[0, k]) > 3 >= np.hypot(*traj.points[0, k - 1])


def test_start_outside_the_escape_radius_stops_at_step_zero():
    traj = optimizers.run(
        Bowl(), optimizers.make("gd"), [[5.0, 0.0], [0.1, 0.0]], 10, escape_radius=2
    )
    assert traj.diverged_at.tolist() == [0, -1]
    np.testing.assert_array_equal(traj.points[0, 0], [5.0, 0.0])
    assert np.isnan(traj.points[0, 1:]).all()


def test_every_row_diverging_ends_the_run_cleanly():
    traj = optimizers.run(Bowl(), optimizers.make("gd", lr=5.0), STARTS, 500, record=True)
    assert (traj.diverged_at > 0).all()
    for row, k in enumerate(traj.diverged_at):
        assert np.isnan(traj.points[row, k + 1 :]).all()
        assert np.isnan(traj.internals["update"][row, k:]).all()
        assert np.isfinite(traj.internals["update"][row, :k]).all()


def test_noise_uses_common_random_numbers():
    surface = Bowl()
    runs = [
        optimizers.run(surface, optimizers.make(name), STARTS, 20, noise=0.3, seed=7, record=True)
        for name in ("gd", "adam", "nesterov")
    ]
    noise_rng = np.random.default_rng(7).spawn(2)[0]
    expected = 0.3 * noise_rng.standard_normal((20, 4, 2)).swapaxes(0, 1)
    for traj, lookahead in zip(runs, (False, False, True), strict=True):
        at = traj.points[:, :-1]
        if lookahead:  # Nesterov takes its gradient at θ + μv
            velocity = np.concatenate([np.zeros((4, 1, 2)), traj.internals["velocity"][:, :-1]], 1)
            at = at + 0.9 * velocity
        exact = surface.grad(at.reshape(-1, 2)).reshape(at.shape)
        np.testing.assert_allclose(traj.internals["grad"] - exact, expected, atol=1e-13)
    again = optimizers.run(surface, optimizers.make("gd"), STARTS, 20, noise=0.3, seed=7)
    np.testing.assert_array_equal(again.points, runs[0].points)
    other = optimizers.run(surface, optimizers.make("gd"), STARTS, 20, noise=0.3, seed=8)
    assert not np.allclose(other.points[:, 1:], runs[0].points[:, 1:])


def test_grad_norms_are_noise_free():
    surface = Bowl()
    traj = optimizers.run(surface, optimizers.make("gd", lr=0.01), STARTS, 5, noise=10.0)
    exact = np.linalg.norm(surface.grad(traj.points.reshape(-1, 2)), axis=1)
    np.testing.assert_allclose(traj.grad_norms.ravel(), exact, rtol=1e-15)


def test_minibatches_are_seeded_rows_of_distinct_samples():
    surface = Regression(n_samples=6)
    opt = optimizers.make("sgd", lr=0.1)
    traj = optimizers.run(surface, opt, STARTS, 15, batch_size=2, seed=3, record=True)
    assert len(surface.batches) == 15
    for idx in surface.batches:
        assert idx.shape == (4, 2) and ((0 <= idx) & (idx < 6)).all()
        assert (idx[:, 0] != idx[:, 1]).all()  # without replacement within a row
    # Batch size 1 is per-sample SGD: every step uses one sample's gradient.
    surface.batches.clear()
    single = optimizers.run(surface, opt, STARTS, 10, batch_size=1, seed=3, record=True)
    for t, idx in enumerate(list(surface.batches)):
        points = single.points[:, t]
        expected = surface.sample_grad(points, idx)
        np.testing.assert_allclose(single.internals["grad"][:, t], expected, rtol=1e-14)
    # Same seed, same batches, whichever optimizer; another seed, other batches.
    surface.batches.clear()
    optimizers.run(surface, optimizers.make("adam"), STARTS, 15, batch_size=2, seed=3)
    first = surface.batches[:]
    surface.batches.clear()
    optimizers.run(surface, opt, STARTS, 15, batch_size=2, seed=3)
    assert all((a == b).all() for a, b in zip(first, surface.batches, strict=True))
    surface.batches.clear()
    optimizers.run(surface, opt, STARTS, 15, batch_size=2, seed=4)
    assert any((a != b).any() for a, b in zip(first, surface.batches, strict=True))
    assert not np.allclose(traj.points[:, -1], single.points[:, -1])


def test_full_batch_is_gradient_descent():
    surface = Regression(n_samples=6)
    opt = optimizers.make("momentum", lr=0.1)
    full = optimizers.run(surface, opt, STARTS, 30)
    for batch_size in (6, 100):
        same = optimizers.run(surface, opt, STARTS, 30, batch_size=batch_size)
        np.testing.assert_array_equal(same.points, full.points)
    assert not surface.batches  # sample_grad never called


def test_batch_size_needs_a_dataset_surface():
    message = "batch_size needs a dataset-backed surface (n_samples > 0 and sample_grad)"
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizers.run(Bowl(), optimizers.make("sgd"), STARTS, 10, batch_size=2)


def test_record_internals_gd():
    surface = Bowl()
    traj = optimizers.run(surface, optimizers.make("gd", lr=0.05), STARTS, 12, record=True)
    internals = traj.internals
    assert set(internals) == {"grad", "update", "step_size"}
    for array in internals.values():
        assert array.shape == (4, 12, 2)
    np.testing.assert_allclose(internals["update"], np.diff(traj.points, axis=1), atol=1e-15)
    exact = surface.grad(traj.points[:, :-1].reshape(-1, 2)).reshape(4, 12, 2)
    np.testing.assert_array_equal(internals["grad"], exact)
    np.testing.assert_allclose(internals["step_size"], 0.05, rtol=1e-12)


def test_record_internals_adam_family():
    surface = Bowl()
    traj = optimizers.run(surface, optimizers.make("adam", lr=0.1), STARTS, 10, record=True)
    internals = traj.internals
    assert {"count", "mu", "nu", "mu_hat", "nu_hat", "step_size"} <= set(internals)
    assert "nu_max" not in internals  # only with amsgrad
    assert internals["count"].shape == (4, 10) and (internals["count"] == np.arange(1, 11)).all()
    for name in ("mu", "nu", "mu_hat", "nu_hat"):
        assert internals[name].shape == (4, 10, 2)
    t = np.arange(1, 11)[None, :, None]
    np.testing.assert_allclose(internals["mu_hat"], internals["mu"] / (1 - 0.9**t), rtol=1e-14)
    np.testing.assert_allclose(internals["nu_hat"], internals["nu"] / (1 - 0.999**t), rtol=1e-12)
    np.testing.assert_allclose(
        internals["update"],
        -0.1 * internals["mu_hat"] / (np.sqrt(internals["nu_hat"]) + 1e-8),
        rtol=1e-12,
    )
    np.testing.assert_allclose(internals["update"], np.diff(traj.points, axis=1), atol=1e-15)
    ams = optimizers.run(surface, optimizers.make("adam", amsgrad=True), STARTS, 10, record=True)
    assert (ams.internals["nu_max"] >= ams.internals["nu"]).all()
    radam = optimizers.run(surface, optimizers.make("radam"), STARTS, 8, record=True)
    assert (np.diff(radam.internals["rho_t"][0]) > 0).all() and radam.internals["rho_t"][0, 5] > 5


def test_schedule_is_applied_per_step():
    surface = Bowl()
    schedule = optimizers.make_schedule("step", step_size=3, gamma=0.5, warmup=2)
    traj = optimizers.run(
        surface, optimizers.make("gd", lr=0.08), STARTS, 10, schedule=schedule, record=True
    )
    np.testing.assert_allclose(traj.lrs, schedule(np.arange(1, 11), 0.08))
    np.testing.assert_allclose(
        traj.internals["update"], -traj.lrs[None, :, None] * traj.internals["grad"], rtol=1e-15
    )
    custom = optimizers.run(
        surface, optimizers.make("gd", lr=0.08), STARTS, 4, schedule=lambda t, lr: lr / t
    )
    np.testing.assert_allclose(custom.lrs, 0.08 / np.arange(1, 5))


def test_newton_gets_the_surface_hessian():
    surface = Bowl(a=2.0, b=-3.0)
    traj = optimizers.run(surface, optimizers.make("newton"), STARTS, 2)
    np.testing.assert_allclose(traj.points[:, 1], 0.0, atol=1e-15)


class NoHessian:
    value, grad = Bowl.value, Bowl.grad
    a, b, calls = 1.0, 1.0, []


@pytest.mark.parametrize(
    ("surface", "opt", "starts", "steps", "options", "message"),
    [
        (Bowl(), "gd", STARTS, 0, {}, "steps must be in [1, 20000], got 0"),
        (Bowl(), "gd", STARTS, 20_001, {}, "steps must be in [1, 20000], got 20001"),
        (Bowl(), "gd", STARTS, 2.5, {}, "steps must be an integer in [1, 20000], got 2.5"),
        (Bowl(), "gd", STARTS, True, {}, "steps must be a number in [1, 20000], got True"),
        (Bowl(), "gd", [1.0, 2.0], 5, {}, "starts must have shape (N, 2) with N >= 1, got (2,)"),
        (Bowl(), "gd", np.zeros((0, 2)), 5, {}, "starts must have shape (N, 2) with N >= 1"),
        (Bowl(), "gd", np.zeros((3, 3)), 5, {}, "starts must have shape (N, 2)"),
        (Bowl(), "gd", [[np.nan, 1.0]], 5, {}, "starts must be finite"),
        (Bowl(), "gd", [["a", "b"]], 5, {}, "starts must be an array of numbers"),
        (
            Bowl(),
            "gd",
            np.zeros((2001, 2)),
            20_000,
            {},
            "N * steps must be at most MAX_WORK = 40,000,000, got 2,001 * 20,000 = 40,020,000",
        ),
        (Bowl(), "gd", STARTS, 5, {"noise": -1.0}, "noise must be in [0, inf), got -1.0"),
        (Bowl(), "gd", STARTS, 5, {"escape_radius": 0}, "escape_radius must be in (0, inf]"),
        (Bowl(), "gd", STARTS, 5, {"seed": -1}, "seed must be in [0, "),
        (Regression(), "gd", STARTS, 5, {"batch_size": 0}, "batch_size must be in [1, "),
        (NoHessian(), "newton", STARTS, 5, {}, "newton needs the Hessian; this surface has no"),
        (
            Bowl(),
            "gd",
            STARTS,
            5,
            {"schedule": lambda t, lr: lr - 0.1 * t},
            "schedule must give finite learning rates >= 0",
        ),
    ],
)
def test_run_rejects_bad_input(surface, opt, starts, steps, options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizers.run(surface, optimizers.make(opt), starts, steps, **options)


def test_run_rejects_a_non_optimizer():
    with pytest.raises(ValueError, match="opt must be an Optimizer"):
        optimizers.run(Bowl(), "adam", STARTS, 5)


def test_caps_are_the_documented_ones():
    assert optimizers.MAX_WORK == 40_000_000 and optimizers.MAX_STEPS == 20_000
    traj = optimizers.run(Bowl(), optimizers.make("gd"), np.zeros((1, 2)), 20_000)
    assert traj.points.shape == (1, 20_001, 2)


class Quadratic:
    """f = 0.5 Σ c_i w_i² in D dimensions, declaring its ``dim``."""

    def __init__(self, coefs):
        self.c = np.asarray(coefs, dtype=float)
        self.dim = len(self.c)

    def value(self, w):
        return 0.5 * (self.c * w * w).sum(axis=1)

    def grad(self, w):
        return self.c * w

    def hessian(self, w):
        return np.broadcast_to(np.diag(self.c), (len(w), self.dim, self.dim)).copy()


@pytest.mark.parametrize("dim", [1, 3, 7])
@pytest.mark.parametrize("name", ["gd", "momentum", "adam", "rmsprop", "adagrad", "nadam"])
def test_any_dimension_matches_row_by_row_2d_runs(dim, name):
    # A separable quadratic: each coordinate of the D-dimensional run must equal the
    # same coordinate of 2-D runs of the same optimizer (element-wise optimizers).
    coefs = np.linspace(0.5, 4.0, dim)
    starts = np.random.default_rng(dim).normal(size=(3, dim))
    traj = optimizers.run(Quadratic(coefs), optimizers.make(name, lr=0.05), starts, 30)
    assert traj.points.shape == (3, 31, dim) and (traj.diverged_at == -1).all()
    for i in range(dim):
        pair = Quadratic([coefs[i], coefs[i]])
        two = optimizers.run(
            pair, optimizers.make(name, lr=0.05), np.repeat(starts[:, i : i + 1], 2, 1), 30
        )
        np.testing.assert_allclose(traj.points[..., i], two.points[..., 0], rtol=1e-13, atol=1e-15)
    flat = traj.points.reshape(-1, dim)
    np.testing.assert_allclose(
        traj.grad_norms.ravel(), np.linalg.norm(coefs * flat, axis=1), rtol=1e-14
    )


def test_any_dimension_noise_batches_record_and_divergence():
    surface = Quadratic([1.0, 2.0, 3.0, 50.0, 0.1])
    starts = np.ones((4, 5))
    traj = optimizers.run(
        surface, optimizers.make("sgd", lr=0.05), starts, 20, noise=0.3, seed=3, record=True
    )
    noise_rng, _ = np.random.default_rng(3).spawn(2)
    z = noise_rng.standard_normal((20, 4, 5)).swapaxes(0, 1)
    grads = surface.grad(traj.points[:, :-1].reshape(-1, 5)).reshape(4, 20, 5)
    np.testing.assert_allclose(traj.internals["grad"], grads + 0.3 * z, rtol=1e-12, atol=1e-14)
    assert traj.internals["update"].shape == (4, 20, 5)
    # lr 0.05 on curvature 500 multiplies that coordinate by -24 a step: divergence.
    blow = optimizers.run(
        Quadratic([1.0, 500.0, 1.0]), optimizers.make("gd", lr=0.05), starts[:, :3], 200
    )
    assert (blow.diverged_at > 0).all()
    k = blow.diverged_at[0]
    assert np.isnan(blow.points[0, k + 1 :]).all() and np.isfinite(blow.points[0, k - 1]).all()


def test_dimension_mismatch_and_newton_beyond_2d_are_refused():
    with pytest.raises(ValueError, match=re.escape("starts must have shape (N, 5) with N >= 1")):
        optimizers.run(Quadratic(np.ones(5)), optimizers.make("gd"), np.zeros((2, 4)), 3)
    with pytest.raises(ValueError, match="needs D = 2 parameters, this surface has D = 3"):
        optimizers.run(Quadratic(np.ones(3)), optimizers.make("newton"), np.zeros((2, 3)), 3)
    traj = optimizers.run(Quadratic([2.0, 4.0]), optimizers.make("newton"), np.ones((1, 2)), 1)
    np.testing.assert_allclose(traj.points[0, 1], 0.0, atol=1e-15)


def test_huge_finite_gradient_is_not_a_divergence():
    # Issue 12, defect 8: x^1000 at 1.45 has a finite gradient ~1.6e164 whose square
    # overflows; the norm is scaled, so the run is not "diverged at step 0".
    class Steep:
        def value(self, xy):
            return xy[:, 0] ** 1000 + xy[:, 1] ** 1000

        def grad(self, xy):
            return 1000.0 * xy**999

    traj = optimizers.run(Steep(), optimizers.make("gd", lr=1e-300), [[1.45, 0.0]], 10)
    assert traj.diverged_at[0] == -1
    np.testing.assert_allclose(traj.grad_norms[0], 1000.0 * 1.45**999, rtol=1e-12)
    big = optimizers.run(
        Quadratic([1.0] * 4), optimizers.make("gd", lr=1e-300), [[1e200, -3e200, 0.0, 1e199]], 2
    )
    assert big.diverged_at[0] == 0  # outside the escape radius, not because of the norm
    np.testing.assert_allclose(big.grad_norms[0, 0], np.sqrt(1 + 9 + 0.01) * 1e200, rtol=1e-14)
