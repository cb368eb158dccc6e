"""The animation player: a Streamlit v1 custom component (vanilla JS, no build step).

The browser side is in ``assets/player/`` (shared with the standalone HTML export):
``index.html`` loads ``player.css``, then ``plotly.min.js``, served straight from the
installed plotly package by a second component declared on its folder (nothing is copied
into the source tree, which may be read-only; no CDN), then the player in three parts:
``model.js``, ``figures.js``, ``player.js``. The payload comes from
:func:`figures.player_payload`.
"""

from pathlib import Path

import plotly
import streamlit.components.v1 as components

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "player"
PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"


def _component():
    # Declared on every call: registration needs a running script context, and declaring
    # again is cheap and idempotent (same name, same folder). index.html loads
    # ../ui.player.plotlyjs/plotly.min.js, the URL Streamlit gives the second one.
    components.declare_component("plotlyjs", path=str(PLOTLY_DIR))
    return components.declare_component("player", path=str(ASSETS))


def player(payload, *, key, height=640, autoplay=False, theme=None):
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

    Returns
    -------
    dict or None
        The last value the player sent, None before any:

        - ``{"event": "start", "start": [x, y], "seq": n}`` after a click on the map
          (inside the domain), rounded to 4 significant digits;
        - ``{"event": "step", "step": k, "seq": n}`` when the user pauses, scrubs (on
          release) or steps with the keyboard, and when playback reaches the end.

        ``seq`` increases strictly with every value (it is a timestamp in ms, also across
        reloads of the component), so a page can tell a new click from an old
        value that is returned again on later reruns. Values are never sent per frame:
        each one reruns the script.
    """
    return _component()(
        payload=payload,
        height=int(height),
        autoplay=bool(autoplay),
        theme=theme,
        key=key,
        default=None,
    )
