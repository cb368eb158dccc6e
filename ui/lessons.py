r"""The Lessons page's content: twelve lessons on optimizers, as data (no Streamlit here).

Each :class:`Lesson` holds its text, the optimizers whose algorithm box it shows (the
LaTeX comes from ``optimizers.spec(name).latex``, the same text as the factory's
docstring, so it is never retyped here), preset scenes that show its point, the
controls that let a student change one thing at a time, small extra charts, live notes
computed from the runs, "Try this" suggestions and the ``claim`` that
``tests/test_lessons.py`` checks by running the presets through the core.

Charts and notes take a *source*: any object with ``runs(scene)`` and
``internals(scene)`` returning what :mod:`ui.compute` returns. The page passes
``ui.compute`` (cached); tests pass :data:`CORE` (plain, uncached).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

import optimizers
import surfaces
from figures.static import FONT
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


def log_stops(low: float, high: float) -> tuple[float, ...]:
    """Return friendly log-spaced values 1, 2, 3, 5 per decade between ``low`` and ``high``.

    Parameters
    ----------
    low, high : float
        Positive ends, inclusive.

    Returns
    -------
    tuple of float
    """
    stops = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 3, 5):
            value = float(f"{mantissa}e{exponent}")
            if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                stops.append(value)
    return tuple(stops)


# --- data helpers (plain NumPy, shared by charts, notes and tests) ---------------------


class _Core:
    """The uncached twin of :mod:`ui.compute`: the same dicts, straight from the core."""

    @staticmethod
    def runs(scene):
        surface = scene.build_surface()
        return [
            {
                "label": r.label(),
                "color": r.color,
                "points": t.points[0],
                "values": t.values[0],
                "grad_norms": t.grad_norms[0],
                "diverged_at": int(t.diverged_at[0]),
            }
            for r, t in zip(scene.active_runs(), sc.compute(scene, surface), strict=True)
        ]

    @staticmethod
    def internals(scene):
        return [
            {"points": t.points[0], "lrs": t.lrs, **{k: v[0] for k, v in t.internals.items()}}
            for t in sc.compute(scene, record=True)
        ]


CORE = _Core()
"""A source for charts and notes that runs the core directly (for tests and scripts)."""


def path_length(points) -> float:
    """Total length of a path (finite segments only).

    Parameters
    ----------
    points : ndarray, shape (n, 2)

    Returns
    -------
    float
    """
    seg = np.linalg.norm(np.diff(np.asarray(points, dtype=float), axis=0), axis=1)
    return float(seg[np.isfinite(seg)].sum())


def reversals(values) -> int:
    """Count the direction changes of a 1-D sequence (a zig-zag measure).

    Parameters
    ----------
    values : array_like
        E.g. the y coordinate of a path across a canyon.

    Returns
    -------
    int
        How often the sign of the step changes (zero steps are skipped).
    """
    d = np.diff(np.asarray(values, dtype=float))
    d = d[np.isfinite(d) & (np.abs(d) > 1e-12)]
    return int(np.count_nonzero(np.diff(np.sign(d))))


def along(points, start, target):
    """Signed position of each point on the line from ``start`` to ``target``.

    Parameters
    ----------
    points : ndarray, shape (n, 2)
    start, target : (float, float)

    Returns
    -------
    ndarray, shape (n,)
        Negative before ``target``, 0 at it, positive past it (an overshoot).
    """
    start, target = np.asarray(start, dtype=float), np.asarray(target, dtype=float)
    u = (target - start) / np.linalg.norm(target - start)
    return (np.asarray(points, dtype=float) - target) @ u


def curvatures(surface, xy):
    """Return the Hessian's eigenvalues at ``xy``, smallest first.

    Parameters
    ----------
    surface : Surface
    xy : (float, float)

    Returns
    -------
    ndarray, shape (2,)
    """
    return np.linalg.eigvalsh(surface.hessian(np.array([xy], dtype=float))[0])


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
    hits = np.flatnonzero(np.asarray(values, dtype=float) - f_min <= tol)
    return int(hits[0]) if hits.size else None


def lowest_minimum(surface) -> float:
    """Return the lowest value over the surface's known minima."""
    return float(np.min(surface.value(np.array(surface.minima, dtype=float))))


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


def line_chart(series, *, ylabel, xlabel="step", log_y=False, y_range=None, height=300):
    """Draw a small line figure as a plain Plotly dict.

    Parameters
    ----------
    series : list of dict
        Each with ``name``, ``color``, ``y`` and optionally ``x`` and ``dash``.
    ylabel, xlabel : str
    log_y : bool
        Log y axis; non-positive and non-finite values are left out.
    y_range : (float, float), optional
        Fixed y range (in data units, also for log axes).
    height : int

    Returns
    -------
    dict
    """
    data = []
    for s in series:
        y = np.asarray(s["y"], dtype=float)
        y = np.where(np.isfinite(y) & ((y > 0) if log_y else True), y, np.nan)
        x = np.asarray(s.get("x", np.arange(y.size)))
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": y,
                "name": s["name"],
                "line": {"color": s["color"], "width": 2.2, "dash": s.get("dash", "solid")},
                "hovertemplate": "%{y:.4g}",
            }
        )
    yaxis = {"title": {"text": ylabel}, "type": "log" if log_y else "linear"}
    if y_range is not None:
        lo, hi = y_range
        yaxis["range"] = [math.log10(lo), math.log10(hi)] if log_y else [lo, hi]
    layout = {
        "font": FONT,
        "height": height,
        "margin": {"l": 60, "r": 12, "t": 12, "b": 40},
        "xaxis": {"title": {"text": xlabel}, "zeroline": False},
        "yaxis": yaxis,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.28, "x": 0},
    }
    return {"data": data, "layout": layout}


def _loss_series(runs, **extra):
    return [{"name": r["label"], "color": r["color"], "y": r["values"], **extra} for r in runs]


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


# --- lesson 1: gradient descent and the learning rate --------------------------------

L1_SURFACE = dict(surface="ill_conditioned", surface_params=(("kappa", 5.0),), steps=40)
L1_PRESETS = {
    "Too small": sc.Scene(**L1_SURFACE, runs=(run("gd", "#9467bd", lr=0.05),)),
    "Right": sc.Scene(**L1_SURFACE, runs=(run("gd", "#2ca02c", lr=0.5),)),
    "Oscillating": sc.Scene(**L1_SURFACE, runs=(run("gd", "#ff7f0e", lr=0.95),)),
    "Diverging": sc.Scene(**L1_SURFACE, runs=(run("gd", "#d62728", lr=1.1),)),
}


def _l1_chart(scene, source):
    lr = get_hp(scene, "lr")
    runs = []
    for name, preset in L1_PRESETS.items():
        (r,) = source.runs(preset)
        runs.append({**r, "label": f"{name.lower()} (lr {fmt_num(get_hp(preset, 'lr'))})"})
    if all(abs(get_hp(p, "lr") - lr) > 1e-12 for p in L1_PRESETS.values()):
        (r,) = source.runs(scene)
        runs.append({**r, "label": f"yours (lr {fmt_num(lr)})", "color": "#111111"})
    # Cap the axis: a diverging run would otherwise squash the converging ones.
    return line_chart(_loss_series(runs), ylabel="loss", log_y=True, y_range=(1e-12, 1e3))


def _l1_notes(scene, source):
    surface = scene.build_surface()
    minimum = surface.minima[0]
    bound = surfaces.stability_bound(surface, minimum)
    lam_min, lam_max = curvatures(surface, minimum)
    lr = get_hp(scene, "lr")
    steep, flat = abs(1 - lr * lam_max), abs(1 - lr * lam_min)
    if math.isclose(lr, 1 / lam_max, rel_tol=1e-6):
        verdict = (
            "exactly 1/λmax: one step lands on the valley floor and removes the steep "
            "direction for good; from then on only the flat axis is left."
        )
    elif lr < 1 / lam_max:
        verdict = (
            f"below 1/λmax = {1 / lam_max:.3g}: every step stops short of the valley floor, "
            "so the path slides in without zig-zagging."
        )
    elif lr < bound:
        verdict = (
            f"between 1/λmax = {1 / lam_max:.3g} and 2/λmax: each step jumps over the valley "
            "floor but lands lower, so the path zig-zags and still converges."
        )
    elif lr == bound:
        verdict = "exactly 2/λmax: the steep direction bounces forever, neither in nor out."
    else:
        verdict = "above 2/λmax: each jump lands higher than it started, so GD diverges."
    return [
        f"Curvatures at the minimum: λmax = {lam_max:.3g}, λmin = {lam_min:.3g}, so the "
        f"bound is **2/λmax = {bound:.3g}**.",
        f"Your lr = {fmt_num(lr)} is {verdict}",
        f"Per step, the distance to the minimum is multiplied by |1 − lr·λ| = **{steep:.2f}** "
        f"along the steep axis and **{flat:.2f}** along the flat one; the larger of the two "
        "sets the speed (below 1 converges, above 1 diverges).",
    ]


LESSON_1 = Lesson(
    1,
    "Gradient descent and the learning rate",
    r"""
Gradient descent asks one question at every step: which way is downhill *from here*?
The gradient $\nabla f(\theta)$ points uphill, so we step the other way, and the
learning rate $\gamma$ says how far: $\theta \leftarrow \theta - \gamma \nabla f(\theta)$.

On a quadratic bowl the whole story is told by the curvatures: the eigenvalues $\lambda$
of the Hessian, one per principal axis. Along an axis with curvature $\lambda$, one step
multiplies the distance to the minimum by $1 - \gamma\lambda$. So:

- $\gamma < 1/\lambda_{max}$: the factor is between 0 and 1 on every axis; the path slides
  in without crossing the valley floor. Make $\gamma$ too small and it crawls.
- $1/\lambda_{max} < \gamma < 2/\lambda_{max}$: on the steep axis the factor is negative;
  each step jumps over the floor and lands a little lower on the other side. The path
  zig-zags but converges.
- $\gamma > 2/\lambda_{max}$: the factor is below $-1$; each jump lands *higher* than it
  started, and the path diverges.

So $2/\lambda_{max}$ is a hard limit set by the steepest direction, while the speed is set
by the flattest one ($1 - \gamma\lambda_{min}$ is close to 1). One learning rate for two
very different curvatures: most of the later lessons are ways around that tension.
This surface is a tilted bowl with curvatures 2 and 0.4.
""",
    ("gd",),
    L1_PRESETS,
    (
        "Set the slider to the bound, 1.0: the path bounces between the walls forever. "
        "Then try 1.05 and 1.2: just past the bound the bounce grows slowly, further past "
        "it the path leaves the map within a few steps.",
        "Find the learning rate that reaches the lowest loss in 40 steps (hint: make the "
        "two factors |1 − lr·λ| under ‘What the numbers say’ equal). It zig-zags a little: "
        "a small overshoot is often the price of speed.",
        "Open the preset in the explorer and add a second GD run: race 0.5 against 0.95.",
    ),
    "GD converges for every lr below 2/λmax of the preset quadratic and diverges above it; "
    "it does not zig-zag below 1/λmax and does above; 'Right' reaches the lowest loss.",
    controls=(
        hp_control(
            "lr",
            "Learning rate γ",
            "How far each step goes along −∇f. The bound 2/λmax for this bowl is shown "
            "under the figure; try values on both sides of it.",
            low=0.01,
            high=1.3,
            step=0.01,
        ),
    ),
    charts=(
        Chart(
            "Loss per step, all four presets",
            _l1_chart,
            caption="Log scale, capped at 1000: a diverging run climbs off the top.",
        ),
    ),
    notes=_l1_notes,
    preset_help="Four learning rates on the same bowl: too small, about right, "
    "oscillating (but converging) and diverging.",
)


# --- lesson 2: batch, stochastic and mini-batch gradient descent ----------------------

L2_BASE = dict(surface="linear_regression", steps=100, runs=(run("gd", lr=0.1),))
L2_PRESETS = {
    "Full batch": sc.Scene(**L2_BASE),
    "Mini-batch (10)": sc.Scene(**L2_BASE, batch_size=10),
    "Stochastic (1)": sc.Scene(**L2_BASE, batch_size=1),
}
L2_SAMPLES = 50  # n_samples of the default linear_regression surface


def _full_batch(scene):
    return replace(scene, batch_size=0)


def _l2_chart(scene, source):
    # The loss above its minimum, on a log axis: full batch keeps falling, SGD hits a floor.
    f_min = lowest_minimum(scene.build_surface())
    (full,) = source.runs(_full_batch(scene))
    series = [{"name": "full batch", "color": GREY, "y": full["values"] - f_min, "dash": "dot"}]
    if scene.batch_size:
        (mine,) = source.runs(scene)
        name = f"batch {scene.batch_size}"
        series.append({"name": name, "color": mine["color"], "y": mine["values"] - f_min})
    return line_chart(series, ylabel="loss above the minimum", log_y=True, y_range=(1e-6, 30))


def _l2_notes(scene, source):
    (full,) = source.runs(_full_batch(scene))
    (mine,) = source.runs(scene)
    half = scene.steps // 2
    notes = [
        f"Full batch: path length **{path_length(full['points']):.3g}**, loss spread over the "
        f"second half (std) **{np.nanstd(full['values'][half:]):.2g}**.",
    ]
    if scene.batch_size:
        notes.append(
            f"Batch {scene.batch_size}: path length **{path_length(mine['points']):.3g}**, "
            f"loss spread **{np.nanstd(mine['values'][half:]):.2g}**. Each step used "
            f"{scene.batch_size} of {L2_SAMPLES} samples, so it cost "
            f"{scene.batch_size / L2_SAMPLES:.0%} of a full-batch step."
        )
    return notes


LESSON_2 = Lesson(
    2,
    "Batch, stochastic and mini-batch gradient descent",
    r"""
In machine learning the loss is an average over data,
$f(\theta) = \frac{1}{n}\sum_{i=1}^{n} \ell_i(\theta)$, so its gradient is an average too,
and computing it exactly means looking at every sample at every step.

- **Batch (full) gradient descent** uses all $n$ samples: the exact gradient, a smooth path.
- **Stochastic gradient descent (SGD)** uses one random sample per step: a cheap estimate
  that is right *on average* but wrong in every single step.
- **Mini-batch** gradient descent uses $B$ samples: the noise shrinks like $1/\sqrt{B}$
  while the cost grows like $B$. This is what "SGD" means in practice.

The surface here is the mean squared error of a straight-line fit $y = w x + b$ to 50
points (horizontal axis $w$, vertical axis $b$). Colours and heights always show the loss
on all 50 points; each step only sees its batch. With a constant learning rate the noise
never dies out: a batch-1 path keeps wandering around the minimum instead of settling.
Lesson 10 fixes that with a learning-rate schedule.
""",
    ("gd",),
    L2_PRESETS,
    (
        "Slide the batch size from 1 up to 50 and watch the path straighten.",
        "Change the seed: a different shuffle gives a different path, but the same amount of "
        "wandering.",
        "With batch 1, lower the learning rate to 0.02: less wandering, but a slower start. "
        "That trade-off is what lesson 10's schedules resolve.",
    ),
    "Batch-1 SGD travels a much longer path and its loss varies much more than full-batch GD; "
    "a mini-batch of 10 lies in between.",
    controls=(
        Control(
            "batch",
            "Batch size",
            "Samples per gradient estimate: 1 = stochastic gradient descent, 50 (all) = "
            "full-batch gradient descent, in between = mini-batch.",
            "slider",
            get=lambda s: s.batch_size or L2_SAMPLES,
            set=lambda s, v: replace(s, batch_size=0 if int(v) >= L2_SAMPLES else int(v)),
            low=1,
            high=L2_SAMPLES,
            step=1,
        ),
        hp_control(
            "lr",
            "Learning rate γ",
            "Step size. Larger steps travel faster but also carry more of each batch's noise.",
            low=0.01,
            high=0.5,
            step=0.01,
        ),
        scene_control(
            "seed",
            "Random seed",
            "Which samples each step draws. The same seed always gives the same batches.",
            "number",
            field="seed",
            cast=int,
            low=0,
            high=9999,
            step=1,
        ),
    ),
    charts=(
        Chart(
            "Loss above the minimum: your batch size against the full batch",
            _l2_chart,
            caption="Log scale, all 50 samples. Full batch (dotted) keeps improving; a batch "
            "run stalls at a noise floor that shrinks with the batch size.",
        ),
    ),
    notes=_l2_notes,
    preset_help="The same learning rate with all 50 samples per step, 10, or just 1.",
)


# --- lesson 3: momentum ------------------------------------------------------------------

L3_BASE = dict(surface="canyon", steps=100)
L3_PRESETS = {
    "GD against momentum": sc.Scene(
        **L3_BASE, runs=(run("gd", lr=0.36), run("momentum", lr=0.1, momentum=0.8))
    ),
    "Three ways to write it": sc.Scene(
        **L3_BASE,
        runs=(
            run("momentum", lr=0.1, momentum=0.8),
            run("momentum_ema", lr=0.5, beta=0.8),
            run("momentum_ema", "#bcbd22", lr=0.1, beta=0.8),
        ),
    ),
    "Too much momentum": sc.Scene(
        **L3_BASE, runs=(run("gd", lr=0.36), run("momentum", lr=0.1, momentum=0.97))
    ),
}


def _l3_set_mu(scene, mu):
    # Keep the three-forms preset honest: the first EMA run stays the exact twin of the
    # heavy ball (lr / (1 - β)), the second keeps the heavy ball's lr.
    scene = set_hp(scene, "momentum", mu, "momentum")
    if not any(r.optimizer == "momentum_ema" for r in scene.runs):
        return scene
    lr = get_hp(scene, "lr", "momentum")
    scene = set_hp(scene, "beta", mu, "momentum_ema")
    scene = set_hp(scene, "lr", round(lr / (1 - mu), 10), index=1)
    return set_hp(scene, "lr", lr, index=2)


def _l3_notes(scene, source):
    notes = []
    for r in source.runs(scene):
        notes.append(
            f"**{r['label']}**: loss after {scene.steps} steps **{r['values'][-1]:.2g}**, "
            f"{reversals(r['points'][:, 1])} reversals across the canyon."
        )
    return notes


LESSON_3 = Lesson(
    3,
    "Momentum: the heavy ball",
    r"""
Picture a heavy ball rolling down the canyon instead of a hiker who re-reads the slope at
every step. The ball keeps a velocity, and each step adds the new gradient to what it
remembers of the old ones: $v_t = \mu v_{t-1} + g_t$, then $\theta_t = \theta_{t-1} - \gamma v_t$.

Along the canyon floor the gradients all point the same way, so they add up, and on a
steady slope the step grows to $\gamma/(1-\mu)$ times the gradient (5× for $\mu = 0.8$).
Across the canyon they alternate in sign, so they cancel inside $v$, and the step-by-step
zig-zag of plain GD becomes a gentle swing.

The same idea is written in three ways, and it pays to know they are one method:

- $v \leftarrow \mu v + g,\ \theta \leftarrow \theta - \gamma v$ (heavy ball, PyTorch's form);
- $v \leftarrow \mu v + \gamma g,\ \theta \leftarrow \theta - v$ (the learning rate inside the
  velocity; exactly the same path while $\gamma$ is constant);
- $v \leftarrow \beta v + (1-\beta) g,\ \theta \leftarrow \theta - \gamma v$ (a moving average,
  as in many courses): the same direction, but every step is $(1-\beta)$ times as long,
  so it needs $\gamma/(1-\beta)$ to follow the same path.

Plain GD uses 0.36 here, close to its limit $2/\lambda_{max} = 0.4$, because anything
smaller crawls along the floor; momentum reaches more speed from a smaller rate.
""",
    ("momentum", "momentum_ema"),
    L3_PRESETS,
    (
        "In the first preset, set μ to 0: momentum becomes plain GD with lr 0.1. How much "
        "slower is it than GD at 0.36?",
        "In the second preset, the heavy ball and the moving average with lr 0.5 draw one "
        "path: the later one hides the earlier. Move μ and they stay together.",
        "Push μ towards 0.99: the ball swings past the minimum and circles back. More "
        "momentum is not always faster.",
    ),
    "In the canyon, momentum reaches a lower loss than GD within the preset budget and "
    "reverses across the canyon far less often; the moving-average form with lr/(1−β) "
    "follows the heavy ball's path exactly.",
    controls=(
        Control(
            "mu",
            "Momentum μ (β for the moving average)",
            "How much of the velocity survives each step. 0 = plain GD; 0.9 averages about "
            "the last 10 gradients.",
            "slider",
            get=lambda s: get_hp(s, "momentum", "momentum"),
            set=_l3_set_mu,
            low=0.0,
            high=0.99,
            step=0.01,
        ),
    ),
    charts=(Chart("Loss per step", loss_chart, caption="Log scale."),),
    notes=_l3_notes,
    preset_help="GD against momentum; three ways of writing momentum; too much momentum.",
)


# --- lesson 4: Nesterov ------------------------------------------------------------------

NESTEROV = "#ff7f0e"  # next to the heavy ball's blue, cyan is too close to tell apart
L4_PRESETS = {
    "Round bowl": sc.Scene(
        surface="bowl",
        steps=100,
        runs=(run("momentum", lr=0.15, momentum=0.9), run("nesterov", NESTEROV, lr=0.15)),
    ),
    "Canyon": sc.Scene(
        surface="canyon",
        steps=150,
        runs=(run("momentum", lr=0.18, momentum=0.9), run("nesterov", NESTEROV, lr=0.18)),
    ),
}


def _l4_positions(scene, source):
    surface = scene.build_surface()
    start, target = scene.start_point(surface), surface.minima[0]
    return [(r, along(r["points"], start, target)) for r in source.runs(scene)]


def _l4_chart(scene, source):
    series = [
        {"name": r["label"], "color": r["color"], "y": s} for r, s in _l4_positions(scene, source)
    ]
    return line_chart(series, ylabel="position (0 = minimum)")


def _l4_notes(scene, source):
    return [
        f"**{r['label']}**: farthest past the minimum **{max(np.nanmax(s), 0.0):.3g}**, "
        f"loss after {scene.steps} steps {r['values'][-1]:.2g}."
        for r, s in _l4_positions(scene, source)
    ]


LESSON_4 = Lesson(
    4,
    "Nesterov: look before you leap",
    r"""
Heavy-ball momentum takes the gradient where the ball *is* and then lets the velocity
carry it on. Near the minimum that is too late: the velocity has already committed to the
next step, so the ball sails past and has to come back.

Nesterov's idea is to look first. Take the gradient at the point the velocity is about
to carry you to, $\tilde\theta = \theta + \mu v$. When that look-ahead point is already
past the minimum, its gradient points back and brakes the step *before* the overshoot
instead of after it.

Same learning rate, same $\mu$, one change in where the gradient is taken. On the round
bowl the heavy ball swings far past the minimum, most of the way back out, before it turns;
Nesterov crosses the minimum by much less and settles far sooner.

The look-ahead has a price worth knowing: on a steep direction it reacts more strongly,
so Nesterov's largest stable learning rate is lower than the heavy ball's.
""",
    ("nesterov", "momentum"),
    L4_PRESETS,
    (
        "Raise μ to 0.97 on the bowl: both overshoot more, and the gap between them widens.",
        "On the canyon, raise the learning rate to 0.3: the heavy ball survives, Nesterov "
        "diverges (its stable limit here is about 0.27).",
        "Read the chart: it is the position along the line from the start to the minimum; "
        "every bump above 0 is an overshoot.",
    ),
    "With the same lr and μ, Nesterov's largest overshoot past the minimum is smaller than "
    "the heavy ball's on both presets; at lr 0.3 on the canyon Nesterov diverges and the "
    "heavy ball does not.",
    controls=(
        hp_control(
            "mu",
            "Momentum μ",
            "Fraction of the velocity kept at each step, for both runs.",
            hp="momentum",
            low=0.5,
            high=0.99,
            step=0.01,
        ),
        hp_control(
            "lr",
            "Learning rate γ",
            "Step size for both runs. Nesterov's stable range is smaller than the heavy "
            "ball's on steep directions.",
            low=0.01,
            high=0.4,
            step=0.01,
        ),
    ),
    charts=(
        Chart(
            "Position along the line from the start to the minimum",
            _l4_chart,
            caption="0 is the minimum; above 0 means past it (an overshoot).",
        ),
    ),
    notes=_l4_notes,
    preset_help="The same heavy ball and Nesterov runs on a round bowl and in a canyon.",
)


# --- lesson 5: AdaGrad -------------------------------------------------------------------

LR_STOPS = log_stops(0.001, 3.0)
L5_PRESETS = {
    "Steep start (Booth)": sc.Scene(surface="booth", steps=200, runs=(run("adagrad", lr=0.1),)),
    "Long gentle walk (Matyas)": sc.Scene(
        surface="matyas", steps=200, runs=(run("adagrad", lr=0.1),)
    ),
}


def _distance_to_min(scene, points):
    """Distance from the last finite point of a path to the nearest known minimum."""
    finite = points[np.isfinite(points).all(axis=1)]
    mins = np.asarray(scene.build_surface().minima, dtype=float)
    return float(np.min(np.linalg.norm(mins - finite[-1], axis=1)))


def _l5_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        rows = np.flatnonzero(np.isfinite(data["step_size"]).all(axis=1))
        if not rows.size:
            notes.append(f"**{r.label()}**: no finite step size to show.")
            continue
        first, last = data["step_size"][rows[0]], data["step_size"][rows[-1]]
        notes.append(
            f"**{r.label()}**: step size in x went from {first[0]:.2g} to **{last[0]:.2g}**, "
            f"in y from {first[1]:.2g} to **{last[1]:.2g}**; after {scene.steps} steps it is "
            f"{_distance_to_min(scene, data['points']):.2g} from the minimum."
        )
    return notes


LESSON_5 = Lesson(
    5,
    "AdaGrad: a learning rate per coordinate, and why it stalls",
    r"""
One learning rate for all coordinates is a compromise (lesson 1). AdaGrad gives each
coordinate its own. It keeps the sum of all squared gradients seen so far in that
coordinate, $s_t = s_{t-1} + g_t^2$, and divides the step by its root:
$\theta \leftarrow \theta - \gamma\, g_t / \sqrt{s_t}$. Coordinates with big gradients get
small steps, coordinates with small gradients get big ones. The very first step is exactly
$\gamma$ in every coordinate, since $g/\sqrt{g^2} = \pm 1$.

The catch is in the word *sum*: it only grows. Every gradient ever seen stays in the
denominator, so the effective step size $\gamma/\sqrt{s_t}$ can only shrink, roughly like
$1/\sqrt{t}$ even on a steady slope, and for good after a steep start. On Booth the very
first gradient is 32 in $x$; that single number keeps the $x$-steps tiny for the rest of
the run, and the path stalls long before the minimum.

For convex problems with noisy gradients this shrinking is a feature: it guarantees
convergence. For long walks, and for training deep networks, it is why AdaGrad gave way
to RMSprop and Adam.
""",
    ("adagrad",),
    L5_PRESETS,
    (
        "Multiply the learning rate by 10. The path gets further, but the chart still falls: "
        "a bigger γ postpones the stall, it does not remove it.",
        "Compare the x and y lines on Booth: the coordinate with the steeper start ends with "
        "the smaller steps.",
        "Go on to lesson 6 to see the same start with RMSprop.",
    ),
    "AdaGrad's effective step size never increases, ends far below where it started, and "
    "the run stops well short of the minimum within the budget.",
    controls=(
        hp_control(
            "lr",
            "Learning rate γ",
            "The first step's size in each coordinate; all later steps are smaller.",
            "select_slider",
            options=LR_STOPS,
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            "Effective step size γ / √s per coordinate",
            step_size_chart,
            caption="Log scale; solid = x, dotted = y. It can only go down.",
        ),
    ),
    notes=_l5_notes,
    preset_help="A start with a steep first gradient (Booth) and a long, gentle walk (Matyas).",
)


# --- lesson 6: RMSprop -------------------------------------------------------------------

L6_PRESETS = {
    "Booth: AdaGrad against RMSprop": sc.Scene(
        surface="booth", steps=200, runs=(run("adagrad", lr=0.1), run("rmsprop", lr=0.1))
    ),
    "Plateau: when shrinking helps": sc.Scene(
        surface="plateau", steps=200, runs=(run("adagrad", lr=0.1), run("rmsprop", lr=0.1))
    ),
}


def mean_step_size(step_size):
    """Mean over the coordinates of each step's size, ignoring non-finite entries.

    A zero gradient gives 0/0 and a diverged run NaN; those entries are skipped, and a
    step with no finite entry is NaN (no warning).

    Parameters
    ----------
    step_size : ndarray, shape (steps, 2)

    Returns
    -------
    ndarray, shape (steps,)
    """
    finite = np.isfinite(step_size)
    count = finite.sum(axis=1)
    total = np.where(finite, step_size, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _l6_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        size = mean_step_size(data["step_size"])
        valid = np.flatnonzero(np.isfinite(size))
        if not valid.size:
            notes.append(f"**{r.label()}**: no finite step size to show.")
            continue
        low, last = valid[np.argmin(size[valid])], valid[-1]
        notes.append(
            f"**{r.label()}**: smallest step size {size[low]:.2g} at step {low + 1}, "
            f"**{size[last]:.2g}** at step {last + 1}; distance to the minimum "
            f"{_distance_to_min(scene, data['points']):.2g}."
        )
    return notes


LESSON_6 = Lesson(
    6,
    "RMSprop: forget the old gradients",
    r"""
RMSprop (proposed by Geoff Hinton in a 2012 lecture) keeps AdaGrad's per-coordinate
scaling but replaces the sum by a moving average:
$v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$. An old gradient's weight fades like $\alpha^k$,
so $v$ tracks the *recent* size of the gradient, roughly over the last $1/(1-\alpha)$
steps (100 for $\alpha = 0.99$). When the slope gets gentler, $v$ shrinks and the step size
grows back: the rate can recover, which AdaGrad's cannot.

The result is a step of roughly $\gamma$ per coordinate wherever you are, on steep walls and
flat plains alike. Two honest caveats you can see here:

- The first steps are long. $v$ starts at 0, so after one step $\sqrt{v_1} =
  \sqrt{1-\alpha}\,|g_1|$ and the step is $\gamma/\sqrt{1-\alpha}$: 10 γ. Adam's bias
  correction (lesson 8) removes exactly this.
- Near the minimum the step does not shrink by itself, so RMSprop can keep jittering
  around it at a fixed $\gamma$ (the Plateau preset), while AdaGrad's shrinking steps settle.
""",
    ("rmsprop", "adagrad"),
    L6_PRESETS,
    (
        "Lower α to 0.9: a shorter memory, faster recovery, and more jitter.",
        "Set α to 0.999 and look at the first step: γ/√(1 − α) ≈ 3.2 per coordinate, a "
        "long jump, because v starts at 0. Lesson 8's bias correction removes exactly this.",
        "On the Plateau preset, lower the learning rate to 0.01: RMSprop's jitter shrinks "
        "with γ, since γ is roughly its step length.",
    ),
    "RMSprop's effective step size grows back after its low point while AdaGrad's only "
    "shrinks; at the same lr on Booth, RMSprop reaches the minimum and AdaGrad does not.",
    controls=(
        hp_control(
            "alpha",
            "RMSprop's decay α",
            "Weight of the old average at each step: it remembers about 1/(1 − α) steps.",
            "select_slider",
            optimizer="rmsprop",
            options=(0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999),
            fmt=fmt_num,
        ),
        hp_control(
            "lr",
            "Learning rate γ (both)",
            "The same γ for AdaGrad and RMSprop, so only the denominator differs.",
            "select_slider",
            options=LR_STOPS,
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            "Effective step size per coordinate",
            step_size_chart,
            caption="Log scale; solid = x, dotted = y. AdaGrad's only falls; RMSprop's recovers.",
        ),
    ),
    notes=_l6_notes,
    preset_help="Booth, where AdaGrad stalls, and a plateau, where its shrinking helps.",
)


# --- lesson 7: AdaDelta ------------------------------------------------------------------

L7_PRESETS = {
    "Himmelblau: steps grow by themselves": sc.Scene(
        surface="himmelblau", steps=300, runs=(run("adadelta", lr=1.0),)
    ),
    "Round bowl: ε is the hidden learning rate": sc.Scene(
        surface="bowl",
        steps=300,
        runs=(run("adadelta", lr=1.0), run("adadelta", "#e377c2", lr=1.0, eps=1e-4)),
    ),
}
EPS_STOPS = (1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)


def _l7_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        hp = r.hparams()
        expected = math.sqrt(hp["eps"] / (1 - hp["rho"]))
        lengths = np.linalg.norm(data["update"], axis=1)
        notes.append(
            f"**{r.label()}**: first step {np.abs(data['update'][0]).max():.3g} per coordinate "
            f"(√(ε/(1−ρ)) = {expected:.3g}); longest step **{np.nanmax(lengths):.3g}**, "
            f"{np.nanmax(lengths) / lengths[0]:.1f}× the first."
        )
    return notes


LESSON_7 = Lesson(
    7,
    "AdaDelta: no global learning rate",
    r"""
AdaDelta (Zeiler, 2012) starts from RMSprop and asks about units. If $\theta$ is in metres,
$g/\sqrt{v}$ has no units at all, so in RMSprop the learning rate has to carry the metres.
AdaDelta replaces $\gamma$ by the root-mean-square of its *own recent steps*:

$$
\Delta\theta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t,
\qquad u_t = \rho u_{t-1} + (1-\rho)\,\Delta\theta_t^2
$$

Now the step has the units of $\theta$, and no global learning rate is needed (PyTorch
keeps an `lr` multiplier, 1 by default; this lesson leaves it at 1).

So where does the first step come from? From $\epsilon$. With $u_0 = 0$ the first step is
$\sqrt{\epsilon/(1-\rho)}$ in each coordinate, about 0.003 with the defaults, *whatever the
gradient*, and later steps can only grow as fast as the recent steps allow. When the path
keeps heading the same way, as on Himmelblau, the steps build on each other and grow
twenty-fold. On the bowl, where the gradient shrinks as the path closes in, they stay tiny,
and $\epsilon$ quietly plays the part the learning rate used to.
""",
    ("adadelta",),
    L7_PRESETS,
    (
        "On the bowl, move ε from 1e-6 to 1e-4: the first run catches up with the second. "
        "ε sets the pace.",
        "On Himmelblau, set ρ to 0.5: the steps peak lower (about 0.03 instead of 0.1), yet "
        "the run ends closer to the minimum. Memory length changes the pace in ways that "
        "are hard to guess.",
        "Read ‘What the numbers say’: the first step matches √(ε/(1−ρ)) on both surfaces, "
        "although their gradients differ.",
    ),
    "AdaDelta's first step is √(ε/(1−ρ)) per coordinate whatever the gradient; on "
    "Himmelblau its steps grow over tenfold; on the bowl a larger ε gets much closer to the "
    "minimum within the budget.",
    controls=(
        hp_control(
            "eps",
            "ε (first run)",
            "Sets the first step √(ε/(1−ρ)) and a floor under later ones: in effect, "
            "AdaDelta's hidden learning rate.",
            "select_slider",
            index=0,
            options=EPS_STOPS,
            fmt=fmt_num,
        ),
        hp_control(
            "rho",
            "Decay ρ (all runs)",
            "Memory of both moving averages, of g² and of Δθ²: about 1/(1 − ρ) steps.",
            "select_slider",
            options=(0.5, 0.8, 0.9, 0.95, 0.99),
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            "Step length |Δθ| per step",
            update_length_chart,
            caption="Log scale. It starts at √(2ε/(1−ρ)) (two coordinates) and grows only "
            "as the recent steps allow.",
        ),
    ),
    notes=_l7_notes,
    preset_help="Himmelblau, where the steps grow by themselves, and a bowl with two values of ε.",
)


# --- lesson 8: Adam ----------------------------------------------------------------------

L8_PRESETS = {
    "The first steps": sc.Scene(surface="booth", steps=60, runs=(run("adam", lr=0.1),)),
    "The learning rate is the knob": sc.Scene(
        surface="booth",
        steps=200,
        runs=(
            run("adam", "#98df8a", lr=0.01),
            run("adam", "#2ca02c", lr=0.1),
            run("adam", "#0b4f0b", lr=1.0),
        ),
    ),
}
FIRST_STEPS = 30


def _with_correction(scene, on):
    return set_hp(scene, "bias_correction", bool(on), "adam")


def _l8_steps_chart(scene, source):
    series = []
    for on, dash in ((True, "solid"), (False, "dash")):
        variant = replace(_with_correction(scene, on), steps=FIRST_STEPS)
        r, data = variant.active_runs()[0], source.internals(variant)[0]
        ratio = np.abs(data["update"][:, 0]) / r.hparams()["lr"]
        name = "with bias correction" if on else "without"
        x = np.arange(1, ratio.size + 1)
        series.append({"name": name, "color": r.color, "y": ratio, "x": x, "dash": dash})
    return line_chart(series, ylabel="|Δθₓ| / γ")


def _l8_moments_chart(scene, source):
    variant = replace(_with_correction(scene, True), steps=20)
    data = source.internals(variant)[0]
    x = np.arange(1, 21)
    series = [
        {"name": "gradient gₓ", "color": GREY, "y": data["grad"][:, 0], "x": x, "dash": "dot"},
        {"name": "mₓ (raw average)", "color": "#d62728", "y": data["mu"][:, 0], "x": x},
        {"name": "m̂ₓ (corrected)", "color": "#2ca02c", "y": data["mu_hat"][:, 0], "x": x},
    ]
    return line_chart(series, ylabel="x component")


def _l8_notes(scene, source):
    notes = []
    for r, data in zip(scene.active_runs(), source.internals(scene), strict=True):
        lr = r.hparams()["lr"]
        first = np.abs(data["update"][0]) / lr
        biggest = np.nanmax(np.abs(data["update"])) / lr
        notes.append(
            f"**{r.label()}**: first step {first[0]:.3g} γ in x and {first[1]:.3g} γ in y; "
            f"largest step in any coordinate {biggest:.3g} γ."
        )
    b1, b2 = get_hp(scene, "beta1", "adam"), get_hp(scene, "beta2", "adam")
    notes.append(
        f"Without correction the first step would be (1 − β₁)/√(1 − β₂) = "
        f"**{(1 - b1) / math.sqrt(1 - b2):.3g} γ**; with it, 1 γ."
    )
    return notes


LESSON_8 = Lesson(
    8,
    "Adam: momentum plus RMSprop",
    r"""
Adam (Kingma and Ba, 2015) combines the two previous ideas: momentum's moving average of
the gradient, $m_t$ (decay $\beta_1$), and RMSprop's moving average of its square, $v_t$
(decay $\beta_2$). The step is $\gamma\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)$: a direction
from momentum, a per-coordinate scale from RMSprop.

**Bias correction.** Both averages start at 0, so at first they are too small: after one
step $m_1 = (1-\beta_1) g_1$, a tenth of the gradient. Dividing by $1 - \beta^t$ undoes this
exactly for a steady gradient: $\hat m_1 = g_1$, $\hat v_1 = g_1^2$, and the first step is
$\gamma$ in every coordinate. Without the correction, the shrunken $m$ is divided by an even
more shrunken $\sqrt{v}$ (a factor $\sqrt{1-\beta_2} \approx 0.03$), so the first step is
$(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.2$ times $\gamma$, and the next ones up to about 6
times, until $v$ warms up over several hundred steps. Bias correction does not make Adam
faster; it makes $\gamma$ mean the same thing at step 1 as at step 10 000.

**Defaults.** $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$ work across a wide range
of problems and are rarely changed. $\gamma$ is the one to tune: $\hat m/\sqrt{\hat v}$ is
about $\pm 1$ on a steady slope, so $\gamma$ is roughly the distance each coordinate moves
per step, whatever the size of the gradient. Too small and the run is slow; too large and
it hops around the minimum.
""",
    ("adam",),
    L8_PRESETS,
    (
        "Switch bias correction off and read the first chart: the dashed line starts at 3.2 "
        "and climbs to about 6 before it comes down.",
        "Set β₂ to 0.99: the uncorrected first step becomes (1 − 0.9)/√0.01 = 1 γ. The "
        "bias then hurts m and v equally and cancels.",
        "In the second preset, note that Booth's first gradient is 32 in x and 4 in y, "
        "yet every run's first step is γ in both.",
    ),
    "With bias correction Adam's first step is γ in each coordinate; without it it is "
    "(1−β₁)/√(1−β₂) ≈ 3.16 γ; and the steps stay within that bound whatever the gradient.",
    controls=(
        Control(
            "bias",
            "Bias correction",
            "Divide m and v by 1 − βᵗ. Off shows the raw averages' too-long early steps.",
            "toggle",
            get=lambda s: get_hp(s, "bias_correction", "adam"),
            set=lambda s, v: _with_correction(s, v),
        ),
        hp_control(
            "lr",
            "Learning rate γ",
            "About the distance each coordinate moves per step.",
            "select_slider",
            options=LR_STOPS,
            fmt=fmt_num,
            presets=("The first steps",),
        ),
        hp_control(
            "beta1",
            "β₁ (momentum)",
            "Decay of the gradient average m: about 1/(1 − β₁) steps of memory.",
            "select_slider",
            options=(0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
            fmt=fmt_num,
        ),
        hp_control(
            "beta2",
            "β₂ (scale)",
            "Decay of the squared-gradient average v: about 1/(1 − β₂) steps of memory.",
            "select_slider",
            options=(0.9, 0.99, 0.999, 0.9999),
            fmt=fmt_num,
        ),
    ),
    charts=(
        Chart(
            f"Step length in x over the first {FIRST_STEPS} steps, in units of γ",
            _l8_steps_chart,
            caption="Computed with and without bias correction for the first run.",
        ),
        Chart(
            "Gradient, raw average m and corrected m̂ (x, first 20 steps)",
            _l8_moments_chart,
            caption="m starts at a tenth of the gradient; m̂ = m / (1 − β₁ᵗ) does not.",
        ),
    ),
    notes=_l8_notes,
    preset_help="The first steps with and without bias correction; three learning rates.",
)


# --- lesson 9: after Adam ----------------------------------------------------------------

L9_RACERS = (
    ("Adam", run("adam", "#2ca02c", lr=0.1)),
    ("NAdam", run("nadam", "#1f77b4", lr=0.1)),
    ("AMSGrad", run("adam", "#ff7f0e", lr=0.1, amsgrad=True)),
    ("AdamW", run("adamw", "#9467bd", lr=0.1, weight_decay=0.1)),
    ("RAdam", run("radam", "#17becf", lr=0.1)),
    ("Lion", run("lion", "#d62728", lr=0.03, weight_decay=0.0)),
)
L9_PRESETS = {
    "Canyon": sc.Scene(surface="canyon", steps=200, runs=tuple(r for _, r in L9_RACERS)),
    "Booth": sc.Scene(surface="booth", steps=300, runs=tuple(r for _, r in L9_RACERS)),
}


def _l9_notes(scene, source):
    if not scene.active_runs():
        return ["No racer is switched on: pick at least one above."]
    return [
        f"**{r['label']}**: loss after {scene.steps} steps **{r['values'][-1]:.2g}**"
        + (f", diverged at step {r['diverged_at']}" if r["diverged_at"] >= 0 else "")
        + f"; distance to the minimum {_distance_to_min(scene, r['points']):.2g}."
        for r in source.runs(scene)
    ]


def _l9_set_racers(scene, chosen):
    runs = tuple(replace(r, enabled=i in chosen) for i, r in enumerate(scene.runs))
    return replace(scene, runs=runs)


LESSON_9 = Lesson(
    9,
    "After Adam: NAdam, AMSGrad, AdamW, RAdam, Lion",
    r"""
Adam's recipe spawned a family. Each member changes one ingredient:

- **NAdam** (Dozat, 2016) puts Nesterov's look-ahead (lesson 4) inside Adam: the step
  uses the momentum it is about to have, so it brakes a little earlier.
- **AMSGrad** (Reddi, Kale and Kumar, 2018) divides by the *largest* $v$ seen so far,
  $v^{max}_t = \max(v^{max}_{t-1}, v_t)$, so a coordinate's step size can never grow back.
  This repairs a flaw in Adam's convergence proof; in practice it changes little. It is
  Adam's `amsgrad` flag, which is why its rule is in Adam's box.
- **AdamW** (Loshchilov and Hutter, 2019) applies weight decay to $\theta$ directly,
  $\theta \leftarrow \theta - \gamma\lambda\theta$, instead of adding $\lambda\theta$ to the
  gradient, where Adam's $\sqrt{\hat v}$ would rescale it. On Booth the decay and the Adam
  step balance a little away from the minimum at (1, 3), so AdamW ends off it.
- **RAdam** (Liu et al., 2020): the first estimates of $v$ rest on very few gradients, so
  RAdam takes plain momentum-SGD steps $\gamma \hat m_t$ until its variance estimate is
  trustworthy ($\rho_t > 5$: the first 5 steps with $\beta_2 = 0.999$), then phases the
  adaptive step in: a built-in warmup. Those first steps are proportional to the gradient:
  on Booth, where the first gradient is 32, they are long jumps.
- **Lion** (Chen et al., 2023, found by an automated search over programs) steps by the
  *sign* of a momentum blend, so every coordinate moves exactly $\gamma$ per step, steep
  or flat. It wants a 3-10× smaller $\gamma$ than Adam and, like any fixed-length step, it
  does not slow down near the minimum.
""",
    ("nadam", "adam", "adamw", "radam", "lion"),
    L9_PRESETS,
    (
        "Keep only Adam and AMSGrad: on these smooth surfaces they nearly coincide.",
        "Keep only Adam and RAdam on Booth and play the first 10 steps: five momentum-SGD "
        "jumps, then a pause while the rectified step is still small.",
        "Keep only Lion on Booth: it crosses the minimum and keeps going with steps of "
        "exactly γ. Open it in the explorer and add a cosine schedule (lesson 10).",
    ),
    "RAdam's first 5 steps are momentum-SGD steps γ·m̂; Lion moves every coordinate by "
    "exactly γ; AMSGrad's v^max never decreases; AdamW's decay is γ·λ·θ on top of Adam's "
    "step; NAdam overshoots less than Adam in the canyon.",
    controls=(
        Control(
            "racers",
            "Racers",
            "Switch family members on and off to compare any two.",
            "multiselect",
            get=lambda s: [i for i, r in enumerate(s.runs) if r.enabled],
            set=_l9_set_racers,
            options=tuple(range(len(L9_RACERS))),
            fmt=lambda i: L9_RACERS[i][0],
        ),
    ),
    charts=(Chart("Loss per step", loss_chart, caption="Log scale."),),
    notes=_l9_notes,
    preset_help="The whole family on the canyon and on Booth, at γ = 0.1 (Lion 0.03).",
)


# --- lesson 10: learning-rate schedules --------------------------------------------------

L10_BASE = dict(surface="linear_regression", steps=200, batch_size=1, runs=(run("gd", lr=0.1),))
L10_PRESETS = {
    "Constant": sc.Scene(**L10_BASE),
    "Step": sc.Scene(
        **L10_BASE, schedule="step", schedule_params=(("gamma", 0.5), ("step_size", 50))
    ),
    "Exponential": sc.Scene(**L10_BASE, schedule="exponential", schedule_params=(("gamma", 0.99),)),
    "1/t": sc.Scene(**L10_BASE, schedule="inverse_time", schedule_params=(("k", 0.05),)),
    "Cosine": sc.Scene(**L10_BASE, schedule="cosine", schedule_params=(("t_max", 200),)),
    "Warmup + cosine": sc.Scene(
        **L10_BASE, schedule="cosine", schedule_params=(("t_max", 180), ("warmup", 20))
    ),
}


def schedule_control(key, label, options, presets, fmt=fmt_num):
    """Build a select-slider :class:`Control` for one schedule parameter.

    The tooltip is the schedule registry's own help text for the parameter.

    Parameters
    ----------
    key : str
        Schedule parameter name (``gamma``, ``k``, ``t_max``, ``warmup``, ...).
    label : str
    options : tuple
    presets : tuple of str
        The presets whose schedule has this parameter.
    fmt : callable

    Returns
    -------
    Control
    """
    kind = L10_PRESETS[presets[0]].schedule
    help_text = optimizers.SCHEDULES[kind].hparams[key].help

    def get(scene):
        return dict(scene.schedule_params).get(key, optimizers.SCHEDULES[kind].hparams[key].default)

    def set_(scene, value):
        params = dict(scene.schedule_params)
        params[key] = value
        return replace(scene, schedule_params=tuple(sorted(params.items())))

    return Control(
        key, label, help_text, "select_slider", get, set_, options, fmt=fmt, presets=presets
    )


def _constant(scene):
    return replace(scene, schedule="constant", schedule_params=())


def _l10_rates_chart(scene, source):
    lr0 = get_hp(scene, "lr")
    x = np.arange(1, scene.steps + 1)
    constant = schedule_rates(_constant(scene), lr0)
    series = [{"name": "constant", "color": GREY, "y": constant, "x": x, "dash": "dot"}]
    if scene.schedule != "constant":
        title = optimizers.SCHEDULES[scene.schedule].title
        series.append({"name": title, "color": "#d62728", "y": schedule_rates(scene, lr0), "x": x})
    top = 1.1 * max(float(np.max(s["y"])) for s in series)
    return line_chart(series, ylabel="learning rate γₜ", y_range=(0, top))


def _l10_loss_chart(scene, source):
    f_min = lowest_minimum(scene.build_surface())
    (const,) = source.runs(_constant(scene))
    series = [{"name": "constant", "color": GREY, "y": const["values"] - f_min, "dash": "dot"}]
    if scene.schedule != "constant":
        (mine,) = source.runs(scene)
        title = optimizers.SCHEDULES[scene.schedule].title
        series.append({"name": title, "color": "#d62728", "y": mine["values"] - f_min})
    return line_chart(series, ylabel="loss above the minimum", log_y=True, y_range=(1e-5, 30))


def tail_excess(values, f_min, tail=50):
    """Mean of ``values - f_min`` over the last ``tail`` steps (how well a run settled).

    Parameters
    ----------
    values : array_like
    f_min : float
    tail : int

    Returns
    -------
    float
    """
    return float(np.nanmean(np.asarray(values, dtype=float)[-tail:] - f_min))


def _l10_notes(scene, source):
    f_min = lowest_minimum(scene.build_surface())
    (const,) = source.runs(_constant(scene))
    (mine,) = source.runs(scene)
    lr0 = get_hp(scene, "lr")
    rates = schedule_rates(scene, lr0)
    return [
        f"Learning rate: {rates[0]:.3g} at step 1, {rates.max():.3g} at most, "
        f"**{rates[-1]:.3g}** at the last step.",
        f"Loss above the minimum, averaged over the last 50 steps: constant "
        f"**{tail_excess(const['values'], f_min):.3g}**, this schedule "
        f"**{tail_excess(mine['values'], f_min):.3g}**.",
    ]


LESSON_10 = Lesson(
    10,
    "Learning-rate schedules",
    r"""
A constant learning rate forces a trade-off: large enough to travel fast, small enough to
settle. With noisy gradients (here batch-1 SGD from lesson 2) you cannot have both: the
noise in each step is proportional to $\gamma$, so a constant $\gamma$ keeps the path bouncing
around the minimum forever. A schedule changes $\gamma$ during the run: large early, small late.

- **Step decay**: multiply $\gamma$ by a factor (0.5) every $s$ steps: a staircase.
- **Exponential**: multiply by a factor (0.99) at every step: a smooth slide.
- **1/t** (inverse time): $\gamma_t = \gamma_0 / (1 + k(t-1))$. The steps add up to infinity
  (the path can reach anywhere) while their squares do not (the noise dies out): the classic
  condition under which SGD provably converges.
- **Cosine annealing**: glide from $\gamma_0$ to $\gamma_{min}$ along half a cosine, spending long
  at a high rate and ending gently; popular for training deep networks.
- **Warmup**: rise linearly from 0 over the first $w$ steps, then run the schedule. It
  protects the first steps, when gradients are wild or an adaptive method's statistics are
  still unreliable (RAdam, lesson 9, builds this in).

The schedule's formula appears with the update rule, and the first chart below the player
plots $\gamma_t$ step by step.
""",
    ("gd",),
    L10_PRESETS,
    (
        "Compare Constant and 1/t on the loss chart: the same start, but only one settles.",
        "On Step, set γ to 0.9: the decay is too gentle to settle within 200 steps.",
        "On Warmup + cosine, raise the warmup to 100 steps: the cosine then has only 100 of "
        "its 180 steps left, ends at a rate that is still high, and the path never settles.",
    ),
    "Each schedule's learning rates have the named shape, and with batch-1 SGD every "
    "decaying schedule ends closer to the minimum (last 50 steps) than the constant rate.",
    controls=(
        hp_control(
            "lr",
            "Initial learning rate γ₀",
            "The rate at step 1 (after any warmup): the schedule scales it down from here.",
            "select_slider",
            options=(0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3),
            fmt=fmt_num,
        ),
        schedule_control("gamma", "Decay factor γ (step)", (0.1, 0.2, 0.5, 0.7, 0.9), ("Step",)),
        schedule_control("step_size", "Steps between decays s", (10, 25, 50, 100), ("Step",)),
        schedule_control(
            "gamma",
            "Decay factor γ (per step)",
            (0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
            ("Exponential",),
        ),
        schedule_control("k", "Decay rate k", (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0), ("1/t",)),
        schedule_control("t_max", "Cosine length T", (50, 100, 150, 200), ("Cosine",)),
        schedule_control("warmup", "Warmup steps w", (0, 5, 10, 20, 50, 100), ("Warmup + cosine",)),
    ),
    charts=(
        Chart("Learning rate γₜ per step", _l10_rates_chart, caption="Dotted: the constant rate."),
        Chart(
            "Loss: this schedule against the constant rate",
            _l10_loss_chart,
            caption="Log scale, all 50 samples; the same seed, so the same batches for both.",
        ),
    ),
    notes=_l10_notes,
    preset_help="The same batch-1 SGD run under six learning-rate schedules.",
)


# --- lesson 11: saddle points ------------------------------------------------------------

L11_RUNS = (run("gd", lr=0.1), run("adam", lr=0.05), run("newton", lr=1.0))
L11_PRESETS = {
    "Just off the ridge": sc.Scene(surface="saddle", start=(-1.5, 0.001), steps=50, runs=L11_RUNS),
    "Exactly on the ridge": sc.Scene(surface="saddle", start=(-1.5, 0.0), steps=50, runs=L11_RUNS),
    "On the ridge, with noise": sc.Scene(
        surface="saddle", start=(-1.5, 0.0), steps=50, noise=0.05, runs=L11_RUNS
    ),
}
Y0_STOPS = (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 0.1)


def _l11_chart(scene, source):
    series = [
        {"name": r["label"], "color": r["color"], "y": np.linalg.norm(r["points"], axis=1)}
        for r in source.runs(scene)
    ]
    return line_chart(series, ylabel="distance from the saddle", y_range=(0, 2.5))


def _l11_notes(scene, source):
    notes = []
    for r in source.runs(scene):
        dist = np.linalg.norm(r["points"], axis=1)
        k = r["diverged_at"]
        end = (
            f"ran off the map (stopped at step {k})"
            if k >= 0
            else f"ends at ({r['points'][-1, 0]:.2g}, {r['points'][-1, 1]:.2g})"
        )
        notes.append(f"**{r['label']}**: closest to the saddle {np.nanmin(dist):.2g}; {end}.")
    return notes


LESSON_11 = Lesson(
    11,
    "Saddle points",
    r"""
In two dimensions most points where the gradient vanishes are minima. In many dimensions
most are *saddles*: downhill in some directions, uphill in others. $z = x^2 - y^2$ is the
simplest one: a minimum along $x$, a maximum along $y$, and a zero gradient at the origin.

- **Plain GD** is pulled in along $x$ and pushed out along $y$. Started a hair off the
  ridge ($y = 0.001$), the $y$-distance grows by a factor $1 + 2\gamma$ per step:
  exponentially, but from almost nothing. So the path creeps up to the saddle, lingers
  there, and only then slides off.
- **Adam** divides each coordinate's gradient by its own recent size, so even the tiny
  $y$-gradient becomes a step of about $\gamma$: it walks away along $y$ from the first step.
- **Newton's method** jumps to where the local quadratic model has zero gradient. On a
  quadratic that is the saddle itself, reached in one step: Newton cannot tell minima from
  saddles or maxima, which is one reason (besides its cost) that it is not used as is in
  deep learning.
- **Exactly on the ridge** ($y = 0$) the $y$-gradient is exactly 0 forever, and GD and Adam
  both stay on the ridge and end at the saddle. Any noise breaks the tie, as the third
  preset shows; real training is always a little noisy, which is one reason saddles trap
  optimizers less in practice than in theory.

The surface has no bottom: a path that escapes keeps going, and the run is stopped once it
is far outside the map.
""",
    ("gd", "adam", "newton"),
    L11_PRESETS,
    (
        "Move the start's y from 0.001 to 1e-6: GD lingers longer near the saddle; Adam "
        "hardly notices.",
        "In the noisy preset, set the noise to 0: everyone ends at (or right next to) the "
        "saddle again.",
        "Open the preset in the explorer and add momentum: it escapes sooner than GD.",
    ),
    "Just off the ridge, GD and Adam escape the saddle while Newton lands on it; exactly on "
    "the ridge GD ends at the saddle, and with gradient noise it escapes.",
    controls=(
        Control(
            "y0",
            "Start height y₀",
            "How far off the ridge y = 0 the runs start (x₀ = −1.5). 0 is exactly on it.",
            "select_slider",
            get=lambda s: s.start[1],
            set=lambda s, v: replace(s, start=(s.start[0], float(v))),
            options=Y0_STOPS,
            fmt=fmt_num,
        ),
        scene_control(
            "noise",
            "Gradient noise σ",
            "Adds Gaussian noise of this size to every gradient (the same draws for every run).",
            field="noise",
            low=0.0,
            high=0.5,
            step=0.01,
        ),
    ),
    charts=(
        Chart(
            "Distance from the saddle",
            _l11_chart,
            caption="A dip towards 0 is a visit to the saddle; Newton drops to 0 at step 1.",
        ),
    ),
    notes=_l11_notes,
    preset_help="Start just off the ridge, exactly on it, or on it with noisy gradients.",
)


# --- lesson 12: which optimizer is best? -------------------------------------------------

L12_SURFACES = ("canyon", "booth", "styblinski_tang", "three_hump_camel")
L12_PRESETS = {
    surfaces.info(name).title: sc.Scene(surface=name, steps=300, runs=sc.default_runs(name))
    for name in L12_SURFACES
}
L12_TOL = 1e-3
ADAM_FACTORS = (0.3, 1.0, 2.0, 3.0, 5.0, 10.0)


def _l12_preset(surface_name):
    return next(p for p in L12_PRESETS.values() if p.surface == surface_name)


def adam_factor(scene: sc.Scene) -> float:
    """Return Adam's learning rate in the scene relative to its lesson-12 preset.

    Parameters
    ----------
    scene : Scene
        A lesson-12 scene (one of ``L12_SURFACES``).

    Returns
    -------
    float
    """
    base = get_hp(_l12_preset(scene.surface), "lr", "adam")
    return round(get_hp(scene, "lr", "adam") / base, 6)


def with_adam_factor(scene: sc.Scene, factor: float) -> sc.Scene:
    """Return ``scene`` with Adam's learning rate at ``factor`` times its preset value."""
    base = get_hp(_l12_preset(scene.surface), "lr", "adam")
    return set_hp(scene, "lr", float(f"{base * factor:.6g}"), "adam")


def race_table(scene, source):
    """Race the four classics on every lesson-12 surface.

    Parameters
    ----------
    scene : Scene
        A lesson-12 scene: its ``steps`` (the budget) and Adam's learning-rate factor
        (see :func:`adam_factor`) apply to every surface.
    source : object
        Has ``runs(scene)``.

    Returns
    -------
    list of dict
        One row per surface: the steps each optimizer needed to get within
        ``L12_TOL`` of the lowest known minimum (None: not within the budget) and the
        fastest one.
    """
    factor = adam_factor(scene)
    rows = []
    for title, preset in L12_PRESETS.items():
        preset = with_adam_factor(replace(preset, steps=scene.steps), factor)
        f_min = lowest_minimum(preset.build_surface())
        row = {"surface": title}
        times = {}
        for r, data in zip(preset.active_runs(), source.runs(preset), strict=True):
            name = optimizers.spec(r.optimizer).title.split(" (")[0]
            times[name] = steps_to(data["values"], f_min, L12_TOL)
            row[name] = times[name]
        reached = {k: v for k, v in times.items() if v is not None}
        row["fastest"] = min(reached, key=reached.get) if reached else "none"
        rows.append(row)
    return rows


def race_rows(scene, source):
    """Return :func:`race_table` as display rows: step counts as text, "not reached" else.

    Parameters
    ----------
    scene : Scene
    source : object
        Has ``runs(scene)``.

    Returns
    -------
    list of dict of str
    """
    return [
        {
            k: v if isinstance(v, str) else "not reached" if v is None else f"{v} steps"
            for k, v in row.items()
        }  # fmt: skip
        for row in race_table(scene, source)
    ]


def _l12_notes(scene, source):
    rows = race_table(scene, source)
    winners = sorted({row["fastest"] for row in rows} - {"none"})
    return [
        f"Within {scene.steps} steps the fastest are: "
        + "; ".join(f"{row['surface']}: **{row['fastest']}**" for row in rows)
        + f". {len(winners)} different winners on {len(rows)} surfaces."
    ]


LESSON_12 = Lesson(
    12,
    "Which optimizer is best?",
    r"""
There is no best optimizer, only a best optimizer for a surface, a budget and an amount of
tuning. The table races four classics on four surfaces, each with the same rule of thumb
for its learning rate (scaled from the surface's suggested rate, not tuned). Each surface
rewards something different:

- in the **canyon**, RMSprop's per-coordinate scaling undoes the bad conditioning;
- on **Booth**, a plain tilted quadratic, gradient descent at a good rate is hard to beat;
- on **Styblinski-Tang**, only momentum carries enough speed over a ridge into the deepest
  of the four valleys; the others settle in the nearest one;
- on the **three-hump camel**, plain GD stops in a shallower local minimum.

At these rule-of-thumb rates Adam wins nowhere. That says more about the untuned learning
rates than about Adam: lesson 8 showed that $\gamma$ is the knob, and the second control
turns it. Which is the point: a fair comparison gives every method the same tuning budget.
""",
    ("gd", "momentum", "rmsprop", "adam"),
    L12_PRESETS,
    (
        "Set Adam's learning rate to 3×: Adam becomes the fastest on Booth. Tuning one "
        "number reshuffles the table.",
        "Pick Styblinski-Tang and watch the momentum run roll over the ridge that stops "
        "the others.",
        "Cut the budget to 50 steps: on Styblinski-Tang nobody arrives in time.",
    ),
    "No single optimizer is fastest on all four preset surfaces; with Adam's learning rate "
    "at 3× its rule-of-thumb value, Adam becomes the fastest on Booth.",
    controls=(
        scene_control(
            "budget",
            "Budget (steps)",
            "How many steps every run gets, on every surface in the table.",
            "select_slider",
            field="steps",
            cast=int,
            options=(50, 100, 200, 300, 500, 1000),
        ),
        Control(
            "adam_lr",
            "Adam's learning rate ×",
            "Multiply Adam's rule-of-thumb learning rate on every surface: a one-knob "
            "tuning experiment.",
            "select_slider",
            get=adam_factor,
            set=with_adam_factor,
            options=ADAM_FACTORS,
            fmt=lambda v: f"{v:g}×",
        ),
    ),
    charts=(
        Chart(
            "Steps to get within 0.001 of the lowest minimum",
            race_rows,
            kind="table",
            caption="The same learning-rate rule on every surface; 'not reached' = not "
            "within the budget.",
        ),
    ),
    notes=_l12_notes,
    preset_help="The race on each surface, one at a time; the table shows all four.",
    extra=r"""
**A note from deep learning that no 2-D surface can show.** Everything on this page measures
the training loss. Neural networks are judged on data they were not trained on, and there
a widely reported observation is that SGD with momentum often *generalizes* better than
adaptive methods such as Adam, even when Adam lowers the training loss faster (Wilson et
al., 2017, "The Marginal Value of Adaptive Gradient Methods in Machine Learning"). It is an
empirical observation, not a law: later comparisons found the gap shrinks when every
method's hyperparameters are tuned with equal care, and decoupled weight decay (AdamW,
lesson 9) was proposed partly to close it. A 2-D loss surface has no unseen data, so it
cannot show either side of this.
""",
)


LESSONS: tuple[Lesson, ...] = (
    LESSON_1,
    LESSON_2,
    LESSON_3,
    LESSON_4,
    LESSON_5,
    LESSON_6,
    LESSON_7,
    LESSON_8,
    LESSON_9,
    LESSON_10,
    LESSON_11,
    LESSON_12,
)


def lesson(number: int) -> Lesson:
    """Return lesson ``number`` (1-based).

    Parameters
    ----------
    number : int

    Returns
    -------
    Lesson

    Raises
    ------
    ValueError
        If there is no such lesson.
    """
    if not 1 <= number <= len(LESSONS):
        raise ValueError(f"there is no lesson {number}; choose 1 to {len(LESSONS)}")
    return LESSONS[number - 1]


def parse_lesson(value) -> tuple[int, str | None]:
    """Read a ``?lesson=`` value from a link, never raising.

    Parameters
    ----------
    value : str, list of str or None
        As ``st.query_params`` gives it.

    Returns
    -------
    number : int
        The lesson to show (1 when the value is missing or invalid).
    warning : str or None
        A plain sentence when the value was invalid.
    """
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None or value == "":
        return 1, None
    text = str(value).strip()[:20]
    if text.isdigit() and 1 <= int(text) <= len(LESSONS):
        return int(text), None
    return 1, (
        f"The link asks for lesson '{text}', but lessons are numbered 1 to {len(LESSONS)}. "
        "Showing lesson 1."
    )


def latex_boxes(lesson_: Lesson, scene: sc.Scene) -> list[tuple[str, str]]:
    """Return ``(title, latex)`` for every rule the lesson shows.

    The optimizers' algorithm boxes come from ``optimizers.spec(name).latex`` (the
    docstring's text); a scene with a schedule adds the schedule's formula.

    Parameters
    ----------
    lesson_ : Lesson
    scene : Scene

    Returns
    -------
    list of (str, str)
    """
    boxes = [(optimizers.spec(n).title, optimizers.spec(n).latex) for n in lesson_.optimizers]
    schedule = scene.schedule_fn()
    if schedule is not None:
        boxes.append((f"Schedule: {optimizers.SCHEDULES[scene.schedule].title}", schedule.latex))
    return boxes
