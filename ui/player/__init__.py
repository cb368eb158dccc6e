"""The animation player: a Streamlit v1 custom component (vanilla JS, no build step).

The browser side lives next to this file: ``index.html`` loads ``plotly.min.js`` (copied
here from the installed plotly package, never from a CDN), ``player.css`` and
``player.js``. The payload comes from :func:`figures.player_payload`.
"""

import os
import shutil
from pathlib import Path

import streamlit.components.v1 as components

FOLDER = Path(__file__).resolve().parent
PLOTLY_JS = FOLDER / "plotly.min.js"


def installed_plotly_js():
    """Path of ``plotly.min.js`` inside the installed plotly package.

    Returns
    -------
    pathlib.Path
    """
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def ensure_plotly_js():
    """Copy plotly.js into the component folder if missing or from another plotly version.

    The copy is compared with the installed file by size and first bytes (the version
    banner), so upgrading plotly refreshes it. The write goes through a temporary file and
    an atomic rename, so a browser never loads a half-written copy.

    Returns
    -------
    pathlib.Path
        The component's copy of plotly.min.js.
    """
    source = installed_plotly_js()
    if PLOTLY_JS.exists():
        same_size = PLOTLY_JS.stat().st_size == source.stat().st_size
        if same_size and _head(PLOTLY_JS) == _head(source):
            return PLOTLY_JS
    tmp = PLOTLY_JS.with_name(f".plotly.min.js.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(PLOTLY_JS)
    return PLOTLY_JS


def _head(path, size=512):
    with open(path, "rb") as f:
        return f.read(size)


ensure_plotly_js()


def _component():
    # Declared on every call: registration needs a running script context, and declaring
    # again is cheap and idempotent (same name, same folder).
    return components.declare_component("player", path=str(FOLDER))


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
