"""The live explorer in headless Chromium, this checkout against a baseline commit.

Run from the repository root (a few minutes; writes docs/benchmarks.md "player-live"):

    python -m benchmarks.bench_player live [BASELINE_REF]

The baseline is exported with ``git archive`` and served by the same Python as this
checkout, so every ratio compares two runs on the same machine minutes apart. Debian's
Chromium with SwiftShader (software WebGL), as the browser tests launch it.

Measured on the explorer page (app.py) with its default scene:

- fresh load (new browser context each time, median of ``LOADS`` after one warm-up):
  JavaScript CPU time (``ScriptDuration`` of the DevTools Performance metrics, page and
  its same-origin frames), bytes of JavaScript (transferred and decoded, every frame),
  time from navigation to the player's two charts drawn (``data-ready``) and to the loss
  curve drawn (``st.plotly_chart`` in the baseline, the player's curves tab here);
- Play for ``PLAY_SECONDS``: frames drawn on the map and on the 3-D chart per second
  (counted by wrapping the player's own draw functions, so the same probe works on both
  versions), the share of the time in long tasks (> 50 ms), and the delay from a key press
  to its handler (a Shift press every ~200 ms, handled by a listener the probe adds);
- scrubbing (this version only, when it has the ladder): the delay from a learning-rate
  slider's input event to the repainted paths, against the same change made through the
  sidebar (a Streamlit rerun, from the key press to the new paths drawn).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.report import write_section
from benchmarks.serve import serve
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "ae3ad83"  # main before issue 13 (the engine and player work)
LOADS = 3
PLAY_SECONDS = 6
READY = "[data-testid=stApp][data-test-script-state=notRunning]"

SCRIPTS = """() => performance.getEntriesByType("resource")
  .filter((e) => e.initiatorType === "script" || e.name.split("?")[0].endsWith(".js"))
  .map((e) => [e.name.split("/").pop().split("?")[0], e.transferSize, e.decodedBodySize])"""

# The loss curve: the baseline's st.plotly_chart in the page, or the player's curves tab.
CURVE_IN_PAGE = "[data-testid=stPlotlyChart] .js-plotly-plot .scatterlayer .trace"

# Milestones as wall-clock times (epoch ms, comparable across frames): inside the player,
# its own performance marks ("llp-ready": 3-D and map drawn; "llp-curves": a curves tab
# drawn); in the page, a MutationObserver (installed before any script) notes when the
# baseline's st.plotly_chart loss curve appears. Either way a main thread busy right after
# (creating the WebGL scene) cannot delay the reading, as polling from Python would.
MILESTONES = """(() => {
  const seen = (window.__llpSeen = {});
  const look = () => {
    if (!("curve" in seen) && document.querySelector("CURVE")) {
      seen.curve = performance.timeOrigin + performance.now();
    }
  };
  const all = { subtree: true, childList: true, attributes: true };
  (window.__llpObserver = new MutationObserver(look)).observe(document, all);
})();""".replace("CURVE", CURVE_IN_PAGE)

READ_MILESTONES = """() => {
  const out = Object.assign({}, window.__llpSeen || {});
  const mark = (name, key) => {
    const e = performance.getEntriesByName(name)[0];
    if (e && !(key in out)) out[key] = performance.timeOrigin + e.startTime;
  };
  mark("llp-ready", "player");
  mark("llp-curves", "curve");
  return out;
}"""

PLAY_PROBE = """async (seconds) => {
  const P = LLPlayer.current();
  let map = 0, d3 = 0, longMs = 0;
  const lags = [];
  const draw = P.overlay.draw.bind(P.overlay);
  P.overlay.draw = (m, f) => { if (f !== P.overlay.frame) map++; return draw(m, f); };
  const draw3d = P.draw3d.bind(P);
  P.draw3d = () => { d3++; return draw3d(); };
  const obs = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) longMs += e.duration;
  });
  obs.observe({ entryTypes: ["longtask"] });
  const onKey = (e) => { if (e.key === "Shift") lags.push(performance.now() - e.timeStamp); };
  window.addEventListener("keydown", onKey, true);
  window.__llpProbe = { stop: () => {
      obs.disconnect();
      window.removeEventListener("keydown", onKey, true);
      P.overlay.draw = draw; P.draw3d = draw3d;
      return { map, d3, longMs, lags, costs: P.stats ? P.stats.costs.slice() : null };
  } };
  P.speed = 50; P.show(0); P.play();
  window.__llpProbe.t0 = performance.now();
}"""

PLAY_STOP = """() => { const P = LLPlayer.current(); const r = window.__llpProbe.stop();
  r.ms = performance.now() - window.__llpProbe.t0; P.pause(false); return r; }"""


def export(ref, dest):
    """Write the files of commit ``ref`` into ``dest`` (``git archive``)."""
    archive = subprocess.run(
        ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def player_frame(page):
    for f in page.frames:
        if "/component/" in f.url and "player" in f.url:
            with contextlib.suppress(Exception):
                if f.query_selector("#llp-root[data-ready]"):
                    return f
    return None


def wait_for(fn, timeout=120, step=20):
    """Poll ``fn`` (a Playwright-aware wait between polls) until truthy; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(step / 1e3)
    raise RuntimeError("timed out")


def fresh_load(browser, url):
    """One fresh load: JS CPU time and bytes, times to the player and the loss curve."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.add_init_script(MILESTONES)
    page.goto(url)
    origin = page.evaluate("() => performance.timeOrigin")  # navigation start, epoch ms

    def drawn():
        marks = {}
        for f in page.frames:
            with contextlib.suppress(Exception):
                marks.update(f.evaluate(READ_MILESTONES))
        page.wait_for_timeout(50)  # lets Playwright process events
        return marks if len(marks) == 2 else None

    marks = {k: (v - origin) / 1e3 for k, v in wait_for(drawn).items()}
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    scripts = []
    for f in page.frames:
        with contextlib.suppress(Exception):
            scripts += f.evaluate(SCRIPTS)
    context.close()
    return {
        "script_s": metrics["ScriptDuration"],
        "task_s": metrics["TaskDuration"],
        "js_transfer": sum(s[1] or 0 for s in scripts),
        "js_decoded": sum(s[2] or 0 for s in scripts),
        "plotly_copies": sum(1 for s in scripts if "plotly" in s[0].lower()),
        "highlighter": any("SyntaxHighlighter" in s[0] for s in scripts),
        "player_s": marks["player"],
        "curve_s": marks["curve"],
    }


def play(browser, url):
    """Play the default scene for PLAY_SECONDS; frames a second, long tasks, key delays."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    frame = wait_for(lambda: player_frame(page) or page.wait_for_timeout(50))
    page.wait_for_timeout(2000)  # the 3-D scene's first redraws are done
    frame.locator(".llp-step").click()  # keyboard focus in the player's frame
    frame.evaluate(PLAY_PROBE, PLAY_SECONDS)
    end = time.monotonic() + PLAY_SECONDS
    while time.monotonic() < end:
        page.keyboard.press("Shift")
        page.wait_for_timeout(200)
    r = frame.evaluate(PLAY_STOP)
    context.close()
    lags = sorted(r["lags"])
    return {
        "map_fps": r["map"] / r["ms"] * 1e3,
        "d3_fps": r["d3"] / r["ms"] * 1e3,
        "long_share": r["longMs"] / r["ms"],
        "lag_median": statistics.median(lags) if lags else float("nan"),
        "lag_p95": pct(lags, 0.95),
        "lag_max": lags[-1] if lags else float("nan"),
        "keys": len(lags),
        "costs": r["costs"],
    }


def measure(root, browser):
    with serve("app.py", root) as url:
        fresh_load(browser, url)  # warm-up: the server computes and caches the scene
        loads = [fresh_load(browser, url) for _ in range(LOADS)]
        playing = play(browser, url)
        scrub = scrub_latency(browser, url)
    return loads, playing, scrub


SCRUB_PROBE = """() => {
  const range = document.querySelector(".llp-scrub-range");
  const lat = (window.__llpScrub = []);
  // After the player's own handler: the frame that paints the new path, then its commit.
  range.addEventListener("input", (e) => {
    const ts = e.timeStamp;
    requestAnimationFrame(() => setTimeout(() => lat.push(performance.now() - ts), 0));
  });
  const L = LLPlayer.current().model.ladder;
  return { n: L.values.length, index: L.index };
}"""


def scrub_latency(browser, url, rounds=3):
    """Slider-to-repaint latency of scrubbing, and the release's round trip for scale.

    Returns None when the version has no ladder (the baseline). A real mouse drags the
    ladder slider over every rung and back, ``rounds`` times; each input event's delay
    until the frame with the new path has painted is recorded. The release (a commit:
    one Streamlit rerun and a new payload drawn) is timed from the mouse-up to the
    player's ``data-ready`` changing, as a sidebar change would be.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    frame = wait_for(lambda: player_frame(page) or page.wait_for_timeout(50))
    if not frame.query_selector(".llp-scrub-range"):
        context.close()
        return None
    page.wait_for_timeout(2000)  # the 3-D scene's first redraws are done
    trips, lat = [], []
    for r in range(rounds):
        frame = wait_for(lambda: player_frame(page) or page.wait_for_timeout(50))
        info = frame.evaluate(SCRUB_PROBE)
        box = frame.locator(".llp-scrub-range").bounding_box()
        y = box["y"] + box["height"] / 2
        xs = [box["x"] + 8 + (box["width"] - 16) * k / (info["n"] - 1) for k in range(info["n"])]
        page.mouse.move(xs[info["index"]], y)
        page.mouse.down()
        for k in [*range(info["n"]), *range(info["n"] - 1, -1, -1)]:
            page.mouse.move(xs[k], y)
            page.wait_for_timeout(30)
        page.mouse.move(xs[0 if r % 2 else -1], y)  # release away from the current value
        page.wait_for_timeout(300)
        lat += frame.evaluate("() => window.__llpScrub.slice()")
        before = frame.evaluate("() => document.getElementById('llp-root').dataset.ready")
        t0 = time.monotonic()
        page.mouse.up()  # commits: one rerun, a new payload drawn

        def committed(before=before):
            f = player_frame(page)
            page.wait_for_timeout(20)
            ready = f and f.evaluate("() => document.getElementById('llp-root').dataset.ready")
            return ready and ready != before

        wait_for(committed)
        trips.append((time.monotonic() - t0) * 1e3)
    context.close()
    all_lat = sorted(lat)
    med_lat, med_trip = statistics.median(all_lat), statistics.median(trips)
    return [
        f"**Scrubbing** (the first run's learning rate, a real mouse dragging the player's "
        f"ladder slider over all {info['n']} values and back, {rounds} times; "
        f"{len(all_lat)} input events):",
        "",
        "| | median | p95 | max |",
        "|---|---|---|---|",
        f"| slider input → new path painted (no rerun) | **{med_lat:.0f} ms** | "
        f"{pct(all_lat, 0.95):.0f} ms | {all_lat[-1]:.0f} ms |",
        f"| release → committed value drawn (one Streamlit rerun, as a sidebar change) | "
        f"{med_trip:.0f} ms | {max(trips):.0f} ms | |",
        "",
        f"Round trip / scrub: **{med_trip / med_lat:.0f}×** (medians).",
    ]


def pct(values, q):
    """The q-quantile of sorted values (nearest rank); NaN for none."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def report(ref, base, ours):
    (bl, bp, _), (ol, op, scrub) = base, ours
    mb = 1e6

    def row(label, key, unit, scale=1.0, digits=2):
        b, o = med(bl, key) / scale, med(ol, key) / scale
        ratio = f"**{b / o:.2f}×**" if o else "–"
        return f"| {label} | {b:.{digits}f} {unit} | {o:.{digits}f} {unit} | {ratio} |"

    lines = [
        f"Explorer page (app.py, default scene: Rosenbrock, 4 runs × 500 steps), headless "
        f"Chromium with SwiftShader software WebGL. Baseline: commit `{ref}` (main before "
        "issue 13); this: the working tree's HEAD; both served in the same run.",
        "",
        f"**Fresh load** (new browser context, median of {LOADS} after a warm-up load):",
        "",
        "| | baseline | this | baseline / this |",
        "|---|---|---|---|",
        row("JavaScript CPU time (DevTools `ScriptDuration`)", "script_s", "s"),
        row("main-thread task time (`TaskDuration`)", "task_s", "s"),
        row("JavaScript transferred (compressed)", "js_transfer", "MB", mb),
        row("JavaScript decoded", "js_decoded", "MB", mb),
        row("navigation → player's 3-D and map drawn", "player_s", "s"),
        row("navigation → loss curve drawn", "curve_s", "s"),
        f"| copies of plotly.js loaded | {bl[0]['plotly_copies']} | {ol[0]['plotly_copies']} | |",
        f"| code highlighter loaded (share link) | {'yes' if bl[0]['highlighter'] else 'no'} | "
        f"{'yes' if ol[0]['highlighter'] else 'no'} | |",
        "",
        f"**Play** ({PLAY_SECONDS} s at 50 steps/s from step 0; a Shift key press every ~200 ms):",
        "",
        "| | baseline | this |",
        "|---|---|---|",
        f"| contour map, frames a second | {bp['map_fps']:.1f} | **{op['map_fps']:.1f}** |",
        f"| 3-D chart, frames a second | {bp['d3_fps']:.2f} | {op['d3_fps']:.2f} |",
        f"| share of the time in long tasks (> 50 ms) | {bp['long_share']:.0%} | "
        f"**{op['long_share']:.0%}** |",
        f"| key press → handler, median / p95 / max ({op['keys']} keys) | "
        f"{bp['lag_median']:.0f} / {bp['lag_p95']:.0f} / {bp['lag_max']:.0f} ms | "
        f"**{op['lag_median']:.0f} / {op['lag_p95']:.0f} / {op['lag_max']:.0f} ms** |",
    ]
    if op["costs"]:
        costs = op["costs"][1:] or op["costs"]  # the first includes the scene's set-up
        lines += [
            "",
            f"3-D redraw cost as this version measures it (its pacing input), median "
            f"{statistics.median(costs):.0f} ms, range {min(costs)}–{max(costs)} ms over "
            f"{len(costs)} redraws (the baseline measured −38 to −1 ms in most samples and "
            "turned its throttle off).",
        ]
    if scrub:
        lines += ["", *scrub]
    return "\n".join(lines)


def main(ref=None):
    ref = ref or BASELINE
    if not Path(CHROMIUM).exists():
        print("Chromium not installed at /usr/bin/chromium: nothing measured")
        return
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    try:
        export(ref, tmp)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            base = measure(tmp, browser)
            ours = measure(ROOT, browser)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    body = report(ref, base, ours)
    body += (
        f"\n\n1-minute load average: {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        "end (2 shared cores: absolute times are noisy; both versions ran minutes apart)."
    )
    write_section("player-live", "Player: live explorer (load, Play, scrubbing)", body)
    print(body)
