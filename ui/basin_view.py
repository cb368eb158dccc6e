"""The basin map page's computation: a cost estimate, a gate for heavy maps, short chunks.

A basin map is starts x steps x optimizers runs: 100 x 100 x 500 x 4 is 20 million
point-steps, two seconds on Rosenbrock but minutes on ``logistic_regression``, whose every
evaluation sums over its samples. So the page estimates the cost first (one small timed
run per surface, kept for the server's life) and a map above `HEAVY_SECONDS` waits for a
button. While a map computes, work is cut into chunks of about `CHUNK_SECONDS` with a
progress update after each: a Streamlit script stops at its next element update when a
new setting reruns it, so any change (or the Stop button) cancels within a chunk.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

import optimizers
from optimizers import sweeps
from ui import compute
from ui import scene as sc

HEAVY_SECONDS = 15.0  # estimated seconds above which a map waits for the Compute button
CHUNK_SECONDS = 0.5  # target seconds of work between two progress updates (and stop points)
PROBE_STARTS, PROBE_STEPS = 2048, 4  # a chunk-sized run: per-step overhead included
CACHE_SIZE = 12  # basin maps kept across sessions (a few MB each at 200 x 200)


def seconds_per_point_step(surface, key) -> float:
    """Return the measured cost of one start taking one step on ``surface`` (seconds).

    One small Adam run (`PROBE_STARTS` starts x `PROBE_STEPS` steps) timed once per
    surface and server: evaluations dominate, and they differ a hundredfold between
    surfaces. Kept like a map (``ui.compute.cached``), so it is measured once.
    """

    def probe(_progress):
        (x0, x1), (y0, y1) = surface.domain
        rng = np.random.default_rng(0)
        starts = np.column_stack(
            [rng.uniform(x0, x1, PROBE_STARTS), rng.uniform(y0, y1, PROBE_STARTS)]
        )
        t0 = time.perf_counter()
        optimizers.run(surface, optimizers.make("adam"), starts, PROBE_STEPS)
        return (time.perf_counter() - t0) / (PROBE_STARTS * PROBE_STEPS)

    return compute.cached("basins.cost", key, probe, size=64, text="Measuring the surface…")


def plan(surface, key, starts: int, steps: int, count: int) -> tuple[float, int]:
    """Return ``(estimated seconds for all maps, chunk_points for basin_map)``."""
    per = seconds_per_point_step(surface, key)
    seconds = per * starts * steps * count
    chunk = int(min(sweeps.CHUNK_POINTS, max(steps + 1, CHUNK_SECONDS / max(per, 1e-12))))
    return seconds, chunk


def gate(seconds: float, missing: int) -> None:
    """Stop the page before a heavy computation unless the user asked for it.

    Parameters
    ----------
    seconds : float
        Estimated time of the maps not yet computed.
    missing : int
        How many of the maps are not cached yet.
    """
    if not missing or seconds <= HEAVY_SECONDS:
        return
    ask = st.button(
        f"Compute {missing} map{'s' if missing > 1 else ''} (about {seconds:,.0f} s)",
        type="primary",
        icon=":material/play_arrow:",
        key="basins.compute",
        help="These maps are heavy on this surface. Computing shows progress; changing any "
        "setting (or Stop) cancels it. A smaller grid or fewer steps is quicker.",
    )
    if not ask:
        st.info(
            f"These settings take about {seconds:,.0f} s to map on this server (starts x "
            "steps x optimizers), so the map waits for you: press Compute, or lower the "
            "grid or the steps.",
            icon=":material/hourglass_empty:",
        )
        st.stop()
    st.button(
        "Stop",
        icon=":material/stop:",
        key="basins.stop",
        help="Cancel the computation (any change of setting cancels it too).",
    )


def maps(surface, configs, xs, ys, steps, minima, tol, page_key, chunk):
    """Compute (or fetch) one basin map per optimizer, each cached on its own.

    Parameters
    ----------
    surface : Surface
    configs : list of Run
    xs, ys : ndarray
    steps : int
    minima : list of (x, y)
    tol : float
    page_key : tuple
        Identifies the surface (``PagedSurface.key``).
    chunk : int
        ``chunk_points`` for ``optimizers.sweeps.basin_map`` (from `plan`).

    Returns
    -------
    list of BasinMap
    """
    grid = f"{len(xs)}×{len(ys)} grid, {steps} steps"
    out = []
    for i, run in enumerate(configs):
        try:
            opt = optimizers.make(run.optimizer, **run.hparams())
        except ValueError as err:
            st.error(f"**Optimizer {i + 1}: {err}**")
            st.stop()

        def work(progress, run=run, opt=opt):
            report = lambda f, message: progress(f, f"{run.label()}: {message} ({grid})")  # noqa: E731
            return sweeps.basin_map(
                surface, opt, xs, ys, steps, minima, tol, chunk_points=chunk,
                escape_radius=sc.escape_radius(surface), progress=report,
            )  # fmt: skip

        key = map_key(page_key, run, len(xs), steps, tol)
        text = "Running every start…"
        out.append(compute.cached("basins", key, work, size=CACHE_SIZE, text=text))
    return out


def map_key(page_key, run, resolution: int, steps: int, tol: float) -> tuple:
    """Return the cache key of one optimizer's map."""
    return (page_key, run.optimizer, run.hp, int(resolution), int(steps), float(tol))


def missing(page_key, configs, resolution: int, steps: int, tol: float) -> int:
    """Return how many of the maps are not in the cache yet."""
    keys = [map_key(page_key, run, resolution, steps, tol) for run in configs]
    return sum(not compute.is_cached("basins", key, size=CACHE_SIZE) for key in keys)
