"""The app's session state: one module with typed accessors for what pages share.

The scene lives in the plain session-state key ``"scene"`` (widget keys are dropped when the
user switches pages; plain keys survive). Nothing else in the app reads or writes these keys
directly.

Sidebar widgets are keyed ``w<generation>_<name>`` (`widget_key`). Deleting a widget's key
does not reset it: the browser still holds its value and sends it again with the next edit
(an "Add" box re-adds its choice on every later edit). So ``set_scene(...,
reset_widgets=True)`` moves every widget to fresh keys of a new generation instead. Every run
gets a session-unique ``uid`` (`with_uids`), so its controls and colour follow the run, not
its position in the list.
"""

from __future__ import annotations

import re
from dataclasses import replace

import streamlit as st

from ui import compute, ladder, links
from ui import scene as sc

SCENE = "scene"
WIDGET_PREFIX = "w_"  # generation 0; later generations are "w1_", "w2_", ...
_WIDGET_KEY = re.compile(r"^w\d*_")
_GENERATION = "widget_generation"
_NEXT_UID = "next_run_uid"
_LINK_WARNINGS = "link_warnings"
_GHOST = "ghost_state"
_EXPLORER_STEP = "explorer_step"
_PLAYER_SEQ = "player_seq"
_SCRUB = "scrub_choice"
_START_GRID = "start_grid_on"


def current_scene() -> sc.Scene:
    """Return the session's scene, reading the URL once at the start of a session.

    Warnings about a malformed link are kept in ``st.session_state[_LINK_WARNINGS]`` and
    shown by `show_link_warnings`. Every run of the returned scene has a ``uid``.
    """
    if SCENE not in st.session_state:
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        scene, warnings = sc.from_query(query) if query else (sc.default_scene(), [])
        st.session_state[SCENE] = scene
        st.session_state[_LINK_WARNINGS] = warnings
    scene = st.session_state[SCENE]
    if any(run.uid == 0 for run in scene.runs):
        scene = with_uids(scene)
        st.session_state[SCENE] = scene
    return scene


def set_scene(scene: sc.Scene, *, reset_widgets: bool = False) -> None:
    """Make ``scene`` current; with ``reset_widgets`` the widgets are re-seeded from it."""
    st.session_state[SCENE] = with_uids(scene)
    if reset_widgets:
        st.session_state[_GENERATION] = widget_generation() + 1
        for key in [k for k in st.session_state if _WIDGET_KEY.match(str(k))]:
            del st.session_state[key]


def widget_generation() -> int:
    """Return the current widget generation (one more after every widget reset)."""
    return int(st.session_state.get(_GENERATION, 0))


def seeded_widget(factory, key: str, value, label: str, **kwargs):
    """Draw ``factory(label, key=key, **kwargs)`` seeded with ``value`` on its first run.

    Seeding through session state (never ``value=``) lets the widget's own state win on
    every later run, so a rerun does not reset what the user chose.
    """
    if key not in st.session_state:
        st.session_state[key] = value
    return factory(label, key=key, **kwargs)


def widget_key(name: str) -> str:
    """Return the session-state key of the sidebar widget ``name`` in this generation."""
    generation = widget_generation()
    return f"w{generation}_{name}" if generation else WIDGET_PREFIX + name


def with_uids(scene: sc.Scene) -> sc.Scene:
    """Return ``scene`` with a fresh ``uid`` on every run that has none or a repeated one."""
    seen: set[int] = set()
    runs = []
    for run in scene.runs:
        if run.uid == 0 or run.uid in seen:
            uid = int(st.session_state.get(_NEXT_UID, 1))
            st.session_state[_NEXT_UID] = uid + 1
            run = replace(run, uid=uid)
        seen.add(run.uid)
        runs.append(run)
    return replace(scene, runs=tuple(runs))


def ghosts(scene: sc.Scene) -> tuple[sc.Scene, ...]:
    """Return the previous scene on the same surface, to draw faintly behind this one.

    The ghost is the scene as it was before the user's last change; it stays until the
    next change and disappears when the surface changes (old paths on another surface
    would mean nothing). Runs removed since are not drawn: a ghost compares before and
    after, and a removed run has no after.
    """
    last, ghost = st.session_state.get(_GHOST, (None, None))
    if scene != last:
        same_surface = last is not None and compute.surface_key(last) == compute.surface_key(scene)
        ghost = last if same_surface else None
        st.session_state[_GHOST] = (scene, ghost)
    if ghost is None:
        return ()
    live = {run.uid for run in scene.runs}
    ghost = replace(ghost, runs=tuple(run for run in ghost.runs if run.uid in live))
    return (ghost,) if ghost.active_runs() else ()


def sync_url(scene: sc.Scene) -> None:
    """Write the scene into the page URL so the address bar is always a share link."""
    query = sc.to_query(scene)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)


def show_link_warnings(warnings: list[str] | None = None) -> None:
    """Show what was wrong with a link: one warning box, its text inert (``ui.links``).

    Parameters
    ----------
    warnings : list of str, optional
        A page's own link warnings (lessons, network). By default the scene link's, kept
        by `current_scene` and shown once, by whichever page the session opened on
        (app.py calls this before every scene page).
    """
    if warnings is None:
        warnings = st.session_state.pop(_LINK_WARNINGS, [])
    if warnings:
        st.warning(links.message(warnings), icon=":material/link_off:")


def explorer_step() -> int | None:
    """Return the step the explorer's player was last paused or scrubbed at, if any."""
    return st.session_state.get(_EXPLORER_STEP)


def set_explorer_step(step: int) -> None:
    """Remember the explorer's step, so the step inspector opens there."""
    st.session_state[_EXPLORER_STEP] = int(step)


def new_player_value(value) -> bool:
    """Return True once per new value of the player component (values repeat on reruns)."""
    if not isinstance(value, dict) or value.get("seq") == st.session_state.get(_PLAYER_SEQ):
        return False
    st.session_state[_PLAYER_SEQ] = value.get("seq")
    return True


def scrub_choice(scene: sc.Scene) -> tuple[int, str] | None:
    """Return ``(run position, hyperparameter)`` the player's ladder scrubs.

    The user's pick (kept by the run's ``uid``) while that run is on, else
    ``ui.ladder.default_choice``.
    """
    uid, name = st.session_state.get(_SCRUB, (None, None))
    active = scene.active_runs()
    for option in ladder.options(scene):
        if active[option["run"]].uid == uid and name in option["names"]:
            return option["run"], name
    return ladder.default_choice(scene)


def apply_ladder_value(value: dict, scene: sc.Scene) -> None:
    """Act on the player's ladder events (``ui.component_values.player_value``).

    ``"startgrid"`` turns dragging the start on or off; ``"scrub"`` picks what the
    ladder scrubs; ``"hparam"`` commits a released slider's value to the scene (widgets
    re-seeded, link updated). Each reruns; a value the scene refuses (a run that has gone,
    a value out of range) gives a warning instead.
    """
    active = scene.active_runs()
    try:
        if value["event"] == "startgrid":
            st.session_state[_START_GRID] = value["on"]
        elif value["event"] == "scrub":
            if not 0 <= value["run"] < len(active):
                raise ValueError("that run is no longer in the race")
            st.session_state[_SCRUB] = (active[value["run"]].uid, value["name"])
        else:
            new = ladder.committed(scene, value["run"], value["name"], value["value"])
            set_scene(new, reset_widgets=True)
    except ValueError as err:
        st.warning(f"That change could not be made: {err}", icon=":material/warning:")
        return
    st.rerun()


def start_grid_on() -> bool:
    """Return True while the player's "drag the start" is on (its grid is sent)."""
    return bool(st.session_state.get(_START_GRID, False))
