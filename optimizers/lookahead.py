"""Lookahead (Zhang et al. 2019): k fast steps of any optimizer, then a pull of slow weights.

``wrap(opt, k, alpha)`` wraps any optimizer; the registered ``lookahead`` is the paper's
usual pairing, Lookahead around Adam. The slow weights φ are in the state (``slow``) for
the inspector and for drawing them faintly beside the fast path.
"""

import math
from collections import namedtuple

import numpy as np

from .adam import adam
from .base import algorithm_box, column, hparam, nonzero, per_row_where
from .explain import Eq, fmt_num, par, theta_eq
from .registry import BETA1, BETA2, EPS, LR, normalized_lr, register

LOOKAHEAD_LATEX = algorithm_box(
    [r"\text{inner optimizer } A,\ k \text{ (sync period)},\ \alpha \text{ (slow step)}"],
    r"\phi_0 \leftarrow \theta_0 \text{ (slow weights)}",
    [
        r"\theta_t \leftarrow A(\theta_{t-1}) \text{ (one fast step)}",
        r"\textbf{if}\: t \bmod k = 0",
        (2, r"\phi \leftarrow \phi + \alpha (\theta_t - \phi),\ \theta_t \leftarrow \phi"),
    ],
)

_STATE_TYPES = {}


def _state_type(inner):
    """Return a flat NamedTuple type: Lookahead's fields first, then the inner one's."""
    fields = ("sync_count", "slow", *type(inner)._fields)
    if fields not in _STATE_TYPES:
        _STATE_TYPES[fields] = namedtuple("LookaheadState", fields)  # noqa: PYI024
    return _STATE_TYPES[fields]


def wrap(opt, k=5, alpha=0.5):
    """Wrap ``opt`` in Lookahead.

    Parameters
    ----------
    opt : Optimizer
        The inner (fast) optimizer.
    k : int or ndarray of int, shape (N,) or (N, 1)
        Fast steps between synchronisations (per row: one period per start).
    alpha : float or ndarray, shape (N,) or (N, 1)
        Step of the slow weights towards the fast ones.

    Returns
    -------
    Optimizer
        Its state holds ``sync_count``, ``slow`` and the inner state's fields.
    """
    inner_type = []  # the inner state's type, found once (init on the run's rows)
    period, pull = column(k), column(alpha)  # per-row (N,) arrays become (N, 1) columns

    def split(state, params):
        if not inner_type:
            inner_type.append(type(opt.init(params)))
        return state[0], state[1], inner_type[0](*state[2:])

    def init(params):
        inner = opt.init(params)
        return _state_type(inner)(0, params.copy(), *inner)

    def update(grads, state, params, lr, hess=None):
        count, slow, inner = split(state, params)
        step, inner = opt.update(grads, inner, params, lr, hess)
        fast = params + step
        count += 1
        sync = count % period == 0  # per-row k: a bool column
        if nonzero(sync):
            pulled = slow + pull * (fast - slow)
            slow = per_row_where(sync, lambda: pulled, lambda: slow)
            fast = per_row_where(sync, lambda: pulled, lambda: fast)
        return fast - params, type(state)(count, slow, *inner)

    lookahead = None
    if opt.lookahead is not None:

        def lookahead(params, state):
            return opt.lookahead(params, split(state, params)[2])

    take_rows = None
    if opt.take_rows is not None or any(isinstance(v, np.ndarray) for v in (k, alpha)):

        def take_rows(keep):
            inner = opt if opt.take_rows is None else opt.take_rows(keep)
            return wrap(inner, *(v[keep] if isinstance(v, np.ndarray) else v for v in (k, alpha)))

    return opt._replace(
        name=f"lookahead_{opt.name}",
        init=init,
        update=update,
        lookahead=lookahead,
        derived=None,
        take_rows=take_rows,
    )


def _rule_lookahead(c):
    hp, i, t, lr = c["hp"], c["i"], c["t"], c["lr"]
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    g, th, prev = c["grad"][i], c["theta_prev"][i], c["prev"]
    m = b1 * prev["mu"][i] + (1 - b1) * g
    v = b2 * prev["nu"][i] + (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    fast = th - lr * m_hat / (math.sqrt(v_hat) + eps)
    eqs = [
        Eq(
            r"\tilde\theta_t",
            r"\theta_{t-1} - \gamma \hat m_t / (\sqrt{\hat v_t} + \epsilon) \text{ (Adam)}",
            rf"{fmt_num(th, 7)} - {par(lr)} \cdot {fmt_num(m_hat)} / "
            rf"(\sqrt{{{fmt_num(v_hat)}}} + {fmt_num(eps)})",
            fast,
        )
    ]
    if t % hp["k"]:
        eqs.append(theta_eq(c, r"\tilde\theta_t", fmt_num(fast, 7), fast))
        return eqs
    slow_prev, alpha = prev["slow"][i], hp["alpha"]
    slow = slow_prev + alpha * (fast - slow_prev)
    eqs.append(
        theta_eq(
            c,
            r"\phi + \alpha (\tilde\theta_t - \phi) \quad (t \bmod k = 0\text{: sync})",
            rf"{fmt_num(slow_prev, 7)} + {par(alpha)} \cdot ({fmt_num(fast, 7)} - "
            rf"{par(slow_prev)})",
            slow,
        )
    )
    return eqs


@register(
    "lookahead",
    inspector=_rule_lookahead,
    symbols={
        "slow": (r"\phi", "slow weights"),
        "sync_count": ("t", "step count"),
    },
    color="#e7969c",
    sweep_axis="alpha",
    title="Lookahead (Adam)",
    summary="Adam takes k fast steps, then the slow weights move a fraction α towards "
    "where it got and the fast weights restart from them: the path is reined in "
    "every k steps (Zhang et al. 2019). optimizers.lookahead.wrap wraps any optimizer.",
    latex=LOOKAHEAD_LATEX,
    hparams={
        "lr": LR,
        "k": hparam(1, 1000, "k: fast steps between pulls of the slow weights.", kind="int"),
        "alpha": hparam(
            0.0, 1.0, "α: how far the slow weights move towards the fast ones (0: back to φ)."
        ),
        "beta1": BETA1,
        "beta2": BETA2,
        "eps": EPS,
    },
    lr_rule=normalized_lr,
)
def lookahead(lr=1e-3, k=5, alpha=0.5, beta1=0.9, beta2=0.999, eps=1e-8):
    """Lookahead around Adam (torch.optim.Adam's rule, no weight decay).

    Parameters
    ----------
    lr : float
        Adam's learning rate γ.
    k : int
        Fast steps between synchronisations.
    alpha : float
        Slow step size.
    beta1, beta2, eps : float
        Adam's.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    # The factory, not make: per-row values arrive here as (N, 1) columns, already checked.
    inner = adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    return wrap(inner, k, alpha)._replace(name="lookahead", hp=hp)
