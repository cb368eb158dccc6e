"""Loss surfaces: symbolic built-ins, dataset-backed losses and a safe formula parser.

Public API (see docs/architecture.md)::

    names() -> list[str]
    get(name, **params) -> Surface
    info(name) -> SurfaceInfo
    parse(text, *, domain=None) -> Surface      # raises FormulaError
    critical_points(surface, domain=None) -> list[CriticalPoint]
    condition_number(surface, xy), stability_bound(surface, xy)
"""

from .analysis import (
    CriticalPoint,
    condition_number,
    critical_points,
    minima_in_view,
    stability_bound,
)
from .core import ParamSpec, Surface, SurfaceInfo
from .datasets import DATASETS, build_dataset
from .library import BUILTINS, build_builtin, check_params
from .library import info as _builtin_info
from .parser import FormulaError, parse

__all__ = [
    "minima_in_view",
    "CriticalPoint",
    "FormulaError",
    "ParamSpec",
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


def names():
    """Names of the built-in surfaces, in the order the app shows them.

    Returns
    -------
    list of str
    """
    return [*BUILTINS, *DATASETS]


def _spec(name):
    if name in BUILTINS:
        return BUILTINS[name].params
    if name in DATASETS:
        return DATASETS[name]["params"]
    raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(names())}")


def info(name):
    """Describe a built-in without building it.

    Parameters
    ----------
    name : str

    Returns
    -------
    SurfaceInfo
        ``title``, ``description``, ``params`` (name -> ParamSpec(default, low, high,
        help)) and ``source`` (where the formula and its minima come from).

    Raises
    ------
    ValueError
        For an unknown name.
    """
    _spec(name)
    if name in BUILTINS:
        return _builtin_info(name)
    d = DATASETS[name]
    return SurfaceInfo(d["title"], d["description"], dict(d["params"]), d["source"])


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
    key = check_params(name, _spec(name), params)
    if name in BUILTINS:
        return build_builtin(name, key)
    return build_dataset(name, key)
