"""Step inspector: what each optimizer computed at one step, with the numbers in the maths."""

from dataclasses import replace

import streamlit as st

import optimizers
from figures import analysis
from ui import compute, inspection, pickers, state
from ui import scene as sc
from ui.routing import through_app

through_app()

MAX_PICKED = 4

st.title("Step inspector")

scene = state.current_scene()
try:
    surface = scene.build_surface()
except ValueError as err:  # a formula that no longer parses: say so, never a traceback
    st.error(f"**The explorer's surface can't be built.** {err}")
    st.stop()

start = scene.start_point(surface)
st.caption(
    f"The Explorer's scene: **{surface.title}**, start ({start[0]:.4g}, {start[1]:.4g}), "
    f"{scene.steps} steps"
    + ("" if scene.schedule == "constant" else f", {scene.schedule} schedule")
    + ". Change the surface, start and runs in the Explorer; pick runs and a step here."
)

# --- which runs -------------------------------------------------------------------------
runs = list(scene.active_runs())
controls = st.columns([3, 2, 2])
extra_name = controls[1].selectbox(
    "Also inspect",
    [""] + optimizers.names(),
    format_func=lambda n: optimizers.spec(n).title if n else "another optimizer…",
    help="Add an optimizer that is not in the Explorer's race, for this page only "
    "(the Explorer's scene is not changed).",
)
if extra_name:
    suggested = sc.round_sig(optimizers.suggest_lr(extra_name, surface.lr))
    with controls[2]:
        extra_lr = pickers.lr_slider(
            "Its learning rate",
            suggested,
            key="inspector.extra_lr",
            help="Learning rate γ of the added optimizer; it starts at the rate suggested "
            "for this surface",
        )
    used = {run.color for run in runs}
    color = next((c for c in sc.PALETTE if c not in used), sc.PALETTE[-1])
    runs.append(sc.Run(extra_name, (("lr", extra_lr),), color))

if not runs:
    st.info(
        "No run to inspect: add an optimizer in the Explorer or under **Also inspect**.",
        icon=":material/info:",
    )
    st.stop()

labels = [run.label() for run in runs]
picked = controls[0].multiselect(
    "Runs",
    list(range(len(runs))),
    default=list(range(min(len(runs), MAX_PICKED)))
    if not extra_name
    else [len(runs) - 1, *range(min(len(runs) - 1, MAX_PICKED - 1))],
    format_func=lambda i: labels[i],
    max_selections=MAX_PICKED,
    help="The runs whose state, update and arrows are shown (up to four).",
)
if not picked:
    st.info("Pick at least one run.", icon=":material/info:")
    st.stop()
picked = sorted(picked)

# The inspected scene: the explorer's, plus the extra run if any (all switched on).
inspected = replace(scene, runs=tuple(runs))
try:
    records = compute.internals(inspected)
except ValueError as err:
    st.error(f"**These runs can't be computed.** {err}")
    st.stop()

t = inspection.step_picker(scene.steps)
details = inspection.step_details(scene, runs, records, picked, start, t)

# --- map and details side by side -------------------------------------------------------
left, right = st.columns([11, 10], gap="medium")
with left:
    zoom = st.toggle(
        "Zoom to step t",
        value=False,
        help="Frame the map around the points of step t (the arrows are rescaled to the "
        "zoomed view).",
    )
    view, grad_scale, update_scale = inspection.framing(details, surface.domain, zoom)
    xs, ys, z = compute.grid(compute.surface_key(scene))
    fig = inspection.step_map(xs, ys, z, details, surface, view, grad_scale, update_scale)
    st.plotly_chart(fig, key="inspector_map")
    st.caption(
        f"Paths up to step {t}. From θ(t−1): the grey arrow is −g, the steepest-descent "
        f"direction, drawn {analysis.format_scale(grad_scale)} its length so it fits the view; "
        "the arrow in the run's colour is Δθ, "
        + (
            "the actual step, true to size."
            if update_scale == 1
            else f"the actual step, magnified {analysis.format_scale(update_scale)}."
        )
    )

with right:
    tabs = st.tabs([d["run"].label() for d in details])
    for tab, d in zip(tabs, details, strict=True):
        with tab:
            inspection.show_step(d, t, surface)
