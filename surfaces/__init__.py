"""Loss surfaces: symbolic built-ins, dataset-backed losses and a safe formula parser.

Public API (see docs/architecture.md)::

    names() -> list[str]
    get(name, **params) -> Surface
    info(name) -> SurfaceInfo
    parse(text, *, domain=None) -> Surface      # raises FormulaError
    critical_points(surface, domain=None) -> list[CriticalPoint]
    condition_number(surface, xy), stability_bound(surface, xy)
"""

from . import datasets, library
from .analysis import (
    CriticalPoint,
    condition_number,
    critical_points,
    curvatures,
    minima_in_view,
    stability_bound,
)
from .core import Surface, SurfaceInfo, param
from .library import check_params
from .parser import FormulaError, parse

__all__ = [
    "curvatures",
    "ENTRIES",
    "minima_in_view",
    "CriticalPoint",
    "FormulaError",
    "param",
    "Surface",
    "SurfaceInfo",
    "condition_number",
    "critical_points",
    "get",
    "info",
    "names",
    "parse",
    "stability_bound",
]


ENTRIES = {**library.ENTRIES, **datasets.ENTRIES}
"""Every named surface, in the order the app shows them: one entry protocol for all."""


def names():
    """Names of the built-in surfaces, in the order the app shows them.

    Returns
    -------
    list of str
    """
    return list(ENTRIES)


def _entry(name):
    if name not in ENTRIES:
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(names())}")
    return ENTRIES[name]


def info(name):
    """Describe a built-in without building it.

    Parameters
    ----------
    name : str

    Returns
    -------
    SurfaceInfo
        ``title``, ``description``, ``params`` (name -> ``HParam``: default, range,
        kind, help) and ``source`` (where the formula and its minima come from).

    Raises
    ------
    ValueError
        For an unknown name.
    """
    return _entry(name).info


def get(name, **params):
    """Build (or fetch from the cache) the built-in surface ``name``.

    Parameters
    ----------
    name : str
        One of `names()`.
    **params
        Parameter values; missing ones take their defaults (see `info`).

    Returns
    -------
    Surface
        Shared between callers with the same arguments: do not mutate it.

    Raises
    ------
    ValueError
        For an unknown name or parameter, or a value outside its range.
    """
    entry = _entry(name)
    return entry.build(check_params(name, entry.info.params, params))
