"""Pure-NumPy optimizers that reproduce torch.optim, the teaching forms, and the runner.

Every optimizer works on (N, D) arrays (D = 2 on the app's surfaces): N points moved at
once. Build one with ``make(name, **hp)``, describe it with ``spec(name)``, run it with
``run(...)``.
"""

# Importing the modules registers their optimizers; this order is the order of names().
from . import sgd, adaptive, adam, radam, after_adam, newton  # noqa: F401, I001
from . import adan, prodigy, schedulefree, shampoo, muon, lookahead  # noqa: F401, I001
from .base import EmptyState, HParam, Optimizer
from .registry import OptimizerSpec, make, names, spec, suggest_lr
from .runner import MAX_STEPS, MAX_WORK, Trajectory, run, run_all
from .schedules import SCHEDULES, WARMUP_LATEX, Schedule, ScheduleSpec, make_schedule

__all__ = [
    "MAX_STEPS",
    "MAX_WORK",
    "SCHEDULES",
    "WARMUP_LATEX",
    "EmptyState",
    "HParam",
    "Optimizer",
    "OptimizerSpec",
    "Schedule",
    "ScheduleSpec",
    "Trajectory",
    "make",
    "make_schedule",
    "names",
    "run",
    "run_all",
    "spec",
    "suggest_lr",
]
