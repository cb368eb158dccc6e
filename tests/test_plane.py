"""surfaces.plane: lift/project, filter norms, PCA, the slice surface and the readout."""

import numpy as np
import pytest

import optimizers
import surfaces


@pytest.fixture(scope="module")
def setup():
    loss = surfaces.network("moons", hidden=6, seed=1, n_samples=80)
    w0 = loss.init(0)
    traj = optimizers.run(loss, optimizers.make("adam", lr=0.03), w0[None], 150)
    return loss, traj.points[0]


@pytest.mark.parametrize("seed", range(4))
def test_lift_project_round_trip(setup, seed):
    loss, path = setup
    p = surfaces.plane(loss, path[-1], "filter", seed=seed)
    ab = np.random.default_rng(seed).normal(size=(9, 2)) * 3
    lifted = p.lift(ab)
    assert lifted.shape == (9, loss.dim)
    np.testing.assert_allclose(p.project(lifted), ab, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(p.distance(lifted), 0.0, atol=1e-12)
    np.testing.assert_allclose(p.lift([[0.0, 0.0]])[0], path[-1])
    # Projection is least squares: the residual is orthogonal to both directions.
    w = path[:40]
    residual = w - p.lift(p.project(w))
    np.testing.assert_allclose(residual @ np.stack([p.d1, p.d2], 1), 0.0, atol=1e-10)
    assert p.project(np.stack([path, path])).shape == (2, len(path), 2)


def test_filter_directions_have_the_centres_neuron_norms(setup):
    loss, path = setup
    center = path[-1]
    p = surfaces.plane(loss, center, "filter", seed=3)
    weights, biases = loss.filter_groups()
    assert len(weights) == loss.hidden + 1
    for d in (p.d1, p.d2):
        for idx in weights:
            np.testing.assert_allclose(np.linalg.norm(d[idx]), np.linalg.norm(center[idx]))
        assert (d[biases] == 0).all()
    assert not np.allclose(p.d1, p.d2)
    again = surfaces.plane(loss, center, "filter", seed=3)
    np.testing.assert_array_equal(again.d1, p.d1)


def test_slice_value_and_gradient(setup):
    loss, path = setup
    p = surfaces.plane(loss, path[-1], "filter", seed=0)
    s = p.surface()
    assert isinstance(s, surfaces.Surface) and s.domain == ((-1.0, 1.0), (-1.0, 1.0))
    ab = np.random.default_rng(1).uniform(-1, 1, (6, 2))
    np.testing.assert_allclose(s.value(ab), loss.value(p.lift(ab)), rtol=1e-15)
    g = s.grad(ab)
    h = 1e-6
    for i, d in enumerate((p.d1, p.d2)):
        directional = (loss.value(p.lift(ab) + h * d) - loss.value(p.lift(ab) - h * d)) / (2 * h)
        np.testing.assert_allclose(g[:, i], directional, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(g[:, i], loss.grad(p.lift(ab)) @ d, rtol=1e-13)
    hess = s.hessian(ab)
    assert hess.shape == (6, 2, 2) and np.allclose(hess, hess.swapaxes(1, 2))
    # (ny, nx, 2) grids work as on every 2-D surface.
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)), -1)
    assert s.value(grid).shape == (4, 5)


def test_pca_plane_holds_the_path(setup):
    loss, path = setup
    p = surfaces.plane(loss, path[-1], "pca", trajectories=path)
    ev = p.explained_variance
    assert len(ev) == 2 and 0 < ev[1] <= ev[0] <= 1 and ev[0] + ev[1] <= 1 + 1e-12
    np.testing.assert_allclose([p.d1 @ p.d1, p.d2 @ p.d2, p.d1 @ p.d2], [1, 1, 0], atol=1e-12)
    offsets = path - path[-1]
    in_plane = np.linalg.norm(offsets @ np.stack([p.d1, p.d2], 1)) ** 2
    np.testing.assert_allclose(in_plane / np.linalg.norm(offsets) ** 2, sum(ev), rtol=1e-10)
    (a0, a1), (b0, b1) = p.surface().domain
    ab = p.project(path)
    assert a0 <= ab[:, 0].min() and ab[:, 0].max() <= a1 and b0 <= ab[:, 1].min()


def test_pca_of_a_straight_path_is_completed():
    loss = surfaces.network("xor", hidden=2)
    center = loss.init(0)
    line = center + np.linspace(0, 1, 10)[:, None] * np.arange(1.0, loss.dim + 1)
    p = surfaces.plane(loss, center, "pca", trajectories=line)
    assert p.explained_variance[1] == 0.0 and abs(p.explained_variance[0] - 1) < 1e-12
    assert abs(p.d1 @ p.d2) < 1e-12 and abs(np.linalg.norm(p.d2) - 1) < 1e-12


def test_readout_is_honest(setup):
    loss, path = setup
    p = surfaces.plane(loss, path[-1], "filter", seed=0)
    r = p.readout(path)
    assert r.distance.shape == r.true_loss.shape == r.sliced_loss.shape == (len(path),)
    np.testing.assert_allclose(r.true_loss, loss.value(path))
    np.testing.assert_allclose(r.sliced_loss, loss.value(p.lift(p.project(path))))
    np.testing.assert_allclose(r.distance, p.distance(path))
    assert r.distance[-1] == 0 and r.distance[0] > 0.1  # a random plane misses the start
    assert np.nanmax(r.relative_distance) <= 1 + 1e-12
    assert r.relative_distance[-1] == 0  # the centre: on the plane, not 0 / 0
    with_nan = path.copy()
    with_nan[5:] = np.nan
    assert np.isnan(p.readout(with_nan).distance[5:]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"directions": "random"}, "directions must be one of filter, pca; got 'random'"),
        ({"directions": "pca"}, "directions='pca' needs trajectories"),
        ({"center": np.zeros(3)}, r"center must be a finite vector of shape \(25,\)"),
        ({"center": np.full(25, np.nan)}, "center must be a finite vector"),
        ({"trajectories": np.zeros((4, 3))}, r"trajectories must have shape \(\.\.\., 25\)"),
    ],
)
def test_bad_input(kwargs, message):
    loss = surfaces.network("circles", hidden=6)
    args = {"center": loss.init(0), **kwargs}
    with pytest.raises(ValueError, match=message):
        surfaces.plane(loss, **args)


def test_bad_extent_and_shapes(setup):
    loss, path = setup
    p = surfaces.plane(loss, path[-1])
    with pytest.raises(ValueError, match="extent must be finite"):
        p.surface(extent=((1, 0), (0, 1)))
    with pytest.raises(ValueError, match="extent must be"):
        p.surface(extent="wide")
    with pytest.raises(ValueError, match=r"W must have shape \(\.\.\., 25\)"):
        p.project(np.zeros((2, 3)))
    # Optimizers run on the slice like on any 2-D surface.
    traj = optimizers.run(p.surface(), optimizers.make("gd", lr=0.1), [[0.5, 0.5]], 5)
    assert traj.points.shape == (1, 6, 2)


def test_readout_takes_the_paths_own_loss(setup):
    loss, path = setup
    p = surfaces.plane(loss, path[-1], "filter", seed=1)
    plain = p.readout(path)
    given = p.readout(path, true_loss=loss.value(path))
    for a, b in zip(plain, given, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="true_loss"):
        p.readout(path, true_loss=np.zeros(3))


def test_axis_names_say_what_the_axes_are(setup):
    loss, path = setup
    filt = surfaces.plane(loss, path[-1], "filter", seed=0)
    assert filt.axis_names() == (
        "direction 1 (filter-normalised)",
        "direction 2 (filter-normalised)",
    )
    pca = surfaces.plane(loss, path[-1], "pca", trajectories=path)
    first, second = pca.axis_names()
    ev = pca.explained_variance
    assert first == f"PC1 ({ev[0]:.0%} of the path's variance)" and second.startswith("PC2 (")
