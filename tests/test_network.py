"""surfaces.network: a real network's loss, checked by finite differences and torch."""

import importlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces

network_module = importlib.import_module(
    "surfaces.network"
)  # the module; surfaces.network is the function

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "torch_network.json").read_text())


@pytest.fixture(scope="module")
def moons():
    return surfaces.network("moons", hidden=5, seed=2, n_samples=60)


def test_shapes_data_and_split():
    for name in surfaces.DATASETS:
        loss = surfaces.network(name, hidden=3, seed=1, n_samples=80, n_test=50)
        assert loss.dim == 13 and loss.n_samples == 80
        (X, y), (Xt, yt) = loss.data, loss.test_data
        assert yt.shape == (50,)
        assert X.shape == (80, 2) and y.shape == (80,) and Xt.shape == (50, 2)
        assert set(np.unique(y)) == {0.0, 1.0} and y.mean() == 0.5
        assert not np.isin(X, Xt).any()  # the test split is held out, not a copy
        again = surfaces.network(name, hidden=3, seed=1, n_samples=80, n_test=50)
        np.testing.assert_array_equal(again.data[0], X)  # seeded
        other = surfaces.network(name, hidden=3, seed=2, n_samples=80, n_test=50)
        assert not np.array_equal(other.data[0], X)


def test_value_and_grad_against_finite_differences(moons):
    W = np.stack([moons.init(s) for s in range(3)]) + 0.3
    g = moons.grad(W)
    assert g.shape == (3, moons.dim) and moons.value(W).shape == (3,)
    h = 1e-6
    for i in range(moons.dim):
        e = np.zeros(moons.dim)
        e[i] = h
        fd = (moons.value(W + e) - moons.value(W - e)) / (2 * h)
        np.testing.assert_allclose(g[:, i], fd, rtol=1e-6, atol=1e-9)


def test_value_and_grad_against_torch_probes():
    setup = {k: v for k, v in FIXTURE["setup"].items() if k != "init_seed"}
    loss = surfaces.network(**setup)
    W = np.array([p["w"] for p in FIXTURE["probes"]])
    np.testing.assert_allclose(loss.value(W), [p["value"] for p in FIXTURE["probes"]], rtol=1e-13)
    np.testing.assert_allclose(
        loss.grad(W), [p["grad"] for p in FIXTURE["probes"]], rtol=1e-11, atol=1e-14
    )


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: f"{c['torch']}-{c['hp']}")
def test_every_torch_optimizer_trains_the_network_like_torch(case):
    setup = dict(FIXTURE["setup"])
    w0 = surfaces.network(**{k: v for k, v in setup.items() if k != "init_seed"})
    start = w0.init(setup.pop("init_seed"))
    traj = optimizers.run(
        w0, optimizers.make(case["optimizer"], **case["hp"]), start[None], FIXTURE["steps"]
    )
    every = FIXTURE["every"]
    ours = traj.points[0, ::every]
    expected = np.array(case["points"])
    np.testing.assert_allclose(ours[0], start, rtol=0, atol=0)
    assert np.abs(ours - expected).max() <= 1e-6
    assert np.abs(traj.values[0] - case["loss"]).max() <= 1e-6
    moved = np.abs(expected[-1] - expected[0]).max()
    assert moved > 1e-2  # a real training run, not a stand-still


def test_vectorised_rows_and_chunking_agree(moons, monkeypatch):
    W = np.random.default_rng(0).normal(size=(7, moons.dim))
    rows = np.array([moons.value(W[i : i + 1])[0] for i in range(7)])
    grads = np.concatenate([moons.grad(W[i : i + 1]) for i in range(7)])
    monkeypatch.setattr(network_module, "_CHUNK_ELEMENTS", 1)  # one row per chunk
    np.testing.assert_allclose(moons.value(W), rows, rtol=1e-15)
    np.testing.assert_allclose(moons.grad(W), grads, rtol=1e-15)


def test_sample_grad_is_the_gradient_of_the_batch_loss(moons):
    W = np.stack([moons.init(s) for s in range(2)])
    idx = np.array([[0, 5, 7], [3, 3, 59]])
    g = moons.sample_grad(W, idx)
    for r in range(2):
        X, y = moons.data
        sub = network_module.NetworkLoss(
            "moons", 5, 0, 0.0, (X[idx[r]], y[idx[r]]), moons.test_data
        )
        np.testing.assert_allclose(g[r], sub.grad(W[r : r + 1])[0], rtol=1e-14, atol=1e-16)
    full = moons.sample_grad(W, np.tile(np.arange(moons.n_samples), (2, 1)))
    np.testing.assert_allclose(full, moons.grad(W), rtol=1e-13, atol=1e-16)


def test_init_is_torch_default_law():
    loss = surfaces.network("xor", hidden=64)
    draws = np.stack([loss.init(s) for s in range(40)])
    first, second = draws[:, : 3 * 64], draws[:, 3 * 64 :]
    assert np.abs(first).max() <= 1 / np.sqrt(2) and np.abs(first).max() > 0.69
    assert np.abs(second).max() <= 1 / 8 and np.abs(second).max() > 0.12
    np.testing.assert_array_equal(loss.init(4), loss.init(4))
    assert loss.init(0).shape == (257,)


def test_accuracy_and_test_loss_after_training():
    loss = surfaces.network("moons", hidden=8, seed=0)
    w0 = loss.init(0)
    traj = optimizers.run(loss, optimizers.make("adam", lr=0.05), w0[None], 400)
    end = traj.points[:, -1]
    assert loss.value(end)[0] < 0.5 * loss.value(w0[None])[0]
    assert loss.accuracy(end, "train")[0] >= 0.9 and loss.accuracy(end, "test")[0] >= 0.85
    assert np.isfinite(loss.test_value(end)).all()
    # Mini-batch SGD on real samples, with common random numbers across optimizers.
    a = optimizers.run(loss, optimizers.make("sgd", lr=0.5), w0[None], 50, batch_size=8, seed=4)
    b = optimizers.run(loss, optimizers.make("sgd", lr=0.5), w0[None], 50, batch_size=8, seed=4)
    np.testing.assert_array_equal(a.points, b.points)
    assert a.values[0, -1] < a.values[0, 0]


def test_extreme_logits_are_finite():
    loss = surfaces.network("circles", hidden=2)
    W = np.full((1, loss.dim), 400.0)
    assert np.isfinite(loss.value(W)).all() and np.isfinite(loss.grad(W)).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dataset": "iris"}, "dataset must be one of moons, circles, spirals, xor; got 'iris'"),
        ({"dataset": None}, "dataset must be one of"),
        ({"dataset": "moons", "hidden": 0}, "hidden must be an integer in [1, 64], got 0"),
        ({"dataset": "moons", "hidden": 65}, "hidden must be an integer in [1, 64], got 65"),
        ({"dataset": "moons", "hidden": 2.5}, "hidden must be an integer in [1, 64], got 2.5"),
        ({"dataset": "moons", "hidden": True}, "hidden must be an integer in [1, 64]"),
        ({"dataset": "moons", "seed": -1}, "seed must be an integer in [0, 4294967295], got -1"),
        ({"dataset": "moons", "n_samples": 3}, "n_samples must be an integer in [4, 2000]"),
        ({"dataset": "moons", "noise": 2.0}, "noise must be a number in [0, 1], got 2.0"),
        ({"dataset": "moons", "noise": "x"}, "noise must be a number in [0, 1]"),
    ],
)
def test_bad_input_names_parameter_and_range(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        surfaces.network(**kwargs)


def test_dimension_mismatch(moons):
    with pytest.raises(ValueError, match=r"W must have shape \(N, 21\)"):
        moons.value(np.zeros((2, 20)))
    with pytest.raises(ValueError, match=r"starts must have shape \(N, 21\)"):
        optimizers.run(moons, optimizers.make("gd"), np.zeros((1, 2)), 3)
    with pytest.raises(ValueError, match="needs D = 2 parameters, this surface has D = 21"):
        optimizers.run(moons, optimizers.make("newton"), np.zeros((1, 21)), 3)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        moons.accuracy(np.zeros((1, 21)), split="val")


def test_evaluate_is_value_and_accuracy_from_one_pass(moons):
    W = np.stack([moons.init(s) for s in range(4)]) * 1.5
    loss, acc = moons.evaluate(W, "train")
    np.testing.assert_allclose(loss, moons.value(W), rtol=1e-13)
    np.testing.assert_array_equal(acc, moons.accuracy(W, "train"))
    loss, acc = moons.evaluate(W, "test")
    np.testing.assert_allclose(loss, moons.test_value(W), rtol=1e-13)
    np.testing.assert_array_equal(acc, moons.accuracy(W, "test"))
    with pytest.raises(ValueError, match="split"):
        moons.evaluate(W, "validation")


def test_large_batches_take_the_chunked_path_with_the_same_numbers():
    loss = surfaces.network("circles", hidden=16, seed=3)
    W = np.random.default_rng(1).normal(size=(1500, loss.dim))  # > one chunk: logits()
    assert len(W) * loss.n_samples * loss.hidden > network_module._CHUNK_ELEMENTS
    small = np.concatenate([loss.value(W[i : i + 100]) for i in range(0, 1500, 100)])
    np.testing.assert_allclose(loss.value(W), small, rtol=1e-14, atol=1e-15)
    acc = np.concatenate([loss.accuracy(W[i : i + 100]) for i in range(0, 1500, 100)])
    np.testing.assert_array_equal(loss.accuracy(W), acc)
