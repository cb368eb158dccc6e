"""The scene: everything that determines what the explorer shows, as one hashable value.

A `Scene` is the single source of truth shared by the sidebar, the cache, the share link and
the downloads: the same scene always gives the same trajectories. It is plain Python (no
streamlit), so it can be tested and round-tripped through a URL without a running app.

URL form (every key optional; anything missing or invalid falls back to the default with a
warning)::

    surface=rosenbrock:a=1,b=100   f=<formula text>   start=-1.5,2   steps=500
    runs=adam:lr=0.01,beta1=0.9@d62728;!sgd:lr=0.001   schedule=cosine:t_max=500
    noise=0.1   batch=8   seed=0

In ``runs`` items are separated by ``;``, ``@rrggbb`` sets the colour and a leading ``!``
marks a run that is switched off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

import figures
import optimizers
import surfaces
from figures.scale import short_number
from optimizers.sweeps import steps_within
from ui import links

FORMULA = "formula"
MAX_STEPS = 5000  # the player animates every step up to here
MAX_SEED = 2**31 - 1
MAX_RUNS = 8
MAX_COORD = 1e6  # |x|, |y| of a start point, from a link or a click on the player
MAX_NOISE = 5.0  # the sidebar's slider and the link accept the same range
KEYS = ("surface", "f", "start", "steps", "runs", "schedule", "noise", "batch", "seed")
PALETTE = (
    "#d62728",
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#17becf",
    "#e377c2",
    "#8c564b",
)

Params = tuple[tuple[str, float | int | bool], ...]


@dataclass(frozen=True)
class Run:
    """One optimizer with its hyperparameters, as drawn on screen.

    Parameters
    ----------
    optimizer : str
        Registry name (see `optimizers.names`).
    hp : tuple of (name, value)
        Hyperparameters that differ from the registry defaults, sorted by name.
    color : str
        Hex colour of the path.
    enabled : bool
        Switched-off runs stay in the list but are not computed or drawn.
    uid : int
        The run's identity within a session (0 = not yet given one), so its controls and
        colour follow it when other runs are added or removed. Not part of equality: two
        runs with the same settings give the same trajectory.
    """

    optimizer: str
    hp: Params = ()
    color: str = PALETTE[0]
    enabled: bool = True
    uid: int = field(default=0, compare=False)

    def hparams(self) -> dict:
        """Return the full hyperparameters: registry defaults updated with `hp`."""
        spec = optimizers.spec(self.optimizer)
        full = {name: h.default for name, h in spec.hparams.items()}
        full.update(self.hp)
        return full

    def with_hp(self, **changes) -> Run:
        """Return this run with ``changes`` applied, keeping only non-default values in ``hp``.

        The form every control writes (sidebar, player ladder), so one setting gives one
        label and one link whichever control set it.
        """
        defaults = optimizers.spec(self.optimizer).hparams
        hp = {**dict(self.hp), **changes}
        return replace(
            self, hp=tuple(sorted((k, v) for k, v in hp.items() if v != defaults[k].default))
        )

    def label(self) -> str:
        """Return a legend label: the optimizer's title and its non-default settings."""
        spec = optimizers.spec(self.optimizer)
        shown = dict(self.hp)
        if "lr" in spec.hparams:
            shown.setdefault("lr", spec.hparams["lr"].default)
            shown = {"lr": shown.pop("lr"), **shown}
        text = ", ".join(f"{name}={_fmt(value)}" for name, value in shown.items())
        return f"{spec.title} {text}".strip()


@dataclass(frozen=True)
class Scene:
    """Everything that determines the explorer's trajectories.

    ``start=None`` means the surface's suggested start point; ``batch_size=0`` means the full
    batch (or no mini-batching on surfaces without samples).
    """

    surface: str = "rosenbrock"
    surface_params: Params = ()
    formula: str = ""
    start: tuple[float, float] | None = None
    steps: int = 500
    runs: tuple[Run, ...] = field(default_factory=tuple)
    schedule: str = "constant"
    schedule_params: Params = ()
    noise: float = 0.0
    batch_size: int = 0
    seed: int = 0

    def build_surface(self):
        """Return the Surface this scene is on (parsing the formula if there is one)."""
        if self.surface == FORMULA:
            return surfaces.parse(self.formula)
        return surfaces.get(self.surface, **dict(self.surface_params))

    def start_point(self, surface) -> tuple[float, float]:
        """Return the start point: the chosen one or the surface's suggestion."""
        return self.start if self.start is not None else tuple(surface.start)

    def active_runs(self) -> tuple[Run, ...]:
        """Return the runs that are switched on."""
        return tuple(run for run in self.runs if run.enabled)

    def schedule_fn(self):
        """Return the learning-rate schedule, or None for a constant rate."""
        if self.schedule == "constant" and not self.schedule_params:
            return None
        return optimizers.make_schedule(self.schedule, **dict(self.schedule_params))


def default_runs(surface_name: str = "rosenbrock") -> tuple[Run, ...]:
    """Return the first-load race: GD, momentum, RMSprop and Adam, tuned to the surface.

    Learning rates come from the surface's suggested plain-GD rate, scaled per optimizer
    by `optimizers.suggest_lr`, so the default picture is good on every surface.
    """
    surface = surfaces.get(surface_name)
    names = ("gd", "momentum", "rmsprop", "adam")
    return tuple(
        Run(name, (("lr", round_sig(optimizers.suggest_lr(name, surface.lr))),), PALETTE[i])
        for i, name in enumerate(names)
    )


def default_scene() -> Scene:
    """Return the scene shown on first load."""
    return Scene(runs=default_runs())


def compute(scene: Scene, surface=None, record: bool = False, starts=None):
    """Run every active run of the scene from its start point.

    Parameters
    ----------
    scene : Scene
    surface : Surface, optional
        The already-built surface (saves a rebuild).
    record : bool
        Keep the optimizers' internal state at every step (for the step inspector).
    starts : array_like, shape (N, 2), optional
        Run from these starts instead (one vectorised run per optimizer).

    Returns
    -------
    list of optimizers.Trajectory
        One per active run, each with a single start point (or the N ``starts``).
    """
    surface = surface if surface is not None else scene.build_surface()
    if starts is None:
        starts = [scene.start_point(surface)]
    starts = np.array(starts, dtype=float)
    batch = scene.batch_size if scene.batch_size and surface.n_samples else None
    # Runs of one optimizer (a lesson's three learning rates) are one vectorised run.
    return optimizers.run_all(
        surface,
        [(run.optimizer, dict(run.hp)) for run in scene.active_runs()],
        starts,
        scene.steps,
        schedule=scene.schedule_fn(),
        noise=scene.noise,
        batch_size=batch,
        seed=scene.seed,
        escape_radius=escape_radius(surface),
        record=record,
    )


def escape_radius(surface) -> float:
    """Return the distance from the origin beyond which a path counts as diverged.

    Ten times the size of the surface's domain: far enough that a path which leaves the
    view and comes back is not cut, near enough that a run which blows up stops early.
    """
    (x0, x1), (y0, y1) = surface.domain
    return 10.0 * max(abs(x0), abs(x1), abs(y0), abs(y1), x1 - x0, y1 - y0)


# --- URL round trip -------------------------------------------------------------------


def to_query(scene: Scene) -> dict[str, str]:
    """Encode a scene as URL query parameters (see the module docstring)."""
    query = {"surface": _join(scene.surface, scene.surface_params)}
    if scene.surface == FORMULA:
        query["f"] = scene.formula
    if scene.start is not None:
        query["start"] = f"{_fmt(scene.start[0])},{_fmt(scene.start[1])}"
    query["steps"] = str(scene.steps)
    query["runs"] = ";".join(
        ("" if run.enabled else "!") + _join(run.optimizer, run.hp) + "@" + run.color.lstrip("#")
        for run in scene.runs
    )
    if scene.schedule != "constant" or scene.schedule_params:
        query["schedule"] = _join(scene.schedule, scene.schedule_params)
    if scene.noise:
        query["noise"] = _fmt(scene.noise)
    if scene.batch_size:
        query["batch"] = str(scene.batch_size)
    if scene.seed:
        query["seed"] = str(scene.seed)
    return query


def from_query(query) -> tuple[Scene, list[str]]:
    """Decode URL query parameters into a scene, falling back to safe values.

    Parameters
    ----------
    query : mapping of str to str or list of str
        For example ``dict(st.query_params)`` or ``{k: st.query_params.get_all(k)}``.

    Returns
    -------
    scene : Scene
        A valid scene: every invalid part replaced by its default.
    warnings : list of str
        One plain sentence per part that was replaced (it may quote the link: show it
        with ``ui.links.message``, which makes it inert).
    """
    values, warnings = links.read(query, KEYS)
    scene = default_scene()
    parts = {}
    parsers = (
        ("surface", _parse_surface),
        ("start", _parse_start),
        ("steps", lambda v, _: {"steps": _int_in(v, 1, MAX_STEPS, "steps")}),
        ("runs", _parse_runs),
        ("schedule", _parse_schedule),
        ("noise", lambda v, _: {"noise": _float_in(v, 0.0, MAX_NOISE, "noise")}),
        ("batch", lambda v, _: {"batch_size": _int_in(v, 0, 100_000, "batch")}),
        ("seed", lambda v, _: {"seed": _int_in(v, 0, MAX_SEED, "seed")}),
    )
    for key, parse in parsers:
        if key not in values:
            continue
        try:
            found = parse(values[key], values)
            if isinstance(found, tuple):  # the surface: its own warnings for its parameters
                found, refused = found
                warnings += refused
            parts.update(found)
        except ValueError as err:
            warnings.append(f"{str(err).rstrip('.')}. The default is used instead.")
    if "f" in values and values.get("surface", "").partition(":")[0].strip() != FORMULA:
        warnings.append("The link's formula 'f' is used only with surface=formula; ignored.")
    if parts.get("batch_size"):
        try:
            _check_batch(parts["batch_size"], replace(scene, **parts))
        except ValueError as err:
            del parts["batch_size"]
            warnings.append(f"{str(err).rstrip('.')}. The full batch is used instead.")
    if "runs" not in parts and parts.get("surface", scene.surface) != scene.surface:
        if parts["surface"] != FORMULA:
            parts["runs"] = default_runs(parts["surface"])
    # Warnings quote the link: they are plain text, shown only through links.message (inert).
    return replace(scene, **parts), warnings


def _parse_surface(value, values):
    """Read ``surface``; a bad parameter is dropped (the surface's default, with a warning)."""
    name, params = _split(value)
    if name == FORMULA:
        formula = values.get("f", "")
        surfaces.parse(formula)  # raises FormulaError (a ValueError) with the reason
        return {"surface": FORMULA, "formula": formula, "surface_params": ()}
    if name not in surfaces.names():
        raise ValueError(f"Unknown surface '{name[:40]}'.")
    specs, kept, refused = surfaces.info(name).params, {}, []
    for key, number in params.items():
        try:
            surfaces.check_params(name, specs, {key: number})  # also refuses true for a number
            kept[key] = number
        except ValueError as err:
            refused.append(f"{str(err).rstrip('.')}. The surface's default is used instead.")
    surfaces.get(name, **kept)  # validates the parameters together
    return {"surface": name, "surface_params": tuple(sorted(kept.items()))}, refused


def _check_batch(batch, scene):
    """Check the link's batch against the surface's samples, as the sidebar's slider does."""
    n = scene.build_surface().n_samples
    if not n:
        raise ValueError(f"'batch' needs a surface with samples; this one has none (got {batch})")
    if batch > n:
        raise ValueError(f"'batch' must be between 1 and {n} for this surface, got {batch}")


def _parse_start(value, _):
    try:
        x, y = (float(v) for v in value.split(","))
    except ValueError:
        raise ValueError("The start point must be two numbers 'x,y'.") from None
    if not (math.isfinite(x) and math.isfinite(y) and abs(x) < MAX_COORD and abs(y) < MAX_COORD):
        raise ValueError(f"The start point must be two finite numbers below {MAX_COORD:g}.")
    return {"start": (x, y)}


def _parse_runs(value, _):
    runs = []
    for i, item in enumerate(filter(None, value.split(";"))):
        if len(runs) == MAX_RUNS:
            raise ValueError(f"At most {MAX_RUNS} runs fit in one scene.")
        enabled = not item.startswith("!")
        item, _, color = item.lstrip("!").partition("@")
        name, hp = _split(item)
        optimizers.make(name, **hp)  # raises ValueError naming the bad parameter
        if not color:
            color = PALETTE[i % len(PALETTE)].lstrip("#")
        elif not (len(color) == 6 and all(c in "0123456789abcdefABCDEF" for c in color)):
            raise ValueError(f"'{color[:20]}' is not a colour (six hex digits such as d62728).")
        runs.append(Run(name, tuple(sorted(hp.items())), "#" + color.lower(), enabled))
    return {"runs": tuple(runs)}


def _parse_schedule(value, _):
    name, params = _split(value)
    if name not in optimizers.SCHEDULES:
        raise ValueError(f"Unknown schedule '{name[:40]}'.")
    optimizers.make_schedule(name, **params)  # raises ValueError naming a bad parameter
    return {"schedule": name, "schedule_params": tuple(sorted(params.items()))}


def _split(text: str) -> tuple[str, dict]:
    """Split ``name:k=v,k=v`` into the name and a dict of numbers/booleans."""
    name, _, rest = text.partition(":")
    name = name.strip()
    params = {}
    for pair in filter(None, rest.split(",")):
        key, sep, raw = pair.partition("=")
        if not sep or not key.isidentifier():
            raise ValueError(f"'{pair[:40]}' is not a setting of the form name=value.")
        if key in params:
            raise ValueError(f"'{key[:40]}' of {name[:40]} is given twice.")
        params[key] = _number(raw, key)
    return name, params


def _join(name: str, params: Params) -> str:
    return name + (":" + ",".join(f"{k}={_fmt(v)}" for k, v in params) if params else "")


def _number(raw: str, key: str):
    if raw in ("true", "false"):
        return raw == "true"
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"'{key}' must be a number, got '{raw[:40]}'.") from None
    if not math.isfinite(value):
        raise ValueError(f"'{key}' must be a finite number.")
    return int(value) if value.is_integer() and "." not in raw and "e" not in raw else value


def _int_in(raw: str, low: int, high: int, key: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"'{key}' must be a whole number, got '{raw[:40]}'.") from None
    if not low <= value <= high:
        raise ValueError(f"'{key}' must be between {low} and {high}, got {value}.")
    return value


def _float_in(raw: str, low: float, high: float, key: str) -> float:
    value = _number(raw, key)
    if isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"'{key}' must be between {low} and {high}.")
    return float(value)


def _fmt(value) -> str:
    """Format a number exactly and briefly (repr round-trips floats; "1.0" stays a float)."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return repr(float(value))


def round_sig(value: float, digits: int = 2) -> float:
    """Round to ``digits`` significant figures (friendly default learning rates)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, -int(math.floor(math.log10(abs(value)))) + digits - 1)


def summary(runs: list[dict], f_min: float | None, tol: float) -> list[dict]:
    """Tabulate each run: final and best loss, when it reached the tolerance, divergence.

    Parameters
    ----------
    runs : list of dict
        With ``label``, ``values`` (steps + 1,), ``diverged_at``.
    f_min : float or None
        The lowest known minimum value; None when the surface has no known minimum (then
        "arrived" is not defined).
    tol : float
        A run has arrived at the first step whose loss is within ``tol`` of ``f_min``.

    Returns
    -------
    list of dict
        One row per run, ready for a table: losses as short text (``1.25e9``), never None.
    """
    rows = []
    for run in runs:
        values = np.asarray(run.values, dtype=float)
        finite = values[np.isfinite(values)]
        arrived = int(steps_within(values[None], f_min, tol)[0])
        k = run.diverged_at
        if f_min is None:
            reached = "no known minimum"
        else:
            reached = f"{arrived:,}" if arrived >= 0 else "not reached"
        rows.append(
            {
                "run": run.label,
                "final loss": short_number(finite[-1], 3) if finite.size else "—",
                "best loss": short_number(finite.min(), 3) if finite.size else "—",
                f"step within {tol:g} of the minimum": reached,
                "status": figures.stop_text(run) if k >= 0 else "finished",
            }
        )
    return rows


def retuned(runs, surface) -> tuple[Run, ...]:
    """Return ``runs`` with each learning rate set to the one suggested for ``surface``.

    Parameters
    ----------
    runs : iterable of Run
    surface : Surface

    Returns
    -------
    tuple of Run
    """
    return tuple(
        replace(
            run,
            hp=tuple(
                sorted(
                    {
                        **dict(run.hp),
                        "lr": round_sig(optimizers.suggest_lr(run.optimizer, surface.lr)),
                    }.items()
                )
            ),
        )
        for run in runs
    )


def results(scene: Scene) -> list[figures.Run]:
    """Run the scene; return one ``figures.Run`` per active run (what everything draws).

    ``ui.compute.runs`` is this function behind ``st.cache_data``.

    Raises
    ------
    ValueError
        From the surface (a bad formula) or an optimizer (a bad hyperparameter).
    """
    surface = scene.build_surface()
    return [
        figure_run(run, traj, surface)
        for run, traj in zip(scene.active_runs(), compute(scene, surface), strict=True)
    ]


def figure_run(run: Run, traj, surface=None, row: int = 0) -> figures.Run:
    """Return what the figures draw of one start (``row``) of a run's ``Trajectory``.

    With ``surface``, a run that left the view downhill on a surface unbounded below (no
    minimum) is marked ``escaped`` (see :func:`figures.escaped`).
    """
    unbounded = surface is not None and not surface.minima
    return figures.Run(
        label=run.label(),
        color=run.color,
        points=traj.points[row],
        values=traj.values[row],
        diverged_at=int(traj.diverged_at[row]),
        grad_norms=traj.grad_norms[row],
        lrs=traj.lrs if traj.lrs.ndim == 1 else traj.lrs[row],
        escaped=figures.escaped(traj.values[row], traj.diverged_at[row], unbounded),
    )


# State fields that are points of the plane, drawn faintly beside their run's path.
COMPANIONS = {"slow": "slow weights φ", "y": "y (where the gradient is taken)", "z": "z"}


def companions(scene: Scene, records_fn=None) -> list[figures.Run]:
    """Return faint extra paths: Lookahead's slow weights, schedule-free's y and z.

    Each is a ``ghost`` :class:`figures.Run` (drawn faintly and whole) in its run's
    colour, starting at the start point. Only runs whose state holds such points give
    any; the others cost nothing (no recorded run is computed unless one does).

    Parameters
    ----------
    scene : Scene
    records_fn : callable, optional
        ``records_fn(scene)`` gives :func:`internals` (e.g. the cached one); default
        :func:`internals`.
    """
    active = scene.active_runs()
    fields = {
        f
        for r in active
        for f in type(optimizers.make(r.optimizer, **dict(r.hp)).init(np.zeros((1, 2))))._fields
    }
    if not fields & set(COMPANIONS):
        return []
    surface = scene.build_surface()
    start = np.array(scene.start_point(surface), dtype=float)
    records = (records_fn or internals)(scene)
    out = []
    for run, record in zip(active, records, strict=True):
        for key, name in COMPANIONS.items():
            if key not in record:
                continue
            points = np.vstack([start, record[key]])
            with np.errstate(all="ignore"):
                values = surface.value(points)
            out.append(
                figures.Run(
                    label=f"{run.label()}: {name}",
                    color=run.color,
                    points=points,
                    values=values,
                    ghost=True,
                )
            )
    return out


def internals(scene: Scene) -> list[dict]:
    """Return every active run's recorded internals per step (gradients, state, updates).

    Keys: ``points``, ``lrs`` and the runner's ``internals`` (see ``optimizers.run``).
    ``ui.compute.internals`` is this function behind ``st.cache_data``.
    """
    return [
        {
            "points": traj.points[0],
            "lrs": traj.lrs if traj.lrs.ndim == 1 else traj.lrs[0],  # plateau: per row
            **{k: v[0] for k, v in traj.internals.items()},
        }
        for traj in compute(scene, record=True)
    ]
