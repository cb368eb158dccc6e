"""Cached computations behind the pages: arrays in the cache, never figures.

Caches are bounded (``max_entries``) so one server can serve a classroom: a scene's
trajectories are a few hundred kilobytes at most, the player payload under 1 MB.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import streamlit as st

import figures
from ui import ladder
from ui import scene as sc

GRID = 100  # grid points per axis of the drawn surface
TRAJECTORY_CACHE = 256
PAYLOAD_CACHE = 64


@st.cache_data(max_entries=TRAJECTORY_CACHE, show_spinner=False)
def runs(scene: sc.Scene) -> list:
    """Return :func:`ui.scene.results` of the scene, cached (ValueError on bad settings)."""
    return sc.results(scene)


@st.cache_data(max_entries=TRAJECTORY_CACHE, show_spinner=False)
def internals(scene: sc.Scene) -> list[dict]:
    """Return :func:`ui.scene.internals` of the scene, cached."""
    return sc.internals(scene)


def surface_key(scene: sc.Scene) -> tuple:
    """Return what identifies the scene's surface (not its runs)."""
    return (scene.surface, scene.surface_params, scene.formula)


@st.cache_data(max_entries=PAYLOAD_CACHE, show_spinner=False)
def grid(key: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``xs, ys, z`` of the surface on its domain, ``GRID`` points per axis."""
    surface = sc.Scene(surface=key[0], surface_params=key[1], formula=key[2]).build_surface()
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    xx, yy = np.meshgrid(xs, ys)
    z = surface.value(np.column_stack([xx.ravel(), yy.ravel()])).reshape(GRID, GRID)
    return xs, ys, z


@st.cache_data(max_entries=PAYLOAD_CACHE, show_spinner=False)
def payload(
    scene: sc.Scene, theme: str = "light", ghosts: tuple = (), scrub=None, starts: bool = False
) -> dict:
    """Return the player payload for a scene (see `figures.player_payload`).

    Parameters
    ----------
    scene : Scene
    theme : {"light", "dark"}
    ghosts : tuple of Scene
        Earlier scenes on the same surface whose runs are drawn faintly behind this one's.
    scrub : (int, str), optional
        ``(run position, hyperparameter)``: send that run's ladder (``ui.ladder``) so
        the player can scrub it without a round trip.
    starts : bool
        Send every run from a grid of starts (``ui.ladder.start_grid``), so the start can
        be dragged on the map without a round trip.
    """
    surface = scene.build_surface()
    xs, ys, z = grid(surface_key(scene))
    ghost_runs = [
        run._replace(label=f"before: {run.label}", ghost=True)
        for ghost in ghosts
        for run in runs(ghost)
    ]
    return figures.player_payload(
        xs,
        ys,
        z,
        ghost_runs + runs(scene) + sc.companions(scene, internals),
        domain=surface.domain,
        start=scene.start_point(surface),
        minima=surface.minima,
        log_z=surface.log_z,
        z_clip=surface.z_clip,
        title=surface.title,
        theme=theme,
        surface_id=repr(surface_key(scene)),
        ladder=ladder.ladder(scene, *scrub, surface) if scrub else None,
        start_grid=ladder.start_grid(scene, surface) if starts else None,
    )


class _Store:
    """A bounded, thread-safe, least-recently-used map shared by every session."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@st.cache_resource
def _store(kind: str, size: int) -> _Store:
    return _Store(size)


def is_cached(kind: str, key: tuple, *, size: int = 16) -> bool:
    """Return whether `cached` holds a result for ``key`` (without computing anything)."""
    return _store(kind, size).get(key) is not None


def cached(kind: str, key: tuple, compute_fn, *, size: int = 16, text: str = "Computing…"):
    """Return ``compute_fn(progress)``'s result for ``key``, computed once across sessions.

    For long computations that report progress while they run (basin maps, sweeps), which
    ``st.cache_data`` cannot show: on a miss a progress bar appears and ``compute_fn``
    gets ``progress(fraction, message)`` to move it; on a hit nothing is drawn. Bounded
    to ``size`` results per ``kind`` (least recently used go first).
    """
    store = _store(kind, size)
    value = store.get(key)
    if value is None:
        bar = st.progress(0.0, text=text)
        value = compute_fn(lambda fraction, message: bar.progress(min(fraction, 1.0), message))
        store.put(key, value)
        bar.empty()
    return value
