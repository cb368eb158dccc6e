"""Many runs at once: basin maps over a grid of starts and hyperparameter sweeps.

Pure NumPy on top of :func:`optimizers.run`. Nothing here knows about surfaces (the
minima and the lowest loss are passed in) or about Streamlit (long computations report
progress through an optional callback ``progress(fraction, message)``).

- :func:`basin_map` — run one optimizer from every point of an (x, y) grid, in chunks,
  and label each start by the minimum it reached, or "elsewhere", or "diverged";
- :func:`sweep` — every cell of a learning-rate x hyperparameter grid, one vectorised
  run (per-row hyperparameters);
- :func:`best_lr` and :func:`fair_race` — tune every optimizer's learning rate on the
  same grid and budget, then compare them at their best.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from .registry import make, spec
from .runner import MAX_WORK, run

ELSEWHERE = -1
"""Label of a start whose path ended away from every known minimum."""
DIVERGED = -2
"""Label of a start whose path diverged (non-finite, or beyond the escape radius)."""

CHUNK_POINTS = 2_000_000
"""Points (starts x steps) per :func:`optimizers.run` call in :func:`basin_map`.

About 32 MB of float64 path per chunk: large enough that NumPy's per-call overhead
vanishes, small enough to stay in memory and to move a progress bar ~10 times for a
200 x 200 x 500 map.
"""

Progress = Callable[[float, str], None] | None


class BasinMap(NamedTuple):
    """Where each start of a grid ended up (see :func:`basin_map`).

    Attributes
    ----------
    label : ndarray of int, shape (ny, nx)
        Index into ``minima`` of the minimum the path ended within ``tol`` of;
        ``ELSEWHERE`` (-1) if it ended away from all of them; ``DIVERGED`` (-2).
    steps_to_tol : ndarray of int, shape (ny, nx)
        First step at which the path was within ``tol`` of the minimum it ended at;
        -1 where ``label < 0``.
    final_points : ndarray, shape (ny, nx, 2)
        Last point of each path; NaN where it diverged.
    final_values : ndarray, shape (ny, nx)
        f at the last point; NaN where it diverged.
    diverged_at : ndarray of int, shape (ny, nx)
        The step at which the path diverged, -1 if it did not.
    """

    label: np.ndarray
    steps_to_tol: np.ndarray
    final_points: np.ndarray
    final_values: np.ndarray
    diverged_at: np.ndarray

    def summary(self, n_minima):
        """Return one table row: the share of starts per minimum, elsewhere, diverged.

        Parameters
        ----------
        n_minima : int

        Returns
        -------
        dict
            ``"minimum k"`` and ``"elsewhere"`` as percentages (text), ``"diverged"`` (a
            count) and ``"median steps to tolerance"`` over the starts that arrived
            (None when none did).
        """
        counts = self.counts(n_minima)
        size = self.label.size
        arrived = self.label >= 0
        return {
            **{
                f"minimum {k + 1}": f"{100 * n / size:.1f}%" for k, n in enumerate(counts["minima"])
            },
            "elsewhere": f"{100 * counts['elsewhere'] / size:.1f}%",
            "diverged": counts["diverged"],
            "median steps to tolerance": (
                float(np.median(self.steps_to_tol[arrived])) if arrived.any() else None
            ),
        }

    def counts(self, n_minima):
        """Return how many starts reached each minimum, elsewhere, and diverged.

        Parameters
        ----------
        n_minima : int
            Number of minima the map was labelled with.

        Returns
        -------
        dict
            ``{"minima": list of int (one per minimum), "elsewhere": int,
            "diverged": int}``.
        """
        label = self.label.ravel()
        return {
            "minima": [int(np.count_nonzero(label == k)) for k in range(n_minima)],
            "elsewhere": int(np.count_nonzero(label == ELSEWHERE)),
            "diverged": int(np.count_nonzero(label == DIVERGED)),
        }


class Sweep(NamedTuple):
    """Results of :func:`sweep`: one cell per (y value, x value) pair.

    Attributes
    ----------
    x_name, y_name : str or None
        Swept hyperparameters (``y_name`` None for a one-dimensional sweep).
    x_values, y_values : ndarray
        Shapes (nx,) and (ny,); ``y_values`` is ``[nan]`` when ``y_name`` is None.
    final_loss : ndarray, shape (ny, nx)
        Largest final loss over the starts (the worst start); NaN if a start diverged.
    steps_to_tol : ndarray of int, shape (ny, nx)
        Largest over the starts of the first step whose loss is within ``tol`` of
        ``f_min``; -1 if a start never got there (or ``f_min`` is None).
    diverged : ndarray of bool, shape (ny, nx)
        True if any start diverged.
    diverged_at : ndarray of int, shape (ny, nx)
        Earliest divergence step over the starts, -1 if none diverged.
    """

    x_name: str
    x_values: np.ndarray
    y_name: str | None
    y_values: np.ndarray
    final_loss: np.ndarray
    steps_to_tol: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray


class RaceEntry(NamedTuple):
    """One optimizer of a :func:`fair_race`.

    Attributes
    ----------
    name : str
        Registry name.
    lrs : ndarray, shape (n,)
        The learning rates tried (the same grid for every optimizer).
    final_loss : ndarray, shape (n,)
        Final loss at each rate, NaN where it diverged.
    diverged : ndarray of bool, shape (n,)
    best : int or None
        Index of the best rate (see :func:`best_lr`); None if every rate diverged.
    """

    name: str
    lrs: np.ndarray
    final_loss: np.ndarray
    diverged: np.ndarray
    best: int | None

    @property
    def best_lr(self):
        """The best learning rate, or None if every rate diverged."""
        return None if self.best is None else float(self.lrs[self.best])


def grid_starts(xs, ys):
    """Return every (x, y) of a grid as start points, row by row.

    Parameters
    ----------
    xs, ys : array_like
        Shapes (nx,) and (ny,).

    Returns
    -------
    ndarray, shape (ny * nx, 2)
        Row ``j * nx + i`` is ``(xs[i], ys[j])``, so reshaping a per-start result to
        ``(ny, nx)`` gives an image with y along the rows.
    """
    xx, yy = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    return np.column_stack([xx.ravel(), yy.ravel()])


def nearest_minimum(points, minima, tol):
    """Label points by the nearest minimum within ``tol``.

    Parameters
    ----------
    points : array_like, shape (N, 2)
        NaN rows (diverged paths) get ``ELSEWHERE``; callers mark divergence.
    minima : array_like, shape (M, 2)
        May be empty (every point is then ``ELSEWHERE``).
    tol : float
        Largest Euclidean distance that counts as "at" a minimum.

    Returns
    -------
    ndarray of int, shape (N,)
        Index of the nearest minimum, or ``ELSEWHERE``.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    minima = np.asarray(minima, dtype=float).reshape(-1, 2)
    label = np.full(len(points), ELSEWHERE)
    if not len(minima):
        return label
    with np.errstate(invalid="ignore"):
        d2 = ((points[:, None, :] - minima[None, :, :]) ** 2).sum(axis=-1)
        nearest = np.argmin(np.where(np.isnan(d2), np.inf, d2), axis=1)
        close = d2[np.arange(len(points)), nearest] <= tol * tol
    label[close] = nearest[close]
    return label


def first_within(paths, targets, tol):
    """Return the first step at which each path is within ``tol`` of its target.

    Parameters
    ----------
    paths : ndarray, shape (N, T, 2)
        NaN after a divergence (never within).
    targets : ndarray, shape (N, 2)
    tol : float

    Returns
    -------
    ndarray of int, shape (N,)
        -1 for a path that never gets within ``tol``.
    """
    # Time-major: the runner's arrays are (T, N, 2) underneath, so this is contiguous
    # and each step is one fast row; (N, T) reductions on the view are ~3x slower.
    steps_first = np.moveaxis(np.asarray(paths, dtype=float), 1, 0)
    targets = np.asarray(targets, dtype=float)
    with np.errstate(invalid="ignore"):
        dx = steps_first[..., 0] - targets[:, 0]
        dy = steps_first[..., 1] - targets[:, 1]
        dx *= dx
        dy *= dy
        dx += dy
        hit = dx <= tol * tol
    first = np.argmax(hit, axis=0)
    return np.where(hit[first, np.arange(hit.shape[1])], first, -1)


def basin_map(
    surface,
    opt,
    xs,
    ys,
    steps,
    minima,
    tol,
    *,
    schedule=None,
    escape_radius=1e6,
    chunk_points=CHUNK_POINTS,
    progress: Progress = None,
):
    """Run ``opt`` from every point of a grid and label where each path ended.

    The grid is run in chunks of consecutive starts (one :func:`optimizers.run` call
    each, vectorized over the chunk), so memory stays bounded and ``progress`` is
    called after every chunk.

    Parameters
    ----------
    surface : object
        Anything :func:`optimizers.run` accepts (``value``, ``grad``, ...).
    opt : Optimizer
        From :func:`optimizers.make`.
    xs, ys : array_like
        Grid coordinates, shapes (nx,) and (ny,).
    steps : int
        Steps per path.
    minima : sequence of (x, y)
        Known minima; labels index into this sequence.
    tol : float
        A path "reached" a minimum if its last point is within this distance of it
        (the nearest one wins); ``steps_to_tol`` counts the steps until it first got
        that close.
    schedule : callable, optional
        Learning-rate schedule, as for :func:`optimizers.run`.
    escape_radius : float
        A path farther than this from the origin counts as diverged.
    chunk_points : int
        Upper bound on ``chunk starts x (steps + 1)`` per run call (at least one
        start per call).
    progress : callable, optional
        ``progress(fraction, message)`` after each chunk, ``fraction`` in (0, 1].

    Returns
    -------
    BasinMap

    Raises
    ------
    ValueError
        From :func:`optimizers.run` (bad steps, non-finite grid), or a non-positive
        ``tol``.
    """
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    starts = grid_starts(xs, ys)
    minima = np.asarray(minima, dtype=float).reshape(-1, 2)
    n = len(starts)
    chunk = int(max(1, min(chunk_points // (steps + 1), MAX_WORK // max(steps, 1))))

    label = np.full(n, ELSEWHERE)
    steps_to_tol = np.full(n, -1)
    final_points = np.full((n, 2), np.nan)
    final_values = np.full(n, np.nan)
    diverged_at = np.full(n, -1)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        traj = run(
            surface, opt, starts[lo:hi], steps, schedule=schedule, escape_radius=escape_radius
        )
        last = traj.points[:, -1]
        here = nearest_minimum(last, minima, tol)
        gone = traj.diverged_at >= 0
        here[gone] = DIVERGED
        if (here >= 0).any():
            # Unreached rows get a NaN target: never within, so -1.
            targets = np.full((hi - lo, 2), np.nan)
            targets[here >= 0] = minima[here[here >= 0]]
            steps_to_tol[lo:hi] = first_within(traj.points, targets, tol)
        label[lo:hi] = here
        final_points[lo:hi] = last
        final_values[lo:hi] = traj.values[:, -1]
        diverged_at[lo:hi] = traj.diverged_at
        if progress is not None:
            progress(hi / n, f"{hi:,} of {n:,} starts")

    shape = (len(ys), len(xs))
    return BasinMap(
        label.reshape(shape),
        steps_to_tol.reshape(shape),
        final_points.reshape(*shape, 2),
        final_values.reshape(shape),
        diverged_at.reshape(shape),
    )


def steps_within(values, f_min, tol):
    """Return the first step whose loss is within ``tol`` of ``f_min``, per row.

    Parameters
    ----------
    values : ndarray, shape (N, T)
        Losses along the paths (NaN after divergence).
    f_min : float or None
        Lowest known loss; None gives -1 everywhere.
    tol : float

    Returns
    -------
    ndarray of int, shape (N,)
        -1 where the loss never got within ``tol``.
    """
    values = np.asarray(values, dtype=float)
    if f_min is None:
        return np.full(len(values), -1)
    with np.errstate(invalid="ignore"):
        hit = values - f_min <= tol
    return np.where(hit.any(axis=1), np.argmax(hit, axis=1), -1)


def sweep(
    surface,
    name,
    starts,
    steps,
    x_name,
    x_values,
    y_name=None,
    y_values=None,
    *,
    hp=None,
    f_min=None,
    tol=1e-3,
    schedule=None,
    escape_radius=1e6,
    progress: Progress = None,
    chunk_points=CHUNK_POINTS,
):
    """Run ``name`` on every cell of a grid of two hyperparameters, as one vectorised run.

    Every (cell, start) pair is one row of a single :func:`optimizers.run` (per-row
    hyperparameters, see :func:`optimizers.make`), split in chunks of whole cells when
    the grid is large; row i of a vectorised run equals the scalar run with its own
    values, so a cell equals a single run with the same settings exactly.

    Parameters
    ----------
    surface : object
        Anything :func:`optimizers.run` accepts.
    name : str
        Registry name of the optimizer.
    starts : array_like, shape (N, 2) or (2,)
        Start points; a cell's result is the worst over them.
    steps : int
    x_name : str
        Hyperparameter along the columns (usually ``"lr"``).
    x_values : array_like, shape (nx,)
    y_name : str, optional
        Hyperparameter along the rows; None for a one-row sweep.
    y_values : array_like, shape (ny,), optional
    hp : dict, optional
        The other hyperparameters (defaults for the rest).
    f_min : float, optional
        Lowest known loss, for ``steps_to_tol``.
    tol : float
        A start "arrives" when its loss is within ``tol`` of ``f_min``.
    schedule : callable, optional
    escape_radius : float
    progress : callable, optional
        ``progress(fraction, message)`` after each chunk of cells.
    chunk_points : int
        Upper bound on ``rows x (steps + 1)`` per run call (at least one cell).

    Returns
    -------
    Sweep

    Raises
    ------
    ValueError
        Unknown optimizer or hyperparameter, a value outside its range (the message
        names it), or bad run settings.
    """
    hp = dict(hp or {})
    starts = np.asarray(starts, dtype=float).reshape(-1, 2)
    x_values = np.asarray(x_values, dtype=float)
    if y_name is None:
        y_values = np.array([np.nan])
    else:
        y_values = np.asarray(y_values, dtype=float)
    known = spec(name).hparams
    for key in (x_name, y_name):
        if key is not None and key not in known:
            raise ValueError(f"{name} has no hyperparameter {key!r}; it has: {', '.join(known)}")
    shape = (len(y_values), len(x_values))
    n_cells, n_starts = shape[0] * shape[1], len(starts)
    # Cell c = j * nx + i; its rows are c * n_starts .. (c + 1) * n_starts - 1.
    grid = {x_name: np.tile([_as_kind(known[x_name], x) for x in x_values], shape[0])}
    if y_name is not None:
        grid[y_name] = np.repeat([_as_kind(known[y_name], y) for y in y_values], shape[1])
    for key, values in grid.items():  # the scalar check, so messages name the value
        for value in dict.fromkeys(values.tolist()):
            make(name, **{**hp, key: value})
    per_chunk = max(1, min(chunk_points // (steps + 1), MAX_WORK // max(steps, 1)) // n_starts)
    final_loss = np.full(n_cells, np.nan)
    steps_to_tol = np.full(n_cells, -1)
    diverged = np.zeros(n_cells, dtype=bool)
    diverged_at = np.full(n_cells, -1)
    for lo in range(0, n_cells, per_chunk):
        hi = min(n_cells, lo + per_chunk)
        rows = {key: np.repeat(values[lo:hi], n_starts) for key, values in grid.items()}
        traj = run(
            surface,
            make(name, **{**hp, **rows}),
            np.tile(starts, (hi - lo, 1)),
            steps,
            schedule=schedule,
            escape_radius=escape_radius,
        )
        cell_shape = (hi - lo, n_starts)
        at = traj.diverged_at.reshape(cell_shape)
        gone = at >= 0
        diverged[lo:hi] = gone.any(axis=1)
        diverged_at[lo:hi] = np.where(gone, at, np.iinfo(at.dtype).max).min(axis=1)
        diverged_at[lo:hi][~diverged[lo:hi]] = -1
        last = traj.values[:, -1].reshape(cell_shape).max(axis=1)
        final_loss[lo:hi] = np.where(diverged[lo:hi], np.nan, last)
        arrived = steps_within(traj.values, f_min, tol).reshape(cell_shape)
        steps_to_tol[lo:hi] = np.where((arrived >= 0).all(axis=1), arrived.max(axis=1), -1)
        if progress is not None:
            progress(hi / n_cells, f"{hi} of {n_cells} runs")
    return Sweep(
        x_name,
        x_values,
        y_name,
        y_values,
        final_loss.reshape(shape),
        steps_to_tol.reshape(shape),
        diverged.reshape(shape),
        diverged_at.reshape(shape),
    )


def _as_kind(h, value):
    """Convert a grid value to the hyperparameter's kind (ints stay ints)."""
    return int(round(value)) if h.kind == "int" else float(value)


def best_lr(final_loss, diverged):
    """Return the index of the best learning rate: lowest final loss, not diverged.

    Parameters
    ----------
    final_loss : array_like, shape (n,)
    diverged : array_like of bool, shape (n,)

    Returns
    -------
    int or None
        The first index with the lowest finite, non-diverged final loss; None if
        there is none.
    """
    loss = np.asarray(final_loss, dtype=float)
    ok = ~np.asarray(diverged, dtype=bool) & np.isfinite(loss)
    if not ok.any():
        return None
    return int(np.argmin(np.where(ok, loss, np.inf)))


def fair_race(
    surface,
    names: Sequence[str],
    starts,
    steps,
    lrs,
    *,
    schedule=None,
    escape_radius=1e6,
    progress: Progress = None,
):
    """Sweep every optimizer's learning rate on the same grid and budget; pick the best.

    The fair way to compare optimizers: each one gets the same learning-rate grid and
    the same number of steps, and is judged at its own best rate (every other
    hyperparameter at its registry default).

    Parameters
    ----------
    surface : object
    names : sequence of str
        Registry names.
    starts : array_like, shape (N, 2) or (2,)
    steps : int
    lrs : array_like, shape (n,)
        Learning rates to try (e.g. ``np.geomspace(1e-4, 1, 24)``).
    schedule : callable, optional
    escape_radius : float
    progress : callable, optional
        ``progress(fraction, message)`` after each optimizer.

    Returns
    -------
    list of RaceEntry
        In the order of ``names``.
    """
    entries = []
    lrs = np.asarray(lrs, dtype=float)
    for k, name in enumerate(names):
        result = sweep(
            surface, name, starts, steps, "lr", lrs, schedule=schedule, escape_radius=escape_radius
        )
        loss, gone = result.final_loss[0], result.diverged[0]
        entries.append(RaceEntry(name, lrs, loss, gone, best_lr(loss, gone)))
        if progress is not None:
            progress((k + 1) / len(names), f"{spec(name).title}: {len(lrs)} learning rates")
    return entries


def log_stops(low, high, mantissas=(1, 2, 5)):
    """Return round log-spaced values (``mantissas`` per decade) from ``low`` to ``high``.

    Parameters
    ----------
    low, high : float
        Positive ends, inclusive.
    mantissas : tuple of int
        The leading digits used in every decade, e.g. (1, 2, 5) or (1, 2, 3, 5).

    Returns
    -------
    tuple of float
    """
    stops = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in mantissas:
            value = float(f"{mantissa}e{exponent}")
            if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                stops.append(value)
    return tuple(stops)


LR_STOPS = log_stops(1e-6, 50.0)
"""The learning rates the pages' range pickers offer (1e-6 to 50, 1-2-5 per decade)."""


def around(lr):
    """Return the ``LR_STOPS`` range from about lr / 10 to lr * 10 (a decade each side).

    Parameters
    ----------
    lr : float
        A suggested learning rate (> 0).

    Returns
    -------
    tuple of float
        ``(low, high)``, both in ``LR_STOPS``.
    """
    low = max((v for v in LR_STOPS if v <= lr / 10), default=LR_STOPS[0])
    high = min((v for v in LR_STOPS if v >= lr * 10), default=LR_STOPS[-1])
    return low, high


def grid_values(low, high, n, log=True, digits=3):
    """Return ``n`` values from ``low`` to ``high``, evenly spaced and rounded for labels.

    Rounding to a few significant digits gives readable axis labels (0.001, not
    9.98e-04) and changes the runs by less than the grid's own spacing.

    Parameters
    ----------
    low, high : float
        The ends (positive when ``log``).
    n : int
    log : bool
        Evenly spaced on a log scale (else linear).
    digits : int
        Significant digits kept.

    Returns
    -------
    ndarray
        Sorted distinct values (fewer than ``n`` when rounding merges some).
    """
    if high <= low:
        return np.array([float(low)])
    raw = np.geomspace(low, high, int(n)) if log and low > 0 else np.linspace(low, high, int(n))
    return np.unique([float(f"{v:.{digits}g}") for v in raw])
