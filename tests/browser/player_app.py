"""Test-only Streamlit app: the player with synthetic data (see player_data.py).

Query parameters: ``steps`` (default 300), ``theme`` (light|dark), ``autoplay`` (0|1),
``ghosts`` (steps of three ghost runs, the previous settings; default 0 = none),
``live`` (0: only the ghosts).
Prints the player's value, the start point and a run counter for the tests to read.
"""

import json
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from player_data import scene  # noqa: E402

from ui.player import player  # noqa: E402

scene = st.cache_data(scene)

st.set_page_config(page_title="Player test", layout="wide")
q = st.query_params
steps = int(q.get("steps", 300))
theme = q.get("theme", "light")
autoplay = q.get("autoplay", "0") == "1"
ghost_steps = int(q.get("ghosts", 0))
live = q.get("live", "1") != "0"
st.session_state.setdefault("start", (-1.5, 2.0))
st.session_state.setdefault("variant", 0)
st.session_state.setdefault("seen_seq", 0)
st.session_state["script_runs"] = st.session_state.get("script_runs", 0) + 1

cols = st.columns(3)
cols[0].button("Rerun (same payload)", key="rerun")
if cols[1].button("New runs, same surface", key="variant_btn"):
    st.session_state.variant = 1 - st.session_state.variant

payload = scene(
    steps, tuple(st.session_state.start), st.session_state.variant, theme, ghost_steps, live
)
value = player(payload, key="player", height=620, autoplay=autoplay)
if value and value.get("event") == "start" and value["seq"] > st.session_state.seen_seq:
    st.session_state.seen_seq = value["seq"]
    st.session_state.start = tuple(value["start"])
    st.rerun()
st.markdown(f"payload id: `{payload['id']}` · surface id: `{payload['surface_id']}`")
st.text("player value: " + json.dumps(value))
st.text("start: " + json.dumps(list(st.session_state.start)))
st.text(f"script runs: {st.session_state.script_runs}")
