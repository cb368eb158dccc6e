"""Learning-rate schedules against torch.optim.lr_scheduler, step for step.

tests/fixtures/schedule_lrs.json is made once by tests/fixtures/make_schedule_fixtures.py
(torch is not needed to run these tests).
"""

import json
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "schedule_lrs.json").read_text())
TOLERANCE = 1e-12


def case_id(case):
    return case["kind"] + "-" + ",".join(f"{k}={v}" for k, v in case["params"].items())


def ours(case):
    schedule = optimizers.make_schedule(case["kind"], **case["params"])
    steps = len(case["lrs"])
    if not schedule.feedback:
        return schedule(np.arange(1, steps + 1), case["lr0"])
    controller = schedule.controller(1, case["lr0"])
    rates = []
    for loss in case["losses"]:
        rates.append(controller.rates()[0])
        controller.observe(np.array([loss]))
    return np.array(rates)


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=case_id)
def test_schedule_matches_torch(case):
    reference = np.array(case["lrs"])
    got = ours(case)
    assert got.shape == reference.shape
    assert np.abs(got - reference).max() <= TOLERANCE * max(1.0, np.abs(reference).max())
    assert len(set(np.round(reference, 12))) > 2  # the reference really changes


def test_fixture_covers_every_new_schedule():
    kinds = {case["kind"] for case in FIXTURE["cases"]}
    assert kinds == {
        "cosine_restarts",
        "one_cycle",
        "cyclic_triangular",
        "cyclic_triangular2",
        "cyclic_exp_range",
        "plateau",
    }
    plateau = [c for c in FIXTURE["cases"] if c["kind"] == "plateau"]
    assert len(plateau) >= 3 and all(len(c["losses"]) >= 100 for c in plateau)


def test_plateau_gives_each_row_its_own_rate():
    """Rows that stall are cut, rows still improving are not; rows match lone runs."""
    surface = surfaces.get("d2l_elongated")
    starts = np.array([[-5.0, -2.0], [0.01, 1.0], [0.0, 0.0]])  # the last starts at the minimum
    schedule = optimizers.make_schedule("plateau", factor=0.5, patience=3, threshold=0.3)
    opt = optimizers.make("sgd", lr=0.1)
    together = optimizers.run(surface, opt, starts, 60, schedule=schedule)
    assert together.lrs.shape == (3, 60)
    assert together.lrs[2, -1] < together.lrs[0, -1]  # stuck at the minimum: cut most
    assert not np.allclose(together.lrs[0], together.lrs[1])
    for i, start in enumerate(starts):
        alone = optimizers.run(surface, opt, start[None], 60, schedule=schedule)
        np.testing.assert_array_equal(alone.lrs[0], together.lrs[i])
        np.testing.assert_array_equal(alone.points[0], together.points[i])


@pytest.mark.parametrize("name", optimizers.names())
def test_every_optimizer_takes_a_rate_per_row(name):
    """A plateau that never cuts reproduces the constant-rate run exactly."""
    surface = surfaces.get("d2l_elongated")
    opt = optimizers.make(name, **({"lr": 0.01} if "lr" in optimizers.spec(name).hparams else {}))
    starts = np.array([[1.0, 1.0], [-2.0, 0.5]])
    never = optimizers.make_schedule("plateau", patience=20_000)
    a = optimizers.run(surface, opt, starts, 30, schedule=never)
    b = optimizers.run(surface, opt, starts, 30)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.lrs, np.broadcast_to(b.lrs, (2, 30)))


def test_plateau_drops_diverged_rows():
    surface = surfaces.get("d2l_bowl")  # x² + 2y²: curvatures 2 and 4
    opt = optimizers.make("sgd", lr=0.6)  # diverges: |1 - 0.6 * 4| > 1
    starts = np.array([[1.0, 1.0], [0.0, 0.0]])
    traj = optimizers.run(
        surface,
        opt,
        starts,
        50,
        schedule=optimizers.make_schedule("plateau", patience=20_000),
        escape_radius=1e3,
    )
    assert traj.diverged_at[0] > 0 and traj.diverged_at[1] == -1
    assert np.isnan(traj.lrs[0, -1]) and np.isfinite(traj.lrs[1]).all()


def test_one_cycle_peaks_at_lr_and_cyclic_starts_at_lr():
    one = optimizers.make_schedule("one_cycle", t_total=100, pct_start=0.3)
    rates = one(np.arange(1, 121), 0.2)
    assert rates.max() == pytest.approx(0.2) and rates[0] == pytest.approx(0.2 / 25)
    assert rates[-1] == rates[99]  # held at its end after t_total
    cyc = optimizers.make_schedule("cyclic_triangular", max_lr=0.5, step_size_up=10)
    assert cyc(1, 0.1) == 0.1 and cyc(11, 0.1) == pytest.approx(0.5)
