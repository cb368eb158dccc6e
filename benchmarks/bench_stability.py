"""Stability map: the cost of a 100 x 100 (learning rate x momentum) grid.

Times ``optimizers.stability.stability_map`` (central differences of the registered
update for every cell, then the eigenvalues of every Jacobian) for each covered
optimizer on the canyon's Hessian at its minimum; wall-clock and CPU medians.

Run: ``python -m benchmarks.bench_stability`` (writes the "stability" section of
docs/benchmarks.md).
"""

import statistics
import time

import numpy as np

import surfaces
from benchmarks.report import machine, median_time, write_section
from optimizers import stability

GRID = 100
REPEATS = 5


def main():
    """Time each covered optimizer's 100 x 100 map and write the section."""
    surface = surfaces.get("canyon")
    hessian = surface.hessian(np.array([surface.minima[0]], dtype=float))[0]
    edge = 2.0 / np.linalg.eigvalsh(hessian)[-1]
    lrs = np.linspace(3 * edge / GRID, 3 * edge, GRID)
    ys = np.linspace(0.0, 0.999, GRID)
    rows = []
    for name in stability.COVERED:

        def work(name=name):
            return stability.stability_map(name, {}, hessian, lrs, ys)

        wall = median_time(work, repeats=REPEATS)
        cpu = []
        for _ in range(REPEATS):
            t0 = time.process_time()
            work()
            cpu.append(time.process_time() - t0)
        cells = GRID * (1 if stability.second_hparam(name) is None else GRID)
        rows.append(
            f"| {name} | {cells:,} | {wall * 1e3:.1f} ms | {statistics.median(cpu) * 1e3:.1f} ms |"
        )
        print(rows[-1])
    body = "\n".join(
        [
            f"`python -m benchmarks.bench_stability` on {machine()} (shared by other jobs; "
            f"median of {REPEATS}). Canyon Hessian at its minimum, lr up to 3 × 2/λmax, the "
            "second hyperparameter over [0, 0.999].",
            "",
            "| optimizer | cells | wall | CPU |",
            "|---|---|---|---|",
            *rows,
            "",
            "GD has one row (no second hyperparameter). The cost is one batched `update` "
            "call per row of the grid (8 perturbed states x 100 learning rates = 800 rows) and one "
            "batched `eigvals` of 100 4 x 4 Jacobians: far below a frame.",
        ]
    )
    write_section("stability", "Stability map (100 x 100 grid)", body)


if __name__ == "__main__":
    main()
