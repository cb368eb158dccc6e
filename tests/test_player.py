"""ui.player without a browser: assets, where plotly.js comes from, and the call in a script run."""

import re
from pathlib import Path

import ui.player as player_mod

ROOT = Path(__file__).resolve().parent.parent


def test_index_html_loads_only_local_files():
    html = (player_mod.ASSETS / "index.html").read_text()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert refs == [
        "player.css",
        "../ui.player.plotlyjs/plotly.min.js",
        "model.js",
        "figures.js",
        "player.js",
        "curves.js",
    ]
    for ref in refs[:1] + refs[2:]:
        assert (player_mod.ASSETS / ref).is_file(), ref
    assert (player_mod.PLOTLY_DIR / "plotly.min.js").is_file()
    assert "LLPlayer.connectStreamlit()" in html


def test_nothing_is_written_into_the_source_tree():
    """plotly.js is served from the installed package, never copied next to the code."""
    assert not list(ROOT.glob("ui/**/plotly*.js")) and not list(ROOT.glob("assets/**/plotly*.js"))


def test_player_runs_in_a_script(app_test):
    at = app_test("tests/browser/player_app.py").run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "player value: null" in texts  # no browser: the default value


def test_component_protocol_messages_in_js():
    js = (player_mod.ASSETS / "player.js").read_text()
    for needle in (
        "isStreamlitMessage: true",
        '"streamlit:componentReady", { apiVersion: 1 }',
        '"streamlit:setFrameHeight", { height',
        '"streamlit:setComponentValue", { value, dataType: "json" }',
        '"streamlit:render"',
    ):
        assert needle in js, needle
    assert "Plotly.newPlot(" not in js  # new payloads go through Plotly.react


def test_curves_travel_as_typed_arrays_with_gaps():
    import base64
    import json

    import numpy as np

    fig = {
        "data": [{"type": "scatter", "x": np.arange(4), "y": np.array([1.0, np.nan, np.inf, 2.5])}],
        "layout": {"title": {"text": "Loss"}},
    }
    tab = player_mod.curve("Loss", fig, fig, log=True)
    assert tab["label"] == "Loss" and tab["log"] is True and "log_figure" in tab
    json.dumps(tab, allow_nan=False)  # strict JSON: what the component sends
    trace = tab["figure"]["data"][0]
    assert trace["x"]["dtype"] == "i4" and trace["y"]["dtype"] == "f4"
    y = np.frombuffer(base64.b64decode(trace["y"]["bdata"]), dtype="<f4")
    assert y[0] == 1.0 and y[3] == 2.5 and np.isnan(y[1:3]).all()  # inf too becomes a gap
    assert player_mod.curve("Rate", fig)["log"] is False  # no log figure: no log switch


def test_explorer_curves_follow_the_scene():
    from ui import scene as sc

    scene = sc.Scene(runs=sc.default_runs(), steps=50)
    surface = scene.build_surface()
    runs = sc.results(scene)
    tabs = player_mod.explorer_curves(scene, surface, runs, "light")
    assert [t["label"] for t in tabs] == ["Loss", "Gradient norm", "Distance to minimum"]
    assert all("log_figure" in t for t in tabs)
    assert tabs[0]["log"] == bool(surface.log_z)
    assert player_mod.explorer_curves(scene, surface, [], "light") == []
    cosine = sc.Scene(runs=sc.default_runs(), steps=50, schedule="cosine")
    tabs = player_mod.explorer_curves(cosine, surface, sc.results(cosine), "dark")
    assert tabs[-1]["label"] == "Learning rate" and "log_figure" not in tabs[-1]
