"""Issue 12, defect 3: controls take their bounds from the HParam spec, open ends included."""

import pytest

import optimizers


def _numeric_hparams():
    for name in optimizers.names():
        for pname, h in optimizers.spec(name).hparams.items():
            if h.kind in ("float", "int"):
                yield name, pname, h


@pytest.mark.parametrize(("name", "pname", "h"), list(_numeric_hparams()))
def test_both_closed_bounds_are_valid_values(name, pname, h):
    low, high = h.closed_bounds()
    assert low <= high
    for value in (low, high):
        v = int(value) if h.kind == "int" else value
        h.check(pname, v)  # raises ValueError if the bound itself is invalid
        optimizers.make(name, **{pname: v})


def test_eps_open_at_zero():
    h = optimizers.spec("adam").hparams["eps"]
    low, _ = h.closed_bounds()
    assert 0 < low <= 1e-10


def test_sweeps_page_from_zero_eps_does_not_crash(app_test):
    at = app_test("pages/sweeps.py").run()
    assert not at.exception
    at.segmented_control(key="sweeps.mode").set_value("sweep").run()
    at.selectbox(key="sweeps.optimizer").set_value("adam").run()
    at.selectbox(key="sweeps.second.adam").set_value("eps").run()
    lows = [n for n in at.number_input if n.key and n.key.endswith(".eps.lo")]
    assert lows and lows[0].min > 0
    lows[0].set_value(lows[0].min).run()
    assert not at.exception
