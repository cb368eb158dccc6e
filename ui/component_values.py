"""Validation of values sent back by components (untrusted, like a link).

A component's value comes from the browser: anyone can forge it (a websocket client,
the browser console). It is checked here, once, before any page reads it; an invalid
value is dropped as if nothing had been sent.
"""

from __future__ import annotations

import math
from numbers import Real

from ui import scene as sc


def _real(v):
    return isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)


def player_value(value):
    """Return the player's value if it is well formed, else None.

    Parameters
    ----------
    value : object
        What the player component returned.

    Returns
    -------
    dict or None
        ``{"event": "start", "start": [x, y], "seq": s}`` with finite ``x, y`` inside the
        link's bound (``|x|, |y| < ui.scene.MAX_COORD``), or ``{"event": "step", "step":
        k, "seq": s}`` with a whole ``0 <= k <= ui.scene.MAX_STEPS``; ``seq`` a finite
        number. Anything else (wrong types, NaN, 1e308, extra nesting) gives None.
    """
    if not isinstance(value, dict) or not _real(value.get("seq")):
        return None
    event = value.get("event")
    if event == "start":
        start = value.get("start")
        if not isinstance(start, list | tuple) or len(start) != 2:
            return None
        if not all(_real(v) and abs(v) < sc.MAX_COORD for v in start):
            return None
        return {"event": "start", "start": [float(start[0]), float(start[1])], "seq": value["seq"]}
    if event == "step":
        step = value.get("step")
        if not _real(step) or step != int(step) or not 0 <= step <= sc.MAX_STEPS:
            return None
        return {"event": "step", "step": int(step), "seq": value["seq"]}
    return None
