"""Basin map: run every start of a grid and colour it by where the optimizer took it."""

import numpy as np
import streamlit as st

import optimizers
import surfaces
from figures import analysis
from optimizers import sweeps
from optimizers.sweeps import LR_STOPS
from ui import scene as sc
from ui import sidebar, state
from ui.routing import through_app

through_app()

MAX_OPTIMIZERS = 4
DEFAULT_NAMES = ("gd", "momentum", "rmsprop", "adam")
CACHE = "basins_cache"  # plain session key: survives page switches, bounded below
CACHE_SIZE = 12

st.title("Basin map")
st.caption(
    "Every point of the grid is a start. Each optimizer runs from all of them at once; a "
    "start takes the colour of the minimum its path ended at, so you see which minimum each "
    "optimizer finds from where, where it gets lost, and where it blows up."
)

scene = state.current_scene()
top = st.columns([3, 3, 2, 2, 2, 3])
surface_name = sidebar.surface_picker(
    top[0],
    scene,
    key="basins.surface",
    help="The loss surface; it starts as the Explorer's. Surfaces with several minima "
    "(Himmelblau, the camels, Styblinski-Tang) make the most telling maps.",
)
try:
    if surface_name == scene.surface:
        surface = scene.build_surface()
    else:
        surface = surfaces.get(surface_name)
except ValueError as err:
    st.error(f"**The surface can't be built.** {err}")
    st.stop()
surface_key = (
    (surface_name, scene.surface_params, scene.formula)
    if surface_name == scene.surface
    else (surface_name, (), "")
)

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
default_tol = float(f"{0.02 * max(x1 - x0, y1 - y0):.1g}")
tol = top[3].number_input(
    "Tolerance",
    min_value=1e-6,
    max_value=float(max(x1 - x0, y1 - y0)),
    value=default_tol,
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

# Minima: the surface's known ones, else those found numerically.
minima = list(surface.minima) or [
    (p.x, p.y) for p in surfaces.critical_points(surface) if p.kind == "minimum"
]
if not minima:
    st.info(
        "This surface has no minimum in view: every start ends 'elsewhere' or diverges.",
        icon=":material/info:",
    )

# --- the optimizers ---------------------------------------------------------------------
same_surface = surface_name == scene.surface
seeds = [r for r in scene.active_runs()][:MAX_OPTIMIZERS] if same_surface else []
count = top[4].number_input(
    "Optimizers",
    min_value=1,
    max_value=MAX_OPTIMIZERS,
    value=max(1, min(len(seeds) or 2, MAX_OPTIMIZERS)),
    key=f"basins.{surface_name}.count",
    help="How many optimizers to map side by side (1 to 4).",
)
configs = []
cols = st.columns(count)
for i, col in enumerate(cols):
    seed = seeds[i] if i < len(seeds) else None
    default_name = seed.optimizer if seed else DEFAULT_NAMES[i % len(DEFAULT_NAMES)]
    all_names = optimizers.names()
    with col.container(border=True):
        name = st.selectbox(
            f"Optimizer {i + 1}",
            all_names,
            index=all_names.index(default_name),
            format_func=lambda n: optimizers.spec(n).title,
            key=f"basins.{surface_name}.{i}.name",
            help="Which optimizer runs from every start.",
        )
        spec = optimizers.spec(name)
        seeded = dict(seed.hp) if seed and seed.optimizer == name else {}
        lr = seeded.get("lr", sc.round_sig(optimizers.suggest_lr(name, surface.lr)))
        hp = {
            "lr": st.select_slider(
                "Learning rate",
                options=sorted({*LR_STOPS, float(lr)}),
                value=float(lr),
                format_func=lambda v: f"{v:g}",
                key=f"basins.{surface_name}.{i}.{name}.lr",
                help=spec.hparams["lr"].help + " (log scale)",
            )
        }
        key = spec.sweep_axis
        if key is not None:
            h = spec.hparams[key]
            top_value = 0.999 if h.high_open else float(h.high)
            hp[key] = st.slider(
                key,
                min_value=float(h.low),
                max_value=min(top_value, 10.0),
                value=float(seeded.get(key, h.default)),
                step=0.001 if top_value < 1.5 else 0.01,
                format="%.3f",
                key=f"basins.{surface_name}.{i}.{name}.{key}",
                help=h.help,
            )
        others = {k: v for k, v in seeded.items() if k not in hp}
        configs.append((name, {**others, **hp}, seed.color if seed else sc.PALETTE[i]))


# --- compute (cached per optimizer in the session, so changing one map keeps the others)
def _key(name, hp):
    return (
        surface_key,
        name,
        tuple(sorted(hp.items())),
        int(resolution),
        int(steps),
        float(tol),
    )


cache = st.session_state.setdefault(CACHE, {})
xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
todo = [(i, c) for i, c in enumerate(configs) if _key(c[0], c[1]) not in cache]
if todo:
    bar = st.progress(0.0, text="Running every start…")
    for k, (i, (name, hp, _)) in enumerate(todo):
        try:
            opt = optimizers.make(name, **hp)
        except ValueError as err:
            st.error(f"**Optimizer {i + 1}: {err}**")
            st.stop()

        title = optimizers.spec(name).title

        def report(fraction, message, k=k, title=title):
            bar.progress(
                (k + fraction) / len(todo),
                text=f"{title}: {message} ({resolution}×{resolution} grid, {steps} steps)",
            )

        cache[_key(name, hp)] = sweeps.basin_map(
            surface,
            opt,
            xs,
            ys,
            int(steps),
            minima,
            float(tol),
            escape_radius=sc.escape_radius(surface),
            progress=report,
        )
        while len(cache) > CACHE_SIZE:  # oldest first: dicts keep insertion order
            cache.pop(next(iter(cache)))
    bar.empty()

# --- draw -------------------------------------------------------------------------------
maps = [cache[_key(name, hp)] for name, hp, _ in configs]
max_steps = max((int(m.steps_to_tol.max()) for m in maps), default=1) or 1
per_row = 1 if count == 1 else 2
rows = []
for start in range(0, count, per_row):
    cols = st.columns(per_row) if count > 1 else [st.container()]
    for col, (name, hp, _), bmap in zip(cols, configs[start:], maps[start:], strict=False):
        label = sc.Run(name, tuple(sorted(hp.items()))).label()
        counts = bmap.counts(len(minima))
        fig = analysis.basin_figure(
            bmap.label,
            bmap.steps_to_tol,
            bmap.final_points,
            xs,
            ys,
            minima,
            domain=surface.domain,
            mode=mode,
            title=label,
            max_steps=max_steps,
            height=520 if count > 1 else 620,
        )
        col.plotly_chart(fig, key=f"basin_{start}_{name}_{len(rows)}")
        rows.append(
            {
                "optimizer": label,
                **{
                    f"minimum {k + 1}": f"{100 * n / bmap.label.size:.1f}%"
                    for k, n in enumerate(counts["minima"])
                },
                "elsewhere": f"{100 * counts['elsewhere'] / bmap.label.size:.1f}%",
                "diverged": counts["diverged"],
                "median steps to tolerance": (
                    float(np.median(bmap.steps_to_tol[bmap.label >= 0]))
                    if (bmap.label >= 0).any()
                    else None
                ),
            }
        )

st.dataframe(rows, hide_index=True, width="stretch")
st.caption(
    f"{resolution}×{resolution} = {resolution**2:,} starts per optimizer, {steps} steps, "
    f"constant learning rate. Stars mark the minima "
    + ", ".join(f"{k + 1}: ({x:.3g}, {y:.3g})" for k, (x, y) in enumerate(minima))
    + ". A path counts as diverged when it becomes non-finite or leaves a radius of "
    f"{sc.escape_radius(surface):g} around the origin. Hover a cell to see where its path ended "
    "(steps to tolerance −1: it never got within the tolerance of a minimum)."
)
