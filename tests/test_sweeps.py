"""optimizers.sweeps: basin maps, hyperparameter sweeps and the fair learning-rate race.

Every aggregate is checked against plain single ``optimizers.run`` calls: a basin map or a
sweep must be nothing but many ordinary runs, labelled.
"""

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import sweeps

HIMMELBLAU = surfaces.get("himmelblau")
ROSENBROCK = surfaces.get("rosenbrock")
TOL = 0.05


def himmelblau_map(opt, xs, ys, steps=300, **kwargs):
    return sweeps.basin_map(
        HIMMELBLAU, opt, xs, ys, steps, HIMMELBLAU.minima, TOL, escape_radius=100.0, **kwargs
    )


def test_grid_starts_are_row_major_in_y():
    starts = sweeps.grid_starts([0.0, 1.0, 2.0], [10.0, 20.0])
    assert starts.shape == (6, 2)
    np.testing.assert_array_equal(starts[:3], [[0, 10], [1, 10], [2, 10]])
    np.testing.assert_array_equal(starts.reshape(2, 3, 2)[1, 2], [2, 20])


def test_labels_have_the_grid_shape_and_known_values():
    xs, ys = np.linspace(-5, 5, 13), np.linspace(-5, 5, 7)
    bmap = himmelblau_map(optimizers.make("gd", lr=0.01), xs, ys)
    assert bmap.label.shape == (7, 13)
    assert bmap.steps_to_tol.shape == (7, 13)
    assert bmap.final_points.shape == (7, 13, 2)
    assert bmap.final_values.shape == bmap.diverged_at.shape == (7, 13)
    assert set(np.unique(bmap.label)) <= {-2, -1, 0, 1, 2, 3}


def test_a_start_near_each_himmelblau_minimum_lands_in_it():
    minima = np.array(HIMMELBLAU.minima)
    # A tiny grid per minimum: the 3 x 3 starts around it (0.3 away) all end in it.
    for k, (mx, my) in enumerate(minima):
        xs, ys = mx + np.array([-0.3, 0.0, 0.3]), my + np.array([-0.3, 0.0, 0.3])
        for name, lr in (("gd", 0.01), ("momentum", 0.005), ("adam", 0.05)):
            bmap = himmelblau_map(optimizers.make(name, lr=lr), xs, ys, steps=500)
            assert (bmap.label == k).all(), (name, k, bmap.label)
            assert (bmap.steps_to_tol >= 0).all()
            assert np.hypot(*(bmap.final_points - [mx, my]).reshape(-1, 2).T).max() <= TOL


def test_all_four_basins_appear_on_a_coarse_grid():
    xs = ys = np.linspace(-4.5, 4.5, 19)
    bmap = himmelblau_map(optimizers.make("gd", lr=0.01), xs, ys, steps=500)
    counts = bmap.counts(4)
    assert all(n > 0 for n in counts["minima"])
    assert counts["diverged"] == 0
    assert sum(counts["minima"]) + counts["elsewhere"] == xs.size * ys.size


def test_a_diverging_learning_rate_marks_diverged_exactly_where_run_diverges():
    xs = ys = np.linspace(-4, 4, 9)
    opt = optimizers.make("gd", lr=0.5)  # far above 2 / λmax everywhere on the grid
    bmap = himmelblau_map(opt, xs, ys, steps=100)
    traj = optimizers.run(HIMMELBLAU, opt, sweeps.grid_starts(xs, ys), 100, escape_radius=100.0)
    diverged = (traj.diverged_at >= 0).reshape(9, 9)
    assert diverged.mean() > 0.9
    np.testing.assert_array_equal(bmap.label == sweeps.DIVERGED, diverged)
    np.testing.assert_array_equal(bmap.diverged_at, traj.diverged_at.reshape(9, 9))
    assert np.isnan(bmap.final_points[diverged]).all()
    assert (bmap.steps_to_tol[diverged] == -1).all()
    assert bmap.counts(4)["diverged"] == int(diverged.sum())


def test_steps_to_tol_and_final_points_match_single_runs():
    xs, ys = np.linspace(-4.5, 4.5, 8), np.linspace(-4.5, 4.5, 6)
    opt = optimizers.make("momentum", lr=0.004, momentum=0.8)
    bmap = himmelblau_map(opt, xs, ys, steps=400)
    minima = np.array(HIMMELBLAU.minima)
    rng = np.random.default_rng(0)
    for j, i in zip(rng.integers(0, 6, 12), rng.integers(0, 8, 12), strict=True):
        traj = optimizers.run(HIMMELBLAU, opt, [[xs[i], ys[j]]], 400, escape_radius=100.0)
        path = traj.points[0]
        np.testing.assert_array_equal(bmap.final_points[j, i], path[-1])
        k = bmap.label[j, i]
        if k >= 0:
            dist = np.hypot(*(path - minima[k]).T)
            assert dist[-1] <= TOL
            assert bmap.steps_to_tol[j, i] == int(np.flatnonzero(dist <= TOL)[0])
        else:
            assert bmap.steps_to_tol[j, i] == -1


def test_chunking_does_not_change_the_map_and_reports_progress():
    xs, ys = np.linspace(-4, 4, 10), np.linspace(-4, 4, 7)
    opt = optimizers.make("adam", lr=0.05)
    whole = himmelblau_map(opt, xs, ys, steps=200)
    seen = []
    pieces = himmelblau_map(
        opt, xs, ys, steps=200, chunk_points=201 * 9, progress=lambda f, msg: seen.append(f)
    )
    for a, b in zip(whole, pieces, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(seen) == 8  # 70 starts in chunks of 9
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_no_minima_means_elsewhere_and_bad_tolerance_is_refused():
    saddle = surfaces.get("saddle")
    bmap = sweeps.basin_map(saddle, optimizers.make("gd", lr=0.01), [-0.5, 0.5], [0.1], 20, [], 0.1)
    assert (bmap.label == sweeps.ELSEWHERE).all()
    assert (bmap.steps_to_tol == -1).all()
    with pytest.raises(ValueError, match="tol"):
        sweeps.basin_map(saddle, optimizers.make("gd"), [0.0], [0.1], 5, [], 0.0)


def test_nearest_minimum_picks_the_closest_within_tolerance():
    minima = [(0.0, 0.0), (1.0, 0.0)]
    points = [[0.01, 0.0], [0.98, 0.01], [0.5, 0.0], [np.nan, np.nan]]
    np.testing.assert_array_equal(sweeps.nearest_minimum(points, minima, 0.05), [0, 1, -1, -1])


def test_sweep_cells_equal_individual_runs():
    lrs = [1e-3, 1e-2, 0.3]
    betas = [0.5, 0.9]
    start = [[-1.5, 2.0]]
    f_min = 0.0
    result = sweeps.sweep(
        ROSENBROCK, "adam", start, 150, "lr", lrs, "beta1", betas, f_min=f_min, tol=1.0
    )
    assert result.final_loss.shape == (2, 3)
    for j, beta in enumerate(betas):
        for i, lr in enumerate(lrs):
            traj = optimizers.run(
                ROSENBROCK, optimizers.make("adam", lr=lr, beta1=beta), start, 150
            )
            assert result.diverged[j, i] == (traj.diverged_at[0] >= 0)
            if not result.diverged[j, i]:
                assert result.final_loss[j, i] == traj.values[0, -1]
            hits = np.flatnonzero(traj.values[0] - f_min <= 1.0)
            assert result.steps_to_tol[j, i] == (int(hits[0]) if hits.size else -1)


def test_sweep_marks_divergence_and_takes_the_worst_start():
    starts = [[-1.5, 2.0], [1.2, 1.2]]
    result = sweeps.sweep(ROSENBROCK, "gd", starts, 100, "lr", [1e-4, 0.05])
    assert result.y_name is None and result.final_loss.shape == (1, 2)
    assert not result.diverged[0, 0] and result.diverged[0, 1]
    assert np.isnan(result.final_loss[0, 1]) and result.diverged_at[0, 1] >= 0
    both = [
        optimizers.run(ROSENBROCK, optimizers.make("gd", lr=1e-4), [s], 100).values[0, -1]
        for s in starts
    ]
    assert result.final_loss[0, 0] == max(both)


def test_sweep_refuses_unknown_hyperparameters():
    with pytest.raises(ValueError, match="no hyperparameter"):
        sweeps.sweep(ROSENBROCK, "gd", [[0.0, 0.0]], 5, "lr", [0.1], "momentum", [0.5])


def test_best_lr_is_the_lowest_final_loss_that_did_not_diverge():
    loss = np.array([3.0, 0.5, np.nan, 0.1, 2.0])
    diverged = np.array([False, False, True, True, False])
    # 0.1 is lower but diverged (a stale value must never win); NaN is skipped.
    assert sweeps.best_lr(loss, diverged) == 1
    assert sweeps.best_lr([1.0, 1.0], [False, False]) == 0  # ties: the first
    assert sweeps.best_lr([np.nan, 1.0], [True, True]) is None


def test_fair_race_picks_each_optimizers_best_rate_from_the_same_grid():
    lrs = np.geomspace(1e-4, 1.0, 9)
    entries = sweeps.fair_race(ROSENBROCK, ["gd", "adam"], [[-1.5, 2.0]], 200, lrs)
    assert [e.name for e in entries] == ["gd", "adam"]
    for e in entries:
        np.testing.assert_array_equal(e.lrs, lrs)
        assert e.best == sweeps.best_lr(e.final_loss, e.diverged)
        ok = ~e.diverged
        assert e.final_loss[e.best] == np.nanmin(e.final_loss[ok])
        traj = optimizers.run(ROSENBROCK, optimizers.make(e.name, lr=e.best_lr), [[-1.5, 2.0]], 200)
        assert traj.values[0, -1] == e.final_loss[e.best]
    assert entries[0].diverged[-1]  # plain GD at lr = 1 on Rosenbrock blows up


def test_log_stops_and_grid_values_are_round():
    assert sweeps.log_stops(0.001, 0.05) == (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
    assert sweeps.log_stops(0.1, 1.0, (1, 2, 3, 5)) == (0.1, 0.2, 0.3, 0.5, 1.0)
    lrs = sweeps.grid_values(1e-4, 1.0, 9)
    assert lrs[0] == 1e-4 and lrs[-1] == 1.0 and len(lrs) == 9
    assert all(float(f"{v:.3g}") == v for v in lrs)
    np.testing.assert_array_equal(
        sweeps.grid_values(0.0, 1.0, 5, log=True), [0, 0.25, 0.5, 0.75, 1]
    )
    np.testing.assert_array_equal(sweeps.grid_values(0.3, 0.3, 5), [0.3])
