"""AppTest of the analysis pages (inspector, basins, sweeps, custom surface), and the
step inspector's typeset arithmetic.

Grids and budgets are kept small through the pages' widget keys so each test is quick.
``st.switch_page`` needs the app's navigation, which a page run on its own does not have,
so the tests that press "Open/Send to the explorer" record the call instead.
"""

import numpy as np
import pytest
import streamlit as st

import optimizers
import surfaces
from figures import inspector
from ui import scene as sc

HOSTILE = [
    "__import__('os')",
    "().__class__.__base__.__subclasses__()",
    "x if y else 0",
    "9**9**9",
    "lambda: 0",
]
BROKEN = ["sin(x", "x +* y", "", "foo(x)"]


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def switched(monkeypatch):
    """Record ``st.switch_page`` calls instead of switching (no navigation in AppTest)."""
    calls = []
    monkeypatch.setattr(st, "switch_page", lambda page: calls.append(page))
    return calls


# --- step inspector ---------------------------------------------------------------------


def test_inspector_defaults(app_test):
    at = no_exception(app_test("pages/inspector.py").run())
    assert at.slider(key="inspector_step").value == 1
    assert len(at.get("plotly_chart")) == 1
    assert len(at.dataframe) == 4  # one table per run of the default race
    assert at.latex  # the rules with numbers
    table = at.dataframe[0].value
    assert {"gradient", "update", "effective step size"} <= set(table["quantity"])


def test_inspector_follows_the_explorers_step_and_moves(app_test):
    at = app_test("pages/inspector.py")
    at.session_state["explorer_step"] = 40
    no_exception(at.run())
    assert at.slider(key="inspector_step").value == 40
    at.button[1].click()  # next step
    no_exception(at.run())
    assert at.slider(key="inspector_step").value == 41
    at.slider(key="inspector_step").set_value(120)
    no_exception(at.run())
    assert at.slider(key="inspector_step").value == 120
    at.toggle[0].set_value(True)  # zoom
    no_exception(at.run())


def test_inspector_with_another_optimizer_and_a_formula_scene(app_test):
    at = app_test("pages/inspector.py")
    at.session_state["scene"] = sc.Scene(
        surface=sc.FORMULA,
        formula="x^2 + 10 y^2",
        steps=60,
        runs=(sc.Run("adam", (("lr", 0.1),)), sc.Run("nadam", (("lr", 0.1),), "#1f77b4")),
    )
    at.session_state["explorer_step"] = 7
    no_exception(at.run())
    text = "".join(e.value for e in at.latex)
    assert r"\hat m_t" in text and r"\hat v_t" in text  # Adam's bias-corrected moments
    at.selectbox[0].set_value("newton")
    no_exception(at.run())
    assert any("H_t" in e.value for e in at.latex)


def test_inspector_on_a_diverged_run_warns(app_test):
    at = app_test("pages/inspector.py")
    at.session_state["scene"] = sc.Scene(
        surface="bowl", steps=50, runs=(sc.Run("gd", (("lr", 5.0),)),)
    )
    at.session_state["explorer_step"] = 45
    no_exception(at.run())
    assert any("diverged" in w.value for w in at.warning)


CASES = [
    ("gd", {}),
    ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("sgd", {"momentum": 0.5, "dampening": 0.3}),
    ("momentum", {}),
    ("momentum_ema", {}),
    ("nesterov", {}),
    ("adagrad", {"lr_decay": 0.1, "weight_decay": 0.01, "initial_accumulator_value": 0.5}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adadelta", {}),
    ("adam", {}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("adam", {"bias_correction": False}),
    ("adamw", {}),
    ("adamax", {}),
    ("nadam", {"weight_decay": 0.1}),
    ("radam", {}),
    ("adabelief", {}),
    ("lion", {}),
    ("newton", {"damping": 0.5}),
]


def _record(name, hp, steps=12):
    surface = surfaces.get("rosenbrock")
    opt = optimizers.make(name, **hp)
    start = np.array([[-1.5, 2.0]])
    traj = optimizers.run(surface, opt, start, steps, record=True)
    record = {"points": traj.points[0], **{k: v[0] for k, v in traj.internals.items()}}
    return surface, opt, record, inspector.state_dict(opt.init(start)), traj.lrs


@pytest.mark.parametrize(("name", "hp"), CASES, ids=[f"{n}-{len(h)}" for n, h in CASES])
def test_update_rule_templates_reproduce_the_recorded_steps(name, hp):
    surface, opt, record, initial, lrs = _record(name, hp)
    for t in (1, 2, 6, 12):
        step = inspector.step_values(record, t, initial)
        hess = surface.hessian(step["theta_prev"][None])[0] if opt.needs_hessian else None
        blocks, exact = inspector.update_latex(name, opt.hp, step, lrs[t - 1], hessian=hess)
        assert exact, (name, hp, t)
        assert len(blocks) == (1 if name == "newton" else 2)


def test_update_rule_falls_back_rather_than_show_wrong_arithmetic():
    _, opt, record, initial, lrs = _record("adam", {})
    step = inspector.step_values(record, 5, initial)
    wrong = {**opt.hp, "beta1": 0.5}  # not what the run used
    blocks, exact = inspector.update_latex("adam", wrong, step, lrs[4])
    assert not exact
    assert all(r"\Delta\theta_t" in latex for _, latex in blocks)
    # An optimizer cannot be registered without its rule, so an unknown name is an error.
    with pytest.raises(ValueError, match="unknown optimizer"):
        inspector.update_latex("some_new_optimizer", opt.hp, step, lrs[4])


def test_state_rows_name_the_maths():
    _, _, record, initial, lrs = _record("adam", {})
    rows = inspector.state_rows("adam", inspector.step_values(record, 3, initial), lrs[2])
    symbols = [r["symbol"] for r in rows]
    assert {"g", "m", "v", "m̂", "v̂", "Δθ", "|Δθ|/|g|"} <= set(symbols)


# --- basin map --------------------------------------------------------------------------


def small_basins(app_test, **state):
    at = app_test("pages/basins.py", timeout=120)
    at.session_state["basins.grid"] = 40
    at.session_state["basins.steps"] = 200
    for key, value in state.items():
        at.session_state[key] = value
    return at


def test_basins_defaults(app_test):
    at = no_exception(small_basins(app_test).run())
    # Issue 11: the default map is Himmelblau's four basins, not Rosenbrock's one (86-98 %
    # grey "elsewhere"); a new surface starts with two optimizers.
    assert at.selectbox(key="basins.surface").value == "himmelblau"
    assert len(at.get("plotly_chart")) == 2
    rows = at.dataframe[0].value
    assert len(rows) == 2 and "diverged" in rows.columns and "minimum 4" in rows.columns


def test_basins_follow_a_chosen_explorer_surface(app_test):
    at = small_basins(app_test)
    at.query_params["surface"] = "three_hump_camel"
    no_exception(at.run())
    assert at.selectbox(key="basins.surface").value == "three_hump_camel"


def test_basins_changed_settings(app_test):
    at = no_exception(small_basins(app_test).run())  # Himmelblau by default
    assert len(at.get("plotly_chart")) == 2  # a new surface starts with two optimizers
    at.selectbox(key="basins.himmelblau.1.name").set_value("newton")
    at.number_input(key="basins.himmelblau.count").set_value(3)
    no_exception(at.run())
    assert len(at.get("plotly_chart")) == 3
    at.button_group(key="basins.mode").set_value("steps")
    no_exception(at.run())
    rows = at.dataframe[0].value
    assert rows.shape[0] == 3 and "minimum 4" in rows.columns  # Himmelblau's four minima


def test_basins_on_a_surface_without_minima(app_test):
    at = no_exception(small_basins(app_test, **{"basins.surface": "saddle"}).run())
    assert any("no minimum" in i.value for i in at.info)


# --- sweeps and the fair race -----------------------------------------------------------


def small_sweeps(app_test, **state):
    at = app_test("pages/sweeps.py", timeout=120)
    at.session_state["sweeps.steps"] = 100
    at.session_state["sweeps.rates"] = 8
    at.session_state["sweeps.values"] = 3
    for key, value in state.items():
        at.session_state[key] = value
    return at


def test_sweeps_defaults(app_test):
    at = no_exception(small_sweeps(app_test).run())
    assert len(at.get("plotly_chart")) == 1
    assert any("runs of 100 steps" in c.value for c in at.caption)


def test_sweeps_changed_settings(app_test):
    at = no_exception(small_sweeps(app_test).run())
    at.selectbox(key="sweeps.optimizer").set_value("rmsprop")
    no_exception(at.run())
    assert at.selectbox(key="sweeps.second.rmsprop").value == "alpha"
    at.button_group(key="sweeps.metric").set_value("steps")
    no_exception(at.run())
    at.selectbox(key="sweeps.second.rmsprop").select_index(0)  # learning rate only
    no_exception(at.run())
    assert any("8 runs" in c.value for c in at.caption)


def test_sweep_rates_span_a_decade_each_side_of_the_suggested_rate(app_test):
    at = no_exception(small_sweeps(app_test).run())
    surface = at.session_state["scene"].build_surface()
    for name in (at.selectbox(key="sweeps.optimizer").value, "adadelta"):
        at.selectbox(key="sweeps.optimizer").set_value(name)
        no_exception(at.run())
        lo, hi = at.select_slider[0].value
        suggested = optimizers.suggest_lr(name, surface.lr)
        assert lo <= suggested / 10 < 2.5 * lo and hi / 2.5 < 10 * suggested <= hi


def test_fair_race_and_open_in_the_explorer(app_test, switched):
    at = no_exception(small_sweeps(app_test, **{"sweeps.mode": "race"}).run())
    table = at.dataframe[0].value
    assert len(table) == 4  # the default race's four optimizers, each at its best rate
    at.button[0].click()
    no_exception(at.run())
    assert switched == ["pages/explorer.py"]
    scene = at.session_state["scene"]
    assert len(scene.runs) == 4 and scene.steps == 100
    assert all(dict(run.hp)["lr"] > 0 for run in scene.runs)


def test_fair_race_with_other_optimizers(app_test):
    at = small_sweeps(app_test, **{"sweeps.mode": "race", "sweeps.race": ["adagrad", "lion"]})
    no_exception(at.run())
    assert len(at.dataframe[0].value) <= 2


# --- custom surface ---------------------------------------------------------------------


def test_custom_surface_defaults(app_test):
    at = no_exception(app_test("pages/custom_surface.py").run())
    assert not at.error
    assert len(at.latex) == 3  # f, gradient, Hessian
    kinds = list(at.dataframe[0].value["kind"])
    assert kinds.count("minimum") == 2 and kinds.count("saddle") == 1  # the double well
    assert len(at.metric) == 3


@pytest.mark.parametrize("text", HOSTILE + BROKEN)
def test_custom_surface_refuses_bad_formulas_with_a_message(app_test, text):
    at = no_exception(app_test("pages/custom_surface.py").run())
    at.text_input[0].set_value(text)
    no_exception(at.run())
    assert len(at.error) == 1
    message = at.error[0].value
    assert "can't be used" in message and len(message) > len("**That formula can't be used.** ")
    assert "Traceback" not in message


def test_custom_surface_example_and_send_to_the_explorer(app_test, switched):
    at = no_exception(app_test("pages/custom_surface.py").run())
    at.button(key="example.Monkey saddle").click()
    no_exception(at.run())
    assert at.text_input[0].value == "x^3 - 3 x y^2"
    # Its Hessian vanishes at the origin: the eigenvalue test cannot classify it.
    assert list(at.dataframe[0].value["kind"]) == ["degenerate"]
    at.button(key="example.Narrow bowl").click()
    no_exception(at.run())
    send = next(b for b in at.button if b.label == "Send to the explorer")
    send.click()
    no_exception(at.run())
    assert switched == ["pages/explorer.py"]
    scene = at.session_state["scene"]
    assert scene.surface == sc.FORMULA and scene.formula == "x^2 + 25 y^2"
    assert [r.optimizer for r in scene.runs] == [r.optimizer for r in sc.default_runs()]
    bowl = surfaces.parse("x^2 + 25 y^2")
    assert dict(scene.runs[0].hp)["lr"] == sc.round_sig(optimizers.suggest_lr("gd", bowl.lr))


def test_state_table_shows_state_not_the_rate_schedule():
    """The app's internals carry the learning rates; the table shows them once, as γ."""
    from ui import scene as sc

    scene = sc.default_scene()
    record = sc.internals(scene)[0]
    opt = optimizers.make(scene.runs[0].optimizer, **dict(scene.runs[0].hp))
    start = np.array([scene.start_point(scene.build_surface())])
    step = inspector.step_values(record, 3, inspector.state_dict(opt.init(start)))
    symbols = [r["symbol"] for r in inspector.state_rows(opt.name, step, 0.1)]
    assert "lrs" not in step["state"] and "lrs" not in symbols and symbols.count("γ") == 1
