"""The network page's controls and state: sidebar widgets, link sync, cached compute."""

from __future__ import annotations

import urllib.parse

import streamlit as st

import optimizers
import surfaces
from ui import network_scene as ns
from ui import scene as sc
from ui import state
from ui.compute import cached
from ui.text import inert

KEY = "network_scene"  # plain session keys survive page switches
_STEP = "network_step"
_SEQ = "network_seq"
_W = "net_w_"


def current() -> tuple[ns.NetScene, list[str]]:
    """Return the page's settings: from the session, else from the link (with warnings)."""
    if KEY in st.session_state:
        return st.session_state[KEY], []
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    scene, warnings = ns.from_query(query)
    st.session_state[KEY] = scene
    return scene, warnings


def store(scene: ns.NetScene) -> None:
    """Keep the settings and write them into the URL (the address bar is the share link)."""
    st.session_state[KEY] = scene
    query = ns.to_query(scene)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)


def key(scene: ns.NetScene) -> str:
    """Identify the slice's view (the player keeps its camera while this stays)."""
    return f"{scene.dataset}:{scene.hidden}:{scene.seed}:{scene.directions}:{scene.center_run}"


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else repr(float(value))


def _widget(factory, name, value, label, **kwargs):
    return state.seeded_widget(factory, _W + name, value, label, **kwargs)


def _runs_editor(scene: ns.NetScene) -> tuple:
    rows = [
        {
            "on": r.enabled,
            "optimizer": r.optimizer,
            "settings": ",".join(f"{k}={_fmt(v)}" for k, v in r.hp),
            "colour": r.color,
        }
        for r in scene.runs
    ]
    edited = st.data_editor(
        rows,
        num_rows="dynamic",
        key=_W + "runs",
        column_config={
            "on": st.column_config.CheckboxColumn(
                "on", help="Train and draw this run.", default=True
            ),
            "optimizer": st.column_config.SelectboxColumn(
                "optimizer", options=[n for n in optimizers.names() if n != "newton"],
                required=True, help="Any optimizer, as often as you like (Newton needs a "
                "2 x 2 Hessian and cannot train a network).",
            ),
            "settings": st.column_config.TextColumn(
                "settings", help="Hyperparameters as on the explorer: lr=0.01,momentum=0.9"
            ),
            "colour": st.column_config.TextColumn("colour", help="Hex colour, e.g. #d62728."),
        },
    )  # fmt: skip
    st.caption("One row per run (the same optimizer may appear twice); add rows at the bottom.")
    items = []
    for i, row in enumerate(edited):
        name = str(row.get("optimizer") or "")
        if not name:
            continue
        settings = str(row.get("settings") or "").replace(" ", "")
        colour = str(row.get("colour") or sc.PALETTE[i % len(sc.PALETTE)]).lstrip("#")
        flag = "" if row.get("on", True) else "!"
        items.append(f"{flag}{name}{':' + settings if settings else ''}@{colour}")
    parsed, warnings = sc.from_query({"runs": ";".join(items)})
    if warnings:
        st.error(inert(" ".join(warnings)))  # plain sentences that may quote the table
        return scene.runs
    return parsed.runs


def sidebar(scene: ns.NetScene) -> ns.NetScene:
    """Draw the controls and return the settings they describe."""
    st.header("Network")
    dataset = _widget(
        st.selectbox,
        "dataset",
        scene.dataset,
        "Dataset",
        options=list(surfaces.DATASETS),
        help="Two classes in the plane, seeded.",
    )
    hidden = _widget(
        st.slider,
        "hidden",
        scene.hidden,
        "Hidden width H",
        min_value=1,
        max_value=64,
        help="Neurons in the hidden layer; D = 4H + 1 parameters.",
    )
    st.header("Runs")
    runs = _runs_editor(scene)
    st.header("Training")
    steps = _widget(
        st.number_input,
        "steps",
        scene.steps,
        "Steps",
        min_value=1,
        max_value=ns.MAX_STEPS,
        help="Optimizer steps per run.",
    )
    batch = _widget(
        st.number_input,
        "batch",
        scene.batch_size,
        "Batch size (0 = full)",
        min_value=0,
        max_value=2000,
        help="1 = SGD on single samples; 0 or at "
        "least the training set = full-batch gradient descent. Every run draws "
        "the same mini-batches.",
    )
    seed = _widget(
        st.number_input,
        "seed",
        scene.seed,
        "Seed",
        min_value=0,
        max_value=2**32 - 1,
        help="Seeds the data, the shared init and the batches.",
    )
    st.header("Slice")
    directions = _widget(
        st.radio,
        "slice",
        scene.directions,
        "Directions",
        options=["filter", "pca"],
        horizontal=True,
        help="filter: random filter-normalised directions around the "
        "chosen run's final point; pca: the plane its path moves in most.",
    )
    names = [r.label() for r in runs] or ["(none)"]
    center = _widget(
        st.selectbox,
        "center",
        min(scene.center_run, len(names) - 1),
        "Around run",
        options=range(len(names)),
        format_func=names.__getitem__,
        help="The slice is centred on this run's final point.",
    )
    grid = _widget(
        st.select_slider,
        "grid",
        scene.grid,
        "Grid",
        options=list(ns.GRIDS),
        help="Points per side of the slice: finer is slower.",
    )
    return ns.NetScene(dataset, int(hidden), tuple(runs), int(steps), int(batch), int(seed),
                       directions, int(center or 0), int(grid))  # fmt: skip


def compute(scene: ns.NetScene):
    """Return ``network_scene.compute(scene)``, cached across sessions, with progress."""
    scene.loss()  # bad settings raise here, before a progress bar is drawn
    return cached("network", (scene,), lambda p: ns.compute(scene, p), text="Training…")


def step(value, steps: int) -> int:
    """Return the player's step (untrusted component value), else the last step."""
    if isinstance(value, dict) and value.get("seq") != st.session_state.get(_SEQ):
        st.session_state[_SEQ] = value.get("seq")
        k = value.get("step")
        if value.get("event") == "step" and isinstance(k, int) and not isinstance(k, bool):
            st.session_state[_STEP] = k
    k = st.session_state.get(_STEP, steps)
    return min(max(int(k), 0), steps)


def share_link(scene: ns.NetScene) -> str:
    """Return the absolute URL that reopens these settings."""
    base = st.context.url or "http://localhost:8501/network"
    parts = urllib.parse.urlsplit(base)
    query = urllib.parse.urlencode(ns.to_query(scene))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
