"""AppTest of the analysis pages with each optimizer added by issue 14.

The explorer is covered by tests/test_explorer.py (it runs every registered optimizer).
Here: the step inspector shows each one's own quantities, and the sweep and basin pages
run with it selected.
"""

import pytest

import optimizers
from tests.test_pages_analysis import no_exception, small_basins, small_sweeps
from ui import scene as sc

# name -> a LaTeX fragment only that optimizer's inspector rule writes
NEW = {
    "schedulefree_adamw": "z_{t-1}",
    "schedulefree_sgd": "z_{t-1}",
    "prodigy": "d_t",
    "adan": r"\Delta_t",
    "shampoo": "G_t^{-1/2}",
    "muon": r"\nu",
    "lookahead": r"\tilde\theta_t",
}


def test_the_new_optimizers_are_registered():
    assert set(NEW) <= set(optimizers.names())


@pytest.mark.parametrize("name", NEW)
def test_inspector_explains_each_new_optimizer(app_test, name):
    at = app_test("pages/inspector.py")
    lr = optimizers.suggest_lr(name, 1e-3)
    at.session_state["scene"] = sc.Scene(
        surface="canyon", steps=40, runs=(sc.Run(name, (("lr", lr),)),)
    )
    at.session_state["explorer_step"] = 5
    no_exception(at.run())
    text = "".join(e.value for e in at.latex)
    assert NEW[name] in text, text[:400]
    assert len(at.dataframe) == 1


@pytest.mark.parametrize("name", NEW)
def test_sweeps_with_each_new_optimizer(app_test, name):
    at = no_exception(small_sweeps(app_test).run())
    at.selectbox(key="sweeps.optimizer").set_value(name)
    no_exception(at.run())
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("name", NEW)
def test_basins_with_each_new_optimizer(app_test, name):
    at = no_exception(small_basins(app_test, **{"basins.surface": "himmelblau"}).run())
    at.selectbox(key="basins.himmelblau.1.name").set_value(name)
    no_exception(at.run())
    assert len(at.get("plotly_chart")) == 2
