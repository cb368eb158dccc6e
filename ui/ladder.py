"""Ladders: one run computed at every value its control offers, for scrubbing in the player.

Dragging a hyperparameter in the player redraws the paths without a server round trip:
the server sends, once, the run's paths at each value the control offers around the
current one (one vectorised run, see ``optimizers.run_all``), and the player swaps between
them as the slider moves. Releasing the slider commits the value with one rerun; the
next payload brings a ladder around the new value.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

import optimizers
from ui import scene as sc

LOG_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)  # friendly values per decade of a log control
LINEAR_STOPS = 21  # values across a linear control's range
DECADES = 1  # a log ladder spans this many decades either side of the current value
START_GRID = 11  # starts per axis of the grid behind dragging the start
START_FRAMES = 90  # points kept of each of those paths (the whole path, thinned)


def log_options(low: float, high: float, value: float) -> list[float]:
    """Return friendly log-spaced values (1, 1.5, 2, 3, 5, 7 per decade) plus ``value``.

    The values a log-scale hyperparameter control offers (the sidebar's select slider and
    the player's ladder).
    """
    low = max(low, 1e-8)
    options = {float(value)}
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in LOG_MANTISSAS:
            v = float(f"{m}e{exponent}")
            if low <= v <= high:
                options.add(v)
    return sorted(options)


def stops(h, value) -> list[float]:
    """Return the values of a ladder for one hyperparameter, sorted, ``value`` among them.

    Parameters
    ----------
    h : optimizers.HParam
        Its kind, range and scale.
    value : float
        The current value.

    Returns
    -------
    list
        For a log-scale control, its values within ``DECADES`` decades of ``value``; for a
        linear one, ``LINEAR_STOPS`` round values across its range (a finite window of
        width ``2 max(1, |value|)`` where the range is unbounded); for an integer, the
        whole numbers among those; for a flag, none. Every value passes ``h.check``.
    """
    if h.kind == "bool":
        return []
    if h.log:
        near = 10.0**DECADES * (1 + 1e-9)
        return [v for v in log_options(h.low, h.high, value) if value / near <= v <= value * near]
    low, high = h.closed_bounds() if h.kind != "int" else (h.low, h.high)
    width = max(1.0, abs(value))
    low = low if math.isfinite(low) else value - width
    high = high if math.isfinite(high) else value + width
    grid = np.linspace(low, high, LINEAR_STOPS)
    if h.kind == "int":
        values = {int(round(v)) for v in grid} | {int(value)}
    else:
        values = {sc.round_sig(float(v), 3) for v in grid} | {float(value)}
        values = {min(max(v, low), high) for v in values}  # rounding never leaves the range
    return sorted(values)


def options(scene: sc.Scene) -> list[dict]:
    """Return, per active run, what its ladder can scrub: ``{"run", "label", "names"}``.

    ``label`` is the optimizer's title (numbered when it races more than once); ``names``
    its numeric hyperparameters.
    """
    out, titles = [], []
    for i, run in enumerate(scene.active_runs()):
        spec = optimizers.spec(run.optimizer)
        titles.append(spec.title)
        names = [name for name, h in spec.hparams.items() if h.kind != "bool"]
        if names:  # the same optimizer twice: "Adam", "Adam (2)"
            n = titles.count(spec.title)
            label = spec.title if n == 1 else f"{spec.title} ({n})"
            out.append({"run": i, "label": label, "names": names})
    return out


def default_choice(scene: sc.Scene) -> tuple[int, str] | None:
    """Return the first run with a learning rate (else any numeric hyperparameter)."""
    offered = options(scene)
    for o in offered:
        if "lr" in o["names"]:
            return o["run"], "lr"
    return (offered[0]["run"], offered[0]["names"][0]) if offered else None


def ladder(scene: sc.Scene, index: int, name: str, surface=None) -> dict:
    """Compute the ladder of one run of a scene for ``figures.player_payload``.

    Parameters
    ----------
    scene : Scene
    index : int
        Position of the run among ``scene.active_runs()``.
    name : str
        A numeric hyperparameter of that run's optimizer.
    surface : Surface, optional
        The scene's surface, already built.

    Returns
    -------
    dict
        ``run``, ``name``, ``values`` (the ladder, sorted), ``index`` (position of the
        current value), ``runs`` (one ``figures.Run`` per value, computed like the scene's
        own runs, so the current value's path is the run's path exactly) and ``options``
        (see :func:`options`).

    Raises
    ------
    ValueError
        If ``index`` or ``name`` names nothing that can be scrubbed.
    """
    run, h = _numeric(scene, index, name)
    value = run.hparams()[name]
    values = stops(h, value)
    surface = surface if surface is not None else scene.build_surface()
    rungs = [run.with_hp(**{name: v}) for v in values]
    trajectories = sc.compute(replace(scene, runs=tuple(rungs)), surface)
    return {
        "run": index,
        "name": name,
        "values": values,
        "index": values.index(value),
        "runs": [sc.figure_run(r, t, surface) for r, t in zip(rungs, trajectories, strict=True)],
        "options": options(scene),
    }


def committed(scene: sc.Scene, index: int, name: str, value) -> sc.Scene:
    """Return ``scene`` with one run's hyperparameter set (a released ladder slider).

    Raises
    ------
    ValueError
        If the run or hyperparameter does not exist, or the value is out of its range.
    """
    run, h = _numeric(scene, index, name)
    value = int(value) if h.kind == "int" else float(value)
    optimizers.make(run.optimizer, **{**dict(run.hp), name: value})  # the registry's check
    new = run.with_hp(**{name: value})
    return replace(scene, runs=tuple(new if r is run else r for r in scene.runs))


def _numeric(scene: sc.Scene, index: int, name: str):
    """Return ``(run, HParam)`` of active run ``index``'s numeric ``name``; else ValueError."""
    active = scene.active_runs()
    if not 0 <= index < len(active):
        raise ValueError(f"run must be in [0, {len(active) - 1}], got {index}")
    run = active[index]
    h = optimizers.spec(run.optimizer).hparams.get(name)
    if h is None or h.kind == "bool":
        raise ValueError(f"{run.label()} has no numeric hyperparameter {name!r}")
    return run, h


def start_grid(scene: sc.Scene, surface=None, size: int = START_GRID) -> dict:
    """Compute every active run from a grid of starts over the view, for dragging the start.

    One vectorised run per optimizer (``size**2`` rows). With gradient noise or
    mini-batches a grid path draws other random numbers than a run from that start alone:
    it previews; releasing the start computes the run itself.

    Returns
    -------
    dict
        For ``figures.player_payload(start_grid=...)``: ``x``, ``y`` (``size`` each, the
        view's edges included), ``frames`` (``START_FRAMES``) and ``runs``: per active run,
        one ``figures.Run`` per start ``(x[i], y[j])`` at position ``j * size + i``.
    """
    surface = surface if surface is not None else scene.build_surface()
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, size), np.linspace(y0, y1, size)
    xx, yy = np.meshgrid(xs, ys)
    starts = np.column_stack([xx.ravel(), yy.ravel()])
    runs = []
    for run, traj in zip(
        scene.active_runs(), sc.compute(scene, surface, starts=starts), strict=True
    ):
        runs.append([sc.figure_run(run, traj, surface, row=i) for i in range(len(starts))])
    return {"x": xs, "y": ys, "frames": START_FRAMES, "runs": runs}
