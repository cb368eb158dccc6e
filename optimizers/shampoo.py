"""Shampoo on a 2-vector (Gupta et al. 2018): full-matrix preconditioning.

For a parameter of order k Shampoo keeps one statistics matrix per dimension and applies
each one's inverse 2k-th root. A vector has order 1: one 2x2 matrix G = εI + Σ g gᵀ
and its inverse square root, so on the plane Shampoo is full-matrix AdaGrad. Unlike
AdaGrad's diagonal it sees correlations between x and y, so it does not depend on the
coordinate axes: rotate the surface and the path rotates with it.
"""

from typing import NamedTuple

import numpy as np

from .base import Optimizer, algorithm_box, hparam
from .explain import Eq, fmt_num, par, theta_eq
from .registry import LR, accumulating_lr, register


class ShampooState(NamedTuple):
    """G_t = εI + Σ g gᵀ as ``diag`` = (G_xx, G_yy), shape (N, 2), and ``cross`` = G_xy (N,).

    Stored by entry rather than as (N, 2, 2) so the inspector's per-coordinate table can
    show it (the diagonal under x and y, the shared off-diagonal in both).
    """

    diag: np.ndarray
    cross: np.ndarray


def _matrix(diag, cross):
    out = np.empty((*np.shape(cross), 2, 2))
    out[..., 0, 0], out[..., 1, 1] = diag[..., 0], diag[..., 1]
    out[..., 0, 1] = out[..., 1, 0] = cross
    return out


SHAMPOO_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \epsilon,\ \theta_0 \text{ (start)},\ f(\theta) \text{ (objective)}",
    r"G_0 \leftarrow \epsilon I \ (2 \times 2)",
    [
        r"g_t \leftarrow \nabla_\theta f(\theta_{t-1})",
        r"G_t \leftarrow G_{t-1} + g_t g_t^\top",
        r"\theta_t \leftarrow \theta_{t-1} - \gamma\, G_t^{-1/2} g_t",
    ],
)


def inverse_sqrt(stats):
    """Return ``G^{-1/2}`` of symmetric positive-definite (N, 2, 2) matrices (eigh)."""
    w, v = np.linalg.eigh(stats)
    return (v / np.sqrt(w)[:, None, :]) @ v.swapaxes(1, 2)


def _rule_shampoo(c):
    i, lr = c["i"], c["lr"]
    g, th = c["grad"], c["theta_prev"][i]
    stats = _matrix(np.asarray(c["state"]["diag"]), np.asarray(c["state"]["cross"]))
    pre = inverse_sqrt(stats[None])[0] @ g
    return [
        Eq(
            r"(G_t^{-1/2} g_t)_i",
            r"\text{row } i \text{ of } G_t^{-1/2} \text{ times } g_t",
            rf"{fmt_num(pre[i])}",
            pre[i],
        ),
        theta_eq(
            c,
            r"\theta_{t-1} - \gamma (G_t^{-1/2} g_t)_i",
            rf"{fmt_num(th, 7)} - {par(lr)} \cdot {par(pre[i])}",
            th - lr * pre[i],
        ),
    ]


@register(
    "shampoo",
    inspector=_rule_shampoo,
    symbols={
        "diag": (r"\operatorname{diag} G_t", "diagonal of G = εI + Σ g gᵀ"),
        "cross": (r"(G_t)_{xy}", "off-diagonal of G (x-y correlation)"),
    },
    color="#393b79",
    title="Shampoo (full-matrix, on a vector)",
    summary="Preconditions by the inverse square root of the 2x2 sum of outer products "
    "g gᵀ: full-matrix AdaGrad, which is what Shampoo is on a vector. For a matrix W it "
    "keeps left and right statistics L = Σ G Gᵀ, R = Σ Gᵀ G and steps by "
    "L^{-1/4} G R^{-1/4}. It sees the surface's tilted axes, so rotations do not change it.",
    latex=SHAMPOO_LATEX,
    hparams={
        "lr": LR,
        "eps": hparam(
            0.0,
            1.0,
            "ε: G starts as εI, so the first inverse root exists.",
            log=True,
            low_open=True,
        ),
    },
    lr_rule=accumulating_lr,
)
def shampoo(lr=0.1, eps=1e-4):
    """Shampoo on a 2-vector: full-matrix AdaGrad with the inverse square root.

    Parameters
    ----------
    lr : float
        Learning rate γ.
    eps : float
        Initial statistics εI.

    Returns
    -------
    Optimizer
    """
    hp = dict(locals())

    def init(params):
        return ShampooState(np.full_like(params, eps), np.zeros(len(params)))

    def update(grads, state, params, lr, hess=None):
        diag = state.diag + grads * grads
        cross = state.cross + grads[:, 0] * grads[:, 1]
        step = (inverse_sqrt(_matrix(diag, cross)) @ grads[:, :, None])[:, :, 0]
        return -np.asarray(lr, dtype=float).reshape(-1, 1) * step, ShampooState(diag, cross)

    return Optimizer("shampoo", hp, init, update)
