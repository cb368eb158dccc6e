"""Sweeps and a fair race: how settings change the result, and optimizers at their best."""

import numpy as np
import streamlit as st

import optimizers
from optimizers import sweeps
from optimizers.sweeps import LR_STOPS
from ui import pickers, state, sweep_modes
from ui import scene as sc
from ui.routing import through_app

through_app()

MAX_STEPS = 2000


st.title("Sweeps and fair comparison")
st.caption(
    "An optimizer's result depends on its settings as much as on the optimizer. Sweep the "
    "learning rate against a second hyperparameter to see where it works and where it "
    "diverges; then race optimizers fairly, each at its own best learning rate."
)

scene = state.current_scene()
mode = st.segmented_control(
    "Mode",
    ["sweep", "race"],
    default="sweep",
    required=True,
    format_func={"sweep": "Sweep two hyperparameters", "race": "Fair race"}.get,
    key="sweeps.mode",
    help="Sweep: one optimizer over a grid of (learning rate, second hyperparameter). "
    "Fair race: every chosen optimizer gets the same learning-rate grid and step budget, "
    "and races at the rate that worked best for it.",
)

# --- surface, start, budget (shared by both modes) --------------------------------------
row = st.columns([4, 2, 2, 2, 4, 2])  # the surface column fits "Rosenbrock's banana"
page = pickers.page_surface(
    row[0], scene, key="sweeps.surface", help="The loss surface; it starts as the Explorer's."
)
surface, surface_name, same_surface = page.surface, page.name, page.same_as_explorer
start0 = page.start(scene)
sx = row[1].number_input(
    "Start x",
    value=float(start0[0]),
    format="%.4g",
    key=f"sweeps.{surface_name}.x",
    help="Where every run starts (the Explorer's start by default).",
)
sy = row[2].number_input(
    "Start y",
    value=float(start0[1]),
    format="%.4g",
    key=f"sweeps.{surface_name}.y",
    help="Where every run starts (the Explorer's start by default).",
)
steps = int(
    row[3].number_input(
        "Steps",
        min_value=10,
        max_value=MAX_STEPS,
        value=min(max(scene.steps, 10), 500),
        step=50,
        key="sweeps.steps",
        help=f"The step budget of every run (10 to {MAX_STEPS:,}).",
    )
)
# A sweep centres its rates on the swept optimizer's suggested rate for this surface
# (where the picture changes); a race needs a range wide enough for every optimizer.
all_names = optimizers.names()
first = next(
    (r.optimizer for r in scene.active_runs() if sweep_modes.second_choices(r.optimizer)), "adam"
)
if mode == "sweep":
    name = st.session_state.get("sweeps.optimizer", first)
    lr_key, lr_default = (
        f"sweeps.lr_range.{surface_name}.{name}",
        sweeps.around(optimizers.suggest_lr(name, surface.lr)),
    )
else:
    lr_key, lr_default = "sweeps.lr_range", (1e-4, 1.0)
lr_lo, lr_hi = row[4].select_slider(
    "Learning rates",
    options=LR_STOPS,
    value=lr_default,
    format_func=lambda v: f"{v:g}",
    key=lr_key,
    help="Range of the learning-rate grid, spaced evenly on a log scale. A sweep starts "
    "centred on the optimizer's suggested rate for this surface; a race spans 1e-4 to 1.",
)
n_lr = row[5].slider(
    "Rates",
    8,
    40,
    24,
    key="sweeps.rates",
    help="How many learning rates between the two ends (8 to 40).",
)
lrs = sweeps.grid_values(lr_lo, lr_hi, n_lr)
setup = sweep_modes.Setup(
    surface, surface_name, same_surface, scene, np.array([[sx, sy]]), steps, lrs,
    surface.f_min, sc.escape_radius(surface), sx, sy, first, all_names, page.key,
)  # fmt: skip
(sweep_modes.sweep_mode if mode == "sweep" else sweep_modes.race_mode)(setup)
