r"""Learning-rate schedules: ``make_schedule(kind, **params)(t, lr0) -> lr_t``.

``t`` = 1, 2, ... is the step about to be taken and ``\tau = t - 1`` the number of steps
already taken; every schedule gives ``lr0`` at t = 1, as ``torch.optim.lr_scheduler``
does when stepped after each optimizer step. ``warmup = w > 0`` (any kind) first rises
linearly, ``lr0 t / w`` for t <= w, and then runs the schedule from its start.
"""

from typing import NamedTuple

import numpy as np

from .base import HParam, hparam


class ScheduleSpec(NamedTuple):
    """What the app needs to present a schedule (like :class:`OptimizerSpec`).

    Attributes
    ----------
    name, title, summary : str
    latex : str
        The formula of ``lr_t`` (without warmup; see ``WARMUP_LATEX``).
    hparams : dict of str to HParam
        Its parameters, ``warmup`` included.
    """

    name: str
    title: str
    summary: str
    latex: str
    hparams: dict[str, HParam]


WARMUP = hparam(
    0,
    20_000,
    "Warmup w: steps of linear rise from 0 to lr before the schedule starts.",
    kind="int",
    default=0,
)
WARMUP_LATEX = (
    r"\mathrm{lr}_t = \mathrm{lr}_0 \, t / w \ \text{ for } t \le w,"
    r"\ \text{ then the schedule with } t - w \text{ in place of } t"
)
GAMMA = hparam(0.0, 1.0, "γ: factor applied to the learning rate at each decay.", low_open=True)


def _constant(tau, lr0):
    return np.full_like(tau, lr0, dtype=float)


def _step(tau, lr0, step_size, gamma):
    return lr0 * gamma ** (tau // step_size)


def _exponential(tau, lr0, gamma):
    return lr0 * gamma**tau


def _inverse_time(tau, lr0, k):
    return lr0 / (1 + k * tau)


def _cosine(tau, lr0, t_max, lr_min):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * np.minimum(tau, t_max) / t_max)) / 2


_FORMULAS = {
    "constant": _constant,
    "step": _step,
    "exponential": _exponential,
    "inverse_time": _inverse_time,
    "cosine": _cosine,
}

SCHEDULES = {
    spec.name: spec
    for spec in [
        ScheduleSpec(
            "constant",
            "Constant",
            "The same learning rate at every step.",
            r"\mathrm{lr}_t = \mathrm{lr}_0",
            {"warmup": WARMUP},
        ),
        ScheduleSpec(
            "step",
            "Step decay",
            "Multiply the rate by γ every s steps.",
            r"\mathrm{lr}_t = \mathrm{lr}_0 \, \gamma^{\lfloor (t - 1) / s \rfloor}",
            {
                "step_size": hparam(1, 20_000, "s: steps between decays.", kind="int", default=100),
                "gamma": GAMMA._replace(default=0.5),
                "warmup": WARMUP,
            },
        ),
        ScheduleSpec(
            "exponential",
            "Exponential decay",
            "Multiply the rate by γ at every step.",
            r"\mathrm{lr}_t = \mathrm{lr}_0 \, \gamma^{t - 1}",
            {"gamma": GAMMA._replace(default=0.99), "warmup": WARMUP},
        ),
        ScheduleSpec(
            "inverse_time",
            "Inverse-time decay",
            "Decay like 1/t, the classic condition for SGD to converge under noise.",
            r"\mathrm{lr}_t = \mathrm{lr}_0 / \big(1 + k (t - 1)\big)",
            {
                "k": hparam(
                    0.0, 10.0, "k: decay rate; the rate halves after 1/k steps.", default=0.01
                ),
                "warmup": WARMUP,
            },
        ),
        ScheduleSpec(
            "cosine",
            "Cosine annealing",
            "Glide from lr to lr_min along half a cosine over t_max steps, then stay.",
            r"\mathrm{lr}_t = \mathrm{lr}_{min} + \tfrac{1}{2} (\mathrm{lr}_0 - \mathrm{lr}_{min})"
            r"\big(1 + \cos(\pi \min(t - 1, T) / T)\big)",
            {
                "t_max": hparam(1, 20_000, "T: steps to reach lr_min.", kind="int", default=500),
                "lr_min": hparam(0.0, 100.0, "lr_min: the rate at the end.", default=0.0),
                "warmup": WARMUP,
            },
        ),
    ]
}


class Schedule(NamedTuple):
    """A learning-rate schedule; call it as ``schedule(t, lr0)``.

    Attributes
    ----------
    kind : str
        A key of ``SCHEDULES``.
    params : dict
        Every parameter, defaults filled in.
    latex : str
        The formula, with the warmup clause when ``warmup > 0``.
    """

    kind: str
    params: dict
    latex: str

    def __call__(self, t, lr0):
        """Return the learning rate of step ``t`` (1-based; int or int array).

        Parameters
        ----------
        t : int or ndarray of int
            Step number(s), starting at 1.
        lr0 : float
            The optimizer's base learning rate.

        Returns
        -------
        float or ndarray
        """
        params = dict(self.params)
        warmup = params.pop("warmup")
        t = np.asarray(t, dtype=float)
        rates = _FORMULAS[self.kind](np.maximum(t - warmup - 1, 0), lr0, **params)
        if warmup:
            rates = np.where(t <= warmup, lr0 * t / warmup, rates)
        return rates if rates.ndim else float(rates)


def make_schedule(kind, **params):
    """Build a schedule after checking its parameters.

    Parameters
    ----------
    kind : str
        One of ``SCHEDULES``: constant, step, exponential, inverse_time, cosine.
    **params
        The kind's parameters (see ``SCHEDULES[kind].hparams``), e.g.
        ``make_schedule("cosine", t_max=300, warmup=20)``.

    Returns
    -------
    Schedule

    Raises
    ------
    ValueError
        Unknown kind or parameter, or a value outside its range.
    """
    if kind not in SCHEDULES:
        raise ValueError(f"unknown schedule {kind!r}; expected one of: {', '.join(SCHEDULES)}")
    specs = SCHEDULES[kind].hparams
    for key in params:
        if key not in specs:
            raise ValueError(
                f"unknown parameter {key!r} for schedule {kind}; expected one of: "
                f"{', '.join(specs)}"
            )
    full = {key: spec.check(key, params.get(key, spec.default)) for key, spec in specs.items()}
    latex = SCHEDULES[kind].latex
    if full["warmup"]:
        latex = rf"\begin{{gathered}} {WARMUP_LATEX} \\ {latex} \end{{gathered}}"
    return Schedule(kind, full, latex)
