"""Figures of the network page: the data with decision boundaries, curves, honesty table.

Arrays in, plain Plotly dicts out (no streamlit, no ``go.Figure``).
"""

from __future__ import annotations

import numpy as np

CLASS_COLORS = ("#4c78a8", "#f58518")


def boundary_figure(loss, params, labels, colors, *, n=80, title="", theme="light"):
    """Draw the training data and each run's decision boundary (logit = 0) at one step.

    Parameters
    ----------
    loss : surfaces.NetworkLoss
    params : array_like, shape (R, D)
        Each run's parameters at the step (a NaN row draws no boundary: diverged).
    labels, colors : sequence of str
        One per run.
    n : int
        Grid points per axis of the boundary contours.

    Returns
    -------
    dict
        A Plotly figure.
    """
    X, y = loss.data
    lo, hi = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
    gx, gy = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    data = [
        {
            "type": "scatter",
            "x": X[y == c, 0].tolist(),
            "y": X[y == c, 1].tolist(),
            "mode": "markers",
            "name": f"class {c}",
            "marker": {"color": CLASS_COLORS[c], "size": 5, "opacity": 0.7},
            "hoverinfo": "skip",
        }
        for c in (0, 1)
    ]
    params = np.asarray(params, dtype=float).reshape(-1, loss.dim)
    for w, label, color in zip(params, labels, colors, strict=True):
        if not np.isfinite(w).all():
            continue
        z = loss.logits(w[None], grid)[0].reshape(n, n)
        data.append(
            {
                "type": "contour",
                "x": gx.tolist(),
                "y": gy.tolist(),
                "z": np.round(z, 4).tolist(),
                "contours": {"start": 0, "end": 0, "size": 1, "coloring": "none"},
                "line": {"color": color, "width": 2.5},
                "showscale": False,
                "name": label,
                "showlegend": True,
                "hoverinfo": "skip",
            }
        )
    dark = theme == "dark"
    return {
        "data": data,
        "layout": {
            "title": {"text": title},
            "height": 380,
            "margin": {"l": 40, "r": 10, "t": 40, "b": 30},
            "xaxis": {"range": [lo[0], hi[0]], "title": {"text": "x₁"}},
            "yaxis": {"range": [lo[1], hi[1]], "title": {"text": "x₂"}, "scaleanchor": "x"},
            "legend": {"orientation": "h", "y": -0.15},
            "template": "plotly_dark" if dark else "plotly_white",
        },
    }


def curves_figure(curves, labels, colors, *, step=None, theme="light"):
    """Train (solid) and test (dotted) loss and accuracy per run, with the step marked.

    Parameters
    ----------
    curves : dict
        ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc``: each (R, K), at the
        steps ``step`` (K,) (default: 0 .. K - 1).
    step : int, optional
        Draw a vertical line there (the player's step).
    """
    first = np.asarray(curves["train_loss"])
    x = np.asarray(curves.get("step", np.arange(first.shape[-1]))).tolist()
    data = []
    for i, (label, color) in enumerate(zip(labels, colors, strict=True)):
        for key, axis, dash in (
            ("train_loss", "y", "solid"),
            ("test_loss", "y", "dot"),
            ("train_acc", "y2", "solid"),
            ("test_acc", "y2", "dot"),
        ):
            values = np.asarray(curves[key][i], dtype=float)
            data.append(
                {
                    "type": "scattergl",
                    "x": x,
                    "y": [None if not np.isfinite(v) else round(float(v), 6) for v in values],
                    "mode": "lines",
                    "name": f"{label} ({key.replace('_', ' ')})",
                    "legendgroup": label,
                    "showlegend": key == "train_loss",
                    "line": {"color": color, "dash": dash, "width": 1.8},
                    "xaxis": "x" if axis == "y" else "x2",
                    "yaxis": axis,
                }
            )
    shapes = []
    if step is not None:
        for ref in ("x", "x2"):
            shapes.append(
                {
                    "type": "line",
                    "xref": ref,
                    "yref": "paper",
                    "x0": step,
                    "x1": step,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#888", "dash": "dash", "width": 1},
                }
            )
    return {
        "data": data,
        "layout": {
            "height": 380,
            "margin": {"l": 50, "r": 10, "t": 30, "b": 40},
            "grid": {"rows": 1, "columns": 2, "pattern": "independent"},
            "xaxis": {"title": {"text": "step"}, "domain": [0, 0.46]},
            "xaxis2": {"title": {"text": "step"}, "domain": [0.54, 1]},
            "yaxis": {"title": {"text": "loss (solid train, dotted test)"}},
            "yaxis2": {"title": {"text": "accuracy"}, "range": [0, 1.02], "anchor": "x2"},
            "shapes": shapes,
            "legend": {"orientation": "h", "y": -0.2},
            "template": "plotly_dark" if theme == "dark" else "plotly_white",
        },
    }


def honesty_rows(labels, readout, at_step, step):
    """One row per run at ``step``: distance from the plane, true vs sliced loss, accuracy.

    Parameters
    ----------
    labels : list of str
    readout : surfaces.Readout
        Each field (R, steps + 1).
    at_step : dict
        ``test_loss`` and ``test_acc`` (R,) at ``step``.
    step : int
    """
    rows = []
    for i, label in enumerate(labels):
        k = min(step, readout.distance.shape[1] - 1)
        rows.append(
            {
                "run": label,
                "distance from plane": float(readout.distance[i, k]),
                "share off the plane": float(readout.relative_distance[i, k]),
                "true loss": float(readout.true_loss[i, k]),
                "loss shown on slice": float(readout.sliced_loss[i, k]),
                "test loss": float(at_step["test_loss"][i]),
                "test accuracy": float(at_step["test_acc"][i]),
            }
        )
    return rows
