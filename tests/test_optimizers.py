"""Optimizers one by one: registry and validation, closed-form first steps, published
update rules (Lion, AdaBelief), Newton, the teaching forms, schedules.
"""

import copy
import re

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.registry import _REGISTRY

TORCH_NAMED = [n for n in optimizers.names() if optimizers.spec(n).torch_name]
G = np.array([[3.0, -0.5], [-1e-3, 2e3], [0.25, 7.0]])  # gradients of very different sizes
THETA = np.array([[1.0, 2.0], [-0.5, 0.3], [4.0, -1.0]])


def first_step(name, g=G, theta=THETA, hess=None, **hp):
    opt = optimizers.make(name, **hp)
    updates, _ = opt.update(g, opt.init(theta), theta, opt.hp["lr"], hess)
    return updates


class Quadratic:
    """f = 0.5 θᵀAθ - bᵀθ: gradient Aθ - b, Hessian A, minimum A⁻¹b."""

    def __init__(self, a, b):
        self.a, self.b = np.asarray(a, float), np.asarray(b, float)

    def value(self, xy):
        return 0.5 * np.einsum("ni,ij,nj->n", xy, self.a, xy) - xy @ self.b

    def grad(self, xy):
        return xy @ self.a.T - self.b

    def hessian(self, xy):
        return np.broadcast_to(self.a, (len(xy), 2, 2)).copy()


# --- registry ---------------------------------------------------------------------------


def test_names_cover_torch_and_teaching_forms():
    names = optimizers.names()
    assert len(names) == len(set(names))
    expected = {"gd", "momentum", "momentum_ema", "nesterov", "lion", "adabelief", "newton"}
    assert set(TORCH_NAMED) | expected <= set(names)
    for name in TORCH_NAMED:
        assert optimizers.spec(name).torch_name is not None


@pytest.mark.parametrize("name", optimizers.names())
def test_spec_describes_every_hyperparameter(name):
    spec = optimizers.spec(name)
    opt = optimizers.make(name)
    assert spec.name == opt.name == name
    assert spec.title and len(spec.summary) > 40
    assert opt.hp == {k: h.default for k, h in spec.hparams.items()}
    assert spec.needs_hessian == opt.needs_hessian == (name == "newton")
    assert "lr" in spec.hparams
    for key, h in spec.hparams.items():
        assert h.kind in ("float", "int", "bool")
        assert len(h.help) > 15, key
        assert h.check(key, h.default) == h.default  # every default is in its own range
        if h.kind != "bool":
            assert h.low < h.high


@pytest.mark.parametrize("name", optimizers.names())
def test_latex_is_the_docstring_algorithm(name):
    latex = optimizers.spec(name).latex
    assert latex.startswith(r"\begin{aligned}") and latex.endswith(r"\end{aligned}")
    assert latex.count("{") == latex.count("}")
    doc = _REGISTRY[name].factory.__doc__
    assert ".. math::" in doc
    for line in latex.splitlines():
        assert line.strip() in doc


def test_torch_defaults_match_torch_2_13():
    # torch.optim signatures of the pinned torch (checked against the installed wheel).
    assert optimizers.make("sgd").hp["lr"] == 1e-3
    assert optimizers.make("adagrad").hp == {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    }
    assert (
        optimizers.make("rmsprop").hp["lr"] == 1e-2
        and optimizers.make("rmsprop").hp["alpha"] == 0.99
    )
    assert optimizers.make("adadelta").hp == {
        "lr": 1.0,
        "rho": 0.9,
        "eps": 1e-6,
        "weight_decay": 0.0,
    }
    assert optimizers.make("adamw").hp["weight_decay"] == 1e-2
    assert optimizers.make("adamax").hp["lr"] == 2e-3 and optimizers.make("nadam").hp["lr"] == 2e-3
    assert optimizers.make("nadam").hp["momentum_decay"] == 4e-3
    adam = optimizers.make("adam").hp
    assert (adam["beta1"], adam["beta2"], adam["eps"], adam["bias_correction"]) == (
        0.9,
        0.999,
        1e-8,
        True,
    )


@pytest.mark.parametrize(
    ("name", "hp", "message"),
    [
        ("nope", {}, "unknown optimizer 'nope'; expected one of: gd, sgd"),
        (
            "adam",
            {"betas": (0.9, 0.99)},
            "unknown hyperparameter 'betas' for adam; expected one of",
        ),
        ("adam", {"lr": 0.0}, "lr must be in (0, 100], got 0.0"),
        ("sgd", {"lr": -1}, "lr must be in (0, 100], got -1.0"),
        ("adam", {"beta1": 1.2}, "beta1 must be in [0, 1), got 1.2"),
        ("adam", {"beta2": 1.0}, "beta2 must be in [0, 1), got 1.0"),
        ("adam", {"beta1": -0.1}, "beta1 must be in [0, 1), got -0.1"),
        ("adam", {"eps": 0.0}, "eps must be in (0, 1], got 0.0"),
        ("rmsprop", {"alpha": float("nan")}, "alpha must be in [0, 1), got nan"),
        ("sgd", {"momentum": 1.0}, "momentum must be in [0, 1), got 1.0"),
        ("adam", {"lr": "fast"}, "lr must be a number in (0, 100], got 'fast'"),
        ("adam", {"lr": True}, "lr must be a number in (0, 100], got True"),
        ("adam", {"amsgrad": 1}, "amsgrad must be True or False, got 1"),
        ("sgd", {"nesterov": True}, "nesterov=True needs momentum > 0 and dampening = 0"),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "nesterov=True needs"),
        ("newton", {"damping": -1.0}, "damping must be in [0, 100], got -1.0"),
    ],
)
def test_make_rejects_bad_hyperparameters(name, hp, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizers.make(name, **hp)


def test_make_accepts_numpy_scalars_and_returns_plain_python_values():
    opt = optimizers.make("adam", lr=np.float32(0.5), beta1=np.float64(0.8), amsgrad=np.True_)
    assert opt.hp["lr"] == 0.5 and type(opt.hp["lr"]) is float
    assert opt.hp["amsgrad"] is True


def test_suggest_lr_rules():
    for name in ("gd", "sgd", "momentum", "momentum_ema", "nesterov"):
        assert optimizers.suggest_lr(name, 0.02) == 0.02
    assert optimizers.suggest_lr("adam", 0.04) == pytest.approx(0.1)  # sqrt(0.04)/2, clipped
    assert optimizers.suggest_lr("adam", 1e-3) == pytest.approx(np.sqrt(1e-3) / 2)
    assert optimizers.suggest_lr("adam", 1e-9) == 1e-3
    assert optimizers.suggest_lr("adagrad", 1e-3) == pytest.approx(5 * np.sqrt(1e-3) / 2)
    assert optimizers.suggest_lr("lion", 1e-3) == pytest.approx(np.sqrt(1e-3) / 6)
    assert optimizers.suggest_lr("radam", 1e-3) == 2e-3  # capped: its first steps are SGD
    assert optimizers.suggest_lr("radam", 0.04) == pytest.approx(0.08)
    assert optimizers.suggest_lr("newton", 0.3) == optimizers.suggest_lr("adadelta", 0.3) == 1.0
    for name in optimizers.names():  # every suggestion is a valid lr
        optimizers.make(name, lr=optimizers.suggest_lr(name, 1e-3))
    with pytest.raises(ValueError, match=re.escape("base_lr must be in (0, 100], got 0.0")):
        optimizers.suggest_lr("adam", 0.0)
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.suggest_lr("adamm", 0.1)


@pytest.mark.parametrize("name", optimizers.names())
def test_update_is_pure(name):
    opt = optimizers.make(name)
    hess = np.broadcast_to(np.array([[2.0, 0.3], [0.3, 1.0]]), (3, 2, 2))
    state = opt.init(THETA)
    updates, state = opt.update(G, state, THETA, 0.01, hess)
    before = copy.deepcopy((G, THETA, state, hess.copy()))
    again, _ = opt.update(G, state, THETA, 0.01, hess)
    twice, _ = opt.update(G, state, THETA, 0.01, hess)
    np.testing.assert_array_equal(again, twice)  # same inputs, same result
    for old, new in zip(before[:2], (G, THETA), strict=True):
        np.testing.assert_array_equal(old, new)
    for old, new in zip(before[2], state, strict=True):
        np.testing.assert_array_equal(old, new)
    assert updates.shape == THETA.shape and np.isfinite(updates).all()


# --- closed-form first steps --------------------------------------------------------------


def test_sgd_and_gd_first_step_is_minus_lr_g():
    np.testing.assert_array_equal(first_step("gd", lr=0.1), -0.1 * G)
    np.testing.assert_array_equal(first_step("sgd", lr=0.1), -0.1 * G)
    # torch seeds the momentum buffer with g itself, so dampening does not act at step 1.
    np.testing.assert_array_equal(first_step("sgd", lr=0.1, momentum=0.9, dampening=0.5), -0.1 * G)
    np.testing.assert_allclose(
        first_step("sgd", lr=0.1, momentum=0.9, nesterov=True), -0.1 * 1.9 * G, rtol=1e-15
    )
    np.testing.assert_allclose(
        first_step("sgd", lr=0.1, weight_decay=0.2), -0.1 * (G + 0.2 * THETA), rtol=1e-15
    )


def test_momentum_forms_first_step():
    np.testing.assert_array_equal(first_step("momentum", lr=0.1, momentum=0.9), -0.1 * G)
    np.testing.assert_allclose(first_step("momentum_ema", lr=0.1, beta=0.9), -0.1 * 0.1 * G)
    np.testing.assert_array_equal(first_step("nesterov", lr=0.1, momentum=0.9), -0.1 * G)


def test_adam_first_step_is_lr_times_sign():
    step = first_step("adam", lr=0.05)
    np.testing.assert_allclose(step, -0.05 * G / (np.abs(G) + 1e-8), rtol=1e-12)
    assert np.allclose(step, -0.05 * np.sign(G), rtol=1e-4)  # up to eps, whatever |g|
    for name in ("adamw", "adamax"):  # same first step (AdamW: plus its decay)
        expected = -0.05 * G / (np.abs(G) + 1e-8)
        if name == "adamw":
            expected = expected - 0.05 * 0.01 * THETA
        np.testing.assert_allclose(first_step(name, lr=0.05), expected, rtol=1e-12)


def test_adam_without_bias_correction_first_step():
    step = first_step("adam", lr=0.05, bias_correction=False)
    expected = -0.05 * 0.1 * G / (np.sqrt(0.001) * np.abs(G) + 1e-8)
    np.testing.assert_allclose(step, expected, rtol=1e-12)
    assert np.abs(step).max() < 0.05 * 0.1 / np.sqrt(0.001)  # ~3.2x smaller than corrected


def test_adagrad_rmsprop_adadelta_first_steps():
    np.testing.assert_allclose(
        first_step("adagrad", lr=0.5, initial_accumulator_value=0.3),
        -0.5 * G / (np.sqrt(G**2 + 0.3) + 1e-10),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        first_step("rmsprop", lr=0.01, alpha=0.9),
        -0.01 * G / (np.sqrt(0.1 * G**2) + 1e-8),
        rtol=1e-14,
    )
    # Centered: the variance estimate 0.1 g² - (0.1 g)² = 0.09 g².
    np.testing.assert_allclose(
        first_step("rmsprop", lr=0.01, alpha=0.9, centered=True),
        -0.01 * G / (np.sqrt(0.09 * G**2) + 1e-8),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        first_step("adadelta", rho=0.9, eps=1e-6),
        -np.sqrt(1e-6) / np.sqrt(0.1 * G**2 + 1e-6) * G,
        rtol=1e-14,
    )


def test_nadam_and_radam_first_steps():
    beta1, psi = 0.9, 4e-3
    mu1 = beta1 * (1 - 0.5 * 0.96**psi)
    mu2 = beta1 * (1 - 0.5 * 0.96 ** (2 * psi))
    expected = -0.01 * (1 + mu2 * (1 - beta1) / (1 - mu1 * mu2)) * G / (np.abs(G) + 1e-8)
    np.testing.assert_allclose(first_step("nadam", lr=0.01), expected, rtol=1e-12)
    # RAdam: rho_1 = 1 <= 5, a plain momentum-SGD step with the bias-corrected m = g.
    np.testing.assert_allclose(first_step("radam", lr=0.01), -0.01 * G, rtol=1e-14)


def test_lion_and_adabelief_first_steps():
    np.testing.assert_allclose(
        first_step("lion", lr=0.01, weight_decay=0.1), -0.01 * (np.sign(G) + 0.1 * THETA)
    )
    # m_1 = 0.1 g, s_1 = 0.001 (0.9 g)² + eps_root: m̂ = g, ŝ = 0.81 g² + eps_root / 0.001.
    step = first_step("adabelief", lr=0.01)
    np.testing.assert_allclose(step, -0.01 * G / (np.sqrt(0.81 * G**2 + 1e-13) + 1e-16), rtol=1e-12)


# --- published rules, written out independently --------------------------------------------


def test_lion_follows_the_paper():
    """Chen et al. 2023, Algorithm 2 (decoupled weight decay), as optax.lion."""
    surface = Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0])
    lr, b1, b2, wd, steps = 0.02, 0.9, 0.99, 0.05, 40
    traj = optimizers.run(
        surface, optimizers.make("lion", lr=lr, beta1=b1, beta2=b2, weight_decay=wd), THETA, steps
    )
    theta, m = THETA.copy(), np.zeros_like(THETA)
    for t in range(1, steps + 1):
        g = surface.grad(theta)
        c = b1 * m + (1 - b1) * g
        theta = theta - lr * (np.sign(c) + wd * theta)
        m = b2 * m + (1 - b2) * g
        np.testing.assert_allclose(traj.points[:, t], theta, rtol=0, atol=1e-13)


def test_adabelief_follows_the_paper():
    """Zhuang et al. 2020, Algorithm 2, with optax's eps (outside the root) and eps_root."""
    surface = Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0])
    lr, b1, b2, eps, eps_root, steps = 0.05, 0.8, 0.99, 1e-12, 1e-10, 40
    opt = optimizers.make("adabelief", lr=lr, beta1=b1, beta2=b2, eps=eps, eps_root=eps_root)
    traj = optimizers.run(surface, opt, THETA, steps)
    theta, m, s = THETA.copy(), np.zeros_like(THETA), np.zeros_like(THETA)
    for t in range(1, steps + 1):
        g = surface.grad(theta)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * (g - m) ** 2 + eps_root
        m_hat, s_hat = m / (1 - b1**t), s / (1 - b2**t)
        theta = theta - lr * m_hat / (np.sqrt(s_hat) + eps)
        np.testing.assert_allclose(traj.points[:, t], theta, rtol=0, atol=1e-12)


# --- Newton --------------------------------------------------------------------------------


def test_newton_solves_a_quadratic_in_one_step():
    surface = Quadratic([[4.0, 1.0], [1.0, 3.0]], [1.0, 2.0])
    traj = optimizers.run(surface, optimizers.make("newton", lr=1.0, damping=0.0), THETA, 1)
    minimum = np.linalg.solve(surface.a, surface.b)
    np.testing.assert_allclose(traj.points[:, 1], np.broadcast_to(minimum, (3, 2)), atol=1e-14)
    assert np.abs(traj.grad_norms[:, 1]).max() < 1e-13


def test_newton_is_drawn_to_the_saddle():
    saddle = Quadratic([[2.0, 0.0], [0.0, -2.0]], [0.0, 0.0])  # x² - y²
    starts = np.array([[0.7, -1.3], [-2.0, 0.01], [1.5, 1.5]])
    traj = optimizers.run(saddle, optimizers.make("newton"), starts, 3)
    np.testing.assert_array_equal(traj.points[:, 1:], 0.0)  # lands exactly on the saddle
    # Gradient descent from the same starts runs away along -y² instead.
    gd = optimizers.run(saddle, optimizers.make("gd", lr=0.1), starts, 30)
    assert (np.abs(gd.points[:, -1, 1]) > np.abs(starts[:, 1])).all()


def test_newton_damping_tends_to_gradient_descent():
    hess = np.broadcast_to(np.array([[2.0, 0.5], [0.5, -1.0]]), (3, 2, 2))
    step = first_step("newton", hess=hess, lr=1.0, damping=100.0)
    exact = -np.linalg.solve(hess + 100 * np.eye(2), G[..., None])[..., 0]
    np.testing.assert_allclose(step, exact, rtol=1e-12)
    # Per row, within a few percent of a GD step with lr 1/100.
    error = np.linalg.norm(step + G / 100, axis=1)
    assert (error < 0.05 * np.linalg.norm(G / 100, axis=1)).all()


def test_newton_singular_hessian_gives_non_finite_not_an_exception(recwarn):
    hess = np.zeros((3, 2, 2))
    step = first_step("newton", hess=hess, damping=0.0)
    assert not np.isfinite(step).any()
    assert len(recwarn) == 0


# --- teaching forms are the torch forms in disguise --------------------------------------


def run_both(a, b, steps=60, starts=THETA):
    surface = Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0])
    return (
        optimizers.run(surface, optimizers.make(*a[:1], **a[1]), starts, steps, record=True),
        optimizers.run(surface, optimizers.make(*b[:1], **b[1]), starts, steps, record=True),
    )


def test_gd_and_momentum_are_torch_sgd():
    gd, sgd = run_both(("gd", {"lr": 0.05}), ("sgd", {"lr": 0.05}))
    np.testing.assert_array_equal(gd.points, sgd.points)
    heavy, sgd = run_both(
        ("momentum", {"lr": 0.05, "momentum": 0.8}), ("sgd", {"lr": 0.05, "momentum": 0.8})
    )
    np.testing.assert_array_equal(heavy.points, sgd.points)


def test_ema_momentum_is_heavy_ball_with_lr_times_one_minus_beta():
    ema, heavy = run_both(
        ("momentum_ema", {"lr": 0.5, "beta": 0.8}), ("momentum", {"lr": 0.1, "momentum": 0.8})
    )
    np.testing.assert_allclose(ema.points, heavy.points, rtol=0, atol=1e-13)


def test_nesterov_lookahead_points_are_torch_nesterov_path():
    look, torch_form = run_both(
        ("nesterov", {"lr": 0.05, "momentum": 0.9}),
        ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    )
    ahead = look.points[:, 1:] + 0.9 * look.internals["velocity"]
    np.testing.assert_allclose(ahead, torch_form.points[:, 1:], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(look.points[:, 0], torch_form.points[:, 0])


def test_adam_bias_correction_switch_changes_only_early_steps():
    on, off = run_both(
        ("adam", {"lr": 0.01}), ("adam", {"lr": 0.01, "bias_correction": False}), steps=3000
    )
    assert np.abs(on.points[:, 5] - off.points[:, 5]).max() > 1e-3
    np.testing.assert_allclose(on.internals["mu_hat"][:, 0], on.internals["grad"][:, 0])
    np.testing.assert_allclose(off.internals["mu_hat"], off.internals["mu"])
    # Both reach the minimum of the quadratic.
    np.testing.assert_allclose(on.points[:, -1], off.points[:, -1], atol=1e-2)


# --- schedules ----------------------------------------------------------------------------


T = np.arange(1, 11)


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("constant", {}, np.full(10, 0.2)),
        ("step", {"step_size": 3, "gamma": 0.5}, 0.2 * 0.5 ** ((T - 1) // 3)),
        ("exponential", {"gamma": 0.9}, 0.2 * 0.9 ** (T - 1)),
        ("inverse_time", {"k": 0.5}, 0.2 / (1 + 0.5 * (T - 1))),
        (
            "cosine",
            {"t_max": 4, "lr_min": 0.02},
            0.02 + 0.18 * (1 + np.cos(np.pi * np.minimum(T - 1, 4) / 4)) / 2,
        ),
    ],
)
def test_schedule_values(kind, params, expected):
    schedule = optimizers.make_schedule(kind, **params)
    np.testing.assert_allclose(schedule(T, 0.2), expected, rtol=1e-15)
    assert schedule(1, 0.2) == 0.2  # every schedule starts at lr0
    assert isinstance(schedule(3, 0.2), float)
    assert schedule.latex == optimizers.SCHEDULES[kind].latex


def test_cosine_reaches_lr_min_and_stays():
    schedule = optimizers.make_schedule("cosine", t_max=4, lr_min=0.01)
    np.testing.assert_allclose(schedule(np.array([5, 6, 100]), 1.0), 0.01)


def test_warmup_then_schedule():
    schedule = optimizers.make_schedule("exponential", gamma=0.5, warmup=4)
    np.testing.assert_allclose(
        schedule(np.arange(1, 8), 1.0), [0.25, 0.5, 0.75, 1.0, 1.0, 0.5, 0.25]
    )
    assert optimizers.WARMUP_LATEX in schedule.latex
    assert optimizers.make_schedule("constant", warmup=2)(np.arange(1, 4), 0.3).tolist() == [
        0.15,
        0.3,
        0.3,
    ]


def test_schedule_specs_describe_their_parameters():
    assert set(optimizers.SCHEDULES) == {
        "constant",
        "step",
        "exponential",
        "inverse_time",
        "cosine",
        "cosine_restarts",
        "one_cycle",
        "cyclic_triangular",
        "cyclic_triangular2",
        "cyclic_exp_range",
        "plateau",
    }
    for kind, spec in optimizers.SCHEDULES.items():
        assert spec.name == kind and spec.title and spec.summary and spec.latex
        assert "warmup" in spec.hparams
        for key, h in spec.hparams.items():
            assert len(h.help) > 10 and h.check(key, h.default) == h.default
        assert optimizers.make_schedule(kind).params == {
            k: h.default for k, h in spec.hparams.items()
        }


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("linear", {}, "unknown schedule 'linear'; expected one of: constant, step"),
        ("step", {"gamma": 0.0}, "gamma must be in (0, 1], got 0.0"),
        ("step", {"step_size": 2.5}, "step_size must be an integer in [1, 20000], got 2.5"),
        ("step", {"step_size": 0}, "step_size must be in [1, 20000], got 0"),
        ("cosine", {"t_max": 10, "warmup_steps": 3}, "unknown parameter 'warmup_steps'"),
        ("constant", {"warmup": -1}, "warmup must be in [0, 20000], got -1"),
        ("inverse_time", {"k": -0.1}, "k must be in [0, 10], got -0.1"),
    ],
)
def test_make_schedule_rejects_bad_parameters(kind, params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizers.make_schedule(kind, **params)


@pytest.mark.parametrize("name", optimizers.names())
def test_every_optimizer_explains_its_steps_in_the_inspector(name):
    """The registry requires an inspector rule; each must match the steps really taken."""
    from figures import inspector

    s = surfaces.get("himmelblau")
    opt = optimizers.make(name, lr=optimizers.suggest_lr(name, s.lr))
    start = np.array([s.start], dtype=float)
    traj = optimizers.run(s, opt, start, 5, record=True)
    record = {"points": traj.points[0], **{k: v[0] for k, v in traj.internals.items()}}
    for t in (1, 5):
        step = inspector.step_values(record, t, inspector.state_dict(opt.init(start)))
        hess = s.hessian(step["theta_prev"][None])[0] if opt.needs_hessian else None
        _, exact = inspector.update_latex(name, opt.hp, step, traj.lrs[t - 1], hessian=hess)
        assert exact, (name, t)
