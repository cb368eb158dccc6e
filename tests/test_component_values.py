"""Issue 12, defect 7: the player component's value is untrusted input."""

import pytest

from ui import scene as sc
from ui.component_values import player_value

FORGED = [
    {"event": "start", "start": ["abc", 1], "seq": 1},
    {"event": "start", "start": ["x"], "seq": 1},
    {"event": "start", "start": None, "seq": 1},
    {"event": "start", "start": [1e308, -1e308], "seq": 1},
    {"event": "start", "start": [float("nan"), 0], "seq": 1},
    {"event": "start", "start": [True, 0], "seq": 1},
    {"event": "start", "start": [[1], 2], "seq": 1},
    {"event": "start", "start": [1, 2, 3], "seq": 1},
    {"event": "step", "step": "abc", "seq": 2},
    {"event": "step", "step": -1, "seq": 2},
    {"event": "step", "step": 2.5, "seq": 2},
    {"event": "step", "step": sc.MAX_STEPS + 1, "seq": 2},
    {"event": "step", "step": 3, "seq": "abc"},
    {"event": "step", "step": 3},
    {"event": "<img src=x>", "seq": 3},
    {"event": "scrub", "run": "0", "name": "lr", "seq": 4},
    {"event": "scrub", "run": -1, "name": "lr", "seq": 4},
    {"event": "scrub", "run": sc.MAX_RUNS, "name": "lr", "seq": 4},
    {"event": "scrub", "run": 0.5, "name": "lr", "seq": 4},
    {"event": "scrub", "run": 0, "name": "[x](http://a.bc)", "seq": 4},
    {"event": "scrub", "run": 0, "name": "LR", "seq": 4},
    {"event": "scrub", "run": 0, "name": ["lr"], "seq": 4},
    {"event": "hparam", "run": 0, "name": "lr", "seq": 5},
    {"event": "hparam", "run": 0, "name": "lr", "value": "0.1", "seq": 5},
    {"event": "hparam", "run": 0, "name": "lr", "value": float("inf"), "seq": 5},
    {"event": "hparam", "run": 0, "name": "lr", "value": True, "seq": 5},
    {"event": "startgrid", "on": 1, "seq": 6},
    {"event": "startgrid", "on": "true", "seq": 6},
    {"event": "startgrid", "seq": 6},
    None,
    ["x"],
    "start",
    1,
]


@pytest.mark.parametrize("value", FORGED)
def test_forged_values_are_dropped(value):
    assert player_value(value) is None


def test_valid_values_pass_normalised():
    assert player_value({"event": "start", "start": [1, -2.5], "seq": 7}) == {
        "event": "start",
        "start": [1.0, -2.5],
        "seq": 7,
    }
    assert player_value({"event": "step", "step": 12.0, "seq": 8}) == {
        "event": "step",
        "step": 12,
        "seq": 8,
    }


def test_ladder_values_pass_normalised():
    assert player_value({"event": "scrub", "run": 2.0, "name": "beta1", "seq": 9}) == {
        "event": "scrub",
        "run": 2,
        "name": "beta1",
        "seq": 9,
    }
    assert player_value({"event": "hparam", "run": 1, "name": "lr", "value": 3, "seq": 10}) == {
        "event": "hparam",
        "run": 1,
        "name": "lr",
        "value": 3.0,
        "seq": 10,
    }


def test_start_grid_switch_passes():
    assert player_value({"event": "startgrid", "on": True, "seq": 11}) == {
        "event": "startgrid",
        "on": True,
        "seq": 11,
    }


def test_start_bound_equals_the_links():
    # A start the link refuses is refused from the player too (1e308 was accepted).
    _, warnings = sc.from_query({"start": "1e7,0"})
    assert warnings
    assert player_value({"event": "start", "start": [1e7, 0], "seq": 1}) is None
