"""Damped Newton: the second-order reference (uses the surface's Hessian)."""

import numpy as np

from .base import EmptyState, Optimizer, algorithm_box, hparam, solve2
from .registry import LR, register, unit_lr

NEWTON_LATEX = algorithm_box(
    r"\gamma \text{ (lr)},\ \lambda \text{ (damping)},\ \theta_0 \text{ (start)},\ "
    r"f(\theta) \text{ (objective)}",
    r"\text{nothing}",
    [
        r"g_t \leftarrow \nabla_\theta f(\theta_{t-1}),\ "
        r"H_t \leftarrow \nabla^2_\theta f(\theta_{t-1})",
        r"\theta_t \leftarrow \theta_{t-1} - \gamma \, (H_t + \lambda I)^{-1} g_t",
    ],
)


@register(
    "newton",
    inspector=None,  # one 2x2 solve, not per coordinate: figures.inspector typesets it
    color="#8c564b",
    sweep_axis="damping",
    title="Newton (damped)",
    summary="Jumps to the stationary point of the local quadratic model: one step on a "
    "quadratic bowl, but drawn to saddles and maxima as readily as to minima.",
    latex=NEWTON_LATEX,
    hparams={
        "lr": LR._replace(help="Learning rate γ: fraction of the Newton step taken (1 = full)."),
        "damping": hparam(
            0.0, 100.0, "Damping λ: adds λI to the Hessian; large λ turns it into GD with lr γ/λ."
        ),
    },
    lr_rule=unit_lr,
    needs_hessian=True,
)
def newton(lr=1.0, damping=0.0):
    """Damped Newton's method, ``θ ← θ − γ (H + λI)⁻¹ ∇f(θ)``.

    Deliberately not saddle-free: with an indefinite Hessian the step heads for the
    saddle, which is what the lessons show. The 2x2 systems are solved in closed form
    (Cramer's rule), so a singular ``H + λI`` gives an infinite or NaN step, which the
    runner reports as divergence, instead of an exception, except where the gradient is
    exactly zero: a critical point is a fixed point, whatever its Hessian.

    Parameters
    ----------
    lr : float
        Base learning rate γ; 1 takes the full Newton step.
    damping : float
        λ added to the Hessian's diagonal.

    Returns
    -------
    Optimizer
        With ``needs_hessian=True``: ``update`` needs ``hess`` of shape (N, 2, 2).
    """
    hp = dict(locals())

    def init(params):
        return EmptyState()

    def update(grads, state, params, lr, hess=None):
        with np.errstate(all="ignore"):
            step = -lr * solve2(hess + np.reshape(damping, (-1, 1, 1)) * np.eye(2), grads)
        # g = 0 is a fixed point whatever H is: on a critical point with a singular
        # Hessian (x^4 + y^4's minimum, the monkey saddle) 0/0 is not a divergence.
        return np.where((grads == 0).all(-1, keepdims=True), 0.0, step), state

    return Optimizer("newton", hp, init, update, needs_hessian=True)
