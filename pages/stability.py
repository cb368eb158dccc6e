"""Stability map: where one linearised step contracts (ρ < 1) or blows up (ρ > 1)."""

import numpy as np
import streamlit as st

from figures.stability import stability_figure
from ui import pickers, state
from ui import stability_view as view
from ui.routing import through_app

through_app()

st.title("Stability map")
st.caption(
    "Near a minimum every step of GD or momentum is a linear map of (position, velocity). "
    "Its spectral radius ρ says whether small errors shrink (ρ < 1) or grow (ρ > 1). "
    "Over a grid of learning rate × momentum this is the stability region: the phase "
    "diagram of Distill's *Why Momentum Really Works*, for any surface."
)

scene = state.current_scene()
top = st.columns([3, 3, 3, 2, 2])
page = pickers.page_surface(
    top[0],
    scene,
    key="stability.surface",
    help="The loss surface; it starts as the Explorer's. The map uses its Hessian at the point.",
)
surface = page.surface
point = view.pick_point(top[1], surface, key=f"stability.{page.name}.point")
if point is None:
    st.info("This surface has no minimum in view to linearise at.", icon=":material/info:")
    st.stop()
name, hp, current = view.pick_optimizer(top[2], scene, key="stability.optimizer")
resolution = top[3].slider(
    "Grid",
    min_value=20,
    max_value=200,
    value=100,
    step=10,
    key="stability.grid",
    help="Cells per axis: 100 means 100 × 100 linearised steps.",
)
span = top[4].slider(
    "lr range",
    min_value=0.5,
    max_value=10.0,
    value=3.0,
    step=0.5,
    key="stability.span",
    help="The learning-rate axis ends at this multiple of GD's edge 2/λmax.",
)

hessian = np.asarray(surface.hessian(np.array([point], dtype=float))[0], dtype=float)
if not np.isfinite(hessian).all():
    st.error("The Hessian is not finite at this point; pick another point or surface.")
    st.stop()
curvatures = np.linalg.eigvalsh((hessian + hessian.T) / 2)
edge = 2.0 / curvatures[-1] if curvatures[-1] > 0 else np.inf
lrs = view.lr_axis(edge, span, int(resolution))
ys = view.y_axis(name, int(resolution))
if curvatures[0] < 0:
    st.warning(
        "The Hessian has a negative eigenvalue here (not a minimum): every setting "
        "diverges along it.",
        icon=":material/warning:",
    )
try:
    m = view.stability_map(page.key, name, hp, hessian, lrs, ys)
except ValueError as err:
    st.error(f"**The map can't be computed.** {err}")
    st.stop()

fig = stability_figure(m, current, title=f"{name}: spectral radius of one step")
st.plotly_chart(fig, key="stability_chart")
view.caption(m, point, current)
