"""Conformance with torch.optim: our trajectories vs float64 references made by torch.

The references are in tests/fixtures/torch_trajectories.json, made once by
tests/fixtures/make_torch_fixtures.py (torch is not needed to run these tests). The two
surfaces are written in NumPy exactly as the script writes them in torch (Rosenbrock in
tests/analytic.py, shared with the engine benchmark; the rotated quadratic here).
"""

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import optimizers
from tests.analytic import Rosenbrock

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "torch_trajectories.json").read_text())
TORCH_NAMED = [n for n in optimizers.names() if optimizers.spec(n).torch_name]
TOLERANCE = 1e-10


class RotatedQuadratic:
    """0.5 (a u² + b w²), (u, w) = the offset from the centre rotated by the angle."""

    def __init__(self, angle, curvatures, center):
        self.c, self.s = math.cos(angle), math.sin(angle)
        self.a, self.b = curvatures
        self.center = np.asarray(center)

    def _uw(self, xy):
        d = xy - self.center
        return self.c * d[:, 0] + self.s * d[:, 1], -self.s * d[:, 0] + self.c * d[:, 1]

    def value(self, xy):
        u, w = self._uw(xy)
        return 0.5 * (self.a * u * u + self.b * w * w)

    def grad(self, xy):
        u, w = self._uw(xy)
        gu, gw = self.a * u, self.b * w
        return np.stack([self.c * gu - self.s * gw, self.s * gu + self.c * gw], axis=1)


SURFACES = {
    "rosenbrock": Rosenbrock(),
    "quadratic": RotatedQuadratic(**FIXTURE["quadratic"]),
}


def case_id(case):
    options = ",".join(f"{k}={v}" for k, v in case["hp"].items())
    return f"{case['optimizer']}-{case['surface']}-{options}"


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=case_id)
def test_trajectory_matches_torch(case):
    reference = np.array(case["points"])
    opt = optimizers.make(case["optimizer"], **case["hp"])
    starts = FIXTURE["starts"][case["surface"]]
    traj = optimizers.run(SURFACES[case["surface"]], opt, starts, FIXTURE["steps"])
    assert optimizers.spec(case["optimizer"]).torch_name == case["torch"]
    assert (traj.diverged_at == -1).all()
    assert traj.points.shape == reference.shape
    assert np.abs(traj.points - reference).max() <= TOLERANCE
    # The references really move (a frozen path would match trivially).
    assert np.abs(reference[:, -1] - reference[:, 0]).max() > 0.05


def test_fixture_covers_every_torch_optimizer_and_option():
    settings = defaultdict(list)
    for case in FIXTURE["cases"]:
        settings[case["optimizer"]].append(case["hp"])
    assert set(settings) == set(TORCH_NAMED)
    assert all(len(hps) >= 2 for hps in settings.values())
    assert FIXTURE["steps"] >= 50 and FIXTURE["dtype"] == "float64"
    assert all(len(starts) >= 3 for starts in FIXTURE["starts"].values())

    def used(name, **wanted):
        return any(all(hp.get(k) == v for k, v in wanted.items()) for hp in settings[name])

    def has(name, *keys):
        return any(all(k in hp for k in keys) for hp in settings[name])

    assert used("adam", amsgrad=True) and used("adamw", amsgrad=True)
    assert used("sgd", nesterov=True) and has("sgd", "dampening", "weight_decay")
    assert used("rmsprop", centered=True) and has("rmsprop", "centered", "momentum")
    assert has("adagrad", "lr_decay", "initial_accumulator_value")
    assert has("nadam", "momentum_decay")
    assert has("adam", "weight_decay") and used("adamw", weight_decay=0.1)
    # RAdam switches from momentum SGD to rectified steps after step 5 with beta2 = 0.999.
    assert any("beta2" not in hp for hp in settings["radam"])
