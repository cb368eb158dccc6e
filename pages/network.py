"""Network landscape: train a small network with several optimizers, race them on a slice."""

import streamlit as st

import figures
from figures import network as netfig
from ui import network_controls as ctl
from ui import network_scene as ns
from ui import present, share, state
from ui.player import player
from ui.routing import through_app
from ui.text import inert

through_app()

scene, link_warnings = ctl.current()
with st.sidebar:
    scene = ctl.sidebar(scene)
    present.enter_button()
ctl.store(scene)

theme = present.apply("Network landscape")
state.show_link_warnings(link_warnings)
st.caption(
    "A real network, `Linear(2, H) → tanh → Linear(H, 1)`, trained on the data with every "
    "run from one shared initialisation and the same mini-batches. The 3-D view is a 2-D "
    "slice of its 4H + 1 dimensions (Li et al. 2018): the paths are projected onto it, "
    "and the table below says how far each one really is from the slice."
)

try:
    result = ctl.compute(scene)
except ValueError as err:  # bad settings: say what, never a traceback
    st.error(f"**That can't be trained.** {inert(str(err))}")
    st.stop()

labels = [r.label for r in result.runs]
colors = [r.color for r in result.runs]
xs, ys, z = result.grid
plane = result.plane
x_axis, y_axis = plane.axis_names()
title = f"Slice through {labels[min(scene.center_run, len(labels) - 1)]}"
payload = figures.player_payload(
    xs, ys, z, result.runs, title=title, theme="light" if theme == "auto" else theme,
    z_label="training loss on the slice", surface_id=f"net:{ctl.key(scene)}",
    axes=(x_axis, y_axis),
)  # fmt: skip
height = 720 if present.is_on() else 560
value = player(
    payload, key="network_player", height=height, theme=theme, font_size=present.font_size(theme)
)
step = ctl.step(value, scene.steps)

for run in result.runs:
    if run.diverged_at >= 0:
        st.warning(f"**{inert(run.label)}** diverged at step {run.diverged_at}.")
if plane.explained_variance is not None:
    ev = plane.explained_variance
    st.caption(
        f"PCA directions explain {ev[0]:.1%} and {ev[1]:.1%} of the path's movement; "
        f"the rest ({max(0.0, 1 - sum(ev)):.1%}) is invisible on this slice."
    )

left, right = st.columns(2)
at_step = result.paths[:, min(step, result.paths.shape[1] - 1)]
with left:
    st.plotly_chart(
        netfig.boundary_figure(
            result.loss, at_step, labels, colors, title=f"Decision boundaries at step {step}",
            theme="dark" if theme == "dark" else "light",
        ),
        key="boundary_chart",
    )  # fmt: skip
with right:
    st.plotly_chart(
        netfig.curves_figure(result.curves, labels, colors, step=step), key="curves_chart"
    )

st.subheader(f"How honest is the slice? (step {step})")
st.caption(
    "Distance from the plane: how far the real parameters are from the slice drawn above "
    "(share off the plane: that distance over the distance from the slice's centre). "
    "True loss vs the loss the slice shows under the projected point: when they differ, "
    "the picture lies about that run."
)
now = ns.metrics(result.loss, at_step)  # this step exactly (the curves are sampled)
st.dataframe(netfig.honesty_rows(labels, result.readout, now, step), hide_index=True)

with st.expander("Share & download", icon=":material/share:"):
    share.link_box(ctl.share_link(scene))
    cols = st.columns(2)
    cols[0].download_button(
        "Paths and curves (CSV)", lambda: ns.export_csv(result), file_name="network.csv",
        mime="text/csv", on_click="ignore", icon=":material/table:",
        help="Every step of every run: slice coordinates, losses, accuracies, distance.",
    )  # fmt: skip
    cols[1].download_button(
        "Everything (JSON)", lambda: ns.export_json(scene, result), file_name="network.json",
        mime="application/json", on_click="ignore", icon=":material/data_object:",
        help="Settings, the slice's plane and every run's parameters and curves.",
    )  # fmt: skip
