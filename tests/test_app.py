"""The app's navigation: every page opens from app.py without an exception."""

import pytest

PAGES = [
    "pages/explorer.py",
    "pages/lessons.py",
    "pages/inspector.py",
    "pages/basins.py",
    "pages/sweeps.py",
    "pages/custom_surface.py",
    "pages/stability.py",
]


def test_app_opens_on_the_explorer(app_test):
    at = app_test().run()
    assert not at.exception
    assert at.title[0].value == "Loss Landscape Lab"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_through_the_navigation(app_test, page):
    at = app_test().run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/lessons.py"])
def test_every_page_address_carries_the_scene(app_test, page):
    # Issue 11, 5: /inspector, /basins, /sweeps had no parameters, so a shared link to them
    # opened the default scene.
    from ui import scene as sc

    at = app_test()
    at.session_state["scene"] = sc.Scene(surface="saddle", runs=sc.default_runs("saddle"), seed=5)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    query = {key: at.query_params[key] for key in at.query_params}
    scene, warnings = sc.from_query(query)
    assert warnings == [] and scene == at.session_state["scene"]
    assert scene.surface == "saddle" and scene.seed == 5


def test_a_link_to_a_page_opens_its_scene(app_test):
    from ui import scene as sc

    scene = sc.Scene(surface="canyon", runs=sc.default_runs("canyon"), steps=120)
    at = app_test()
    for key, value in sc.to_query(scene).items():
        at.query_params[key] = value
    at.switch_page("pages/inspector.py").run()
    assert not at.exception, at.exception
    assert at.session_state["scene"] == scene
