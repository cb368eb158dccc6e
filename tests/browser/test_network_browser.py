"""The Network landscape page in headless Chromium: slice, projected paths, boundary plot.

Saves tests/artifacts/network-*.png (look at them: they are the visual check).
"""

import pytest
from player_helpers import state

pytestmark = pytest.mark.browser

QUERY = "dataset=moons&hidden=8&steps=80&grid=21&batch=16"


def test_slice_renders_with_paths_and_boundaries(page, app_url, player_frame, screenshot):
    # Opening a page path makes Streamlit probe /network/_stcore/* first (404, then the
    # root): expected, so only other failures count (as in test_lessons_browser).
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(f"{app_url}/network?{QUERY}")
    frame = player_frame(page, timeout=180)
    traces = frame.evaluate(
        """() => { const P = LLPlayer.current();
                   return { d3: P.gd3.data.map((t) => t.type),
                            d2: P.gd2.data.map((t) => t.type) }; }"""
    )
    assert traces["d3"][0] == "surface" and traces["d3"].count("scatter3d") >= 4
    assert traces["d2"][0] == "contour"
    # The slice's axes are named (both charts' axis titles), and the runs are the page's own
    # defaults, not the explorer's scene that app.py keeps in other pages' addresses.
    axes = frame.evaluate(
        """() => { const P = LLPlayer.current();
                   return [P.gd2.layout.xaxis.title.text, P.gd2.layout.yaxis.title.text,
                           P.gd3.layout.scene.xaxis.title.text]; }"""
    )
    one, two = "direction 1 (filter-normalised)", "direction 2 (filter-normalised)"
    assert axes == [one, two, "direction 1"], axes  # short in 3-D
    text = frame.locator("body").inner_text()
    assert "SGD (torch.optim.SGD) lr=0.5" in text
    st = state(frame)
    assert len(st["paths2d"]) == 4 and all(n > 10 for n in st["paths2d"]), st
    # The boundary plot: the data (two scatter traces) and one contour line per run.
    boundary = page.locator(".js-plotly-plot").filter(has_text="Decision boundaries")
    boundary.wait_for(timeout=60_000)
    kinds = boundary.evaluate("(el) => el.data.map((t) => t.type)")
    assert kinds.count("scatter") == 2 and kinds.count("contour") == 4, kinds
    assert page.get_by_text("How honest is the slice?").count() == 1
    assert all("/network/_stcore/" in u for u in missing), missing
    errors = [e for e in page.console_errors if "status of 404" not in e]
    assert not errors, errors
    screenshot(page, "network-default")
    page.get_by_text("How honest is the slice?").scroll_into_view_if_needed()
    screenshot(page, "network-readout")
