"""Figures for the analysis pages, as plain dicts (no ``go.Figure`` validation, no Streamlit).

- :func:`contour_figure` — the surface as a filled contour map, with marked points
  (critical points on the custom-surface page);
- :func:`step_figure` — paths up to step t with arrows for −g and Δθ (step inspector);
- :func:`basin_figure` — a basin map: each start coloured by the minimum it reached,
  or by the steps it took, divergence in its own colour;
- :func:`sweep_figure` — final loss or steps over a hyperparameter grid, diverged cells
  marked;
- :func:`lr_curves_figure` — final loss against learning rate per optimizer, best marked.

Helpers :func:`nice_scale` and :func:`z_levels` are shared with the pages' captions.
"""

from __future__ import annotations

import math

import numpy as np

from figures.static import FONT

# The player's muted light scale, so the analysis maps look like the explorer's map and
# the saturated run colours stand out on them.
SURFACE_SCALE = [
    [0.0, "#f7f3e3"],
    [0.2, "#e3e9d2"],
    [0.4, "#bfd3c3"],
    [0.6, "#8fb3b4"],
    [0.8, "#6385a0"],
    [1.0, "#3f5677"],
]
CONTOUR_LINE = "rgba(20, 30, 50, 0.22)"
# Basin colours: Tableau 10 without its red and grey (diverged and "elsewhere" own those).
BASIN_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
)
ELSEWHERE_COLOR = "#d4d4d4"
DIVERGED_COLOR = "#1f1f1f"
GRAD_ARROW = "#4a4a4a"
KIND_MARKERS = {
    "minimum": ("star", "#f5b700"),
    "maximum": ("triangle-up", "#d62728"),
    "saddle": ("x", "#1f1f1f"),
    "degenerate": ("circle-open", "#7f7f7f"),
}


def _base_layout(title, *, height, xlabel="x", ylabel="y"):
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left"} if title else None,
        "font": FONT,
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 44 if title else 16, "b": 48},
        "xaxis": {"title": {"text": xlabel}, "zeroline": False},
        "yaxis": {"title": {"text": ylabel}, "zeroline": False},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.16, "x": 0, "yanchor": "top"},
        "plot_bgcolor": "#ffffff",
    }


def _equal_axes(layout, domain):
    (x0, x1), (y0, y1) = domain
    layout["xaxis"].update(range=[x0, x1], constrain="domain")
    layout["yaxis"].update(range=[y0, y1], scaleanchor="x", scaleratio=1, constrain="domain")


def z_levels(z, log_z=False, z_clip=None):
    """Map surface values to the numbers the contour map colours.

    Linear: ``min(z, clip)``. Log: ``log10(min(z, clip) - shift)`` with the same shift
    and floor as the explorer's player (four decades above the grid's lowest value).

    Parameters
    ----------
    z : array_like
        Surface values (non-finite values stay NaN).
    log_z : bool
    z_clip : float, optional

    Returns
    -------
    ndarray
        Same shape as ``z``.
    """
    z = np.asarray(z, dtype=np.float64)
    finite = z[np.isfinite(z)]
    if not finite.size:
        return np.full(z.shape, np.nan)
    zmin, zmax = float(finite.min()), float(finite.max())
    if z_clip is not None and z_clip > zmin:
        zmax = min(zmax, float(z_clip))
    with np.errstate(all="ignore"):
        t = np.where(np.isfinite(z), np.minimum(z, zmax), np.nan)
        if log_z:
            floor = max(1e-4 * (zmax - zmin), 1e-12 * max(1.0, abs(zmin)))
            t = np.log10(np.maximum(t - (zmin - floor), floor))
    return t


def rank_levels(z):
    """Map surface values to their rank in the grid, from 0 (lowest) to 1 (highest).

    Contour lines of the ranks are equal-area slices of the map: every part of the box
    gets lines, whatever the range of values (a few steep walls no longer squeeze
    the interesting low region into one colour). NaN stays NaN.

    Parameters
    ----------
    z : array_like

    Returns
    -------
    ndarray
        Same shape as ``z``.
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.full(z.shape, np.nan)
    finite = np.isfinite(z)
    if finite.sum() > 1:
        order = np.argsort(z[finite], kind="stable")
        ranks = np.empty(order.size)
        ranks[order] = np.arange(order.size) / (order.size - 1)
        out[finite] = ranks
    return out


def _contour_trace(xs, ys, z, log_z, z_clip, equalize=False):
    levels = rank_levels(z) if equalize else z_levels(z, log_z, z_clip)
    finite = levels[np.isfinite(levels)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    size = (hi - lo) / 20 if hi > lo else 1.0
    return {
        "type": "contour",
        "x": np.asarray(xs, dtype=np.float32),
        "y": np.asarray(ys, dtype=np.float32),
        "z": levels.astype(np.float32),
        "customdata": np.asarray(z, dtype=np.float32),
        "colorscale": SURFACE_SCALE,
        "showscale": False,
        "autocontour": False,
        "contours": {"coloring": "fill", "start": lo, "end": hi, "size": size},
        "line": {"color": CONTOUR_LINE, "width": 0.7, "smoothing": 0.6},
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>f = %{customdata:.4g}<extra></extra>",
        "name": "f",
        "showlegend": False,
    }


def contour_figure(
    xs,
    ys,
    z,
    *,
    domain,
    log_z=False,
    z_clip=None,
    points=(),
    equalize=False,
    title="",
    height=460,
):
    """Draw a surface as a filled contour map with marked points.

    Parameters
    ----------
    xs, ys : array_like
        Grid coordinates, shapes (nx,) and (ny,).
    z : array_like, shape (ny, nx)
        Surface values.
    domain : ((xmin, xmax), (ymin, ymax))
        The box to show, with equal scales on both axes.
    log_z : bool
        Colour by log height (values spanning decades).
    z_clip : float, optional
        Colour values above this as if they were equal to it.
    points : sequence of dict
        Each ``{"x", "y", "kind", "label"?}``; ``kind`` in ``"minimum"``, ``"maximum"``,
        ``"saddle"``, ``"degenerate"`` or ``"start"`` chooses the marker. One legend
        entry per kind.
    equalize : bool
        Colour by rank instead of value (see :func:`rank_levels`): lines everywhere,
        for a first look at an unknown surface. ``log_z`` and ``z_clip`` are then unused.
    title : str
    height : int

    Returns
    -------
    dict
    """
    data = [_contour_trace(xs, ys, z, log_z, z_clip, equalize)]
    by_kind = {}
    for p in points:
        by_kind.setdefault(p["kind"], []).append(p)
    for kind, group in by_kind.items():
        symbol, color = KIND_MARKERS.get(kind, ("circle", "#ffffff"))
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [p["x"] for p in group],
                "y": [p["y"] for p in group],
                "text": [p.get("label", kind) for p in group],
                "name": kind,
                "marker": {
                    "symbol": symbol,
                    "size": 15 if kind == "minimum" else 12,
                    "color": color,
                    "line": {"color": "#222222" if kind != "saddle" else color, "width": 1},
                },
                "hovertemplate": "%{text}<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
            }
        )
    layout = _base_layout(title, height=height)
    layout["showlegend"] = bool(by_kind)
    _equal_axes(layout, domain)
    return {"data": data, "layout": layout}


def nice_scale(lengths, target):
    """Return a round factor (1, 2 or 5 times a power of ten) that makes arrows visible.

    Parameters
    ----------
    lengths : array_like
        Lengths of the vectors to draw (non-finite and zero ones are ignored).
    target : float
        Wanted length of the longest vector after scaling.

    Returns
    -------
    float
        The largest round factor with ``max(lengths) * factor <= target``; 1.0 when
        there is nothing to scale.
    """
    lengths = np.asarray(lengths, dtype=np.float64)
    lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
    if not lengths.size or not (target > 0):
        return 1.0
    raw = target / float(lengths.max())
    exponent = math.floor(math.log10(raw))
    for mantissa in (5.0, 2.0, 1.0):
        factor = mantissa * 10.0**exponent
        if factor <= raw:
            return float(f"{factor:.1e}")
    return float(f"{10.0**exponent:.1e}")


def format_scale(factor):
    """Format an arrow scale factor for a legend: ``×1``, ``×200``, ``×0.005``."""
    return f"×{factor:g}"


def _arrow(x0, y0, x1, y1, color, thin=False):
    """Return an annotation drawing an arrow from (x0, y0) to (x1, y1) in data units."""
    return {
        "x": x1,
        "y": y1,
        "ax": x0,
        "ay": y0,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.3 if thin else 1.1,
        "arrowwidth": 1.6 if thin else 3.0,
        "arrowcolor": color,
        "opacity": 0.9,
        "text": "",
    }


def step_figure(
    xs,
    ys,
    z,
    runs,
    *,
    domain,
    grad_scale,
    update_scale,
    log_z=False,
    z_clip=None,
    view=None,
    title="",
    height=560,
):
    """Draw the paths up to step t with arrows for −g and Δθ at step t.

    Parameters
    ----------
    xs, ys, z : array_like
        The surface grid (see :func:`contour_figure`).
    runs : sequence of dict
        Each with ``label``, ``color``, ``path`` (k, 2) points θ_0..θ_t (NaN allowed),
        ``point`` (2,) θ_{t-1} where the arrows start, ``grad`` (2,) g_t and ``update``
        (2,) Δθ_t (either may be NaN: no arrow).
    domain : ((xmin, xmax), (ymin, ymax))
    grad_scale, update_scale : float
        −g is drawn as ``−grad_scale · g`` and Δθ as ``update_scale · Δθ`` (see
        :func:`nice_scale`); the legend states both factors.
    log_z, z_clip :
        As in :func:`contour_figure`.
    view : ((xmin, xmax), (ymin, ymax)), optional
        Zoomed box to show instead of ``domain``.
    title : str
    height : int

    Returns
    -------
    dict
    """
    data = [_contour_trace(xs, ys, z, log_z, z_clip)]
    annotations = []
    for run in runs:
        path = np.asarray(run["path"], dtype=np.float64)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": path[:, 0],
                "y": path[:, 1],
                "name": run["label"],
                "line": {"color": run["color"], "width": 2.2},
                "marker": {"size": 4, "color": run["color"]},
                "hovertemplate": "step %{pointNumber}: (%{x:.4g}, %{y:.4g})<extra></extra>",
            }
        )
        x0, y0 = (float(v) for v in run["point"])
        g = np.asarray(run["grad"], dtype=np.float64)
        u = np.asarray(run["update"], dtype=np.float64)
        if np.isfinite([x0, y0]).all() and np.isfinite(g).all():
            tip = (x0 - grad_scale * g[0], y0 - grad_scale * g[1])
            annotations.append(_arrow(x0, y0, *tip, GRAD_ARROW, thin=True))
        if np.isfinite([x0, y0]).all() and np.isfinite(u).all():
            tip = (x0 + update_scale * u[0], y0 + update_scale * u[1])
            annotations.append(_arrow(x0, y0, *tip, run["color"]))
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [x0],
                "y": [y0],
                "marker": {
                    "size": 11,
                    "color": run["color"],
                    "line": {"color": "#ffffff", "width": 2},
                },
                "showlegend": False,
                "hovertemplate": f"{run['label']}<br>θ_(t−1) = (%{{x:.4g}}, %{{y:.4g}})"
                "<extra></extra>",
            }
        )
    # Legend entries for the two arrow kinds (annotations have none of their own).
    for name, color, width in (
        (f"−g, grey arrows ({format_scale(grad_scale)})", GRAD_ARROW, 1.6),
        (f"Δθ, arrows in the run's colour ({format_scale(update_scale)})", "#333333", 3.0),
    ):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [None],
                "name": name,
                "line": {"color": color, "width": width},
                "hoverinfo": "skip",
            }
        )
    layout = _base_layout(title, height=height)
    layout["annotations"] = annotations
    _equal_axes(layout, view or domain)
    return {"data": data, "layout": layout}


def basin_colors(n_minima):
    """Return one colour per minimum (cycling through :data:`BASIN_COLORS`)."""
    return [BASIN_COLORS[k % len(BASIN_COLORS)] for k in range(n_minima)]


def _stepped_scale(colors):
    """Return a colour scale with one flat band per category (z = 0 .. len - 1)."""
    n = len(colors)
    scale = []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def basin_figure(
    label,
    steps_to_tol,
    final_points,
    xs,
    ys,
    minima,
    *,
    domain,
    mode="minimum",
    minimum_names=None,
    title="",
    height=480,
    max_steps=None,
):
    """Draw a basin map: every start coloured by where its path went.

    Parameters
    ----------
    label : ndarray of int, shape (ny, nx)
        From :class:`optimizers.sweeps.BasinMap` (k = minimum k, -1 elsewhere,
        -2 diverged).
    steps_to_tol : ndarray of int, shape (ny, nx)
        Steps until within tolerance of the minimum reached (-1 where none).
    final_points : ndarray, shape (ny, nx, 2)
        Where each path ended (shown on hover).
    xs, ys : array_like
        Grid coordinates.
    minima : sequence of (x, y)
        Marked with stars in their basin colour.
    domain : ((xmin, xmax), (ymin, ymax))
    mode : {"minimum", "steps"}
        Colour by the minimum reached (categorical, with a legend and the share of
        starts per category) or by the steps taken (continuous; starts that reached
        no minimum light grey, diverged ones black).
    minimum_names : sequence of str, optional
        Legend names of the minima (default "minimum k (x, y)").
    title : str
    height : int
    max_steps : int, optional
        Top of the colour bar in ``"steps"`` mode (so maps side by side share it).

    Returns
    -------
    dict
    """
    label = np.asarray(label)
    n_min = len(minima)
    total = label.size
    colors = basin_colors(n_min)
    names = list(
        minimum_names or [f"minimum {k + 1} ({x:.3g}, {y:.3g})" for k, (x, y) in enumerate(minima)]
    )
    # Category index 0 = diverged, 1 = elsewhere, 2 + k = minimum k.
    category = (label + 2).astype(np.int16)
    custom = np.concatenate(
        [np.asarray(final_points, dtype=np.float32), steps_to_tol[..., None].astype(np.float32)],
        axis=-1,
    )
    hover = (
        "start (%{x:.3g}, %{y:.3g})<br>end (%{customdata[0]:.3g}, %{customdata[1]:.3g})"
        "<br>steps to tolerance %{customdata[2]}<extra></extra>"
    )
    data = []
    if mode == "steps":
        steps = np.where(label >= 0, steps_to_tol, np.nan).astype(np.float32)
        top = max_steps if max_steps else (np.nanmax(steps) if np.isfinite(steps).any() else 1)
        # Grey/black under-layer for starts without a step count.
        data.append(
            {
                "type": "heatmap",
                "x": np.asarray(xs, dtype=np.float32),
                "y": np.asarray(ys, dtype=np.float32),
                "z": np.where(label < 0, category, -1).astype(np.float32),
                "zmin": -0.5,
                "zmax": 1.5,
                "colorscale": _stepped_scale([DIVERGED_COLOR, ELSEWHERE_COLOR]),
                "showscale": False,
                "hoverinfo": "skip",
                "zauto": False,
            }
        )
        data[0]["z"][label >= 0] = np.nan
        data.append(
            {
                "type": "heatmap",
                "x": np.asarray(xs, dtype=np.float32),
                "y": np.asarray(ys, dtype=np.float32),
                "z": steps,
                "zmin": 0,
                "zmax": float(top),
                "colorscale": "Viridis",
                "reversescale": True,
                "customdata": custom,
                "colorbar": {"title": {"text": "steps"}, "thickness": 14},
                "hovertemplate": hover,
            }
        )
        legend = [("no minimum reached", ELSEWHERE_COLOR, int((label == -1).sum()))]
    else:
        palette = [DIVERGED_COLOR, ELSEWHERE_COLOR, *colors]
        data.append(
            {
                "type": "heatmap",
                "x": np.asarray(xs, dtype=np.float32),
                "y": np.asarray(ys, dtype=np.float32),
                "z": category,
                "zmin": -0.5,
                "zmax": len(palette) - 0.5,
                "zauto": False,
                "colorscale": _stepped_scale(palette),
                "showscale": False,
                "customdata": custom,
                "hovertemplate": hover,
            }
        )
        legend = [
            (name, color, int((label == k).sum()))
            for k, (name, color) in enumerate(zip(names, colors, strict=True))
        ]
        legend.append(("elsewhere", ELSEWHERE_COLOR, int((label == -1).sum())))
    legend.append(("diverged", DIVERGED_COLOR, int((label == -2).sum())))
    for name, color, count in legend:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "name": f"{name}: {count:,} ({100 * count / total:.0f}%)",
                "marker": {
                    "symbol": "square",
                    "size": 13,
                    "color": color,
                    "line": {"color": "#888888", "width": 1},
                },
                "hoverinfo": "skip",
            }
        )
    if n_min:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [m[0] for m in minima],
                "y": [m[1] for m in minima],
                "text": names,
                "name": "known minima",
                "marker": {
                    "symbol": "star",
                    "size": 16,
                    "color": "#f5b700",
                    "line": {"color": "#222222", "width": 1},
                },
                "hovertemplate": "%{text}<extra></extra>",
                "showlegend": False,
            }
        )
    layout = _base_layout(title, height=height)
    layout["margin"]["b"] = 40
    layout["legend"] = {
        "orientation": "h",
        "y": -0.2,
        "x": 0,
        "yanchor": "top",
        "font": {"size": 12},
    }
    _equal_axes(layout, domain)
    return {"data": data, "layout": layout}


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
    log_x=True,
    log_y=False,
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
    log_x, log_y : bool
        Log axes; cells are placed by index and the axes labelled with the values, so
        log spacing shows as equal cells.
    reverse : bool
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
    x_text = [f"{v:.3g}" for v in x_values]
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
        colorbar.update(tickvals=ticks, ticktext=[f"1e{int(t)}" for t in ticks])
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
    layout = _base_layout(title, height=height, xlabel=x_label, ylabel=y_label or "")
    step_x = max(1, math.ceil(nx / 10))
    step_y = max(1, math.ceil(ny / 12))
    layout["xaxis"].update(
        tickvals=ix[::step_x].tolist(),
        ticktext=x_text[::step_x],
        range=[-0.5, nx - 0.5],
        showgrid=False,
    )
    layout["yaxis"].update(
        tickvals=iy[::step_y].tolist(),
        ticktext=y_text[::step_y],
        range=[-0.5, ny - 0.5],
        showgrid=False,
    )
    layout["legend"] = {"orientation": "h", "y": -0.2, "x": 0, "yanchor": "top"}
    layout["showlegend"] = True
    _ = log_x, log_y  # cells are equal whatever the spacing; kept for callers' clarity
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
    layout = _base_layout(title, height=height, xlabel="learning rate", ylabel="final loss")
    layout["xaxis"]["type"] = "log"
    layout["yaxis"]["type"] = "log" if log_y else "linear"
    layout["hovermode"] = "closest"
    layout["legend"] = {"orientation": "h", "y": -0.25, "x": 0, "yanchor": "top"}
    return {"data": data, "layout": layout}


# --- Step inspector: the update rule with the numbers substituted ---------------------

# What each recorded field is called in the maths (overrides per optimizer below).
SYMBOLS = {
    "grad": ("g_t", "gradient"),
    "update": (r"\Delta\theta_t", "update"),
    "step_size": (r"|\Delta\theta_t| / |g_t|", "effective step size"),
    "count": ("t", "step count"),
    "velocity": ("v_t", "velocity"),
    "sum_sq": ("s_t", "sum of squared gradients"),
    "mu": ("m_t", "first moment (average of g)"),
    "nu": ("v_t", "second moment (average of g²)"),
    "nu_max": (r"v_t^{max}", "largest second moment so far"),
    "mu_hat": (r"\hat m_t", "bias-corrected first moment"),
    "nu_hat": (r"\hat v_t", "bias-corrected second moment"),
    "u": ("u_t", "infinity norm (decaying max of |g|)"),
    "mu_product": (r"\textstyle\prod_t", "product of momentum coefficients"),
    "rho_t": (r"\rho_t", "variance tractability ρ_t"),
    "s": ("s_t", "belief: average of (g − m)²"),
    "s_hat": (r"\hat s_t", "bias-corrected belief"),
    "acc_delta": ("u_t", "average of squared updates"),
}
SYMBOL_OVERRIDES = {
    "rmsprop": {
        "mu": ("m_t", "average of g (centered)"),
        "velocity": ("b_t", "momentum buffer"),
    },
    "adadelta": {"nu": ("v_t", "average of g²")},
    "nesterov": {"velocity": ("v_t", "velocity (includes γ)")},
}
# Plain-text symbols for the table (LaTeX does not render inside a dataframe).
TEXT_SYMBOLS = {
    "g_t": "g",
    r"\Delta\theta_t": "Δθ",
    r"|\Delta\theta_t| / |g_t|": "|Δθ|/|g|",
    "t": "t",
    "v_t": "v",
    "s_t": "s",
    "m_t": "m",
    "b_t": "b",
    "u_t": "u",
    r"v_t^{max}": "v max",
    r"\hat m_t": "m̂",
    r"\hat v_t": "v̂",
    r"\hat s_t": "ŝ",
    r"\textstyle\prod_t": "∏ μ",
    r"\rho_t": "ρ",
}


def state_dict(state, row=0):
    """Turn an optimizer state (NamedTuple) into ``{field: value}`` for one row.

    Per-row arrays give their row ``row`` (shape (2,)), shared scalars stay scalars,
    ``None`` fields are dropped.

    Parameters
    ----------
    state : NamedTuple
        From ``opt.init(params)`` or ``opt.update(...)``.
    row : int

    Returns
    -------
    dict
    """
    out = {}
    for name, value in zip(state._fields, state, strict=True):
        if value is None:
            continue
        value = np.asarray(value, dtype=np.float64)
        out[name] = value[row] if value.ndim >= 1 else float(value)
    return out


def step_values(record, t, initial):
    """Collect what step ``t`` of one recorded run did.

    Parameters
    ----------
    record : dict
        One run's internals as ``ui.compute.internals`` returns them: ``points``
        (steps + 1, 2), ``grad``, ``update``, ``step_size`` (steps, 2) and every state
        field, (steps, 2) or (steps,).
    t : int
        Step, 1..steps.
    initial : dict
        The state before step 1 (see :func:`state_dict`).

    Returns
    -------
    dict
        ``t``, ``theta_prev``, ``theta``, ``grad``, ``update``, ``step_size`` (arrays of
        shape (2,)), ``state`` (fields after step t) and ``prev`` (fields after step
        t - 1, or ``initial``).
    """
    skip = {"points", "grad", "update", "step_size"}
    state = {k: _at(v, t - 1) for k, v in record.items() if k not in skip}
    if t >= 2:
        prev = {k: _at(v, t - 2) for k, v in record.items() if k not in skip}
    else:
        prev = dict(initial)
    points = np.asarray(record["points"], dtype=np.float64)
    return {
        "t": int(t),
        "theta_prev": points[t - 1],
        "theta": points[t],
        "grad": np.asarray(record["grad"][t - 1], dtype=np.float64),
        "update": np.asarray(record["update"][t - 1], dtype=np.float64),
        "step_size": np.asarray(record["step_size"][t - 1], dtype=np.float64),
        "state": state,
        "prev": prev,
    }


def _at(array, i):
    value = np.asarray(array, dtype=np.float64)[i]
    return float(value) if value.ndim == 0 else value


def symbol(name, field):
    """Return ``(latex, description)`` of a recorded field for optimizer ``name``."""
    table = {**SYMBOLS, **SYMBOL_OVERRIDES.get(name, {})}
    return table.get(field, (rf"\mathrm{{{field}}}".replace("_", r"\_"), field.replace("_", " ")))


def state_rows(name, step, lr):
    """Rows of the inspector's table: each quantity of step t, per coordinate.

    Parameters
    ----------
    name : str
        Registry name of the optimizer (chooses the symbols).
    step : dict
        From :func:`step_values`.
    lr : float
        Learning rate used at this step.

    Returns
    -------
    list of dict
        Keys ``quantity``, ``symbol``, ``x``, ``y`` (floats; shared scalars in both).
    """
    rows = []

    def add(quantity, sym, value):
        value = np.broadcast_to(np.asarray(value, dtype=np.float64), (2,))
        rows.append({"quantity": quantity, "symbol": sym, "x": value[0], "y": value[1]})

    add("position before the step", "θ(t−1)", step["theta_prev"])
    add("learning rate", "γ", lr)
    for field in ("grad",):
        latex, text = symbol(name, field)
        add(text, TEXT_SYMBOLS.get(latex, latex), step[field])
    for field, value in step["state"].items():
        latex, text = symbol(name, field)
        add(text, TEXT_SYMBOLS.get(latex, field), value)
    for field in ("step_size", "update"):
        latex, text = symbol(name, field)
        add(text, TEXT_SYMBOLS.get(latex, latex), step[field])
    add("new position", "θ(t)", step["theta"])
    return rows


def fmt_num(v, digits=4):
    """Format a number for LaTeX: 4 significant digits, a power of ten when tiny or huge."""
    v = float(v)
    if not math.isfinite(v):
        return r"\text{NaN}" if math.isnan(v) else (r"\infty" if v > 0 else r"-\infty")
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e5:
        return f"{v:.{digits}g}"
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    exp = int(exponent)
    if mantissa in ("1", "-1"):
        return rf"{'-' if v < 0 else ''}10^{{{exp}}}"
    return rf"{mantissa} \times 10^{{{exp}}}"


def _p(v):
    """Format a number as a factor: parenthesised when negative or in powers of ten."""
    text = fmt_num(v)
    return f"({text})" if float(v) < 0 or r"\times" in text else text


class _Eq:
    """One equation: ``lhs = symbolic = numbers = value``, and what to check it against."""

    __slots__ = ("lhs", "sym", "num", "value", "check")

    def __init__(self, lhs, sym, num, value, check=None):
        self.lhs, self.sym, self.num, self.value, self.check = lhs, sym, num, value, check


def _theta(c, sym, num, value):
    return _Eq(r"\theta_t", sym, num, value, "theta")


def _decayed_grad(c, eqs, weight_decay):
    """L2 weight decay folded into the gradient: add the line, return g + λθ."""
    i = c["i"]
    g = c["grad"][i]
    if not weight_decay:
        return g
    th = c["theta_prev"][i]
    new = g + weight_decay * th
    eqs.append(
        _Eq(
            "g_t",
            r"g_t + \lambda \theta_{t-1}",
            rf"{fmt_num(g)} + {_p(weight_decay)} \cdot {_p(th)}",
            new,
        )
    )
    return new


def _rule_sgd(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    mu, tau = hp.get("momentum", 0.0), hp.get("dampening", 0.0)
    lr, th = c["lr"], c["theta_prev"][i]
    if mu == 0:
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma g_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(g)}",
                th - lr * g,
            )
        )
        return eqs
    if c["t"] == 1:
        v = g
        eqs.append(_Eq("v_t", r"g_t \text{ (first step)}", fmt_num(g), v, "velocity"))
    else:
        v_prev = c["prev"]["velocity"][i]
        damp = "" if tau == 0 else rf"(1 - {_p(tau)}) "
        v = mu * v_prev + (1 - tau) * g
        eqs.append(
            _Eq(
                "v_t",
                r"\mu v_{t-1} + " + (r"(1 - \tau) " if tau else "") + "g_t",
                rf"{_p(mu)} \cdot {_p(v_prev)} + {damp}{_p(g)}",
                v,
                "velocity",
            )
        )
    if hp.get("nesterov"):
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma (g_t + \mu v_t)",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot ({fmt_num(g)} + {_p(mu)} \cdot {_p(v)})",
                th - lr * (g + mu * v),
            )
        )
    else:
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma v_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(v)}",
                th - lr * v,
            )
        )
    return eqs


def _rule_momentum_ema(c):
    hp, i = c["hp"], c["i"]
    g, beta, lr, th = c["grad"][i], hp["beta"], c["lr"], c["theta_prev"][i]
    v_prev = c["prev"]["velocity"][i]
    v = beta * v_prev + (1 - beta) * g
    return [
        _Eq(
            "v_t",
            r"\beta v_{t-1} + (1 - \beta) g_t",
            rf"{_p(beta)} \cdot {_p(v_prev)} + {_p(1 - beta)} \cdot {_p(g)}",
            v,
            "velocity",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \gamma v_t",
            rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(v)}",
            th - lr * v,
        ),
    ]


def _rule_nesterov(c):
    hp, i = c["hp"], c["i"]
    g, mu, lr, th = c["grad"][i], hp["momentum"], c["lr"], c["theta_prev"][i]
    v_prev = c["prev"]["velocity"][i]
    v = mu * v_prev - lr * g
    return [
        _Eq(
            r"\tilde\theta_{t-1}",
            r"\theta_{t-1} + \mu v_{t-1} \text{ (where } g_t \text{ is taken)}",
            rf"{fmt_num(th, 7)} + {_p(mu)} \cdot {_p(v_prev)}",
            th + mu * v_prev,
        ),
        _Eq(
            "v_t",
            r"\mu v_{t-1} - \gamma g_t",
            rf"{_p(mu)} \cdot {_p(v_prev)} - {_p(lr)} \cdot {_p(g)}",
            v,
            "velocity",
        ),
        _theta(c, r"\theta_{t-1} + v_t", rf"{fmt_num(th, 7)} + {_p(v)}", th + v),
    ]


def _rule_adagrad(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, eta = c["lr"], c["theta_prev"][i], hp["eps"], hp["lr_decay"]
    s_prev = c["prev"]["sum_sq"][i]
    s = s_prev + g * g
    eqs.append(_Eq("s_t", r"s_{t-1} + g_t^2", rf"{fmt_num(s_prev)} + {_p(g)}^2", s, "sum_sq"))
    lr_t = lr / (1 + (c["t"] - 1) * eta)
    if eta:
        eqs.append(
            _Eq(
                r"\tilde\gamma",
                r"\gamma / \big(1 + (t - 1) \eta\big)",
                rf"{fmt_num(lr)} / (1 + {c['t'] - 1} \cdot {_p(eta)})",
                lr_t,
            )
        )
        lr_sym = r"\tilde\gamma"
    else:
        lr_sym = r"\gamma"
    eqs.append(
        _theta(
            c,
            rf"\theta_{{t-1}} - {lr_sym} \, \frac{{g_t}}{{\sqrt{{s_t}} + \epsilon}}",
            rf"{fmt_num(th, 7)} - {_p(lr_t)} \cdot \frac{{{fmt_num(g)}}}"
            rf"{{\sqrt{{{fmt_num(s)}}} + {fmt_num(eps)}}}",
            th - lr_t * g / (math.sqrt(s) + eps),
        )
    )
    return eqs


def _rule_rmsprop(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, alpha, mu_m = c["lr"], c["theta_prev"][i], hp["eps"], hp["alpha"], hp["momentum"]
    v_prev = c["prev"]["nu"][i]
    v = alpha * v_prev + (1 - alpha) * g * g
    eqs.append(
        _Eq(
            "v_t",
            r"\alpha v_{t-1} + (1 - \alpha) g_t^2",
            rf"{_p(alpha)} \cdot {_p(v_prev)} + {_p(1 - alpha)} \cdot {_p(g)}^2",
            v,
            "nu",
        )
    )
    v_sym = "v_t"
    denom_v = v
    if hp.get("centered"):
        m_prev = c["prev"]["mu"][i]
        m = alpha * m_prev + (1 - alpha) * g
        eqs.append(
            _Eq(
                "m_t",
                r"\alpha m_{t-1} + (1 - \alpha) g_t",
                rf"{_p(alpha)} \cdot {_p(m_prev)} + {_p(1 - alpha)} \cdot {_p(g)}",
                m,
                "mu",
            )
        )
        denom_v = v - m * m
        eqs.append(_Eq(r"\tilde v_t", r"v_t - m_t^2", rf"{fmt_num(v)} - {_p(m)}^2", denom_v))
        v_sym = r"\tilde v_t"
    root = math.sqrt(denom_v) + eps if denom_v >= 0 else math.nan
    if mu_m > 0:
        b_prev = c["prev"]["velocity"][i]
        b = mu_m * b_prev + g / root
        eqs.append(
            _Eq(
                "b_t",
                rf"\mu b_{{t-1}} + \frac{{g_t}}{{\sqrt{{{v_sym}}} + \epsilon}}",
                rf"{_p(mu_m)} \cdot {_p(b_prev)} + \frac{{{fmt_num(g)}}}"
                rf"{{\sqrt{{{fmt_num(denom_v)}}} + {fmt_num(eps)}}}",
                b,
                "velocity",
            )
        )
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma b_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(b)}",
                th - lr * b,
            )
        )
    else:
        eqs.append(
            _theta(
                c,
                rf"\theta_{{t-1}} - \gamma \, \frac{{g_t}}{{\sqrt{{{v_sym}}} + \epsilon}}",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \frac{{{fmt_num(g)}}}"
                rf"{{\sqrt{{{fmt_num(denom_v)}}} + {fmt_num(eps)}}}",
                th - lr * g / root,
            )
        )
    return eqs


def _rule_adadelta(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, rho = c["lr"], c["theta_prev"][i], hp["eps"], hp["rho"]
    v_prev, u_prev = c["prev"]["nu"][i], c["prev"]["acc_delta"][i]
    v = rho * v_prev + (1 - rho) * g * g
    delta = math.sqrt(u_prev + eps) / math.sqrt(v + eps) * g
    u = rho * u_prev + (1 - rho) * delta * delta
    return [
        *eqs,
        _Eq(
            "v_t",
            r"\rho v_{t-1} + (1 - \rho) g_t^2",
            rf"{_p(rho)} \cdot {_p(v_prev)} + {_p(1 - rho)} \cdot {_p(g)}^2",
            v,
            "nu",
        ),
        _Eq(
            r"\delta_t",
            r"\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} \, g_t",
            rf"\frac{{\sqrt{{{fmt_num(u_prev)} + {fmt_num(eps)}}}}}"
            rf"{{\sqrt{{{fmt_num(v)} + {fmt_num(eps)}}}}} \cdot {_p(g)}",
            delta,
        ),
        _Eq(
            "u_t",
            r"\rho u_{t-1} + (1 - \rho) \delta_t^2",
            rf"{_p(rho)} \cdot {_p(u_prev)} + {_p(1 - rho)} \cdot {_p(delta)}^2",
            u,
            "acc_delta",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \gamma \delta_t",
            rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(delta)}",
            th - lr * delta,
        ),
    ]


def _moment_eqs(c, g, beta1, beta2):
    i = c["i"]
    m_prev, v_prev = c["prev"]["mu"][i], c["prev"]["nu"][i]
    m = beta1 * m_prev + (1 - beta1) * g
    v = beta2 * v_prev + (1 - beta2) * g * g
    eqs = [
        _Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(beta1)} \cdot {_p(m_prev)} + {_p(1 - beta1)} \cdot {_p(g)}",
            m,
            "mu",
        ),
        _Eq(
            "v_t",
            r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2",
            rf"{_p(beta2)} \cdot {_p(v_prev)} + {_p(1 - beta2)} \cdot {_p(g)}^2",
            v,
            "nu",
        ),
    ]
    return eqs, m, v


def _rule_adam(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    decoupled = c["name"] == "adamw"
    eqs = []
    g = c["grad"][i] if decoupled else _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    more, m, v = _moment_eqs(c, g, b1, b2)
    eqs += more
    v_used, v_sym = v, "v_t"
    if hp.get("amsgrad"):
        vmax_prev = c["prev"]["nu_max"][i]
        v_used = max(vmax_prev, v)
        eqs.append(
            _Eq(
                r"v_t^{max}",
                r"\max(v_{t-1}^{max}, v_t)",
                rf"\max({fmt_num(vmax_prev)}, {fmt_num(v)})",
                v_used,
                "nu_max",
            )
        )
        v_sym = r"v_t^{max}"
    if hp.get("bias_correction", True):
        m_hat, v_hat = m / (1 - b1**t), v_used / (1 - b2**t)
        eqs.append(
            _Eq(
                r"\hat m_t",
                r"m_t / (1 - \beta_1^t)",
                rf"{fmt_num(m)} / (1 - {_p(b1)}^{{{t}}})",
                m_hat,
                "mu_hat",
            )
        )
        eqs.append(
            _Eq(
                r"\hat v_t",
                rf"{v_sym} / (1 - \beta_2^t)",
                rf"{fmt_num(v_used)} / (1 - {_p(b2)}^{{{t}}})",
                v_hat,
                "nu_hat",
            )
        )
    else:
        m_hat, v_hat = m, v_used
    sym = r"\theta_{t-1} - \gamma \, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
    num = (
        rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \frac{{{fmt_num(m_hat)}}}"
        rf"{{\sqrt{{{fmt_num(v_hat)}}} + {fmt_num(eps)}}}"
    )
    value = th - lr * m_hat / (math.sqrt(v_hat) + eps)
    wd = hp.get("weight_decay", 0.0)
    if decoupled and wd:
        sym += r" - \gamma \lambda \theta_{t-1}"
        num += rf" - {_p(lr)} \cdot {_p(wd)} \cdot {_p(th)}"
        value -= lr * wd * th
    eqs.append(_theta(c, sym, num, value))
    return eqs


def _rule_adamax(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    m_prev, u_prev = c["prev"]["mu"][i], c["prev"]["u"][i]
    m = b1 * m_prev + (1 - b1) * g
    u = max(b2 * u_prev, abs(g) + eps)
    return [
        *eqs,
        _Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(b1)} \cdot {_p(m_prev)} + {_p(1 - b1)} \cdot {_p(g)}",
            m,
            "mu",
        ),
        _Eq(
            "u_t",
            r"\max\big(\beta_2 u_{t-1},\ |g_t| + \epsilon\big)",
            rf"\max\big({_p(b2)} \cdot {_p(u_prev)},\ {fmt_num(abs(g))} + {fmt_num(eps)}\big)",
            u,
            "u",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \frac{\gamma \, m_t}{(1 - \beta_1^t) \, u_t}",
            rf"{fmt_num(th, 7)} - \frac{{{_p(lr)} \cdot {_p(m)}}}{{(1 - {_p(b1)}^{{{t}}}) "
            rf"\cdot {_p(u)}}}",
            th - lr * m / ((1 - b1**t) * u),
        ),
    ]


def _rule_nadam(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    psi = hp["momentum_decay"]
    mu_t = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    prod_prev = c["prev"]["mu_product"]
    prod = prod_prev * mu_t
    more, m, v = _moment_eqs(c, g, b1, b2)
    m_hat = mu_next * m / (1 - prod * mu_next) + (1 - mu_t) * g / (1 - prod)
    v_hat = v / (1 - b2**t)
    eqs += [
        _Eq(
            r"\mu_t",
            r"\beta_1 \big(1 - \tfrac12 \, 0.96^{t \psi}\big)",
            rf"{_p(b1)} \cdot (1 - 0.5 \cdot 0.96^{{{t} \cdot {_p(psi)}}})",
            mu_t,
        ),
        _Eq(
            r"\textstyle\prod_t",
            r"\textstyle\prod_{t-1} \mu_t",
            rf"{fmt_num(prod_prev)} \cdot {_p(mu_t)}",
            prod,
            "mu_product",
        ),
        *more,
        _Eq(
            r"\hat m_t",
            r"\frac{\mu_{t+1} m_t}{1 - \prod_t \mu_{t+1}} + \frac{(1 - \mu_t) g_t}{1 - \prod_t}",
            rf"\frac{{{_p(mu_next)} \cdot {_p(m)}}}{{1 - {_p(prod)} \cdot {_p(mu_next)}}} + "
            rf"\frac{{(1 - {_p(mu_t)}) \cdot {_p(g)}}}{{1 - {_p(prod)}}}",
            m_hat,
        ),
        _Eq(
            r"\hat v_t",
            r"v_t / (1 - \beta_2^t)",
            rf"{fmt_num(v)} / (1 - {_p(b2)}^{{{t}}})",
            v_hat,
            "nu_hat",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \gamma \, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
            rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \frac{{{fmt_num(m_hat)}}}"
            rf"{{\sqrt{{{fmt_num(v_hat)}}} + {fmt_num(eps)}}}",
            th - lr * m_hat / (math.sqrt(v_hat) + eps),
        ),
    ]
    return eqs


def _rule_radam(c):
    hp, i, t, eqs = c["hp"], c["i"], c["t"], []
    g = _decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    lr, th, eps, b1, b2 = c["lr"], c["theta_prev"][i], hp["eps"], hp["beta1"], hp["beta2"]
    more, m, v = _moment_eqs(c, g, b1, b2)
    eqs += more
    m_hat = m / (1 - b1**t)
    eqs.append(
        _Eq(
            r"\hat m_t",
            r"m_t / (1 - \beta_1^t)",
            rf"{fmt_num(m)} / (1 - {_p(b1)}^{{{t}}})",
            m_hat,
            "mu_hat",
        )
    )
    rho_inf = 2 / (1 - b2) - 1
    rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
    eqs.append(
        _Eq(
            r"\rho_t",
            r"\rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}",
            rf"{fmt_num(rho_inf)} - \frac{{2 \cdot {t} \cdot {_p(b2)}^{{{t}}}}}"
            rf"{{1 - {_p(b2)}^{{{t}}}}}",
            rho,
            "rho_t",
        )
    )
    if rho > 5:
        r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        ell = math.sqrt(1 - b2**t) / (math.sqrt(v) + eps)
        eqs += [
            _Eq(
                "r_t",
                r"\sqrt{\frac{(\rho_t - 4)(\rho_t - 2) \rho_\infty}"
                r"{(\rho_\infty - 4)(\rho_\infty - 2) \rho_t}}",
                rf"\sqrt{{\frac{{({fmt_num(rho)} - 4)({fmt_num(rho)} - 2) "
                rf"\cdot {fmt_num(rho_inf)}}}"
                rf"{{({fmt_num(rho_inf)} - 4)({fmt_num(rho_inf)} - 2) \cdot {fmt_num(rho)}}}}}",
                r,
            ),
            _Eq(
                "l_t",
                r"\frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}",
                rf"\frac{{\sqrt{{1 - {_p(b2)}^{{{t}}}}}}}"
                rf"{{\sqrt{{{fmt_num(v)}}} + {fmt_num(eps)}}}",
                ell,
            ),
            _theta(
                c,
                r"\theta_{t-1} - \gamma \, \hat m_t \, l_t \, r_t",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(m_hat)} \cdot {_p(ell)} \cdot {_p(r)}",
                th - lr * m_hat * ell * r,
            ),
        ]
    else:
        eqs.append(
            _theta(
                c,
                r"\theta_{t-1} - \gamma \hat m_t \quad (\rho_t \le 5 \text{: SGD step})",
                rf"{fmt_num(th, 7)} - {_p(lr)} \cdot {_p(m_hat)}",
                th - lr * m_hat,
            )
        )
    return eqs


def _rule_adabelief(c):
    hp, i, t = c["hp"], c["i"], c["t"]
    g, lr, th = c["grad"][i], c["lr"], c["theta_prev"][i]
    eps, eps_root, b1, b2 = hp["eps"], hp["eps_root"], hp["beta1"], hp["beta2"]
    m_prev, s_prev = c["prev"]["mu"][i], c["prev"]["s"][i]
    m = b1 * m_prev + (1 - b1) * g
    s = b2 * s_prev + (1 - b2) * (g - m) ** 2 + eps_root
    m_hat, s_hat = m / (1 - b1**t), s / (1 - b2**t)
    return [
        _Eq(
            "m_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(b1)} \cdot {_p(m_prev)} + {_p(1 - b1)} \cdot {_p(g)}",
            m,
            "mu",
        ),
        _Eq(
            "s_t",
            r"\beta_2 s_{t-1} + (1 - \beta_2)(g_t - m_t)^2 + \epsilon_{root}",
            rf"{_p(b2)} \cdot {_p(s_prev)} + {_p(1 - b2)} \cdot ({fmt_num(g)} - {_p(m)})^2 + "
            rf"{fmt_num(eps_root)}",
            s,
            "s",
        ),
        _Eq(
            r"\hat m_t",
            r"m_t / (1 - \beta_1^t)",
            rf"{fmt_num(m)} / (1 - {_p(b1)}^{{{t}}})",
            m_hat,
            "mu_hat",
        ),
        _Eq(
            r"\hat s_t",
            r"s_t / (1 - \beta_2^t)",
            rf"{fmt_num(s)} / (1 - {_p(b2)}^{{{t}}})",
            s_hat,
            "s_hat",
        ),
        _theta(
            c,
            r"\theta_{t-1} - \gamma \, \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}",
            rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \frac{{{fmt_num(m_hat)}}}"
            rf"{{\sqrt{{{fmt_num(s_hat)}}} + {fmt_num(eps)}}}",
            th - lr * m_hat / (math.sqrt(s_hat) + eps),
        ),
    ]


def _rule_lion(c):
    hp, i = c["hp"], c["i"]
    g, lr, th = c["grad"][i], c["lr"], c["theta_prev"][i]
    b1, b2, wd = hp["beta1"], hp["beta2"], hp["weight_decay"]
    m_prev = c["prev"]["mu"][i]
    blend = b1 * m_prev + (1 - b1) * g
    sign = float(np.sign(blend))
    m = b2 * m_prev + (1 - b2) * g
    sym = r"\theta_{t-1} - \gamma \big(\operatorname{sign}(c_t)" + (
        r" + \lambda \theta_{t-1}\big)" if wd else r"\big)"
    )
    num = rf"{fmt_num(th, 7)} - {_p(lr)} \cdot \big({fmt_num(sign)}" + (
        rf" + {_p(wd)} \cdot {_p(th)}\big)" if wd else r"\big)"
    )
    return [
        _Eq(
            "c_t",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t",
            rf"{_p(b1)} \cdot {_p(m_prev)} + {_p(1 - b1)} \cdot {_p(g)}",
            blend,
        ),
        _theta(c, sym, num, th - lr * (sign + wd * th)),
        _Eq(
            "m_t",
            r"\beta_2 m_{t-1} + (1 - \beta_2) g_t",
            rf"{_p(b2)} \cdot {_p(m_prev)} + {_p(1 - b2)} \cdot {_p(g)}",
            m,
            "mu",
        ),
    ]


RULES = {
    "gd": _rule_sgd,
    "sgd": _rule_sgd,
    "momentum": _rule_sgd,
    "momentum_ema": _rule_momentum_ema,
    "nesterov": _rule_nesterov,
    "adagrad": _rule_adagrad,
    "rmsprop": _rule_rmsprop,
    "adadelta": _rule_adadelta,
    "adam": _rule_adam,
    "adamw": _rule_adam,
    "adamax": _rule_adamax,
    "nadam": _rule_nadam,
    "radam": _rule_radam,
    "adabelief": _rule_adabelief,
    "lion": _rule_lion,
}
"""Per-family templates; any other optimizer gets the generic θ_t = θ_{t-1} + Δθ_t."""


def _close(a, b):
    scale = max(abs(a), abs(b), 1e-300)
    return a == b or abs(a - b) <= 1e-7 * scale + 1e-12 * max(1.0, scale)


def _generic_eqs(c):
    i = c["i"]
    th, u = c["theta_prev"][i], c["update"][i]
    return [
        _Eq(
            r"\theta_t",
            r"\theta_{t-1} + \Delta\theta_t",
            rf"{fmt_num(th, 7)} + {_p(u)}",
            th + u,
            "theta",
        )
    ]


def update_latex(name, hp, step, lr, *, hessian=None):
    """Typeset step t's update rule with the run's numbers, one block per coordinate.

    Every equation is recomputed from the substituted numbers and compared with what
    the run recorded (the state field it defines, and θ_t). If any disagrees (an
    optimizer or option without a template here), the block falls back to the
    always-true ``θ_t = θ_{t-1} + Δθ_t`` so the page never shows wrong arithmetic.

    Parameters
    ----------
    name : str
        Registry name of the optimizer.
    hp : dict
        Its full hyperparameters.
    step : dict
        From :func:`step_values`.
    lr : float
        Learning rate used at step t (after any schedule).
    hessian : ndarray, shape (2, 2), optional
        The Hessian at θ_{t-1}, for Newton.

    Returns
    -------
    blocks : list of (str, str)
        ``(heading, latex)``: one ``aligned`` block per coordinate ("coordinate x",
        then "coordinate y"); one block for Newton, whose step mixes the coordinates.
    exact : bool
        False if the fallback was used.
    """
    if name == "newton" and hessian is not None:
        return _newton_latex(hp, step, lr, hessian)
    rule = RULES.get(name)
    blocks, exact = [], rule is not None
    for i, coord in enumerate("xy"):
        c = {**step, "i": i, "hp": hp, "lr": float(lr), "name": name}
        eqs = None
        if rule is not None:
            try:
                with np.errstate(all="ignore"):
                    eqs = rule(c)
            except (KeyError, ValueError, ZeroDivisionError, OverflowError, TypeError):
                eqs = None
            if eqs is not None and not _agrees(eqs, c):
                eqs = None
        if eqs is None:
            exact = False
            eqs = _generic_eqs(c)
        blocks.append((f"coordinate {coord}", _aligned(eqs)))
    return blocks, exact


def _agrees(eqs, c):
    """Check every equation that defines a recorded quantity against the record."""
    i = c["i"]
    for eq in eqs:
        if eq.check is None:
            continue
        if eq.check == "theta":
            recorded = c["theta"][i]
        else:
            value = c["state"].get(eq.check)
            if value is None:
                return False
            recorded = value if np.ndim(value) == 0 else value[i]
        if not (np.isfinite(recorded) and np.isfinite(eq.value)):
            if not (np.isnan(recorded) and np.isnan(eq.value)):
                return False
            continue
        if not _close(float(eq.value), float(recorded)):
            return False
    return True


def _aligned(eqs):
    lines = []
    for eq in eqs:
        lines.append(rf"{eq.lhs} &= {eq.sym} \\")
        digits = 7 if eq.check == "theta" else 4
        lines.append(rf"&= {eq.num} = \mathbf{{{fmt_num(eq.value, digits)}}} \\[4pt]")
    body = "\n".join(lines).removesuffix(r" \\[4pt]")
    return rf"\begin{{aligned}}{body}\end{{aligned}}"


def _newton_latex(hp, step, lr, hessian):
    damping = hp.get("damping", 0.0)
    h = np.asarray(hessian, dtype=np.float64) + damping * np.eye(2)
    g = step["grad"]
    th = step["theta_prev"]
    with np.errstate(all="ignore"):
        det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0]
        d = np.array([h[1, 1] * g[0] - h[0, 1] * g[1], h[0, 0] * g[1] - h[1, 0] * g[0]]) / det
    new = th - lr * d

    def vec(v, digits=4):
        return (
            rf"\begin{{pmatrix}} {fmt_num(v[0], digits)} \\ {fmt_num(v[1], digits)} "
            r"\end{pmatrix}"
        )

    def mat(m):
        return (
            rf"\begin{{pmatrix}} {fmt_num(m[0, 0])} & {fmt_num(m[0, 1])} \\ "
            rf"{fmt_num(m[1, 0])} & {fmt_num(m[1, 1])} \end{{pmatrix}}"
        )

    h_sym = r"(H_t + \lambda I)" if damping else "H_t"
    body = (
        rf"\theta_t &= \theta_{{t-1}} - \gamma \, {h_sym}^{{-1}} g_t \\"
        rf"&= {vec(th, 7)} - {_p(lr)} \cdot {mat(h)}^{{-1}} {vec(g)} \\[4pt]"
        rf"&= {vec(th, 7)} - {_p(lr)} \cdot {vec(d)} = \mathbf{{{vec(new, 7)}}}"
    )
    exact = bool(np.allclose(new, step["theta"], rtol=1e-7, atol=1e-12, equal_nan=True))
    if not exact:
        u = step["update"]
        body = (
            rf"\theta_t &= \theta_{{t-1}} + \Delta\theta_t \\"
            rf"&= {vec(th, 7)} + {vec(u)} = \mathbf{{{vec(step['theta'], 7)}}}"
        )
    return [("both coordinates at once", rf"\begin{{aligned}}{body}\end{{aligned}}")], exact
