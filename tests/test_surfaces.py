"""Built-in surfaces: derivatives vs finite differences, minima, textbook values, shapes."""

import math
import warnings

import numpy as np
import pytest

import surfaces
from surfaces.analysis import eig2

BUILTINS = [n for n in surfaces.names() if surfaces.get(n).n_samples == 0]
# Ackley's minimum is a cusp: the gradient is undefined exactly there (tested separately).
CUSP_MINIMA = {"ackley"}
# Unbounded below: plain GD from the suggested start leaves the box (that is the lesson).
UNBOUNDED = {"saddle", "monkey_saddle"}


def random_points(surface, n=25, seed=0):
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=1)


def fd_grad(fn, xy, h):
    """Central differences of fn ((N,2)->(N,...)) along x and y, stacked on the last axis."""
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    dx = (fn(xy + ex) - fn(xy - ex)) / (2 * h)
    dy = (fn(xy + ey) - fn(xy - ey)) / (2 * h)
    return np.stack([dx, dy], axis=-1)


def assert_matches_fd(surface, xy, rtol=1e-5):
    width = max(b - a for a, b in surface.domain)
    h = 1e-5 * width
    g = surface.grad(xy)
    g_fd = fd_grad(surface.value, xy, h)
    scale = max(1.0, float(np.abs(g).max()))
    np.testing.assert_allclose(g, g_fd, rtol=rtol, atol=rtol * scale)
    hess = surface.hessian(xy)
    h_fd = fd_grad(surface.grad, xy, h)  # [..., i, j] = d g_i / d x_j
    scale = max(1.0, float(np.abs(hess).max()))
    np.testing.assert_allclose(hess, h_fd, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(hess, np.swapaxes(hess, -1, -2), rtol=1e-12, atol=1e-12 * scale)


def test_library_has_the_required_surfaces():
    names = surfaces.names()
    required = {
        "saddle", "rosenbrock", "canyon", "ill_conditioned", "beale", "himmelblau",
        "rastrigin", "ackley", "booth", "matyas", "six_hump_camel", "three_hump_camel",
        "goldstein_price", "styblinski_tang", "levi13", "monkey_saddle", "plateau",
        "linear_regression", "logistic_regression",
    }  # fmt: skip
    assert required <= set(names)
    assert len(BUILTINS) >= 15
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", surfaces.names())
def test_info_describes_every_surface(name):
    info = surfaces.info(name)
    assert info.title and info.description and info.source
    for pname, spec in info.params.items():
        default, low, high, help_text = spec.default, spec.low, spec.high, spec.help
        assert low <= default <= high, pname
        assert help_text
    surface = surfaces.get(name)
    assert surface.name == name and surface.title == info.title
    assert set(surface.params) == set(info.params)
    assert set(surface.latex) == {"f", "grad", "hessian"}
    assert all(isinstance(v, str) and v for v in surface.latex.values())


@pytest.mark.parametrize("name", BUILTINS)
def test_gradient_and_hessian_match_finite_differences(name):
    surface = surfaces.get(name)
    assert_matches_fd(surface, random_points(surface))


@pytest.mark.parametrize("name", BUILTINS)
def test_gradient_vanishes_at_listed_minima_and_saddles(name):
    surface = surfaces.get(name)
    assert surface.minima or surface.saddles
    g_scale = max(1.0, float(np.median(np.hypot(*surface.grad(random_points(surface)).T))))
    smooth_minima = [] if name in CUSP_MINIMA else surface.minima
    points = np.array(smooth_minima + surface.saddles).reshape(-1, 2)
    assert (np.hypot(*surface.grad(points).T) < 1e-6 * g_scale).all()
    lo, hi = eig2(surface.hessian(np.array(smooth_minima).reshape(-1, 2)))
    assert (lo > -1e-9 * np.abs(hi).max(initial=1.0)).all()  # minima: no downhill direction
    lo, hi = eig2(surface.hessian(np.array(surface.saddles).reshape(-1, 2)))
    assert ((lo < 0) & (hi > 0) | ((lo == 0) & (hi == 0))).all()  # saddles (monkey: H = 0)


@pytest.mark.parametrize("name", BUILTINS)
def test_minima_are_inside_the_domain_and_the_first_is_global(name):
    surface = surfaces.get(name)
    (x0, x1), (y0, y1) = surface.domain
    for x, y in surface.minima + surface.saddles:
        assert x0 <= x <= x1 and y0 <= y <= y1
    if surface.minima:
        values = surface.value(np.array(surface.minima))
        assert values[0] == pytest.approx(values.min(), abs=1e-9)
        # And no grid point in the box is lower than the listed global minimum.
        gx, gy = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
        grid = surface.value(np.stack([gx, gy], axis=-1))
        assert grid.min() >= values[0] - 1e-9


def test_ackley_minimum_is_a_cusp():
    surface = surfaces.get("ackley")
    assert surface.minima[0] == (0.0, 0.0)
    assert surface.value(np.zeros((1, 2)))[0] == pytest.approx(0.0, abs=1e-12)
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    for r in (1e-8, 1e-4, 1e-2):
        ring = r * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        # Every direction goes up, with a non-vanishing slope: a V-shaped minimum.
        slope = surface.value(ring) / r
        assert (slope > 1.0).all()


TEXTBOOK = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "matyas": lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    "three_hump_camel": lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    "six_hump_camel": lambda x, y: (
        (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
    ),
    "goldstein_price": lambda x, y: (
        (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
        * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2))
    ),
    "styblinski_tang": lambda x, y: 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y),
    "rastrigin": lambda x, y: (
        20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y)
    ),
    "ackley": lambda x, y: (
        -20 * np.exp(-0.2 * np.sqrt(0.5 * (x**2 + y**2)))
        - np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
        + np.e
        + 20
    ),
    "levi13": lambda x, y: (
        np.sin(3 * np.pi * x) ** 2
        + (x - 1) ** 2 * (1 + np.sin(3 * np.pi * y) ** 2)
        + (y - 1) ** 2 * (1 + np.sin(2 * np.pi * y) ** 2)
    ),
    "saddle": lambda x, y: x**2 - y**2,
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2,
}


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_values_match_textbook_formulas(name):
    surface = surfaces.get(name)
    xy = random_points(surface, n=50, seed=1)
    expected = TEXTBOOK[name](xy[:, 0], xy[:, 1])
    np.testing.assert_allclose(surface.value(xy), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "point", "value"),
    [
        ("rosenbrock", (1, 1), 0.0),
        ("beale", (3, 0.5), 0.0),
        ("himmelblau", (3, 2), 0.0),
        ("himmelblau", (-2.805118, 3.131312), 0.0),
        ("goldstein_price", (0, -1), 3.0),
        ("six_hump_camel", (0.0898, -0.7126), -1.0316),
        ("styblinski_tang", (-2.903534, -2.903534), -78.33233),
        ("levi13", (1, 1), 0.0),
        ("booth", (1, 3), 0.0),
    ],
)
def test_known_minimum_values(name, point, value):
    # Published values (Surjanovic & Bingham; Jamil & Yang), to their printed precision.
    surface = surfaces.get(name)
    assert surface.value(np.array([point]))[0] == pytest.approx(value, abs=1e-4)
    nearest = min(surface.minima, key=lambda m: math.dist(m, point))
    assert math.dist(nearest, point) < 1e-4  # listed (and Newton-polished) minimum


def test_rosenbrock_parameters_move_the_minimum():
    surface = surfaces.get("rosenbrock", a=0.5, b=10)
    assert surface.params == {"a": 0.5, "b": 10.0}
    assert surface.minima == [(0.5, 0.25)]
    x, y = 0.3, -0.7
    expected = (0.5 - x) ** 2 + 10 * (y - x**2) ** 2
    assert surface.value(np.array([[x, y]]))[0] == pytest.approx(expected, rel=1e-14)
    assert surface.lr > surfaces.get("rosenbrock").lr  # gentler walls, larger steps


def test_canyon_steepness_is_its_condition_number():
    for steepness in (1.0, 50.0, 400.0):
        surface = surfaces.get("canyon", steepness=steepness)
        assert surfaces.condition_number(surface, (0.0, 0.0)) == pytest.approx(steepness)


def test_ill_conditioned_quadratic_has_kappa_and_angle():
    surface = surfaces.get("ill_conditioned", kappa=50, angle=30)
    h = surface.hessian(np.zeros((1, 2)))[0]
    vals, vecs = np.linalg.eigh(h)
    assert vals[1] / vals[0] == pytest.approx(50)
    steep = vecs[:, 1] * np.sign(vecs[0, 1])
    assert np.degrees(np.arctan2(steep[1], steep[0])) == pytest.approx(30)


def test_plateau_gradient_nearly_vanishes_at_the_start():
    surface = surfaces.get("plateau")
    g_start = np.hypot(*surface.grad(np.array([surface.start]))[0])
    g_max = np.hypot(*surface.grad(random_points(surface, 400)).T).max()
    assert g_start < 0.01 * g_max


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("nope", {}, "unknown surface"),
        ("rosenbrock", {"c": 1}, "no parameter 'c'"),
        ("rosenbrock", {"b": 1e6}, "must be in"),
        ("rosenbrock", {"a": float("nan")}, "must be in"),
        ("rosenbrock", {"a": "one"}, "must be a number"),
        ("canyon", {"steepness": 0}, "must be in"),
        ("linear_regression", {"n_samples": 20.5}, "whole number"),
        ("linear_regression", {"unscaled": 2}, "switch"),
    ],
)
def test_bad_names_and_parameters_raise_value_error(name, params, bad):
    with pytest.raises(ValueError, match=bad):
        surfaces.get(name, **params)


def test_surfaces_are_cached_by_name_and_params():
    assert surfaces.get("rosenbrock") is surfaces.get("rosenbrock", a=1.0, b=100)
    assert surfaces.get("rosenbrock", b=50) is not surfaces.get("rosenbrock")


@pytest.mark.parametrize("name", surfaces.names())
def test_shapes_and_dtypes(name):
    surface = surfaces.get(name)
    for shape in [(1,), (7,), (3, 4)]:
        xy = random_points(surface, n=math.prod(shape)).reshape(*shape, 2)
        assert surface.value(xy).shape == shape
        assert surface.grad(xy).shape == (*shape, 2)
        assert surface.hessian(xy).shape == (*shape, 2, 2)
        assert surface.value(xy).dtype == np.float64
    # Lists of lists and integer points are accepted too.
    assert surface.value([[1, 0]]).shape == (1,)


def test_constant_derivatives_are_broadcast():
    bowl = surfaces.get("bowl")  # Hessian 2I everywhere: lambdify returns plain numbers
    xy = np.zeros((5, 2))
    np.testing.assert_array_equal(bowl.hessian(xy), np.broadcast_to(2 * np.eye(2), (5, 2, 2)))
    saddle = surfaces.get("saddle")
    np.testing.assert_array_equal(saddle.hessian(xy)[:, 1, 1], -2.0)
    # The output is a fresh array, not a view of a shared constant.
    h = bowl.hessian(xy)
    h[0, 0, 0] = 99
    assert bowl.hessian(xy)[0, 0, 0] == 2


def test_value_does_not_alias_the_input():
    surface = surfaces.parse("x")
    xy = np.array([[1.0, 2.0]])
    v = surface.value(xy)
    v[0] = 5.0
    assert xy[0, 0] == 1.0


BAD_POINTS = np.array(
    [[np.nan, 0.0], [0.0, np.nan], [np.inf, 1.0], [-np.inf, -np.inf], [1e308, -1e308], [0, 0]]
)


@pytest.mark.parametrize("name", surfaces.names())
def test_nan_and_inf_inputs_never_warn_or_raise(name):
    surface = surfaces.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v, g, h = surface.value(BAD_POINTS), surface.grad(BAD_POINTS), surface.hessian(BAD_POINTS)
        if surface.sample_grad is not None:
            idx = np.zeros((len(BAD_POINTS), 3), dtype=int)
            assert surface.sample_grad(BAD_POINTS, idx).shape == (len(BAD_POINTS), 2)
    assert v.shape == (6,) and g.shape == (6, 2) and h.shape == (6, 2, 2)
    assert np.isnan(v[0]) and np.isnan(g[0]).any()  # NaN propagates, it is not hidden


@pytest.mark.parametrize("name", surfaces.names())
def test_suggested_start_and_learning_rate(name):
    surface = surfaces.get(name)
    (x0, x1), (y0, y1) = surface.domain
    sx, sy = surface.start
    assert x0 <= sx <= x1 and y0 <= sy <= y1
    assert 0 < surface.lr <= 1
    # Stable at the start: lr below the GD stability bound 2 / λmax there.
    assert surface.lr < surfaces.stability_bound(surface, surface.start)
    # Plain GD from the start with the suggested rate goes downhill and stays finite.
    p = np.array([surface.start])
    values = [surface.value(p)[0]]
    for _ in range(200):
        p = p - surface.lr * surface.grad(p)
        values.append(surface.value(p)[0])
    values = np.array(values)
    if name in UNBOUNDED:
        assert values[50] < values[0]
    else:
        assert np.isfinite(values).all()
        assert values[-1] < values[0]
        assert (np.diff(values) <= 1e-9 * abs(values[0]) + 1e-12).mean() > 0.9  # mostly descending


@pytest.mark.parametrize("name", ["canyon", "ill_conditioned"])
def test_ravines_make_plain_gd_zigzag(name):
    # lr * λmax ≈ 1.8: the steep coordinate flips sign every step (the picture we want).
    surface = surfaces.get(name)
    p = np.array([surface.start])
    _, vecs = np.linalg.eigh(surface.hessian(p)[0])
    steep = []
    for _ in range(6):
        steep.append(float(p[0] @ vecs[:, 1]))
        p = p - surface.lr * surface.grad(p)
    signs = np.sign(steep)
    assert (signs[1:] != signs[:-1]).all()


def test_latex_shows_the_formula():
    latex = surfaces.get("rosenbrock").latex
    assert "100" in latex["f"] and "x^{2}" in latex["f"]
    assert latex["grad"].startswith(r"\left[") and latex["hessian"].count("&") == 2


def test_log_scale_for_surfaces_spanning_decades():
    assert surfaces.get("rosenbrock").log_z and surfaces.get("goldstein_price").log_z
    assert not surfaces.get("saddle").log_z  # negative values: no log scale
    for name in BUILTINS:
        surface = surfaces.get(name)
        if surface.log_z:  # log scale needs values >= 0 over the box
            (x0, x1), (y0, y1) = surface.domain
            gx, gy = np.meshgrid(np.linspace(x0, x1, 101), np.linspace(y0, y1, 101))
            assert surface.value(np.stack([gx, gy], axis=-1)).min() >= 0


def test_one_entry_protocol_for_every_named_surface():
    """Built-ins and dataset surfaces are the same kind of entry; each builds itself."""
    assert list(surfaces.ENTRIES) == surfaces.names()
    for name, entry in surfaces.ENTRIES.items():
        assert entry.info == surfaces.info(name)
        defaults = tuple(sorted((k, p.default) for k, p in entry.info.params.items()))
        assert entry.build(defaults).name == name
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get("logistic_regresion")
