"""Fingerprints of what the app shows for each page's default scene, to compare two trees.

Run it in two checkouts (e.g. before and after a restructuring) and diff the output::

    python benchmarks/compare_outputs.py > after.json
    git worktree add /tmp/before <rev> && (cd /tmp/before && python \
        /path/to/benchmarks/compare_outputs.py) > before.json

It only reads public interfaces that existed before and after: the player payload of the
explorer's default scene and of every lesson's first preset, the step inspector's update
blocks of the default runs, the trajectories' CSV and JSON exports, the heights the
PNG snapshot draws (as a hash of the rendered frame), the static figures (loss, gradient
norm, distance) of the default runs, every lesson's charts on its first preset, and the
analysis figures (contour, step arrows, basin map in both modes, sweep, learning-rate
curves) drawn from fixed inputs, and the sweeps page's sweeps and fair race on the
default surface.
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path.cwd()))

import figures  # noqa: E402
import optimizers  # noqa: E402
from figures import analysis, export, inspector, player_payload  # noqa: E402
from figures import sweeps as sweep_figures  # noqa: E402
from ui import lessons  # noqa: E402
from ui import scene as sc  # noqa: E402


def _digest(obj):
    text = json.dumps(obj, sort_keys=True, default=lambda o: np.asarray(o).tolist())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _runs(scene):
    surface = scene.build_surface()
    try:  # this tree's one result type, else (an older tree) the dicts it used
        return surface, sc.results(scene)
    except AttributeError:
        return surface, [
            {
                "label": r.label(),
                "color": r.color,
                "points": t.points[0],
                "values": t.values[0],
                "grad_norms": t.grad_norms[0],
                "diverged_at": int(t.diverged_at[0]),
            }
            for r, t in zip(scene.active_runs(), sc.compute(scene, surface), strict=True)
        ]


def _payload(scene):
    surface, runs = _runs(scene)
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, 60), np.linspace(y0, y1, 60)
    gx, gy = np.meshgrid(xs, ys)
    z = surface.value(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gy.shape)
    payload = player_payload(
        xs, ys, z, runs, domain=surface.domain, start=scene.start_point(surface),
        minima=surface.minima, log_z=surface.log_z, z_clip=surface.z_clip, title=surface.title,
    )  # fmt: skip
    return payload, (surface, xs, ys, z, runs)


def _inspector(scene):
    surface = scene.build_surface()
    start = np.array([scene.start_point(surface)], dtype=float)
    blocks = []
    for run, traj in zip(scene.active_runs(), sc.compute(scene, surface, record=True), strict=True):
        opt = optimizers.make(run.optimizer, **dict(run.hp))
        record = {"points": traj.points[0], **{k: v[0] for k, v in traj.internals.items()}}
        for t in (1, 10, scene.steps):
            step = inspector.step_values(record, t, inspector.state_dict(opt.init(start)))
            hess = surface.hessian(step["theta_prev"][None])[0] if opt.needs_hessian else None
            blocks.append(
                inspector.update_latex(run.optimizer, opt.hp, step, traj.lrs[t - 1], hessian=hess)
            )
            blocks.append(inspector.state_rows(run.optimizer, step, traj.lrs[t - 1]))
    return blocks


def _figures(default, surface, xs, ys, z, runs):
    """Fingerprints of the static and analysis figures (figure builders only)."""
    out = {
        "loss figure": figures.loss_figure(runs),
        "grad norm figure": figures.grad_norm_figure(runs),
        "distance figure": figures.distance_figure(runs, surface.minima),
    }
    domain = surface.domain
    out["contour figure"] = analysis.contour_figure(
        xs, ys, z, domain=domain, log_z=surface.log_z, z_clip=surface.z_clip,
        points=[{"x": x, "y": y, "kind": "minimum"} for x, y in surface.minima], title="contour",
    )  # fmt: skip
    arrows = [
        {"label": r.label, "color": r.color, "path": r.points[:11], "point": r.points[9],
         "grad": r.points[9] - r.points[10], "update": r.points[10] - r.points[9]}
        for r in runs
    ]  # fmt: skip
    out["step figure"] = analysis.step_figure(
        xs, ys, z, arrows, domain=domain, grad_scale=2.0, update_scale=0.5, title="step"
    )
    rng = np.random.default_rng(0)
    label = rng.integers(-2, 2, size=(12, 16))
    steps = np.where(label >= 0, rng.integers(1, 90, size=label.shape), -1)
    final = rng.normal(size=(12, 16, 2))
    bx, by = np.linspace(-2, 2, 16), np.linspace(-1, 1, 12)
    for mode in ("minimum", "steps"):
        out[f"basin figure {mode}"] = analysis.basin_figure(
            label, steps, final, bx, by, [(-1.0, 0.0), (1.0, 0.5)],
            domain=((-2, 2), (-1, 1)), mode=mode, title="basins",
        )  # fmt: skip
    values = rng.lognormal(size=(5, 7))
    diverged = rng.random(size=(5, 7)) < 0.2
    values[diverged] = np.nan
    lrs, ys2 = np.geomspace(1e-3, 1, 7), np.linspace(0.1, 0.9, 5)
    out["sweep figure"] = sweep_figures.sweep_figure(
        values, lrs, ys2, diverged, x_label="lr", y_label="momentum", z_label="loss",
        log_z=True, best=(2, 3), title="sweep",
    )  # fmt: skip
    out["lr curves figure"] = sweep_figures.lr_curves_figure(
        [{"label": "a", "color": "#1f77b4", "lrs": lrs, "final_loss": values[0],
          "diverged": diverged[0], "best": 1}],
        title="curves",
    )  # fmt: skip
    for lesson in lessons.LESSONS:
        first = next(iter(lesson.presets.values()))
        for chart in lesson.charts:
            out[f"lesson {lesson.number} chart {chart.title}"] = chart.build(first, lessons.CORE)
    return {name: _digest(fig) for name, fig in out.items()}


def _sweeps(default, surface):
    """Fingerprints of the sweeps page's computations (sweep, fair race) on fixed inputs."""
    from optimizers import sweeps  # noqa: PLC0415

    start = [default.start_point(surface)]
    lrs = sweeps.grid_values(1e-4, 1.0, 16)
    out = {}
    for name, second, values in (
        ("momentum", "momentum", np.linspace(0.0, 0.99, 12)),
        ("adam", "beta1", np.linspace(0.0, 0.99, 12)),
        ("rmsprop", None, None),
    ):
        result = sweeps.sweep(
            surface, name, start, 300, "lr", lrs, second, values, f_min=0.0, tol=1e-3,
            escape_radius=sc.escape_radius(surface),
        )  # fmt: skip
        out[f"sweep {name} {second}"] = _digest(list(result))
    race = sweeps.fair_race(
        surface, ["gd", "momentum", "adam", "radam"], start, 300, lrs,
        escape_radius=sc.escape_radius(surface),
    )  # fmt: skip
    out["fair race"] = _digest([list(e) for e in race])
    return out


def main():
    """Print one JSON object of fingerprints."""
    out = {}
    default = sc.default_scene()
    payload, (surface, xs, ys, z, runs) = _payload(default)
    out["explorer payload"] = _digest(payload)
    out["inspector"] = _digest(_inspector(default))
    out["csv"] = _digest(export.trajectories_csv(runs))
    out["json"] = _digest(export.trajectories_json(runs, {"surface": "default"}, "compare"))
    png = export.snapshot_png(
        xs=xs, ys=ys, z=z, runs=runs, start=default.start_point(surface),
        minima=surface.minima, title=surface.title, log_z=surface.log_z, size=(320, 160),
    )  # fmt: skip
    out["png snapshot"] = hashlib.sha256(png).hexdigest()[:16]
    out.update(_figures(default, surface, xs, ys, z, runs))
    for lesson in lessons.LESSONS:
        first = next(iter(lesson.presets.values()))
        out[f"lesson {lesson.number} payload"] = _digest(_payload(first)[0])
    out.update(_sweeps(default, surface))
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
