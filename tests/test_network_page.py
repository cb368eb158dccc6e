"""AppTest of the Network landscape page, and its settings' link round trip."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import network_scene as ns

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
