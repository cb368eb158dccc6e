"""The one layout every plain-dict figure starts from: font, title, axes, legend.

The static figures (:mod:`figures.static`), the lessons' small charts and the analysis
maps (:mod:`figures.analysis`, :mod:`figures.sweeps`) differ only in the options below,
so the shared look (font, title placement, horizontal legend, no zero lines) is written
once here.
"""

from __future__ import annotations

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 14}


def base_layout(
    title,
    xlabel,
    ylabel,
    *,
    height,
    left=64,
    right=16,
    bottom=48,
    top=None,
    log_y=None,
    hovermode="x unified",
    legend_y=-0.25,
    **extra,
):
    """Return a Plotly layout dict with the app's font, title, axes and legend.

    Parameters
    ----------
    title : str or None
        Figure title, left-aligned; empty or None for none.
    xlabel, ylabel : str
        Axis titles.
    height : int
        Figure height in px.
    left, right, bottom : int
        Margins in px.
    top : int, optional
        Top margin in px (default: 44 with a title, 16 without).
    log_y : bool, optional
        Set the y axis type (log or linear); None leaves the type to Plotly and turns the
        y zero line off instead (the maps, whose axes are coordinates).
    hovermode : str
        Plotly's hovermode ("x unified" for lines over steps, "closest" for maps).
    legend_y : float
        Vertical position of the horizontal legend, below the plot.
    **extra
        More layout keys (e.g. ``plot_bgcolor``), added as given.

    Returns
    -------
    dict
    """
    # Exponents as powers of ten, never SI prefixes (Plotly's default shows a loss of
    # 1e-6 as "1µ"); steps and coordinates as plain numbers.
    if log_y is None:
        yaxis = {"title": {"text": ylabel}, "zeroline": False, "exponentformat": "power"}
    else:
        yaxis = {"title": {"text": ylabel}, "type": "log" if log_y else "linear",
                 "exponentformat": "power"}  # fmt: skip
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left"} if title else None,
        "font": FONT,
        "height": height,
        "margin": {"l": left, "r": right, "t": (44 if title else 16) if top is None else top,
                   "b": bottom},
        "xaxis": {"title": {"text": xlabel}, "zeroline": False, "exponentformat": "power"},
        "yaxis": yaxis,
        "hovermode": hovermode,
        "legend": {"orientation": "h", "y": legend_y, "x": 0},
        **extra,
    }  # fmt: skip


def map_layout(title, *, height, xlabel="x", ylabel="y"):
    """Return the maps' layout (contour, basin and sweep figures).

    Coordinate axes without zero lines, nearest-point hover, a white plot area and the
    legend just below the plot.

    Parameters
    ----------
    title : str
    height : int
    xlabel, ylabel : str

    Returns
    -------
    dict
    """
    return base_layout(
        title, xlabel, ylabel, height=height, left=56, hovermode="closest",
        legend={"orientation": "h", "y": -0.16, "x": 0, "yanchor": "top"},
        plot_bgcolor="#ffffff",
    )  # fmt: skip
