"""Explorer: optimizers racing on a 3-D surface and a contour map, side by side."""

from dataclasses import replace

import numpy as np
import streamlit as st

import figures
from ui import compute, present, share, sidebar, state
from ui import scene as sc
from ui.player import explorer_curves, player
from ui.routing import through_app

through_app()

scene = sidebar.scene_sidebar()
state.sync_url(scene)
with st.sidebar:
    present.enter_button()
    ghost_trail = st.toggle(
        "Ghost trail",
        value=False,
        key="ghost_trail",
        help="After a change, the previous paths of the runs still racing stay faintly "
        "visible to compare before and after.",
    )

theme = present.apply("Loss Landscape Lab")

try:
    surface = scene.build_surface()
    runs = compute.runs(scene)
except ValueError as err:  # FormulaError or a bad hyperparameter: say what, never a traceback
    st.error(f"**That can't be drawn yet.** {err}")
    st.stop()
start = scene.start_point(surface)
if not np.isfinite(surface.value(np.array([start], dtype=float))).all():
    st.error(
        f"**f is undefined at the start ({start[0]:.4g}, {start[1]:.4g}).** Pick another start "
        "under **Run settings** or click on the contour map."
    )
    st.stop()

st.caption(f"**{surface.title}.** {surface.description}")
if not runs:
    st.info(
        "No optimizer is racing. Add one in the sidebar under **Optimizers**.",
        icon=":material/arrow_back:",
    )

ghosts = state.ghosts(scene) if ghost_trail else ()
height = 660 if present.is_on() else 640
value = player(
    compute.payload(
        scene, ghosts=ghosts, scrub=state.scrub_choice(scene), starts=state.start_grid_on()
    ),
    key="explorer",
    height=height,
    theme=theme,
    curves=explorer_curves(scene, surface, runs, theme),
    font_size=present.font_size(theme),
)
if state.new_player_value(value):
    if value.get("event") == "start":
        # A click is a pixel: three significant figures say where it was, not 16 digits.
        start = tuple(sc.round_sig(float(v), 3) for v in value["start"])
        state.set_scene(replace(scene, start=start), reset_widgets=True)
        st.rerun()
    if value.get("event") == "step":
        state.set_explorer_step(value["step"])
    if value.get("event") in ("scrub", "hparam", "startgrid"):
        state.apply_ladder_value(value, scene)

if not runs:
    st.stop()

for r in runs:
    if r.diverged_at >= 0 and not r.escaped:
        st.warning(f"**{r.label}** {figures.stop_text(r)}.", icon=":material/warning:")
escaped = [f"{r.label} at step {r.diverged_at:,}" for r in runs if r.escaped]
if escaped:  # the desired outcome on a surface with no bottom: one quiet line, no alarm
    st.caption("Escaped downhill, out of the view (no bottom here): " + "; ".join(escaped))

tab_table, tab_share = st.tabs(["Summary", "Share & download"])
with tab_table:
    f_min = surface.f_min
    tol = st.number_input(
        "Tolerance",
        value=1e-3,
        min_value=1e-12,
        format="%.0e",
        help="A run 'arrives' at the first step where its loss is within this of the "
        "lowest known minimum.",
    )
    st.dataframe(sc.summary(runs, f_min, tol), hide_index=True, width="stretch")
with tab_share:
    share.share_panel(scene, surface, runs)
