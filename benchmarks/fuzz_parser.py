"""Parser fuzz through a real server, with a responsiveness probe.

Usage: python -m benchmarks.fuzz_parser [N] [SEED]. Starts ``streamlit run
benchmarks/parse_app.py`` on 127.0.0.1, sends N random formulas (grammar-generated,
biased towards big exact numbers, nested powers, overflows, deep nesting and long sums)
from four concurrent sessions via the websocket protocol (tests/st_client.py), and
polls ``/_stcore/health`` every 0.1 s throughout. A baseline phase sends only easy
formulas the same way. Prints counts and the probe's latencies (median, p95, max, and
how many exceeded 1 s) for both phases.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
from urllib.parse import quote

from tests.st_client import Server, health, run_page

ATOMS = ["x", "y", "pi", "e", "2", "13/17", "97/101", "0.5", "10", "1e15", "3"]
FUNCS = ["sin", "cos", "exp", "log", "sqrt", "abs", "tanh", "atan", "sigmoid"]


def formula(rng, depth=0):
    r = rng.random()
    if depth > 4 or r < 0.25:
        return rng.choice(ATOMS)
    if r < 0.45:
        return f"{rng.choice(FUNCS)}({formula(rng, depth + 1)})"
    if r < 0.65:
        exponent = rng.choice(["2", "1000", "999", "-3", "(1/3)", "y", "x", "1000.5", "0.5"])
        return f"({formula(rng, depth + 1)})^{exponent}"
    if r < 0.75:
        return " + ".join(formula(rng, 5) for _ in range(rng.randint(5, 40)))
    op = rng.choice(["+", "-", "*", "/", " "])
    return f"{formula(rng, depth + 1)} {op} {formula(rng, depth + 1)}"


def hostile(rng):
    fixed = [
        "((13/17)^1000)^1000+x^2",
        "((97/101)^1000)^1000 + x^2",
        "tanh(sqrt((1/2 - tanh(abs(x))^(pi-10))^76))",
        "exp(exp(exp(exp(10))))+x",
        "9^9^9",
        "(((2/3)^100)^100)^100 x",
    ]
    if rng.random() < 0.2:
        return rng.choice(fixed)
    return formula(rng) + " + x^2"


async def _phase(port, texts, sessions=4):
    done = asyncio.Event()
    answers = []

    async def probe():
        loop = asyncio.get_running_loop()
        while not done.is_set():
            t = await loop.run_in_executor(None, health, port, 5.0)
            answers.append(5.0 if t is None else t)
            await asyncio.sleep(0.1)

    results = []
    queue = list(texts)

    async def session():
        while queue:
            text = queue.pop()
            r = await run_page(port, "", "f=" + quote(text[:300]), timeout=60)
            results.append((text, r))

    task = asyncio.create_task(probe())
    await asyncio.gather(*(session() for _ in range(sessions)))
    done.set()
    await task
    return results, answers


def _summary(name, results, answers):
    accepted = sum(1 for _, r in results if r.status == "ok" and not r.exceptions)
    exceptions = sum(1 for _, r in results if r.exceptions)
    timeouts = sum(1 for _, r in results if r.status != "ok")
    runs = sorted(r.seconds for _, r in results)
    p95 = runs[int(0.95 * (len(runs) - 1))]
    probes = sorted(answers)
    print(
        f"{name}: {len(results)} formulas, {exceptions} exception elements, {timeouts} runs "
        f"unfinished, {accepted} rendered; run p95 {p95:.2f} s; health probes {len(probes)}: "
        f"median {statistics.median(probes) * 1000:.0f} ms, "
        f"p95 {probes[int(0.95 * (len(probes) - 1))] * 1000:.0f} ms, max {probes[-1]:.2f} s, "
        f"over 1 s: {sum(p > 1.0 for p in probes)}"
    )


def main(n=60, seed=0):
    rng = random.Random(seed)
    server = Server("benchmarks/parse_app.py")
    try:
        asyncio.run(run_page(server.port, "", "f=x%5E2"))  # warm: imports, first worker
        easy = [f"x^2 + {k / 10:g}y^2 + {k}x" for k in range(n // 3)]
        _summary("baseline (easy formulas)", *asyncio.run(_phase(server.port, easy)))
        texts = [hostile(rng) for _ in range(n)]
        _summary("fuzz (hostile formulas)", *asyncio.run(_phase(server.port, texts)))
        print(f"server RSS after: {server.rss_mb():.0f} MB")
    finally:
        log = server.stop()
    tracebacks = log.count("Traceback")
    print(f"tracebacks in the server log: {tracebacks}")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:3]])
