"""Figures for the analysis pages, as plain dicts (no ``go.Figure`` validation, no Streamlit).

- :func:`contour_figure` — the surface as a filled contour map, with marked points
  (critical points on the custom-surface page);
- :func:`step_figure` — paths up to step t with arrows for −g and Δθ (step inspector);
- :func:`basin_figure` — a basin map: each start coloured by the minimum it reached,
  or by the steps it took, divergence in its own colour;
(The Sweeps page's figures are in :mod:`figures.sweeps`.)

Helpers :func:`nice_scale` and :func:`z_levels` are shared with the pages' captions.
"""

from __future__ import annotations

import math

import numpy as np

from figures.layout import map_layout
from figures.scale import ZScale

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
    if not np.isfinite(z).any():
        return np.full(z.shape, np.nan)
    if z_clip is not None and not z_clip > np.nanmin(np.where(np.isfinite(z), z, np.nan)):
        z_clip = None  # a clip at or below the minimum would flatten the whole map
    return ZScale.from_grid(z, log_z, z_clip).heights(z)


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
    layout = map_layout(title, height=height)
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
    layout = map_layout(title, height=height)
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
    layout = map_layout(title, height=height)
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
