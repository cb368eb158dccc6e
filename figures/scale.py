"""The loss -> height/colour scale: one definition for the player, the maps and the exports.

The browser player (``assets`` JavaScript) receives :meth:`ZScale.as_payload` and applies
the same formula as :meth:`ZScale.heights`; the contour maps and the GIF/MP4/PNG exports
call :meth:`ZScale.heights` directly, so every picture of a scene uses one scale.
"""

import math
from typing import NamedTuple

import numpy as np


def short_number(v: float, digits: int = 2) -> str:
    """Format a number for people: ``digits`` significant digits.

    Exponent below 1e-3 or from 1e5, written short (``1.25e9``, ``2e-4``; never
    ``1.0e+09`` or an SI prefix like ``1µ``). The one number format of tick labels,
    tables and notes; "—" for a missing or non-finite value.
    """
    if v is None or not math.isfinite(v):
        return "—"
    a = abs(v)
    if a != 0 and (a < 1e-3 or a >= 1e5):
        mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    text = repr(float(f"{v:.{digits}g}"))
    return text.removesuffix(".0")


def index_ticks(values, max_ticks=10):
    """Return round tick labels for an axis whose cells are ``values`` (one per index).

    A sweep's cells sit at rates like 9.98e-5; its axis is labelled at round stops
    instead (1, 2, 5 per decade on a geometric grid, a 1-2-5 step on an even one), each
    placed at its fractional index between the cells around it.

    Parameters
    ----------
    values : array_like
        The cells' values, sorted; geometric (all positive, even ratios) or even.
    max_ticks : int

    Returns
    -------
    positions : list of float
        Fractional cell indices.
    labels : list of str
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size < 2 or not np.isfinite(v).all() or not np.all(np.diff(v) > 0):
        return list(range(v.size)), [short_number(x, 3) for x in v]
    idx = np.arange(v.size, dtype=np.float64)
    geometric = v[0] > 0 and np.ptp(np.diff(np.log(v))) < np.ptp(np.diff(v)) / v[-1]
    lo, hi = v[0] * (1 - 1e-9), v[-1] * (1 + 1e-9)
    if geometric:
        stops = []
        for mantissas in ((1, 2, 5), (1,), (1,)):
            stops = [
                m * 10.0**e
                for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                for m in mantissas
                if lo <= m * 10.0**e <= hi
            ]
            if len(stops) <= max_ticks:
                break
        stops = stops[:: max(1, math.ceil(len(stops) / max_ticks))]
        where = np.interp(np.log(stops), np.log(v), idx) if stops else []
    else:
        raw = (hi - lo) / max(1, max_ticks - 1)
        base = 10.0 ** math.floor(math.log10(raw))
        step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
        stops = [k * step for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)]
        where = np.interp(stops, v, idx)
    if len(stops) < 2:  # too narrow a range for two round stops: label the cells
        step = max(1, math.ceil(v.size / max_ticks))
        return list(range(0, v.size, step)), [short_number(x, 3) for x in v[::step]]
    return [float(w) for w in where], [short_number(s, 3) for s in stops]


class ZScale(NamedTuple):
    """How a surface grid maps losses to heights and colours.

    Linear: ``t = min(v, clip)``. Log: ``t = log10(max(min(v, clip) - shift, floor))``
    with ``shift = zmin - floor`` and ``floor = 1e-4 * (zmax - zmin)``, so the grid spans
    about four decades above its lowest value and paths converging below it rest on the
    floor instead of plunging to -inf.

    Attributes
    ----------
    log : bool
    clip : float or None
        Values above it are drawn at it (None: no clip).
    zmin, zmax : float
        The grid's lowest value and its highest one below the clip.
    label : str
        What the values are ("loss").
    floor, shift : float or None
        The log scale's constants (None on a linear scale).
    """

    log: bool
    clip: float | None
    zmin: float
    zmax: float
    label: str = "loss"
    floor: float | None = None
    shift: float | None = None

    @classmethod
    def from_grid(cls, z, log_z=False, z_clip=None, label="loss"):
        """Build the scale of a surface grid.

        Parameters
        ----------
        z : array_like
            The surface sampled on a grid (non-finite values are ignored).
        log_z : bool
            Log scale (for values spanning decades).
        z_clip : float, optional
            Draw values above it at it; must be finite and above the grid's minimum.
        label : str

        Returns
        -------
        ZScale

        Raises
        ------
        ValueError
            If the grid has no finite value or ``z_clip`` is not above its minimum.
        """
        z = np.asarray(z, dtype=np.float64)
        finite = z[np.isfinite(z)]
        if finite.size == 0:
            raise ValueError("the surface grid has no finite value")
        zmin, zmax = float(finite.min()), float(finite.max())
        if z_clip is not None:
            z_clip = float(z_clip)
            if not math.isfinite(z_clip) or z_clip <= zmin:
                raise ValueError(
                    f"z_clip={z_clip} must be finite and above the grid minimum {zmin}"
                )
            zmax = min(zmax, z_clip)
        if not log_z:
            return cls(False, z_clip, zmin, zmax, label)
        floor = max(1e-4 * (zmax - zmin), 1e-12 * max(1.0, abs(zmin)))
        return cls(True, z_clip, zmin, zmax, label, floor, zmin - floor)

    def heights(self, values):
        """Map losses to heights (the colour scale uses the same numbers).

        Parameters
        ----------
        values : array_like
            Losses; non-finite values give NaN.

        Returns
        -------
        ndarray
            Same shape as ``values``.
        """
        v = np.asarray(values, dtype=np.float64)
        clip = math.inf if self.clip is None else self.clip
        with np.errstate(all="ignore"):
            t = np.where(np.isfinite(v), np.minimum(v, clip), np.nan)
            if self.log:
                t = np.log10(np.maximum(t - self.shift, self.floor))
        return t

    def as_payload(self) -> dict:
        """Return the numbers the browser player needs: the scale and, on a log scale, ticks."""
        out = {
            "log": self.log,
            "clip": self.clip,
            "zmin": self.zmin,
            "zmax": self.zmax,
            "label": self.label,
        }
        if self.log:
            tickvals, ticktext = self.log_ticks()
            out.update(floor=self.floor, shift=self.shift, tickvals=tickvals, ticktext=ticktext)
        return out

    def log_ticks(self):
        """Return colour-bar ticks of a log scale, labelled in loss units.

        Ticks sit at round distances above the grid minimum (1, 2, 5 per decade on a short
        scale, 1 on a long one), so for the usual minimum at 0 the labels are round losses.
        The player and the exports both draw these.

        Returns
        -------
        tickvals : list of float
            Heights (as :meth:`heights` gives them).
        ticktext : list of str
        """
        tlo = float(self.heights(self.zmin))
        thi = float(self.heights(self.zmax))
        if not thi > tlo:
            thi = tlo + 1
        span = thi - tlo
        tickvals, ticktext = [], []
        for d in range(math.floor(tlo) - 1, math.ceil(thi) + 2):
            for m in (1, 2, 5) if span < 2.5 else (1,):
                above = m * 10.0**d
                if above < self.floor:
                    continue  # distances below the floor all sit at the bottom of the scale
                t = math.log10(above + self.zmin - self.shift)
                spaced = not tickvals or t - tickvals[-1] > span / 14
                if tlo - 1e-9 <= t <= thi + 1e-9 and spaced:
                    tickvals.append(t)
                    ticktext.append(short_number(self.zmin + above))
        return tickvals, ticktext

    def title(self) -> str:
        """Axis title: the label, "(log)" on a log scale, and the clip."""
        clip = "" if self.clip is None else f" ≤ {self.clip:g}"
        return self.label + (" (log)" if self.log else "") + clip
