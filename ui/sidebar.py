"""The explorer's sidebar: widgets that edit the current `Scene` (state lives in ui.state).

Widgets are seeded from the scene when they have no state yet and the scene is rebuilt from
them on every rerun, so every page sees the same scene and the URL always describes it.
Per-run controls are keyed by the run's ``uid``, never by its position, so removing a run
leaves the others' colours and settings where they were.
"""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

import optimizers
import surfaces
from ui import classics, ladder, state
from ui import scene as sc

DEFAULT_FORMULA = "sin(3x)cos(y) + 0.1(x^2+y^2)"


def scene_sidebar() -> sc.Scene:
    """Draw the sidebar and return the scene it describes."""
    scene = state.current_scene()
    with st.sidebar:
        scene = _surface_section(scene)
        scene = _run_section(scene)
        scene = _options_section(scene)
    state.set_scene(scene)
    return scene


# --- sections -------------------------------------------------------------------------


def _surface_section(scene: sc.Scene) -> sc.Scene:
    st.header("Surface")
    names = [*surfaces.names(), sc.FORMULA]
    titles = {name: surfaces.info(name).title for name in surfaces.names()}
    titles[sc.FORMULA] = "Type a formula…"
    name = _widget(
        st.selectbox,
        "surface",
        scene.surface,
        "Loss surface",
        options=names,
        format_func=titles.get,
        help="The function the optimizers minimise. Each built-in teaches something: "
        "read its description below the chart.",
    )
    classic = st.selectbox(
        "Classic scene",
        ["", *classics.CLASSICS],
        format_func=lambda k: k or "Open a classic scene…",
        key="w_classic",
        help="The settings of the standard texts: d2l's quadratics with the book's learning "
        "rates, and Beale from (3, 4) as in the best-known animated comparison.",
    )
    if classic:
        st.session_state.pop("w_classic", None)
        state.set_scene(classics.CLASSICS[classic], reset_widgets=True)
        st.rerun()
    if name != scene.surface:
        # A new surface brings its own start, learning rates and parameters.
        if name == sc.FORMULA:
            _to_formula(scene, scene.formula or DEFAULT_FORMULA)
        runs = sc.default_runs(name)
        state.set_scene(
            replace(scene, surface=name, surface_params=(), start=None, runs=runs),
            reset_widgets=True,
        )
        st.rerun()
    if name == sc.FORMULA:
        formula = _widget(
            st.text_input,
            "formula",
            scene.formula or DEFAULT_FORMULA,
            "f(x, y) =",
            max_chars=300,
            help="Use x, y, numbers, + - * / ^, parentheses, pi, e and functions such as "
            "sin, cos, exp, log, sqrt, abs, tanh. Example: sin(3x)cos(y) + 0.1(x^2+y^2)",
        )
        if formula != scene.formula:
            _to_formula(scene, formula)
    else:
        params = {}
        for pname, spec in surfaces.info(name).params.items():
            value = dict(scene.surface_params).get(pname, spec.default)
            params[pname] = _hparam_widget(f"surface.{pname}", pname, spec, value)
        changed = {k: v for k, v in params.items() if v != surfaces.info(name).params[k].default}
        scene = replace(scene, surface_params=tuple(sorted(changed.items())))
    return scene


def _to_formula(scene: sc.Scene, formula: str) -> None:
    """Make a typed formula the surface, retuned as "Send to the explorer" does; rerun.

    A formula that parses brings its suggested learning rates and start point (the last
    surface's would mean nothing on it); one that does not keeps the runs, and the page
    says what is wrong with it.
    """
    runs = scene.runs
    try:
        runs = sc.retuned(runs, surfaces.parse(formula))
    except ValueError:
        pass
    scene = replace(scene, surface=sc.FORMULA, formula=formula, surface_params=(), start=None)
    state.set_scene(replace(scene, runs=runs), reset_widgets=True)
    st.rerun()


def _run_section(scene: sc.Scene) -> sc.Scene:
    st.header("Optimizers")
    runs = [_run_editor(run) for run in scene.runs]
    removed = [run for run in runs if st.session_state.get(_key(f"run{run.uid}.remove"))]
    if removed:
        gone = {run.uid for run in removed}
        scene = replace(scene, runs=tuple(run for run in runs if run.uid not in gone))
        state.set_scene(scene, reset_widgets=True)
        st.rerun()
    if len(runs) < sc.MAX_RUNS:
        # Keyed by the widget generation: once it has added its choice the box is a new
        # widget showing "choose…", so the browser cannot send the old choice again.
        choice = st.selectbox(
            "Add an optimizer",
            [""] + optimizers.names(),
            format_func=lambda n: optimizers.spec(n).title if n else "choose…",
            key=_key("add"),
            help="Add a run to the race. The same optimizer can race several times with "
            "different settings (Adam at 0.01 and at 0.1).",
        )
        if choice:
            used = {run.color for run in runs}
            color = next((c for c in sc.PALETTE if c not in used), sc.PALETTE[0])
            surface_lr = _surface_lr(scene)
            lr = sc.round_sig(optimizers.suggest_lr(choice, surface_lr))
            hp = (("lr", lr),) if "lr" in optimizers.spec(choice).hparams else ()
            runs.append(sc.Run(choice, hp, color))
            state.set_scene(replace(scene, runs=tuple(runs)), reset_widgets=True)
            st.rerun()
    return replace(scene, runs=tuple(runs))


def _run_editor(run: sc.Run) -> sc.Run:
    spec = optimizers.spec(run.optimizer)
    prefix = f"run{run.uid}"
    # The label is drawn before the controls inside it: read their new values first, so
    # the label never lags one rerun behind the legend.
    shown = _pending(run, prefix)
    icon = ":material/visibility:" if shown.enabled else ":material/visibility_off:"
    with st.expander(shown.label(), icon=icon, expanded=False):
        cols = st.columns([3, 2, 2])
        enabled = _widget(
            cols[0].toggle, f"{prefix}.enabled", run.enabled, "Show", help="Switch this run on/off."
        )
        color = _widget(
            cols[1].color_picker, f"{prefix}.color", run.color, "Colour", help="Colour of the path."
        )
        cols[2].button("Remove", key=_key(f"{prefix}.remove"), help="Remove this run.")
        st.caption(spec.summary)
        current = run.hparams()
        values = {
            name: _hparam_widget(f"{prefix}.{name}", name, h, current[name])
            for name, h in spec.hparams.items()
        }
    return replace(run.with_hp(**values), color=color, enabled=enabled)


def _pending(run: sc.Run, prefix: str) -> sc.Run:
    """Return ``run`` as its controls will read this rerun (their state is already set)."""
    changes = {}
    for name in optimizers.spec(run.optimizer).hparams:
        value = st.session_state.get(_key(f"{prefix}.{name}"))
        if value is not None:
            changes[name] = value
    enabled = st.session_state.get(_key(f"{prefix}.enabled"), run.enabled)
    return replace(run.with_hp(**changes), enabled=bool(enabled))


def _options_section(scene: sc.Scene) -> sc.Scene:
    st.header("Run settings")
    try:
        surface = scene.build_surface()
    except ValueError:
        surface = None
    start = scene.start or (tuple(surface.start) if surface else (0.0, 0.0))
    cols = st.columns(2)
    x0 = _widget(
        cols[0].number_input,
        "start.x",
        float(start[0]),
        "start x",
        format="%.4g",
        help="Where every optimizer starts. You can also click on the contour map.",
    )
    y0 = _widget(
        cols[1].number_input,
        "start.y",
        float(start[1]),
        "start y",
        format="%.4g",
        help="Where every optimizer starts. You can also click on the contour map.",
    )
    if surface is not None and (x0, y0) != tuple(float(v) for v in surface.start):
        scene = replace(scene, start=(x0, y0))
    elif surface is not None:
        scene = replace(scene, start=None)
    steps = _widget(
        st.number_input,
        "steps",
        scene.steps,
        "Steps",
        min_value=1,
        max_value=sc.MAX_STEPS,
        step=50,
        help=f"How many updates each optimizer makes (1 to {sc.MAX_STEPS:,}). Every step is "
        "animated.",
    )
    scene = replace(scene, steps=int(steps))

    schedule = _widget(
        st.selectbox,
        "schedule",
        scene.schedule,
        "Learning-rate schedule",
        options=list(optimizers.SCHEDULES),
        format_func=lambda k: optimizers.SCHEDULES[k].title,
        help="How the learning rate changes over the steps (applied to every run).",
    )
    saved = dict(scene.schedule_params) if schedule == scene.schedule else {}
    params = {}
    for pname, h in optimizers.SCHEDULES[schedule].hparams.items():
        default = _schedule_default(pname, h, scene.steps)
        value = _hparam_widget(f"schedule.{schedule}.{pname}", pname, h, saved.get(pname, default))
        if value != h.default:  # only what differs goes into the scene (and the link)
            params[pname] = value
    scene = replace(scene, schedule=schedule, schedule_params=tuple(sorted(params.items())))

    noise = _widget(
        st.slider,
        "noise",
        float(scene.noise),
        "Gradient noise σ",
        min_value=0.0,
        max_value=sc.MAX_NOISE,
        step=0.05,
        help="Adds Gaussian noise of this scale to every gradient, the same draws for every "
        "optimizer (a fair comparison), to mimic stochastic gradients.",
    )
    batch = 0
    if surface is not None and surface.n_samples:
        batch = _widget(
            st.slider,
            "batch",
            int(scene.batch_size or surface.n_samples),
            "Batch size",
            min_value=1,
            max_value=int(surface.n_samples),
            help="Samples per gradient: 1 = stochastic gradient descent, all = full-batch "
            "gradient descent, in between = mini-batch.",
        )
        batch = 0 if batch == surface.n_samples else int(batch)
    seed = _widget(
        st.number_input,
        "seed",
        scene.seed,
        "Random seed",
        min_value=0,
        max_value=sc.MAX_SEED,
        help="Fixes the noise and the mini-batches, so a run can be repeated exactly.",
    )
    return replace(scene, noise=float(noise), batch_size=batch, seed=int(seed))


# --- widgets --------------------------------------------------------------------------


def _key(name: str) -> str:
    return state.widget_key(name)


def _widget(factory, name, value, label, **kwargs):
    """Draw a widget seeded from the scene the first time it appears."""
    return state.seeded_widget(factory, _key(name), value, label, **kwargs)


def _hparam_widget(name: str, label: str, h, value):
    """Draw the control for one hyperparameter, as its registry entry describes it."""
    if h.kind == "bool":
        return _widget(st.checkbox, name, bool(value), label, help=h.help)
    if h.log:
        options = ladder.log_options(h.low, h.high, value)
        return _widget(
            st.select_slider,
            name,
            min(options, key=lambda o: abs(math.log(o) - math.log(value))),
            label,
            options=options,
            format_func=lambda v: f"{v:g}",
            help=h.help + " (log scale)",
        )
    # Open ends (a factor in (0, 1)) move just inside: the widget accepts what a link does.
    low, high = h.closed_bounds() if h.kind != "int" else (h.low, h.high)
    return _number_widget(name, label, value, low, high, h.help, integer=h.kind == "int")


def _number_widget(name, label, value, low, high, help_text, integer=False):
    cast = int if integer else float
    bounds = {
        "min_value": cast(low) if _finite(low) else None,
        "max_value": cast(high) if _finite(high) else None,
    }
    if integer:
        step = 1
    elif _finite(low) and _finite(high):
        step = (high - low) / 100
    else:
        step = 0.01
    fmt = None if integer else "%.4g"
    widget = _widget(
        st.number_input, name, cast(value), label, step=step, format=fmt, help=help_text, **bounds
    )
    return cast(widget)


def _finite(v) -> bool:
    return v is not None and math.isfinite(v)


def _schedule_default(name, h, steps):
    """Decay lengths default to a fraction of the run; everything else to the registry's."""
    fraction = {
        "t_max": 1.0,
        "t_total": 1.0,
        "step_size": 0.25,
        "t_0": 0.25,
        "step_size_up": 0.125,
    }.get(name)
    return h.default if fraction is None else max(1, int(steps * fraction))


def _surface_lr(scene: sc.Scene) -> float:
    try:
        return scene.build_surface().lr
    except ValueError:
        return 1e-3
