"""The one loss -> height scale: closed form, and every picture of a scene uses it."""

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import surfaces
from figures import export, player_payload
from figures.analysis import z_levels
from figures.scale import ZScale

MODEL_JS = Path(__file__).resolve().parents[1] / "assets" / "player" / "model.js"


def test_linear_scale_clips():
    s = ZScale.from_grid([[0.0, 5.0], [10.0, np.inf]], z_clip=4.0)
    np.testing.assert_array_equal(s.heights([1.0, 7.0, np.nan]), [1.0, 4.0, np.nan])
    assert (s.zmin, s.zmax, s.title()) == (0.0, 4.0, "loss ≤ 4")


def test_log_scale_spans_four_decades_above_the_minimum():
    s = ZScale.from_grid([1.0, 10001.0], log_z=True)
    assert s.floor == pytest.approx(1.0) and s.shift == pytest.approx(0.0)
    np.testing.assert_allclose(s.heights([1.0, 10001.0, 0.5]), [0.0, math.log10(10001.0), 0.0])


def test_bad_grids_are_refused():
    with pytest.raises(ValueError, match="no finite value"):
        ZScale.from_grid([np.nan, np.inf])
    with pytest.raises(ValueError, match="z_clip"):
        ZScale.from_grid([1.0, 2.0], z_clip=0.5)


def _scene(name):
    surface = surfaces.get(name)
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, 41), np.linspace(y0, y1, 31)
    gx, gy = np.meshgrid(xs, ys)
    z = surface.value(np.stack([gx, gy], -1).reshape(-1, 2)).reshape(gy.shape)
    return surface, xs, ys, z


@pytest.mark.parametrize("name", ["rosenbrock", "saddle", "canyon"])
def test_export_contour_and_player_share_one_scale(name):
    surface, xs, ys, z = _scene(name)
    payload = player_payload(xs, ys, z, [], log_z=surface.log_z, z_clip=surface.z_clip)
    scale = ZScale.from_grid(z, surface.log_z, surface.z_clip)
    assert payload["zscale"] == scale.as_payload()
    renderer = export._SceneRenderer(
        xs=xs, ys=ys, z=z, runs=[], log_z=surface.log_z, z_clip=surface.z_clip, size=(64, 32)
    )
    np.testing.assert_array_equal(renderer.surface_heights, scale.heights(z))
    np.testing.assert_array_equal(z_levels(z, surface.log_z, surface.z_clip), scale.heights(z))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize("name", ["rosenbrock", "saddle", "himmelblau"])
def test_player_js_transform_equals_the_python_scale(name):
    """Run the player's own transform (cut from model.js) on the payload's zscale."""
    surface, xs, ys, z = _scene(name)
    zscale = player_payload(xs, ys, z, [], log_z=surface.log_z, z_clip=surface.z_clip)["zscale"]
    source = MODEL_JS.read_text()
    clip = re.search(r"const clip = .*?;\n", source).group(0)
    transform = re.search(r"const transform = .*?;\n(?=\s*const tlo)", source, re.S).group(0)
    values = [float(v) for v in z.ravel()[::7]]
    script = (
        f"const zs = {json.dumps(zscale)};\n{clip}{transform}"
        f"console.log(JSON.stringify({json.dumps(values)}.map(transform)));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    js = np.array(json.loads(out.stdout), dtype=float)
    np.testing.assert_allclose(
        js, ZScale.from_grid(z, surface.log_z, surface.z_clip).heights(values), rtol=1e-15
    )


def test_log_ticks_are_round_losses_shared_by_the_player_payload():
    surface, xs, ys, z = _scene("rosenbrock")
    scale = ZScale.from_grid(z, True)
    tickvals, ticktext = scale.log_ticks()
    assert ticktext == ["1", "10", "100", "1000"]
    np.testing.assert_allclose(scale.heights([1.0, 10.0, 100.0, 1000.0]), tickvals, rtol=1e-12)
    zscale = player_payload(xs, ys, z, [], log_z=True)["zscale"]
    assert (zscale["tickvals"], zscale["ticktext"]) == (tickvals, ticktext)
    assert ZScale.from_grid([0.0, 0.5], log_z=True).log_ticks()[1][:3] == [
        "1e-4",
        "0.001",
        "0.01",
    ]


def test_short_number_is_short_and_never_si():
    from figures.scale import short_number

    assert short_number(1245729313.5858, 3) == "1.25e9"
    assert short_number(1e-6) == "1e-6" and short_number(2.5e-4) == "2.5e-4"
    assert short_number(0.043) == "0.043" and short_number(12.0) == "12"
    assert short_number(float("nan")) == "—" and short_number(None) == "—"
    assert short_number(-3e7) == "-3e7"


def test_sweep_axes_are_labelled_at_round_stops():
    from figures.scale import index_ticks
    from optimizers.sweeps import grid_values

    rates = grid_values(9.98e-5, 1e-2, 12)
    where, labels = index_ticks(rates)
    assert labels == ["1e-4", "2e-4", "5e-4", "0.001", "0.002", "0.005", "0.01"]
    # Each label sits where its value falls between the cells (log-interpolated).
    np.testing.assert_allclose(
        np.interp(where, np.arange(rates.size), np.log(rates)), np.log([float(s) for s in labels])
    )
    where, labels = index_ticks(grid_values(0.5, 0.99, 5, log=False, digits=4))
    assert labels == ["0.5", "0.6", "0.7", "0.8", "0.9"]
