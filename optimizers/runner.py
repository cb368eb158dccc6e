"""The trajectory runner: move N start points through ``steps`` optimizer steps at once.

``run`` needs only an object with ``value`` and ``grad`` (plus ``hessian`` for Newton,
``n_samples`` and ``sample_grad`` for mini-batches), so it imports nothing from
``surfaces``. Parameters are (N, D) for any D >= 1: D = 2 for the app's surfaces, D =
4H + 1 for ``surfaces.network``; a surface may declare ``dim`` (default 2).

Divergence is detected, never hidden: a row whose point, value or gradient becomes
non-finite, or whose point leaves the escape radius, stops there.
"""

import math
from typing import NamedTuple

import numpy as np

from .base import Optimizer, hparam
from .registry import make, spec

MAX_STEPS = 20_000
MAX_WORK = 40_000_000
"""Largest ``N * steps`` one run may do (about 1.3 GB of float64 output at the cap)."""

_STEPS = hparam(1, MAX_STEPS, "", kind="int")
_NOISE = hparam(0.0, np.inf, "", high_open=True)
_ESCAPE_RADIUS = hparam(0.0, np.inf, "", low_open=True)
_SEED = hparam(0, 2**63 - 1, "", kind="int")
_BATCH_SIZE = hparam(1, 2**63 - 1, "", kind="int")
_ALL = slice(None)


class Trajectory(NamedTuple):
    """The result of :func:`run`.

    The arrays are stored time-major and returned as transposed views (writing one
    contiguous row per step is what makes the runner fast), so they are not
    C-contiguous: call ``np.ascontiguousarray`` before handing their raw bytes on.

    Attributes
    ----------
    points : ndarray, shape (N, steps + 1, D)
        ``points[:, 0]`` are the starts; NaN after a row's divergence step.
    values : ndarray, shape (N, steps + 1)
        f at each point.
    grad_norms : ndarray, shape (N, steps + 1)
        |∇f| at each point (the exact, noise-free, full-batch gradient), computed
        with scaling where ∇f·∇f would overflow, so a finite gradient has a finite norm.
    diverged_at : ndarray of int, shape (N,)
        -1 if the row never diverged, else the first step k whose point, value or
        gradient was non-finite or whose point was farther than ``escape_radius``
        from the origin. Index k itself holds the offending values; k + 1 on are NaN.
    lrs : ndarray, shape (steps,) or (N, steps)
        The learning rate used at steps 1..steps; (N, steps), one row per start, when
        the learning rate is per row (``make(..., lr=array)``) or the schedule listens
        to the loss (``plateau``, NaN after a row stopped).
    internals : dict of str to ndarray
        Empty unless ``record=True``; then ``"grad"`` (the gradient the update used:
        noisy, mini-batch or look-ahead), ``"update"`` (``points[:, t] -
        points[:, t - 1]``), ``"step_size"`` (``|update| / |grad|`` per coordinate),
        all (N, steps, D); every state field after each step (N, steps, D), shared
        scalars such as ``count`` repeated per row as (N, steps); and the optimizer's
        derived quantities (e.g. ``mu_hat``, ``nu_hat``) the same way. NaN after a
        row's divergence step.
    """

    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    diverged_at: np.ndarray
    lrs: np.ndarray
    internals: dict


def run(
    surface,
    opt,
    starts,
    steps,
    *,
    schedule=None,
    noise=0.0,
    batch_size=None,
    seed=0,
    escape_radius=1e6,
    record=False,
):
    """Run ``opt`` from every start point for ``steps`` steps.

    Parameters
    ----------
    surface : object
        Has ``value(w) -> (N,)`` and ``grad(w) -> (N, D)``; ``hessian(w) -> (N, 2, 2)``
        if ``opt.needs_hessian`` (Newton: D = 2 only); ``n_samples`` and
        ``sample_grad(w, idx)`` for mini-batches; optionally ``dim`` (D, default 2).
    opt : Optimizer
        From :func:`optimizers.make`. Its ``hp["lr"]`` is the base learning rate.
        Per-row hyperparameters (arrays in ``opt.hp``) must have one value per start.
    starts : array_like, shape (N, D)
        Finite start points; D must equal ``surface.dim`` (2 if it has none).
    steps : int
        Number of steps, 1..20,000; ``N * steps`` at most ``MAX_WORK`` (40,000,000).
    schedule : callable, optional
        ``schedule(t, lr0) -> lr_t``, called once with ``t = 1..steps`` as an int array
        (see :func:`optimizers.make_schedule`). None: constant ``lr0``.
    noise : float
        σ of additive Gaussian gradient noise, ``g + σ z``, z ~ N(0, 1).
    batch_size : int, optional
        Mini-batch size for dataset-backed surfaces (``n_samples > 0``); each step and
        each row draws ``batch_size`` distinct samples and uses ``sample_grad``.
        ``batch_size >= n_samples`` is full-batch gradient descent (``grad``).
    seed : int
        Seed of the noise and batch draws. Same seed, same draws for every
        optimizer (common random numbers): ``np.random.default_rng(seed).spawn(2)``
        gives one generator for noise, one for batches; each step draws noise as
        ``standard_normal((N, D))`` (the same numbers as one (steps, N, D) draw up
        front) and batches for all N rows, whether or not a row has stopped.
    escape_radius : float
        A point farther than this from the origin counts as diverged.
    record : bool
        Also return the optimizer's internals at every step (see :class:`Trajectory`).

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        Bad ``steps``, ``starts`` (not finite, not (N, D)), per-row hyperparameters
        whose length is not N, ``N * steps`` above
        ``MAX_WORK``, negative ``noise``, non-positive ``escape_radius``, a
        ``batch_size`` on a surface without samples, a Newton run on a surface without
        a Hessian or with D != 2, or a schedule giving negative or non-finite rates.

    Notes
    -----
    Divergence never raises, warns or clips: the row stops (later points NaN), the
    other rows go on. Stopped rows are dropped from the arrays the optimizer sees, so
    they cost nothing afterwards.
    """
    starts, steps, batch_size = _check(
        surface, opt, starts, steps, noise, batch_size, seed, escape_radius
    )
    n, dim = starts.shape
    feedback = getattr(schedule, "feedback", False)
    if feedback:  # ReduceLROnPlateau: each row's rate follows its own loss
        controller = schedule.controller(n, opt.hp["lr"])
        lrs = np.full((n, steps), np.nan)
    else:
        lrs = _learning_rates(schedule, opt.hp["lr"], steps)
    noise_rng, batch_rng = np.random.default_rng(seed).spawn(2)
    minibatch = batch_size is not None and batch_size < surface.n_samples
    box = escape_radius / np.sqrt(dim)
    limit = escape_radius**2

    points = np.empty((steps + 1, n, dim))
    values = np.empty((steps + 1, n))
    grad_norms = np.empty((steps + 1, n))
    diverged_at = np.full(n, -1)
    recorder = _Recorder(steps, n, dim) if record else None
    if feedback:
        lr_list = None
    elif lrs.ndim == 2:  # per-row base rates: (N, 1) columns, one per step
        lr_list = np.ascontiguousarray(lrs.T)[:, :, None]
    else:
        lr_list = lrs.tolist()  # Python floats: cheaper in update()
    # Output rows still running: all of them (written in place, no copies) until the
    # first divergence, then an index array.
    rows = _ALL

    value_and_grad = getattr(surface, "value_and_grad", None) or _both(surface)
    # Inside this function's errstate, a surface's unchecked fused call is safe.
    value_and_grad = getattr(value_and_grad, "unchecked", value_and_grad)
    with np.errstate(all="ignore"):
        p = points[0]
        p[...] = starts
        state = opt.init(p)
        value, g = value_and_grad(p)
        # The common case (no noise, batches, look-ahead, Hessian, feedback, recording,
        # per-row rates) first runs a lean loop while every row is fine: the same
        # arithmetic with less Python per step. At the first step whose fast test fails
        # it hands over to the general loop, which redoes that step's test exactly.
        t0 = 0
        if not (noise or minibatch or feedback or record or opt.needs_hessian) and (
            opt.lookahead is None and lrs.ndim == 1
        ):
            t0, p, value, g, state = _lean_steps(
                opt.update, value_and_grad, state, p, value, g, lr_list, points, values,
                grad_norms, box,
            )  # fmt: skip
        for t in range(t0, steps + 1):
            if t and t != t0:
                z = noise_rng.standard_normal((n, dim)) if noise else None
                idx = _batches(batch_rng, n, surface.n_samples, batch_size) if minibatch else None
                q = p if opt.lookahead is None else opt.lookahead(p, state)
                if minibatch:
                    grads = surface.sample_grad(q, idx[rows])
                else:
                    grads = g if q is p else surface.grad(q)
                if noise:
                    grads = grads + noise * z[rows]
                hess = surface.hessian(p) if opt.needs_hessian else None
                if feedback:
                    rate = controller.rates()
                    lrs[rows, t - 1] = rate
                    lr = rate[:, None]
                else:
                    lr = lr_list[t - 1]
                    if rows is not _ALL and lrs.ndim == 2:
                        lr = lr[rows]
                updates, state = opt.update(grads, state, p, lr, hess)
                p = np.add(p, updates, out=points[t]) if rows is _ALL else p + updates
                value, g = value_and_grad(p)
                if feedback:
                    controller.observe(value)
                if record:
                    recorder.add(t, rows, grads, updates, state, opt.derived)
            norm = _square_norm(g, grad_norms[t] if rows is _ALL else None)
            # Fast test: sums are finite only if every term is, and every coordinate
            # within radius / sqrt(D) puts the point inside the ball. Only when it
            # fails is the exact per-row test computed.
            finite = math.isfinite(_sum(value) + _sum(norm))
            if not finite:
                _rescue_norm(g, norm)
            if rows is _ALL:
                values[t] = value
            else:
                points[t, rows], values[t, rows], grad_norms[t, rows] = p, value, norm
            if finite and _max(p, None) <= box and _min(p, None) >= -box:
                continue
            inside = np.einsum("ij,ij->i", p, p) <= limit
            keep = inside & np.isfinite(value) & np.isfinite(norm)
            if keep.all():
                continue
            running = np.arange(n)[rows]
            stopped = running[~keep]
            diverged_at[stopped] = t
            for array in (points, values, grad_norms):
                array[t + 1 :, stopped] = np.nan
            rows = running[keep]
            if not rows.size:
                break
            p, g = p[keep], g[keep]
            state = _take_rows(state, keep)
            if opt.take_rows is not None:  # per-row hyperparameters follow their rows
                opt = opt.take_rows(keep)
            if feedback:
                controller.keep(keep)

        internals = recorder.result() if record else {}
    return Trajectory(points.swapaxes(0, 1), values.T, grad_norms.T, diverged_at, lrs, internals)


def run_all(surface, configs, starts, steps, **options):
    """Run several optimizers from the same starts; runs of one optimizer run as one.

    Configurations of the same optimizer with the same flags become one vectorised run
    with per-row hyperparameters (see :func:`optimizers.make`), whose rows equal the
    separate runs exactly; the result is split back, one :class:`Trajectory` per
    configuration. With gradient noise, mini-batches or ``record`` every configuration
    runs alone (their random draws and recorded shapes are per run).

    Parameters
    ----------
    surface : object
        As for :func:`run`.
    configs : sequence of (str, dict)
        ``(registry name, hyperparameters)`` per run.
    starts : array_like, shape (N, D)
        The start points of every run.
    steps : int
    **options
        The keyword options of :func:`run` (``schedule``, ``noise``, ...).

    Returns
    -------
    list of Trajectory
        ``result[i]`` equals ``run(surface, make(*configs[i]), starts, steps, **options)``
        (with ``make(name, **hp)``).

    Raises
    ------
    ValueError
        As :func:`optimizers.make` and :func:`run`.
    """
    opts = [make(name, **dict(hp)) for name, hp in configs]  # scalar checks, scalar messages
    alone = options.get("record") or options.get("noise") or options.get("batch_size")
    groups = {}
    for i, ((name, _), opt) in enumerate(zip(configs, opts, strict=True)):
        specs = spec(name).hparams
        flags = tuple((k, v) for k, v in opt.hp.items() if specs[k].kind == "bool")
        groups.setdefault(i if alone else (name, flags), []).append(i)
    feedback = getattr(options.get("schedule"), "feedback", False)
    n = len(np.asarray(starts))
    out = [None] * len(configs)
    for members in groups.values():
        if len(members) == 1:
            out[members[0]] = run(surface, opts[members[0]], starts, steps, **options)
            continue
        name, hps = configs[members[0]][0], [opts[i].hp for i in members]
        rows = {}
        for key in hps[0]:
            values = [hp[key] for hp in hps]
            same = all(v == values[0] for v in values)
            rows[key] = values[0] if same else np.repeat(values, n)
        tiled = np.tile(np.asarray(starts, dtype=float), (len(members), 1))
        traj = run(surface, make(name, **rows), tiled, steps, **options)
        for k, i in enumerate(members):
            part = slice(k * n, (k + 1) * n)
            lrs = traj.lrs
            if lrs.ndim == 2:
                lrs = lrs[part] if feedback else lrs[k * n]
            out[i] = Trajectory(
                traj.points[part], traj.values[part], traj.grad_norms[part],
                traj.diverged_at[part], lrs, {},
            )  # fmt: skip
    return out


def _lean_steps(update, value_and_grad, state, p, value, g, lrs, points, values, norms, box):
    """Run :func:`run`'s plain steps until one fails the fast divergence test.

    Returns
    -------
    tuple
        ``(t, p, value, g, state)``: the step whose test failed (its point, value and
        gradient computed and written; the general loop tests it exactly), or
        ``steps + 1`` if none did.
    """
    steps = len(lrs)
    single = points.shape[1:] == (1, 2)  # the app's size: one start, two coordinates
    for t in range(steps + 1):
        if t:
            updates, state = update(g, state, p, lrs[t - 1], None)
            p = np.add(p, updates, out=points[t])
            value, g = value_and_grad(p)
        norm = _square_norm(g, norms[t])
        values[t] = value
        if single:  # the same test on Python floats: no NumPy reductions (NaN fails)
            x, y = p[0].tolist()
            if math.isfinite(value[0] + norm[0]) and -box <= x <= box and -box <= y <= box:
                continue
            return t, p, value, g, state
        if not (
            math.isfinite(_sum(value) + _sum(norm))
            and _max(p, None) <= box
            and _min(p, None) >= -box
        ):
            return t, p, value, g, state
    return steps + 1, p, value, g, state


def _check(surface, opt, starts, steps, noise, batch_size, seed, escape_radius):
    """Validate the inputs; return starts as float64 (N, D), steps and batch_size."""
    if not isinstance(opt, Optimizer):
        raise ValueError(f"opt must be an Optimizer (see optimizers.make), got {type(opt)}")
    steps = _STEPS.check("steps", steps)
    try:
        starts = np.asarray(starts, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("starts must be an array of numbers of shape (N, D)") from None
    dim = getattr(surface, "dim", 2)
    if starts.ndim != 2 or starts.shape[1] != dim or not len(starts):
        raise ValueError(
            f"starts must have shape (N, {dim}) with N >= 1, got {starts.shape} "
            f"(D = {dim} is the surface's number of parameters)"
        )
    if not np.isfinite(starts).all():
        raise ValueError("starts must be finite")
    for key, value in opt.hp.items():
        if isinstance(value, np.ndarray) and value.shape != (len(starts),):
            raise ValueError(
                f"{key} has {value.size} per-row values but there are {len(starts)} "
                "start rows: give one value per start row (or one scalar)"
            )
    if len(starts) * steps > MAX_WORK:
        raise ValueError(
            f"N * steps must be at most MAX_WORK = {MAX_WORK:,}, "
            f"got {len(starts):,} * {steps:,} = {len(starts) * steps:,}"
        )
    _NOISE.check("noise", noise)
    _SEED.check("seed", seed)
    _ESCAPE_RADIUS.check("escape_radius", escape_radius)
    if batch_size is not None:
        batch_size = _BATCH_SIZE.check("batch_size", batch_size)
        if getattr(surface, "n_samples", 0) <= 0:
            raise ValueError(
                "batch_size needs a dataset-backed surface (n_samples > 0 and "
                "sample_grad); this surface has no samples"
            )
    if opt.needs_hessian and dim != 2:
        raise ValueError(
            f"{opt.name} solves 2 x 2 Newton systems: it needs D = 2 parameters, "
            f"this surface has D = {dim}"
        )
    if opt.needs_hessian and not hasattr(surface, "hessian"):
        raise ValueError(f"{opt.name} needs the Hessian; this surface has no hessian()")
    return starts, steps, batch_size


def _learning_rates(schedule, lr0, steps):
    """Return the (steps,) learning rates, checked finite and >= 0.

    A per-row ``lr0`` (an (N,) array) gives (N, steps): the schedule is evaluated once
    per distinct base rate, exactly as for a scalar run.
    """
    if isinstance(lr0, np.ndarray):
        values, inverse = np.unique(lr0, return_inverse=True)
        table = np.stack([_learning_rates(schedule, value, steps) for value in values])
        return table[inverse.reshape(-1)]
    if schedule is None:
        return np.full(steps, float(lr0))
    lrs = np.asarray(schedule(np.arange(1, steps + 1), lr0), dtype=float)
    lrs = np.broadcast_to(lrs, (steps,)).copy()
    if not (np.isfinite(lrs).all() and (lrs >= 0).all()):
        raise ValueError("schedule must give finite learning rates >= 0")
    return lrs


def _batches(rng, n, n_samples, batch_size):
    """Draw (n, batch_size) sample indices, each row without replacement."""
    keys = rng.random((n, n_samples))
    return np.argpartition(keys, batch_size - 1, axis=1)[:, :batch_size]


_sum, _max, _min = np.add.reduce, np.maximum.reduce, np.minimum.reduce


def _both(surface):
    """``value_and_grad`` for a surface that has only ``value`` and ``grad``."""

    def value_and_grad(p):
        return surface.value(p), surface.grad(p)

    return value_and_grad


def _norm(g, out=None):
    """Row norms of ``g`` (N, D), scaled by the largest entry only where g·g overflows.

    The plain sum of squares is exact and fast; it overflows above ~1.3e154 although
    the gradient is finite (x^1000 near 1.45), and a finite gradient must not look
    like a divergence, so those rows are recomputed as m·|g / m| with m = max |g_i|.
    """
    norm = _square_norm(g, out)
    if not np.isfinite(_sum(norm)):
        _rescue_norm(g, norm)
    return norm


def _square_norm(g, out=None):
    """Row norms ``sqrt(g·g)`` of ``g`` (N, D), without the overflow rescue."""
    if g.shape[1] == 2:  # g0² + g1², the one rounding order for D = 2
        sq = _sum(g * g, 1, out=out)
    else:
        sq = np.einsum("ij,ij->i", g, g, out=out)
    return np.sqrt(sq, out=sq)


def _rescue_norm(g, norm):
    """Recompute, in place, the non-finite entries of ``norm`` where ``g`` is finite."""
    bad = ~np.isfinite(norm)
    gb = g[bad]
    scale = np.abs(gb).max(axis=1)
    with np.errstate(all="ignore"):
        scaled = gb / np.where(scale > 0, scale, 1.0)[:, None]
        norm[bad] = scale * np.sqrt(np.einsum("ij,ij->i", scaled, scaled))
    return norm


def _per_row(value, n):
    return isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n


def _take_rows(state, keep):
    """Keep only the rows ``keep`` of the state's per-row arrays (shared fields stay)."""
    n = len(keep)
    return type(state)(*(v[keep] if _per_row(v, n) else v for v in state))


class _Recorder:
    """Collect the internals of a ``record=True`` run, time-major, NaN where stopped."""

    def __init__(self, steps, n, dim):
        self.steps, self.n = steps, n
        # Arrays start NaN: rows that stop are simply not written any more.
        self.arrays = {name: np.full((steps, n, dim), np.nan) for name in ("grad", "update")}

    def add(self, t, rows, grads, updates, state, derived):
        fields = {"grad": grads, "update": updates}
        fields.update((k, v) for k, v in zip(state._fields, state, strict=True) if v is not None)
        if derived is not None:
            fields.update(derived(state))
        for name, value in fields.items():
            # Shared scalars (count, mu_product, rho_t) are repeated on every row.
            tail = value.shape[1:] if _per_row(value, len(grads)) else ()
            if name not in self.arrays:
                self.arrays[name] = np.full((self.steps, self.n, *tail), np.nan)
            self.arrays[name][t - 1, rows] = value

    def result(self):
        out = {name: array.swapaxes(0, 1) for name, array in self.arrays.items()}
        out["step_size"] = np.abs(out["update"]) / np.abs(out["grad"])
        return out
