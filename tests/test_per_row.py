"""Per-row hyperparameters: one vectorised run equals N scalar runs, row by row.

``optimizers.make`` accepts any numeric hyperparameter as an (N,) array; row i of the
run must then follow the same path as a run with the scalar values of row i. Checked
for every registered optimizer (iterating the registry, so a new one is covered), with
random values inside the valid ranges, on two surfaces, to 1e-12.
"""

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.lookahead import wrap

N = 6
STEPS = 60
SURFACES = ("rosenbrock", "himmelblau")


def _sample(rng, name, key, spec, base_lr):
    """Draw N values of one hyperparameter inside its valid range."""
    low, high = spec.closed_bounds()
    default = spec.default
    if key == "lr":
        values = base_lr * np.exp(rng.uniform(-1.0, 0.5, N))
    elif spec.kind == "int":
        values = rng.integers(max(low, default - 3), min(high, default + 6) + 1, N)
        return values.astype(np.int64)
    elif np.isinf(default):
        values = np.where(rng.random(N) < 0.5, np.inf, rng.uniform(1.0, 2.0, N))
    elif default == 0:
        values = rng.uniform(0.0, min(high, 0.2), N)
    elif high <= 1 and default > 0.5:  # a decay near 1: vary 1 - beta over decades
        values = 1 - (1 - default) * np.exp(rng.uniform(-1.0, 2.3, N))
    else:
        values = default * np.exp(rng.uniform(-0.7, 0.7, N))
    values = np.clip(values, low, high)
    if not spec.low_open and np.isfinite(low) and key != "lr":
        values[1] = low  # the edge: a 0 decay, beta or momentum takes the other branch
    return values


def _per_row_hparams(name, flags, base_lr, seed):
    rng = np.random.default_rng(seed)
    hp = {}
    for key, spec in optimizers.spec(name).hparams.items():
        if spec.kind == "bool":
            hp[key] = flags
            continue
        hp[key] = _sample(rng, name, key, spec, base_lr)
    if name == "sgd" and flags:  # torch: nesterov needs momentum > 0 and dampening 0
        hp["momentum"] = rng.uniform(0.1, 0.9, N)
        hp["dampening"] = 0.0
    return hp


def _flag_variants(name):
    flags = [k for k, s in optimizers.spec(name).hparams.items() if s.kind == "bool"]
    return [False, True] if flags else [False]


CASES = [(name, flags) for name in optimizers.names() for flags in _flag_variants(name)]


def _row(hp, i):
    return {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in hp.items()}


def _assert_rows_equal(vector, scalars):
    for i, scalar in enumerate(scalars):
        assert vector.diverged_at[i] == scalar.diverged_at[0], i
        np.testing.assert_allclose(
            vector.points[i], scalar.points[0], rtol=1e-12, atol=1e-12, equal_nan=True
        )
        np.testing.assert_allclose(
            vector.values[i], scalar.values[0], rtol=1e-12, atol=1e-12, equal_nan=True
        )


@pytest.mark.parametrize("surface_name", SURFACES)
@pytest.mark.parametrize(("name", "flags"), CASES)
def test_each_row_equals_its_scalar_run(name, flags, surface_name):
    surface = surfaces.get(surface_name)
    rng = np.random.default_rng(len(name) + 7 * flags)
    (x0, x1), (y0, y1) = surface.domain
    starts = np.column_stack([rng.uniform(x0, x1, N), rng.uniform(y0, y1, N)]) * 0.8
    hp = _per_row_hparams(name, flags, optimizers.suggest_lr(name, surface.lr), seed=len(name))
    vector = optimizers.run(surface, optimizers.make(name, **hp), starts, STEPS)
    scalars = [
        optimizers.run(surface, optimizers.make(name, **_row(hp, i)), starts[i : i + 1], STEPS)
        for i in range(N)
    ]
    moved = [np.isfinite(s.points[0, -1]).all() for s in scalars]
    assert any(moved), "every row diverged: the sampled values test nothing"
    _assert_rows_equal(vector, scalars)


def test_hp_holds_the_rows_and_scalars_broadcast():
    opt = optimizers.make("adam", lr=[0.01, 0.02, 0.03], beta1=0.8)
    np.testing.assert_array_equal(opt.hp["lr"], [0.01, 0.02, 0.03])
    assert opt.hp["beta1"] == 0.8 and opt.take_rows is not None
    assert optimizers.make("adam", lr=0.01).take_rows is None
    starts = np.array([[1.0, 1.0]] * 3)
    traj = optimizers.run(surfaces.get("bowl"), opt, starts, 20)
    # Different rates from one start: different paths, the largest rate moves farthest.
    moved = np.linalg.norm(traj.points[:, 1] - starts, axis=1)
    assert moved[0] < moved[1] < moved[2]


@pytest.mark.parametrize(
    ("hp", "message"),
    [
        ({"lr": np.array([0.1, -0.1])}, r"lr\[1\] must be in \(0, 100\]"),
        ({"beta1": np.array([0.5, 1.0, 0.2])}, r"beta1\[1\] must be in \[0, 1\)"),
        ({"beta1": np.array([0.5, np.nan])}, r"beta1\[1\]"),
        ({"eps": np.zeros((2, 2))}, "1-D array"),
        ({"eps": np.array([])}, "1-D array"),
        ({"eps": np.array(["a", "b"])}, "numbers"),
        ({"amsgrad": np.array([True, False])}, "one value for all rows"),
        ({"lr": [0.1, 0.2], "beta1": [0.5, 0.6, 0.7]}, "same length"),
    ],
)
def test_bad_per_row_values_raise_clear_errors(hp, message):
    with pytest.raises(ValueError, match=message):
        optimizers.make("adam", **hp)


def test_int_hyperparameters_must_be_whole():
    with pytest.raises(ValueError, match=r"k\[0\] must be in \[1, "):
        optimizers.make("lookahead", k=[2.5, 3])
    opt = optimizers.make("lookahead", k=[2.0, 3])
    assert opt.hp["k"].dtype == np.int64


def test_row_count_must_match_the_starts():
    opt = optimizers.make("sgd", lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="2 per-row values but there are 3 start rows"):
        optimizers.run(surfaces.get("bowl"), opt, np.ones((3, 2)), 5)


def test_rows_that_diverge_drop_their_hyperparameters_with_them():
    """Rows stop at different steps; the others keep their own values afterwards."""
    surface = surfaces.get("rosenbrock")
    lrs = np.array([1e-3, 0.05, 2e-3, 0.02, 5e-4, 0.01])
    momentum = np.array([0.9, 0.5, 0.0, 0.8, 0.95, 0.3])
    starts = np.tile([[-1.2, 1.0]], (6, 1))
    vector = optimizers.run(
        surface, optimizers.make("sgd", lr=lrs, momentum=momentum, dampening=0.1), starts, 80
    )
    assert (vector.diverged_at >= 0).sum() >= 2 and (vector.diverged_at < 0).sum() >= 2
    scalars = [
        optimizers.run(
            surface,
            optimizers.make("sgd", lr=lrs[i], momentum=momentum[i], dampening=0.1),
            starts[i : i + 1],
            80,
        )
        for i in range(6)
    ]
    _assert_rows_equal(vector, scalars)


@pytest.mark.parametrize(
    "schedule",
    [
        optimizers.make_schedule("cosine", t_max=40, warmup=5),
        optimizers.make_schedule("cyclic_triangular", max_lr=0.05, step_size_up=10),
        optimizers.make_schedule("plateau", patience=3, factor=0.5, warmup=2),
    ],
    ids=lambda s: s.kind,
)
def test_schedules_take_per_row_rates(schedule):
    surface = surfaces.get("rosenbrock")
    lrs = np.array([1e-3, 2e-3, 1e-3, 4e-3])
    starts = np.array([[-1.2, 1.0], [0.5, 0.5], [1.5, 2.0], [-0.5, 1.5]])
    vector = optimizers.run(surface, optimizers.make("adam", lr=lrs), starts, 60, schedule=schedule)
    assert vector.lrs.shape == (4, 60)
    for i in range(4):
        scalar = optimizers.run(
            surface, optimizers.make("adam", lr=lrs[i]), starts[i : i + 1], 60, schedule=schedule
        )
        np.testing.assert_allclose(vector.lrs[i], np.reshape(scalar.lrs, (-1, 60))[0], rtol=0)
        _assert_rows_equal(
            optimizers.Trajectory(*(x[i : i + 1] if k < 4 else x for k, x in enumerate(vector))),
            [scalar],
        )


def test_wrap_takes_per_row_sync_period_and_survives_divergence():
    surface = surfaces.get("rosenbrock")
    k, alpha = np.array([2, 3, 5, 7]), np.array([0.2, 0.5, 0.8, 1.0])
    lrs = np.array([1e-3, 0.05, 2e-3, 1e-3])
    starts = np.tile([[-1.2, 1.0]], (4, 1))
    vector = optimizers.run(
        surface, wrap(optimizers.make("momentum", lr=lrs), k, alpha), starts, 50
    )
    assert (vector.diverged_at >= 0).any()
    for i in range(4):
        opt = wrap(optimizers.make("momentum", lr=lrs[i]), int(k[i]), float(alpha[i]))
        scalar = optimizers.run(surface, opt, starts[i : i + 1], 50)
        _assert_rows_equal(
            optimizers.Trajectory(*(x[i : i + 1] for x in vector[:4]), vector.lrs, {}), [scalar]
        )


def test_record_with_per_row_hyperparameters():
    surface = surfaces.get("rosenbrock")
    opt = optimizers.make("nadam", lr=[0.01, 0.02], momentum_decay=[0.004, 0.04])
    traj = optimizers.run(surface, opt, [[-1.2, 1.0], [0.5, 0.5]], 10, record=True)
    assert traj.internals["mu"].shape == (2, 10, 2)
    scalar = optimizers.run(
        surface, optimizers.make("nadam", lr=0.02, momentum_decay=0.04), [[0.5, 0.5]], 10,
        record=True,
    )  # fmt: skip
    np.testing.assert_allclose(traj.internals["mu"][1], scalar.internals["mu"][0], rtol=1e-12)


RUN_ALL_CONFIGS = [
    ("adam", {"lr": 0.01}),
    ("momentum", {"lr": 1e-3, "momentum": 0.9}),
    ("adam", {"lr": 0.05, "beta1": 0.5}),
    ("adam", {"lr": 0.02, "amsgrad": True}),
    ("momentum", {"lr": 2e-3, "momentum": 0.0}),
    ("momentum", {"lr": 0.05, "momentum": 0.9}),  # diverges
    ("gd", {}),
]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"schedule": optimizers.make_schedule("cosine", t_max=30)},
        {"schedule": optimizers.make_schedule("plateau", patience=2)},
        {"noise": 0.5},
        {"record": True},
    ],
    ids=["plain", "cosine", "plateau", "noise", "record"],
)
def test_run_all_equals_separate_runs(options):
    surface = surfaces.get("rosenbrock")
    starts = np.array([[-1.2, 1.0], [0.5, 1.5]])
    together = optimizers.run_all(surface, RUN_ALL_CONFIGS, starts, 40, escape_radius=50, **options)
    for (name, hp), traj in zip(RUN_ALL_CONFIGS, together, strict=True):
        alone = optimizers.run(
            surface, optimizers.make(name, **hp), starts, 40, escape_radius=50, **options
        )
        for field in ("points", "values", "grad_norms", "diverged_at", "lrs"):
            np.testing.assert_array_equal(getattr(traj, field), getattr(alone, field), field)
        assert traj.internals.keys() == alone.internals.keys()
    assert together[5].diverged_at.min() >= 0


def test_run_all_reports_a_bad_value_like_make():
    with pytest.raises(ValueError, match=r"^beta1 must be in \[0, 1\), got 1.5$"):
        optimizers.run_all(
            surfaces.get("bowl"), [("adam", {}), ("adam", {"beta1": 1.5})], [[1.0, 1.0]], 5
        )


@pytest.mark.parametrize("name", surfaces.names())
def test_value_and_grad_are_value_and_grad_exactly(name):
    surface = surfaces.get(name)
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(3)
    xy = np.column_stack([rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)])
    xy = np.vstack([xy, [[np.nan, 0.0], [np.inf, 1.0], [1e200, -1e200]]])
    expected = (surface.value(xy), surface.grad(xy))
    fused = surface.value_and_grad
    for call in (fused, getattr(fused, "unchecked", fused)):
        with np.errstate(all="ignore"):
            value, grad = call(xy)
        np.testing.assert_array_equal(value, expected[0])
        np.testing.assert_array_equal(grad, expected[1])
        assert value.dtype == grad.dtype == np.float64
    one = fused(xy[:1].tolist())  # the checked call takes lists, like value and grad
    np.testing.assert_array_equal(one[1], surface.grad(xy[:1]))


def test_sweep_equals_one_run_per_cell_and_chunks_change_nothing():
    from optimizers import sweeps

    surface = surfaces.get("rosenbrock")
    starts = [[-1.2, 1.0], [0.0, 2.0]]
    lrs, momenta = [1e-4, 1e-3, 3e-3, 2e-2], [0.0, 0.5, 0.9]
    kw = {"f_min": 0.0, "tol": 1e-2, "escape_radius": 100.0}
    result = sweeps.sweep(surface, "sgd", starts, 100, "lr", lrs, "momentum", momenta, **kw)
    small = sweeps.sweep(
        surface, "sgd", starts, 100, "lr", lrs, "momentum", momenta, chunk_points=300, **kw
    )
    for a, b in zip(result, small, strict=True):
        np.testing.assert_array_equal(a, b)
    for j, m in enumerate(momenta):
        for i, lr in enumerate(lrs):
            traj = optimizers.run(
                surface, optimizers.make("sgd", lr=lr, momentum=m), starts, 100, escape_radius=100.0
            )
            gone = traj.diverged_at >= 0
            assert result.diverged[j, i] == gone.any()
            if not gone.any():
                assert result.final_loss[j, i] == traj.values[:, -1].max()
            else:
                assert result.diverged_at[j, i] == traj.diverged_at[gone].min()
    assert result.diverged.any() and not result.diverged.all()
