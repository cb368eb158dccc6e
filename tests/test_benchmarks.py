"""The engine benchmark's pure-NumPy floor does the same arithmetic as ``run``."""

import numpy as np

import optimizers
from benchmarks.bench_engine import ADAM_LR, STEPS, Rosenbrock, adam_starts, numpy_floor


def test_numpy_floor_follows_the_same_adam_trajectories_as_run():
    starts = adam_starts()[:50]
    expected = optimizers.run(Rosenbrock(), optimizers.make("adam", lr=ADAM_LR), starts, STEPS)
    for keep in (False, True):
        np.testing.assert_allclose(numpy_floor(starts, keep), expected.points[:, -1], atol=1e-10)
