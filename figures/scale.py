"""The loss -> height/colour scale: one definition for the player, the maps and the exports.

The browser player (``assets`` JavaScript) receives :meth:`ZScale.as_payload` and applies
the same formula as :meth:`ZScale.heights`; the contour maps and the GIF/MP4/PNG exports
call :meth:`ZScale.heights` directly, so every picture of a scene uses one scale.
"""

import math
from typing import NamedTuple

import numpy as np


def short_number(v: float, digits: int = 2) -> str:
    """Format a tick label: ``digits`` significant digits, exponent below 1e-3 or from 1e5."""
    a = abs(v)
    if a != 0 and (a < 1e-3 or a >= 1e5):
        mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"
    text = repr(float(f"{v:.{digits}g}"))
    return text.removesuffix(".0")


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
