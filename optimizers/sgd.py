"""Gradient descent and momentum: torch's SGD and the forms the lessons teach.

State fields: ``velocity`` is v_t in the algorithm boxes; ``count`` is the number of
steps taken (torch seeds its momentum buffer with the first gradient).
"""

from typing import NamedTuple

import numpy as np

from .base import EmptyState, Optimizer, algorithm_box, flag, hparam
from .explain import Eq, decayed_grad, fmt_num, par, theta_eq
from .moments import add_weight_decay
from .registry import LR, MOMENTUM, WEIGHT_DECAY, register, same_lr


class SGDState(NamedTuple):
    """Momentum SGD: ``count`` steps taken, ``velocity`` v_t (torch's momentum buffer)."""

    count: int
    velocity: np.ndarray


class VelocityState(NamedTuple):
    """A velocity v_t and nothing else."""

    velocity: np.ndarray


GRADIENT = r"g_t \leftarrow \nabla_\theta f(\theta_{t-1})"
WEIGHT_DECAY_STEP = [
    r"\textbf{if}\: \lambda \neq 0",
    (2, r"g_t \leftarrow g_t + \lambda \theta_{t-1}"),
]

SGD_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \theta_0 \text{ (start)},\ f(\theta) \text{ (objective)}",
        r"\lambda \text{ (weight decay)},\ \mu \text{ (momentum)},\ \tau \text{ (dampening)},\ "
        r"\textit{nesterov}",
    ],
    r"v_0 \leftarrow 0 \text{ (velocity)}",
    [
        GRADIENT,
        *WEIGHT_DECAY_STEP,
        r"\textbf{if}\: \mu \neq 0",
        (2, r"\textbf{if}\: t > 1"),
        (3, r"v_t \leftarrow \mu v_{t-1} + (1 - \tau) g_t"),
        (2, r"\textbf{else}"),
        (3, r"v_t \leftarrow g_t"),
        (2, r"\textbf{if}\: \textit{nesterov}"),
        (3, r"g_t \leftarrow g_t + \mu v_t"),
        (2, r"\textbf{else}"),
        (3, r"g_t \leftarrow v_t"),
        r"\theta_t \leftarrow \theta_{t-1} - \gamma g_t",
    ],
)

GD_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \theta_0 \text{ (start)},\ f(\theta) \text{ (objective)}",
    r"\text{nothing}",
    [GRADIENT, r"\theta_t \leftarrow \theta_{t-1} - \gamma g_t"],
)

MOMENTUM_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \mu \text{ (momentum)},\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)}",
    r"v_0 \leftarrow 0 \text{ (velocity)}",
    [
        GRADIENT,
        r"v_t \leftarrow \mu v_{t-1} + g_t",
        r"\theta_t \leftarrow \theta_{t-1} - \gamma v_t",
        r"\text{(same path as } u_t \leftarrow \mu u_{t-1} + \gamma g_t,\ "
        r"\theta_t \leftarrow \theta_{t-1} - u_t \text{ with } u_t = \gamma v_t"
        r"\text{ while } \gamma \text{ is constant)}",
    ],
)

MOMENTUM_EMA_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \beta \text{ (beta)},\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)}",
    r"v_0 \leftarrow 0 \text{ (velocity)}",
    [
        GRADIENT,
        r"v_t \leftarrow \beta v_{t-1} + (1 - \beta) g_t",
        r"\theta_t \leftarrow \theta_{t-1} - \gamma v_t",
    ],
)

NESTEROV_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \mu \text{ (momentum)},\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)}",
    r"v_0 \leftarrow 0 \text{ (velocity)}",
    [
        r"\tilde\theta_{t-1} \leftarrow \theta_{t-1} + \mu v_{t-1} \text{ (look-ahead point)}",
        r"g_t \leftarrow \nabla_\theta f(\tilde\theta_{t-1})",
        r"v_t \leftarrow \mu v_{t-1} - \gamma g_t",
        r"\theta_t \leftarrow \theta_{t-1} + v_t",
    ],
)


# --- the step inspector's equations (see optimizers.explain) ---------------------


def _rule_sgd(c):
    hp, i, eqs = c["hp"], c["i"], []
    g = decayed_grad(c, eqs, hp.get("weight_decay", 0.0))
    mu, tau = hp.get("momentum", 0.0), hp.get("dampening", 0.0)
    lr, th = c["lr"], c["theta_prev"][i]
    if mu == 0:
        eqs.append(
            theta_eq(
                c,
                r"\theta_{t-1} - \gamma g_t",
                rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(g)}",
                th - lr * g,
            )
        )
        return eqs
    if c["t"] == 1:
        v = g
        eqs.append(Eq("v_t", r"g_t \text{ (first step)}", fmt_num(g), v, "velocity"))
    else:
        v_prev = c["prev"]["velocity"][i]
        damp = "" if tau == 0 else rf"(1 - {par(tau)}) "
        v = mu * v_prev + (1 - tau) * g
        eqs.append(
            Eq(
                "v_t",
                r"\mu v_{t-1} + " + (r"(1 - \tau) " if tau else "") + "g_t",
                rf"{par(mu)} \cdot {par(v_prev)} + {damp}{par(g)}",
                v,
                "velocity",
            )
        )
    if hp.get("nesterov"):
        eqs.append(
            theta_eq(
                c,
                r"\theta_{t-1} - \gamma (g_t + \mu v_t)",
                rf"{fmt_num(th, 7)} - {par(lr)} \cdot ({fmt_num(g)} + {par(mu)} \cdot {par(v)})",
                th - lr * (g + mu * v),
            )
        )
    else:
        eqs.append(
            theta_eq(
                c,
                r"\theta_{t-1} - \gamma v_t",
                rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(v)}",
                th - lr * v,
            )
        )
    return eqs


def _rule_momentum_ema(c):
    hp, i = c["hp"], c["i"]
    g, beta, lr, th = c["grad"][i], hp["beta"], c["lr"], c["theta_prev"][i]
    v_prev = c["prev"]["velocity"][i]
    v = beta * v_prev + (1 - beta) * g
    return [
        Eq(
            "v_t",
            r"\beta v_{t-1} + (1 - \beta) g_t",
            rf"{par(beta)} \cdot {par(v_prev)} + {par(1 - beta)} \cdot {par(g)}",
            v,
            "velocity",
        ),
        theta_eq(
            c,
            r"\theta_{t-1} - \gamma v_t",
            rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(v)}",
            th - lr * v,
        ),
    ]


def _rule_nesterov(c):
    hp, i = c["hp"], c["i"]
    g, mu, lr, th = c["grad"][i], hp["momentum"], c["lr"], c["theta_prev"][i]
    v_prev = c["prev"]["velocity"][i]
    v = mu * v_prev - lr * g
    return [
        Eq(
            r"\tilde\theta_{t-1}",
            r"\theta_{t-1} + \mu v_{t-1} \text{ (where } g_t \text{ is taken)}",
            rf"{fmt_num(th, 7)} + {par(mu)} \cdot {par(v_prev)}",
            th + mu * v_prev,
        ),
        Eq(
            "v_t",
            r"\mu v_{t-1} - \gamma g_t",
            rf"{par(mu)} \cdot {par(v_prev)} - {par(lr)} \cdot {par(g)}",
            v,
            "velocity",
        ),
        theta_eq(c, r"\theta_{t-1} + v_t", rf"{fmt_num(th, 7)} + {par(v)}", th + v),
    ]


@register(
    "gd",
    inspector=_rule_sgd,
    color="#d62728",
    title="Gradient descent",
    summary="Step straight downhill, the step proportional to the slope. Stable only "
    "while lr < 2 / (largest curvature); slow along flat directions, stuck at saddles.",
    latex=GD_LATEX,
    hparams={"lr": LR},
    lr_rule=same_lr,
)
def gd(lr=1e-3):
    """Plain gradient descent, ``θ ← θ − γ ∇f(θ)``: torch's SGD without momentum.

    Parameters
    ----------
    lr : float
        Base learning rate γ (the runner passes the scheduled ``lr_t`` to ``update``).

    Returns
    -------
    Optimizer
    """
    return sgd(lr)._replace(name="gd", hp={"lr": lr})


@register(
    "sgd",
    inspector=_rule_sgd,
    color="#bcbd22",
    sweep_axis="momentum",
    title="SGD (torch.optim.SGD)",
    summary="torch's SGD with every option: heavy-ball momentum, dampening, Nesterov "
    "and L2 weight decay.",
    latex=SGD_LATEX,
    hparams={
        "lr": LR,
        "momentum": MOMENTUM,
        "dampening": hparam(
            0.0, 1.0, "Dampening τ: scales the gradient added to the velocity by 1 − τ."
        ),
        "weight_decay": WEIGHT_DECAY,
        "nesterov": flag("Nesterov: step along g + μv instead of v (needs dampening 0)."),
    },
    lr_rule=same_lr,
    torch_name="SGD",
)
def sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """Stochastic gradient descent with momentum, exactly as ``torch.optim.SGD``.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    momentum : float
        Momentum μ; 0 gives plain gradient descent.
    dampening : float
        Dampening τ of the gradient added to the velocity (not at step 1: torch seeds
        the velocity with the first gradient).
    weight_decay : float
        L2 penalty λ added to the gradient.
    nesterov : bool
        Nesterov momentum in torch's form (no look-ahead evaluation; see ``nesterov``
        in the registry for the explicit look-ahead form).

    Returns
    -------
    Optimizer

    Raises
    ------
    ValueError
        If ``nesterov`` is set without momentum > 0 and dampening = 0 (as torch).
    """
    hp = dict(locals())  # every hyperparameter, before any local is defined
    if nesterov and (np.any(momentum <= 0) or np.any(dampening != 0)):
        raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
    plain = momentum == 0  # per-row momentum: a bool array, rows without momentum
    all_plain = bool(np.all(plain))
    some_plain = isinstance(plain, np.ndarray) and bool(plain.any())

    def init(params):
        return EmptyState() if all_plain else SGDState(0, np.zeros_like(params))

    def update(grads, state, params, lr, hess=None):
        g = add_weight_decay(grads, params, weight_decay)
        if all_plain:
            return -lr * g, state
        if state.count == 0:
            velocity = g
        else:
            velocity = state.velocity * momentum
            velocity += (1 - dampening) * g
        step = g + momentum * velocity if nesterov else velocity
        if some_plain:  # rows with momentum 0 are plain steps: they ignore τ
            step = np.where(plain, g, step)
        return -lr * step, SGDState(state.count + 1, velocity)

    return Optimizer("sgd", hp, init, update)


@register(
    "momentum",
    inspector=_rule_sgd,
    color="#1f77b4",
    sweep_axis="momentum",
    title="Momentum (heavy ball)",
    summary="Gradient descent with a velocity that remembers past gradients: it speeds "
    "up along consistent directions and damps zig-zags across a canyon. torch's form.",
    latex=MOMENTUM_LATEX,
    hparams={"lr": LR, "momentum": MOMENTUM},
    lr_rule=same_lr,
)
def heavy_ball(lr=1e-3, momentum=0.9):
    """Heavy-ball momentum ``v ← μv + g``, ``θ ← θ − γv`` (torch's SGD form).

    The other common form, ``u ← μu + γg``, ``θ ← θ − u``, is the same path with
    ``u = γv`` while γ is constant; with a schedule, this form applies the new γ to
    the whole velocity at once.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    momentum : float
        Momentum μ.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())
    return sgd(lr, momentum=momentum)._replace(name="momentum", hp=hp)


@register(
    "momentum_ema",
    inspector=_rule_momentum_ema,
    color="#e377c2",
    sweep_axis="beta",
    title="Momentum (moving average)",
    summary="Momentum as the moving average of gradients v = βv + (1 − β)g, as taught in "
    "Andrew Ng's course: same direction as heavy ball, steps (1 − β) times as long.",
    latex=MOMENTUM_EMA_LATEX,
    hparams={
        "lr": LR,
        "beta": hparam(
            0.0,
            1.0,
            "β: weight of the old average; averages about 1/(1 − β) gradients.",
            high_open=True,
        ),
    },
    lr_rule=same_lr,
)
def momentum_ema(lr=1e-3, beta=0.9):
    """Momentum as an exponential moving average of the gradients.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    beta : float
        Decay β of the average (no bias correction: early steps are short).

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return VelocityState(np.zeros_like(params))

    def update(grads, state, params, lr, hess=None):
        velocity = state.velocity * beta
        velocity += (1 - beta) * grads
        return -lr * velocity, VelocityState(velocity)

    return Optimizer("momentum_ema", hp, init, update)


@register(
    "nesterov",
    inspector=_rule_nesterov,
    symbols={"velocity": ("v_t", "velocity (includes γ)")},
    color="#17becf",
    sweep_axis="momentum",
    title="Nesterov (look-ahead)",
    summary="Momentum that takes the gradient where the velocity is about to carry it, "
    "θ + μv, and so brakes before overshooting. Points θ_t + μv_t follow torch's "
    "SGD(nesterov=True) path.",
    latex=NESTEROV_LATEX,
    hparams={"lr": LR, "momentum": MOMENTUM},
    lr_rule=same_lr,
)
def nesterov(lr=1e-3, momentum=0.9):
    """Nesterov momentum with an explicit look-ahead gradient (Sutskever et al. 2013).

    ``lookahead(params, state)`` returns θ + μv; the runner evaluates the gradient
    there and passes it to ``update`` as ``grads``. The velocity includes the
    learning rate (``v ← μv − γg``, ``θ ← θ + v``). With constant γ, the look-ahead
    points θ_t + μv_t are exactly the points of ``torch.optim.SGD(nesterov=True)``.

    Parameters
    ----------
    lr : float
        Base learning rate γ.
    momentum : float
        Momentum μ.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return VelocityState(np.zeros_like(params))

    def lookahead(params, state):
        return params + momentum * state.velocity

    def update(grads, state, params, lr, hess=None):
        velocity = state.velocity * momentum
        velocity -= lr * grads
        return velocity, VelocityState(velocity)

    return Optimizer("nesterov", hp, init, update, lookahead=lookahead)
