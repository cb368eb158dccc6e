"""AppTest of the Network landscape page, and its settings' link round trip."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
from ui import network_scene as ns
from ui import scene as sc

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "network.py")


def _page(**query):
    at = AppTest.from_file(PAGE, default_timeout=240)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _texts(at):
    return " ".join(str(e.value) for kind in ("warning", "error", "caption") for e in at.get(kind))


def test_defaults_draw_the_slice_boundaries_curves_and_readout():
    at = _page(steps="60")
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Network landscape"
    assert len(at.get("plotly_chart")) == 2  # boundaries and curves beside the player
    assert "How honest is the slice?" in at.subheader[0].value
    table = next(d.value for d in at.dataframe if "distance from plane" in d.value.columns)
    assert list(table["run"]) == [r.label() for r in ns.DEFAULT_RUNS]
    assert (table["distance from plane"] >= 0).all()
    assert at.query_params["dataset"] == "moons" and at.query_params["steps"] == "60"


def test_changed_settings():
    at = _page(steps="40", dataset="xor", hidden="4", slice="pca", batch="8", grid="21")
    assert not at.exception and not at.error
    assert "PCA directions explain" in _texts(at)
    at.selectbox(key="net_w_dataset").set_value("spirals").run()
    assert not at.exception and not at.error
    assert at.query_params["dataset"] == "spirals"
    at.slider(key="net_w_hidden").set_value(2).run()
    assert not at.exception and at.query_params["hidden"] == "2"
    at.number_input(key="net_w_batch").set_value(1).run()
    assert not at.exception and at.query_params["batch"] == "1"


@pytest.mark.parametrize(
    "query",
    [
        {"hidden": "0"},
        {"hidden": "65"},
        {"hidden": "1e9"},
        {"dataset": "[click](http://127.0.0.1:9/phish)"},
        {"dataset": "<img src=x onerror=alert(1)>"},
        {"runs": "adam:lr=-1"},
        {"runs": "![](http://host/pixel.gif)"},
        {"runs": "newton"},
        {"steps": "0"},
        {"steps": "99999999"},
        {"batch": "-3"},
        {"seed": "nan"},
        {"slice": "random"},
        {"center": "99"},
        {"grid": "5000"},
    ],
)
def test_hostile_links_give_messages_not_tracebacks(query):
    at = _page(**{"steps": "30", "dataset": "moons", **query})
    assert not at.exception
    text = _texts(at).replace("\\", "")  # the warnings are escaped Markdown
    assert "](" not in " ".join(e.value for e in at.warning).replace("\\](", "")
    assert "The link's" in text or "used instead" in text or "can't be trained" in text


def test_only_newton_says_why_nothing_trains():
    at = _page(steps="20", dataset="moons", runs="newton")
    assert not at.exception
    assert any("Newton" in e.value for e in at.error)


def test_link_round_trip_and_fallbacks():
    scene = ns.NetScene(dataset="circles", hidden=3, steps=70, batch_size=4, seed=9)
    assert ns.from_query(ns.to_query(scene)) == (scene, [])
    fallback, warnings = ns.from_query({"hidden": "65", "dataset": "iris", "grid": "7"})
    assert fallback == ns.NetScene() and len(warnings) == 3
    assert "hidden must be a whole number in 1..64" in warnings[0]


def test_curves_are_sampled_and_exact_where_drawn():
    scene = ns.NetScene(dataset="xor", hidden=4, steps=450, batch_size=8, grid=21)
    result = ns.compute(scene)
    steps = result.curves["step"]
    assert steps[0] == 0 and steps[-1] == 450 and len(steps) == ns.CURVE_POINTS + 1
    assert (np.diff(steps) > 0).all()
    every = ns.curves(result.loss, result.paths, np.arange(451))
    for key in ("train_loss", "test_loss", "train_acc", "test_acc"):
        assert result.curves[key].shape == (4, len(steps))
        np.testing.assert_allclose(result.curves[key], every[key][:, steps], rtol=1e-12)
    # The readout's true loss is the trajectories' own (the runner's values).
    np.testing.assert_allclose(result.readout.true_loss, every["train_loss"], rtol=1e-12)
    # Any other step, exactly: what the honesty table shows at the player's step.
    now = ns.metrics(result.loss, result.paths[:, 137])
    np.testing.assert_allclose(now["test_acc"], every["test_acc"][:, 137])
    assert ns.curve_steps(5).tolist() == [0, 1, 2, 3, 4, 5]


def test_runs_of_one_optimizer_train_together_as_they_would_alone():
    scene = ns.NetScene(dataset="moons", hidden=3, steps=40, grid=21)
    result = ns.compute(scene)
    loss = scene.loss()
    for i, run in enumerate(scene.active_runs()):
        alone = optimizers.run(loss, optimizers.make(run.optimizer, **dict(run.hp)),
                               loss.init(0)[None], 40)  # fmt: skip
        # Not bitwise: BLAS rounds an (N * H)-wide product differently for N = 1 and 2.
        np.testing.assert_allclose(result.paths[i], alone.points[0], rtol=1e-12, atol=1e-14)


def test_downloads_hold_every_step():
    scene = ns.NetScene(dataset="circles", hidden=2, steps=30, grid=21)
    result = ns.compute(scene)
    lines = ns.export_csv(result).splitlines()
    assert len(lines) == 1 + 4 * 31
    assert lines[0].startswith("run,label,step,slice_x,slice_y,")
    data = json.loads(ns.export_json(scene, result))
    assert data["plane"]["axes"] == ["direction 1 (filter-normalised)",
                                     "direction 2 (filter-normalised)"]  # fmt: skip
    assert len(data["runs"][0]["test_acc"]) == 31 and len(data["runs"][0]["slice_ab"]) == 31


def _table(at):
    return next(d.value for d in at.dataframe if "distance from plane" in d.value.columns)


def _through_app(scene):
    """Open the network page through app.py's navigation with the scene's link."""
    at = AppTest.from_file(str(Path(PAGE).parents[1] / "app.py"), default_timeout=240)
    for key, value in ns.to_query(scene).items():
        at.query_params[key] = value
    return at.switch_page("pages/network.py").run()


def test_link_state_round_trip_through_the_app(monkeypatch):
    monkeypatch.chdir(Path(PAGE).parents[1])
    scene = ns.NetScene(
        dataset="xor", hidden=3, steps=25, batch_size=8, seed=4, directions="pca",
        center_run=1, grid=21,
        runs=(sc.Run("adam", (("lr", 0.05),), "#123456"), sc.Run("sgd", (("lr", 0.3),))),
    )  # fmt: skip
    at = _through_app(scene)
    assert not at.exception and not at.error and not at.warning
    # app.py's explorer scene (runs=, steps=, seed=) does not overwrite the page's own.
    assert {k: at.query_params[k] for k in at.query_params} == ns.to_query(scene)
    assert at.session_state["network_scene"] == scene
    assert list(_table(at)["run"]) == [r.label() for r in scene.runs]


def test_through_the_app_the_defaults_are_the_pages_own(monkeypatch):
    monkeypatch.chdir(Path(PAGE).parents[1])
    at = AppTest.from_file(str(Path(PAGE).parents[1] / "app.py"), default_timeout=240)
    at.query_params["steps"] = "20"
    at.switch_page("pages/network.py").run()
    assert not at.exception
    assert list(_table(at)["run"]) == [r.label() for r in ns.DEFAULT_RUNS]


def test_downloads_and_presentation_mode():
    at = _page(steps="20", hidden="2", grid="21")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Paths and curves (CSV)", "Everything (JSON)"]
    assert not at.session_state["presentation"] if "presentation" in at.session_state else True
    (enter,) = [b for b in at.button if "resentation" in b.label]
    enter.click().run()
    assert not at.exception and not at.error
    assert any("Exit" in b.label for b in at.button)
    assert at.title[0].value == "Network landscape"
    assert len(at.get("plotly_chart")) == 2 and _table(at) is not None


HOSTILE = [
    {"steps": ["12", "bad"]},  # a repeated key: the first value counts, as on the lessons
    {"steps": "true"},
    {"seed": "-1"},
    {"seed": "1.5"},
    {"hidden": "[3](http://a.bc)"},
    {"center": "<b>1</b>"},
    {"grid": "![x](http://host/p.gif)"},
    {"slice": "**bold** <script>alert(1)</script>"},
    {"runs": "adam:lr=[x](http://a.bc)"},
    {"runs": "sgd:lr=1e999"},
    {"runs": "adam@<img src=x>"},
    {"runs": ";".join(["adam"] * 40)},
    {"dataset": "x" * 5000},
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_values_render_nothing(query):
    at = _page(**{"steps": "15", "hidden": "2", "grid": "21", **query})
    assert not at.exception
    if query != HOSTILE[0]:
        assert at.warning, "a bad value is reported"
    else:
        assert at.query_params["steps"] == "12"
    shown = [e.value for kind in ("warning", "error", "markdown", "caption") for e in at.get(kind)]
    for text in shown:  # a link or image needs an unescaped "](", HTML an unescaped "<"
        assert not re.search(r"(?<!\\)\]\(", text) and not re.search(r"(?<!\\)<", text), text
    # The page still trains its defaults for what was refused.
    assert _table(at) is not None
