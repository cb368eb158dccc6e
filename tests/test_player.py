"""ui.player without a browser: assets, the plotly.js copy, and the call inside a script run."""

import re
from pathlib import Path

import ui.player as player_mod

ROOT = Path(__file__).resolve().parent.parent


def test_index_html_loads_only_local_files():
    html = (player_mod.FOLDER / "index.html").read_text()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert sorted(refs) == ["player.css", "player.js", "plotly.min.js"]
    for ref in refs:
        assert (player_mod.FOLDER / ref).is_file(), ref
    assert "LLPlayer.connectStreamlit()" in html


def test_plotly_js_is_the_installed_one():
    copy = player_mod.ensure_plotly_js()
    source = player_mod.installed_plotly_js()
    assert copy.read_bytes()[:200] == source.read_bytes()[:200]
    assert copy.stat().st_size == source.stat().st_size


def test_plotly_js_copy_is_refreshed_when_missing_or_stale(tmp_path, monkeypatch):
    target = tmp_path / "plotly.min.js"
    monkeypatch.setattr(player_mod, "PLOTLY_JS", target)
    player_mod.ensure_plotly_js()
    assert target.read_bytes() == player_mod.installed_plotly_js().read_bytes()
    target.write_text("/** plotly.js v0.0.1 */")  # another version
    player_mod.ensure_plotly_js()
    assert target.stat().st_size == player_mod.installed_plotly_js().stat().st_size
    assert not list(tmp_path.glob(".plotly.min.js.*.tmp"))


def test_player_runs_in_a_script(app_test):
    at = app_test("tests/browser/player_app.py").run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "player value: null" in texts  # no browser: the default value


def test_component_protocol_messages_in_js():
    js = (player_mod.FOLDER / "player.js").read_text()
    for needle in (
        "isStreamlitMessage: true",
        '"streamlit:componentReady", { apiVersion: 1 }',
        '"streamlit:setFrameHeight", { height',
        '"streamlit:setComponentValue", { value, dataType: "json" }',
        '"streamlit:render"',
    ):
        assert needle in js, needle
    assert "Plotly.newPlot(" not in js  # new payloads go through Plotly.react
