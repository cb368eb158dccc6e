"""The classic scenes: the books' settings do what the books say, and one click opens them."""

import numpy as np

from tests.test_explorer import assert_clean, run_page
from ui import classics
from ui import scene as sc


def final(scene):
    return [(t.diverged_at[0], np.abs(t.points[0, -1]).max()) for t in sc.compute(scene)]


def test_d2l_momentum_section_settings():
    crawl, blow = final(classics.CLASSICS["d2l 12.6: GD on 0.1x² + 2y², lr 0.4 and 0.6"])
    assert crawl[0] == -1 and crawl[1] > 0.5  # lr 0.4: still far along x after 20 steps
    traj = sc.compute(classics.CLASSICS["d2l 12.6: GD on 0.1x² + 2y², lr 0.4 and 0.6"])[1]
    y = np.abs(traj.points[0, :, 1])
    np.testing.assert_allclose(y[1:6] / y[:5], 1.4)  # lr 0.6: |1 - 0.6·4| = 1.4 in y
    assert blow[0] > 0 or blow[1] > 100
    for diverged, _ in final(classics.CLASSICS["d2l 12.6: momentum β 0.5 and 0.25 at lr 0.6"]):
        assert diverged == -1
    (gd,) = final(classics.CLASSICS["d2l 12.3: GD on x² + 2y², lr 0.1"])
    assert gd[0] == -1 and gd[1] < 0.1


def test_beale_classic_start():
    scene = classics.CLASSICS["Beale from (3, 4): the animated comparison"]
    assert scene.start == (3.0, 4.0) and scene.surface == "beale"
    assert len(scene.runs) == 6 and len({r.color for r in scene.runs}) == 6
    assert all(np.isfinite(t.points[0, 0]).all() for t in sc.compute(scene))


def test_the_sidebar_opens_a_classic_scene(app_test):
    at = run_page(app_test, sc.Scene(runs=sc.default_runs()))
    at.sidebar.selectbox(key="w_classic").set_value("Beale from (3, 4): the animated comparison")
    at.run()
    assert_clean(at)
    scene = at.session_state["scene"]
    assert scene.surface == "beale" and scene.start == (3.0, 4.0) and len(scene.runs) == 6
    assert at.sidebar.selectbox(key="w_classic").value == ""
