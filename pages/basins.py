"""Basin map: run every start of a grid and colour it by where the optimizer took it."""

import numpy as np
import streamlit as st

import surfaces
from figures import analysis
from ui import basin_view as view
from ui import pickers, state
from ui import scene as sc
from ui.routing import through_app

through_app()

MAX_OPTIMIZERS = 4
DEFAULT_NAMES = ("gd", "momentum", "rmsprop", "adam")

st.title("Basin map")
st.caption(
    "Every point of the grid is a start. Each optimizer runs from all of them at once; a "
    "start takes the colour of the minimum its path ended at, so you see which minimum each "
    "optimizer finds from where, where it gets lost, and where it blows up."
)

scene = state.current_scene()
top = st.columns([3, 3, 2, 2, 2, 3])
page = pickers.page_surface(
    top[0],
    scene,
    key="basins.surface",
    help="The loss surface; it starts as the Explorer's (Himmelblau while the Explorer is "
    "on its default Rosenbrock, one basin). Surfaces with several minima (Himmelblau, the "
    "camels, Styblinski-Tang) make the most telling maps.",
    instead_of_default="himmelblau",
)
surface, surface_name = page.surface, page.name
resolution = top[1].slider(
    "Grid",
    min_value=20,
    max_value=200,
    value=100,
    step=10,
    key="basins.grid",
    help="Starts per axis: 200 means 200 × 200 = 40,000 runs per optimizer.",
)
steps = top[2].number_input(
    "Steps",
    min_value=10,
    max_value=5000,
    value=min(max(scene.steps, 10), 1000),
    step=50,
    key="basins.steps",
    help="Steps each path takes. Paths still on their way when it runs out are counted "
    "where they stand.",
)
(x0, x1), (y0, y1) = surface.domain
size = max(x1 - x0, y1 - y0)
tol = top[3].number_input(
    "Tolerance",
    min_value=1e-6,
    max_value=float(size),
    value=float(f"{0.02 * size:.1g}"),
    format="%.3g",
    key=f"basins.{surface_name}.tol",
    help="A path has reached a minimum when it ends within this distance of it; "
    "'steps' counts the steps until it first got this close.",
)
mode = top[5].segmented_control(
    "Colour by",
    ["minimum", "steps"],
    default="minimum",
    required=True,
    format_func={"minimum": "Minimum", "steps": "Steps"}.get,
    key="basins.mode",
    help="Minimum reached: one colour per minimum, grey elsewhere, black diverged. "
    "Steps to tolerance: how fast each start arrived (darker is slower).",
)
minima = surfaces.minima_in_view(surface)
if not minima:
    st.info(
        "This surface has no minimum in view: every start ends 'elsewhere' or diverges.",
        icon=":material/info:",
    )

seeds = list(scene.active_runs())[:MAX_OPTIMIZERS] if page.same_as_explorer else []
count = top[4].number_input(
    "Optimizers",
    min_value=1,
    max_value=MAX_OPTIMIZERS,
    value=max(1, min(len(seeds) or 2, MAX_OPTIMIZERS)),
    key=f"basins.{surface_name}.count",
    help="How many optimizers to map side by side (1 to 4).",
)
configs = []
for i, col in enumerate(st.columns(count)):
    with col.container(border=True):
        seed = seeds[i] if i < len(seeds) else None
        default = DEFAULT_NAMES[i % len(DEFAULT_NAMES)]
        configs.append(
            pickers.optimizer_card(i, surface, seed, default, key=f"basins.{surface_name}")
        )

# --- compute (each map cached on its own; heavy ones wait for a button, see basin_view) ---
xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
seconds, chunk = view.plan(surface, page.key, resolution**2, int(steps), count)
todo = view.missing(page.key, configs, resolution, int(steps), float(tol))
view.gate(seconds * todo / count, todo)
maps = view.maps(surface, configs, xs, ys, int(steps), minima, float(tol), page.key, chunk)

# --- draw -------------------------------------------------------------------------------
max_steps = max((int(m.steps_to_tol.max()) for m in maps), default=1) or 1
per_row = 1 if count == 1 else 2
rows = []
for start in range(0, count, per_row):
    cols = st.columns(per_row) if count > 1 else [st.container()]
    for col, run, bmap in zip(cols, configs[start:], maps[start:], strict=False):
        fig = analysis.basin_figure(
            bmap.label, bmap.steps_to_tol, bmap.final_points, xs, ys, minima,
            domain=surface.domain, mode=mode, title=run.label(), max_steps=max_steps,
            height=520 if count > 1 else 620,
        )  # fmt: skip
        col.plotly_chart(fig, key=f"basin_{start}_{run.optimizer}_{len(rows)}")
        rows.append({"optimizer": run.label(), **bmap.summary(len(minima))})

st.dataframe(rows, hide_index=True, width="stretch")
st.caption(
    f"{resolution}×{resolution} = {resolution**2:,} starts per optimizer, {steps} steps, "
    f"constant learning rate. Stars mark the minima "
    + ", ".join(f"{k + 1}: ({x:.3g}, {y:.3g})" for k, (x, y) in enumerate(minima))
    + ". A path counts as diverged when it becomes non-finite or leaves a radius of "
    f"{sc.escape_radius(surface):g} around the origin. Hover a cell to see where its path ended "
    "(steps to tolerance −1: it never got within the tolerance of a minimum)."
)
