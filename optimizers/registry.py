"""The registry: every optimizer's factory, description and hyperparameter specs.

Adding an optimizer is one factory decorated with :func:`register` (the registry line)
and one row in the reference tests. The factory's signature holds the defaults; the
decorator copies them into the specs and appends the algorithm box to its docstring,
so the docstring, the app's controls and the lesson's LaTeX never disagree.
"""

import inspect
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import HParam, flag, hparam


class OptimizerSpec(NamedTuple):
    """What the app needs to present an optimizer.

    Attributes
    ----------
    name : str
        Registry name.
    title : str
        Display name.
    summary : str
        One or two sentences: what it does and what it teaches.
    latex : str
        The algorithm box (the same text as in the factory's docstring).
    hparams : dict of str to HParam
        Every hyperparameter, in signature order, with default and valid range.
    needs_hessian : bool
        True if the runner must pass the surface's Hessian.
    torch_name : str or None
        The ``torch.optim`` class it reproduces, if any.
    color : str
        Its colour wherever one colour per method is wanted (lessons, sweeps).
    sweep_axis : str or None
        The hyperparameter that sweeps and basin maps vary beside the learning rate
        (None: the learning rate is the only knob).
    inspector : callable or None
        ``inspector(c) -> list[optimizers.explain.Eq]``: step t's update with the numbers
        substituted, for one coordinate (see :mod:`optimizers.explain`). None only for
        Newton, whose 2x2 solve the inspector typesets as one block.
    symbols : dict of str to (str, str)
        ``field -> (latex, description)`` where a state field means something other than
        the usual (``figures.inspector.SYMBOLS``) for this optimizer.
    """

    name: str
    title: str
    summary: str
    latex: str
    hparams: dict[str, HParam]
    needs_hessian: bool
    torch_name: str | None
    color: str
    sweep_axis: str | None
    inspector: Callable | None
    symbols: dict


class _Entry(NamedTuple):
    factory: Callable
    spec: OptimizerSpec
    lr_rule: Callable[[float], float]


_REGISTRY: dict[str, _Entry] = {}

# Hyperparameters shared by several optimizers (defaults come from each factory).
LR = hparam(0.0, 100.0, "Learning rate γ: how far each step goes.", log=True, low_open=True)
MOMENTUM = hparam(
    0.0, 1.0, "Momentum μ: fraction of the last velocity kept at each step.", high_open=True
)
BETA1 = hparam(
    0.0, 1.0, "β₁: decay of the gradient average m (momentum); near 1 = smoother.", high_open=True
)
BETA2 = hparam(
    0.0, 1.0, "β₂: decay of the squared-gradient average v; near 1 = longer memory.", high_open=True
)
EPS = hparam(
    0.0,
    1.0,
    "ε: keeps the denominator away from 0 where gradients vanish.",
    log=True,
    low_open=True,
)
WEIGHT_DECAY = hparam(0.0, 1.0, "Weight decay λ: adds λθ to the gradient (L2 pull towards 0).")
AMSGRAD = flag("AMSGrad: divide by the largest v seen so far, so steps never grow back.")


def same_lr(base_lr):
    """Gradient-proportional methods (GD, momentum, Nesterov): the GD rate itself.

    Heavy-ball momentum is stable up to ``lr < 2 (1 + μ) / L``, so the GD rate is safe.
    """
    return base_lr


def normalized_lr(base_lr):
    """Methods whose step is about ``lr`` per coordinate (Adam, RMSprop, ...).

    Their step no longer scales with the gradient, so ``lr`` is a distance rather than
    ``1 / curvature``. The rule ``clip(sqrt(base_lr) / 2, 0.001, 0.1)`` maps the usual GD
    rates 1e-3 .. 1e-1 of the built-in surfaces to 0.016 .. 0.1: paths cross a domain of
    a few units in a few hundred steps.
    """
    return float(np.clip(np.sqrt(base_lr) / 2, 1e-3, 0.1))


def rectified_lr(base_lr):
    """RAdam: the normalized rate, but at most 2x the GD rate.

    While ρ_t <= 5 (the first 5 steps with β₂ = 0.999) RAdam takes momentum-SGD steps
    ``lr · m̂``, so ``lr`` must also be a stable gradient-descent rate.
    """
    return min(normalized_lr(base_lr), 2 * base_lr)


def accumulating_lr(base_lr):
    """AdaGrad: its steps shrink like ``1 / sqrt(t)``, so 5x the normalized rate."""
    return 5 * normalized_lr(base_lr)


def sign_lr(base_lr):
    """Lion: a third of the normalized rate.

    Its step is a pure sign, exactly ``lr`` in every coordinate; the Lion paper advises
    a rate 3-10x smaller than Adam's.
    """
    return normalized_lr(base_lr) / 3


def unit_lr(base_lr):
    """AdaDelta and Newton choose their own step length; ``lr = 1`` is the method."""
    return 1.0


def register(
    name,
    *,
    title,
    summary,
    latex,
    hparams,
    lr_rule,
    color,
    inspector,
    sweep_axis=None,
    symbols=None,
    torch_name=None,
    needs_hessian=False,
):
    """Register an optimizer factory (use as a decorator).

    Parameters
    ----------
    name : str
        Registry name.
    title, summary, latex : str
        See :class:`OptimizerSpec`.
    hparams : dict of str to HParam
        Range and help for every parameter of the factory (defaults are read from
        the factory's signature).
    lr_rule : callable
        ``lr_rule(base_lr) -> lr`` used by :func:`suggest_lr`.
    color : str
        See :class:`OptimizerSpec`.
    inspector : callable or None
        See :class:`OptimizerSpec`; required, so a new optimizer cannot be left out of the
        step inspector by accident.
    sweep_axis : str, optional
        See :class:`OptimizerSpec`; must name one of ``hparams`` other than ``lr``.
    symbols : dict, optional
        See :class:`OptimizerSpec`.
    torch_name : str, optional
        The ``torch.optim`` class the optimizer reproduces.
    needs_hessian : bool
        Must equal the ``needs_hessian`` of the optimizers the factory builds (the
        factory is not called here: it may delegate to one defined later).

    Returns
    -------
    callable
        The decorator; it returns the factory unchanged apart from its docstring.
    """

    def add(factory):
        signature = inspect.signature(factory).parameters
        if list(signature) != list(hparams):
            raise TypeError(f"{name}: hparams {list(hparams)} != signature {list(signature)}")
        if sweep_axis is not None and (sweep_axis not in hparams or sweep_axis == "lr"):
            raise TypeError(f"{name}: sweep_axis {sweep_axis!r} is not a hyperparameter")
        specs = {key: hparams[key]._replace(default=signature[key].default) for key in signature}
        math = "\n".join("       " + line for line in latex.splitlines())
        factory.__doc__ = (
            f"{factory.__doc__.rstrip()}\n\n    Notes\n    -----\n"
            f"    The algorithm (``optimizers.spec({name!r}).latex``):\n\n    .. math::\n\n{math}\n"
        )
        spec = OptimizerSpec(
            name, title, summary, latex, specs, needs_hessian, torch_name, color, sweep_axis,
            inspector, dict(symbols or {}),
        )  # fmt: skip
        _REGISTRY[name] = _Entry(factory, spec, lr_rule)
        return factory

    return add


def _entry(name):
    if name not in _REGISTRY:
        raise ValueError(f"unknown optimizer {name!r}; expected one of: {', '.join(_REGISTRY)}")
    return _REGISTRY[name]


def names():
    """Return the registered optimizer names, in the order the app lists them.

    Returns
    -------
    list of str
    """
    return list(_REGISTRY)


def spec(name):
    """Return the :class:`OptimizerSpec` of ``name`` (ValueError if unknown).

    Parameters
    ----------
    name : str
        Registry name.

    Returns
    -------
    OptimizerSpec
    """
    return _entry(name).spec


def make(name, **hp):
    """Build a registered optimizer after checking every hyperparameter.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"adam"``.
    **hp
        Hyperparameters; missing ones take their defaults. A numeric one may be an
        array of shape (N,), one value per start row (the run's ``starts`` must then
        have N rows): row i of the run equals a run with the scalar ``value[i]``.
        Flags (bool) are one value for all rows.

    Returns
    -------
    Optimizer
        ``hp`` holds the per-row values as (N,) arrays, and ``take_rows`` is set.

    Raises
    ------
    ValueError
        Unknown optimizer or hyperparameter, wrong type, or a value outside its valid
        range; the message names the parameter and the range, e.g.
        ``beta1 must be in [0, 1), got 1.2`` (``beta1[3] must be ...`` for row 3 of a
        per-row array); per-row arrays of different lengths.
    """
    entry = _entry(name)
    specs = entry.spec.hparams
    for key in hp:
        if key not in specs:
            raise ValueError(
                f"unknown hyperparameter {key!r} for {name}; expected one of: {', '.join(specs)}"
            )
    checked, rows = {}, {}
    for key, value in hp.items():
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, np.ndarray | list | tuple):
            rows[key] = specs[key].check_rows(key, value)
        else:
            checked[key] = specs[key].check(key, value)
    if not rows:
        return entry.factory(**checked)
    lengths = {key: len(value) for key, value in rows.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            "per-row hyperparameters must all have one value per start row (the same "
            f"length), got lengths {lengths}"
        )
    opt = entry.factory(**checked, **{key: value[:, None] for key, value in rows.items()})

    def take_rows(keep):
        return make(name, **checked, **{key: value[keep] for key, value in rows.items()})

    return opt._replace(hp={**opt.hp, **rows}, take_rows=take_rows)


def suggest_lr(name, base_lr):
    """Scale a surface's suggested GD learning rate to the optimizer ``name``.

    The rules, by how the optimizer's step depends on the gradient:

    - gd, sgd, momentum, momentum_ema, nesterov: ``base_lr`` (see :func:`same_lr`);
    - adam, adamw, adamax, nadam, rmsprop, adabelief:
      ``clip(sqrt(base_lr) / 2, 0.001, 0.1)`` (see :func:`normalized_lr`);
    - adagrad: 5x that (:func:`accumulating_lr`); lion: a third (:func:`sign_lr`);
    - radam: the same but at most ``2 base_lr``: its first steps are SGD steps
      (:func:`rectified_lr`);
    - adadelta, newton: 1 (:func:`unit_lr`).

    These are starting points that give visible, mostly stable paths, not tuned
    optima.

    Parameters
    ----------
    name : str
        Registry name.
    base_lr : float
        The surface's suggested rate for plain GD (``Surface.lr``), > 0.

    Returns
    -------
    float
    """
    base_lr = LR.check("base_lr", base_lr)
    return _entry(name).lr_rule(base_lr)
