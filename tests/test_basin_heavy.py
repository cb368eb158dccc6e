"""Heavy basin maps (issue 12): they wait for a button, show progress, stop on a new
setting, and the server keeps answering while one computes.

The default map on ``logistic_regression`` (100 x 100 starts x 500 steps x 4 optimizers,
every evaluation a sum over 100 samples) took 430 s in one script run here and made
the page fuzz's AppTests time out. Now the page estimates the cost and waits for
"Compute"; the computation runs in chunks of about half a second, each followed by a
progress update, which is where Streamlit stops a script that a new setting reruns.
"""

import asyncio
import concurrent.futures
import time

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import sweeps
from tests.st_client import Server, Session, health
from ui import basin_view

PAGE = "pages/basins.py"
PROBE_LIMIT = 5.0  # seconds, as tests/test_server_responsive.py (the 1 s is measured)
HEAVY = "surface=logistic_regression"


def _labels(at, kind):
    return [getattr(e, "label", None) or e.value for e in at.get(kind)]


def test_a_heavy_map_waits_for_the_button(app_test):
    at = app_test("app.py", timeout=120)
    at.query_params["surface"] = "logistic_regression"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any(label.startswith("Compute 4 maps") for label in _labels(at, "button"))
    assert any("take about" in text for text in _labels(at, "info"))
    assert not at.get("plotly_chart")  # nothing computed yet


def test_compute_draws_the_maps_and_keeps_them(app_test, monkeypatch):
    monkeypatch.setattr(basin_view, "HEAVY_SECONDS", 0.0)  # every map counts as heavy
    at = app_test(PAGE, timeout=120)
    at.session_state["basins.grid"] = 20
    at.session_state["basins.steps"] = 50
    at.run()
    assert not at.get("plotly_chart")
    compute = next(b for b in at.button if b.key == "basins.compute")
    compute.click().run()
    assert not at.exception
    count = next(n.value for n in at.number_input if n.key.endswith(".count"))
    assert len(at.get("plotly_chart")) == count >= 1  # one map per optimizer
    assert any(b.key == "basins.stop" for b in at.button)
    at.run()  # cached now: no button, the maps stay
    assert len(at.get("plotly_chart")) == count
    assert not any(b.key == "basins.compute" for b in at.button)


def test_small_chunks_give_the_same_map_and_report_after_each():
    surface = surfaces.get("himmelblau")
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, 12), np.linspace(y0, y1, 10)
    opt = optimizers.make("adam", lr=0.05)
    reports = []
    whole = sweeps.basin_map(surface, opt, xs, ys, 60, surface.minima, 0.1)
    small = sweeps.basin_map(
        surface, opt, xs, ys, 60, surface.minima, 0.1, chunk_points=61 * 7,
        progress=lambda f, m: reports.append(f),
    )  # fmt: skip
    for a, b in zip(whole, small, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(reports) == -(-120 // 7) and reports[-1] == 1.0


def _run(coro):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _finish(session, seen, timeout=180):
    """Read until the run finishes; return its status."""
    while True:
        kind, value = await session.next_event(timeout)
        if kind == "finished":
            return value
        seen.append(value)


async def _load(session, seen):
    """Read until a run finishes successfully (a fresh server reruns once through app.py)."""
    while await _finish(session, seen) != "FINISHED_SUCCESSFULLY":
        seen.clear()


async def _cancel_scenario(port):
    loop = asyncio.get_running_loop()
    async with Session(port) as s:
        seen = []
        await s.rerun("basins", HEAVY)
        await _load(s, seen)
        compute = next(e.button.id for e in seen if e.button.label.startswith("Compute"))
        seen.clear()
        await s.rerun("basins", HEAVY, triggers=[compute])
        progress, answers = 0, []
        while progress < 8:  # eight chunks done: it is computing, in chunks
            kind, element = await s.next_event(180)
            assert kind == "element", element
            seen.append(element)
            if element.WhichOneof("type") == "progress" and "starts" in element.progress.text:
                progress += 1
                answers.append(await loop.run_in_executor(None, health, port, PROBE_LIMIT))
        stop = next(e.button.id for e in seen if e.button.label == "Stop")
        t0 = time.perf_counter()
        await s.rerun("basins", HEAVY, triggers=[stop])
        after = []  # Streamlit sends no "finished" for the stopped run: the rerun's come next
        status = await _finish(s, after)
        latency = time.perf_counter() - t0
    return status, after, answers, latency


@pytest.mark.timeout(600)
def test_stop_cancels_a_heavy_map_and_health_answers_meanwhile():
    server = Server()
    try:
        status, after, answers, latency = _run(_cancel_scenario(server.port))
    finally:
        server.stop()
    assert status == "FINISHED_SUCCESSFULLY"
    # The rerun stopped the computation (minutes of it were left) and drew the page again
    # without maps: the Compute button waits once more, and no progress or map follows.
    assert any(e.button.label.startswith("Compute") for e in after)
    assert not [e for e in after if e.WhichOneof("type") in ("progress", "plotly_chart")]
    assert answers and None not in answers  # health answered within PROBE_LIMIT
    print(f"stop latency {latency:.2f} s, health {max(answers):.3f} s max")
