"""A classroom on one server: N sessions through Streamlit's websocket protocol.

Usage: python -m benchmarks.bench_load [N] [SCENARIO...]. Scenarios: ``same`` (every
session opens one lesson link, a class following the teacher), ``different`` (each
session a different explorer scene), ``noop`` (the floor: a script that draws one line,
same load). Prints per scenario: p50/p95/max script-run time (send to
``script_finished``), failures, and the server's RSS before and after.
"""

from __future__ import annotations

import asyncio
import random
import sys

from tests.st_client import Server, run_page

SURFACES = ["rosenbrock", "saddle", "canyon", "beale", "himmelblau", "booth", "ackley"]
OPTIMIZERS = ["gd", "adam", "rmsprop", "nesterov", "adagrad", "lion", "radam"]


def different_scenes(n, seed=0):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        surface = SURFACES[i % len(SURFACES)]
        runs = ";".join(rng.sample(OPTIMIZERS, 2))  # the link separates runs with ";"
        start = f"{rng.uniform(-2, 2):.3f},{rng.uniform(-1, 2):.3f}"
        out.append(("", f"surface={surface}&runs={runs}&start={start}&steps={100 + i}"))
    return out


async def _load(port, requests):
    return await asyncio.gather(*(run_page(port, page, q, timeout=300) for page, q in requests))


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]


def scenario(name, n):
    script = "benchmarks/noop_app.py" if name == "noop" else "app.py"
    server = Server(script)
    try:
        rss0 = server.rss_mb()
        warm_page = "lessons" if name == "same" else ""
        asyncio.run(run_page(server.port, warm_page, "lesson=3" if name == "same" else ""))
        if name == "same":
            requests = [("lessons", "lesson=3")] * n
        elif name == "different":
            requests = different_scenes(n)
        else:
            requests = [("", "")] * n
        results = asyncio.run(_load(server.port, requests))
        rss1 = server.rss_mb()
    finally:
        server.stop()
    times = [r.seconds for r in results if r.status == "ok"]
    bad = sum(1 for r in results if r.status != "ok" or r.exceptions)
    print(
        f"{name}: {n} sessions, p50 {_pct(times, 0.5):.2f} s, p95 {_pct(times, 0.95):.2f} s, "
        f"max {max(times):.2f} s, failed {bad}, RSS {rss0:.0f} MB idle -> {rss1:.0f} MB after",
        flush=True,
    )


def main(argv):
    n = int(argv[0]) if argv else 50
    for name in argv[1:] or ["noop", "same", "different"]:
        scenario(name, n)


if __name__ == "__main__":
    main(sys.argv[1:])
