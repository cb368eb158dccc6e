"""Conformance with the reference packages (pytorch-optimizer, prodigyopt, schedulefree).

The references are in tests/fixtures/reference_trajectories.json, made once by
tests/fixtures/make_reference_fixtures.py in float64 (the packages are not needed to run
these tests). The surfaces are those of the torch conformance tests.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import optimizers
from tests.test_optimizers_torch import Rosenbrock, RotatedQuadratic

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "reference_trajectories.json").read_text()
)
SURFACES = {
    "rosenbrock": Rosenbrock(),
    "quadratic": RotatedQuadratic(**FIXTURE["quadratic"]),
}
TOLERANCE = 1e-10


def case_id(case):
    options = ",".join(f"{k}={v}" for k, v in case["hp"].items())
    return f"{case['optimizer']}-{case['surface']}-{options}"


def relative_difference(ours, reference):
    """Largest |ours − reference|, relative to each path's own size (at least 1)."""
    scale = np.maximum(np.abs(reference).max(axis=(1, 2), keepdims=True), 1.0)
    return float((np.abs(ours - reference) / scale).max())


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=case_id)
def test_trajectory_matches_reference(case):
    reference = np.array(case["points"])
    opt = optimizers.make(case["optimizer"], **case["hp"])
    starts = FIXTURE["starts"][case["surface"]]
    traj = optimizers.run(SURFACES[case["surface"]], opt, starts, FIXTURE["steps"])
    assert (traj.diverged_at == -1).all()
    assert traj.points.shape == reference.shape
    assert relative_difference(traj.points, reference) <= TOLERANCE
    # The references really move (a frozen path would match trivially).
    assert np.abs(reference[:, -1] - reference[:, 0]).max() > 0.05


def test_fixture_covers_each_reference_optimizer():
    covered = {case["optimizer"] for case in FIXTURE["cases"]}
    assert {"adan", "prodigy", "schedulefree_adamw", "schedulefree_sgd"} <= covered
    assert FIXTURE["steps"] >= 80
    for name in covered:
        cases = [c for c in FIXTURE["cases"] if c["optimizer"] == name]
        assert len({c["surface"] for c in cases}) >= 2 and len(cases) >= 3


def test_adan_first_step_closed_form():
    # Step 1: Δ = 0, m = (1-β₁)g, v = (1-β₃)g², so θ₁ = θ₀ − γ g / (|g| + ε): a sign step.
    theta = np.array([[0.3, -1.2], [2.0, 0.5]])
    grads = np.array([[0.7, -0.02], [-3.0, 1e-3]])
    opt = optimizers.make("adan", lr=0.1)
    step, state = opt.update(grads, opt.init(theta), theta, 0.1)
    np.testing.assert_allclose(step, -0.1 * grads / (np.abs(grads) + 1e-8), rtol=1e-12)
    assert state.count == 1
    np.testing.assert_array_equal(state.prev_grad, grads)


def test_prodigy_first_step_closed_form():
    # Step 1 from d = d0: r₁ = 0 (θ = θ₀), so d̂ = 0 and d stays d0; m = d0(1-β₁)g,
    # v = d0²(1-β₂)g², so θ₁ = θ₀ − d0 γ · d0 (1-β₁) g / (d0 √(1-β₂) |g| + d0 ε).
    theta = np.array([[0.3, -1.2], [2.0, 0.5]])
    grads = np.array([[0.7, -0.02], [-3.0, 1e-3]])
    opt = optimizers.make("prodigy", d0=1e-3)
    step, state = opt.update(grads, opt.init(theta), theta, 1.0)
    expected = -1e-3 * 1e-3 * 0.1 * grads / (1e-3 * np.sqrt(0.001) * np.abs(grads) + 1e-3 * 1e-8)
    np.testing.assert_allclose(step, expected, rtol=1e-12)
    np.testing.assert_array_equal(state.d, [1e-3, 1e-3])


def test_prodigy_d_is_each_rows_own():
    surface = SURFACES["quadratic"]
    starts = np.array([[2.0, 1.0], [-1.5, 0.5], [0.3, -2.0]])
    opt = optimizers.make("prodigy", d0=1e-3)
    together = optimizers.run(surface, opt, starts, 60, record=True)
    for row in range(3):
        alone = optimizers.run(surface, opt, starts[row : row + 1], 60)
        np.testing.assert_array_equal(alone.points[0], together.points[row])
    d = together.internals["d"]
    assert d.shape == (3, 60)
    assert (np.diff(d, axis=1) >= 0).all()  # d only grows
    assert d.max() > 100 * 1e-3  # and it really grows from d0


@pytest.mark.parametrize(
    ("name", "hp"),
    [
        ("adan", {"weight_decay": 0.1}),
        ("adan", {"weight_decay": 0.1, "weight_decouple": True}),
        ("prodigy", {"weight_decay": 0.1, "use_bias_correction": True, "beta1": 0.0, "d0": 1e-2}),
        ("schedulefree_adamw", {"weight_decay": 0.1, "warmup_steps": 5, "r": 1.0}),
        ("schedulefree_sgd", {"lr": 1e-3, "weight_decay": 0.1, "warmup_steps": 5}),
    ],
)
@pytest.mark.parametrize("surface", ["rosenbrock", "canyon"])
def test_inspector_numbers_are_the_recorded_step(name, hp, surface):
    """Every option's substituted equations reproduce the step the run took."""
    import surfaces
    from figures import inspector

    s = surfaces.get(surface)
    opt = optimizers.make(name, **hp)
    start = np.array([s.start], dtype=float)
    traj = optimizers.run(s, opt, start, 30, record=True)
    record = {"points": traj.points[0], **{k: v[0] for k, v in traj.internals.items()}}
    for t in (1, 2, 30):
        step = inspector.step_values(record, t, inspector.state_dict(opt.init(start)))
        _, exact = inspector.update_latex(name, opt.hp, step, traj.lrs[t - 1])
        assert exact, (name, hp, t)


def test_schedulefree_first_step_closed_form():
    # Step 1 without warmup: c₁ = w₁ / w₁ = 1, so x₁ = z₁ (the whole average is z₁):
    # SGD: x₁ = θ₀ − γ g; AdamW: x₁ = θ₀ − γ g / (|g| + ε). Then y₁ = β x₁ + (1 − β) z₁ = x₁.
    theta = np.array([[0.3, -1.2], [2.0, 0.5]])
    grads = np.array([[0.7, -0.02], [-3.0, 1e-3]])
    sgd = optimizers.make("schedulefree_sgd", lr=0.1)
    step, state = sgd.update(grads, sgd.init(theta), theta, 0.1)
    np.testing.assert_allclose(step, -0.1 * grads, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(state.y, theta + step, rtol=1e-14)
    adamw = optimizers.make("schedulefree_adamw", lr=0.1)
    step, state = adamw.update(grads, adamw.init(theta), theta, 0.1)
    np.testing.assert_allclose(step, -0.1 * grads / (np.abs(grads) + 1e-8), rtol=1e-12)
    # The gradient is taken at y, not at the drawn x.
    np.testing.assert_array_equal(adamw.lookahead(theta, state), state.y)
