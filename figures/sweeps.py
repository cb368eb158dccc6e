"""Figures of the Sweeps page, as plain dicts: a hyperparameter grid, and loss against lr.

- :func:`sweep_figure` — final loss or steps over a hyperparameter grid, diverged cells
  marked;
- :func:`lr_curves_figure` — final loss against learning rate per optimizer, best marked.
"""

from __future__ import annotations

import math

import numpy as np

from figures.layout import map_layout
from figures.scale import index_ticks, short_number


def sweep_figure(
    values,
    x_values,
    y_values,
    diverged,
    *,
    x_label,
    y_label,
    z_label,
    log_z=False,
    reverse=False,
    best=None,
    title="",
    height=460,
):
    """Draw a hyperparameter sweep: one cell per setting, diverged cells marked.

    Parameters
    ----------
    values : ndarray, shape (ny, nx)
        The quantity per cell (NaN: no value, e.g. never reached the tolerance).
    x_values, y_values : array_like
        Cell centres along the columns and rows.
    diverged : ndarray of bool, shape (ny, nx)
        Cells drawn dark grey with a white ✕, counted in the legend.
    x_label, y_label, z_label : str
    log_z : bool
        Colour by log10 of the value (positive values only; others left blank).
        Reverse the colour scale (so "better" is the same colour in both metrics).
    best : (int, int), optional
        ``(row, column)`` of a cell to circle (e.g. the lowest loss).
    title : str
    height : int

    Returns
    -------
    dict
    """
    values = np.asarray(values, dtype=np.float64)
    diverged = np.asarray(diverged, dtype=bool)
    x_values = np.asarray(x_values, dtype=np.float64)
    y_values = np.asarray(y_values, dtype=np.float64)
    ny, nx = values.shape
    with np.errstate(all="ignore"):
        shown = np.where(values > 0, np.log10(values), np.nan) if log_z else values.copy()
    shown[diverged] = np.nan
    ix, iy = np.arange(nx), np.arange(ny)
    y_text = [f"{v:.3g}" if np.isfinite(v) else "" for v in y_values]
    custom = np.stack(
        [np.broadcast_to(x_values, (ny, nx)), np.broadcast_to(y_values[:, None], (ny, nx)), values],
        axis=-1,
    ).astype(np.float64)
    colorbar = {"title": {"text": z_label}, "thickness": 14}
    finite = shown[np.isfinite(shown)]
    if log_z and finite.size:
        ticks = np.arange(math.floor(finite.min()), math.ceil(finite.max()) + 1)
        if ticks.size > 8:
            ticks = ticks[:: math.ceil(ticks.size / 8)]
        colorbar.update(tickvals=ticks, ticktext=[short_number(10.0**t) for t in ticks])
    hover = f"{x_label} = %{{customdata[0]:.3g}}"
    if y_label:
        hover += f"<br>{y_label} = %{{customdata[1]:.3g}}"
    hover += f"<br>{z_label} = %{{customdata[2]:.4g}}<extra></extra>"
    data = [
        {
            "type": "heatmap",
            "x": ix,
            "y": iy,
            "z": shown,
            "customdata": custom,
            "colorscale": "Viridis",
            "reversescale": bool(reverse),
            "colorbar": colorbar,
            "hovertemplate": hover,
            "xgap": 1,
            "ygap": 1,
            "name": z_label,
            "showlegend": False,
        },
        {
            "type": "heatmap",
            "x": ix,
            "y": iy,
            "z": np.where(diverged, 1.0, np.nan),
            "colorscale": [[0, "#5b5b5b"], [1, "#5b5b5b"]],
            "showscale": False,
            "xgap": 1,
            "ygap": 1,
            "hoverinfo": "skip",
            "showlegend": False,
        },
    ]
    jj, ii = np.nonzero(diverged)
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": ii,
            "y": jj,
            "marker": {
                "symbol": "x-thin",
                "size": 9,
                "line": {"color": "#ffffff", "width": 1.5},
                "color": "#ffffff",
            },
            "customdata": np.stack([x_values[ii], y_values[jj]], axis=-1) if ii.size else None,
            "hovertemplate": f"diverged<br>{x_label} = %{{customdata[0]:.3g}}<extra></extra>",
            "showlegend": False,
        }
    )
    # The white crosses are invisible in the legend: a dark square stands for them there.
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [None],
            "y": [None],
            "name": f"diverged (✕): {int(diverged.sum())} of {diverged.size} cells",
            "marker": {"symbol": "square", "size": 13, "color": "#5b5b5b"},
            "hoverinfo": "skip",
        }
    )
    nan_cells = ~np.isfinite(values) & ~diverged
    if nan_cells.any():
        jj, ii = np.nonzero(nan_cells)
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": ii,
                "y": jj,
                "name": f"no value: {int(nan_cells.sum())} cells",
                "marker": {"symbol": "circle-open", "size": 7, "color": "#9a9a9a"},
                "hoverinfo": "skip",
            }
        )
    if best is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [best[1]],
                "y": [best[0]],
                "name": "best cell",
                "marker": {
                    "symbol": "circle-open",
                    "size": 18,
                    "line": {"color": "#d62728", "width": 3},
                    "color": "#d62728",
                },
                "hoverinfo": "skip",
            }
        )
    layout = map_layout(title, height=height, xlabel=x_label, ylabel=y_label or "")
    # Round stops (0.001, 0.002, 0.005), not the cells' own values (9.98e-5).
    x_ticks, x_tick_text = index_ticks(x_values, 10)
    if np.isfinite(y_values).all():
        y_ticks, y_tick_text = index_ticks(y_values, 12)
    else:
        y_ticks, y_tick_text = iy.tolist(), y_text
    layout["xaxis"].update(
        tickvals=x_ticks, ticktext=x_tick_text, range=[-0.5, nx - 0.5], showgrid=False
    )
    layout["yaxis"].update(
        tickvals=y_ticks, ticktext=y_tick_text, range=[-0.5, ny - 0.5], showgrid=False
    )
    layout["legend"] = {"orientation": "h", "y": -0.2, "x": 0, "yanchor": "top"}
    layout["showlegend"] = True
    return {"data": data, "layout": layout}


def lr_curves_figure(curves, *, title="", height=380, log_y=True):
    """Draw final loss against learning rate, one line per optimizer, best rate circled.

    Parameters
    ----------
    curves : sequence of dict
        Each with ``label``, ``color``, ``lrs`` (n,), ``final_loss`` (n,) (NaN where
        diverged), ``diverged`` (n,) bool and ``best`` (index or None).
    title : str
    height : int
    log_y : bool
        Log loss axis (non-positive losses are left out).

    Returns
    -------
    dict
    """
    data = []
    # Diverged rates have no loss: mark them on rows above the highest finite loss, one
    # row per optimizer, so the crosses neither hide the curves nor overlap each other.
    finite = [
        v
        for c in curves
        for v in np.asarray(c["final_loss"], dtype=np.float64)
        if np.isfinite(v) and (v > 0 or not log_y)
    ]
    top = max(finite) if finite else 1.0
    for k, c in enumerate(curves):
        lrs = np.asarray(c["lrs"], dtype=np.float64)
        loss = np.asarray(c["final_loss"], dtype=np.float64)
        if log_y:
            loss = np.where(loss > 0, loss, np.nan)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": lrs,
                "y": loss,
                "name": c["label"],
                "line": {"color": c["color"], "width": 2.2},
                "marker": {"size": 5, "color": c["color"]},
                "hovertemplate": "lr = %{x:.3g}<br>final loss = %{y:.4g}<extra></extra>",
            }
        )
        gone = np.asarray(c["diverged"], dtype=bool)
        if gone.any():
            if log_y:
                y_mark = top * 3.0 * 1.8**k if top > 0 else 1.0
            else:
                y_mark = top + (0.1 + 0.06 * k) * (abs(top) or 1.0)
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": lrs[gone],
                    "y": np.full(int(gone.sum()), y_mark),
                    "name": f"{c['label']}: diverged",
                    "marker": {"symbol": "x", "size": 8, "color": c["color"]},
                    "hovertemplate": f"{c['label']}<br>lr = %{{x:.3g}}: diverged<extra></extra>",
                    "showlegend": False,
                }
            )
        if c.get("best") is not None:
            b = int(c["best"])
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [lrs[b]],
                    "y": [loss[b]],
                    "marker": {
                        "symbol": "circle-open",
                        "size": 16,
                        "line": {"color": c["color"], "width": 3},
                    },
                    "name": f"best lr {lrs[b]:.3g}",
                    "hovertemplate": "best lr = %{x:.3g}<br>final loss = %{y:.4g}<extra></extra>",
                    "showlegend": False,
                }
            )
    layout = map_layout(title, height=height, xlabel="learning rate", ylabel="final loss")
    layout["xaxis"]["type"] = "log"
    layout["yaxis"]["type"] = "log" if log_y else "linear"
    layout["hovermode"] = "closest"
    layout["legend"] = {"orientation": "h", "y": -0.25, "x": 0, "yanchor": "top"}
    return {"data": data, "layout": layout}
