"""Controls the analysis pages share: the surface, an optimizer with its key settings.

Widgets only (state is in :mod:`ui.state`); each returns plain values the core takes.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

import optimizers
import surfaces
from optimizers.sweeps import LR_STOPS
from ui import scene as sc


class PagedSurface(NamedTuple):
    """The surface a page works on: the explorer's (with its parameters) or a built-in."""

    name: str
    surface: object
    key: tuple
    same_as_explorer: bool

    def start(self, scene: sc.Scene) -> tuple[float, float]:
        """Return the explorer's start on its own surface, else the surface's suggestion."""
        return scene.start_point(self.surface) if self.same_as_explorer else self.surface.start


def surface_picker(
    container, scene: sc.Scene, *, key: str, help: str, instead_of_default: str | None = None
) -> str:
    """Draw a surface selectbox that starts at the scene's surface; return the chosen name.

    The scene's typed formula is offered too when it has one ("The Explorer's formula").
    With ``instead_of_default``, a scene still on the app's default surface starts the
    picker there instead (the basin map opens on Himmelblau, not Rosenbrock's one basin).
    """
    names = surfaces.names() + ([sc.FORMULA] if scene.surface == sc.FORMULA else [])
    titles = {n: surfaces.info(n).title for n in surfaces.names()}
    titles[sc.FORMULA] = "The Explorer's formula"
    first = scene.surface
    if instead_of_default and first == sc.Scene.surface and not scene.surface_params:
        first = instead_of_default
    return container.selectbox(
        "Surface",
        names,
        index=names.index(first) if first in names else 0,
        format_func=titles.get,
        key=key,
        help=help,
    )


def page_surface(
    container, scene: sc.Scene, *, key: str, help: str, instead_of_default: str | None = None
) -> PagedSurface:
    """Draw the surface picker and build the chosen surface; stop the page on a bad one.

    Parameters
    ----------
    container
        Where the selectbox goes (a column).
    scene : Scene
        The explorer's scene: its surface (and parameters or formula) is the default.
    key, help : str
        The selectbox's widget key and tooltip.
    instead_of_default : str, optional
        See :func:`surface_picker`.

    Returns
    -------
    PagedSurface
    """
    name = surface_picker(
        container, scene, key=key, help=help, instead_of_default=instead_of_default
    )
    same = name == scene.surface
    try:
        surface = scene.build_surface() if same else surfaces.get(name)
    except ValueError as err:
        st.error(f"**The surface can't be built.** {err}")
        st.stop()
    key_ = (name, scene.surface_params, scene.formula) if same else (name, (), "")
    return PagedSurface(name, surface, key_, same)


def lr_slider(label: str, value: float, *, key: str, help: str) -> float:
    """Draw a log-scale learning-rate slider over the round stops (plus ``value``)."""
    return st.select_slider(
        label,
        options=sorted({*LR_STOPS, float(value)}),
        value=float(value),
        format_func=lambda v: f"{v:g}",
        key=key,
        help=help + " (log scale)",
    )


def optimizer_card(i: int, surface, seed: sc.Run | None, default: str, *, key: str) -> sc.Run:
    """Draw one optimizer's picker, its learning rate and its sweep axis; return the run.

    Parameters
    ----------
    i : int
        Position (for the label and the default colour).
    surface : Surface
        Suggests the learning rate.
    seed : Run or None
        The explorer's run to start from (its settings are kept when the name matches).
    default : str
        The optimizer shown when there is no seed.
    key : str
        Prefix of the widget keys.

    Returns
    -------
    Run
    """
    names = optimizers.names()
    name = st.selectbox(
        f"Optimizer {i + 1}",
        names,
        index=names.index(seed.optimizer if seed else default),
        format_func=lambda n: optimizers.spec(n).title,
        key=f"{key}.{i}.name",
        help="Which optimizer runs from every start.",
    )
    spec = optimizers.spec(name)
    seeded = dict(seed.hp) if seed and seed.optimizer == name else {}
    lr = seeded.get("lr", sc.round_sig(optimizers.suggest_lr(name, surface.lr)))
    hp = {
        "lr": lr_slider(
            "Learning rate", lr, key=f"{key}.{i}.{name}.lr", help=spec.hparams["lr"].help
        )
    }
    axis = spec.sweep_axis
    if axis is not None:
        h = spec.hparams[axis]
        top = 0.999 if h.high_open else float(h.high)
        hp[axis] = st.slider(
            axis,
            min_value=float(h.low),
            max_value=min(top, 10.0),
            value=float(seeded.get(axis, h.default)),
            step=0.001 if top < 1.5 else 0.01,
            format="%.3f",
            key=f"{key}.{i}.{name}.{axis}",
            help=h.help,
        )
    others = {k: v for k, v in seeded.items() if k not in hp}
    color = seed.color if seed else sc.PALETTE[i % len(sc.PALETTE)]
    return sc.Run(name, tuple(sorted({**others, **hp}.items())), color)
