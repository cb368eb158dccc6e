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
