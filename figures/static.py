"""Small static figures for the pages, as plain dicts (no ``go.Figure`` validation).

Each function returns ``{"data": [...], "layout": {...}}``, which ``st.plotly_chart`` and
``plotly.io`` accept as a figure. Arrays stay NumPy (plotly encodes them as typed arrays).
Runs are the same objects :func:`figures.player_payload` takes (label, color, points,
values, diverged_at) plus ``grad_norms`` for :func:`grad_norm_figure`.
"""

import math

import numpy as np

from figures.layout import base_layout
from figures.payload import as_run, stop_text


def _line_figure(runs, series, title, ylabel, *, log_y=False):
    """One line per run; a stopped run ends with an ✕ and how it stopped.

    The words are :func:`~figures.payload.stop_text`'s ("diverged at step k", or
    "escaped (left the view) at step k" on a surface unbounded below).
    """
    data, marks = [], []
    for run, y in zip(runs, series, strict=True):
        y = np.asarray(y, dtype=np.float64)
        if log_y:
            # A log axis cannot show 0 or negatives: drop them rather than let Plotly warn.
            y = np.where(y > 0, y, np.nan)
        steps = np.arange(y.size)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": steps,
                "y": y,
                "name": run.label,
                "line": {"color": run.color, "width": 2.5},
                "hovertemplate": "%{y:.4g}",
            }
        )
        if run.diverged_at >= 0:
            finite = np.flatnonzero(np.isfinite(y[: run.diverged_at + 1]))
            if finite.size:
                k = int(finite[-1])
                # Escapes: short words (the player's legend says them in full); the text
                # goes to the roomier side of the mark, never off the chart's left edge.
                text = f"escaped at step {run.diverged_at:,}" if run.escaped else stop_text(run)
                side = "right" if k < 0.5 * (y.size - 1) else "left"
                marks.append((k, k / max(1, y.size - 1), float(y[k]), side, text, run.color))
    data += _mark_traces(marks, [t["y"] for t in data], log_y)
    return {"data": data, "layout": base_layout(title, "step", ylabel, height=320, log_y=log_y)}


def _mark_traces(marks, series, log_y):
    """Return the ✕ marks with their words; a label near an earlier one goes below."""
    with np.errstate(all="ignore"):
        ys = np.concatenate([np.asarray(s, dtype=float) for s in series]) if series else []
        ys = np.log10(ys) if log_y else np.asarray(ys)
    ys = ys[np.isfinite(ys)]
    span = float(ys.max() - ys.min()) if ys.size else 1.0
    placed, out = [], []
    for k, x, y, side, text, color in marks:
        h = np.log10(y) if log_y and y > 0 else y
        near = any(
            abs(x - px) < 0.25 and abs(h - py) < 0.12 * (span or 1.0) and pv == "top"
            for px, py, pv in placed
        )
        vertical = "bottom" if near else "top"
        placed.append((x, h, vertical))
        out.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [k],
                "y": [y],
                "text": [text],
                "textposition": f"{vertical} {side}",
                "textfont": {"color": color},
                "marker": {"symbol": "x", "size": 12, "color": color},
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
    return out


def loss_figure(runs, log_y=False, *, title="Loss"):
    """Loss against step, one line per run in the run's colour.

    Parameters
    ----------
    runs : sequence of Run
        With ``label``, ``color``, ``points``, ``values``, ``diverged_at``.
    log_y : bool
        Log-scale y axis (non-positive values are left out).
    title : str
        Figure title.

    Returns
    -------
    dict
        A Plotly figure as a plain dict.
    """
    runs = [as_run(r) for r in runs]
    return _line_figure(runs, [r.values for r in runs], title, "loss", log_y=log_y)


def lr_figure(runs, *, log_y=False, height=220):
    """Draw the learning rate each run used at every step (shown under the loss).

    Parameters
    ----------
    runs : sequence of Run
        As for :func:`loss_figure`, each with ``lrs`` (steps,) or None (left out); a
        loss-driven schedule (plateau) gives each run its own rates.
    log_y : bool
        Log-scale y axis.
    height : int

    Returns
    -------
    dict
    """
    series = [
        {"name": r.label, "color": r.color, "y": r.lrs, "x": np.arange(1, len(r.lrs) + 1)}
        for r in runs
        if r.lrs is not None and not getattr(r, "ghost", False)
    ]
    return line_chart(series, ylabel="learning rate", log_y=log_y, height=height)


def grad_norm_figure(runs, *, log_y=True, title="Gradient norm"):
    """Gradient norm against step, one line per run.

    Parameters
    ----------
    runs : sequence of Run
        As for :func:`loss_figure`, each also with ``grad_norms`` (steps + 1,).
    log_y : bool
        Log-scale y axis (default: gradient norms span decades).
    title : str
        Figure title.

    Returns
    -------
    dict
    """
    runs = [as_run(r) for r in runs]
    norms = [np.asarray(r.grad_norms, dtype=np.float64) for r in runs]
    return _line_figure(runs, norms, title, "‖∇f‖", log_y=log_y)


def distance_figure(runs, minima, *, log_y=True, title="Distance to the nearest minimum"):
    """Euclidean distance from each point to the nearest known minimum, per run.

    Parameters
    ----------
    runs : sequence of Run
        As for :func:`loss_figure`.
    minima : sequence of (x, y)
        Known minima; with none, the figure has no lines and says so in its title.
    log_y : bool
        Log-scale y axis.
    title : str
        Figure title.

    Returns
    -------
    dict
    """
    runs = [as_run(r) for r in runs]
    mins = np.asarray([m[:2] for m in minima], dtype=np.float64).reshape(-1, 2)
    if mins.shape[0] == 0:
        layout = base_layout(
            f"{title}: no known minimum", "step", "distance", height=320, log_y=False
        )
        return {"data": [], "layout": layout}
    # hypot, not sqrt of squares: a diverging path's coordinates above ~1e154 would
    # overflow when squared (a RuntimeWarning in the server log); an infinite distance
    # (a point beyond 1.8e308) is the truth and needs no warning.
    with np.errstate(over="ignore", invalid="ignore"):
        dists = [
            np.hypot(*np.moveaxis(r.points[:, None, :] - mins[None, :, :], -1, 0)).min(axis=1)
            for r in runs
        ]
    return _line_figure(runs, dists, title, "distance", log_y=log_y)


def line_chart(series, *, ylabel, xlabel="step", log_y=False, y_range=None, height=300):
    """Draw a small line figure (the lessons' charts) as a plain Plotly dict.

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
    layout = base_layout(
        None, xlabel, ylabel, height=height, left=60, right=12, top=12, bottom=40,
        log_y=log_y, legend_y=-0.28,
    )  # fmt: skip
    if y_range is not None:
        lo, hi = y_range
        layout["yaxis"]["range"] = [math.log10(lo), math.log10(hi)] if log_y else [lo, hi]
    return {"data": data, "layout": layout}
