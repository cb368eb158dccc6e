"""figures: the player payload (shapes, round trip, size, divergence), HTML export, helpers."""

import json
import re

import numpy as np
import plotly.io
import pytest

import figures
from figures import decode_array, payload_bytes, player_payload

DOMAIN = ((-2.0, 2.0), (-1.0, 3.0))


def grid(n=100):
    xs = np.linspace(*DOMAIN[0], n)
    ys = np.linspace(*DOMAIN[1], n)
    x, y = np.meshgrid(xs, ys)
    return xs, ys, (1 - x) ** 2 + 100 * (y - x**2) ** 2


def spiral_run(steps, label="Adam lr=0.01", color="#17a398", diverged_at=-1, seed=0):
    """A smooth, realistic-looking path (float64 noise, so float32 rounding is visible)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, steps + 1)
    points = np.stack([-1.5 + 2.5 * t, 2.0 - 1.0 * t], axis=1) + rng.normal(0, 1e-3, (steps + 1, 2))
    values = 10 * np.exp(-3 * t) + rng.random(steps + 1)
    if diverged_at >= 0:
        points[diverged_at] = [1e7, -3e6]
        values[diverged_at] = np.inf
        points[diverged_at + 1 :] = 123.0  # garbage the payload must blank out
        values[diverged_at + 1 :] = 5.0
    return figures.Run(label, color, points, values, diverged_at)


def build(steps=500, runs=4, **kw):
    xs, ys, z = grid()
    rs = [spiral_run(steps, label=f"run {i}", seed=i) for i in range(runs)]
    return player_payload(xs, ys, z, rs, domain=DOMAIN, start=(-1.5, 2.0), minima=[(1, 1)], **kw)


def test_round_trip_is_float32_of_input():
    xs, ys, z = grid(37)
    run = spiral_run(200)
    p = player_payload(xs, ys, z, [run], domain=DOMAIN)
    assert p["grid"]["z"]["shape"] == [37, 37]
    np.testing.assert_array_equal(decode_array(p["grid"]["x"]), xs.astype(np.float32))
    np.testing.assert_array_equal(decode_array(p["grid"]["y"]), ys.astype(np.float32))
    np.testing.assert_array_equal(decode_array(p["grid"]["z"]), z.astype(np.float32))
    r = p["runs"][0]
    assert r["xy"]["shape"] == [201, 2] and r["values"]["shape"] == [201]
    np.testing.assert_array_equal(decode_array(r["xy"]), run.points.astype(np.float32))
    np.testing.assert_array_equal(decode_array(r["values"]), run.values.astype(np.float32))
    assert decode_array(r["xy"]).dtype == np.float32
    assert p["steps"] == 200 and p["frames"] == 201 and not p["subsampled"]
    assert p["frame_steps"] is None and p["stride"] == 1


def test_payload_is_strict_json():
    p = build(steps=50)
    text = json.dumps(p, allow_nan=False)  # raises on NaN/inf anywhere in the metadata
    assert json.loads(text) == p


def test_bytes_are_little_endian():
    spec = figures.encode_array(np.array([1.0, -2.5]))
    raw = np.frombuffer(__import__("base64").b64decode(spec["b64"]), dtype="<f4")
    assert raw.tolist() == [1.0, -2.5]


def test_size_grows_linearly_with_steps():
    small, big = payload_bytes(build(steps=500)), payload_bytes(build(steps=5000))
    grid_bytes = payload_bytes(build(steps=0))
    # Data per step is fixed (3 float32 per run), so the part above the grid scales by 10.
    ratio = (big - grid_bytes) / (small - grid_bytes)
    assert ratio == pytest.approx(5000 / 500, rel=0.02)


def test_four_runs_of_5000_steps_fit_in_one_megabyte():
    size = payload_bytes(build(steps=5000, runs=4))
    assert size <= 1_000_000, size


def test_diverged_run_carries_its_step_and_blanks_the_rest():
    xs, ys, z = grid()
    run = spiral_run(300, diverged_at=120)
    p = player_payload(xs, ys, z, [run], domain=DOMAIN)
    r = p["runs"][0]
    assert r["diverged_at"] == 120
    xy, values = decode_array(r["xy"]), decode_array(r["values"])
    assert np.isnan(xy[121:]).all() and np.isnan(values[121:]).all()
    assert np.isfinite(xy[:120]).all()
    # The ✕ goes at the last point still inside the view, before the jump to 1e7.
    assert r["marker"]["step"] == 119
    assert (r["marker"]["x"], r["marker"]["y"]) == tuple(run.points[119])
    assert p["runs"][0]["marker"]["value"] == pytest.approx(run.values[119])


def test_nan_survives_encoding_for_the_browser():
    xs, ys, z = grid(10)
    run = spiral_run(20)
    run.points[5:8] = np.nan
    p = player_payload(xs, ys, z, [run])
    xy = decode_array(p["runs"][0]["xy"])
    assert np.isnan(xy[5:8]).all() and np.isfinite(xy[8:]).all()


def test_never_diverged_has_no_marker():
    assert all(r["marker"] is None and r["diverged_at"] == -1 for r in build(steps=20)["runs"])


def test_no_subsampling_up_to_5000_steps():
    p = build(steps=5000, runs=1)
    assert p["frames"] == 5001 and not p["subsampled"]


def test_subsampling_above_5000_says_so_and_keeps_the_divergence():
    xs, ys, z = grid(20)
    runs = [spiral_run(12_000), spiral_run(12_000, diverged_at=7_777, seed=3)]
    p = player_payload(xs, ys, z, runs, domain=DOMAIN)
    assert p["subsampled"] and p["stride"] == 3
    steps = decode_array(p["frame_steps"])
    assert steps[0] == 0 and steps[-1] == 12_000 and np.all(np.diff(steps) > 0)
    assert {7_777, 7_776} <= set(steps.tolist())
    assert p["frames"] == steps.size <= 5_001 + 4
    assert decode_array(p["runs"][0]["xy"]).shape == (steps.size, 2)
    np.testing.assert_array_equal(
        decode_array(p["runs"][0]["values"]), runs[0].values[steps].astype(np.float32)
    )


def ghost_of(run, label=None):
    return run._replace(label=label or f"before: {run.label}", ghost=True)


def test_ghost_flag_is_carried_and_defaults_to_false():
    xs, ys, z = grid(20)
    r = spiral_run(30)
    obj = figures.Run(r.label, r.color, r.points, r.values, ghost=True)
    p = player_payload(xs, ys, z, [r, ghost_of(r), obj, r._replace(ghost=0)])
    assert [q["ghost"] for q in p["runs"]] == [False, True, True, False]
    with pytest.raises(TypeError, match="figures.Run"):  # one result type: no dicts
        player_payload(xs, ys, z, [r._asdict()])
    assert p["runs"][1]["label"] == "before: Adam lr=0.01"
    json.dumps(p, allow_nan=False)


def test_steps_and_frames_come_from_live_runs_only():
    xs, ys, z = grid(30)
    ghost = ghost_of(spiral_run(500, seed=1))
    live = spiral_run(300)
    p = player_payload(xs, ys, z, [ghost, live], domain=DOMAIN)
    assert p["steps"] == 300 and p["frames"] == 301 and p["stride"] == 1
    assert not p["subsampled"] and p["frame_steps"] is None
    g, r = p["runs"]
    assert r["xy"]["shape"] == [301, 2] and r["values"]["shape"] == [301]
    # The ghost's whole path, as-is: neither cut to the live length nor padded.
    assert g["xy"]["shape"] == [501, 2]
    np.testing.assert_array_equal(decode_array(g["xy"]), ghost.points.astype(np.float32))
    np.testing.assert_array_equal(decode_array(g["values"]), ghost.values.astype(np.float32))
    # A shorter ghost is not padded to the live length either.
    short = ghost_of(spiral_run(100, seed=2))
    p = player_payload(xs, ys, z, [live, short], domain=DOMAIN)
    assert p["steps"] == 300 and p["runs"][1]["xy"]["shape"] == [101, 2]


def test_ghosts_never_cause_or_shape_subsampling():
    xs, ys, z = grid(20)
    ghost = ghost_of(spiral_run(12_000, diverged_at=3_333, seed=3))
    p = player_payload(xs, ys, z, [ghost, spiral_run(300)], domain=DOMAIN)
    assert not p["subsampled"] and p["frames"] == 301 and p["steps"] == 300
    g = p["runs"][0]
    assert g["xy"]["shape"] == [12_001, 2] and g["diverged_at"] == 3_333
    assert np.isnan(decode_array(g["xy"])[3_334:]).all()  # blanked after the divergence
    assert g["marker"]["step"] == 3_332  # the ✕ at the last point in view
    # Live runs above max_frames are subsampled on their own steps only.
    p = player_payload(xs, ys, z, [ghost, spiral_run(6_000)], domain=DOMAIN)
    steps = decode_array(p["frame_steps"])
    assert p["subsampled"] and p["stride"] == 2 and p["steps"] == 6_000
    assert 3_333 not in steps and steps[-1] == 6_000  # no frame for the ghost's ✕
    assert p["runs"][0]["xy"]["shape"] == [12_001, 2]
    assert p["runs"][1]["xy"]["shape"] == [steps.size, 2]


def test_only_ghosts_or_no_runs_give_zero_steps():
    xs, ys, z = grid(20)
    p = player_payload(xs, ys, z, [ghost_of(spiral_run(500))], domain=DOMAIN)
    assert p["steps"] == 0 and p["frames"] == 1 and not p["subsampled"]
    assert p["runs"][0]["ghost"] and p["runs"][0]["xy"]["shape"] == [501, 2]
    empty = player_payload(xs, ys, z, [], domain=DOMAIN)
    assert empty["steps"] == 0 and empty["frames"] == 1 and empty["runs"] == []
    json.dumps(p, allow_nan=False)


def test_size_stays_linear_with_ghosts():
    def size(steps):
        xs, ys, z = grid()
        rs = [spiral_run(steps, seed=i) for i in range(4)]
        rs += [ghost_of(spiral_run(steps, seed=10 + i)) for i in range(4)]
        return payload_bytes(player_payload(xs, ys, z, rs, domain=DOMAIN))

    ratio = (size(5000) - size(0)) / (size(500) - size(0))
    assert ratio == pytest.approx(10, rel=0.02)


def test_z_scale_log_and_clip():
    xs, ys, z = grid()
    p = player_payload(xs, ys, z, [], log_z=True, z_clip=500.0)
    zs = p["zscale"]
    assert zs["log"] and zs["clip"] == 500.0 and zs["zmax"] == 500.0
    assert zs["floor"] > 0 and zs["shift"] == pytest.approx(zs["zmin"] - zs["floor"])
    with pytest.raises(ValueError):
        player_payload(xs, ys, z, [], z_clip=-1.0)


def test_surface_id_depends_on_surface_not_runs():
    xs, ys, z = grid(30)
    a = player_payload(xs, ys, z, [spiral_run(10)])
    b = player_payload(xs, ys, z, [spiral_run(10, seed=5)])
    c = player_payload(xs, ys, z * 2, [spiral_run(10)])
    assert a["surface_id"] == b["surface_id"] != c["surface_id"]
    assert a["id"] != b["id"]
    assert player_payload(xs, ys, z, [], surface_id="rosenbrock:a=1")["surface_id"] == (
        "rosenbrock:a=1"
    )


def test_only_runs_are_accepted_no_aliases():
    xs, ys, z = grid(10)
    r = spiral_run(5)
    p = player_payload(xs, ys, z, [r])
    assert [q["color"] for q in p["runs"]] == [r.color]
    alias = {**r._asdict(), "colour": r.color}
    for other in (alias, r._asdict(), object()):
        with pytest.raises(TypeError, match="figures.Run"):
            player_payload(xs, ys, z, [other])


def test_bad_input_is_rejected():
    xs, ys, z = grid(10)
    with pytest.raises(ValueError, match="shape"):
        player_payload(xs, ys, z.T[:, :5], [])
    with pytest.raises(ValueError, match="theme"):
        player_payload(xs, ys, z, [], theme="neon")
    with pytest.raises(ValueError, match="points"):
        player_payload(xs, ys, z, [spiral_run(5)._replace(points=np.zeros((6, 3)))])


def test_start_and_minima_values_are_interpolated():
    xs, ys, z = grid()
    p = player_payload(xs, ys, z, [], start=(-1.5, 2.0), minima=[(1.0, 1.0), (0, 0, 7.0)])
    assert p["start"]["value"] == pytest.approx(12.5, rel=0.05)  # f(-1.5, 2) = 12.5
    assert p["minima"][0]["value"] == pytest.approx(0.0, abs=0.3)  # grid spacing 0.04
    assert p["minima"][1]["value"] == 7.0


def test_standalone_html_is_offline():
    html = figures.standalone_html(build(steps=50))
    # Nothing is loaded from anywhere: no src/href attributes at all.
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)\s*=", html, re.I)
    # Only the inlined plotly.js bundle may mention URLs (licence notes, map tile servers
    # it never contacts without map traces); the player, its CSS and the data mention none.
    plotly_js = figures.standalone.plotly_js_source()
    rest = html.replace(plotly_js, "").replace("http://www.w3.org/2000/svg", "")  # SVG namespace
    assert not re.search(r"https?://", rest)
    assert "cdn.plot.ly/plotly" not in html and "LLPlayer.render(" in html
    assert "plotly.js v" in html


def test_standalone_html_escapes_user_text():
    xs, ys, z = grid(10)
    run = spiral_run(5)._replace(label="</script><script>alert(1)</script>")
    html = figures.standalone_html(player_payload(xs, ys, z, [run]))
    assert "</script><script>alert(1)" not in html


def test_static_figures_are_valid_plotly():
    rs = [spiral_run(100, label="a"), spiral_run(100, label="b", diverged_at=60, seed=1)]
    rs = [r._replace(grad_norms=np.abs(r.values) + 0.1) for r in rs]
    figs = [
        figures.loss_figure(rs, log_y=True),
        figures.grad_norm_figure(rs),
        figures.distance_figure(rs, [(1, 1)]),
        figures.distance_figure(rs, []),
    ]
    for fig in figs:
        plotly.io.from_json(plotly.io.to_json(fig))  # validates every attribute
    loss = figs[0]
    assert [t["line"]["color"] for t in loss["data"] if t["mode"] == "lines"] == [
        "#17a398",
        "#17a398",
    ]
    marks = [t for t in loss["data"] if t["mode"] == "markers+text"]
    assert len(marks) == 1 and marks[0]["text"] == ["diverged at step 60"]
    assert marks[0]["x"] == [59]


def test_stop_labels_close_together_do_not_overlap():
    # Two runs escaping at nearby steps and losses: the second label goes below its mark.
    from figures import Run, loss_figure

    def run(stop, low):
        values = np.full(501, np.nan)  # 500 steps, nothing after the escape
        values[: stop + 1] = np.linspace(0, low, stop + 1)
        return Run("r", "red", np.zeros((501, 2)), values, diverged_at=stop, escaped=True)

    fig = loss_figure([run(46, -1900), run(173, -1600), run(259, -1610)])
    marks = [t for t in fig["data"] if t.get("mode") == "markers+text"]
    assert [t["textposition"] for t in marks] == ["top right", "top right", "bottom left"]
    assert [t["x"] for t in marks] == [[46], [173], [259]]
