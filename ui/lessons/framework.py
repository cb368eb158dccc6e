r"""The lesson framework: the Lesson type, its controls, charts and metrics (no Streamlit).

Each :class:`Lesson` holds its text, the optimizers whose algorithm box it shows (the
LaTeX comes from ``optimizers.spec(name).latex``, the same text as the factory's
docstring, so it is never retyped here), preset scenes that show its point, the
controls that let a student change one thing at a time, small extra charts, live notes
computed from the runs, "Try this" suggestions and the ``claim`` that
``tests/test_lessons.py`` checks by running the presets through the core.

Charts and notes take a *source*: any object with ``runs(scene)`` and
``internals(scene)`` returning what :mod:`ui.compute` returns (and ``cached(kind, key,
compute_fn)`` for a lesson's own longer computation). The page passes
``ui.compute`` (cached); tests pass :data:`CORE` (plain, uncached).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np

import optimizers
from figures.static import line_chart
from optimizers.sweeps import steps_within
from ui import scene as sc

GREY = "#8a8f98"


class Control(NamedTuple):
    """One widget of a lesson: how to read its value from a scene and write it back.

    Attributes
    ----------
    key : str
        Short name, unique within the lesson (part of the widget key).
    label, help : str
        Widget label and tooltip (every control has one).
    kind : {"slider", "select_slider", "toggle", "number", "multiselect"}
        Which Streamlit widget draws it.
    get : callable
        ``get(scene) -> value``: the value the preset scene has.
    set : callable
        ``set(scene, value) -> Scene``: the scene with the value applied.
    options : tuple
        Choices for ``select_slider`` and ``multiselect``.
    low, high, step : float, optional
        Range and step for ``slider`` and ``number``.
    fmt : callable, optional
        ``fmt(value) -> str`` for option labels.
    presets : tuple of str
        The presets it applies to; empty means all.
    """

    key: str
    label: str
    help: str
    kind: str
    get: Callable[[sc.Scene], Any]
    set: Callable[[sc.Scene, Any], sc.Scene]
    options: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    fmt: Callable[[Any], str] | None = None
    presets: tuple[str, ...] = ()

    def applies_to(self, preset: str) -> bool:
        """Return whether this control is shown for ``preset``."""
        return not self.presets or preset in self.presets


class Chart(NamedTuple):
    """A small extra figure (or table) next to the player.

    Attributes
    ----------
    title : str
        Shown above it.
    build : callable
        ``build(scene, source) -> dict``: a Plotly figure as a plain dict, or for
        ``kind="table"`` a list of row dicts.
    kind : {"plotly", "table"}
    caption : str
        One line under it: how to read it.
    """

    title: str
    build: Callable[[sc.Scene, Any], Any]
    kind: str = "plotly"
    caption: str = ""


class Lesson(NamedTuple):
    """One lesson of the guided path.

    Attributes
    ----------
    number : int
        1-based position in the path (and the ``?lesson=`` value).
    title : str
    body : str
        Markdown (with ``$...$`` maths), in our own words.
    optimizers : tuple of str
        Registry names whose ``optimizers.spec(name).latex`` is shown.
    presets : dict of str to Scene
        Named scenes, the first one the default; each shows the lesson's point.
    try_this : tuple of str
        Markdown suggestions for the student.
    claim : str
        The behaviour the presets show, checked by ``tests/test_lessons.py`` by
        running the core.
    controls : tuple of Control
    charts : tuple of Chart
    notes : callable, optional
        ``notes(scene, source) -> list[str]``: live facts about the current scene.
    preset_help : str
        Tooltip of the preset picker.
    extra : str
        Markdown shown after "Try this" (lesson 12's note on generalization).
    """

    number: int
    title: str
    body: str
    optimizers: tuple[str, ...]
    presets: dict[str, sc.Scene]
    try_this: tuple[str, ...]
    claim: str
    controls: tuple[Control, ...] = ()
    charts: tuple[Chart, ...] = ()
    notes: Callable[[sc.Scene, Any], list[str]] | None = None
    preset_help: str = "Each preset is a scene chosen to show the lesson's point."
    extra: str = ""


# --- building blocks ------------------------------------------------------------------


def run(name: str, color: str | None = None, **hp) -> sc.Run:
    """Build a :class:`ui.scene.Run`, keeping only non-default settings (and lr).

    Parameters
    ----------
    name : str
        Optimizer registry name.
    color : str, optional
        Path colour; defaults to the optimizer's own (``optimizers.spec(name).color``).
    **hp
        Hyperparameters.

    Returns
    -------
    Run
    """
    specs = optimizers.spec(name).hparams
    kept = {k: v for k, v in hp.items() if k == "lr" or v != specs[k].default}
    return sc.Run(name, tuple(sorted(kept.items())), color or optimizers.spec(name).color)


def _matches(i, r, optimizer, index):
    names = (optimizer,) if isinstance(optimizer, str) else optimizer
    return (optimizer is None or r.optimizer in names) and (index is None or i == index)


def get_hp(scene: sc.Scene, key: str, optimizer=None, index: int | None = None):
    """Return hyperparameter ``key`` of the first run that matches.

    Parameters
    ----------
    scene : Scene
    key : str
        Hyperparameter name, e.g. ``"lr"``.
    optimizer : str or tuple of str, optional
        Only runs of these optimizers.
    index : int, optional
        Only the run at this position.

    Returns
    -------
    object
        The value (registry default when the run does not set it).

    Raises
    ------
    ValueError
        If no run matches or the optimizer has no such hyperparameter.
    """
    for i, r in enumerate(scene.runs):
        if _matches(i, r, optimizer, index):
            full = r.hparams()
            if key in full:
                return full[key]
    raise ValueError(f"no run with {key!r} in this scene")


def set_hp(scene: sc.Scene, key: str, value, optimizer=None, index: int | None = None):
    """Return ``scene`` with hyperparameter ``key`` set on every matching run.

    Parameters
    ----------
    scene : Scene
    key : str
    value : object
    optimizer : str or tuple of str, optional
        Only runs of these optimizers (runs without ``key`` are left alone).
    index : int, optional
        Only the run at this position.

    Returns
    -------
    Scene
    """
    runs = []
    for i, r in enumerate(scene.runs):
        if _matches(i, r, optimizer, index) and key in optimizers.spec(r.optimizer).hparams:
            hp = dict(r.hp)
            hp[key] = value
            r = replace(run(r.optimizer, r.color, **hp), enabled=r.enabled)
        runs.append(r)
    return replace(scene, runs=tuple(runs))


def hp_control(key, label, help, kind="slider", *, hp=None, optimizer=None, index=None, **kw):
    """Build a :class:`Control` that edits one hyperparameter of the matching runs.

    Parameters
    ----------
    key : str
        Control name.
    label, help : str
    kind : str
        Widget kind (see :class:`Control`).
    hp : str, optional
        Hyperparameter name (defaults to ``key``).
    optimizer, index
        Which runs (see :func:`set_hp`).
    **kw
        Further :class:`Control` fields (``low``, ``high``, ``options``, ...).

    Returns
    -------
    Control
    """
    name = hp or key
    return Control(
        key,
        label,
        help,
        kind,
        get=lambda s: get_hp(s, name, optimizer, index),
        set=lambda s, v: set_hp(s, name, v, optimizer, index),
        **kw,
    )


def scene_control(key, label, help, kind="slider", *, field, cast=float, **kw):
    """Build a :class:`Control` that edits a field of the scene (``noise``, ``seed``...).

    Parameters
    ----------
    key, label, help, kind
        See :class:`Control`.
    field : str
        The :class:`ui.scene.Scene` field.
    cast : callable
        Applied to the widget's value.
    **kw
        Further :class:`Control` fields.

    Returns
    -------
    Control
    """
    return Control(
        key,
        label,
        help,
        kind,
        get=lambda s: getattr(s, field),
        set=lambda s, v: replace(s, **{field: cast(v)}),
        **kw,
    )


def nearest_option(options, value):
    """Return the option closest to ``value`` (on a log scale when all are positive).

    Used to seed a select-slider from a preset value that is not one of its stops.

    Parameters
    ----------
    options : sequence of float
    value : float

    Returns
    -------
    float
    """
    if value in options:
        return value
    if all(o > 0 for o in options) and value > 0:
        return min(options, key=lambda o: abs(math.log(o) - math.log(value)))
    return min(options, key=lambda o: abs(o - value))


def fmt_num(value) -> str:
    """Format a number briefly for labels and notes (``0.001``, ``1e-06``, ``0.95``)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}"


# --- data helpers (plain NumPy, shared by charts, notes and tests) ---------------------


def _uncached(kind, key, compute_fn, **_):
    """Run ``compute_fn`` at once, without progress (``ui.compute.cached``'s plain twin)."""
    return compute_fn(None)


CORE = SimpleNamespace(runs=sc.results, internals=sc.internals, cached=_uncached)
"""A source for charts and notes that runs the core directly (for tests and scripts)."""


def steps_to(values, f_min, tol=1e-3):
    """First step whose loss is within ``tol`` of ``f_min``, or None.

    Parameters
    ----------
    values : array_like
    f_min : float
    tol : float

    Returns
    -------
    int or None
    """
    k = int(steps_within(np.asarray(values, dtype=float)[None], f_min, tol)[0])
    return None if k < 0 else k


def schedule_rates(scene: sc.Scene, lr0: float) -> np.ndarray:
    """Return the learning rates the runner uses at steps 1..steps (constant: all lr0).

    Parameters
    ----------
    scene : Scene
    lr0 : float
        Base learning rate.

    Returns
    -------
    ndarray, shape (steps,)
    """
    schedule = scene.schedule_fn()
    t = np.arange(1, scene.steps + 1)
    if schedule is None:
        return np.full(scene.steps, float(lr0))
    return np.broadcast_to(np.asarray(schedule(t, lr0), dtype=float), t.shape).copy()


# --- small figures (plain dicts) -------------------------------------------------------


def _loss_series(runs, **extra):
    return [{"name": r.label, "color": r.color, "y": r.values, **extra} for r in runs]


def loss_chart(scene, source):
    """Loss per step (log scale) of every run in the scene.

    Parameters
    ----------
    scene : Scene
    source : object
        Has ``runs(scene)`` (see the module docstring).

    Returns
    -------
    dict
    """
    return line_chart(_loss_series(source.runs(scene)), ylabel="loss", log_y=True)


def step_size_chart(scene, source, *, limit=None):
    """Effective step size |Δθ| / |g| per coordinate and step, for every run.

    For AdaGrad this is γ / (√s + ε), for RMSprop γ / (√v + ε): the learning rate
    each coordinate really gets.
    """
    series = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        name = r.label()
        for axis, dash in ((0, "solid"), (1, "dot")):
            y = data["step_size"][:limit, axis]
            series.append({"name": f"{name}: {'xy'[axis]}", "color": r.color, "y": y, "dash": dash})
    # Internals are per step t = 1..T: start the x axis at 1.
    for s in series:
        s["x"] = np.arange(1, len(s["y"]) + 1)
    return line_chart(series, ylabel="step size |Δθ| / |g|", log_y=True)


def update_length_chart(scene, source):
    """Length of each step |Δθ| (log scale), for every run."""
    series = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        y = np.linalg.norm(data["update"], axis=1)
        series.append({"name": r.label(), "color": r.color, "y": y, "x": np.arange(1, y.size + 1)})
    return line_chart(series, ylabel="step length |Δθ|", log_y=True)
