"""Network landscape: settings to ready payload, and the training against torch.optim.

Run from the repository root:

    python -m benchmarks.bench_network

The issue's case: 4 runs (SGD, SGD with momentum, RMSprop, Adam) x 2,000 full-batch
steps on ``surfaces.network("moons", hidden=16)`` with 200 training samples, plus a
61 x 61 slice: ``ui.network_scene.compute`` (training, curves on train and test set at
``CURVE_POINTS + 1`` steps, the plane, the slice grid, the honesty readout at every step) and
``figures.player_payload``, timed from the settings to the JSON-ready payload. The same
training with ``torch.optim`` and autograd (float64, the same init, one model per run)
runs in the same process; its ratio to our training is reported. torch is timed with
its default threads and with one; the faster is the baseline. Medians of 3 runs (the
machine is shared: the whole thing is heavy).
"""

import numpy as np

import figures
from benchmarks.report import median_time, write_section
from ui import network_scene as ns

STEPS = 2000
SCENE = ns.NetScene(dataset="moons", hidden=16, steps=STEPS, grid=61)
REPEATS = 3


def ready_payload():
    result = ns.compute(SCENE)
    xs, ys, z = result.grid
    return figures.player_payload(xs, ys, z, result.runs, surface_id="bench")


def train_ours():
    """The page's training: ``optimizers.run_all`` (the two SGD runs train as one)."""
    import optimizers

    loss = SCENE.loss()
    start = loss.init(SCENE.seed)[None]
    configs = [(run.optimizer, dict(run.hp)) for run in SCENE.active_runs()]
    optimizers.run_all(loss, configs, start, STEPS)


def train_ours_alone():
    """One ``optimizers.run`` per run (what torch does: one model per run)."""
    import optimizers

    loss = SCENE.loss()
    start = loss.init(SCENE.seed)[None]
    for run in SCENE.active_runs():
        optimizers.run(loss, optimizers.make(run.optimizer, **dict(run.hp)), start, STEPS)


def train_torch(torch):
    loss = SCENE.loss()
    X, y = (torch.tensor(a) for a in loss.data)
    start = loss.init(SCENE.seed)
    names = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam"}
    for run in SCENE.active_runs():
        model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
        torch.nn.utils.vector_to_parameters(torch.tensor(start), model.parameters())
        opt = getattr(torch.optim, names[run.optimizer])(model.parameters(), **dict(run.hp))
        for _ in range(STEPS):
            opt.zero_grad()
            value = torch.nn.functional.binary_cross_entropy_with_logits(model(X)[:, 0], y)
            value.backward()
            opt.step()


def main():
    """Measure and write the "network" section of docs/benchmarks.md."""
    payload = median_time(ready_payload, repeats=REPEATS)
    ours = median_time(train_ours, repeats=REPEATS)
    alone = median_time(train_ours_alone, repeats=REPEATS)
    lines = [
        f"Settings to ready payload (4 runs x {STEPS:,} steps, hidden=16, 200 samples, "
        f"61 x 61 slice, readout at every step, curves at {ns.CURVE_POINTS + 1} steps): "
        f"**{payload:.2f} s** (target < 2 s).",
        "",
        f"Training alone (4 x {STEPS:,} full-batch steps): {ours:.2f} s as the page trains "
        f"(`optimizers.run_all`: the two SGD runs as one), {alone:.2f} s one "
        f"`optimizers.run` per run; the rest of the payload (slice, readout, curves, "
        f"payload): {payload - ours:.2f} s. Training is the floor of this path: "
        f"{ours / payload:.0%} of it.",
    ]
    try:
        import torch
    except ImportError:
        lines.append("torch not installed: no baseline (benchmarks/requirements-bench.txt).")
    else:
        torch.set_default_dtype(torch.float64)
        threads = torch.get_num_threads()
        default = median_time(lambda: train_torch(torch), repeats=REPEATS)
        torch.set_num_threads(1)
        single = median_time(lambda: train_torch(torch), repeats=REPEATS)
        torch.set_num_threads(threads)
        base = min(default, single)
        lines += [
            "",
            f"Same training with `torch.optim` + autograd, float64: {default:.2f} s with "
            f"{threads} threads, {single:.2f} s with 1; ratio ours / torch = "
            f"**{alone / base:.2f}** one run per run as torch, **{ours / base:.2f}** as the "
            f"page trains (below 1: ours is faster).",
        ]
    body = "\n".join(lines)
    print(body)
    write_section("network", "Network landscape: settings to payload, training vs torch", body)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
