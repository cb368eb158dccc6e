"""Tests of figures.export: trajectory files re-load, animations decode, frames show the runs."""

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

import figures
from figures import export, trajectories
from figures.payload import pick_steps

ROOT = Path(__file__).resolve().parent.parent
SMALL = (320, 192)  # even, so the MP4 keeps the exact size
STEPS = 60
DIVERGE_AT = 25


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


@pytest.fixture(scope="module")
def scene():
    """A Rosenbrock grid and three hand-made paths that never cross; the third diverges."""
    xs = np.linspace(-2.0, 2.0, 60)
    ys = np.linspace(-1.0, 3.0, 60)
    z = _rosenbrock(*np.meshgrid(xs, ys))
    t = np.linspace(0.0, 1.0, STEPS + 1)[:, None]
    start = np.array([-1.5, 2.0])
    # A: straight to the minimum along the left half; B: a bend through the upper middle.
    a = start + t * (np.array([1.0, 1.0]) - start)
    b = start + np.hstack([3.0 * t, 0.6 * np.sin(np.pi * t)])
    # C: heads down-left; at DIVERGE_AT the point overflows (NaN) and stays NaN.
    c = start + t * np.array([0.2, -2.6])
    c[DIVERGE_AT:] = np.nan
    runs = []
    for label, color, pts, k in [
        ("GD lr=0.001", "#1f77b4", a, -1),
        ("Adam lr=0.05", "#ff7f0e", b, -1),
        ("GD lr=0.01", "#d62728", c, DIVERGE_AT),
    ]:
        values = _rosenbrock(pts[:, 0], pts[:, 1])
        runs.append(figures.Run(label, color, pts, values, k))
    # An infinite loss at the step of divergence, as the runner may report it.
    runs[2].values[DIVERGE_AT] = np.inf
    return dict(
        xs=xs,
        ys=ys,
        z=z,
        runs=runs,
        start=tuple(start),
        minima=[(1.0, 1.0)],
        title="Rosenbrock test scene",
        log_z=True,
        settings={"surface": "rosenbrock", "steps": STEPS, "seed": 0, "lr": [0.001, 0.05]},
        app_version="0.1.0-test",
    )


def _without_last_run(scene):
    return {**scene, "runs": scene["runs"][:2]}


# --------------------------------------------------------------------------- CSV / JSON
def test_csv_reloads_with_the_csv_module_to_the_same_numbers(scene):
    text = export.trajectories_csv(scene["runs"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == trajectories.CSV_COLUMNS
    assert len(rows) == 3 * (STEPS + 1)
    for i, run in enumerate(scene["runs"]):
        mine = [r for r in rows if int(r["run"]) == i]
        assert [int(r["step"]) for r in mine] == list(range(STEPS + 1))
        assert {r["label"] for r in mine} == {run.label}
        x = np.array([float(r["x"]) if r["x"] else np.nan for r in mine])
        loss = np.array([float(r["loss"]) if r["loss"] else np.nan for r in mine])
        # Bitwise equal, NaN where the input is NaN, inf where it is inf.
        np.testing.assert_array_equal(x, run.points[:, 0])
        np.testing.assert_array_equal(loss, run.values)
        flagged = [int(r["step"]) for r in mine if r["diverged"] == "true"]
        k = run.diverged_at
        assert flagged == (list(range(k, STEPS + 1)) if k >= 0 else [])
    # NaN after divergence is an empty field, never the text "nan".
    assert "nan" not in text.lower()


def test_csv_loader_round_trip(scene):
    back = export.load_trajectories_csv(export.trajectories_csv(scene["runs"]))
    assert len(back) == len(scene["runs"])
    for run, got in zip(scene["runs"], back, strict=True):
        assert got.label == run.label
        assert got.diverged_at == run.diverged_at
        np.testing.assert_array_equal(got.points, run.points)
        np.testing.assert_array_equal(got.values, run.values)


def test_json_is_strict_and_round_trips(scene):
    text = export.trajectories_json(scene["runs"], scene["settings"], scene["app_version"])
    for token in ("NaN", "Infinity"):
        assert token not in text

    def reject(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    doc = json.loads(text, strict=True, parse_constant=reject)
    assert doc["app"] == "Loss Landscape Lab"
    assert doc["version"] == "0.1.0-test"
    assert doc["settings"] == scene["settings"]
    assert doc["runs"][2]["points"][DIVERGE_AT] == [None, None]

    back = export.load_trajectories_json(text)
    for run, got in zip(scene["runs"], back["runs"], strict=True):
        assert (got.label, got.color) == (run.label, run.color)
        assert got.diverged_at == run.diverged_at
        np.testing.assert_array_equal(got.points, run.points)
        # Documented: every non-finite number is null, read back as NaN (the inf at the
        # step of divergence becomes NaN); finite numbers are bit-identical.
        expected = np.where(np.isfinite(run.values), run.values, np.nan)
        np.testing.assert_array_equal(got.values, expected)


def test_json_settings_may_hold_numpy_numbers_but_not_nan(scene):
    text = export.trajectories_json(scene["runs"][:1], {"lr": np.float64(0.1)}, "x")
    assert json.loads(text)["settings"] == {"lr": 0.1}
    with pytest.raises(ValueError):
        export.trajectories_json(scene["runs"][:1], {"lr": math.nan}, "x")


def test_json_loader_rejects_nan_tokens():
    with pytest.raises(ValueError):
        export.load_trajectories_json('{"runs": [{"points": [[NaN, 1]], "values": [1]}]}')


# --------------------------------------------------------------------------- frames
def test_frame_steps_subsample_evenly_without_repeats_and_keep_the_divergence(scene):
    steps = export.frame_steps(scene["runs"], 12)
    assert steps[0] == 0 and steps[-1] == STEPS and DIVERGE_AT in steps
    assert np.all(np.diff(steps) > 0)
    assert len(steps) == 12
    # Like the browser player's frames, which always include the divergence step.
    player_steps, _ = pick_steps(STEPS + 1, 11, {DIVERGE_AT, STEPS})
    assert DIVERGE_AT in player_steps
    few = export.frame_steps(scene["runs"], 7)
    assert len(few) == 7 and DIVERGE_AT in few and few[-1] == STEPS
    # Fewer steps than frames: one frame per step.
    np.testing.assert_array_equal(export.frame_steps(scene["runs"], 500), np.arange(STEPS + 1))


def test_render_frames_size_count_and_progress(scene):
    seen = []
    frames = list(export.render_frames(**scene, n_frames=7, size=(333, 211), progress=seen.append))
    assert len(frames) == 7
    assert all(f.shape == (211, 333, 3) and f.dtype == np.uint8 for f in frames)
    assert seen == pytest.approx([(i + 1) / 7 for i in range(7)])
    # Each frame is its own array, not a view of the canvas that the next frame overwrites.
    assert not np.array_equal(frames[0], frames[-1])


def _renderer_args(scene, runs):
    """Arguments of the (private) renderer, to reach its axes' data-to-pixel transform."""
    args = {k: v for k, v in scene.items() if k not in ("settings", "app_version")}
    return args | {"runs": runs}


def _pixel(renderer, x, y):
    """Row and column of the data point (x, y) of the contour panel in a frame."""
    px, py = renderer.ax2.transData.transform((x, y))
    return int(round(renderer.size[1] - py)), int(round(px))


def _near(frame, row, col, rgb, radius=2, tol=60):
    """Whether a pixel within ``radius`` of (row, col) is within ``tol`` of ``rgb``."""
    patch = frame[row - radius : row + radius + 1, col - radius : col + radius + 1].astype(int)
    target = np.array([round(255 * c) for c in to_rgb(rgb)])
    return bool((np.abs(patch - target).sum(axis=-1) <= tol).any())


def test_paths_are_drawn_as_the_steps_advance(scene):
    renderer = export._SceneRenderer(**_renderer_args(scene, scene["runs"][:2]))
    first, last = renderer.render(0), renderer.render(STEPS)
    for run in scene["runs"][:2]:
        # A point two thirds along the path: run colour at the end, not at the start.
        x, y = run.points[2 * STEPS // 3]
        row, col = _pixel(renderer, x, y)
        assert _near(last, row, col, run.color), run.label
        assert not _near(first, row, col, run.color), run.label


def test_diverged_run_gets_a_cross_and_a_note(scene):
    # Only the diverging run, so nothing else moves between the two frames.
    renderer = export._SceneRenderer(**_renderer_args(scene, scene["runs"][2:]))
    before, after = renderer.render(DIVERGE_AT - 1), renderer.render(DIVERGE_AT + 5)
    x, y = scene["runs"][2].points[DIVERGE_AT - 1]  # its last finite point
    row, col = _pixel(renderer, x, y)
    # The cross has a black edge; the dot before it has a white one, on a viridis map that
    # holds no black.
    r = 12
    black = lambda f: int((f[row - r : row + r, col - r : col + r] < 40).all(axis=-1).sum())  # noqa: E731
    assert black(before) == 0
    assert black(after) > 10
    # The "diverged at step k" note: new pixels in the run's colour on the contour panel,
    # away from the cross (which is at most ~11 px in radius).
    changed = np.abs(after.astype(int) - before.astype(int)).sum(axis=-1) > 0
    target = np.array([round(255 * c) for c in to_rgb(scene["runs"][2].color)])
    coloured = np.abs(after.astype(int) - target).sum(axis=-1) <= 60
    rr, cc = np.mgrid[: after.shape[0], : after.shape[1]]
    far = np.hypot(rr - row, cc - col) > 20
    x0, _, x1, _ = renderer.ax2.bbox.extents
    panel = (cc >= x0) & (cc <= x1)
    assert (changed & coloured & far & panel).sum() > 30


def test_late_frames_differ_from_a_render_without_the_diverged_run(scene):
    with_run = export.snapshot_png(**scene, size=SMALL)
    without = export.snapshot_png(**_without_last_run(scene), size=SMALL)
    a = np.asarray(Image.open(io.BytesIO(with_run)))
    b = np.asarray(Image.open(io.BytesIO(without)))
    assert a.shape == b.shape
    assert (np.abs(a.astype(int) - b.astype(int)).sum(axis=-1) > 30).sum() > 50


# --------------------------------------------------------------------------- files
def test_gif_decodes_with_the_requested_frames_and_size(scene):
    data = export.animation_gif(**scene, n_frames=12, size=SMALL, fps=20)
    frames = iio.imread(data, index=None, extension=".gif")
    assert frames.shape[:3] == (12, SMALL[1], SMALL[0])
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "GIF"
        assert im.n_frames == 12
        assert im.info["loop"] == 0  # loops forever
        assert im.info["duration"] == 50
    # The palette keeps the runs' colours exactly, and the rest closely.
    direct = list(export.render_frames(**scene, n_frames=12, size=SMALL))[-1]
    last = frames[-1][..., :3]
    assert np.abs(last.astype(int) - direct).mean() < 4
    for run in scene["runs"]:
        rgb = [round(255 * c) for c in to_rgb(run.color)]
        assert (last == rgb).all(axis=-1).sum() > 10, run.label


def test_write_gif_to_path_and_buffer(tmp_path, scene):
    frames = list(export.render_frames(**scene, n_frames=3, size=SMALL))
    path = tmp_path / "a.gif"
    assert export.write_gif(frames, path) is None
    buf = io.BytesIO()
    assert export.write_gif(iter(frames), buf) is None
    assert path.read_bytes() == buf.getvalue() == export.write_gif(frames)
    with pytest.raises(ValueError):
        export.write_gif([])


def test_mp4_decodes_with_the_requested_frames_and_size(tmp_path, scene):
    data = export.animation_mp4(**scene, n_frames=15, size=SMALL, fps=20)
    path = tmp_path / "a.mp4"
    path.write_bytes(data)
    frames = iio.imread(path, plugin="FFMPEG", index=None)
    assert frames.shape == (15, SMALL[1], SMALL[0], 3)
    meta = iio.immeta(path, plugin="FFMPEG")
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert meta["fps"] == 20


def test_mp4_pads_odd_sizes_to_even(tmp_path, scene):
    frames = export.render_frames(**scene, n_frames=4, size=(201, 121))
    path = tmp_path / "odd.mp4"
    assert export.write_mp4(frames, path) is None
    decoded = iio.imread(path, plugin="FFMPEG", index=None)
    assert decoded.shape == (4, 122, 202, 3)
    with pytest.raises(ValueError):
        export.write_mp4([])


def test_snapshot_png_size_and_step(scene):
    final = export.snapshot_png(**scene, size=SMALL)
    with Image.open(io.BytesIO(final)) as im:
        assert im.format == "PNG"
        assert im.size == SMALL
        final_px = np.asarray(im.convert("RGB"))
    at_start = np.asarray(Image.open(io.BytesIO(export.snapshot_png(**scene, step=0, size=SMALL))))
    assert not np.array_equal(final_px, at_start[..., :3])
    # Steps past the end are clamped to the last one.
    assert export.snapshot_png(**scene, step=10**6, size=SMALL) == final


def test_export_uses_neither_pyplot_nor_streamlit():
    path = str(ROOT / "figures" / "export.py")
    code = (
        "import importlib.util, sys, numpy as np\n"
        f"spec = importlib.util.spec_from_file_location('export', {path!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "xs = np.linspace(0, 1, 5); z = np.add.outer(xs, xs)\n"
        "from figures.payload import Run\n"
        "run = Run('a', '#000000', np.zeros((3, 2)), np.zeros(3), -1)\n"
        "m.snapshot_png(xs=xs, ys=xs, z=z, runs=[run], size=(160, 96))\n"
        "print('matplotlib.pyplot' in sys.modules, 'streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
