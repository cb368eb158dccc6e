"""The two modes of the Sweeps page: a sweep over two hyperparameters, and a fair race.

Each draws its own controls and results from the page's shared settings (`Setup`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import streamlit as st

import optimizers
from figures import sweeps as sweep_figures
from optimizers import sweeps
from ui import compute, state
from ui import scene as sc
from ui.player import player

DEFAULT_RACE = ("gd", "momentum", "rmsprop", "adam")


class Setup(NamedTuple):
    """The page's shared settings: surface, start, budget and learning-rate grid."""

    surface: object
    surface_name: str
    same_surface: bool
    scene: sc.Scene
    starts: np.ndarray
    steps: int
    lrs: np.ndarray
    f_min: float | None
    radius: float
    sx: float
    sy: float
    first: str
    all_names: list
    surface_key: tuple


def second_choices(name):
    """Return the numeric hyperparameters of ``name`` a sweep can put on its second axis."""
    hps = optimizers.spec(name).hparams
    return [k for k, h in hps.items() if k != "lr" and h.kind == "float"]


def sweep_mode(setup: Setup) -> None:
    """Draw the sweep: one optimizer over (learning rate, a second hyperparameter)."""
    row = st.columns([3, 2, 2, 2, 1, 3])
    name = row[0].selectbox(
        "Optimizer",
        setup.all_names,
        index=setup.all_names.index(setup.first),
        format_func=lambda n: optimizers.spec(n).title,
        key="sweeps.optimizer",
        help="The optimizer to sweep; its other hyperparameters keep their defaults.",
    )
    choices = second_choices(name)
    axis = optimizers.spec(name).sweep_axis
    default_second = axis if axis in choices else None
    second = row[1].selectbox(
        "Against",
        [None, *choices],
        index=[None, *choices].index(default_second),
        format_func=lambda k: "none (learning rate only)" if k is None else k,
        key=f"sweeps.second.{name}",
        help="The second hyperparameter, swept along the rows. Only numeric "
        "hyperparameters of this optimizer are listed; 'none' sweeps the learning rate alone.",
    )
    y_values = None
    if second is not None:
        h = optimizers.spec(name).hparams[second]
        top = 0.9999 if h.high_open else float(h.high)
        if second == "beta2":
            lo_default, hi_default = 0.9, 0.999
        elif h.log:
            lo_default, hi_default = max(h.low, 1e-10), min(top, 1e-2)
        else:
            lo_default, hi_default = float(h.low), min(top, 0.98 if top <= 1 else 10.0)
        low = row[2].number_input(
            "From",
            min_value=float(h.low),
            max_value=top,
            value=lo_default,
            format="%.4g",
            key=f"sweeps.{name}.{second}.lo",
            help=f"Lowest {second}. {h.help}",
        )
        high = row[3].number_input(
            "To",
            min_value=float(h.low),
            max_value=top,
            value=hi_default,
            format="%.4g",
            key=f"sweeps.{name}.{second}.hi",
            help=f"Highest {second} (valid range {h.interval()}).",
        )
        n_y = row[4].number_input(
            "Values",
            min_value=2,
            max_value=12,
            value=8,
            key="sweeps.values",
            help="How many values of the second hyperparameter (2 to 12).",
        )
        low, high = min(low, high), max(low, high)
        y_values = sweeps.grid_values(low, high, n_y, log=h.log, digits=4)
    metric = row[5].segmented_control(
        "Colour by",
        ["loss", "steps"],
        default="loss",
        required=True,
        format_func={"loss": "Final loss", "steps": "Steps"}.get,
        key="sweeps.metric",
        help="Final loss (log colour): how low each setting got within the budget. Steps "
        "to tolerance: how fast it got within the tolerance of the lowest minimum.",
    )
    tol = 1e-3
    if metric == "steps":
        tol = st.number_input(
            "Tolerance",
            min_value=1e-12,
            value=1e-3,
            format="%.0e",
            help="A run has arrived at the first step whose loss is within this of the "
            "lowest known minimum.",
        )
        if setup.f_min is None:
            st.info(
                "This surface has no known minimum, so 'steps to tolerance' is undefined; "
                "showing nothing but divergence.",
                icon=":material/info:",
            )

    cells = len(setup.lrs) * (1 if y_values is None else len(y_values))
    key = (
        "sweep",
        setup.surface_key,
        (setup.sx, setup.sy),
        setup.steps,
        name,
        tuple(setup.lrs),
        second,
        y_values is not None and tuple(y_values),
        tol if metric == "steps" else None,
    )

    def run_sweep(progress):
        return sweeps.sweep(
            setup.surface,
            name,
            setup.starts,
            setup.steps,
            "lr",
            setup.lrs,
            second,
            y_values,
            f_min=setup.f_min,
            tol=tol,
            escape_radius=setup.radius,
            progress=lambda f, msg: progress(f, f"Sweeping: {msg}, {setup.steps} steps each"),
        )

    result = compute.cached("sweeps", key, run_sweep, text=f"Sweeping {cells} settings…")
    if metric == "loss":
        if setup.f_min is not None:
            values = np.maximum(result.final_loss - setup.f_min, 1e-16)
            z_label = "final loss − f*"
        else:
            values = result.final_loss
            z_label = "final loss"
        log_z = bool(np.all(values[np.isfinite(values)] > 0))
        reverse = False
        pick = np.where(result.diverged | ~np.isfinite(values), np.inf, values)
    else:
        values = np.where(result.steps_to_tol >= 0, result.steps_to_tol, np.nan).astype(float)
        z_label, log_z, reverse = "steps to tolerance", False, False
        pick = np.where(np.isfinite(values), values, np.inf)
    best = np.unravel_index(np.argmin(pick), pick.shape) if np.isfinite(pick).any() else None
    fig = sweep_figures.sweep_figure(
        values,
        result.x_values,
        result.y_values,
        result.diverged,
        x_label="learning rate",
        y_label=second or "",
        z_label=z_label,
        log_z=log_z,
        reverse=reverse,
        best=best,
        title=f"{optimizers.spec(name).title} on {setup.surface.title}, {setup.steps} steps",
        height=520 if second else 320,
    )
    st.plotly_chart(fig, key="sweep_chart")
    n_div = int(result.diverged.sum())
    text = (
        f"{cells} runs of {setup.steps} steps from ({setup.sx:.4g}, {setup.sy:.4g}). "
        f"Diverged (dark grey, ✕): {n_div} of {cells}."
    )
    if best is not None:
        j, i = best
        text += f" Best cell (red circle): lr = {result.x_values[i]:g}" + (
            f", {second} = {result.y_values[j]:g}" if second else ""
        )
        text += f", {z_label} = {values[j, i]:.3g}."
    if metric == "loss" and setup.f_min is not None:
        text += f" f* = {setup.f_min:.4g} is the lowest known minimum."
    st.caption(text)


def race_mode(setup: Setup) -> None:
    """Draw the fair race: each chosen optimizer at its own best learning rate."""
    active = [r.optimizer for r in setup.scene.active_runs()]
    default = list(dict.fromkeys(active))[:4] or list(DEFAULT_RACE)
    race_cols = st.columns([5, 1])
    chosen = race_cols[0].multiselect(
        "Optimizers",
        optimizers.names(),
        default=default,
        format_func=lambda n: optimizers.spec(n).title,
        max_selections=6,
        key="sweeps.race",
        help="Each gets the same learning-rate grid and step budget, other settings at "
        "their defaults, and races at its own best rate (lowest final loss, not diverged).",
    )
    tol = race_cols[1].number_input(
        "Tolerance",
        min_value=1e-12,
        value=1e-3,
        format="%.0e",
        help="For the summary table: a run has arrived at the first step whose loss is "
        "within this of the lowest known minimum.",
    )
    if not chosen:
        st.info("Choose at least one optimizer.", icon=":material/info:")
        st.stop()
    key = (
        "race",
        setup.surface_key,
        (setup.sx, setup.sy),
        setup.steps,
        tuple(setup.lrs),
        tuple(chosen),
    )

    def run_race(progress):
        return sweeps.fair_race(
            setup.surface,
            chosen,
            setup.starts,
            setup.steps,
            setup.lrs,
            escape_radius=setup.radius,
            progress=lambda f, msg: progress(f, f"Tuning: {msg} done"),
        )

    entries = compute.cached("race", key, run_race, text=f"Tuning {len(chosen)} optimizers…")
    colors = {n: sc.PALETTE[i % len(sc.PALETTE)] for i, n in enumerate(chosen)}
    winners = [e for e in entries if e.best is not None]
    losers = [e for e in entries if e.best is None]
    race = sc.Scene(
        surface=setup.surface_name,
        surface_params=setup.scene.surface_params if setup.same_surface else (),
        formula=setup.scene.formula if setup.same_surface else "",
        start=(float(setup.sx), float(setup.sy)),
        steps=setup.steps,
        runs=tuple(sc.Run(e.name, (("lr", e.best_lr),), colors[e.name]) for e in winners),
    )
    for e in losers:
        st.warning(
            f"**{optimizers.spec(e.name).title}** diverged at every learning rate in the "
            "grid; it is left out of the race.",
            icon=":material/warning:",
        )

    edge = [e for e in winners if len(e.lrs) > 1 and e.best in (0, len(e.lrs) - 1)]
    if edge:
        st.info(
            "The best learning rate of "
            + ", ".join(optimizers.spec(e.name).title for e in edge)
            + " is at the end of the grid: a rate beyond it may be better still. Widen "
            "the range to be sure.",
            icon=":material/info:",
        )

    left, right = st.columns([1, 1])
    with left:
        curves = [
            {
                "label": optimizers.spec(e.name).title,
                "color": colors[e.name],
                "lrs": e.lrs,
                "final_loss": e.final_loss - setup.f_min
                if setup.f_min is not None
                else e.final_loss,
                "diverged": e.diverged,
                "best": e.best,
            }
            for e in entries
        ]
        st.plotly_chart(
            sweep_figures.lr_curves_figure(
                curves,
                title="Final loss "
                + ("− f* " if setup.f_min is not None else "")
                + "by learning rate",
                log_y=setup.f_min is not None
                or all(np.nanmin(c["final_loss"]) > 0 for c in curves if c["best"] is not None),
                height=420,
            ),
            key="race_curves",
        )
        st.caption(
            f"Each optimizer tried the same {len(setup.lrs)} learning rates from "
            f"{setup.lrs[0]:g} to {setup.lrs[-1]:g} with {setup.steps} steps; circles mark each "
            "one's best rate, ✕ marks rates that diverged."
        )
    with right:
        if winners:
            runs = compute.runs(race)
            st.markdown("**The race at the best learning rates**")
            st.dataframe(sc.summary(runs, setup.f_min, tol), hide_index=True, width="stretch")
            if st.button(
                "Open in the explorer",
                icon=":material/open_in_new:",
                type="primary",
                help="Make this race the Explorer's scene (its surface, start, steps and runs "
                "at their best learning rates) and go there.",
            ):
                state.set_scene(race, reset_widgets=True)
                st.switch_page("pages/explorer.py")
    if winners:
        player(compute.payload(race), key="race_player", height=600)
    else:
        st.info("No optimizer converged at any learning rate of the grid.", icon=":material/info:")
