"""Critical points, condition numbers, stability bounds and suggested settings."""

import math
import warnings

import numpy as np
import pytest

import surfaces
from surfaces import analysis


def kinds(points):
    out = {}
    for p in points:
        out[p.kind] = out.get(p.kind, 0) + 1
    return out


def test_himmelblau_has_four_minima_four_saddles_one_maximum():
    points = surfaces.critical_points(surfaces.get("himmelblau"))
    assert kinds(points) == {"minimum": 4, "saddle": 4, "maximum": 1}
    assert [p.kind for p in points[:4]] == ["minimum"] * 4  # sorted by value
    (top,) = [p for p in points if p.kind == "maximum"]
    # Published: local maximum f(-0.270845, -0.923039) = 181.617.
    assert (top.x, top.y) == pytest.approx((-0.270845, -0.923039), abs=1e-6)
    assert top.value == pytest.approx(181.617, abs=1e-3)
    assert top.eigvals[0] <= top.eigvals[1] < 0


def test_six_hump_camel_critical_points():
    points = surfaces.critical_points(surfaces.get("six_hump_camel"))
    assert kinds(points) == {"minimum": 6, "saddle": 7, "maximum": 2}
    assert points[0].value == pytest.approx(-1.0316, abs=1e-4)
    listed = surfaces.get("six_hump_camel")
    found = {(round(p.x, 8), round(p.y, 8)) for p in points}
    assert {(round(x, 8), round(y, 8)) for x, y in listed.minima + listed.saddles} <= found


def test_saddle_and_degenerate_monkey_saddle():
    (p,) = surfaces.critical_points(surfaces.get("saddle"))
    assert (p.kind, p.x, p.y, p.eigvals) == ("saddle", 0.0, 0.0, (-2.0, 2.0))
    (p,) = surfaces.critical_points(surfaces.get("monkey_saddle"))
    assert p.kind == "degenerate"  # the Hessian vanishes there
    assert math.hypot(p.x, p.y) < 1e-6


def test_no_critical_points_on_a_plane_and_only_inside_the_box():
    assert surfaces.critical_points(surfaces.parse("x + 2y")) == []
    himmelblau = surfaces.get("himmelblau")
    points = surfaces.critical_points(himmelblau, domain=((0, 5), (0, 5)))
    assert [(round(p.x, 6), round(p.y, 6), p.kind) for p in points] == [
        (3.0, 2.0, "minimum"),
        (3.385154, 0.073852, "saddle"),
        (0.086678, 2.884255, "saddle"),
    ]


def test_critical_points_survive_undefined_regions_silently():
    surface = surfaces.parse("log(x) + (x - 2)^2 + y^2")  # NaN for x <= 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        points = surfaces.critical_points(surface)
    # d/dx: 1/x + 2(x - 2) = 0  ->  x = 1 ± sqrt(2)/2; f_xx = 2 - 1/x² decides the kind.
    assert [(p.kind, p.x, p.y) for p in points] == [
        ("minimum", pytest.approx(1 + math.sqrt(2) / 2, abs=1e-12), 0.0),
        ("saddle", pytest.approx(1 - math.sqrt(2) / 2, abs=1e-12), 0.0),
    ]


def test_condition_number_and_stability_bound_on_quadratics():
    canyon = surfaces.get("canyon", steepness=50)  # curvatures 0.1 and 5
    assert surfaces.condition_number(canyon, (1.0, 2.0)) == pytest.approx(50)
    assert surfaces.stability_bound(canyon, (1.0, 2.0)) == pytest.approx(2 / 5)
    many = surfaces.condition_number(canyon, np.zeros((4, 2)))
    assert many.shape == (4,) and np.allclose(many, 50)
    saddle = surfaces.get("saddle")
    assert surfaces.condition_number(saddle, (0.0, 0.0)) == pytest.approx(1.0)  # |λ| ratio
    assert surfaces.stability_bound(saddle, (0.0, 0.0)) == pytest.approx(1.0)
    cap = surfaces.parse("-x^2 - y^2")  # no positive curvature: no bound
    assert surfaces.stability_bound(cap, (0.0, 0.0)) == math.inf
    flat = surfaces.parse("x^2")  # singular Hessian
    assert surfaces.condition_number(flat, (0.0, 0.0)) == math.inf


def test_stability_bound_is_where_gd_starts_to_diverge():
    canyon = surfaces.get("canyon", steepness=50)
    bound = surfaces.stability_bound(canyon, (0.0, 0.0))
    for lr, stable in [(0.99 * bound, True), (1.01 * bound, False)]:
        p = np.array([[1.0, 1.0]])
        for _ in range(2000):
            p = p - lr * canyon.grad(p)
        assert (np.abs(p).max() < 1) == stable


def test_polish_refines_published_digits():
    surface = surfaces.get("himmelblau")
    rough = [(-2.805118, 3.131312)]
    (fine,) = analysis.polish(surface, rough)
    assert math.dist(fine, rough[0]) < 1e-6
    assert np.hypot(*surface.grad(np.array([fine]))[0]) < 1e-10
    assert np.hypot(*surface.grad(np.array(rough))[0]) > 1e-6
    # A point that is not near a critical point is left alone.
    assert analysis.polish(surface, [(0.0, 0.0)]) == [(0.0, 0.0)]


@pytest.mark.parametrize(("a", "expected"), [(1.0, 0.5), (3.0, 0.16), (250.0, 0.002)])
def test_suggest_lr_on_a_quadratic(a, expected):
    surface = surfaces.parse(f"{a} x^2 + y^2")  # λmax = max(2a, 2)
    lr = analysis.suggest_lr(surface, (1.0, 1.0), target=1.0)
    assert lr == expected  # 1 / λmax rounded down to two significant digits
    assert lr <= 1 / max(2 * a, 2)


def test_suggest_view():
    rosen = surfaces.get("rosenbrock")
    assert analysis.suggest_view(rosen, rosen.domain) == (True, None)
    assert analysis.suggest_view(surfaces.get("saddle"), ((-2, 2), (-2, 2))) == (False, None)
    box = ((-3, 3), (-3, 3))
    assert analysis.suggest_view(surfaces.parse("1/(x^2 + y^2)"), box) == (True, None)
    # A narrow spike on a signed surface: clip it so the rest stays visible.
    spike = surfaces.parse("x + 1000exp(-50((x-1)^2 + y^2))")
    log_z, clip = analysis.suggest_view(spike, box)
    assert not log_z and 2 < clip < 4


def test_eig2_matches_numpy():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 2, 2))
    h = a + np.swapaxes(a, 1, 2)
    lo, hi = analysis.eig2(h)
    np.testing.assert_allclose(np.stack([lo, hi], 1), np.linalg.eigvalsh(h), atol=1e-12)
