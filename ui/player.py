"""The animation player: a Streamlit v1 custom component (vanilla JS, no build step).

The browser side is in ``assets/player/`` (shared with the standalone HTML export):
``index.html`` loads ``player.css``, then ``plotly.min.js``, served straight from the
installed plotly package by a second component declared on its folder (nothing is copied
into the source tree, which may be read-only; no CDN), then the player in three parts:
``model.js``, ``figures.js``, ``player.js``, and ``curves.js`` (the loss and other curves
under the player, drawn with the same plotly.js: a page with the player loads plotly.js
once, while ``st.plotly_chart`` would bring Streamlit's own second copy). The payload
comes from :func:`figures.player_payload`.
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import plotly
import plotly.io
import streamlit.components.v1 as components

import figures
from figures import encode_array
from ui import present
from ui.component_values import player_value

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "player"
PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"


def _component():
    # Declared on every call: registration needs a running script context, and declaring
    # again is cheap and idempotent (same name, same folder). index.html loads
    # ../ui.player.plotlyjs/plotly.min.js, the URL Streamlit gives the second one.
    components.declare_component("plotlyjs", path=str(PLOTLY_DIR))
    return components.declare_component("player", path=str(ASSETS))


def curve(label, figure, log_figure=None, *, log=False):
    """Return one tab of the curves under the player.

    Parameters
    ----------
    label : str
        The tab's label ("Loss", "Gradient norm", ...).
    figure : dict
        A plain Plotly figure (``figures.static``), shown on a linear y axis.
    log_figure : dict, optional
        The same curves on a log y axis; with it the tab offers a "log scale" switch.
    log : bool
        Start on the log figure.

    Returns
    -------
    dict
        JSON-ready (NumPy arrays become lists, NaN becomes null: a gap in the line).
    """
    out = {"label": str(label), "figure": _plain(figure), "log": bool(log and log_figure)}
    if log_figure is not None:
        out["log_figure"] = _plain(log_figure)
    return out


def _plain(figure):
    """Return a figure as JSON-ready dicts; 1-D numeric arrays as plotly.js typed arrays.

    A float array travels as ``{"dtype": "f4", "bdata": base64}`` (plotly.js decodes it;
    5.3 bytes a value instead of ~20 as a JSON number), non-finite values as NaN: a gap.
    """

    def typed(obj):
        if isinstance(obj, dict):
            return {k: typed(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [typed(v) for v in obj]
        if isinstance(obj, np.ndarray) and obj.ndim == 1 and obj.dtype.kind in "iuf":
            if obj.dtype.kind == "f":
                with np.errstate(over="ignore"):
                    obj = np.where(np.isfinite(obj), obj, np.nan).astype(np.float32)
                code = "f4"
            else:
                code = "i4"
            spec = encode_array(obj, code)
            return {"dtype": code, "bdata": spec["b64"]}
        return obj

    return json.loads(plotly.io.to_json(typed(figure), validate=False))


def player(
    payload,
    *,
    key,
    height=640,
    autoplay=False,
    theme=None,
    curves=None,
    curves_height=340,
    font_size=None,
):
    """Show the animation player: 3-D surface and contour map driven by one set of controls.

    Parameters
    ----------
    payload : dict
        From :func:`figures.player_payload`. The browser keeps everything (animation
        position, camera, zoom) when the same payload comes again on a rerun, and keeps
        the camera and zoom when a new payload has the same ``surface_id``.
    key : str
        Streamlit widget key; keep it stable so the iframe survives reruns.
    height : int
        Height of the player in pixels (charts, controls and legend). Below 720 px of
        width the two charts stack and the frame grows accordingly.
    autoplay : bool
        Start playing from step 0 whenever a new payload arrives; otherwise show the
        whole paths (last step), paused.
    theme : {"light", "dark", "auto"}, optional
        Overrides ``payload["theme"]``; ``"auto"`` follows the Streamlit theme.
    curves : list of dict, optional
        Tabs of curves under the player, each from :func:`curve`; drawn again only when
        they change.
    curves_height : int
        Height of the curves' area in pixels (tabs and chart), added to ``height``.
    font_size : int, optional
        Type size of the 3-D view and the map (the player's own default, 14, when None);
        presentation mode passes its large type (``ui.present.font_size``).

    Returns
    -------
    dict or None
        The last value the player sent, None before any:

        - ``{"event": "start", "start": [x, y], "seq": n}`` after a click on the map
          (inside the domain), rounded to 4 significant digits;
        - ``{"event": "step", "step": k, "seq": n}`` when the user pauses, scrubs (on
          release) or steps with the keyboard, and when playback reaches the end;
        - ``{"event": "hparam", "run": i, "name": h, "value": v, "seq": n}`` when the
          ladder slider is released on another value, ``{"event": "scrub", "run": i,
          "name": h, "seq": n}`` when another run or hyperparameter is picked for it, and
          ``{"event": "startgrid", "on": b, "seq": n}`` from "◆ drag start" (see
          ``ui.ladder`` and ``ui.state.apply_ladder_value``).

        ``seq`` increases strictly with every value (it is a timestamp in ms, also across
        reloads of the component), so a page can tell a new click from an old
        value that is returned again on later reruns. Values are never sent per frame:
        each one reruns the script.
    """
    curves = list(curves or ())
    if font_size:  # a new id: the browser redraws in the new type size
        payload = {**payload, "font_size": int(font_size), "id": f"{payload['id']}-f{font_size}"}
    text = json.dumps(curves, sort_keys=True, allow_nan=False)
    raw = _component()(
        payload=payload,
        height=int(height),
        autoplay=bool(autoplay),
        theme=theme,
        curves=curves,
        curves_height=int(curves_height),
        curves_key=hashlib.sha1(text.encode()).hexdigest()[:16] if curves else None,
        key=key,
        default=None,
    )
    return player_value(raw)  # forged or malformed values are dropped (untrusted input)


def explorer_curves(scene, surface, runs, theme):
    """Build the explorer's curves under the player: loss, gradient norm, distance, rates.

    Parameters
    ----------
    scene : ui.scene.Scene
    surface : surfaces.Surface
        For its minima and whether its loss is best seen on a log scale.
    runs : list
        The scene's computed runs (``ui.compute.runs``).
    theme : str
        What ``ui.present.apply`` returned (type size and colours of the figures).

    Returns
    -------
    list of dict
        Tabs for :func:`player` (none without runs).
    """
    if not runs:
        return []

    def styled(fig):
        # The tab names the chart and the player's legend right above names the runs (in
        # the same colours): without a title and a legend of their own the curves keep
        # their height for the plot, also in the presentation's large type.
        layout = {**fig["layout"], "title": None, "showlegend": False}
        layout["margin"] = {**layout["margin"], "t": 12, "b": 56}
        return present.style_figure({**fig, "layout": layout}, theme)

    tabs = [
        curve(
            "Loss",
            styled(figures.loss_figure(runs, log_y=False)),
            styled(figures.loss_figure(runs, log_y=True)),
            log=bool(surface.log_z),
        ),
        curve(
            "Gradient norm",
            styled(figures.grad_norm_figure(runs, log_y=False)),
            styled(figures.grad_norm_figure(runs, log_y=True)),
            log=True,
        ),
    ]
    if surface.minima:
        tabs.append(
            curve(
                "Distance to minimum",
                styled(figures.distance_figure(runs, surface.minima, log_y=False)),
                styled(figures.distance_figure(runs, surface.minima, log_y=True)),
                log=True,
            )
        )
    if scene.schedule != "constant":  # the rates each run used (per run for plateau)
        tabs.append(curve("Learning rate", styled(figures.lr_figure(runs))))
    return tabs
