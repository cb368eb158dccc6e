"""The network page's settings and their computation (no streamlit, so benchmarks use it).

A ``NetScene`` is everything that determines the page: dataset, hidden width, the runs
(``ui.scene.Run``, the explorer's run list and link format), steps, batch size, seed,
slice directions, the run the slice is centred on and the grid resolution. ``compute``
trains every run from one shared initialisation with the same mini-batches (common random
numbers: one seed, so every run draws the same sample indices), slices the loss and
measures how far each path is from the slice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

import figures
import optimizers
import surfaces
from surfaces.network import MAX_HIDDEN
from surfaces.plane import DIRECTIONS
from ui import links
from ui import scene as sc

MAX_STEPS = 5000
GRIDS = (21, 41, 61, 81)
DEFAULT_RUNS = (
    sc.Run("sgd", (("lr", 0.5),), sc.PALETTE[0]),
    sc.Run("sgd", (("lr", 0.1), ("momentum", 0.9)), sc.PALETTE[1]),
    sc.Run("rmsprop", (("lr", 0.01),), sc.PALETTE[2]),
    sc.Run("adam", (("lr", 0.02),), sc.PALETTE[3]),
)


@dataclass(frozen=True)
class NetScene:
    """Settings of the network page (``batch_size`` 0 = the full training set)."""

    dataset: str = "moons"
    hidden: int = 16
    runs: tuple = field(default_factory=lambda: DEFAULT_RUNS)
    steps: int = 300
    batch_size: int = 0
    seed: int = 0
    directions: str = "filter"
    center_run: int = 0
    grid: int = 41

    def loss(self):
        """Return the network loss (``surfaces.network``) of these settings."""
        return surfaces.network(self.dataset, hidden=self.hidden, seed=self.seed)

    def active_runs(self):
        """Return the runs that are switched on and can train a network (not Newton)."""
        return tuple(r for r in self.runs if r.enabled and r.optimizer != "newton")


class NetResult(NamedTuple):
    """Everything the page draws, as arrays."""

    loss: object
    runs: list  # figures.Run on the slice: projected points, sliced values
    paths: np.ndarray  # (R, steps + 1, D) parameters, NaN after divergence
    diverged_at: np.ndarray
    curves: dict  # "step" (K,) and train_loss, test_loss, train_acc, test_acc (R, K)
    plane: object
    grid: tuple  # xs, ys, z
    readout: object  # surfaces.Readout, each (R, steps + 1)


CURVE_POINTS = 200
"""Steps at which the curves are evaluated (the chart is a few hundred pixels wide)."""


def curve_steps(steps: int, points: int = CURVE_POINTS) -> np.ndarray:
    """Return the steps the curves are drawn at: evenly spread, 0 and ``steps`` included."""
    return np.unique(np.linspace(0, steps, min(points, steps) + 1).round().astype(int))


def metrics(loss, W) -> dict:
    """Train and test loss and accuracy of parameters (..., D); NaN rows stay NaN.

    One forward pass per split (``NetworkLoss.evaluate``).
    """
    W = np.asarray(W, dtype=float)
    flat = W.reshape(-1, loss.dim)
    ok = np.isfinite(flat).all(axis=1)
    out = {}
    for split in ("train", "test"):
        values = np.full((2, len(flat)), np.nan)
        if ok.any():
            values[:, ok] = loss.evaluate(flat[ok], split)
        out[f"{split}_loss"], out[f"{split}_acc"] = (v.reshape(W.shape[:-1]) for v in values)
    return out


def curves(loss, paths, steps=None) -> dict:
    """Return :func:`metrics` of every run at ``steps`` (default :func:`curve_steps`).

    Parameters
    ----------
    loss : NetworkLoss
    paths : ndarray, shape (R, S + 1, D)
    steps : array_like of int, optional
        ``np.arange(S + 1)`` for every step (the downloads).

    Returns
    -------
    dict
        ``step`` (K,) and ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` (R, K).
    """
    steps = curve_steps(paths.shape[1] - 1) if steps is None else np.asarray(steps, dtype=int)
    return {"step": steps, **metrics(loss, paths[:, steps])}


def compute(ns: NetScene, progress=None) -> NetResult:
    """Train every run, slice the loss around the chosen run and read out the honesty.

    The curves are evaluated at :func:`curve_steps` (the chart's resolution); the honesty
    readout (distance, true and sliced loss) at every step, the true loss being the
    trajectory's own. :func:`metrics` gives any other step exactly, :func:`curves` with
    ``np.arange`` every step (the downloads do).

    Raises
    ------
    ValueError
        Bad settings (unknown dataset, width outside 1..64, no runs, ...).
    """
    loss = ns.loss()
    runs = ns.active_runs()
    if not runs:
        raise ValueError("no run can train the network: add an optimizer (Newton cannot)")
    if ns.directions not in DIRECTIONS:
        raise ValueError(f"directions must be filter or pca, got {ns.directions!r}")
    start = loss.init(ns.seed)[None]
    batch = ns.batch_size if 0 < ns.batch_size < loss.n_samples else None
    if progress:
        progress(0.05, f"training {len(runs)} runs")
    # Runs of one optimizer train as one vectorised run (full batch); its rows equal lone
    # runs to rounding (BLAS sums an (N * H)-wide product in another order for N > 1).
    configs = [(run.optimizer, dict(run.hp)) for run in runs]
    trajs = optimizers.run_all(loss, configs, start, ns.steps, batch_size=batch, seed=ns.seed)
    if progress:
        progress(0.7, "slicing")
    paths = np.stack([t.points[0] for t in trajs])
    values = np.stack([t.values[0] for t in trajs])
    diverged = np.array([t.diverged_at[0] for t in trajs])
    k = min(max(ns.center_run, 0), len(runs) - 1)
    last = paths[k][np.isfinite(paths[k]).all(axis=1)][-1]
    plane = surfaces.plane(
        loss,
        last,
        ns.directions,
        seed=ns.seed,
        trajectories=paths[k] if ns.directions == "pca" else paths,
    )
    extent = plane.extent(paths)
    slice_ = plane.surface(extent)
    xs = np.linspace(*extent[0], ns.grid)
    ys = np.linspace(*extent[1], ns.grid)
    z = slice_.value(np.stack(np.meshgrid(xs, ys), axis=-1))
    readout = plane.readout(paths, true_loss=values)
    projected = plane.project(paths)
    shown = [
        figures.Run(run.label(), run.color, projected[i], readout.sliced_loss[i], int(diverged[i]))
        for i, run in enumerate(runs)
    ]
    if progress:
        progress(0.9, "curves")
    out = NetResult(loss, shown, paths, diverged, curves(loss, paths), plane, (xs, ys, z), readout)
    if progress:
        progress(1.0, "sliced")
    return out


# --- link round trip ------------------------------------------------------------------

_INTS = {
    "hidden": (1, MAX_HIDDEN),
    "steps": (1, MAX_STEPS),
    "batch": (0, 2000),
    "seed": (0, 2**32 - 1),
    "center": (0, sc.MAX_RUNS - 1),
}
_FIELDS = {"hidden": "hidden", "steps": "steps", "batch": "batch_size", "seed": "seed"}
_FIELDS["center"] = "center_run"
KEYS = (*_INTS, "dataset", "slice", "grid", "runs")


def to_query(ns: NetScene) -> dict:
    """Encode the settings as URL query parameters (runs as on the explorer)."""
    query = {"dataset": ns.dataset, "hidden": str(ns.hidden), "steps": str(ns.steps)}
    query["runs"] = sc.to_query(replace(sc.default_scene(), runs=ns.runs))["runs"]
    query.update(batch=str(ns.batch_size), seed=str(ns.seed), slice=ns.directions)
    query.update(center=str(ns.center_run), grid=str(ns.grid))
    return query


def from_query(query) -> tuple[NetScene, list[str]]:
    """Decode a link into settings; every bad part falls back to its default with a warning.

    The warnings are plain sentences that may quote the link (show them with
    ``ui.state.show_link_warnings``, which makes them inert).
    """
    values, warnings = links.read(query, KEYS, "the network page")
    parts = {}
    for key, (low, high) in _INTS.items():
        if key in values:
            try:
                number = int(values[key])
                if not low <= number <= high:
                    raise ValueError
                parts[_FIELDS[key]] = number
            except ValueError:
                warnings.append(
                    f"The link's {key} must be a whole number in {low}..{high}, got "
                    f"'{values[key][:40]}'; the default is used instead."
                )
    choices = {
        "dataset": ("dataset", surfaces.DATASETS),
        "slice": ("directions", ("filter", "pca")),
        "grid": ("grid", tuple(str(g) for g in GRIDS)),
    }
    for key, (name, options) in choices.items():
        if key in values:
            if values[key] in options:
                parts[name] = int(values[key]) if key == "grid" else values[key]
            else:
                warnings.append(
                    f"The link's {key} must be one of {', '.join(options)}, got "
                    f"'{values[key][:40]}'; the default is used instead."
                )
    if "runs" in values:
        scene, run_warnings = sc.from_query({"runs": values["runs"]})
        warnings += run_warnings
        if not run_warnings:
            parts["runs"] = scene.runs
    return replace(NetScene(), **parts), warnings


# --- downloads ----------------------------------------------------------------------


def export_csv(result: NetResult) -> str:
    """One line per run and step: slice coordinates, losses, accuracies, honesty.

    ``slice_x``, ``slice_y`` are the coordinates along the plane's two directions (the
    player's x and y; ``Plane.axis_names`` says what they are).
    """
    every = curves(result.loss, result.paths, np.arange(result.paths.shape[1]))
    head = "run,label,step,slice_x,slice_y,train_loss,sliced_loss,test_loss,train_acc,test_acc"
    lines = [head + ",distance"]
    for i, run in enumerate(result.runs):
        label = '"' + run.label.replace('"', '""') + '"'
        for k in range(len(run.points)):
            cols = (
                *run.points[k],
                result.readout.true_loss[i, k],
                result.readout.sliced_loss[i, k],
                every["test_loss"][i, k],
                every["train_acc"][i, k],
                every["test_acc"][i, k],
                result.readout.distance[i, k],
            )
            lines.append(",".join([str(i), label, str(k), *(f"{v:.10g}" for v in cols)]))
    return "\n".join(lines) + "\n"


def export_json(ns: NetScene, result: NetResult) -> str:
    """Return the settings, the plane, every path and curve as JSON (NaN as null)."""
    import json

    def clean(a):
        return [None if not np.isfinite(v) else float(v) for v in np.ravel(a)]

    every = curves(result.loss, result.paths, np.arange(result.paths.shape[1]))
    every.pop("step")

    data = {
        "settings": to_query(ns),
        "plane": {
            "kind": result.plane.kind,
            "explained_variance": result.plane.explained_variance,
            "axes": list(result.plane.axis_names()),
            "center": clean(result.plane.center),
            "d1": clean(result.plane.d1),
            "d2": clean(result.plane.d2),
        },
        "runs": [
            {
                "label": run.label,
                "color": run.color,
                "diverged_at": int(result.diverged_at[i]),
                "slice_ab": [clean(p) for p in run.points],
                "params": [clean(w) for w in result.paths[i]],
                **{name: clean(c[i]) for name, c in every.items()},
                "distance": clean(result.readout.distance[i]),
                "sliced_loss": clean(result.readout.sliced_loss[i]),
            }
            for i, run in enumerate(result.runs)
        ],
    }
    return json.dumps(data)
