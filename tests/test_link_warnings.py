"""Issue 12, defect 11: a link's refused settings are said, on every page that reads a link.

A shared link can open any page. Before, the scene link's warnings were kept until the
explorer showed them: ``/basins?surface=canyon:steepness=true`` opened the basin map with
no word about the refused setting. The network page's own link was overwritten by the
explorer's scene before the page read it, and the lessons page ignored keys it does not know.
"""

import re

import pytest

import surfaces
from ui import links
from ui import network_scene as ns
from ui import scene as sc

SCENE_PAGES = [
    "pages/explorer.py",
    "pages/inspector.py",
    "pages/basins.py",
    "pages/sweeps.py",
    "pages/stability.py",
    "pages/custom_surface.py",
]
BAD_SCENE_LINK = {"surface": "canyon:steepness=true", "batch": "3", "colour": "red"}


def _open(make, page, query):
    """Open ``page`` through app.py with ``query``, as a shared link does (first request)."""
    at = make("app.py", timeout=240)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _link_warnings(at):
    return [w.value for w in at.warning if w.value.startswith(links.HEADING)]


@pytest.mark.parametrize("page", SCENE_PAGES)
def test_every_scene_page_says_what_its_link_could_not_use(app_test, page):
    at = _open(app_test, page, BAD_SCENE_LINK)
    shown = _link_warnings(at)
    assert len(shown) == 1, [w.value for w in at.warning]
    text = shown[0]
    assert "steepness" in text and "batch" in text and "colour" in text
    # The surface is kept with its default steepness, and the address bar says so.
    assert at.session_state["scene"].surface == "canyon"
    assert at.query_params["surface"] == "canyon"
    # Shown once: the next rerun of the page does not repeat it.
    at.run()
    assert not _link_warnings(at)


def test_lessons_page_names_keys_it_does_not_read(app_test):
    at = _open(app_test, "pages/lessons.py", {"lesson": "99", "surface": "canyon"})
    (text,) = _link_warnings(at)
    assert "lesson" in text and "surface" in text and "lessons page" in text
    assert at.query_params["lesson"] == "1"


def test_network_page_reads_its_own_link_and_says_what_it_refused(app_test):
    query = {"dataset": "circles", "hidden": "999", "steps": "40", "surface": "canyon"}
    at = _open(app_test, "pages/network.py", query)
    (text,) = _link_warnings(at)
    assert "hidden" in text and "surface" in text and "network page" in text
    # Its settings come from its link, not from the explorer's scene written over it.
    assert at.session_state["network_scene"].dataset == "circles"
    assert at.session_state["network_scene"].steps == 40
    assert at.query_params["dataset"] == "circles"


def test_a_boolean_for_a_number_parameter_is_refused_by_the_surface_itself():
    with pytest.raises(ValueError, match="steepness"):
        surfaces.get("canyon", steepness=True)


def test_one_refused_surface_parameter_keeps_the_surface_and_its_other_parameters():
    scene, warnings = sc.from_query({"surface": "canyon:steepness=true,angle=30"})
    assert scene.surface == "canyon" and scene.surface_params == (("angle", 30),)
    assert len(warnings) == 1 and "steepness" in warnings[0]


def test_a_repeated_setting_inside_a_value_is_refused():
    scene, warnings = sc.from_query({"surface": "rosenbrock:a=1,a=0.5"})
    assert scene.surface_params == () and any("twice" in w for w in warnings)


def test_a_formula_without_surface_formula_is_not_silently_ignored():
    scene, warnings = sc.from_query({"f": "x^2 + y^2"})
    assert scene.surface == "rosenbrock" and any("'f'" in w for w in warnings)
    assert sc.from_query({"surface": "formula", "f": "x^2 + y^2"})[1] == []


def test_read_names_repeated_long_and_unknown_keys():
    values, warnings = links.read(
        {"a": ["1", "2"], "b": "x" * (links.MAX_VALUE + 1), "c": "3"}, ("a", "b"), "a page"
    )
    assert values == {"a": "1"}
    assert [re.findall(r"'(\w)'", w) for w in warnings] == [["a"], ["b"], ["c"]]
    assert "of a page" in warnings[2]


def test_network_link_names_unknown_keys():
    scene, warnings = ns.from_query({"dataset": "xor", "lr": "3"})
    assert scene.dataset == "xor" and len(warnings) == 1 and "'lr'" in warnings[0]


def test_message_is_empty_without_warnings_and_inert_with_them():
    assert links.message([]) == ""
    text = links.message(["see http://e.vil and [x](www.e.vil)"])
    assert "http://" not in text and "www." not in text and "](" not in text
