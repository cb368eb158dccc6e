"""Ladders for scrubbing (issue 13): a run at every value its control offers, computed once."""

from dataclasses import replace

import numpy as np
import pytest

import figures
import optimizers
from ui import ladder
from ui import scene as sc


def adam_spec(name):
    return optimizers.spec("adam").hparams[name]


def test_log_stops_are_the_controls_values_within_a_decade():
    values = ladder.stops(adam_spec("lr"), 0.014)
    assert 0.014 in values and values == sorted(values)
    assert min(values) >= 0.0014 and max(values) <= 0.14
    assert {0.002, 0.01, 0.05, 0.1} <= set(values)  # the sidebar's friendly values
    h = adam_spec("lr")
    assert set(values) <= set(ladder.log_options(h.low, h.high, 0.014))


def test_linear_stops_span_the_control_and_keep_the_value():
    h = adam_spec("beta1")
    values = ladder.stops(h, 0.93)
    low, high = h.closed_bounds()
    assert 0.93 in values and values[0] == low and values[-1] == high
    assert len(values) == ladder.LINEAR_STOPS + 1
    for v in values:
        optimizers.make("adam", beta1=v)  # every stop is a valid value


def test_integer_and_flag_stops():
    k = optimizers.spec("lookahead").hparams["k"]
    values = ladder.stops(k, 5)
    assert all(isinstance(v, int) for v in values) and 5 in values
    assert values == sorted(set(values)) and values[0] == k.low
    assert ladder.stops(adam_spec("amsgrad"), False) == []


@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_every_rung_is_the_scene_run_with_that_value(noise):
    scene = replace(sc.default_scene(), steps=120, noise=noise, seed=3)
    out = ladder.ladder(scene, 3, "lr")
    assert out["run"] == 3 and out["name"] == "lr" and len(out["runs"]) == len(out["values"])
    assert out["values"][out["index"]] == scene.active_runs()[3].hparams()["lr"]
    own = sc.results(scene)[3]
    np.testing.assert_array_equal(out["runs"][out["index"]].points, own.points)
    for value, rung in zip(out["values"][::4], out["runs"][::4], strict=True):
        alone = sc.results(ladder.committed(scene, 3, "lr", value))[3]
        np.testing.assert_allclose(rung.points, alone.points, rtol=1e-12, atol=0)
        assert rung.diverged_at == alone.diverged_at
        assert rung.label == alone.label


def test_a_ladder_shows_divergence_where_the_rate_is_too_big():
    out = ladder.ladder(sc.default_scene(), 0, "lr")  # GD on Rosenbrock
    gone = [r.diverged_at >= 0 for r in out["runs"]]
    assert not gone[0] and gone[-1]  # small rates converge, a decade up diverges


def test_committed_sets_one_value_and_refuses_bad_ones():
    scene = sc.default_scene()
    new = ladder.committed(scene, 1, "momentum", 0.5)
    assert new.runs[1].hparams()["momentum"] == 0.5
    assert [r.hp for i, r in enumerate(new.runs) if i != 1] == [
        r.hp for i, r in enumerate(scene.runs) if i != 1
    ]
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.5"):
        ladder.committed(scene, 1, "momentum", 1.5)
    with pytest.raises(ValueError, match="no numeric hyperparameter 'beta9'"):
        ladder.committed(scene, 1, "beta9", 0.5)
    with pytest.raises(ValueError, match=r"run must be in \[0, 3\], got 7"):
        ladder.committed(scene, 7, "lr", 0.1)


def test_options_name_every_numeric_hyperparameter_and_number_repeats():
    scene = replace(sc.default_scene(), runs=(sc.Run("adam"), sc.Run("adam"), sc.Run("gd")))
    out = ladder.options(scene)
    assert [o["label"] for o in out] == ["Adam", "Adam (2)", "Gradient descent"]
    assert "amsgrad" not in out[0]["names"] and {"lr", "beta1", "beta2"} <= set(out[0]["names"])
    assert ladder.default_choice(scene) == (0, "lr")


def test_the_payload_carries_the_ladder_at_the_live_runs_frames():
    scene = replace(sc.default_scene(), steps=60)
    runs = sc.results(scene)
    xs, ys = np.linspace(-2, 2, 20), np.linspace(-1, 3, 20)
    z = np.add.outer(ys, xs) ** 2
    lad = ladder.ladder(scene, 0, "lr")
    payload = figures.player_payload(xs, ys, z, runs, ladder=lad)
    got = payload["ladder"]
    assert got["values"] == lad["values"] and got["index"] == lad["index"]
    assert len(got["rungs"]) == len(lad["values"])
    current = figures.decode_array(got["rungs"][got["index"]]["xy"])
    np.testing.assert_array_equal(current, figures.decode_array(payload["runs"][0]["xy"]))
    assert figures.player_payload(xs, ys, z, runs)["ladder"] is None
    with pytest.raises(ValueError, match="as many steps"):
        short = {
            **lad,
            "runs": [r._replace(points=r.points[:5], values=r.values[:5]) for r in lad["runs"]],
        }
        figures.player_payload(xs, ys, z, runs, ladder=short)


def test_the_start_grid_holds_every_run_from_every_start_thinned():
    scene = replace(sc.default_scene(), steps=300)
    grid = ladder.start_grid(scene, size=5)
    assert len(grid["runs"]) == len(scene.active_runs()) and all(
        len(paths) == 25 for paths in grid["runs"]
    )
    j, i = 3, 1  # start (x[1], y[3]) sits at position 3 * 5 + 1
    moved = replace(scene, start=(grid["x"][i], grid["y"][j]))
    for paths, own in zip(grid["runs"], sc.results(moved), strict=True):
        np.testing.assert_allclose(paths[j * 5 + i].points, own.points, rtol=1e-12, atol=1e-15)
    surface = scene.build_surface()
    xs, ys = np.linspace(-2, 2, 20), np.linspace(-1, 3, 20)
    z = np.add.outer(ys, xs) ** 2
    payload = figures.player_payload(xs, ys, z, sc.results(scene), start_grid=grid)
    got = payload["start_grid"]
    assert got["x"] == list(grid["x"]) and got["frames"] == ladder.START_FRAMES
    xy = figures.decode_array(got["runs"][0]["xy"])
    assert xy.shape == (25, ladder.START_FRAMES, 2)
    path = grid["runs"][0][j * 5 + i].points
    np.testing.assert_allclose(xy[j * 5 + i, 0], path[0], rtol=1e-6)  # the first steps all
    np.testing.assert_allclose(xy[j * 5 + i, 10], path[10], rtol=1e-6)
    np.testing.assert_allclose(xy[j * 5 + i, -1], path[-1], rtol=1e-6)  # and the last
    assert surface.domain[0][0] == grid["x"][0] and surface.domain[1][1] == grid["y"][-1]
