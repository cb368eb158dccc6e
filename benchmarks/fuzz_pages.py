"""Fuzz every page through AppTest with random link settings; count exceptions.

Usage: python -m benchmarks.fuzz_pages [N] [SEED]. Each combination opens a page with a
random subset of query keys, each with a random valid, invalid, out-of-range, wrong-type
or Markdown/HTML value, and records any exception element. Prints the counts.
"""

from __future__ import annotations

import os
import random
import sys
from collections import Counter
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "pages/explorer.py",
    "pages/lessons.py",
    "pages/inspector.py",
    "pages/basins.py",
    "pages/sweeps.py",
    "pages/custom_surface.py",
    "pages/stability.py",
    "pages/network.py",
]
VALUES = {
    "surface": [
        "rosenbrock",
        "saddle",
        "canyon:steepness=20",
        "canyon:steepness=true",
        "ackley",
        "monkey_saddle",
        "linear_regression",
        "logistic_regression",
        "formula",
        "nope",
        "rosenbrock:a=1e308",
    ],
    "f": [
        "x^2+y^2",
        "sin(3x)cos(y)",
        "log(-1)+x^2",
        "((13/17)^1000)^1000+x^2",
        "x^1000+y^1000",
        "exp(exp(exp(exp(10))))+x",
        "[a](http://e.vil)",
        " + ".join(["x"] * 40),
    ],
    "start": ["0,0", "1.45,0", "abc", "1e308,-1e308", "nan,1", "-2.5,2"],
    "steps": ["1", "50", "5000", "0", "-1", "abc", "1e9"],
    "runs": [
        "gd:lr=0.01",
        "adam:lr=0.1,newton",
        "adam:eps=0",
        "gd:![x](http://e.vil/p.gif)",
        "sgd:lr=-1",
        "newton,ackley",
        "lion:lr=1e308",
    ],
    "schedule": ["constant", "cosine", "step:gamma=0.5", "nope", "cosine:warmup=1e9"],
    "noise": ["0", "0.5", "5", "100", "-1", "nan"],
    "batch": ["1", "3", "5000", "-3", "abc"],
    "seed": ["0", "42", "-1", "abc", "1e30"],
    "lesson": ["1", "3", "0", "999", "[x](http://a.bc/l)"],
    "[click](http://e.vil)": ["1"],
    "dataset": ["moons", "xor", "iris", "<b>x</b>"],
    "hidden": ["4", "64", "0", "1e9"],
    "slice": ["pca", "filter", "random"],
    "grid": ["21", "5000"],
}


def main(n=300, seed=0):
    os.chdir(ROOT)
    rng = random.Random(seed)
    counts = Counter()
    failures = []
    for i in range(n):
        page = PAGES[i % len(PAGES)]
        keys = rng.sample(sorted(VALUES), rng.randint(1, 5))
        query = {k: rng.choice(VALUES[k]) for k in keys}
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in query.items():
            at.query_params[k] = v
        try:
            at.run()
            if page != "pages/explorer.py":
                at.switch_page(page).run()
        except Exception as exc:  # a timeout of AppTest itself
            counts["harness error"] += 1
            failures.append((page, query, repr(exc)[:200]))
            continue
        counts["runs"] += 1
        if at.exception:
            counts["exception"] += 1
            failures.append((page, query, at.exception[0].value[:200]))
        print(i, page, "exception" if at.exception else "ok", flush=True)
    print(dict(counts))
    for f in failures:
        print("FAIL", f)
    return counts


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
