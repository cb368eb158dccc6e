"""Synthetic scene for the player's tests (no surfaces/ or optimizers/ needed).

Rosenbrock on a 100 x 100 grid and three runs computed here with NumPy: momentum,
Adam and a plain gradient descent whose learning rate grows until it diverges (at step
175 from the default start). With ``ghost_steps`` the payload also carries three ghost
runs ("before: ..." labels, other learning rates, that many steps) as the explorer's
ghost trail does; the ghost GD diverges earlier (step 139).
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import Run, player_payload  # noqa: E402

DOMAIN = ((-2.0, 2.0), (-1.0, 3.0))


def rosen(xy):
    x, y = xy[..., 0], xy[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosen_grad(xy):
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def run(kind, lr, start, steps, escape=1e6):
    p = np.array(start, dtype=np.float64)
    pts = np.full((steps + 1, 2), np.nan)
    vals = np.full(steps + 1, np.nan)
    pts[0], vals[0] = p, rosen(p)
    m = np.zeros(2)
    v = np.zeros(2)
    diverged = -1
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = rosen_grad(p)
            if kind == "momentum":
                m = 0.9 * m + g
                p = p - lr * m
            elif kind == "adam":
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g * g
                p = p - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
            else:  # plain GD whose learning rate grows 2% a step, until it diverges
                p = p - lr * 1.02**t * g
            pts[t], vals[t] = p, rosen(p)
            if not (np.isfinite(p).all() and np.isfinite(vals[t])) or np.abs(p).max() > escape:
                diverged = t
                break
    return {"points": pts, "values": vals, "diverged_at": diverged}


def scene(steps=300, start=(-1.5, 2.0), variant=0, theme="light", ghost_steps=0, live=True):
    """Return the test payload: three live runs and, with ``ghost_steps``, three ghosts.

    Parameters
    ----------
    steps : int
        Steps of the live runs.
    start : (float, float)
        Start point of every run.
    variant : {0, 1}
        Adam's learning rate: 0.05 or 0.1 (new runs on the same surface).
    theme : {"light", "dark"}
    ghost_steps : int
        Steps of the ghost runs (the previous settings); 0 for none.
    live : bool
        False leaves only the ghosts (0 steps to animate).

    Returns
    -------
    dict
        From :func:`figures.player_payload`.
    """
    xs = np.linspace(*DOMAIN[0], 100)
    ys = np.linspace(*DOMAIN[1], 100)
    z = rosen(np.stack(np.meshgrid(xs, ys), axis=-1))
    adam_lr = 0.05 if variant == 0 else 0.1
    runs = [
        Run(label="Momentum lr=5e-4 β=0.9", color="#e4572e", **run("momentum", 5e-4, start, steps)),
        Run(label=f"Adam lr={adam_lr}", color="#17a398", **run("adam", adam_lr, start, steps)),
        Run(label="GD lr=1e-4·1.02ᵗ", color="#7e3fbf", **run("gd", 1e-4, start, steps)),
    ]
    ghosts = []
    if ghost_steps:
        n = ghost_steps
        ghosts = [
            Run(
                label="before: Momentum lr=2e-4 β=0.9",
                color="#e4572e",
                **run("momentum", 2e-4, start, n),
            ),
            Run(label="before: Adam lr=0.2", color="#17a398", **run("adam", 0.2, start, n)),
            Run(label="before: GD lr=2e-4·1.02ᵗ", color="#7e3fbf", **run("gd", 2e-4, start, n)),
        ]
        ghosts = [g._replace(ghost=True) for g in ghosts]
    return player_payload(
        xs,
        ys,
        z,
        ghosts + (runs if live else []),
        domain=DOMAIN,
        start=start,
        minima=[(1.0, 1.0)],
        log_z=True,
        title="Rosenbrock: three optimizers",
        theme=theme,
    )
