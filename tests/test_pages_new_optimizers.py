"""AppTest of the analysis pages with each optimizer added by issue 14.

The explorer is covered by tests/test_explorer.py (it runs every registered optimizer).
Here: the step inspector shows each one's own quantities, and the sweep and basin pages
run with it selected.
"""

import json

import numpy as np
import pytest

import optimizers
from tests.test_pages_analysis import no_exception, small_basins, small_sweeps
from ui import scene as sc

# name -> a LaTeX fragment only that optimizer's inspector rule writes
NEW = {
    "schedulefree_adamw": "z_{t-1}",
    "schedulefree_sgd": "z_{t-1}",
    "prodigy": "d_t",
    "adan": r"\Delta_t",
    "shampoo": "G_t^{-1/2}",
    "muon": r"\nu",
    "lookahead": r"\tilde\theta_t",
}


def test_the_new_optimizers_are_registered():
    assert set(NEW) <= set(optimizers.names())


@pytest.mark.parametrize("name", NEW)
def test_inspector_explains_each_new_optimizer(app_test, name):
    at = app_test("pages/inspector.py")
    lr = optimizers.suggest_lr(name, 1e-3)
    at.session_state["scene"] = sc.Scene(
        surface="canyon", steps=40, runs=(sc.Run(name, (("lr", lr),)),)
    )
    at.session_state["explorer_step"] = 5
    no_exception(at.run())
    text = "".join(e.value for e in at.latex)
    assert NEW[name] in text, text[:400]
    assert len(at.dataframe) == 1


@pytest.mark.parametrize("name", NEW)
def test_sweeps_with_each_new_optimizer(app_test, name):
    at = no_exception(small_sweeps(app_test).run())
    at.selectbox(key="sweeps.optimizer").set_value(name)
    no_exception(at.run())
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("name", NEW)
def test_basins_with_each_new_optimizer(app_test, name):
    at = no_exception(small_basins(app_test, **{"basins.surface": "himmelblau"}).run())
    at.selectbox(key="basins.himmelblau.1.name").set_value(name)
    no_exception(at.run())
    assert len(at.get("plotly_chart")) == 2


# --- the schedules added by issue 14 --------------------------------------------------------

NEW_SCHEDULES = {
    "cosine_restarts": (("t_0", 30), ("t_mult", 2)),
    "one_cycle": (("linear", True), ("t_total", 100)),
    "cyclic_triangular": (("max_lr", 0.05), ("step_size_up", 10)),
    "cyclic_triangular2": (("max_lr", 0.05), ("step_size_up", 10)),
    "cyclic_exp_range": (("gamma", 0.99), ("max_lr", 0.05), ("step_size_up", 10)),
    "plateau": (("factor", 0.5), ("patience", 3), ("threshold", 0.01)),
}


@pytest.mark.parametrize("kind", NEW_SCHEDULES)
def test_explorer_with_each_new_schedule(app_test, kind):
    from tests.test_explorer import assert_clean, run_page

    scene = sc.Scene(runs=sc.default_runs(), steps=100, schedule=kind,
                     schedule_params=NEW_SCHEDULES[kind])  # fmt: skip
    at = run_page(app_test, scene)
    assert_clean(at)
    assert at.sidebar.selectbox(key="w_schedule").value == kind
    read_back = at.session_state["scene"]
    assert dict(read_back.schedule_params).items() >= dict(NEW_SCHEDULES[kind]).items()
    runs = sc.results(read_back)
    np.testing.assert_array_equal([r.lrs for r in runs], [r.lrs for r in sc.results(scene)])
    # The learning-rate tab of the curves under the player draws each run's own rates.
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert [c["label"] for c in args["curves"]][-1] == "Learning rate"
    assert len(args["curves"][-1]["figure"]["data"]) == len(runs)
    # The link carries the schedule and reads back the same scene.
    query = sc.to_query(read_back)
    assert query["schedule"].startswith(kind)
    scene_back, messages = sc.from_query(query)
    assert not messages and scene_back.schedule_params == read_back.schedule_params


def test_plateau_gives_each_run_its_own_rate_in_the_app():
    scene = sc.Scene(
        runs=(sc.Run("sgd", (("lr", 0.001),)), sc.Run("adam", (("lr", 0.05),), sc.PALETTE[1])),
        steps=200,
        schedule="plateau",
        schedule_params=(("factor", 0.5), ("patience", 2), ("threshold", 0.05)),
    )
    a, b = sc.results(scene)
    assert a.lrs.shape == b.lrs.shape == (200,)
    assert not np.array_equal(a.lrs / a.lrs[0], b.lrs / b.lrs[0])


@pytest.mark.parametrize(
    "value",
    [
        "one_cycle:pct_start=1",
        "one_cycle:div_factor=0",
        "cyclic_exp_range:gamma=2",
        "cosine_restarts:t_mult=0",
        "cosine_restarts:t_0=2.5",
        "plateau:factor=1",
        "plateau:patience=-1",
        "plateau:min_lr=abc",
        "plateau:threshold_abs=maybe",
    ],
)
def test_hostile_schedule_links_give_a_message(value):
    scene, messages = sc.from_query({"schedule": value})
    assert scene.schedule == "constant"  # the bad part is dropped, with a message
    assert len(messages) == 1 and "Traceback" not in messages[0] and len(messages[0]) < 300


@pytest.mark.parametrize("kind", NEW_SCHEDULES)
def test_inspector_with_a_new_schedule(app_test, kind):
    at = app_test("pages/inspector.py")
    at.session_state["scene"] = sc.Scene(
        surface="canyon", steps=40, runs=sc.default_runs(), schedule=kind,
        schedule_params=NEW_SCHEDULES[kind],
    )  # fmt: skip
    at.session_state["explorer_step"] = 30
    no_exception(at.run())
    assert len(at.dataframe) >= 1


def test_player_draws_lookahead_slow_weights_and_schedulefree_y_z_faintly():
    from ui import compute

    scene = sc.Scene(
        surface="canyon",
        steps=30,
        runs=(
            sc.Run("lookahead", (("lr", 0.05),), sc.PALETTE[0]),
            sc.Run("schedulefree_adamw", (("lr", 0.05),), sc.PALETTE[1]),
            sc.Run("adam", (("lr", 0.05),), sc.PALETTE[2]),
        ),
    )
    extra = sc.companions(scene)
    assert [r.label.split(": ")[1] for r in extra] == [
        "slow weights φ",
        "y (where the gradient is taken)",
        "z",
    ]
    assert all(r.ghost and len(r.points) == 31 for r in extra)
    records = sc.internals(scene)
    np.testing.assert_array_equal(extra[0].points[1:], records[0]["slow"])
    np.testing.assert_array_equal(extra[2].points[1:], records[1]["z"])
    # The slow weights lag the fast path (they are pulled only every k steps).
    fast = sc.results(scene)[0].points
    assert np.abs(extra[0].points[1:4] - fast[1:4]).max() > 0
    payload = compute.payload(scene)
    labels = [(r["label"], r["ghost"]) for r in payload["runs"]]
    assert sum(ghost for _, ghost in labels) == 3
    assert not sc.companions(sc.Scene(runs=sc.default_runs()))


@pytest.mark.parametrize("name", NEW)
def test_stability_page_with_each_new_optimizer_in_the_scene(app_test, name):
    """Not linearisable there: the page maps a covered optimizer instead, without error."""
    at = app_test("pages/stability.py")
    at.session_state["scene"] = sc.Scene(
        surface="canyon", runs=(sc.Run(name, (("lr", optimizers.suggest_lr(name, 1e-3)),)),)
    )
    no_exception(at.run())
    assert at.selectbox(key="stability.optimizer").value == "momentum"
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("kind", NEW_SCHEDULES)
def test_stability_and_sweeps_pages_open_with_each_new_schedule(app_test, kind):
    scene = sc.Scene(runs=sc.default_runs(), schedule=kind, schedule_params=NEW_SCHEDULES[kind])
    for page in ("pages/stability.py", "pages/sweeps.py"):
        at = app_test(page, timeout=120)
        at.session_state["scene"] = scene
        no_exception(at.run())


def test_json_export_carries_each_runs_own_rates():
    import json

    from figures import trajectories

    scene = sc.Scene(
        runs=(sc.Run("sgd", (("lr", 0.001),)), sc.Run("adam", (("lr", 0.05),), sc.PALETTE[1])),
        steps=60,
        schedule="plateau",
        schedule_params=(("patience", 2), ("threshold", 0.05)),
    )
    runs = sc.results(scene)
    doc = json.loads(trajectories.trajectories_json(runs, {"schedule": "plateau"}, "test"))
    for run, out in zip(runs, doc["runs"], strict=True):
        assert out["lrs"] == run.lrs.tolist() and len(out["lrs"]) == 60


def test_new_schedule_widgets_accept_what_links_accept(app_test):
    """Open ends stay outside the widget: factor and pct_start in (0, 1)."""
    from tests.test_explorer import run_page

    for kind, key in (("plateau", "factor"), ("one_cycle", "pct_start")):
        at = run_page(app_test, sc.Scene(runs=sc.default_runs(), schedule=kind))
        widget = next(w for w in at.sidebar.number_input if w.key.endswith(f"{kind}.{key}"))
        h = optimizers.SCHEDULES[kind].hparams[key]
        assert (widget.min, widget.max) == h.closed_bounds()
        for value in (widget.min, widget.max):
            assert h.check(key, value) == value
