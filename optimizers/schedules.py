r"""Learning-rate schedules: ``make_schedule(kind, **params)(t, lr0) -> lr_t``.

``t`` = 1, 2, ... is the step about to be taken and ``\tau = t - 1`` the number of steps
already taken; the schedules match ``torch.optim.lr_scheduler`` stepped after each
optimizer step (``tests/fixtures/make_schedule_fixtures.py``). Every schedule gives
``lr0`` at t = 1 except one-cycle, which starts at ``lr0 / div_factor`` (its peak is
``lr0``). ``warmup = w > 0`` (any kind) first rises linearly, ``lr0 t / w`` for
t <= w, and then runs the schedule from its start.

``plateau`` (ReduceLROnPlateau) listens to the loss: ``Schedule.feedback`` is True and
:meth:`Schedule.controller` gives a :class:`PlateauController` that the runner feeds
each start row's own loss after every step, so every row has its own rate.
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


def _cosine_restarts(tau, lr0, t_0, t_mult, lr_min):
    """CosineAnnealingWarmRestarts: T_cur counts within a cycle of length T_i."""
    t_cur, t_i = tau.copy(), np.full_like(tau, float(t_0))
    if t_mult == 1:
        t_cur = np.mod(tau, t_0)
    else:  # integer cycle bookkeeping, as torch's step() does (at most ~15 cycles)
        while (wrap := t_cur >= t_i).any():
            t_cur = np.where(wrap, t_cur - t_i, t_cur)
            t_i = np.where(wrap, t_i * t_mult, t_i)
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * t_cur / t_i)) / 2


def _one_cycle(tau, lr0, t_total, pct_start, linear, div_factor, final_div_factor):
    """OneCycleLR (two phases): lr0 / div up to lr0, then down to lr0 / div / final_div."""
    start = lr0 / div_factor
    low = start / final_div_factor
    tau = np.minimum(tau, t_total - 1)  # torch stops at total_steps; we hold the end
    end_up = float(pct_start * t_total) - 1
    end_down = t_total - 1.0
    up = tau <= end_up
    pct = np.where(
        up,
        tau / np.where(end_up > 0, end_up, 1.0),
        (tau - end_up) / np.where(end_down > end_up, end_down - end_up, 1.0),
    )
    lo, hi = np.where(up, start, lr0), np.where(up, lr0, low)
    if linear:
        return (hi - lo) * pct + lo
    return hi + (lo - hi) / 2.0 * (np.cos(np.pi * pct) + 1)


def _cyclic(tau, lr0, max_lr, step_size_up, mode, gamma=1.0):
    """CyclicLR with step_size_down = step_size_up (torch's default), base_lr = lr0."""
    total = 2.0 * step_size_up
    cycle = np.floor(1 + tau / total)
    x = 1.0 + tau / total - cycle
    scale = np.where(x <= 0.5, x / 0.5, (x - 1) / (0.5 - 1))
    height = (max_lr - lr0) * scale
    if mode == "triangular2":
        return lr0 + height * (1 / 2.0 ** (cycle - 1))
    if mode == "exp_range":
        return lr0 + height * gamma**tau
    return lr0 + height


_FORMULAS = {
    "constant": _constant,
    "step": _step,
    "exponential": _exponential,
    "inverse_time": _inverse_time,
    "cosine": _cosine,
    "cosine_restarts": _cosine_restarts,
    "one_cycle": _one_cycle,
    "cyclic_triangular": lambda tau, lr0, **p: _cyclic(tau, lr0, mode="triangular", **p),
    "cyclic_triangular2": lambda tau, lr0, **p: _cyclic(tau, lr0, mode="triangular2", **p),
    "cyclic_exp_range": lambda tau, lr0, **p: _cyclic(tau, lr0, mode="exp_range", **p),
    "plateau": lambda tau, lr0, **_: _constant(tau, lr0),
}

MAX_LR = hparam(
    0.0, 100.0, "max_lr: the top of each cycle (lr is the bottom, base_lr).", default=0.1
)
STEP_UP = hparam(
    1,
    20_000,
    "step_size_up: steps from base_lr up to max_lr (and as many down).",
    kind="int",
    default=50,
)
_CYCLIC_LATEX = (
    r"\mathrm{lr}_t = \mathrm{lr}_0 + (\mathrm{lr}_{max} - \mathrm{lr}_0)"
    r"\max(0, 1 - |\tau / s - 2c + 1|)"
)

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
        ScheduleSpec(
            "cosine_restarts",
            "Cosine with warm restarts",
            "Cosine annealing from lr to lr_min over T_0 steps, then restart at lr; each "
            "cycle T_mult times longer (SGDR, torch CosineAnnealingWarmRestarts).",
            r"\mathrm{lr}_t = \mathrm{lr}_{min} + \tfrac{1}{2} (\mathrm{lr}_0 - \mathrm{lr}_{min})"
            r"\big(1 + \cos(\pi T_{cur} / T_i)\big),\ T_i = T_0 T_{mult}^{i}",
            {
                "t_0": hparam(1, 20_000, "T_0: steps of the first cycle.", kind="int", default=100),
                "t_mult": hparam(
                    1, 10, "T_mult: each cycle is this many times longer.", kind="int", default=1
                ),
                "lr_min": hparam(0.0, 100.0, "lr_min: the rate at a cycle's end.", default=0.0),
                "warmup": WARMUP,
            },
        ),
        ScheduleSpec(
            "one_cycle",
            "One-cycle",
            "Rise from lr/div_factor to lr (the peak, torch's max_lr) over pct_start of "
            "the run, then anneal to lr/(div_factor final_div_factor) (torch OneCycleLR).",
            r"\mathrm{lr}_t = \mathrm{anneal}\big(\tfrac{\mathrm{lr}_0}{d}, \mathrm{lr}_0,"
            r" \tfrac{\tau}{pT - 1}\big) \text{ then } \mathrm{anneal}\big(\mathrm{lr}_0,"
            r" \tfrac{\mathrm{lr}_0}{d d_f}, \cdot\big)",
            {
                "t_total": hparam(
                    1,
                    20_000,
                    "T: total steps of the cycle (held at its end after).",
                    kind="int",
                    default=500,
                ),
                "pct_start": hparam(
                    0.0,
                    1.0,
                    "pct_start: fraction of T spent rising.",
                    default=0.3,
                    low_open=True,
                    high_open=True,
                ),
                "linear": hparam(
                    False,
                    True,
                    "Anneal linearly (torch anneal_strategy='linear') instead of "
                    "along a cosine ('cos').",
                    kind="bool",
                    default=False,
                ),
                "div_factor": hparam(
                    1.0, 1e4, "div_factor: the start is lr / div_factor.", default=25.0, log=True
                ),
                "final_div_factor": hparam(
                    1.0,
                    1e6,
                    "final_div_factor: the end is the start / final_div_factor.",
                    default=1e4,
                    log=True,
                ),
                "warmup": WARMUP,
            },
        ),
        ScheduleSpec(
            "cyclic_triangular",
            "Cyclic (triangular)",
            "Go up from lr to max_lr and back down in straight lines, again and again "
            "(torch CyclicLR, mode 'triangular').",
            _CYCLIC_LATEX,
            {"max_lr": MAX_LR, "step_size_up": STEP_UP, "warmup": WARMUP},
        ),
        ScheduleSpec(
            "cyclic_triangular2",
            "Cyclic (triangular2)",
            "Triangular cycles whose height halves every cycle (CyclicLR 'triangular2').",
            _CYCLIC_LATEX + r" / 2^{c - 1}",
            {"max_lr": MAX_LR, "step_size_up": STEP_UP, "warmup": WARMUP},
        ),
        ScheduleSpec(
            "cyclic_exp_range",
            "Cyclic (exp_range)",
            "Triangular cycles whose height shrinks by γ every step (CyclicLR 'exp_range').",
            _CYCLIC_LATEX + r" \, \gamma^{\tau}",
            {
                "max_lr": MAX_LR,
                "step_size_up": STEP_UP,
                "gamma": GAMMA._replace(default=0.999),
                "warmup": WARMUP,
            },
        ),
        ScheduleSpec(
            "plateau",
            "Reduce on plateau",
            "Listen to the loss: when a start's own loss has not improved for `patience` "
            "steps, multiply its rate by `factor` (torch ReduceLROnPlateau, mode min). "
            "Every start has its own rate.",
            r"\mathrm{lr} \leftarrow \max(\mathrm{factor} \cdot \mathrm{lr}, \mathrm{lr}_{min})"
            r"\ \text{after more than } p \text{ steps without } f_t < f_{best}(1 - \theta)",
            {
                "factor": hparam(
                    0.0,
                    1.0,
                    "factor: the rate is multiplied by this at each reduction.",
                    default=0.1,
                    low_open=True,
                    high_open=True,
                ),
                "patience": hparam(
                    0,
                    20_000,
                    "patience: steps without improvement tolerated before a cut.",
                    kind="int",
                    default=10,
                ),
                "threshold": hparam(
                    0.0,
                    1.0,
                    "threshold θ: the least improvement that counts (relative, or "
                    "absolute with threshold_abs).",
                    default=1e-4,
                ),
                "threshold_abs": hparam(
                    False,
                    True,
                    "Absolute threshold (torch threshold_mode='abs'): improved "
                    "means f < best - θ instead of f < best (1 - θ).",
                    kind="bool",
                    default=False,
                ),
                "cooldown": hparam(
                    0,
                    20_000,
                    "cooldown: steps after a cut during which no bad steps count.",
                    kind="int",
                    default=0,
                ),
                "min_lr": hparam(
                    0.0, 100.0, "min_lr: the rate never goes below this.", default=0.0
                ),
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

    @property
    def feedback(self):
        """True when the rate listens to the loss (``plateau``): see :meth:`controller`."""
        return self.kind == "plateau"

    def controller(self, n, lr0):
        """Return a :class:`PlateauController` for ``n`` start rows (plateau only)."""
        if not self.feedback:
            raise ValueError(f"schedule {self.kind} does not listen to the loss")
        params = {k: v for k, v in self.params.items() if k != "warmup"}
        return PlateauController(n, lr0, self.params["warmup"], **params)

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


class PlateauController:
    """ReduceLROnPlateau (mode ``min``) for every start row at once, vectorised.

    Mirrors ``torch.optim.lr_scheduler.ReduceLROnPlateau.step(loss)`` row by row; the
    runner calls :meth:`rates` before step t and :meth:`observe` with each row's loss
    after it (``f(θ_t)``), so step 1 uses ``lr0`` and the loss after step t sets the
    rate of step t + 1. During a warmup of ``w`` steps the rate rises linearly and the
    losses are not observed.

    Parameters
    ----------
    n : int
        Number of rows.
    lr0 : float or ndarray, shape (n,)
        Initial rate of every row (or of each row).
    warmup : int
    factor, patience, threshold, threshold_abs, cooldown, min_lr
        As in :data:`SCHEDULES` ``["plateau"]``.
    """

    def __init__(
        self, n, lr0, warmup, factor, patience, threshold, threshold_abs, cooldown, min_lr
    ):
        self.lr0, self.warmup = np.broadcast_to(np.asarray(lr0, dtype=float), (n,)), int(warmup)
        self.factor, self.patience, self.threshold = factor, int(patience), threshold
        self.threshold_abs, self.cooldown, self.min_lr = bool(threshold_abs), int(cooldown), min_lr
        self.lr = np.full(n, self.lr0)
        self.best = np.full(n, np.inf)
        self.bad = np.zeros(n, dtype=int)
        self.cooling = np.zeros(n, dtype=int)
        self.t = 0

    def rates(self):
        """Return the (n,) rates of the next step."""
        t = self.t + 1
        if t <= self.warmup:
            return np.full(len(self.lr), self.lr0 * t / self.warmup)
        return self.lr.copy()

    def observe(self, loss):
        """Feed the (n,) losses after a step (NaN counts as no improvement)."""
        self.t += 1
        if self.t <= self.warmup:
            return
        loss = np.asarray(loss, dtype=float)
        with np.errstate(invalid="ignore"):
            if self.threshold_abs:
                better = loss < self.best - self.threshold
            else:
                better = loss < self.best * (1.0 - self.threshold)
        self.best = np.where(better, loss, self.best)
        self.bad = np.where(better, 0, self.bad + 1)
        cooling = self.cooling > 0
        self.cooling = np.where(cooling, self.cooling - 1, self.cooling)
        self.bad = np.where(cooling, 0, self.bad)
        cut = self.bad > self.patience
        new = np.maximum(self.lr * self.factor, self.min_lr)
        self.lr = np.where(cut & (self.lr - new > 1e-8), new, self.lr)
        self.cooling = np.where(cut, self.cooldown, self.cooling)
        self.bad = np.where(cut, 0, self.bad)

    def keep(self, keep):
        """Keep only the rows ``keep`` (a boolean mask), as the runner drops diverged rows."""
        for name in ("lr0", "lr", "best", "bad", "cooling"):
            setattr(self, name, getattr(self, name)[keep])
