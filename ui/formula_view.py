"""The custom surface page's panels: curvature at a point, and sending the formula on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

import surfaces
from ui import scene as sc
from ui import state


def curvature_panel(surface, text):
    """Draw κ, 2/λmax and |∇f| at a point the user picks (the suggested start first)."""
    st.subheader("Curvature at a point")
    cols = st.columns([1, 1, 2, 2, 2])
    px = cols[0].number_input(
        "x",
        value=float(surface.start[0]),
        format="%.4g",
        key=f"custom.px.{text}",
        help="Where to measure the curvature (the suggested start by default).",
    )
    py = cols[1].number_input(
        "y",
        value=float(surface.start[1]),
        format="%.4g",
        key=f"custom.py.{text}",
        help="Where to measure the curvature (the suggested start by default).",
    )
    kappa = surfaces.condition_number(surface, (px, py))
    bound = surfaces.stability_bound(surface, (px, py))
    grad = surface.grad(np.array([[px, py]]))[0]
    cols[2].metric(
        "Condition number κ",
        f"{kappa:.3g}" if np.isfinite(kappa) else "∞",
        help="max|λ| / min|λ| of the Hessian here: how much more the surface curves in its "
        "steepest direction than in its flattest. Large κ means a narrow valley where "
        "gradient descent zig-zags.",
    )
    cols[3].metric(
        "2 / λmax",
        f"{bound:.3g}" if np.isfinite(bound) else "no bound",
        help="The largest stable learning rate for plain gradient descent near here: above "
        "it, GD overshoots along the steepest direction and diverges.",
    )
    cols[4].metric(
        "|∇f|",
        f"{np.hypot(*grad):.3g}",
        help="The slope here; zero at critical points.",
    )


def send_panel(scene, surface, text):
    """Draw "Send to the explorer" (with or without retuned learning rates)."""
    st.divider()
    send_cols = st.columns([2, 3])
    retune = send_cols[1].toggle(
        "Retune learning rates for this surface",
        value=True,
        help="Keep the Explorer's optimizers but set each learning rate to the one suggested "
        f"for this surface (plain GD: {surface.lr:g}); off keeps their current rates.",
    )
    if send_cols[0].button(
        "Send to the explorer",
        icon=":material/send:",
        type="primary",
        help="Make this formula the Explorer's surface, with the Explorer's current runs, and "
        "go there.",
    ):
        runs = scene.runs or sc.default_runs()
        if retune:
            runs = sc.retuned(runs, surface)
        state.set_scene(
            replace(
                scene, surface=sc.FORMULA, formula=text, surface_params=(), start=None, runs=runs
            ),
            reset_widgets=True,
        )
        st.switch_page("pages/explorer.py")
