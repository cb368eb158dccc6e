"""Validation of values sent back by components (untrusted, like a link).

A component's value comes from the browser: anyone can forge it (a websocket client,
the browser console). It is checked here, once, before any page reads it; an invalid
value is dropped as if nothing had been sent.
"""

from __future__ import annotations

import math
import re
from numbers import Real

from ui import scene as sc

_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")  # a hyperparameter's name, never free text


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
        k, "seq": s}`` with a whole ``0 <= k <= ui.scene.MAX_STEPS``;
        ``{"event": "scrub", "run": i, "name": h, "seq": s}`` (the player's ladder should
        scrub hyperparameter ``h`` of live run ``i``) or ``{"event": "hparam", "run": i,
        "name": h, "value": v, "seq": s}`` (a released ladder slider) with a whole
        ``0 <= i < ui.scene.MAX_RUNS``, ``h`` a lower-case identifier and ``v`` finite
        (the page checks run, name and range against the scene); ``{"event":
        "startgrid", "on": b}`` with a bool ``b`` (send the grid of starts behind dragging
        the start, or stop); ``seq`` a finite number. Anything else (wrong types, NaN,
        1e308, extra nesting) gives None.
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
    if event == "startgrid":
        on = value.get("on")
        return {"event": event, "on": on, "seq": value["seq"]} if isinstance(on, bool) else None
    if event in ("scrub", "hparam"):
        run, name = value.get("run"), value.get("name")
        if not _real(run) or run != int(run) or not 0 <= run < sc.MAX_RUNS:
            return None
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            return None
        out = {"event": event, "run": int(run), "name": name, "seq": value["seq"]}
        if event == "scrub":
            return out
        if not _real(value.get("value")):
            return None
        return {**out, "value": float(value["value"])}
    if event == "step":
        step = value.get("step")
        if not _real(step) or step != int(step) or not 0 <= step <= sc.MAX_STEPS:
            return None
        return {"event": "step", "step": int(step), "seq": value["seq"]}
    return None
