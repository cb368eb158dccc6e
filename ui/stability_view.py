"""The stability page's parts: its controls, the cached map and the caption."""

import numpy as np
import streamlit as st

import optimizers
import surfaces
from optimizers import stability
from ui import compute

CACHE_SIZE = 16


def pick_point(container, surface, key):
    """Pick the point to linearise at: one of the minima in view (the first by default)."""
    minima = surfaces.minima_in_view(surface)
    if not minima:
        return None
    i = container.selectbox(
        "Linearise at",
        range(len(minima)),
        format_func=lambda k: f"minimum {k + 1}: ({minima[k][0]:.3g}, {minima[k][1]:.3g})",
        key=key,
        help="The fixed point whose neighbourhood the map describes: one step is "
        "linearised there with the surface's Hessian.",
    )
    return minima[min(int(i), len(minima) - 1)]


def pick_optimizer(container, scene, key):
    """Pick a covered optimizer; return it with the current (lr, y) and other settings."""
    seeds = [r for r in scene.active_runs() if r.optimizer in stability.COVERED]
    # A run with a second hyperparameter gives the two-dimensional phase diagram.
    planar = [r for r in seeds if stability.second_hparam(r.optimizer) is not None]
    default = (planar or seeds)[0].optimizer if seeds else "momentum"
    name = container.selectbox(
        "Optimizer",
        stability.COVERED,
        index=stability.COVERED.index(default),
        format_func=lambda n: optimizers.spec(n).title,
        key=key,
        help="The optimizers whose step is linear in (gradient, state) near a minimum: the "
        "heavy-ball family. Adaptive methods have slope 1/ε there and are not mapped.",
    )
    seed = next((r for r in seeds if r.optimizer == name), None)
    hp = dict(optimizers.make(name, **dict(seed.hp if seed else ())).hp)
    y_name = stability.second_hparam(name)
    return name, hp, (hp["lr"], None if y_name is None else hp[y_name])


def lr_axis(edge, span, resolution):
    """Return learning rates from edge·span/resolution to edge·span (edge: 2/λmax)."""
    top = (edge if np.isfinite(edge) and edge > 0 else 1.0) * span
    return np.linspace(top / resolution, top, resolution)


def y_axis(name, resolution):
    """Return the second hyperparameter over its valid range (up to 0.999 for a β)."""
    y_name = stability.second_hparam(name)
    if y_name is None:
        return None
    h = optimizers.spec(name).hparams[y_name]
    top = 0.999 if h.high_open else min(float(h.high), 0.999)
    return np.linspace(float(h.low), top, resolution)


def stability_map(page_key, name, hp, hessian, lrs, ys):
    """Compute the map once per settings (cached across sessions, with a progress bar)."""
    key = (page_key, name, tuple(sorted(hp.items())), tuple(np.ravel(hessian)), lrs.size,
           float(lrs[-1]), None if ys is None else ys.size)  # fmt: skip

    def work(progress):
        return stability.stability_map(name, hp, hessian, lrs, ys, progress=progress)

    return compute.cached("stability", key, work, size=CACHE_SIZE, text="Linearising…")


def caption(m, point, current):
    """Explain what the map shows and where the current settings fall."""
    lam = ", ".join(f"{v:.4g}" for v in m.curvatures)
    lr, y = current
    i = int(np.argmin(np.abs(m.lrs - lr)))
    j = 0 if y is None else int(np.argmin(np.abs(m.ys - y)))
    inside = m.lrs[0] <= lr <= m.lrs[-1]
    where = (
        f"the current settings have ρ ≈ {m.radius[j, i]:.4g} "
        + ("(converge)." if m.radius[j, i] < 1 else "(diverge).")
        if inside
        else "the current learning rate is outside the axis."
    )
    st.caption(
        f"Spectral radius ρ of one step linearised at ({point[0]:.3g}, {point[1]:.3g}); "
        f"Hessian eigenvalues {lam}; GD's edge 2/λmax = {m.gd_edge:.4g}. ρ < 1 (blue): small "
        f"errors shrink by ρ per step; ρ > 1 (red): they grow. The black line is the "
        f"stability edge; {where}"
    )
