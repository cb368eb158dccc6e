"""The explorer end to end: settings -> ready payload, and one server under a classroom.

1. Server-side time from changed settings to a ready payload for the default scene
   (4 runs x 500 steps, 100 x 100 grid): trajectories computed by the real engine on the
   real surface, then our payload, against the same trajectories then the naive
   frames-based ``go.Figure`` (one ``go.Frame`` per step), in the same process. Median of
   several runs; the grid is recomputed each time (a changed surface).
2. Payload bytes against steps for the default scene's runs (linear in steps).
3. One server, many students: 10 browser contexts open the app at once, each with
   different settings (a different link); time to the first drawn chart per session
   (p50, p95) and the server's resident memory before and after.

Run: ``python -m benchmarks.bench_explorer`` (needs /usr/bin/chromium for part 3).
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path

import numpy as np
import psutil

import figures
from benchmarks.naive import naive_frames_figure
from benchmarks.report import median_time, write_section
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, free_port
from ui import scene as sc

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 10


def scene_data(scene):
    """Compute the scene's trajectories and grid exactly as the page does (no cache)."""
    surface = scene.build_surface()
    runs = sc.results(scene)
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, 100), np.linspace(y0, y1, 100)
    xx, yy = np.meshgrid(xs, ys)
    z = surface.value(np.column_stack([xx.ravel(), yy.ravel()])).reshape(100, 100)
    kwargs = {
        "domain": surface.domain,
        "start": scene.start_point(surface),
        "minima": surface.minima,
        "log_z": surface.log_z,
        "z_clip": surface.z_clip,
        "title": surface.title,
    }
    return xs, ys, z, runs, kwargs


def ours(scene):
    xs, ys, z, runs, kwargs = scene_data(scene)
    return json.dumps(figures.player_payload(xs, ys, z, runs, **kwargs))


def naive(scene):
    xs, ys, z, runs, kwargs = scene_data(scene)
    return naive_frames_figure(xs, ys, z, runs, **kwargs).to_json()


def server_side():
    scene = sc.default_scene()
    scene.build_surface()  # the formula/sympy build is cached per surface in the app too
    t_ours = median_time(lambda: ours(scene), repeats=7)
    t_naive = median_time(lambda: naive(scene), repeats=3)
    t_compute = median_time(lambda: scene_data(scene), repeats=7)
    return t_compute, t_ours, t_naive


def sizes():
    rows = []
    for steps in (100, 500, 1000, 2000, 5000):
        scene = replace(sc.default_scene(), steps=steps)
        rows.append((steps, len(ours(scene).encode())))
    return rows


def classroom():
    """Open SESSIONS browser sessions at once, each with its own link; time to chart."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        proc = psutil.Process(server.pid)
        rss_idle = proc.memory_info().rss
        peak = [rss_idle]
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                peak[0] = max(peak[0], proc.memory_info().rss)
                time.sleep(0.1)

        watcher = threading.Thread(target=watch)
        watcher.start()
        links = []
        names = ("rosenbrock", "saddle", "canyon", "himmelblau", "beale")
        for i in range(SESSIONS):
            name = names[i % len(names)]
            scene = sc.Scene(surface=name, runs=sc.default_runs(name), steps=300 + 50 * i)
            links.append(f"{base}/?{urllib.parse.urlencode(sc.to_query(scene))}")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = [browser.new_context(viewport={"width": 1400, "height": 900}).new_page()]
            pages += [browser.new_context().new_page() for _ in range(SESSIONS - 1)]
            t0 = time.perf_counter()
            for page, link in zip(pages, links, strict=True):
                page.goto(link, wait_until="commit")
            served = [None] * SESSIONS  # the server's script run delivered the player
            drawn = [None] * SESSIONS  # the browser finished drawing it (WebGL included)
            deadline = time.perf_counter() + 400
            while None in drawn and time.perf_counter() < deadline:
                for i, page in enumerate(pages):
                    if served[i] is None and _player_frame(page) is not None:
                        served[i] = time.perf_counter() - t0
                    if drawn[i] is None and _drawn(page):
                        drawn[i] = time.perf_counter() - t0
                pages[0].wait_for_timeout(50)  # pumps Playwright events; sleep would not
            first_chart = []
            for _ in range(3):  # one student alone: a fresh page load to the drawn chart
                page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
                t1 = time.perf_counter()
                page.goto(links[0], wait_until="commit")
                while not _drawn(page) and time.perf_counter() - t1 < 120:
                    page.wait_for_timeout(50)
                first_chart.append(time.perf_counter() - t1)
                page.context.close()
            browser.close()
        stop.set()
        watcher.join()
        rss_after = proc.memory_info().rss
    finally:
        server.terminate()
        server.wait(timeout=20)
    served = [t for t in served if t is not None]
    drawn = [t for t in drawn if t is not None]
    return served, drawn, statistics.median(first_chart), rss_idle, peak[0], rss_after


def _player_frame(page):
    return next((f for f in page.frames if "/component/" in f.url and "player" in f.url), None)


def _drawn(page):
    frame = _player_frame(page)
    try:
        return frame is not None and frame.query_selector("#llp-root[data-ready]") is not None
    except Exception:  # the frame is navigating
        return False


def _p(values, q):
    """The q-quantile (0..1) of a few values, by the nearest rank."""
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main():
    t_compute, t_ours, t_naive = server_side()
    size_rows = sizes()
    lines = [
        "Default scene: Rosenbrock, GD, momentum, RMSprop and Adam, 500 steps each, "
        "100 x 100 grid; engine and surface are the app's own. Each time includes "
        "computing the trajectories and the grid.",
        "",
        "| settings -> ready payload | median |",
        "|---|---|",
        f"| trajectories + grid only | {t_compute * 1e3:.1f} ms |",
        f"| ours: + player payload (JSON) | **{t_ours * 1e3:.1f} ms** |",
        f"| naive: + frames `go.Figure` (JSON) | {t_naive * 1e3:.0f} ms |",
        f"| speed-up | **{t_naive / t_ours:.0f}x** |",
        "",
        "| steps (4 runs) | payload |",
        "|---|---|",
    ]
    lines += [f"| {steps:,} | {n / 1e6:.3f} MB |" for steps, n in size_rows]
    per_step = (size_rows[-1][1] - size_rows[0][1]) / (size_rows[-1][0] - size_rows[0][0])
    lines.append(f"\nGrowth: {per_step:.0f} bytes per step for 4 runs (linear).")
    if os.path.exists(CHROMIUM):
        served, drawn, first, rss_idle, rss_peak, rss_after = classroom()
        lines += [
            "",
            f"**Time to the first drawn chart**, one student, fresh page load: {first:.1f} s "
            "(median of 3; the 3-D scene is drawn by SwiftShader, software WebGL, here).",
            "",
            f"**One server, {SESSIONS} students**: {SESSIONS} browser sessions opened at once, "
            "each with a different link (5 surfaces, 300-750 steps).",
            "",
            "| | p50 | p95 |",
            "|---|---|---|",
            f"| player delivered by the server ({len(served)}/{SESSIONS}) | "
            f"{_p(served, 0.5):.1f} s | {_p(served, 0.95):.1f} s |",
            f"| chart drawn in the browser ({len(drawn)}/{SESSIONS}) | "
            f"{_p(drawn, 0.5):.1f} s | {_p(drawn, 0.95):.1f} s |",
            "",
            f"Server memory idle / peak / after: {rss_idle / 2**20:.0f} / "
            f"{rss_peak / 2**20:.0f} / {rss_after / 2**20:.0f} MiB. The drawn times are "
            "bounded by the client, not the server: all ten pages share one Chromium whose "
            "software WebGL draws one 3-D scene after another on the same 2 cores as the "
            "server; in a classroom every student's own browser draws its own.",
            "",
            "Caches are bounded: trajectories 256 scenes, payloads and grids 64 "
            "(`ui/compute.py`), parsed formulas and built-in surfaces by LRU "
            "(`surfaces/`).",
        ]
    write_section("explorer", "Explorer: settings to payload, and a classroom", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
