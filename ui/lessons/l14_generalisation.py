"""Lesson 14: does SGD generalise better than Adam? What the seeds say on real networks."""

from __future__ import annotations

import functools

import numpy as np

import optimizers
import surfaces
from ui import scene as sc

from .framework import Chart, Lesson, hp_control, loss_chart, run, scene_control

SEEDS = (0, 1, 2)
HIDDEN = 16
TEST_POINTS = 200  # surfaces.network's default held-out split
SGD_LR, ADAM_LR = 0.5, 0.02  # the network page's default rates for the two
STEPS = (250, 500, 1000)
ADAM_RATES = (0.002, 0.005, 0.02, 0.05)

BASE = sc.Scene(
    surface="logistic_regression",
    steps=1000,
    batch_size=16,
    runs=(run("sgd", "#d62728", lr=SGD_LR), run("adam", "#2ca02c", lr=ADAM_LR)),
)
L14_PRESETS = {"SGD against Adam, batch 16": BASE}


@functools.lru_cache(maxsize=512)
def train_once(dataset, seed, optimizer, hp, steps, batch_size):
    """Train one network of width ``HIDDEN`` and measure it (cached: pure and seeded).

    The seed draws the training and test sets, the initialisation and the mini-batches,
    as on the Network landscape page.

    Parameters
    ----------
    dataset : str
        One of ``surfaces.DATASETS``.
    seed : int
    optimizer : str
        Registry name.
    hp : tuple of (str, value)
        Hyperparameters (a ``ui.scene.Run``'s ``hp``).
    steps, batch_size : int
        ``batch_size`` 0 = the full training set.

    Returns
    -------
    dict
        ``train_acc``, ``test_acc``, ``train_loss``, ``test_loss`` of the final parameters
        (NaN when the run diverged) and ``diverged_at`` (-1 = never).
    """
    loss = surfaces.network(dataset, hidden=HIDDEN, seed=seed)
    batch = batch_size if 0 < batch_size < loss.n_samples else None
    opt = optimizers.make(optimizer, **dict(hp))
    traj = optimizers.run(loss, opt, loss.init(seed)[None], steps, batch_size=batch, seed=seed)
    w = traj.points[0, -1][None]
    diverged = int(traj.diverged_at[0])
    if diverged >= 0 or not np.isfinite(w).all():
        return dict.fromkeys(("train_acc", "test_acc", "train_loss", "test_loss"), np.nan) | {
            "diverged_at": diverged
        }
    return {
        "train_acc": float(loss.accuracy(w, "train")[0]),
        "test_acc": float(loss.accuracy(w, "test")[0]),
        "train_loss": float(loss.value(w)[0]),
        "test_loss": float(loss.test_value(w)[0]),
        "diverged_at": diverged,
    }


def measure(scene, progress=None):
    """Train every active run of ``scene`` on every dataset and seed.

    The scene's runs, ``steps`` and ``batch_size`` set the training; each network is
    ``Linear(2, 16) -> tanh -> Linear(16, 1)`` on 200 training points, judged on 200
    held-out points.

    Parameters
    ----------
    scene : Scene
    progress : callable, optional
        ``progress(fraction, message)`` after each network.

    Returns
    -------
    dict
        ``{dataset: {run label: {metric: ndarray (len(SEEDS),)}}}``.
    """
    runs = scene.active_runs()
    total = max(len(runs) * len(SEEDS) * len(surfaces.DATASETS), 1)
    out, done = {}, 0
    for dataset in surfaces.DATASETS:
        out[dataset] = {}
        for r in runs:
            cells = []
            for seed in SEEDS:
                cells.append(
                    train_once(dataset, seed, r.optimizer, r.hp, scene.steps, scene.batch_size)
                )
                done += 1
                if progress:
                    progress(done / total, f"trained {done} of {total} networks")
            out[dataset][r.label()] = {k: np.array([c[k] for c in cells]) for k in cells[0]}
    return out


def study(scene, source):
    """Return :func:`measure` through the source's cache (``ui.compute.cached`` on the page).

    Parameters
    ----------
    scene : Scene
    source : object
        Has ``cached(kind, key, compute_fn, size=..., text=...)``.

    Returns
    -------
    dict
    """
    key = (tuple((r.optimizer, r.hp) for r in scene.active_runs()), scene.steps, scene.batch_size)
    n = len(scene.active_runs()) * len(SEEDS) * len(surfaces.DATASETS)
    return source.cached("lesson14", key, lambda p: measure(scene, p), size=8,
                         text=f"Training {n} networks…")  # fmt: skip


def _mean(values):
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else float("nan")


def compare(results):
    """Compare the first two runs on each dataset: mean test accuracy and per-seed wins.

    Parameters
    ----------
    results : dict
        As :func:`measure` returns.

    Returns
    -------
    list of dict
        One row per dataset: ``dataset``, ``a``, ``b`` (run labels), ``mean_a``, ``mean_b``,
        ``difference`` (b − a), ``spread`` (largest max − min over seeds of either run),
        ``wins_a``, ``wins_b``, ``ties`` (seeds).
    """
    rows = []
    for dataset, by_run in results.items():
        if len(by_run) < 2:
            continue
        (a, ra), (b, rb) = list(by_run.items())[:2]
        ta, tb = ra["test_acc"], rb["test_acc"]
        per_seed = tb - ta
        spreads = [np.ptp(t[np.isfinite(t)]) if np.isfinite(t).any() else np.nan for t in (ta, tb)]
        rows.append({
            "dataset": dataset, "a": a, "b": b, "mean_a": _mean(ta), "mean_b": _mean(tb),
            "difference": _mean(tb) - _mean(ta), "spread": float(np.nanmax(spreads))
            if np.isfinite(spreads).any() else float("nan"),
            "wins_a": int(np.sum(per_seed < 0)), "wins_b": int(np.sum(per_seed > 0)),
            "ties": int(np.sum(per_seed == 0)),
        })  # fmt: skip
    return rows


def _acc(values):
    finite = values[np.isfinite(values)]
    if not finite.size:
        return "diverged"
    text = f"{finite.mean():.3f} ({finite.min():.3f}–{finite.max():.3f})"
    lost = values.size - finite.size
    return text + (f", {lost} diverged" if lost else "")


def _short(label):
    return label.split(" (")[0].split(" lr")[0]


def _names(labels):
    """Short column names (``SGD``, ``Adam``) unless two runs would share one."""
    short = [_short(label) for label in labels]
    return short if len(set(short)) == len(short) else list(labels)


def table(scene, source):
    """Rows of the lesson's table: mean (min–max) test and train accuracy per run."""
    results = study(scene, source)
    rows = []
    for (dataset, by_run), c in zip(results.items(), compare(results) or [None] * 4, strict=True):
        names = _names(list(by_run))
        row = {"dataset": dataset}
        for name, m in zip(names, by_run.values(), strict=True):
            row[f"{name}: test"] = _acc(m["test_acc"])
        for name, m in zip(names, by_run.values(), strict=True):
            row[f"{name}: train"] = _acc(m["train_acc"])
        if c is not None:
            row["seeds won (test)"] = (
                f"{names[0]} {c['wins_a']}, {names[1]} {c['wins_b']}, tied {c['ties']}"
            )
        rows.append(row)
    return rows


def gaps(results):
    """Mean train − test accuracy per run over every dataset and seed (NaN: diverged)."""
    labels = list(next(iter(results.values())))
    return {
        label: _mean(
            np.concatenate(
                [
                    by_run[label]["train_acc"] - by_run[label]["test_acc"]
                    for by_run in results.values()
                ]
            )
        )  # fmt: skip
        for label in labels
    }


def _l14_notes(scene, source):
    results = study(scene, source)
    rows = compare(results)
    if not rows:
        return ["Switch on two runs to compare them."]
    a, b = _short(rows[0]["a"]), _short(rows[0]["b"])
    ahead_a = [r["dataset"] for r in rows if r["difference"] < 0]
    ahead_b = [r["dataset"] for r in rows if r["difference"] > 0]
    level = [r["dataset"] for r in rows if r["difference"] == 0]
    biggest = max(rows, key=lambda r: abs(r["difference"]) if np.isfinite(r["difference"]) else 0)
    widest = max(rows, key=lambda r: r["spread"] if np.isfinite(r["spread"]) else 0)
    point = 1 / TEST_POINTS
    return [
        "Mean test accuracy over seeds "
        + ", ".join(sorted(str(s) for s in SEEDS))
        + ": "
        + "; ".join(f"{r['dataset']} {a} {r['mean_a']:.3f}, {b} {r['mean_b']:.3f}" for r in rows)
        + ".",
        f"{a} is ahead on {len(ahead_a)} dataset(s) ({', '.join(ahead_a) or 'none'}), "
        f"{b} on {len(ahead_b)} ({', '.join(ahead_b) or 'none'}), level on {len(level)}.",
        f"The largest difference of the means is {abs(biggest['difference']):.3f} "
        f"({biggest['dataset']}): {abs(biggest['difference']) / point:.1f} of "
        f"{TEST_POINTS} test points. The widest spread across seeds of one optimizer is "
        f"{widest['spread']:.3f} ({widest['dataset']}).",
        "Generalisation gap (train − test accuracy), mean over datasets and seeds: "
        + ", ".join(f"{_short(k)} {v:+.3f}" for k, v in gaps(results).items())
        + ".",
    ]


LESSON = Lesson(
    14,
    "Does SGD generalise better than Adam?",
    r"""
A widely repeated claim from deep learning: SGD finds solutions that *generalise* better,
that score higher on data the network never saw, than adaptive methods such as Adam
(Wilson et al., 2017). Lesson 12 said a 2-D surface cannot show this: it has no unseen
data. A real network can, so this lesson trains some and counts.

**What the app measures.** The table trains the Network landscape page's network,
`Linear(2, 16) → tanh → Linear(16, 1)`, on each of four datasets (moons, circles,
spirals, xor: 200 training points) with each of the two runs, for three seeds. A seed
draws the data, the initialisation and the mini-batches; both optimizers get the same
ones. Each network is judged on **$n = 200$ held-out test points**, so one point is
$1/n = 0.005$ of accuracy, and a single accuracy near $p = 0.98$ has a standard error of
$\sqrt{p(1-p)/n} \approx 0.01$. The *generalisation gap* is train accuracy minus test
accuracy.

**What it finds** at the presets (SGD lr 0.5, Adam lr 0.02, batch 16, 1,000 steps): no
consistent winner. The means differ by at most about one test point, in both directions,
and by less than the spread across seeds. Both fail equally on spirals, which a width-16
network does not learn in 1,000 steps.

**What it does not show.** These are tiny networks on 2-D data, two learning rates picked
once (not tuned per dataset), three seeds. The published gap was measured on large image
and language models, and later work found it shrinks when every method is tuned with equal
care. A test on four toy datasets can neither confirm nor refute that; it can show that
*here*, with these settings, the seeds do not support it.

The player shows the same two runs on the one model small enough to draw whole: a
two-weight logistic regression. Its loss is convex, so both end at the same minimum, and
nothing about generalisation can differ there.
""",
    ("sgd", "adam"),
    L14_PRESETS,
    (
        "Read the 'seeds won' column: a difference that flips sign from seed to seed is "
        "not a property of the optimizer.",
        "Set Adam's learning rate to 0.002: Adam has not finished training in 1,000 steps "
        "and falls behind on moons and circles, on train *and* test accuracy. That is "
        "under-training, not generalisation: compare the train columns.",
        "Set Adam's learning rate to 0.05: Adam now beats SGD on spirals by more than 0.1, "
        "and its train accuracy rose as much: it fits the spiral better, it does not "
        "generalise better.",
        "Cut the steps to 250: both are still learning, and on moons Adam is now ahead.",
    ),
    "With SGD (lr 0.5) and Adam (lr 0.02), batch 16 and 1,000 steps, neither has the higher "
    "mean test accuracy on all four datasets, and no difference of the means exceeds 0.01 "
    "(two of the 200 test points); on spirals both stay below 0.75.",
    controls=(
        scene_control(
            "steps",
            "Steps",
            "Training steps of every network (and of the two runs in the player).",
            "select_slider",
            field="steps",
            cast=int,
            options=STEPS,
        ),
        hp_control(
            "adam_lr",
            "Adam's learning rate",
            "Adam's rate on every dataset (SGD keeps 0.5).",
            "select_slider",
            hp="lr",
            optimizer="adam",
            options=ADAM_RATES,
            fmt=lambda v: f"{v:g}",
        ),
    ),
    charts=(
        Chart(
            "Loss per step (the two-weight logistic regression)",
            loss_chart,
            caption="The player's runs; log scale.",
        ),  # fmt: skip
        Chart(
            "Test and train accuracy of the networks: mean (min–max) over three seeds",
            table,
            kind="table",
            caption=f"Width-{HIDDEN} tanh networks, 200 training and {TEST_POINTS} test "
            "points per dataset; 'seeds won' compares test accuracy seed by seed.",
        ),
    ),
    notes=_l14_notes,
    preset_help="SGD and Adam at the Network landscape page's default rates.",
)
