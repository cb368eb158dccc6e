"""Speed of the optimizer engine, written to docs/benchmarks.md section "engine".

Run from the repository root:

    python -m benchmarks.bench_engine

(a) Adam on Rosenbrock, 10,000 starts x 300 steps: ``optimizers.run`` against
    ``torch.optim.Adam`` + autograd on one (10000, 2) parameter with loss = the sum of the
    per-start losses, in the same process. torch is timed twice: the bare optimisation
    loop, and the loop that also keeps what ``run`` returns (every point, value and
    gradient norm). torch runs with its default threads and with one thread; the faster
    is the baseline (on a busy 2-core machine torch's default threads can be 10x slower).
    Skipped if torch is not installed (benchmarks/requirements-bench.txt).
    A third contender bounds what any pure-NumPy engine could do here: ``numpy_floor``
    is the same arithmetic hand-fused for this one surface and this one optimizer (the
    fewest NumPy passes per step, value and gradient sharing their subexpressions, no
    validation, no divergence handling), timed bare and keeping the same outputs.
(b) A 200 x 200 grid of starts x 500 steps on Rosenbrock for every registered optimizer,
    learning rates from ``optimizers.suggest_lr``; the share of rows that diverged (and
    so stopped early) is reported with each time.

``python -m benchmarks.bench_engine explorer`` writes the section "Live explorer engine"
(issue 13): one start x 500 steps on the app's symbolic Rosenbrock against
torch.optim.Adam + autograd, and the sweeps page's default 192-cell sweep as one run per
cell against one vectorised run with per-row hyperparameters.

Both use the analytic NumPy Rosenbrock of tests/analytic.py (the same formula as the
torch loss), so they time the engine, not the symbolic surfaces; (a) also times ``run``
on the app's own symbolic ``surfaces.get("rosenbrock")``.
"""

import sys
import timeit

import numpy as np

import optimizers
import surfaces
from benchmarks.report import median_time, write_section
from tests.analytic import Rosenbrock

N_STARTS, STEPS, ADAM_LR = 10_000, 300, 1e-2
GRID, GRID_STEPS = 200, 500
BASE_LR = 7.6e-4  # surfaces.get("rosenbrock").lr, the suggested plain-GD rate
REPEATS = 5  # grid runs per optimizer
ROUNDS = 8  # interleaved rounds of part (a), the first one a warm-up


def adam_starts():
    return np.random.default_rng(0).uniform([-2.0, -1.0], [2.0, 3.0], (N_STARTS, 2))


def torch_adam(torch, starts, keep):
    """The torch baseline; ``keep`` also stores points, values and gradient norms."""
    param = torch.tensor(starts, requires_grad=True)
    adam = torch.optim.Adam([param], lr=ADAM_LR)
    if keep:
        points = torch.empty(STEPS + 1, len(starts), 2)
        values = torch.empty(STEPS + 1, len(starts))
        norms = torch.empty(STEPS + 1, len(starts))
        points[0] = param.detach()
    for t in range(STEPS + 1):
        adam.zero_grad()
        x, y = param[:, 0], param[:, 1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.sum().backward()
        if keep:
            values[t] = loss.detach()
            norms[t] = param.grad.norm(dim=1)
        if t == STEPS:
            break
        adam.step()
        if keep:
            points[t + 1] = param.detach()
    return param.detach().numpy()


def numpy_floor(starts, keep):
    """Adam on Rosenbrock in as few NumPy passes as the arithmetic allows.

    Not an engine: it knows one surface and one optimizer and checks nothing. It is the
    lower bound any general pure-NumPy runner pays for the same work, so its time against
    torch's is the best ratio such a runner could report on this machine.
    """
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    n = len(starts)
    if keep:
        points = np.empty((STEPS + 1, n, 2))
        values, norms = np.empty((STEPS + 1, n)), np.empty((STEPS + 1, n))
    p = starts.copy()
    mu, nu, g = np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
    for t in range(STEPS + 1):
        if t:
            mu += (g - mu) * (1 - beta1)
            nu *= beta2
            nu += g * g * (1 - beta2)
            denom = np.sqrt(nu)
            denom /= (1 - beta2**t) ** 0.5
            denom += eps
            update = mu * (-ADAM_LR / (1 - beta1**t))
            update /= denom
            p += update
        x, y = p[:, 0].copy(), p[:, 1].copy()
        a, r = 1 - x, y - x * x
        value = a * a + 100 * (r * r)
        g[:, 0] = -2 * a - 400 * x * r
        g[:, 1] = 200 * r
        if keep:
            points[t], values[t] = p, value
            square = g * g
            np.add(square[:, 0], square[:, 1], out=norms[t])
    return p


def pass_costs(starts):
    """Median microseconds of one NumPy multiply and one square root over ``starts``."""
    a, out = np.abs(starts), np.empty_like(starts)
    costs = []
    for op in (lambda: np.multiply(a, a, out=out), lambda: np.sqrt(a, out=out)):
        costs.append(1e6 * float(np.median(timeit.repeat(op, number=200, repeat=7))) / 200)
    return costs


def bench_adam():
    """Return the markdown of part (a)."""
    try:
        import torch
    except ImportError:
        return "_(a) skipped: torch is not installed (see benchmarks/requirements-bench.txt)._"
    torch.set_default_dtype(torch.float64)
    surface, starts = Rosenbrock(), adam_starts()
    adam = optimizers.make("adam", lr=ADAM_LR)

    def ours():
        return optimizers.run(surface, adam, starts, STEPS)

    def with_threads(threads, keep):
        def fn():
            torch.set_num_threads(threads)
            return torch_adam(torch, starts, keep)

        return fn

    default_threads = torch.get_num_threads()
    symbolic = surfaces.get("rosenbrock")
    contenders = {
        "ours": ours,
        "symbolic": lambda: optimizers.run(symbolic, adam, starts, STEPS),
        "floor": lambda: numpy_floor(starts, False),
        "floor+keep": lambda: numpy_floor(starts, True),
    }
    for threads in sorted({default_threads, 1}):
        for keep in (False, True):
            contenders[threads, keep] = with_threads(threads, keep)
    # Interleaved rounds: the machine's load changes over time, and it must weigh on both
    # engines alike. Each round times every contender once (after one warm-up round).
    times = {key: [] for key in contenders}
    for _ in range(ROUNDS):
        for key, fn in contenders.items():
            times[key].append(median_time(fn, repeats=1, warmup=0))
    torch.set_num_threads(default_threads)
    ours_s, symbolic_s, floor_s, floor_keep_s = (
        float(np.median(times.pop(key)[1:])) for key in ("ours", "symbolic", "floor", "floor+keep")
    )
    torch_s = {key: float(np.median(t[1:])) for key, t in times.items()}
    pass_us, sqrt_us = pass_costs(starts)
    final = ours().points[:, -1]
    difference = np.abs(final - torch_adam(torch, starts, False)).max()
    floor_difference = np.abs(final - numpy_floor(starts, False)).max()
    # The floor is a fair bound only if it does the same arithmetic (kept points too).
    if max(floor_difference, np.abs(final - numpy_floor(starts, True)).max()) > 1e-10:
        raise AssertionError(f"numpy_floor left run's trajectories by {floor_difference:.2g}")

    rows = [
        f"| `optimizers.run` (NumPy) | {ours_s * 1e3:.0f} ms | 1 |",
        f"| `optimizers.run` on the app's symbolic `surfaces.get('rosenbrock')` | "
        f"{symbolic_s * 1e3:.0f} ms | {symbolic_s / ours_s:.2f}x |",
        f"| pure-NumPy floor, bare | {floor_s * 1e3:.0f} ms | {floor_s / ours_s:.2f}x |",
        f"| pure-NumPy floor, keeps points, values, norms | {floor_keep_s * 1e3:.0f} ms | "
        f"{floor_keep_s / ours_s:.2f}x |",
    ]
    for (threads, keep), seconds in sorted(torch_s.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        what = "loop + keeps points, values, norms" if keep else "bare loop"
        rows.append(
            f"| torch.optim.Adam + autograd, {what}, {threads} thread(s) | "
            f"{seconds * 1e3:.0f} ms | {seconds / ours_s:.1f}x |"
        )
    bare = min(s for (_, keep), s in torch_s.items() if not keep)
    kept = min(s for (_, keep), s in torch_s.items() if keep)
    return "\n".join(
        [
            f"(a) Adam (lr {ADAM_LR}) on Rosenbrock, {N_STARTS:,} starts x {STEPS} steps, "
            f"float64; torch {torch.__version__} in the same process. Median of {ROUNDS - 1} "
            "interleaved rounds (each round times every row once; one warm-up round).",
            "",
            "| engine | time | time / time of `run` |",
            "|---|---|---|",
            *rows,
            "",
            f"**Speed ratio: {bare / ours_s:.1f}x** against torch's bare loop (its faster thread "
            f"setting), **{kept / ours_s:.1f}x** against torch doing the same work as `run` "
            f"(keeping every point, value and gradient norm; `run` also checks divergence "
            f"at every step). The issue asks for >= 4x. Largest difference between the final "
            f"points of the two engines: {difference:.1e} (rounding, amplified over 300 steps).",
            "",
            f"**The pure-NumPy floor** (`numpy_floor`: the same arithmetic hand-fused for this "
            f"one case, final points within {floor_difference:.1e} of `run`'s) reaches "
            f"{bare / floor_s:.1f}x against torch's bare loop and {kept / floor_keep_s:.1f}x "
            f"against torch keeping the same outputs: about the most a general NumPy runner "
            f"could show on this machine, so the issue's 4x cannot be reached in pure NumPy "
            f"here. `run` takes {100 * (ours_s / floor_keep_s - 1):.0f}% longer than the floor "
            f"that keeps the same outputs. Why: the work is memory-bound passes over arrays. "
            f"One NumPy pass over the {N_STARTS:,} x 2 coordinates costs {pass_us:.1f} us and "
            f"a square root {sqrt_us:.1f} us; an Adam step on Rosenbrock needs about 20 passes "
            f"and one square root. torch makes the same passes plus its autograd and dispatch "
            f"overhead, and at this size its whole loop costs only {bare / floor_s:.1f}x the "
            f"passes themselves: removing all of the overhead cannot give more than that.",
        ]
    )


def bench_grid():
    """Return the markdown of part (b)."""
    surface = Rosenbrock()
    xs, ys = np.meshgrid(np.linspace(-2, 2, GRID), np.linspace(-1, 3, GRID))
    starts = np.column_stack([xs.ravel(), ys.ravel()])
    rows = []
    for name in optimizers.names():
        opt = optimizers.make(name, lr=optimizers.suggest_lr(name, BASE_LR))
        seconds = median_time(
            lambda opt=opt: optimizers.run(surface, opt, starts, GRID_STEPS), repeats=REPEATS
        )
        diverged = (optimizers.run(surface, opt, starts, GRID_STEPS).diverged_at >= 0).mean()
        mark = "" if seconds < 3 else " (over 3 s)"
        rows.append(
            f"| {name} | {opt.hp['lr']:.3g} | {seconds:.2f} s{mark} | {100 * diverged:.0f}% |"
        )
    return "\n".join(
        [
            f"(b) A {GRID} x {GRID} grid of starts on [-2, 2] x [-1, 3] x {GRID_STEPS} steps "
            f"on Rosenbrock ({GRID * GRID * GRID_STEPS:,} point-steps), lr = "
            f"`suggest_lr(name, {BASE_LR})`, median of {REPEATS} runs. Target: under 3 s each. "
            "Rows that diverge stop early and cost nothing afterwards.",
            "",
            "| optimizer | lr | time | rows diverged |",
            "|---|---|---|---|",
            *rows,
        ]
    )


def torch_adam_one(torch, start, steps, lr):
    """torch.optim.Adam + autograd on one start (a (1, 2) parameter), bare loop."""
    param = torch.tensor(start, requires_grad=True)
    adam = torch.optim.Adam([param], lr=lr)
    for t in range(steps + 1):
        adam.zero_grad()
        x, y = param[:, 0], param[:, 1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.sum().backward()
        if t == steps:
            break
        adam.step()
    return param.detach().numpy()


def per_cell_sweep(surface, name, start, steps, lrs, y_name, y_values, radius):
    """The sweeps page before per-row hyperparameters: one ``run`` per cell."""
    final = np.full((len(y_values), len(lrs)), np.nan)
    for j, y in enumerate(y_values):
        for i, lr in enumerate(lrs):
            opt = optimizers.make(name, lr=float(lr), **{y_name: float(y)})
            traj = optimizers.run(surface, opt, start, steps, escape_radius=radius)
            if (traj.diverged_at < 0).all():
                final[j, i] = traj.values[:, -1].max()
    return final


def bench_explorer():
    """Return the markdown of the "Live explorer engine" section."""
    from optimizers import sweeps
    from ui import scene as sc

    rows = []
    # (1) The app's real size: one start, 500 steps, the symbolic Rosenbrock.
    surface = surfaces.get("rosenbrock")
    start, steps, lr = np.array([[-1.2, 1.0]]), 500, 1e-2
    adam = optimizers.make("adam", lr=lr)
    try:
        import torch
    except ImportError:
        torch = None
    contenders = {"ours": lambda: optimizers.run(surface, adam, start, steps)}
    if torch is not None:
        torch.set_default_dtype(torch.float64)
        default_threads = torch.get_num_threads()
        for threads in sorted({default_threads, 1}):

            def fn(threads=threads):
                torch.set_num_threads(threads)
                return torch_adam_one(torch, start, steps, lr)

            contenders[threads] = fn
    times = {key: [] for key in contenders}
    for _ in range(ROUNDS):  # interleaved, first round a warm-up
        for key, fn in contenders.items():
            times[key].append(median_time(fn, repeats=3, warmup=0))
    ours_s = float(np.median(times.pop("ours")[1:]))
    rows.append(
        f"| `optimizers.run`, Adam, symbolic Rosenbrock, 1 start x {steps} steps | "
        f"{ours_s * 1e3:.1f} ms ({ours_s / steps * 1e6:.0f} us/step) | 1 |"
    )
    torch_best = None
    if torch is not None:
        torch.set_num_threads(default_threads)
        final = optimizers.run(surface, adam, start, steps).points[0, -1]
        difference = np.abs(final - torch_adam_one(torch, start, steps, lr)[0]).max()
        for threads, t in sorted(times.items()):
            seconds = float(np.median(t[1:]))
            torch_best = seconds if torch_best is None else min(torch_best, seconds)
            rows.append(
                f"| torch.optim.Adam + autograd, same loss, {threads} thread(s) | "
                f"{seconds * 1e3:.1f} ms | {seconds / ours_s:.1f}x |"
            )
    # (2) The sweeps page's default sweep: 24 rates x 8 momentum values, one start.
    scene = sc.default_scene()
    page_surface = scene.build_surface()
    page_start = np.array([scene.start_point(page_surface)], dtype=float)
    page_steps = min(max(scene.steps, 10), 500)
    lrs = sweeps.grid_values(*sweeps.around(optimizers.suggest_lr("momentum", page_surface.lr)), 24)
    y_values = sweeps.grid_values(0.0, 0.98, 8, log=False, digits=4)
    radius = sc.escape_radius(page_surface)
    cells = len(lrs) * len(y_values)

    def vectorised():
        return sweeps.sweep(
            page_surface, "momentum", page_start, page_steps, "lr", lrs, "momentum", y_values,
            f_min=page_surface.f_min, escape_radius=radius,
        )  # fmt: skip

    def one_per_cell():
        return per_cell_sweep(
            page_surface, "momentum", page_start, page_steps, lrs, "momentum", y_values, radius
        )

    same = np.array_equal(vectorised().final_loss, one_per_cell(), equal_nan=True)
    old_s = median_time(one_per_cell, repeats=3)
    new_s = median_time(vectorised, repeats=5)
    parts = [
        f"The app's real size (issue 13): one start, {steps} steps, Adam (lr {lr}) on the "
        f"app's symbolic `surfaces.get('rosenbrock')` from (-1.2, 1); torch "
        f"{torch.__version__ if torch else '(not installed)'} in the same process, the same "
        f"loss written in torch, bare loop (no outputs kept, which only favours torch). Median "
        f"of {ROUNDS - 1} interleaved rounds (each the median of 3 runs; one warm-up round).",
        "",
        "| engine | time | time / time of `run` |",
        "|---|---|---|",
        *rows,
        "",
    ]
    if torch_best is not None:
        parts += [
            f"**Speed ratio at N = 1: {torch_best / ours_s:.1f}x** against torch's faster "
            f"thread setting (the issue asks for >= 10x; 6.2x before this work). Largest "
            f"difference between the final points: {difference:.1e}.",
            "",
        ]
    parts += [
        f"The sweeps page's default sweep: momentum on {page_surface.title}, {len(lrs)} "
        f"learning rates x {len(y_values)} momentum values = {cells} cells, {page_steps} "
        f'steps from ({page_start[0, 0]:g}, {page_start[0, 1]:g}); "before" is the old '
        "`sweep` (a loop over cells) on today's engine.",
        "",
        "| sweep | time | speed-up |",
        "|---|---|---|",
        f"| before: one `run` per cell | {old_s * 1e3:.0f} ms | 1 |",
        f"| after: one vectorised run, per-row hyperparameters (`sweeps.sweep`) | "
        f"{new_s * 1e3:.0f} ms | {old_s / new_s:.0f}x |",
        "",
        f"Final losses of the two identical to the bit: {same}.",
    ]
    return "\n".join(parts)


def main():
    """Run the parts and write their sections.

    No argument: ``adam`` and ``grid`` (section "engine"). ``explorer``: the section
    "Live explorer engine". ``adam`` or ``grid`` alone only prints.
    """
    parts = sys.argv[1:] or ["adam", "grid"]
    if parts == ["explorer"]:
        body = bench_explorer()
        print(body)
        write_section("explorer_engine", "Live explorer engine", body)
        return
    body = "\n\n".join({"adam": bench_adam, "grid": bench_grid}[part]() for part in parts)
    print(body)
    if len(parts) == 2:
        write_section("engine", "Optimizer engine (optimizers.run)", body)


if __name__ == "__main__":
    main()
