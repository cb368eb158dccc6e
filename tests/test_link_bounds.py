"""Issue 12, defects 2 and 11: a link accepts what the widgets accept, and says so."""

import pytest

from ui import links
from ui import scene as sc


def _warnings(query):
    return sc.from_query(query)[1]


def test_noise_bound_is_the_sliders():
    scene, warnings = sc.from_query({"noise": "100"})
    assert scene.noise == 0.0 and any("noise" in w for w in warnings)
    assert sc.from_query({"noise": str(sc.MAX_NOISE)})[0].noise == sc.MAX_NOISE


def test_batch_above_the_samples_is_refused_with_a_warning():
    scene, warnings = sc.from_query({"surface": "linear_regression", "batch": "5000"})
    assert scene.batch_size == 0
    assert any("batch" in w for w in warnings)


def test_batch_on_a_surface_without_samples_is_not_silently_dropped():
    scene, warnings = sc.from_query({"surface": "rosenbrock", "batch": "3"})
    assert scene.batch_size == 0
    assert any("batch" in w and "samples" in w for w in warnings)


def test_a_boolean_for_a_number_setting_is_refused():
    scene, warnings = sc.from_query({"surface": "canyon:steepness=true"})
    assert scene.surface != "canyon" or dict(scene.surface_params).get("steepness") is not True
    assert any("steepness" in w for w in warnings)


@pytest.mark.parametrize(
    "key",
    ["[Your settings were reset - click here](http://127.0.0.1:9/phish)", "![](http://h/p.gif)"],
)
def test_link_text_in_warnings_is_escaped(key):
    text = links.message(_warnings({key: "1"}))
    assert text.startswith(links.HEADING) and "](" not in text and "![" not in text
