"""Sweeps and a fair race: how settings change the result, and optimizers at their best."""

import numpy as np
import streamlit as st

import optimizers
import surfaces
from figures import analysis
from optimizers import sweeps
from optimizers.sweeps import LR_STOPS
from ui import compute, sidebar, state
from ui import scene as sc
from ui.player import player
from ui.routing import through_app

through_app()

DEFAULT_RACE = ("gd", "momentum", "rmsprop", "adam")
MAX_STEPS = 2000
CACHE = "sweeps_cache"  # plain session key: results survive page switches, bounded below
CACHE_SIZE = 8


def _cached(key, compute_fn):
    """Return the session's result for ``key``, computing (with progress) on a miss."""
    cache = st.session_state.setdefault(CACHE, {})
    if key not in cache:
        cache[key] = compute_fn()
        while len(cache) > CACHE_SIZE:
            cache.pop(next(iter(cache)))
    return cache[key]


def _second_choices(name):
    hps = optimizers.spec(name).hparams
    return [k for k, h in hps.items() if k != "lr" and h.kind == "float"]


def _around(lr):
    """The ``LR_STOPS`` range from about lr / 10 to lr * 10 (a decade each side)."""
    lo = max((v for v in LR_STOPS if v <= lr / 10), default=LR_STOPS[0])
    hi = min((v for v in LR_STOPS if v >= lr * 10), default=LR_STOPS[-1])
    return lo, hi


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
row = st.columns([3, 2, 2, 2, 4, 2])
surface_name = sidebar.surface_picker(
    row[0],
    scene,
    key="sweeps.surface",
    help="The loss surface; it starts as the Explorer's.",
)
same_surface = surface_name == scene.surface
try:
    surface = scene.build_surface() if same_surface else surfaces.get(surface_name)
except ValueError as err:
    st.error(f"**The surface can't be built.** {err}")
    st.stop()
start0 = scene.start_point(surface) if same_surface else tuple(surface.start)
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
first = next((r.optimizer for r in scene.active_runs() if _second_choices(r.optimizer)), "adam")
if mode == "sweep":
    name = st.session_state.get("sweeps.optimizer", first)
    lr_key, lr_default = (
        f"sweeps.lr_range.{surface_name}.{name}",
        _around(optimizers.suggest_lr(name, surface.lr)),
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
starts = np.array([[sx, sy]])
minima = list(surface.minima)
f_min = float(np.min(surface.value(np.array(minima)))) if minima else None
surface_key = (
    (surface_name, scene.surface_params, scene.formula)
    if same_surface
    else (
        surface_name,
        (),
        "",
    )
)
radius = sc.escape_radius(surface)

# --- sweep ------------------------------------------------------------------------------
if mode == "sweep":
    row = st.columns([3, 2, 2, 2, 1, 3])
    name = row[0].selectbox(
        "Optimizer",
        all_names,
        index=all_names.index(first),
        format_func=lambda n: optimizers.spec(n).title,
        key="sweeps.optimizer",
        help="The optimizer to sweep; its other hyperparameters keep their defaults.",
    )
    choices = _second_choices(name)
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
        if f_min is None:
            st.info(
                "This surface has no known minimum, so 'steps to tolerance' is undefined; "
                "showing nothing but divergence.",
                icon=":material/info:",
            )

    cells = len(lrs) * (1 if y_values is None else len(y_values))
    key = (
        "sweep",
        surface_key,
        (sx, sy),
        steps,
        name,
        tuple(lrs),
        second,
        y_values is not None and tuple(y_values),
        tol if metric == "steps" else None,
    )

    def run_sweep():
        bar = st.progress(0.0, text=f"Sweeping {cells} settings…")
        result = sweeps.sweep(
            surface,
            name,
            starts,
            steps,
            "lr",
            lrs,
            second,
            y_values,
            f_min=f_min,
            tol=tol,
            escape_radius=radius,
            progress=lambda f, msg: bar.progress(f, text=f"Sweeping: {msg}, {steps} steps each"),
        )
        bar.empty()
        return result

    result = _cached(key, run_sweep)
    if metric == "loss":
        if f_min is not None:
            values = np.maximum(result.final_loss - f_min, 1e-16)
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
    fig = analysis.sweep_figure(
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
        title=f"{optimizers.spec(name).title} on {surface.title}, {steps} steps",
        height=520 if second else 320,
    )
    st.plotly_chart(fig, key="sweep_chart")
    n_div = int(result.diverged.sum())
    text = (
        f"{cells} runs of {steps} steps from ({sx:.4g}, {sy:.4g}). Diverged (dark grey, ✕): "
        f"{n_div} of {cells}."
    )
    if best is not None:
        j, i = best
        text += f" Best cell (red circle): lr = {result.x_values[i]:g}" + (
            f", {second} = {result.y_values[j]:g}" if second else ""
        )
        text += f", {z_label} = {values[j, i]:.3g}."
    if metric == "loss" and f_min is not None:
        text += f" f* = {f_min:.4g} is the lowest known minimum."
    st.caption(text)

# --- fair race --------------------------------------------------------------------------
else:
    active = [r.optimizer for r in scene.active_runs()]
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
    key = ("race", surface_key, (sx, sy), steps, tuple(lrs), tuple(chosen))

    def run_race():
        bar = st.progress(0.0, text=f"Tuning {len(chosen)} optimizers…")
        entries = sweeps.fair_race(
            surface,
            chosen,
            starts,
            steps,
            lrs,
            escape_radius=radius,
            progress=lambda f, msg: bar.progress(f, text=f"Tuning: {msg} done"),
        )
        bar.empty()
        return entries

    entries = _cached(key, run_race)
    colors = {n: sc.PALETTE[i % len(sc.PALETTE)] for i, n in enumerate(chosen)}
    winners = [e for e in entries if e.best is not None]
    losers = [e for e in entries if e.best is None]
    race = sc.Scene(
        surface=surface_name,
        surface_params=scene.surface_params if same_surface else (),
        formula=scene.formula if same_surface else "",
        start=(float(sx), float(sy)),
        steps=steps,
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
                "final_loss": e.final_loss - f_min if f_min is not None else e.final_loss,
                "diverged": e.diverged,
                "best": e.best,
            }
            for e in entries
        ]
        st.plotly_chart(
            analysis.lr_curves_figure(
                curves,
                title="Final loss " + ("− f* " if f_min is not None else "") + "by learning rate",
                log_y=f_min is not None
                or all(np.nanmin(c["final_loss"]) > 0 for c in curves if c["best"] is not None),
                height=420,
            ),
            key="race_curves",
        )
        st.caption(
            f"Each optimizer tried the same {len(lrs)} learning rates from {lrs[0]:g} to "
            f"{lrs[-1]:g} with {steps} steps; circles mark each one's best rate, ✕ marks "
            "rates that diverged."
        )
    with right:
        if winners:
            runs = compute.runs(race)
            st.markdown("**The race at the best learning rates**")
            st.dataframe(sc.summary(runs, f_min, tol), hide_index=True, width="stretch")
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
