"""AppTest of the explorer page: every surface, every optimizer, bad input, hostile links."""

import urllib.parse

import numpy as np
import pytest

import optimizers
import surfaces
from tests.test_scene import HOSTILE_QUERIES
from ui import scene as sc

PAGE = "pages/explorer.py"


def run_page(app_test, scene=None, query=None, path=PAGE):
    at = app_test(path)
    if scene is not None:
        at.session_state["scene"] = scene
    if query is not None:
        for key, values in urllib.parse.parse_qs(query, keep_blank_values=True).items():
            at.query_params[key] = values
    return at.run()


def assert_clean(at):
    assert not at.exception, at.exception
    assert at.title[0].value == "Loss Landscape Lab"


def test_defaults_show_the_race(app_test):
    at = run_page(app_test)
    assert_clean(at)
    assert not at.error
    # Four runs in the summary table, each named with its learning rate.
    table = at.dataframe[0].value
    assert len(table) == 4 and all("lr=" in label for label in table["run"])
    assert [t.label for t in at.tabs][-1] == "Share & download"
    assert at.sidebar.selectbox(key="w_surface").value == "rosenbrock"


@pytest.mark.parametrize("name", surfaces.names())
def test_every_surface(app_test, name):
    at = run_page(app_test, sc.Scene(surface=name, runs=sc.default_runs(name), steps=100))
    assert_clean(at)
    assert not at.error
    assert len(at.dataframe[0].value) == 4


@pytest.mark.parametrize("name", optimizers.names())
def test_every_optimizer(app_test, name):
    run = sc.Run(name, (("lr", optimizers.suggest_lr(name, 1e-3)),), sc.PALETTE[0])
    at = run_page(app_test, sc.Scene(runs=(run,), steps=100))
    assert_clean(at)
    assert not at.error
    assert at.dataframe[0].value["run"][0].startswith(optimizers.spec(name).title)


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("step", (("gamma", 0.5), ("step_size", 50))),
        ("exponential", (("gamma", 0.99),)),
        ("inverse_time", (("k", 0.01),)),
        ("cosine", (("t_max", 200),)),
        ("cosine", (("t_max", 200), ("warmup", 50))),
        ("constant", (("warmup", 50),)),
    ],
)
def test_schedules(app_test, kind, params):
    scene = sc.Scene(runs=sc.default_runs(), schedule=kind, schedule_params=params)
    at = run_page(app_test, scene)
    assert_clean(at)
    assert at.sidebar.selectbox(key="w_schedule").value == kind
    # The widgets read back the same schedule: the learning rates are the ones asked for.
    read_back = at.session_state["scene"]
    np.testing.assert_array_equal(sc.compute(read_back)[0].lrs, sc.compute(scene)[0].lrs)


def test_noise_and_duplicates_of_one_optimizer(app_test):
    runs = (
        sc.Run("adam", (("lr", 0.01),), sc.PALETTE[0]),
        sc.Run("adam", (("lr", 0.1),), sc.PALETTE[1]),
    )
    at = run_page(app_test, sc.Scene(runs=runs, noise=0.5, seed=3))
    assert_clean(at)
    labels = list(at.dataframe[0].value["run"])
    assert labels == [runs[0].label(), runs[1].label()] and labels[0] != labels[1]


def test_mini_batches_on_a_dataset_surface(app_test):
    scene = sc.Scene(surface="linear_regression", runs=sc.default_runs("linear_regression"))
    at = run_page(app_test, scene)
    assert_clean(at)
    batch = at.sidebar.slider(key="w_batch")
    batch.set_value(1).run()
    assert_clean(at)
    assert at.session_state["scene"].batch_size == 1


def test_zero_runs_gives_a_friendly_hint(app_test):
    at = run_page(app_test, sc.Scene(runs=()))
    assert_clean(at)
    assert not at.error
    assert any("Add one in the sidebar" in i.value for i in at.info)


def test_diverging_run_is_reported_with_its_step(app_test):
    runs = (sc.Run("gd", (("lr", 0.5),), sc.PALETTE[0]),)
    at = run_page(app_test, sc.Scene(runs=runs, steps=200))
    assert_clean(at)
    status = at.dataframe[0].value["status"][0]
    assert status.startswith("diverged at step")
    assert any("diverged at step" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "formula",
    ["__import__('os').system('x')", "sin(x", "x +* y", "foo(x)", "9**9**9", "x" * 400],
)
def test_hostile_or_broken_formula_gets_a_clear_message(app_test, formula):
    at = run_page(app_test, sc.Scene(surface=sc.FORMULA, formula=formula, runs=sc.default_runs()))
    assert_clean(at)
    assert at.error and "can't be drawn" in at.error[0].value


def test_typed_formula_draws(app_test):
    scene = sc.Scene(
        surface=sc.FORMULA, formula="sin(3x)cos(y) + 0.1(x^2+y^2)", runs=sc.default_runs()
    )
    at = run_page(app_test, scene)
    assert_clean(at)
    assert not at.error


def test_changing_the_surface_in_the_sidebar(app_test):
    at = run_page(app_test)
    at.sidebar.selectbox(key="w_surface").set_value("saddle").run()
    assert_clean(at)
    assert at.session_state["scene"].surface == "saddle"
    assert at.session_state["scene"].start is None  # the new surface's own start


def test_adding_and_removing_runs(app_test):
    at = run_page(app_test)
    at.sidebar.selectbox(key="w_add").set_value("nadam").run()
    assert_clean(at)
    assert [r.optimizer for r in at.session_state["scene"].runs][-1] == "nadam"
    at.sidebar.button(key="w1_run1.remove").click().run()  # generation 1, run uid 1 (GD)
    assert_clean(at)
    assert [r.optimizer for r in at.session_state["scene"].runs] == [
        "momentum",
        "rmsprop",
        "adam",
        "nadam",
    ]


def test_link_opens_the_scene(app_test):
    scene = sc.Scene(surface="saddle", runs=sc.default_runs("saddle"), steps=120, seed=4)
    at = run_page(app_test, query=urllib.parse.urlencode(sc.to_query(scene)), path="app.py")
    assert_clean(at)
    assert at.session_state["scene"] == scene
    assert not any("could not be used" in w.value for w in at.warning)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_links_fall_back_with_a_visible_warning(app_test, query):
    # app.py shows the link's warnings before the page (before every page reading the link).
    at = run_page(app_test, query=query, path="app.py")
    assert_clean(at)
    assert any("could not be used" in w.value for w in at.warning)


def test_share_link_reopens_the_scene(app_test):
    at = run_page(app_test)
    link = at.text[0].value  # plain text (no code highlighter) with a copy button beside it
    assert "Copy link" in at.get("iframe")[0].proto.srcdoc
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    scene, warnings = sc.from_query(query)
    assert warnings == [] and scene == at.session_state["scene"]


def test_presentation_mode_hides_the_sidebar_and_can_be_left(app_test):
    at = app_test(PAGE)
    at.session_state["presentation"] = True
    at.run()
    assert_clean(at)
    assert any("stSidebar" in h.proto.body for h in at.get("html"))
    at.button(key=[b.key for b in at.button if b.label == "Exit presentation"][0]).click().run()
    assert_clean(at)
    assert at.session_state["presentation"] is False


def test_ghost_trail_is_off_by_default(app_test):
    at = run_page(app_test)
    assert at.sidebar.toggle(key="ghost_trail").value is False
    at.sidebar.number_input(key="w_steps").set_value(300).run()
    assert "ghost_state" not in at.session_state


def test_ghost_trail_keeps_the_previous_scene_on_the_same_surface(app_test):
    at = run_page(app_test)
    at.sidebar.toggle(key="ghost_trail").set_value(True).run()
    first = at.session_state["scene"]
    at.sidebar.number_input(key="w_steps").set_value(300).run()
    assert_clean(at)
    scene, ghost = at.session_state["ghost_state"]
    assert scene.steps == 300 and ghost == first
    at.sidebar.selectbox(key="w_surface").set_value("saddle").run()
    assert at.session_state["ghost_state"][1] is None  # no ghosts across surfaces


def test_ghost_trail_never_draws_removed_runs(app_test):
    from ui import compute

    at = run_page(app_test)
    at.sidebar.toggle(key="ghost_trail").set_value(True).run()
    gd = at.session_state["scene"].runs[0]
    at.sidebar.button(key=f"w_run{gd.uid}.remove").click().run()
    assert_clean(at)
    scene, ghost = at.session_state["ghost_state"]
    assert [r.optimizer for r in ghost.runs][0] == "gd"  # the ghost remembers it...
    captured = {}
    original = compute.payload

    def spy(scene, theme="light", ghosts=(), **kwargs):
        captured["ghosts"] = ghosts
        return original(scene, theme=theme, ghosts=ghosts, **kwargs)

    compute.payload = spy
    try:
        at.run()
    finally:
        compute.payload = original
    (drawn,) = captured["ghosts"]
    assert [r.optimizer for r in drawn.runs] == ["momentum", "rmsprop", "adam"]  # ...not drawn


def test_gif_renders_with_progress_and_offers_a_download(app_test):
    scene = sc.Scene(runs=sc.default_runs(), steps=60)
    at = run_page(app_test, scene)
    at.button(key="render_gif").click().run(timeout=120)
    assert_clean(at)
    rendered, data = at.session_state["animation_gif"]
    assert rendered == scene and data[:6] == b"GIF89a"


def _key(at, name):
    generation = (
        at.session_state["widget_generation"] if "widget_generation" in at.session_state else 0
    )
    return f"w{generation}_{name}" if generation else f"w_{name}"


def test_edits_after_adding_a_run_persist_and_add_nothing(app_test):
    # Issue 11, bug 1: the "Add" box kept its choice and re-added it on every later edit,
    # which also reset the edit itself.
    at = run_page(app_test)
    at.sidebar.selectbox(key=_key(at, "add")).set_value("nesterov").run()
    assert at.sidebar.selectbox(key=_key(at, "add")).value == ""
    at.sidebar.number_input(key=_key(at, "steps")).set_value(300).run()
    at.sidebar.number_input(key=_key(at, "seed")).set_value(7).run()
    assert_clean(at)
    scene = at.session_state["scene"]
    assert (scene.steps, scene.seed) == (300, 7)
    assert [r.optimizer for r in scene.runs] == ["gd", "momentum", "rmsprop", "adam", "nesterov"]


def test_colours_and_settings_follow_their_run_after_a_removal(app_test):
    # Issue 11, bug 2: controls keyed by position gave each run its left neighbour's colour.
    at = run_page(app_test)
    before = {r.optimizer: r.color for r in at.session_state["scene"].runs}
    gd = at.session_state["scene"].runs[0]
    at.sidebar.button(key=_key(at, f"run{gd.uid}.remove")).click().run()
    at.sidebar.number_input(key=_key(at, "seed")).set_value(3).run()
    assert_clean(at)
    after = {r.optimizer: r.color for r in at.session_state["scene"].runs}
    assert after == {k: v for k, v in before.items() if k != "gd"}


def test_run_label_shows_the_new_learning_rate_at_once(app_test):
    # Issue 11, bug 3: the expander label lagged one rerun behind the legend.
    at = run_page(app_test)
    adam = at.session_state["scene"].runs[-1]
    slider = at.sidebar.select_slider(key=_key(at, f"run{adam.uid}.lr"))
    new = [v for v in slider.options if float(v) != dict(adam.hp)["lr"]][-1]
    slider.set_value(float(new)).run()
    assert_clean(at)
    labels = [e.label for e in at.sidebar.expander]
    assert any(f"lr={float(new)!r}" in label for label in labels), labels
    assert at.dataframe[0].value["run"].iloc[-1] in labels


def test_typing_a_formula_retunes_like_send_to_the_explorer(app_test):
    # Issue 11, bug 4: the formula kept Rosenbrock's rates and start.
    import surfaces as surf

    at = run_page(app_test)
    at.sidebar.number_input(key=_key(at, "start.x")).set_value(0.5).run()
    at.sidebar.selectbox(key=_key(at, "surface")).set_value(sc.FORMULA).run()
    assert_clean(at)
    scene = at.session_state["scene"]
    surface = surf.parse(scene.formula)
    assert scene.start is None
    assert scene.runs == sc.retuned(sc.default_runs(), surface)
    at.sidebar.text_input(key=_key(at, "formula")).set_value("x^2 + 3y^2 + sin(x)").run()
    scene = at.session_state["scene"]
    assert scene.runs == sc.retuned(sc.default_runs(), surf.parse("x^2 + 3y^2 + sin(x)"))


def test_formula_undefined_at_the_start_says_so(app_test):
    scene = sc.Scene(
        surface=sc.FORMULA, formula="x^2 + y^2 + log(x)", start=(-2.2, 1.0), runs=sc.default_runs()
    )
    at = run_page(app_test, scene)
    assert_clean(at)
    assert at.error and "undefined at the start" in at.error[0].value
    assert not at.warning


def test_presentation_styles_the_charts_and_keeps_their_axes():
    from figures import static
    from ui import present

    fig = {"data": [], "layout": {"yaxis": {"type": "log", "title": "loss"}}}
    assert present.style_figure(fig, "auto") is fig
    dark = present.style_figure(fig, "dark")
    assert dark["layout"]["paper_bgcolor"] == "#0b0f17"
    assert dark["layout"]["font"]["size"] >= 18
    assert dark["layout"]["yaxis"]["type"] == "log" and dark["layout"]["yaxis"]["title"] == "loss"
    assert fig["layout"] == {"yaxis": {"type": "log", "title": "loss"}}  # not mutated
    assert present.style_figure(static.loss_figure([]), "light")["layout"]["font"]["size"] >= 18
