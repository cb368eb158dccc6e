"""The step inspector's parts: gather one step of each run, frame it, and show its numbers."""

from __future__ import annotations

import numpy as np
import streamlit as st

import optimizers
from figures import analysis, inspector
from ui import state

STEP = "inspector_step"
SEEN = "inspector_seen_explorer_step"


def step_details(scene, runs, records, picked, start, t):
    """Return, for each picked run, what the inspector shows of step ``t``.

    Parameters
    ----------
    scene : Scene
    runs : list of Run
    records : list of dict
        ``ui.compute.internals`` of the scene with ``runs``.
    picked : list of int
    start : (float, float)
    t : int

    Returns
    -------
    list of dict
        ``run``, ``opt``, ``lr`` (the rate at step t), ``step`` (see
        ``figures.inspector.step_values``), ``path`` (points up to t) and ``stopped`` (the
        first non-finite step or None).
    """
    start_row = np.array([start], dtype=float)
    details = []
    for i in picked:
        run, record = runs[i], records[i]
        opt = optimizers.make(run.optimizer, **dict(run.hp))
        lr0 = opt.hp["lr"]
        rates = record.get("lrs")  # the rates the run used (per row for plateau)
        step = inspector.step_values(record, t, inspector.state_dict(opt.init(start_row)))
        diverged = np.flatnonzero(~np.isfinite(record["points"]).all(axis=1))
        details.append(
            {
                "run": run,
                "opt": opt,
                "lr": lr0 if rates is None else float(rates[t - 1]),
                "step": step,
                "path": record["points"][: t + 1],
                "stopped": int(diverged[0]) if diverged.size else None,
            }
        )
    return details


def framing(details, domain, zoom):
    """Return the view and the arrows' scales for the step map.

    Parameters
    ----------
    details : list of dict
        From :func:`step_details`.
    domain : tuple
        The surface's box.
    zoom : bool
        Frame the points of step t instead of the whole box.

    Returns
    -------
    view : tuple or None
    grad_scale, update_scale : float
        −g is scaled to a quarter of the view; Δθ is drawn true to size unless it would be
        invisible.
    """
    surface_domain = domain
    (x0, x1), (y0, y1) = surface_domain
    view = None
    if zoom:
        pts = [d["step"]["theta_prev"] for d in details] + [d["step"]["theta"] for d in details]
        pts = np.array([p for p in pts if np.isfinite(p).all()])
        if pts.size:
            half = max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 0.01 * (x1 - x0)) * 1.5
            cx, cy = pts.mean(axis=0)
            view = ((cx - half, cx + half), (cy - half, cy + half))
    (v0, v1), _ = view or surface_domain
    width = v1 - v0
    # −g is usually far longer (or shorter) than the step: scale it to a quarter of the
    # view. Δθ is drawn true to size unless it would be invisible.
    grad_scale = analysis.nice_scale([np.hypot(*d["step"]["grad"]) for d in details], width / 4)
    moves = [np.hypot(*d["step"]["update"]) for d in details]
    finite_moves = [m for m in moves if np.isfinite(m)]
    update_scale = 1.0
    if finite_moves and max(finite_moves) < 0.03 * width:
        update_scale = analysis.nice_scale(moves, width / 6)
    return view, grad_scale, update_scale


def show_step(d, t, surface):
    """Draw one run's step t: its numbers, the state table and the substituted update."""
    run, step = d["run"], d["step"]
    if d["stopped"] is not None and t > d["stopped"]:
        st.warning(
            f"This run diverged at step {d['stopped']}: nothing is computed after it.",
            icon=":material/warning:",
        )
        return
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
    blocks, exact = inspector.update_latex(run.optimizer, d["opt"].hp, step, d["lr"], hessian=hess)
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


def step_picker(steps: int) -> int:
    """Draw the step slider with previous/next buttons; return the step t (1..steps).

    It follows the explorer's player: when its reported step changes, it jumps there;
    otherwise it stays where the user left it.
    """
    # Follow the explorer's player: when its reported step changes, jump there; otherwise
    # keep the slider where the user left it.
    explorer_step = state.explorer_step()
    if STEP not in st.session_state or explorer_step != st.session_state.get(SEEN):
        st.session_state[STEP] = int(min(max(explorer_step or 1, 1), steps))
        st.session_state[SEEN] = explorer_step
    st.session_state[STEP] = int(min(max(st.session_state[STEP], 1), steps))

    def _move(delta):
        st.session_state[STEP] = int(min(max(st.session_state[STEP] + delta, 1), steps))

    step_cols = st.columns([10, 1, 1], vertical_alignment="bottom")
    t = step_cols[0].slider(
        "Step t",
        min_value=1,
        max_value=max(2, steps),
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
    t = int(min(t, steps))
    return t


def step_map(xs, ys, z, details, surface, view, grad_scale, update_scale):
    """Return the map of step t: paths so far, −g and Δθ arrows at θ(t−1)."""
    return analysis.step_figure(
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
