"""The built-in surfaces: one declarative table of expressions and their metadata.

Each entry gives the expression as a function of the symbols ``x, y`` and the numeric
parameters, the box to draw, the known critical points with their source, a start point
chosen so that plain GD, momentum and Adam visibly differ, and the ``lr * λmax`` the
suggested GD learning rate aims for along the path (see `analysis.suggest_lr`).
Published critical points (4-6 digits) are polished with Newton's method when built.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from optimizers.base import HParam

from . import analysis, core
from .core import Entry, Surface, SurfaceInfo, param

SFU = "Surjanovic & Bingham, Virtual Library of Simulation Experiments, sfu.ca/~ssurjano/{}.html"
JY = (
    "Jamil & Yang 2013, A literature survey of benchmark functions for global optimization problems"
)
DLBOOK = "Goodfellow, Bengio & Courville 2016, Deep Learning, section 8.2.3"
COMPUTED = (
    "other critical points computed here with surfaces.critical_points (Newton on grad f = 0)"
)


@dataclass(frozen=True)
class Builtin:
    """One row of the table (see the module docstring)."""

    title: str
    description: str
    f: Callable[..., sp.Expr]  # f(x, y, **params) with sympy numbers as params
    domain: tuple
    start: tuple
    source: str
    minima: object = ()  # list of (x, y), or a function of the params returning one
    saddles: object = ()
    params: dict[str, HParam] = field(default_factory=dict)
    lr_target: float = 1.0
    log_z: bool = False
    z_clip: float | None = None
    cusp: bool = False  # a kink where the symbolic gradient is 0/0: use a subgradient


pi, E, exp, cos, sin, sqrt = sp.pi, sp.E, sp.exp, sp.cos, sp.sin, sp.sqrt

BUILTINS: dict[str, Builtin] = {
    "bowl": Builtin(
        title="Round bowl",
        description="The easy case: a perfectly round bowl (condition number 1). Every "
        "optimizer heads straight for the centre; compare the other surfaces with this one.",
        f=lambda x, y: x**2 + y**2,
        domain=((-3, 3), (-3, 3)),
        start=(-2.5, 2.0),
        minima=[(0, 0)],
        source="Quadratic bowl; minimum by inspection",
        lr_target=0.3,
    ),
    "saddle": Builtin(
        title="Saddle x² − y²",
        description="The gradient vanishes at the origin, but it is not a minimum. Started "
        "just off the ridge, plain GD slows to a crawl near the saddle before it escapes; "
        "momentum, Adam and gradient noise escape sooner.",
        f=lambda x, y: x**2 - y**2,
        domain=((-2, 2), (-2, 2)),
        start=(-1.5, 0.01),
        saddles=[(0, 0)],
        source=f"{DLBOOK} (saddle points); critical point by inspection",
        lr_target=0.2,
    ),
    "canyon": Builtin(
        title="Narrow canyon",
        description="A long, narrow ravine with steep walls and an almost flat floor. Plain "
        "GD zig-zags between the walls and crawls along the floor; momentum and Adam run "
        "down the floor. The steepness is the condition number. Turn it by an angle and "
        "the per-coordinate methods (Adam, RMSprop, Lion) change; GD, momentum, Shampoo "
        "and Muon only turn with it.",
        f=lambda x, y, steepness, angle: (
            (
                (cos(angle * pi / 180) * x + sin(angle * pi / 180) * y) ** 2
                + steepness * (-sin(angle * pi / 180) * x + cos(angle * pi / 180) * y) ** 2
            )
            / 20
        ),
        params={
            "steepness": param(
                50.0, 1.0, 500.0, "How many times more curved the walls are than the floor."
            ),
            "angle": param(
                0.0, 0.0, 90.0, "Rotation of the canyon, in degrees (counter-clockwise)."
            ),
        },
        domain=((-6, 6), (-2, 2)),
        start=(-5.5, 1.0),
        minima=[(0, 0)],
        source="Goh 2017, Why Momentum Really Works, Distill; minimum by inspection",
        lr_target=1.8,
    ),
    "ill_conditioned": Builtin(
        title="Rotated ill-conditioned quadratic",
        description="A tilted elliptic bowl with condition number κ. Its axes are not the "
        "coordinate axes, so per-coordinate methods such as Adam lose much of the edge they "
        "have on the canyon: compare angle 0 with angle 45.",
        f=lambda x, y, kappa, angle: (
            (cos(angle * pi / 180) * x + sin(angle * pi / 180) * y) ** 2
            + (-sin(angle * pi / 180) * x + cos(angle * pi / 180) * y) ** 2 / kappa
        ),
        params={
            "kappa": param(20.0, 1.0, 1000.0, "Condition number: largest / smallest curvature."),
            "angle": param(30.0, 0.0, 90.0, "Rotation of the steep direction, in degrees."),
        },
        domain=((-3, 3), (-3, 3)),
        start=(-2.5, 2.5),
        minima=[(0, 0)],
        source="Nocedal & Wright 2006, Numerical Optimization, section 3.3; minimum by inspection",
        lr_target=1.8,
    ),
    "d2l_elongated": Builtin(
        title="d2l's f = 0.1x² + 2y²",
        description="The elongated bowl of Dive into Deep Learning's momentum section: "
        "curvatures 0.2 and 4, condition number 20. From (-5, -2) GD with lr 0.4 crawls "
        "along x and oscillates in y; lr 0.6 diverges in y, which momentum 0.5 repairs.",
        f=lambda x, y: x**2 / 10 + 2 * y**2,
        domain=((-6, 6), (-3, 3)),
        start=(-5.0, -2.0),
        minima=[(0, 0)],
        source="Zhang, Lipton, Li & Smola, Dive into Deep Learning, section 12.6 (Momentum); "
        "minimum by inspection",
        lr_target=1.6,
    ),
    "d2l_bowl": Builtin(
        title="d2l's f = x² + 2y²",
        description="The bowl of Dive into Deep Learning's gradient-descent section, "
        "started at (-5, -2) with lr 0.1 there: curvatures 2 and 4.",
        f=lambda x, y: x**2 + 2 * y**2,
        domain=((-6, 6), (-3, 3)),
        start=(-5.0, -2.0),
        minima=[(0, 0)],
        source="Zhang, Lipton, Li & Smola, Dive into Deep Learning, section 12.3 (Gradient "
        "Descent); minimum by inspection",
        lr_target=0.4,
    ),
    "rosenbrock": Builtin(
        title="Rosenbrock's banana",
        description="Finding the curved valley is easy; following its nearly flat floor to "
        "the minimum at (a, a²) is slow, because the walls are far steeper than the floor.",
        f=lambda x, y, a, b: (a - x) ** 2 + b * (y - x**2) ** 2,
        params={
            "a": param(1.0, -1.5, 1.5, "Position of the minimum (a, a²)."),
            "b": param(100.0, 1.0, 200.0, "Steepness of the valley walls."),
        },
        domain=((-2, 2), (-1, 3)),
        start=(-1.5, 2.0),
        minima=lambda a, b: [(a, a * a)],
        source="Rosenbrock 1960, The Computer Journal 3(3):175-184; " + SFU.format("rosen"),
        lr_target=1.6,
        log_z=True,
    ),
    "plateau": Builtin(
        title="Plateau",
        description="A small well in a wide flat plain. Far from the well the gradient is "
        "almost exactly zero, so plain GD barely moves, while Adam and RMSprop rescale the "
        "tiny gradients and walk across.",
        f=lambda x, y, width: 1 - exp(-(x**2 + y**2) / width**2),
        params={
            "width": param(1.0, 0.5, 2.0, "Radius of the well; narrower = flatter plain."),
        },
        domain=((-3, 3), (-3, 3)),
        start=(2.2, 1.6),
        minima=[(0, 0)],
        source=f"{DLBOOK} (plateaus); minimum by inspection",
    ),
    "monkey_saddle": Builtin(
        title="Monkey saddle x³ − 3xy²",
        description="A degenerate saddle with three downhill valleys. The Hessian is zero at "
        "the origin, so the gradient fades quadratically: plain GD creeps up to the flat "
        "point and stalls there, momentum carries through.",
        f=lambda x, y: x**3 - 3 * x * y**2,
        domain=((-2, 2), (-2, 2)),
        start=(1.5, 0.001),
        saddles=[(0, 0)],
        source="Standard example of a degenerate saddle; critical point by inspection",
    ),
    "beale": Builtin(
        title="Beale",
        description="Sharp ridges and a flat, curved valley leading to the minimum at "
        "(3, 0.5); values span five decades, so the colours are on a log scale.",
        f=lambda x, y: (
            (sp.Rational(3, 2) - x + x * y) ** 2
            + (sp.Rational(9, 4) - x + x * y**2) ** 2
            + (sp.Rational(21, 8) - x + x * y**3) ** 2
        ),
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        start=(1.0, 1.4),
        minima=[(3, 0.5)],
        saddles=[(0, 1), (0.100538, -2.644514)],
        source=f"{SFU.format('beale')}; {JY}; {COMPUTED}",
        log_z=True,
    ),
    "himmelblau": Builtin(
        title="Himmelblau",
        description="Four equally deep minima, a maximum and four saddles between them. "
        "Which minimum an optimizer reaches depends on where it starts and how it moves.",
        f=lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        domain=((-5, 5), (-5, 5)),
        start=(-0.3, -0.4),
        minima=[(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
        saddles=[
            (3.385154, 0.073852),
            (0.086678, 2.884255),
            (-3.073026, -0.081353),
            (-0.127961, -1.953715),
        ],
        source="Himmelblau 1972, Applied Nonlinear Programming, McGraw-Hill (minima as "
        f"tabulated in Wikipedia, Test functions for optimization); {COMPUTED}",
    ),
    "booth": Builtin(
        title="Booth",
        description="A quadratic bowl whose axes are tilted 45° with condition number 9: "
        "the simplest case where GD does not head straight for the minimum at (1, 3).",
        f=lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        domain=((-10, 10), (-10, 10)),
        start=(-7.0, 9.0),
        minima=[(1, 3)],
        source=f"{SFU.format('booth')}; {JY}",
    ),
    "matyas": Builtin(
        title="Matyas",
        description="A gently tilted, elongated bowl (condition number 25) that is very flat "
        "along the diagonal: GD quickly reaches the diagonal, then crawls.",
        f=lambda x, y: sp.Rational(26, 100) * (x**2 + y**2) - sp.Rational(48, 100) * x * y,
        domain=((-10, 10), (-10, 10)),
        start=(-7.0, -9.0),
        minima=[(0, 0)],
        source=f"{SFU.format('matya')}; {JY}",
    ),
    "three_hump_camel": Builtin(
        title="Three-hump camel",
        description="One global minimum at the origin flanked by two shallower local "
        "minima: a first look at getting stuck in the wrong valley.",
        f=lambda x, y: 2 * x**2 - sp.Rational(105, 100) * x**4 + x**6 / 6 + x * y + y**2,
        domain=((-2, 2), (-2, 2)),
        start=(1.9, 1.5),
        minima=[(0, 0), (-1.747552, 0.873776), (1.747552, -0.873776)],
        saddles=[(1.070542, -0.535271), (-1.070542, 0.535271)],
        source=f"{SFU.format('camel3')}; {COMPUTED}",
    ),
    "six_hump_camel": Builtin(
        title="Six-hump camel",
        description="Six local minima, two of them global, separated by saddles: where you "
        "end up depends on the start and on the optimizer's momentum.",
        f=lambda x, y: (
            (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
        ),
        domain=((-2, 2), (-1, 1)),
        start=(-1.2, -0.6),
        minima=[
            (0.0898, -0.7126),
            (-0.0898, 0.7126),
            (1.703607, -0.796084),
            (-1.703607, 0.796084),
            (1.607105, 0.568651),
            (-1.607105, -0.568651),
        ],
        saddles=[
            (0, 0),
            (1.109205, -0.768268),
            (-1.109205, 0.768268),
            (-1.638068, -0.228674),
            (1.638068, 0.228674),
            (-1.296070, -0.605084),
            (1.296070, 0.605084),
        ],
        source=f"{SFU.format('camel6')}; {JY}; {COMPUTED}",
    ),
    "goldstein_price": Builtin(
        title="Goldstein-Price",
        description="A polynomial whose values span six decades, with a global minimum of 3 "
        "at (0, −1) and several local minima: steps that are fine in one place explode in "
        "another.",
        f=lambda x, y: (
            (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
            * (
                30
                + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
            )
        ),
        domain=((-2, 2), (-2, 2)),
        start=(0.25, 0.25),
        minima=[(0, -1), (-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)],
        saddles=[(-0.4, -0.6), (1.2, -0.2), (1.4, 0.6), (0.6, 0.4)],
        source=f"{SFU.format('goldpr')}; {JY}; {COMPUTED}",
        log_z=True,
    ),
    "styblinski_tang": Builtin(
        title="Styblinski-Tang",
        description="Four valleys of different depth, one per quadrant; the global minimum "
        "is at (−2.9035, −2.9035). A start in the wrong quadrant tests whether momentum can "
        "climb out of a local minimum.",
        f=lambda x, y: (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2,
        domain=((-5, 5), (-5, 5)),
        start=(-4.0, 4.5),
        minima=[
            (-2.903534, -2.903534),
            (2.746803, -2.903534),
            (-2.903534, 2.746803),
            (2.746803, 2.746803),
        ],
        saddles=[
            (0.156731, -2.903534),
            (-2.903534, 0.156731),
            (2.746803, 0.156731),
            (0.156731, 2.746803),
        ],
        source=f"{SFU.format('stybtang')}; {JY}; {COMPUTED}",
    ),
    "rastrigin": Builtin(
        title="Rastrigin",
        description="A bowl covered in regular ripples: dozens of local minima trap plain GD "
        "in the nearest dimple; the global minimum is at the origin. Amplitude 0 leaves "
        "the bowl.",
        f=lambda x, y, A: 2 * A + x**2 - A * cos(2 * pi * x) + y**2 - A * cos(2 * pi * y),
        params={"A": param(10.0, 0.0, 20.0, "Amplitude of the ripples.")},
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        start=(-4.3, 3.7),
        minima=[(0, 0)],
        source=f"{SFU.format('rastr')}; {JY} (local minima not listed: there are ~100)",
    ),
    "ackley": Builtin(
        title="Ackley",
        description="A nearly flat, bumpy plain with one deep funnel at the origin. The "
        "minimum is a cusp (the gradient is undefined exactly there), so optimizers keep "
        "jittering around it.",
        f=lambda x, y: (
            -20 * exp(-sp.Rational(1, 5) * sqrt((x**2 + y**2) / 2))
            - exp((cos(2 * pi * x) + cos(2 * pi * y)) / 2)
            + E
            + 20
        ),
        domain=((-5, 5), (-5, 5)),
        start=(-4.2, 3.3),
        minima=[(0, 0)],
        source=f"{SFU.format('ackley')}; {JY} (local minima not listed: there are many)",
        cusp=True,
    ),
    "levi13": Builtin(
        title="Lévi N.13",
        description="Rows of ripples in x and y on top of a valley that leads to the global "
        "minimum at (1, 1): many local minima, some close in value to the global one.",
        f=lambda x, y: (
            sin(3 * pi * x) ** 2
            + (x - 1) ** 2 * (1 + sin(3 * pi * y) ** 2)
            + (y - 1) ** 2 * (1 + sin(2 * pi * y) ** 2)
        ),
        domain=((-4, 6), (-4, 6)),
        start=(-3.2, 4.6),
        minima=[(1, 1)],
        source=f"{SFU.format('levy13')}; {JY} (local minima not listed: there are many)",
    ),
}


def _exact(value):
    """Return a parameter as an exact sympy number (0.05 -> 1/20): tidy LaTeX and derivatives."""
    if isinstance(value, bool):
        return sp.Integer(int(value))
    return sp.Rational(repr(float(value)))


def _subgradient(fn, value):
    """Wrap a derivative so a 0/0 at a kink (NaN where the value is finite) reads 0.

    At a cusp's tip, such as Ackley's minimum, 0 is a subgradient: a start there stays
    put instead of "diverging" on a NaN.
    """

    def wrapped(xy):
        d = fn(xy)
        finite = np.isfinite(value(xy))
        finite = finite.reshape(finite.shape + (1,) * (d.ndim - finite.ndim))
        return np.where(np.isnan(d) & finite, 0.0, d)

    return wrapped


def _resolve(points, params):
    return list(points(**params) if callable(points) else points)


@functools.lru_cache(maxsize=64)
def build_builtin(name, key):
    """Build the built-in ``name`` with parameters ``key`` (sorted (name, value) pairs)."""
    entry = BUILTINS[name]
    params = dict(key)
    expr = entry.f(core.X, core.Y, **{k: _exact(v) for k, v in params.items()})
    fns, f, grad, hess = core.build(expr)
    if entry.cusp:
        fns = fns._replace(
            grad=_subgradient(fns.grad, fns.value), hessian=_subgradient(fns.hessian, fns.value)
        )
    minima = analysis.polish(fns, _resolve(entry.minima, params))
    saddles = analysis.polish(fns, _resolve(entry.saddles, params))
    domain = tuple(tuple(float(v) for v in axis) for axis in entry.domain)
    start = tuple(float(v) for v in entry.start)
    lr = analysis.suggest_lr(fns, start, minima=minima, domain=domain, target=entry.lr_target)
    return Surface(
        name=name,
        title=entry.title,
        description=entry.description,
        params=params,
        expr=expr,
        latex=core.latex_of(f, grad, hess),
        value=fns.value,
        grad=fns.grad,
        hessian=fns.hessian,
        domain=domain,
        minima=minima,
        saddles=saddles,
        start=start,
        lr=lr,
        log_z=entry.log_z,
        z_clip=entry.z_clip,
    )


def check_params(name, specs, params):
    """Validate ``params`` against ``specs``; return the full, typed, sorted key.

    Raises
    ------
    ValueError
        For an unknown parameter, a wrong type or a value outside its range.
    """
    unknown = set(params) - set(specs)
    if unknown:
        allowed = ", ".join(specs) or "none"
        raise ValueError(
            f"surface '{name}' has no parameter {sorted(unknown)[0]!r}; its parameters: {allowed}"
        )
    key = []
    for pname, spec in specs.items():
        value = params.get(pname, spec.default)
        key.append((pname, _typed(name, pname, spec, value)))
    return tuple(key)


def _typed(name, pname, spec, value):
    where = f"parameter {pname!r} of '{name}'"
    if spec.kind == "bool":
        if value not in (0, 1, True, False):
            raise ValueError(f"{where} is a switch: use True or False, got {value!r}")
        return bool(value)
    if isinstance(value, bool | np.bool_):  # float(True) is 1.0: a switch is not a number
        raise ValueError(f"{where} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where} must be a number, got {value!r}") from None
    if not spec.low <= number <= spec.high:  # also rejects NaN
        raise ValueError(f"{where} must be in [{spec.low}, {spec.high}], got {value!r}")
    if spec.kind == "int":
        if number != int(number):
            raise ValueError(f"{where} must be a whole number, got {value!r}")
        return int(number)
    return number


def info(name):
    """Describe a built-in (title, description, parameter specs, source)."""
    entry = BUILTINS[name]
    return SurfaceInfo(entry.title, entry.description, dict(entry.params), entry.source)


ENTRIES = {name: Entry(info(name), functools.partial(build_builtin, name)) for name in BUILTINS}
"""The built-ins as library entries (see ``surfaces.core.Entry``)."""
