"""The Lessons page: content as data, every lesson in AppTest, and every lesson's claim.

The claims are checked by running the presets through the core (ui.scene.compute and
optimizers.run), never by reading the lesson's text. If a claim fails, the preset (or
the text) is wrong, not this test.
"""

import json
import math
import urllib.parse
from dataclasses import replace

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import metrics
from ui import lessons as L
from ui import scene as sc
from ui.lessons import (
    l09_after_adam,
    l10_schedules,
    l12_which_optimizer,
    l13_axis_dependence,
    l14_generalisation,
)

PAGE = "pages/lessons.py"


# --- helpers -------------------------------------------------------------------------


def trajectories(scene):
    """Run every active run of the scene with internals: list of Trajectory (N = 1)."""
    return sc.compute(scene, record=True)


def by_optimizer(scene, name, index=0):
    """The (run, trajectory) of the index-th active run of optimizer ``name``."""
    pairs = [(r, t) for r, t in zip(scene.active_runs(), trajectories(scene), strict=True)]
    return [p for p in pairs if p[0].optimizer == name][index]


def open_lesson(app_test, number=None, query=None):
    at = app_test(PAGE)
    if number is not None:
        at.query_params["lesson"] = str(number)
    if query is not None:
        for key, values in urllib.parse.parse_qs(query, keep_blank_values=True).items():
            at.query_params[key] = values
    return at.run()


def payload_labels(at, number):
    (player,) = [c for c in at.get("component_instance") if c.key == f"lesson{number}.player"]
    return [r["label"] for r in json.loads(player.proto.json_args)["payload"]["runs"]]


def markdown_text(at):
    return "\n".join(m.value for m in at.markdown)


def assert_lesson_page(at, number):
    lesson = L.lesson(number)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.header[0].value == f"{number}. {lesson.title}"
    # The rule shown is the registry's own LaTeX (the docstring's text), not a copy.
    shown = [e.value.strip().removeprefix("$$").removesuffix("$$").strip() for e in at.latex]
    for name in lesson.optimizers:
        assert optimizers.spec(name).latex in shown
    assert payload_labels(at, number)  # the player component is there, with runs
    text = markdown_text(at)
    assert "Try this" in text
    assert lesson.try_this[0] in text
    assert at.query_params["lesson"] in (str(number), [str(number)])


# --- the content as data -------------------------------------------------------------


def test_fourteen_lessons_in_order():
    assert [lesson.number for lesson in L.LESSONS] == list(range(1, 15))
    assert len({lesson.title for lesson in L.LESSONS}) == 14


@pytest.mark.parametrize("lesson", L.LESSONS, ids=lambda x: f"lesson{x.number}")
def test_lesson_data_is_complete(lesson):
    assert lesson.body.strip() and lesson.claim and lesson.try_this
    assert lesson.presets and all(isinstance(s, sc.Scene) for s in lesson.presets.values())
    for name in lesson.optimizers:
        optimizers.spec(name)  # raises for an unknown name
    for control in lesson.controls:
        assert control.help, control.key
        assert control.kind in {"slider", "select_slider", "toggle", "number", "multiselect"}
        assert all(p in lesson.presets for p in control.presets)
    for chart in lesson.charts:
        assert chart.title and chart.kind in {"plotly", "table"}


@pytest.mark.parametrize("lesson", L.LESSONS, ids=lambda x: f"lesson{x.number}")
def test_controls_round_trip_on_every_preset(lesson):
    """Applying a control's own preset value leaves the preset's behaviour unchanged."""
    for name, preset in lesson.presets.items():
        for control in lesson.controls:
            if not control.applies_to(name):
                continue
            value = control.get(preset)
            if control.kind == "select_slider":
                assert L.nearest_option(control.options, value) == value, (name, control.key)
            again = control.set(preset, value)
            assert again.active_runs() == preset.active_runs() or again == preset


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("lesson", L.LESSONS, ids=lambda x: f"lesson{x.number}")
def test_charts_and_notes_build_from_the_core(lesson):
    for scene in lesson.presets.values():
        for chart in lesson.charts:
            out = chart.build(scene, L.CORE)
            if chart.kind == "table":
                assert out and all(isinstance(row, dict) for row in out)
            else:
                assert out["data"] and "layout" in out
        if lesson.notes:
            notes = lesson.notes(scene, L.CORE)
            assert notes and all("nan" not in n for n in notes), notes


def _extremes(control):
    if control.kind in ("slider", "number"):
        return [control.low, control.high]
    if control.kind == "select_slider":
        return [control.options[0], control.options[-1]]
    if control.kind == "toggle":
        return [False, True]
    return [[], list(control.options)]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("lesson", L.LESSONS, ids=lambda x: f"lesson{x.number}")
def test_every_control_at_both_ends_runs_cleanly(lesson):
    """No value a widget can produce makes the core, a chart or a note raise."""
    for name, preset in lesson.presets.items():
        for control in lesson.controls:
            if not control.applies_to(name):
                continue
            for value in _extremes(control):
                scene = control.set(preset, value)
                L.CORE.runs(scene)
                for chart in lesson.charts:
                    chart.build(scene, L.CORE)
                if lesson.notes:
                    lesson.notes(scene, L.CORE)


def test_no_racer_left_is_explained_not_an_error(app_test):
    at = open_lesson(app_test, 9)
    widget(at, "lesson9.Canyon.racers").set_value([]).run()
    assert not at.exception and not at.error
    assert payload_labels(at, 9) == []
    assert "No racer is switched on" in markdown_text(at)


def test_latex_boxes_add_the_schedule_formula():
    lesson = L.lesson(10)
    scene = lesson.presets["Cosine"]
    boxes = L.latex_boxes(lesson, scene)
    assert boxes[0] == (optimizers.spec("gd").title, optimizers.spec("gd").latex)
    assert boxes[-1][1] == scene.schedule_fn().latex


@pytest.mark.parametrize(
    ("value", "expected", "warns"),
    [
        (None, 1, False),
        ("", 1, False),
        ("7", 7, False),
        (["12"], 12, False),
        (["3", "9"], 3, False),
        ("0", 1, True),
        ("99", 1, True),
        ("-1", 1, True),
        ("abc", 1, True),
        ("1e3", 1, True),
        ("<script>", 1, True),
        ("9" * 500, 1, True),
    ],
)
def test_parse_lesson_never_raises(value, expected, warns):
    number, warning = L.parse_lesson(value)
    assert number == expected
    assert (warning is not None) == warns
    if warning:
        assert len(warning) < 200


# --- AppTest: every lesson, defaults and a changed control -----------------------------

# For each lesson: (preset to pick or None, control key, new value, text in a run label).
CHANGES = {
    1: (None, "lr", 0.9, "lr=0.9"),
    2: (None, "batch", 5, None),
    3: (None, "mu", 0.5, "momentum=0.5"),
    4: (None, "mu", 0.95, "momentum=0.95"),
    5: (None, "lr", 1.0, "lr=1.0"),
    6: (None, "alpha", 0.9, "alpha=0.9"),
    7: (None, "eps", 1e-4, "eps=0.0001"),
    8: (None, "bias", False, "bias_correction=false"),
    9: (None, "racers", [0, 4], None),
    10: ("Cosine", "t_max", 100, None),
    11: (None, "noise", 0.1, None),
    12: (None, "adam_lr", 3.0, "lr=0.3"),
    13: (None, "angle", 45.0, None),
    14: (None, "adam_lr", 0.05, "lr=0.05"),
}


def widget(at, key):
    for kind in ("slider", "select_slider", "toggle", "number_input", "multiselect"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise AssertionError(f"no widget {key}")


@pytest.mark.parametrize("number", range(1, len(L.LESSONS) + 1))
def test_every_lesson_by_link(app_test, number):
    at = open_lesson(app_test, number)
    assert_lesson_page(at, number)
    assert at.selectbox(key="lesson.pick").value == number


@pytest.mark.parametrize("number", range(1, len(L.LESSONS) + 1))
def test_every_lesson_with_a_changed_control(app_test, number):
    lesson = L.lesson(number)
    preset, key, value, label = CHANGES[number]
    at = open_lesson(app_test, number)
    if preset is not None:
        at.button_group(key=f"lesson{number}.preset").set_value(preset).run()
    preset = preset or next(iter(lesson.presets))
    before = payload_labels(at, number)
    widget(at, f"lesson{number}.{preset}.{key}").set_value(value).run()
    assert_lesson_page(at, number)
    after = payload_labels(at, number)
    if label is not None:
        assert any(label in text for text in after), after
    if number == 9:
        assert after == [before[0], before[4]]


@pytest.mark.parametrize("number", range(1, len(L.LESSONS) + 1))
def test_every_preset_renders(app_test, number):
    lesson = L.lesson(number)
    at = open_lesson(app_test, number)
    for name in list(lesson.presets)[1:]:
        at.button_group(key=f"lesson{number}.preset").set_value(name).run()
        assert_lesson_page(at, number)
        expected = [r.label() for r in lesson.presets[name].active_runs()]
        assert payload_labels(at, number) == expected


def test_selector_and_buttons_move_through_the_path(app_test):
    at = open_lesson(app_test)
    assert_lesson_page(at, 1)
    assert at.button(key="lesson.prev.top").disabled
    at.button(key="lesson.next.top").click().run()
    assert_lesson_page(at, 2)
    at.button(key="lesson.next.bottom").click().run()
    assert_lesson_page(at, 3)
    at.button(key="lesson.prev.top").click().run()
    assert_lesson_page(at, 2)
    at.selectbox(key="lesson.pick").set_value(len(L.LESSONS)).run()
    assert_lesson_page(at, len(L.LESSONS))
    assert at.button(key="lesson.next.top").disabled


@pytest.mark.parametrize(
    "query",
    [
        "lesson=abc",
        "lesson=0",
        "lesson=99",
        "lesson=-3",
        "lesson=",
        "lesson=4.5",
        "lesson=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "lesson=" + "9" * 1000,
        "lesson=2&lesson=5",
        "surface=rosenbrock&runs=adam:lr=0.01",
    ],
)
def test_bad_links_fall_back_without_a_traceback(app_test, query):
    at = open_lesson(app_test, query=query)
    assert not at.exception, at.exception
    assert at.header  # a lesson is shown
    number = at.selectbox(key="lesson.pick").value
    assert_lesson_page(at, number)
    if query.startswith("lesson=") and query not in ("lesson=", "lesson=2&lesson=5"):
        assert number == 1
        assert f"lessons are numbered 1 to {len(L.LESSONS)}" in at.warning[0].value


def test_open_in_the_explorer_hands_over_the_scene(app_test):
    # Through app.py's navigation, as in the app: switch_page needs the explorer listed.
    at = app_test("app.py")
    at.query_params["lesson"] = "4"
    at.switch_page("pages/lessons.py").run()
    assert_lesson_page(at, 4)
    widget(at, "lesson4.Round bowl.mu").set_value(0.95).run()
    at.button(key="lesson4.open").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Loss Landscape Lab"  # the explorer
    expected = L.set_hp(L.lesson(4).presets["Round bowl"], "momentum", 0.95)
    assert at.session_state["scene"] == expected
    assert list(at.dataframe[0].value["run"]) == [r.label() for r in expected.runs]


# --- the claims, checked by running the core -----------------------------------------


def _steep_component(surface, points):
    """Coordinate of each point along the Hessian's steepest eigenvector at the minimum."""
    minimum = np.array(surface.minima[0])
    _, vectors = np.linalg.eigh(surface.hessian(minimum[None])[0])
    return (points - minimum) @ vectors[:, -1]


def _sign_changes(values, eps=1e-12):
    s = np.sign(np.where(np.abs(values) > eps, values, 0.0))
    s = s[s != 0]
    return int(np.count_nonzero(np.diff(s)))


def test_claim_1_gd_stable_below_two_over_lambda_max():
    lesson = L.lesson(1)
    scene = lesson.presets["Right"]
    surface = scene.build_surface()
    bound = surfaces.stability_bound(surface, surface.minima[0])
    assert bound == pytest.approx(1.0)  # the text says curvatures 2 and 0.4
    lam_min, lam_max = surfaces.curvatures(surface, surface.minima[0])
    assert (lam_min, lam_max) == pytest.approx((0.4, 2.0))
    # Around the bound: converge just below it, blow up just above it.
    for factor, converges in ((0.5, True), (0.9, True), (0.99, True), (1.01, False), (1.1, False)):
        probe = replace(L.set_hp(scene, "lr", factor * bound), steps=300)
        (t,) = trajectories(probe)
        if converges:
            assert t.diverged_at[0] == -1 and t.values[0, -1] < 1e-3 * t.values[0, 0], factor
        else:
            assert t.diverged_at[0] >= 0 or t.values[0, -1] > t.values[0, 0], factor
    # The presets: as named.
    final = {}
    for name, preset in lesson.presets.items():
        (t,) = trajectories(preset)
        final[name] = t.values[0, -1]
        flips = _sign_changes(_steep_component(surface, t.points[0, : t.diverged_at[0]]))
        if name in ("Too small", "Right"):
            assert t.diverged_at[0] == -1 and flips == 0, name
        if name == "Oscillating":
            assert t.diverged_at[0] == -1 and flips >= 10 and final[name] < 1e-3
        if name == "Diverging":
            assert t.diverged_at[0] >= 0
    assert min(final, key=lambda k: final[k] if np.isfinite(final[k]) else np.inf) == "Right"
    assert final["Too small"] > 0.05 * trajectories(lesson.presets["Too small"])[0].values[0, 0]
    # The try-this: the fastest constant rate 2 / (λmin + λmax) beats 'Right' and zig-zags.
    best = 2 / (lam_min + lam_max)
    (t_best,) = trajectories(L.set_hp(scene, "lr", best))
    assert 1 / lam_max < best < bound and t_best.values[0, -1] < final["Right"]


def test_claim_2_sgd_is_noisier_than_full_batch():
    lengths, spreads = {}, {}
    for name, preset in L.lesson(2).presets.items():
        (t,) = trajectories(preset)
        lengths[name] = metrics.path_length(t.points[0])
        spreads[name] = np.std(t.values[0, preset.steps // 2 :])
    full, mini, sgd = "Full batch", "Mini-batch (10)", "Stochastic (1)"
    assert lengths[full] < lengths[mini] < lengths[sgd]
    assert lengths[sgd] > 3 * lengths[full]
    assert spreads[full] < spreads[mini] < spreads[sgd]
    assert spreads[sgd] > 1e3 * spreads[full]


def test_claim_3_momentum_beats_gd_in_the_canyon():
    presets = L.lesson(3).presets
    scene = presets["GD against momentum"]
    (_, gd), (_, mom) = by_optimizer(scene, "gd"), by_optimizer(scene, "momentum")
    assert mom.values[0, -1] < 0.01 * gd.values[0, -1]
    assert metrics.reversals(mom.points[0, :, 1]) < metrics.reversals(gd.points[0, :, 1]) / 2
    # Three forms: the moving average with lr / (1 - β) is the heavy ball's path exactly.
    forms = presets["Three ways to write it"]
    heavy, twin, slow = trajectories(forms)
    assert forms.runs[1].hparams()["lr"] == pytest.approx(
        forms.runs[0].hparams()["lr"] / (1 - forms.runs[1].hparams()["beta"])
    )
    np.testing.assert_allclose(twin.points, heavy.points, atol=1e-12)
    assert slow.values[0, -1] > 100 * heavy.values[0, -1]
    # The control keeps the twin a twin.
    moved = L.lesson(3).controls[0].set(forms, 0.6)
    heavy, twin, _ = trajectories(moved)
    np.testing.assert_allclose(twin.points, heavy.points, atol=1e-12)
    # Too much momentum is slower than GD within the budget.
    too_much = presets["Too much momentum"]
    (_, gd), (_, mom) = by_optimizer(too_much, "gd"), by_optimizer(too_much, "momentum")
    assert mom.values[0, -1] > gd.values[0, -1]


def _overshoot(scene, t):
    surface = scene.build_surface()
    return np.nanmax(metrics.along(t.points[0], scene.start_point(surface), surface.minima[0]))


def test_claim_4_nesterov_overshoots_less():
    for scene in L.lesson(4).presets.values():
        heavy, nesterov = trajectories(scene)
        assert _overshoot(scene, nesterov) < 0.8 * _overshoot(scene, heavy)
        assert nesterov.values[0, -1] < heavy.values[0, -1]
    # The try-this: at lr 0.3 in the canyon Nesterov diverges, the heavy ball does not.
    heavy, nesterov = trajectories(L.set_hp(L.lesson(4).presets["Canyon"], "lr", 0.3))
    assert heavy.diverged_at[0] == -1 and nesterov.diverged_at[0] >= 0


def test_claim_5_adagrad_step_only_shrinks_and_stalls():
    for scene in L.lesson(5).presets.values():
        for lr in (0.1, 1.0):  # the preset and the "10x the rate" try-this
            (t,) = trajectories(L.set_hp(scene, "lr", lr))
            size = t.internals["step_size"][0]
            assert np.all(np.diff(size, axis=0) <= 1e-15)  # never grows
        (t,) = trajectories(scene)
        size = t.internals["step_size"][0]
        assert np.all(size[-1] <= size[0] / 2)  # ends far below where it started
        first = np.abs(t.internals["update"][0, 0])
        np.testing.assert_allclose(first, scene.runs[0].hparams()["lr"], rtol=1e-6)
        mins = np.array(scene.build_surface().minima)
        assert np.min(np.linalg.norm(mins - t.points[0, -1], axis=1)) > 1.0  # stalled far away


def test_claim_6_rmsprop_recovers():
    booth = L.lesson(6).presets["Booth: AdaGrad against RMSprop"]
    (_, ada), (_, rms) = by_optimizer(booth, "adagrad"), by_optimizer(booth, "rmsprop")
    ada_size = ada.internals["step_size"][0].mean(axis=1)
    rms_size = rms.internals["step_size"][0].mean(axis=1)
    assert ada_size[-1] == ada_size.min()
    assert rms_size[-1] > 2 * rms_size.min()
    assert rms_size[-1] > 10 * ada_size[-1]
    minimum = np.array(booth.build_surface().minima[0])
    assert np.linalg.norm(rms.points[0, -1] - minimum) < 1e-3
    assert np.linalg.norm(ada.points[0, -1] - minimum) > 1.0
    # The first RMSprop step is lr / sqrt(1 - alpha) = 10 lr per coordinate.
    np.testing.assert_allclose(np.abs(rms.internals["update"][0, 0]), 1.0, rtol=1e-6)
    # The plateau: AdaGrad's shrinking steps settle, RMSprop keeps jittering at about lr.
    plateau = L.lesson(6).presets["Plateau: when shrinking helps"]
    (_, ada), (_, rms) = by_optimizer(plateau, "adagrad"), by_optimizer(plateau, "rmsprop")
    assert np.linalg.norm(ada.points[0, -1]) < 0.1 * np.linalg.norm(rms.points[0, -1])


def test_claim_7_adadelta_first_step_is_set_by_eps():
    for scene in L.lesson(7).presets.values():
        for r, t in zip(scene.active_runs(), trajectories(scene), strict=True):
            hp = r.hparams()
            expected = math.sqrt(hp["eps"] / (1 - hp["rho"]))
            grad = np.abs(t.internals["grad"][0, 0])
            assert np.all(grad > 30 * math.sqrt(hp["eps"]))  # the gradient does not matter
            np.testing.assert_allclose(np.abs(t.internals["update"][0, 0]), expected, rtol=1e-2)
    (t,) = trajectories(L.lesson(7).presets["Himmelblau: steps grow by themselves"])
    lengths = np.linalg.norm(t.internals["update"][0], axis=1)
    assert lengths.max() > 10 * lengths[0]
    # The try-this: with rho = 0.5 the steps peak lower but the run ends lower.
    himmelblau = L.lesson(7).presets["Himmelblau: steps grow by themselves"]
    (short,) = trajectories(L.set_hp(himmelblau, "rho", 0.5))
    short_lengths = np.linalg.norm(short.internals["update"][0], axis=1)
    assert short_lengths.max() < 0.5 * lengths.max()
    assert short.values[0, -1] < t.values[0, -1]
    small, large = trajectories(L.lesson(7).presets["Round bowl: ε is the hidden learning rate"])
    assert np.linalg.norm(large.points[0, -1]) < 1e-3 * np.linalg.norm(small.points[0, -1])


def test_claim_8_bias_correction_sets_the_first_step():
    scene = L.lesson(8).presets["The first steps"]
    lr = scene.runs[0].hparams()["lr"]
    (on,) = trajectories(scene)
    (off,) = trajectories(L.set_hp(scene, "bias_correction", False))
    np.testing.assert_allclose(np.abs(on.internals["update"][0, 0]), lr, rtol=1e-6)
    np.testing.assert_allclose(
        np.abs(off.internals["update"][0, 0]), lr * 0.1 / math.sqrt(0.001), rtol=1e-6
    )
    np.testing.assert_allclose(on.internals["mu"][0, 0], 0.1 * on.internals["mu_hat"][0, 0])
    # Uncorrected, the early steps climb to about 6 lr; corrected, they stay near lr.
    early_off = np.abs(off.internals["update"][0, :30, 0]) / lr
    early_on = np.abs(on.internals["update"][0, :30, 0]) / lr
    assert 5 < early_off.max() < 7 and early_on.max() <= 1 + 1e-9
    # The try-this: with beta2 = 0.99 the uncorrected first step is exactly lr.
    (b2,) = trajectories(L.set_hp(L.set_hp(scene, "bias_correction", False), "beta2", 0.99))
    np.testing.assert_allclose(np.abs(b2.internals["update"][0, 0]), lr, rtol=1e-6)
    # The learning rate is the step length, whatever the gradient (32 and 4 at the start).
    knob = L.lesson(8).presets["The learning rate is the knob"]
    bound = (1 - 0.9) / math.sqrt(1 - 0.999)
    for r, t in zip(knob.active_runs(), trajectories(knob), strict=True):
        lr = r.hparams()["lr"]
        np.testing.assert_allclose(np.abs(t.internals["grad"][0, 0]), [32.0, 4.0])
        np.testing.assert_allclose(np.abs(t.internals["update"][0, 0]), lr, rtol=1e-6)
        assert np.nanmax(np.abs(t.internals["update"][0])) <= bound * lr * (1 + 1e-9)


def test_claim_9_the_adam_family():
    canyon, booth = L.lesson(9).presets["Canyon"], L.lesson(9).presets["Booth"]
    for scene in (canyon, booth):
        runs = dict(zip([n for n, _ in l09_after_adam.L9_RACERS], trajectories(scene), strict=True))
        # RAdam: momentum-SGD steps -lr * m_hat for t = 1..5, then something else.
        radam = runs["RAdam"].internals
        lr = 0.1
        np.testing.assert_allclose(radam["update"][0, :5], -lr * radam["mu_hat"][0, :5])
        assert not np.allclose(radam["update"][0, 5], -lr * radam["mu_hat"][0, 5])
        # Lion (no decay here): every coordinate moves exactly lr.
        lion = runs["Lion"].internals["update"][0]
        np.testing.assert_allclose(np.abs(lion), 0.03, rtol=1e-9)
        # AMSGrad: the v it divides by never decreases.
        nu_max = runs["AMSGrad"].internals["nu_max"][0]
        assert np.all(np.diff(nu_max, axis=0) >= 0)
    # AdamW: the decay is lr * lambda * theta on top of the Adam step.
    plain = replace(booth, runs=(L.run("adamw", lr=0.1, weight_decay=0.0),), steps=1)
    decayed = replace(booth, runs=(L.run("adamw", lr=0.1, weight_decay=0.1),), steps=1)
    (p,), (d,) = trajectories(plain), trajectories(decayed)
    start = np.array(booth.start_point(booth.build_surface()))
    np.testing.assert_allclose(
        d.internals["update"][0, 0] - p.internals["update"][0, 0], -0.1 * 0.1 * start
    )
    # NAdam brakes earlier than Adam in the canyon; Adam and AMSGrad nearly coincide there.
    runs = dict(zip([n for n, _ in l09_after_adam.L9_RACERS], trajectories(canyon), strict=True))
    assert _overshoot(canyon, runs["NAdam"]) < 0.1 * _overshoot(canyon, runs["Adam"])
    gap = np.linalg.norm(runs["Adam"].points[0] - runs["AMSGrad"].points[0], axis=1)
    assert gap.max() < 0.1
    # AdamW ends off Booth's minimum at (1, 3); Adam ends on it.
    runs = dict(zip([n for n, _ in l09_after_adam.L9_RACERS], trajectories(booth), strict=True))
    assert np.linalg.norm(runs["AdamW"].points[0, -1] - [1, 3]) > 0.05
    assert np.linalg.norm(runs["Adam"].points[0, -1] - [1, 3]) < 1e-3
    # RAdam's first step on Booth is a long jump (the first gradient is 32).
    runs = dict(zip([n for n, _ in l09_after_adam.L9_RACERS], trajectories(booth), strict=True))
    first = {k: np.linalg.norm(v.internals["update"][0, 0]) for k, v in runs.items()}
    assert first["RAdam"] > 10 * first["Adam"]


def test_claim_10_schedules_have_their_shape_and_settle():
    presets = L.lesson(10).presets
    lr0 = 0.1
    lrs = {name: trajectories(scene)[0].lrs for name, scene in presets.items()}
    t = np.arange(1, 201)
    np.testing.assert_allclose(lrs["Constant"], lr0)
    np.testing.assert_allclose(lrs["Step"], lr0 * 0.5 ** ((t - 1) // 50))
    assert set(np.round(lrs["Step"], 12)) == {0.1, 0.05, 0.025, 0.0125}
    np.testing.assert_allclose(lrs["Exponential"][1:] / lrs["Exponential"][:-1], 0.99)
    np.testing.assert_allclose(lrs["1/t"], lr0 / (1 + 0.05 * (t - 1)))
    cosine = lrs["Cosine"]
    assert cosine[0] == lr0 and np.all(np.diff(cosine) <= 0) and cosine[-1] < 1e-3 * lr0
    warm = lrs["Warmup + cosine"]
    np.testing.assert_allclose(warm[:20], lr0 * t[:20] / 20)
    assert np.all(np.diff(warm[:20]) > 0) and np.all(np.diff(warm[19:]) <= 1e-15)
    # With batch-1 SGD every decaying schedule settles closer than the constant rate.
    f_min = presets["Constant"].build_surface().f_min
    excess = {
        name: l10_schedules.tail_excess(trajectories(scene)[0].values[0], f_min)
        for name, scene in presets.items()
    }
    for name, value in excess.items():
        if name != "Constant":
            assert value < excess["Constant"] / 5, (name, value, excess["Constant"])
    # The try-this: step decay by 0.9 is too gentle to settle within 200 steps ...
    gentle = L.set_hp(presets["Step"], "lr", lr0)
    gentle = replace(gentle, schedule_params=(("gamma", 0.9), ("step_size", 50)))
    assert l10_schedules.tail_excess(trajectories(gentle)[0].values[0], f_min) > 5 * excess["Step"]
    # ... and 100 warmup steps leave the cosine unfinished: a high last rate, no settling.
    late = replace(presets["Warmup + cosine"], schedule_params=(("t_max", 180), ("warmup", 100)))
    (t_late,) = trajectories(late)
    assert t_late.lrs[-1] > 0.3 * lr0
    assert l10_schedules.tail_excess(t_late.values[0], f_min) > 10 * excess["Warmup + cosine"]


def test_claim_11_saddle():
    presets = L.lesson(11).presets
    gd, adam, newton = trajectories(presets["Just off the ridge"])

    def escaped(t):
        return t.diverged_at[0] >= 0 or abs(t.points[0, -1, 1]) > 2

    def closest(t):
        return np.nanmin(np.linalg.norm(t.points[0], axis=1))

    assert np.linalg.norm(newton.points[0, -1]) < 1e-9
    assert np.linalg.norm(newton.points[0, 1]) < 1e-9  # in one step
    assert escaped(gd) and escaped(adam)
    assert closest(gd) < 0.1 < 0.5 < closest(adam)  # GD creeps up to it, Adam never does
    # GD crawls near the saddle: its steps there are far shorter than its first step.
    steps = np.linalg.norm(gd.internals["update"][0], axis=1)
    assert np.nanmin(steps) < 0.05 * steps[0]
    # The try-this: from y = 1e-6 GD lingers longer, Adam hardly notices.
    gd_low, adam_low, _ = trajectories(replace(presets["Just off the ridge"], start=(-1.5, 1e-6)))
    near = np.linalg.norm(gd.points[0], axis=1) < 0.1
    near_low = np.linalg.norm(gd_low.points[0], axis=1) < 0.1
    assert np.count_nonzero(near_low) > 2 * np.count_nonzero(near)
    assert escaped(adam_low) and closest(adam_low) > 0.5
    gd, adam, newton = trajectories(presets["Exactly on the ridge"])
    assert np.linalg.norm(gd.points[0, -1]) < 1e-3
    assert np.all(gd.points[0, :, 1] == 0) and np.all(adam.points[0, :, 1] == 0)
    assert np.linalg.norm(adam.points[0, -1]) < 0.2
    gd, adam, newton = trajectories(presets["On the ridge, with noise"])
    assert escaped(gd) or abs(gd.points[0, -1, 1]) > 1
    assert escaped(adam)
    assert np.nanmax(np.linalg.norm(newton.points[0, 1:], axis=1)) < 0.2


def test_claim_12_no_single_winner():
    scene = next(iter(L.lesson(12).presets.values()))
    rows = l12_which_optimizer.race_table(scene, L.CORE)
    winners = {row["surface"]: row["fastest"] for row in rows}
    assert len(set(winners.values()) - {"none"}) >= 2
    assert "Adam" not in winners.values()  # at the rule-of-thumb rates
    assert winners == {
        "Narrow canyon": "RMSprop",
        "Booth": "Gradient descent",
        "Styblinski-Tang": "Momentum",
        "Three-hump camel": "RMSprop",
    }
    three_hump = next(r for r in rows if r["surface"] == "Three-hump camel")
    assert three_hump["Gradient descent"] is None  # GD stops in a local minimum
    styblinski = next(r for r in rows if r["surface"] == "Styblinski-Tang")
    assert [k for k in ("Gradient descent", "RMSprop", "Adam") if styblinski[k]] == []
    # Tuning one number: Adam at 3x its rule-of-thumb rate wins Booth.
    tuned = l12_which_optimizer.race_table(l12_which_optimizer.with_adam_factor(scene, 3.0), L.CORE)
    assert next(r for r in tuned if r["surface"] == "Booth")["fastest"] == "Adam"
    # The try-this: at 50 steps nobody reaches Styblinski-Tang's minimum.
    short = l12_which_optimizer.race_table(replace(scene, steps=50), L.CORE)
    assert next(r for r in short if r["surface"] == "Styblinski-Tang")["fastest"] == "none"


def test_claim_13_axis_dependence():
    """Turned with the start, the canyon turns the paths of GD, momentum, Shampoo, Muon
    exactly; Adam, RMSprop and Lion change, and Adam is best aligned."""
    lesson = L.lesson(13)
    names = [r.optimizer for r in lesson.presets["Aligned (0°)"].runs]
    base = dict(zip(names, trajectories(lesson.presets["Aligned (0°)"]), strict=True))
    for angle in (15.0, 30.0, 45.0, 90.0):
        turned = l13_axis_dependence.at_angle(lesson.presets["Aligned (0°)"], angle)
        runs = dict(zip(names, trajectories(turned), strict=True))
        a = np.radians(angle)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        for name in l13_axis_dependence.EQUIVARIANT:
            np.testing.assert_allclose(runs[name].points[0], base[name].points[0] @ rot.T,
                                       atol=1e-9)  # fmt: skip
            np.testing.assert_allclose(runs[name].values[0], base[name].values[0], rtol=1e-8,
                                       atol=1e-12)  # fmt: skip
        if angle in (15.0, 30.0, 45.0):
            for name in l13_axis_dependence.PER_COORDINATE:
                gap = np.abs(runs[name].points[0] - base[name].points[0] @ rot.T).max()
                assert gap > 0.3, (name, angle, gap)
            assert runs["adam"].values[0, -1] > 100 * base["adam"].values[0, -1]
    # The presets are the same scene turned.
    assert l13_axis_dependence.rotated_start(0.0) == l13_axis_dependence.START
    assert dict(lesson.presets["Turned 45°"].surface_params)["angle"] == 45.0


def test_claim_14_no_consistent_generalisation_winner():
    """SGD (0.5) against Adam (0.02) on four datasets x three seeds: no consistent winner,
    differences of at most two test points; the try-this lines hold."""
    g = l14_generalisation
    scene = L.lesson(14).presets["SGD against Adam, batch 16"]
    assert [r.optimizer for r in scene.runs] == ["sgd", "adam"]
    assert (scene.steps, scene.batch_size) == (1000, 16)
    results = g.study(scene, L.CORE)
    assert list(results) == list(surfaces.DATASETS)
    rows = {r["dataset"]: r for r in g.compare(results)}
    signs = {np.sign(r["difference"]) for r in rows.values()}
    assert 1.0 in signs and -1.0 in signs  # each ahead somewhere
    for name, row in rows.items():
        assert abs(row["difference"]) <= 2 / g.TEST_POINTS + 1e-12, (name, row)
        assert row["wins_a"] + row["wins_b"] + row["ties"] == len(g.SEEDS)
        assert row["wins_a"] < len(g.SEEDS) and row["wins_b"] < len(g.SEEDS), name
    for name in ("moons", "circles", "xor"):
        assert min(rows[name]["mean_a"], rows[name]["mean_b"]) > 0.95, name
    assert max(rows["spirals"]["mean_a"], rows["spirals"]["mean_b"]) < 0.75
    assert rows["spirals"]["spread"] > 5 * abs(rows["spirals"]["difference"])
    # The seed changes the data: the three training sets differ.
    first = [surfaces.network("moons", seed=s).data[0][0, 0] for s in g.SEEDS]
    assert len(set(first)) == len(g.SEEDS)
    # The player's model is convex: both runs end near its one minimum.
    sgd, adam = trajectories(scene)
    f_min = scene.build_surface().f_min
    assert abs(sgd.values[0, -1] - f_min) < 0.01 and abs(adam.values[0, -1] - f_min) < 0.01
    # Try this: Adam at 0.002 under-trains (train and test fall together on moons, circles).
    slow = {r["dataset"]: r for r in g.compare(g.study(L.set_hp(scene, "lr", 0.002, "adam"),
                                                        L.CORE))}  # fmt: skip
    slow_results = g.study(L.set_hp(scene, "lr", 0.002, "adam"), L.CORE)
    for name in ("moons", "circles"):
        assert slow[name]["mean_b"] < rows[name]["mean_b"] - 0.05, name
        adam_train = list(slow_results[name].values())[1]["train_acc"].mean()
        assert adam_train < 0.95, name
    # Adam at 0.05 wins spirals by > 0.1 and its train accuracy rose as much.
    fast_scene = L.set_hp(scene, "lr", 0.05, "adam")
    fast = {r["dataset"]: r for r in g.compare(g.study(fast_scene, L.CORE))}
    assert fast["spirals"]["difference"] > 0.1
    gap = g.gaps(g.study(fast_scene, L.CORE))
    assert all(abs(v) < 0.05 for v in gap.values()), gap
    # 250 steps: on moons Adam is ahead (SGD is at 1,000).
    short = {r["dataset"]: r for r in g.compare(g.study(replace(scene, steps=250), L.CORE))}
    assert short["moons"]["difference"] > 0 > rows["moons"]["difference"]


def test_try_this_suggestions_hold():
    """The 'Try this' lines predict what the student will see: check the predictions."""
    # 1: at the bound the steep component bounces with constant size; past it, it grows.
    right = L.lesson(1).presets["Right"]
    surface = right.build_surface()
    (t,) = trajectories(L.set_hp(right, "lr", 1.0))
    steep = np.abs(_steep_component(surface, t.points[0]))
    assert steep[-1] == pytest.approx(steep[1], rel=1e-6) and steep[1] > 0.5
    leaves = {}
    for lr in (1.05, 1.2):
        (t,) = trajectories(L.set_hp(right, "lr", lr))
        leaves[lr] = int(np.flatnonzero(np.abs(t.points[0]).max(axis=1) > 3)[0])
    assert leaves[1.2] <= 5 < 10 <= leaves[1.05] < right.steps
    # 2: batch 1 at lr 0.02 wanders less but starts slower.
    sgd = L.lesson(2).presets["Stochastic (1)"]
    (fast,), (slow,) = trajectories(sgd), trajectories(L.set_hp(sgd, "lr", 0.02))
    assert np.std(slow.values[0, 50:]) < np.std(fast.values[0, 50:])
    assert slow.values[0, 10] > fast.values[0, 10]
    # 4: at mu = 0.97 both overshoot more and the gap between them widens.
    bowl = L.lesson(4).presets["Round bowl"]
    gaps = []
    for mu in (0.9, 0.97):
        scene = L.set_hp(bowl, "momentum", mu)
        heavy, nesterov = trajectories(scene)
        gaps.append((_overshoot(scene, heavy), _overshoot(scene, nesterov)))
    assert gaps[1][0] > gaps[0][0] and gaps[1][1] > gaps[0][1]
    assert gaps[1][0] - gaps[1][1] > gaps[0][0] - gaps[0][1]
    # 5: on Booth the coordinate with the steeper start (x: 32 against 4) ends smaller.
    (t,) = trajectories(L.lesson(5).presets["Steep start (Booth)"])
    assert t.internals["step_size"][0, -1, 0] < t.internals["step_size"][0, -1, 1]
    # 6: alpha = 0.9 recovers more and jitters more; on the plateau a small lr settles.
    booth = L.lesson(6).presets["Booth: AdaGrad against RMSprop"]
    (_, base), (_, short) = (
        by_optimizer(booth, "rmsprop"),
        by_optimizer(L.set_hp(booth, "alpha", 0.9, "rmsprop"), "rmsprop"),
    )
    assert short.internals["step_size"][0, -1].mean() > base.internals["step_size"][0, -1].mean()
    assert metrics.reversals(short.points[0, :, 1]) > 10 * max(
        metrics.reversals(base.points[0, :, 1]), 1
    )
    plateau = L.lesson(6).presets["Plateau: when shrinking helps"]
    (_, jitter), (_, calm) = (
        by_optimizer(plateau, "rmsprop"),
        by_optimizer(L.set_hp(plateau, "lr", 0.01), "rmsprop"),
    )
    tail = np.linalg.norm(jitter.points[0, -50:], axis=1).max()
    assert np.linalg.norm(calm.points[0, -50:], axis=1).max() < 0.01 * tail
    # 9: RAdam on Booth pauses after its five SGD jumps; Lion crosses the minimum.
    booth9 = L.lesson(9).presets["Booth"]
    runs = dict(zip([n for n, _ in l09_after_adam.L9_RACERS], trajectories(booth9), strict=True))
    radam = np.linalg.norm(runs["RAdam"].internals["update"][0], axis=1)
    assert radam[5] < 0.1 * radam[:5].mean()
    assert _overshoot(booth9, runs["Lion"]) > 0.5
    # 11: momentum escapes the saddle sooner than GD.
    saddle = L.lesson(11).presets["Just off the ridge"]
    with_momentum = replace(saddle, runs=(*saddle.runs, L.run("momentum", lr=0.1)))
    out = [np.flatnonzero(np.abs(t.points[0, :, 1]) > 2) for t in trajectories(with_momentum)]
    assert out[3][0] < out[0][0]


def test_every_lesson_has_a_claim_test():
    names = {name for name in globals() if name.startswith("test_claim_")}
    for lesson in L.LESSONS:
        assert any(n.startswith(f"test_claim_{lesson.number}_") for n in names), lesson.number
