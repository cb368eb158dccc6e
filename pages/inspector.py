"""Step inspector: what each optimizer computed at one step, with the numbers in the maths."""

from dataclasses import replace

import numpy as np
import streamlit as st

import optimizers
from figures import analysis, inspector
from optimizers.sweeps import LR_STOPS
from ui import compute, state
from ui import scene as sc
from ui.routing import through_app

through_app()

STEP = "inspector_step"
SEEN = "inspector_seen_explorer_step"
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
    extra_lr = controls[2].select_slider(
        "Its learning rate",
        options=sorted({*LR_STOPS, suggested}),
        value=suggested,
        format_func=lambda v: f"{v:g}",
        help="Learning rate γ of the added optimizer (log scale); it starts at the "
        "rate suggested for this surface.",
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

# --- which step -------------------------------------------------------------------------
# Follow the explorer's player: when its reported step changes, jump there; otherwise
# keep the slider where the user left it.
explorer_step = state.explorer_step()
if STEP not in st.session_state or explorer_step != st.session_state.get(SEEN):
    st.session_state[STEP] = int(min(max(explorer_step or 1, 1), scene.steps))
    st.session_state[SEEN] = explorer_step
st.session_state[STEP] = int(min(max(st.session_state[STEP], 1), scene.steps))


def _move(delta):
    st.session_state[STEP] = int(min(max(st.session_state[STEP] + delta, 1), scene.steps))


step_cols = st.columns([10, 1, 1], vertical_alignment="bottom")
t = step_cols[0].slider(
    "Step t",
    min_value=1,
    max_value=max(2, scene.steps),
    key=STEP,
    help="The update from θ(t−1) to θ(t). It follows the step where you paused the "
    "Explorer's player; slide or use the arrows to move.",
)
step_cols[1].button(
    "",
    icon=":material/chevron_left:",
    on_click=_move,
    args=(-1,),
    help="Previous step",
    width="stretch",
)
step_cols[2].button(
    "",
    icon=":material/chevron_right:",
    on_click=_move,
    args=(1,),
    help="Next step",
    width="stretch",
)
t = int(min(t, scene.steps))

# --- gather step t of each picked run ---------------------------------------------------
start_row = np.array([start], dtype=float)
details = []
for i in picked:
    run, record = runs[i], records[i]
    opt = optimizers.make(run.optimizer, **dict(run.hp))
    lr0 = opt.hp["lr"]
    schedule = scene.schedule_fn()
    lr_t = lr0 if schedule is None else float(schedule(np.arange(1, scene.steps + 1), lr0)[t - 1])
    step = inspector.step_values(record, t, inspector.state_dict(opt.init(start_row)))
    diverged = np.flatnonzero(~np.isfinite(record["points"]).all(axis=1))
    details.append(
        {
            "run": run,
            "opt": opt,
            "lr": lr_t,
            "step": step,
            "path": record["points"][: t + 1],
            "stopped": int(diverged[0]) if diverged.size else None,
        }
    )

# --- map and details side by side -------------------------------------------------------
left, right = st.columns([11, 10], gap="medium")
with left:
    zoom = st.toggle(
        "Zoom to step t",
        value=False,
        help="Frame the map around the points of step t (the arrows are rescaled to the "
        "zoomed view).",
    )
    (x0, x1), (y0, y1) = surface.domain
    view = None
    if zoom:
        pts = [d["step"]["theta_prev"] for d in details] + [d["step"]["theta"] for d in details]
        pts = np.array([p for p in pts if np.isfinite(p).all()])
        if pts.size:
            half = max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 0.01 * (x1 - x0)) * 1.5
            cx, cy = pts.mean(axis=0)
            view = ((cx - half, cx + half), (cy - half, cy + half))
    (v0, v1), _ = view or surface.domain
    width = v1 - v0
    # −g is usually far longer (or shorter) than the step: scale it to a quarter of the
    # view. Δθ is drawn true to size unless it would be invisible.
    grad_scale = analysis.nice_scale([np.hypot(*d["step"]["grad"]) for d in details], width / 4)
    moves = [np.hypot(*d["step"]["update"]) for d in details]
    finite_moves = [m for m in moves if np.isfinite(m)]
    update_scale = 1.0
    if finite_moves and max(finite_moves) < 0.03 * width:
        update_scale = analysis.nice_scale(moves, width / 6)
    xs, ys, z = compute.grid(compute.surface_key(scene))
    fig = analysis.step_figure(
        xs,
        ys,
        z,
        [
            {
                "label": d["run"].label(),
                "color": d["run"].color,
                "path": d["path"],
                "point": d["step"]["theta_prev"],
                "grad": d["step"]["grad"],
                "update": d["step"]["update"],
            }
            for d in details
        ],
        domain=surface.domain,
        grad_scale=grad_scale,
        update_scale=update_scale,
        log_z=surface.log_z,
        z_clip=surface.z_clip,
        view=view,
        height=600,
    )
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
            run, step = d["run"], d["step"]
            if d["stopped"] is not None and t > d["stopped"]:
                st.warning(
                    f"This run diverged at step {d['stopped']}: nothing is computed after it.",
                    icon=":material/warning:",
                )
                continue
            value_t = float(surface.value(step["theta"][None])[0])
            st.markdown(
                f"**{optimizers.spec(run.optimizer).title}**, step {t}: "
                f"f(θ(t)) = {value_t:.5g}, |g| = {np.hypot(*step['grad']):.4g}, "
                f"γ = {d['lr']:.4g}"
            )
            rows = inspector.state_rows(run.optimizer, step, d["lr"])
            st.dataframe(
                rows,
                hide_index=True,
                width="stretch",
                height=35 * (len(rows) + 1) + 3,  # every row visible, no inner scrollbar
                column_config={
                    "quantity": st.column_config.TextColumn("quantity", width="medium"),
                    "symbol": st.column_config.TextColumn("symbol", width="small"),
                    "x": st.column_config.NumberColumn("x", format="%.5g"),
                    "y": st.column_config.NumberColumn("y", format="%.5g"),
                },
            )
            st.caption(
                "Effective step size |Δθ|/|g|: how far this step went per unit of slope, per "
                "coordinate (the learning rate plain GD would have needed to take the same "
                "step)."
            )
            hess = None
            if d["opt"].needs_hessian:
                hess = surface.hessian(step["theta_prev"][None])[0]
            blocks, exact = inspector.update_latex(
                run.optimizer, d["opt"].hp, step, d["lr"], hessian=hess
            )
            st.markdown("**The update with the numbers substituted**")
            for heading, block in blocks:
                st.caption(heading)
                st.latex(block)
            if not exact:
                st.caption(
                    "No step-by-step template matches this optimizer's settings, so only "
                    "θ(t) = θ(t−1) + Δθ is shown; the table above has every quantity."
                )
            with st.expander("The algorithm", icon=":material/function:"):
                st.latex(optimizers.spec(run.optimizer).latex)
