"""Fingerprints of what the app shows for each page's default scene, to compare two trees.

Run it in two checkouts (e.g. before and after a restructuring) and diff the output::

    python benchmarks/compare_outputs.py > after.json
    git worktree add /tmp/before <rev> && (cd /tmp/before && python \
        /path/to/benchmarks/compare_outputs.py) > before.json

It only reads public interfaces that existed before and after: the player payload of the
explorer's default scene and of every lesson's first preset, the step inspector's update
blocks of the default runs, the trajectories' CSV and JSON exports, and the heights the
PNG snapshot draws (as a hash of the rendered frame).
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path.cwd()))

import optimizers  # noqa: E402
from figures import export, inspector, player_payload  # noqa: E402
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
    for lesson in lessons.LESSONS:
        first = next(iter(lesson.presets.values()))
        out[f"lesson {lesson.number} payload"] = _digest(_payload(first)[0])
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
