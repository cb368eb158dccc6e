"""Write one benchmark's results into its own section of docs/benchmarks.md.

Each benchmark script owns the block between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``; rerunning a script replaces only its block, so scripts can
run in any order and the page keeps the latest numbers of each.
"""

import platform
import statistics
import time
from pathlib import Path

import numpy as np

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Measured by the scripts in `benchmarks/` (run `python benchmarks/<script>.py`). Every
number is the median of several runs; speed claims are ratios against a baseline
measured in the same process, so they hold on slower or faster machines.
"""


def median_time(fn, repeats=5, warmup=1):
    """Return the median wall-clock seconds of ``fn()`` over ``repeats`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def machine():
    """Describe the machine in one line (for the report)."""
    import os

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )


def write_section(name, title, body):
    """Replace (or append) the section ``name`` of docs/benchmarks.md.

    Parameters
    ----------
    name : str
        Short identifier of the benchmark script, used in the section markers.
    title : str
        Heading of the section.
    body : str
        Markdown of the results.
    """
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    stamp = time.strftime("%Y-%m-%d")
    block = f"{start}\n## {title}\n\n_{stamp}, {machine()}_\n\n{body.strip()}\n{end}"
    text = DOC.read_text() if DOC.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
