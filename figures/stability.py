"""The stability map figure: spectral radius over (learning rate, second hyperparameter)."""

import numpy as np

from figures.layout import base_layout

STRETCH = 0.1  # log10 ρ below 0 is divided by this before colouring


def stability_figure(m, current=None, *, title=None, height=460):
    """Draw a :class:`optimizers.stability.StabilityMap` as a heatmap.

    Colour is log10 ρ on a diverging scale centred at ρ = 1: red diverges (up to ρ = 10),
    blue converges, ten times stretched (down to ρ = 10^-0.1 ≈ 0.79: near a minimum of a
    narrow valley the best ρ is close to 1, and the difference matters); a black contour
    marks ρ = 1, the stability edge; a dashed line marks GD's edge 2/λ_max and a star the
    current settings.

    Parameters
    ----------
    m : StabilityMap
    current : (float, float or None), optional
        The current (lr, y) setting.
    title : str, optional
    height : int

    Returns
    -------
    dict
    """
    with np.errstate(divide="ignore"):
        log_rho = np.log10(m.radius)
    z = np.clip(np.where(log_rho < 0, log_rho / STRETCH, log_rho), -1.0, 1.0)
    gd = m.y_name is None
    ys = np.array([0.0, 1.0]) if gd else m.ys
    z = np.vstack([z, z]) if gd else z
    rho = np.vstack([m.radius, m.radius]) if gd else m.radius
    data = [
        {
            "type": "heatmap",
            "x": m.lrs,
            "y": ys,
            "z": z,
            "customdata": rho,
            "zmin": -1.0,
            "zmax": 1.0,
            "colorscale": "RdBu_r",
            "colorbar": {
                "title": {"text": "ρ"},
                "len": 0.8,
                "tickvals": [-1.0, -0.5, 0.0, 0.5, 1.0],
                "ticktext": [
                    f"≤{10**-STRETCH:.2f}",
                    f"{10 ** (-STRETCH / 2):.2f}",
                    "1",
                    f"{10**0.5:.1f}",
                    "≥10",
                ],
            },
            "hovertemplate": "lr %{x:.4g}<br>"
            + ("" if gd else f"{m.y_name} %{{y:.3g}}<br>")
            + "ρ = %{customdata:.4g}<extra></extra>",
        },
        {
            "type": "contour",
            "x": m.lrs,
            "y": ys,
            "z": rho,
            "contours": {"start": 1.0, "end": 1.0, "size": 1.0, "coloring": "none"},
            "line": {"color": "black", "width": 2},
            "showscale": False,
            "hoverinfo": "skip",
            "name": "ρ = 1",
        },
    ]
    if np.isfinite(m.gd_edge) and m.lrs[0] <= m.gd_edge <= m.lrs[-1]:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+text",
                "x": [m.gd_edge, m.gd_edge],
                "y": [ys[0], ys[-1]],
                "line": {"color": "black", "dash": "dash", "width": 1.5},
                "text": ["", "2/λmax"],
                "textposition": "top right",
                "name": f"GD edge 2/λmax = {m.gd_edge:.4g}",
                "hoverinfo": "name",
            }
        )
    if current is not None:
        lr, y = current
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [lr],
                "y": [0.5 if gd or y is None else y],
                "marker": {"symbol": "star", "size": 16, "color": "gold",
                           "line": {"color": "black", "width": 1.5}},
                "name": "current settings",
            }
        )  # fmt: skip
    layout = base_layout(
        title, "learning rate", "" if gd else m.y_name, height=height, hovermode="closest"
    )
    if gd:
        layout["yaxis"] = {**layout.get("yaxis", {}), "showticklabels": False}
    return {"data": data, "layout": layout}
