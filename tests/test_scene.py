"""The scene model: URL round trips, hostile links, the first-load default."""

import urllib.parse

import numpy as np
import pytest

import figures
import optimizers
import surfaces
from ui import scene as sc

HOSTILE_QUERIES = [
    "surface=nope",
    "surface=__import__('os').system('touch /tmp/pwned')",
    "surface=formula&f=__import__('os').system('x')",
    "surface=formula&f=().__class__.__bases__[0].__subclasses__()",
    "surface=formula&f=lambda: 1",
    "surface=formula&f=9**9**9",
    "surface=formula&f=" + "(" * 500 + "x" + ")" * 500,
    "surface=formula&f=x" + "+x" * 400,
    "surface=formula&f=sin(x=1)",
    "surface=formula",
    "surface=rosenbrock:a=abc",
    "surface=rosenbrock:a=1e999",
    "surface=rosenbrock:a=nan",
    "surface=rosenbrock:zzz=1",
    "surface=rosenbrock:a",
    "surface=rosenbrock&surface=saddle",
    "steps=1000000",
    "steps=-5",
    "steps=0",
    "steps=abc",
    "steps=1e3",
    "steps=500&steps=600",
    "start=1",
    "start=a,b",
    "start=nan,0",
    "start=inf,inf",
    "start=1e300,0",
    "start=1,2,3",
    "runs=adam:lr=-1",
    "runs=adam:lr=0",
    "runs=adam:beta1=1.5",
    "runs=adam:eps=0",
    "runs=nope:lr=1",
    "runs=adam:foo=1",
    "runs=adam:lr=1e-2@zzzzzz",
    "runs=" + ";".join(["adam"] * 50),
    "runs=adam:lr=__import__('os')",
    "runs=sgd:nesterov=maybe",
    "schedule=nope",
    "schedule=cosine:t_max=-1",
    "schedule=step:gamma=abc",
    "noise=-1",
    "noise=1e9",
    "noise=nan",
    "batch=-3",
    "batch=many",
    "seed=-1",
    "seed=99999999999999999999",
    "evil=<script>alert(1)</script>",
    "surface=" + "x" * 5000,
    "surface=linear_regression:n_samples=100000000",
]


def random_scene(rng) -> sc.Scene:
    """A random but valid scene: any surface, 1-4 runs with random hyperparameters."""
    name = str(rng.choice(surfaces.names()))
    runs = []
    for i in range(int(rng.integers(1, 5))):
        opt = str(rng.choice(optimizers.names()))
        hp = {}
        for hname, h in optimizers.spec(opt).hparams.items():
            if rng.random() < 0.5:
                continue
            if h.kind == "bool":
                hp[hname] = bool(rng.random() < 0.5)
            elif hname == "lr":
                hp[hname] = float(10 ** rng.uniform(-4, -1))
            elif h.kind == "float" and np.isfinite(h.high) and h.high <= 1:
                hp[hname] = float(rng.uniform(0.5, 0.99))
        try:
            optimizers.make(opt, **hp)
        except ValueError:  # an invalid combination (e.g. nesterov without momentum)
            hp = {}
        runs.append(sc.Run(opt, tuple(sorted(hp.items())), sc.PALETTE[i], bool(rng.random() < 0.9)))
    schedule = str(rng.choice(["constant", "exponential", "cosine"]))
    params = {"exponential": (("gamma", 0.99),), "cosine": (("t_max", 40),)}.get(schedule, ())
    return sc.Scene(
        surface=name,
        start=(float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)))
        if rng.random() < 0.5
        else None,
        steps=int(rng.integers(5, 60)),
        runs=tuple(runs),
        schedule=schedule,
        schedule_params=params,
        noise=float(rng.choice([0.0, 0.1])),
        seed=int(rng.integers(0, 1000)),
    )


def same_trajectories(a, b):
    assert len(a) == len(b)
    for ta, tb in zip(a, b, strict=True):
        np.testing.assert_array_equal(ta.points, tb.points)
        np.testing.assert_array_equal(ta.diverged_at, tb.diverged_at)


@pytest.mark.parametrize("seed", range(12))
def test_link_round_trip_gives_identical_trajectories(seed):
    scene = random_scene(np.random.default_rng(seed))
    url = urllib.parse.urlencode(sc.to_query(scene))
    back, warnings = sc.from_query(dict(urllib.parse.parse_qsl(url)))
    assert warnings == []
    assert back == scene
    same_trajectories(sc.compute(scene), sc.compute(back))


def test_warmup_before_a_constant_rate_is_applied_and_round_trips():
    scene = sc.Scene(runs=sc.default_runs(), schedule="constant", schedule_params=(("warmup", 20),))
    lrs = sc.compute(scene)[0].lrs
    assert lrs[0] < lrs[10] < lrs[19] <= lrs[20] == lrs[-1]  # linear warmup, then constant
    back, warnings = sc.from_query(sc.to_query(scene))
    assert warnings == [] and back == scene


def test_formula_scene_round_trips():
    scene = sc.Scene(
        surface=sc.FORMULA, formula="sin(3x)cos(y) + 0.1(x^2+y^2)", runs=sc.default_runs()
    )
    back, warnings = sc.from_query(sc.to_query(scene))
    assert warnings == [] and back == scene


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_falls_back_with_a_warning(query, tmp_path):
    parsed = dict(urllib.parse.parse_qs(query, keep_blank_values=True))
    scene, warnings = sc.from_query(parsed)
    assert warnings, "a bad link must say what was wrong"
    assert all(isinstance(w, str) and w for w in warnings)
    # Whatever came in, the scene is valid: it computes without raising.
    assert 1 <= scene.steps <= sc.MAX_STEPS
    assert len(scene.runs) <= sc.MAX_RUNS
    sc.compute(scene)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("surface=rosenbrock:a=1,,b=2,", {"surface_params": (("a", 1), ("b", 2))}),
        ("runs=;;;;", {"runs": ()}),  # a link may share a surface with no runs
    ],
)
def test_sloppy_but_harmless_links_are_read_as_meant(query, expected):
    scene, warnings = sc.from_query(dict(urllib.parse.parse_qsl(query, keep_blank_values=True)))
    assert warnings == []
    for key, value in expected.items():
        assert getattr(scene, key) == value


def test_default_scene_races_four_optimizers_without_divergence():
    scene = sc.default_scene()
    trajectories = sc.compute(scene)
    assert [run.optimizer for run in scene.runs] == ["gd", "momentum", "rmsprop", "adam"]
    assert all(int(t.diverged_at[0]) == -1 for t in trajectories)
    # The race has a winner and a loser: the picture is worth looking at.
    finals = [float(t.values[0, -1]) for t in trajectories]
    assert max(finals) > 10 * min(finals)


def test_labels_name_the_hyperparameters():
    run = sc.Run("adam", (("beta1", 0.8), ("lr", 0.1)))
    assert run.label().startswith(optimizers.spec("adam").title)
    assert "lr=0.1" in run.label() and "beta1=0.8" in run.label()


def test_summary_reports_divergence_and_arrival():
    runs = [
        figures.Run("a", "#000", np.zeros((4, 2)), np.array([5.0, 1.0, 1e-4, 1e-5]), -1),
        figures.Run("b", "#000", np.zeros((4, 2)), np.array([5.0, 50.0, np.nan, np.nan]), 2),
    ]
    rows = sc.summary(runs, 0.0, 1e-3)
    assert rows[0]["status"] == "finished" and rows[0]["best loss"] == "1e-5"
    assert rows[0]["step within 0.001 of the minimum"] == "2"
    assert rows[1]["status"] == "diverged at step 2"
    assert rows[1]["final loss"] == "50"
    assert rows[1]["step within 0.001 of the minimum"] == "not reached"
    # Issue 11: no Python None in the table, big losses short.
    big = figures.Run("c", "#000", np.zeros((2, 2)), np.array([1.0, 1245729313.5858]), -1)
    (row,) = sc.summary([big], None, 1e-3)
    assert row["final loss"] == "1.25e9" and None not in row.values()
    assert row["step within 0.001 of the minimum"] == "no known minimum"


def test_escape_on_a_surface_unbounded_below_is_not_divergence():
    values = np.array([0.0, -1.0, -1e7])
    assert figures.escaped(values, 2, unbounded_below=True)
    assert not figures.escaped(values, 2, unbounded_below=False)
    assert not figures.escaped(np.array([0.0, 1.0, np.nan]), 2, unbounded_below=True)
    assert not figures.escaped(np.array([0.0, 1.0, 1e9]), 2, unbounded_below=True)
    run = figures.Run("GD", "#000", np.zeros((3, 2)), values, 2, escaped=True)
    assert figures.stop_text(run) == "escaped (left the view) at step 2"
    assert sc.summary([run], None, 1e-3)[0]["status"] == "escaped (left the view) at step 2"
    # The saddle: plain GD leaves the view downhill, said as an escape.
    scene = sc.Scene(surface="saddle", steps=300, runs=(sc.Run("gd", (("lr", 0.2),)),))
    (gd,) = sc.results(scene)
    assert gd.diverged_at > 0 and gd.escaped
    assert "escaped" in figures.stop_text(gd)
