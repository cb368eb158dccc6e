"""Size and speed of the animation player's payload, written to docs/benchmarks.md "player".

Run from the repository root:

    python -m benchmarks.bench_player

(a) Default scene (Rosenbrock, 100 x 100 grid, log colours, 4 runs x 500 steps): server-side
    build time of ``figures.player_payload`` against ``figures.naive_frames_figure`` (one
    ``go.Frame`` per step, built through ``go.Figure`` validation), in the same process, with
    and without serialization to the JSON Streamlit sends. The trajectories come from a
    vectorized NumPy momentum-SGD *stand-in* (4 settings at once), timed separately and
    labelled so: the real engine is ``optimizers.run`` (see the "engine" section).
(b) Payload bytes against steps (100 ... 5000) for both approaches; the naive figure is
    built while it stays under a size / time budget, and the table says where it stopped.
(c) Time to first drawn chart in headless Chromium (Debian's /usr/bin/chromium) from a fresh
    page load of tests/browser/player_app.py, median of several loads; skipped with a note
    if Chromium is missing.

    python -m benchmarks.bench_player live [BASELINE_REF]

(d) The live explorer (issue 13), section "player-live": the explorer page (app.py, default
    scene) of this checkout against a baseline commit (default: ``BASELINE``, main before
    issue 13), both served in the same run from ``git archive`` copies: a fresh load's
    JavaScript (CPU time from the DevTools Performance metrics, bytes of every script of
    the page and its frames) and time to the player and the loss curve drawn; Play (map
    and 3-D frames a second, share of the time in long tasks, key-press delays); and the
    slider-to-repaint latency of scrubbing a learning rate against a sidebar change.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import plotly.io

from benchmarks.naive import naive_frames_figure
from benchmarks.report import median_time, write_section
from benchmarks.serve import serve
from figures import Run, payload_bytes, player_payload
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ((-2.0, 2.0), (-1.0, 3.0))
START = (-1.5, 2.0)
COLORS = ["#e4572e", "#17a398", "#7e3fbf", "#f2a541"]
# (lr, momentum): three converge at different speeds, the last diverges early.
SETTINGS = [(2e-4, 0.0), (2e-4, 0.9), (1e-3, 0.95), (2.5e-3, 0.95)]
SIZE_STEPS = [100, 500, 1000, 2000, 5000]
NAIVE_BUDGET_BYTES = 100e6  # stop building the naive figure past ~100 MB of JSON
NAIVE_BUDGET_SECONDS = 120.0
LOADS = 5
READY = "[data-testid=stApp][data-test-script-state=notRunning]"


def rosen(xy):
    x, y = xy[..., 0], xy[..., 1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosen_grad(xy):
    x, y = xy[..., 0], xy[..., 1]
    r = y - x * x
    return np.stack([-2 * (1 - x) - 400 * x * r, 200 * r], axis=-1)


def grid(n=100):
    xs = np.linspace(*DOMAIN[0], n)
    ys = np.linspace(*DOMAIN[1], n)
    return xs, ys, rosen(np.stack(np.meshgrid(xs, ys), axis=-1))


def trajectories(steps):
    """Stand-in for optimizers.run: momentum SGD, 4 settings vectorized, escape at 1e6."""
    lr = np.array([s[0] for s in SETTINGS])[:, None]
    beta = np.array([s[1] for s in SETTINGS])[:, None]
    n = len(SETTINGS)
    points = np.full((n, steps + 1, 2), np.nan)
    values = np.full((n, steps + 1), np.nan)
    p = np.tile(START, (n, 1)).astype(float)
    buf = np.zeros_like(p)
    diverged = np.full(n, -1)
    points[:, 0], values[:, 0] = p, rosen(p)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            buf = beta * buf + rosen_grad(p)
            p = np.where((diverged >= 0)[:, None], np.nan, p - lr * buf)
            points[:, t], values[:, t] = p, rosen(p)
            bad = (diverged < 0) & ~(np.isfinite(values[:, t]) & (np.abs(p).max(axis=1) < 1e6))
            diverged[bad] = t
    return [
        Run(
            f"SGD lr={lr[i, 0]:g} momentum={beta[i, 0]:g}",
            COLORS[i],
            points[i],
            values[i],
            int(diverged[i]),
        )
        for i in range(n)
    ]


def scene_kwargs(runs):
    return dict(domain=DOMAIN, start=START, minima=[(1.0, 1.0)], log_z=True)


def ours(xs, ys, z, runs):
    return player_payload(xs, ys, z, runs, **scene_kwargs(runs))


def naive(xs, ys, z, runs):
    fig = naive_frames_figure(xs, ys, z, runs, **scene_kwargs(runs))
    # A fair baseline: one frame per step, as the player shows.
    assert len(fig.frames) == max(len(r.values) for r in runs)
    return fig


def fmt_bytes(n):
    return f"{n / 1e6:,.2f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def _timed(build, serialize, repeats):
    """Median build time and median build + serialize time, from the same runs."""
    build()  # warm-up
    t_build, t_total = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = build()
        t1 = time.perf_counter()
        serialize(out)
        t2 = time.perf_counter()
        t_build.append(t1 - t0)
        t_total.append(t2 - t0)
    return statistics.median(t_build), statistics.median(t_total)


def build_times():
    xs, ys, z = grid()
    runs = trajectories(500)
    t_compute = median_time(lambda: trajectories(500), repeats=7)
    t_ours, t_ours_json = _timed(
        lambda: ours(xs, ys, z, runs), lambda p: json.dumps(p, allow_nan=False), repeats=9
    )
    t_naive, t_naive_json = _timed(lambda: naive(xs, ys, z, runs), lambda f: f.to_json(), 3)
    return {
        "compute": t_compute,
        "ours": t_ours,
        "ours_json": t_ours_json,
        "naive": t_naive,
        "naive_json": t_naive_json,
        "diverged": [r["diverged_at"] for r in runs],
    }


def sizes():
    xs, ys, z = grid()
    rows, stopped = [], None
    for steps in SIZE_STEPS:
        runs = trajectories(steps)
        row = {"steps": steps, "ours": payload_bytes(ours(xs, ys, z, runs))}
        if stopped is None:
            t0 = time.perf_counter()
            text = plotly.io.to_json(naive(xs, ys, z, runs), validate=False)
            elapsed = time.perf_counter() - t0
            row["naive"], row["naive_s"] = len(text.encode()), elapsed
            del text
            # Frames repeat the path so far: the JSON grows with steps² (exactly: frame k
            # holds k points per trace), the build time at least linearly (one validated
            # go.Frame per step). Stop before the next size would blow either budget.
            nxt = SIZE_STEPS[SIZE_STEPS.index(steps) + 1] if steps != SIZE_STEPS[-1] else None
            if nxt is not None:
                est_bytes = row["naive"] * (nxt / steps) ** 2
                est_seconds = elapsed * nxt / steps
                if est_bytes > NAIVE_BUDGET_BYTES or est_seconds > NAIVE_BUDGET_SECONDS:
                    stopped = (nxt, est_bytes, est_seconds)
        rows.append(row)
    return rows, stopped


def first_chart_times(steps=500):
    """Fresh page loads of the player test app: navigation start -> both charts drawn."""
    if not Path(CHROMIUM).exists():
        return None, "Chromium not installed at /usr/bin/chromium: not measured"
    from playwright.sync_api import sync_playwright

    with serve("tests/browser/player_app.py") as base:
        url = f"{base}?steps={steps}"
        keys = ("app", "first", "ready", "iframe", "script", "payload", "js", "map")
        times = {k: [] for k in keys}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for i in range(LOADS + 1):  # the first load warms the server's cache: dropped
                context = browser.new_context(viewport={"width": 1400, "height": 950})
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(READY, timeout=120_000)
                t_app = time.perf_counter() - t0
                frame, deadline = None, time.monotonic() + 120
                while frame is None and time.monotonic() < deadline:
                    for f in page.frames:
                        if "/component/" in f.url and f.query_selector(".js-plotly-plot"):
                            frame = f
                    page.wait_for_timeout(20)  # lets Playwright process events (time.sleep won't)
                if frame is None:
                    raise RuntimeError("the player did not draw within 120 s")
                t_first = time.perf_counter() - t0
                frame.wait_for_selector("#llp-root[data-ready]", timeout=60_000)
                t_ready = time.perf_counter() - t0
                # Milestones inside the iframe, on the page's clock (ms since navigation).
                origin = page.evaluate("() => performance.timeOrigin")
                inside = frame.evaluate(
                    """(origin) => {
                      const at = (t) => performance.timeOrigin + t - origin;
                      const js = performance.getEntriesByType("resource")
                        .find((e) => e.name.includes("plotly.min.js"));
                      const mark = (n) => at(performance.getEntriesByName(n)[0].startTime);
                      return { iframe: at(0), js: js.responseEnd - js.startTime,
                               script: mark("llp-script"), payload: mark("llp-payload"),
                               map: mark("llp-map") };
                    }""",
                    origin,
                )
                if i > 0:
                    times["app"].append(t_app)
                    times["first"].append(t_first)
                    times["ready"].append(t_ready)
                    for k in ("iframe", "script", "payload", "js", "map"):
                        times[k].append(inside[k] / 1e3)
                context.close()
            browser.close()
    return times, None


def main():
    if sys.argv[1:2] == ["live"]:
        from benchmarks.bench_player_live import main as live

        return live(sys.argv[2] if len(sys.argv) > 2 else None)
    load_before = os.getloadavg()[0]
    bt = build_times()
    rows, stopped = sizes()
    loads, note = first_chart_times()
    lines = [
        "Scene: Rosenbrock, 100×100 grid, log colours, 4 runs × 500 steps from (−1.5, 2) "
        "(momentum SGD, 4 settings; diverged at steps "
        f"{', '.join(str(d) for d in bt['diverged'])}, −1 = never).",
        "",
        "**Server side, default scene** (median of 9 runs for ours, 3 for the naive figure; "
        "the same process):",
        "",
        "| step | ours: `player_payload` | naive: `go.Figure` + 501 `go.Frame` | speed-up |",
        "|---|---|---|---|",
        f"| build | {bt['ours'] * 1e3:.1f} ms | {bt['naive'] * 1e3:,.0f} ms | "
        f"**{bt['naive'] / bt['ours']:,.0f}×** |",
        f"| build + serialize to JSON | {bt['ours_json'] * 1e3:.1f} ms | "
        f"{bt['naive_json'] * 1e3:,.0f} ms | **{bt['naive_json'] / bt['ours_json']:,.0f}×** |",
        "",
        f"Trajectory compute, NumPy stand-in (vectorized momentum SGD, not `optimizers.run`): "
        f"{bt['compute'] * 1e3:.1f} ms. Stand-in compute + our build + JSON: "
        f"**{(bt['compute'] + bt['ours_json']) * 1e3:.1f} ms** (issue 4 budget: 150 ms); "
        "the real engine's time is in the engine section.",
        "",
        "**Payload bytes against steps** (4 runs, 100×100 grid; JSON as sent to the browser):",
        "",
        "| steps | ours | ours / step | naive frames figure | naive build + JSON |",
        "|---|---|---|---|---|",
    ]
    base = rows[0]["ours"]
    for r in rows:
        per = (r["ours"] - base) / (r["steps"] - rows[0]["steps"]) if r is not rows[0] else None
        naive_cell = fmt_bytes(r["naive"]) if "naive" in r else "not built"
        naive_t = f"{r['naive_s']:.1f} s" if "naive" in r else "–"
        lines.append(
            f"| {r['steps']:,} | {fmt_bytes(r['ours'])} | "
            f"{'–' if per is None else f'{per:.0f} B'} | {naive_cell} | {naive_t} |"
        )
    lines.append("")
    lines.append(
        "Ours grows linearly: 4 runs × 3 float32 (x, y, loss) = 48 bytes a step, 64 in "
        "base64, on top of the grid (~53 kB). The naive figure repeats the path so far in "
        "every frame, so it grows with steps²."
    )
    if stopped:
        lines.append(
            f"The naive figure was not built for {stopped[0]:,} steps and above: from the "
            f"last measured size it would be ~{fmt_bytes(stopped[1])} of JSON (steps²) and "
            f"take at least ~{stopped[2]:,.0f} s (linear), over the budget of "
            f"{fmt_bytes(NAIVE_BUDGET_BYTES)} / {NAIVE_BUDGET_SECONDS:.0f} s; a browser "
            "would have to download and parse that before the first frame."
        )
    lines.append("")
    if loads:
        med = {k: statistics.median(v) for k, v in loads.items()}
        rng = {k: f"{min(v):.2f}–{max(v):.2f} s" for k, v in loads.items()}
        lines += [
            f"**Time to first drawn chart in headless Chromium** (fresh page load of "
            f"tests/browser/player_app.py, 3 runs × 500 steps, median of {LOADS} loads after "
            "one warm-up load; SwiftShader software WebGL):",
            "",
            "| from navigation start to | median | range |",
            "|---|---|---|",
            f"| Streamlit script finished (page shell ready) | {med['app']:.2f} s | {rng['app']} |",
            f"| player iframe created | {med['iframe']:.2f} s | {rng['iframe']} |",
            f"| plotly.js downloaded ({med['js']:.2f} s of it), parsed and run | "
            f"{med['script']:.2f} s | {rng['script']} |",
            f"| payload received (`streamlit:render`) | {med['payload']:.2f} s | "
            f"{rng['payload']} |",
            f"| first Plotly chart in the player iframe (polled from Python) | "
            f"{med['first']:.2f} s | {rng['first']} |",
            f"| contour map drawn with the paths (drawn first, playable) | {med['map']:.2f} s "
            f"| {rng['map']} |",
            f"| **both charts drawn with the paths** (`data-ready`) | **{med['ready']:.2f} s** "
            f"| {rng['ready']} |",
            "",
            "Measured on a shared 2-core machine with other jobs running, so the spread is "
            "wide; the milestones inside the iframe come from `performance.mark` calls in "
            "player.js, on the page's clock.",
        ]
    else:
        lines.append(f"Time to first drawn chart: {note}.")
    lines += [
        "",
        f"1-minute load average of the machine: {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (2 cores, shared with other jobs): absolute "
        "times are inflated and noisy, the ratios measured in one process much less so.",
    ]
    write_section("player", "Player: payload size and build time", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
