"""The explorer's downloads, built from the app's own scene data, reopen as what they claim."""

import csv
import io
import json

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from figures import export
from ui import compute, share
from ui import scene as sc


@pytest.fixture(scope="module")
def scene_data():
    scene = sc.Scene(
        runs=sc.default_runs() + (sc.Run("gd", (("lr", 0.5),), sc.PALETTE[4]),),  # diverges
        steps=80,
        noise=0.2,
        seed=5,
    )
    surface = scene.build_surface()
    runs = compute.runs(scene)
    return scene, share.export_scene(scene, surface, runs)


def test_json_carries_every_setting_and_reproduces_the_trajectories(scene_data):
    scene, data = scene_data
    text = export.trajectories_json(data["runs"], data["settings"], share.APP_VERSION)
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON token {c}"))
    assert doc["version"] == share.APP_VERSION
    assert doc["settings"]["seed"] == 5 and doc["settings"]["noise"] == 0.2
    optimizers_used = [r["optimizer"] for r in doc["settings"]["runs"]]
    assert optimizers_used == ["gd", "momentum", "rmsprop", "adam", "gd"]
    # The settings are enough to recompute exactly the same paths.
    again, warnings = sc.from_query(doc["settings"]["query"])
    assert warnings == [] and again == scene
    for run, recomputed in zip(doc["runs"], compute.runs(again), strict=True):
        np.testing.assert_array_equal(np.array(run["points"], dtype=float), recomputed.points)
    assert doc["runs"][-1]["diverged_at"] > 0


def test_csv_reloads_to_the_same_numbers(scene_data):
    _, data = scene_data
    rows = list(csv.DictReader(io.StringIO(export.trajectories_csv(data["runs"]))))
    first = [r for r in rows if r["run"] == "0"]
    xs = np.array([float(r["x"]) for r in first])
    np.testing.assert_array_equal(xs, data["runs"][0].points[:, 0])


def test_png_gif_and_mp4_decode(scene_data):
    _, data = scene_data
    png = Image.open(io.BytesIO(export.snapshot_png(**data)))
    assert png.size == (1280, 560)
    gif = export.animation_gif(n_frames=12, size=(400, 180), **data)
    assert iio.improps(gif, index=None, extension=".gif").shape[0] == 12
    mp4 = export.animation_mp4(n_frames=12, size=(400, 180), **data)
    frames = iio.imread(mp4, index=None, extension=".mp4")
    assert frames.shape[0] == 12
