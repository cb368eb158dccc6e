"""Muon on a vector (Jordan et al. 2024; torch.optim.Muon): normalised Nesterov descent.

Muon orthogonalises a matrix update with a Newton-Schulz iteration, pushing all its
singular values towards 1. A vector has one singular value, its length, so the
iteration keeps the direction and sets the length to a constant ν (about 0.7-1.2 with
torch's quintic coefficients, which trade exact convergence for speed): on the plane
Muon is Nesterov momentum with steps of fixed length γν. Like plain gradient descent
it ignores the coordinate axes. torch runs the iteration in bfloat16; here it is float64.
"""

from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, flag
from .explain import Eq, fmt_num, par, theta_eq
from .moments import lerp
from .registry import LR, MOMENTUM, WEIGHT_DECAY, normalized_lr, register

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # torch.optim.Muon's defaults
NS_STEPS = 5
NS_EPS = 1e-7


class MuonState(NamedTuple):
    """Muon: the momentum buffer b_t."""

    buf: np.ndarray


MUON_LATEX = algorithm_box(
    [
        r"\gamma \text{ (lr)},\ \mu \text{ (momentum)},\ \lambda \text{ (weight decay)},\ "
        r"\textit{nesterov},\ (a, b, c) = (3.4445, -4.775, 2.0315)",
    ],
    r"b_0 \leftarrow 0",
    [
        r"g_t \leftarrow \nabla_\theta f(\theta_{t-1})",
        r"b_t \leftarrow \mu b_{t-1} + (1 - \mu) g_t",
        r"u_t \leftarrow (1 - \mu) g_t + \mu b_t \text{ if nesterov, else } b_t",
        r"X \leftarrow u_t / \max(\lVert u_t \rVert, \epsilon)",
        r"\textbf{repeat 5 times}:\ s \leftarrow \lVert X \rVert^2,\ "
        r"X \leftarrow (a + b s + c s^2) X \ \text{ (Newton-Schulz on a vector)}",
        r"\theta_t \leftarrow (1 - \gamma\lambda) \theta_{t-1} - \gamma X"
        r" \quad (\lVert X \rVert = \nu \text{, a constant})",
    ],
)


def newton_schulz_length():
    """Return ν, the length Newton-Schulz gives any unit vector with torch's constants."""
    a, b, c = NS_COEFFICIENTS
    x = 1.0
    for _ in range(NS_STEPS):
        s = x * x
        x *= a + b * s + c * s * s
    return x


def orthogonalize(u):
    """Newton-Schulz on each row of ``u`` (N, 2), as torch.optim.Muon on a 1 x 2 matrix."""
    a, b, c = NS_COEFFICIENTS
    norm = np.sqrt((u * u).sum(axis=1, keepdims=True))
    x = u / np.maximum(norm, NS_EPS)
    for _ in range(NS_STEPS):
        s = (x * x).sum(axis=1, keepdims=True)
        x = a * x + (b * s + c * s * s) * x
    return x


def _rule_muon(c):
    hp, i, lr = c["hp"], c["i"], c["lr"]
    mu, wd = hp["momentum"], hp["weight_decay"]
    g, th = c["grad"], c["theta_prev"][i]
    buf = c["state"]["buf"]
    u = (1 - mu) * g + mu * buf if hp["nesterov"] else buf
    x = orthogonalize(np.asarray(u, dtype=float)[None])[0]
    return [
        Eq(
            "b_t",
            r"\mu b_{t-1} + (1 - \mu) g_t",
            rf"{par(mu)} \cdot {par(c['prev']['buf'][i])} + {par(1 - mu)} \cdot {par(g[i])}",
            mu * c["prev"]["buf"][i] + (1 - mu) * g[i],
            "buf",
        ),
        Eq(
            "X_i",
            r"\nu\, u_{t,i} / \lVert u_t \rVert",
            rf"{fmt_num(newton_schulz_length())} \cdot {par(u[i])} / "
            rf"{fmt_num(float(np.hypot(*u)))}",
            x[i],
        ),
        theta_eq(
            c,
            r"(1 - \gamma\lambda) \theta_{t-1} - \gamma X_i",
            rf"{par(1 - lr * wd)} \cdot {par(th)} - {par(lr)} \cdot {par(x[i])}",
            (1 - lr * wd) * th - lr * x[i],
        ),
    ]


@register(
    "muon",
    inspector=_rule_muon,
    symbols={"buf": ("b_t", "momentum buffer")},
    color="#637939",
    sweep_axis="momentum",
    title="Muon (on a vector: normalised Nesterov)",
    summary="Muon orthogonalises the momentum update; a vector's only singular value is "
    "its length, so here that means a Nesterov-momentum direction taken with a fixed step "
    "length: normalised descent, which ignores the coordinate axes.",
    latex=MUON_LATEX,
    hparams={
        "lr": LR._replace(help="Learning rate γ: the step length is γν, whatever the slope."),
        "momentum": MOMENTUM._replace(help="Momentum μ of the buffer (torch's default 0.95)."),
        "nesterov": flag("Nesterov: step along (1 − μ)g + μb instead of the buffer b."),
        "weight_decay": WEIGHT_DECAY._replace(
            help="Weight decay λ: θ shrinks by γλθ each step (torch's default is 0.1)."
        ),
    },
    lr_rule=normalized_lr,
)
def muon(lr=0.02, momentum=0.95, nesterov=True, weight_decay=0.0):
    """Muon on a 2-vector, following torch.optim.Muon's momentum and Newton-Schulz.

    Parameters
    ----------
    lr : float
        Learning rate γ (torch's adjustment √max(1, rows/cols) is 1 for a 1 x 2 row).
    momentum : float
        Momentum μ.
    nesterov : bool
        Use the Nesterov blend of gradient and buffer.
    weight_decay : float
        Decoupled decay λ.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return MuonState(np.zeros_like(params))

    def update(grads, state, params, lr, hess=None):
        buf = lerp(state.buf, grads, 1 - momentum)
        u = lerp(grads, buf, momentum) if nesterov else buf
        step = orthogonalize(u)
        lr = np.asarray(lr, dtype=float).reshape(-1, 1)
        theta = params * (1 - lr * weight_decay) - lr * step
        return theta - params, MuonState(buf)

    return Optimizer("muon", hp, init, update)
