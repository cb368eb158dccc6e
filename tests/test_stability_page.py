"""AppTest of the stability-map page: defaults, changed settings, hostile links."""

import pytest

from tests.test_pages_analysis import no_exception
from ui import scene as sc


def chart(at):
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return charts[0].proto.spec


def test_defaults_map_momentum_on_the_explorer_surface(app_test):
    at = no_exception(app_test("pages/stability.py").run())
    assert at.title[0].value == "Stability map"
    # The explorer's default scene races GD and momentum: the map shows momentum's plane.
    assert at.selectbox(key="stability.optimizer").value == "momentum"
    spec = chart(at)
    assert "heatmap" in spec and "current settings" in spec
    assert any("Spectral radius" in c.value for c in at.caption)


def test_current_settings_and_edge_on_a_quadratic(app_test):
    at = app_test("pages/stability.py")
    at.session_state["scene"] = sc.Scene(surface="d2l_bowl", runs=(sc.Run("gd", (("lr", 0.4),)),))
    no_exception(at.run())
    assert at.selectbox(key="stability.optimizer").value == "gd"
    text = " ".join(c.value for c in at.caption)
    assert "2/λmax = 0.5" in text and "converge" in text  # |1 − 0.4·4| = 0.6
    at.session_state["scene"] = sc.Scene(surface="d2l_bowl", runs=(sc.Run("gd", (("lr", 0.6),)),))
    no_exception(at.run())
    assert "(diverge)" in " ".join(c.value for c in at.caption)


def test_changed_settings(app_test):
    at = no_exception(app_test("pages/stability.py").run())
    at.selectbox(key="stability.optimizer").set_value("nesterov")
    at.slider(key="stability.grid").set_value(40)
    at.slider(key="stability.span").set_value(6.0)
    no_exception(at.run())
    assert "momentum" in chart(at)
    at.selectbox(key="stability.surface").set_value("himmelblau")
    no_exception(at.run())
    point = at.selectbox(key="stability.himmelblau.point")
    assert len(point.options) == 4
    point.set_value(2)
    no_exception(at.run())


def test_a_surface_without_a_minimum_says_so(app_test):
    at = app_test("pages/stability.py")
    at.session_state["scene"] = sc.Scene(surface="saddle", runs=sc.default_runs("saddle"))
    no_exception(at.run())
    assert at.info or at.warning


@pytest.mark.parametrize(
    "query",
    [
        {"surface": "canyon:steepness=1e9", "runs": "momentum:lr=-1"},
        {"runs": "momentum:momentum=2", "steps": "abc"},
        {"surface": "nope", "runs": "[x](http://e.vil)"},
    ],
)
def test_hostile_links_give_messages_not_tracebacks(app_test, query):
    at = app_test("app.py")
    for k, v in query.items():
        at.query_params[k] = v
    no_exception(at.run())
    at.switch_page("pages/stability.py")
    no_exception(at.run())
    assert at.title[-1].value == "Stability map"
