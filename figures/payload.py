"""The animation player's payload: a surface grid and whole trajectories, sent once.

The browser (``assets/player/player.js``) reveals each path client-side, step by step, so the
payload holds every point exactly once and grows linearly with the number of steps. A
frames-based Plotly animation (see ``benchmarks/naive.py``) instead repeats
the path so far in every frame and grows with steps squared.

Runs flagged ``ghost`` (the previous settings, drawn faintly behind the current ones) are
sent whole and never animated: they take no part in the step count, the frames or the
subsampling, which come from the live runs only.

All presentation maths (log colouring, clipping, lifting the paths above the surface)
happens in the browser from the few numbers in ``payload["zscale"]``, so the surface and
the paths can never disagree on it.
"""

import hashlib
import json
import math
from typing import Any, NamedTuple

import numpy as np

from figures._arrays import bilinear, encode_array
from figures.scale import ZScale

#: Above this many steps the payload keeps every k-th step (and says so); at or below it,
#: every step is sent and animated.
MAX_FRAMES = 5000

#: Version of the payload layout; the player refuses payloads it does not know.
PAYLOAD_VERSION = 1

THEMES = ("light", "dark")


class Run(NamedTuple):
    """One optimizer run's result: what every figure, the player and every export draw.

    ``ui.scene.results`` returns these; figures and exports take nothing else.

    Attributes
    ----------
    label : str
        Legend text, including the hyperparameters (e.g. ``"Adam lr=0.01"``).
    color : str
        Any CSS colour (``"#1f77b4"``, ``"crimson"``, ``"rgb(...)"``).
    points : numpy.ndarray
        ``(steps + 1, 2)`` positions; row 0 is the start.
    values : numpy.ndarray
        ``(steps + 1,)`` loss at each position.
    diverged_at : int
        First step whose point, value or gradient was non-finite or escaped; -1 if never.
    ghost : bool
        A run of the previous settings: drawn faintly and whole, never animated, and not
        counted for the number of steps.
    grad_norms : numpy.ndarray or None
        ``(steps + 1,)`` |∇f| at each position (for the gradient-norm chart).
    lrs : numpy.ndarray or None
        ``(steps,)`` learning rate of steps 1..steps (after the schedule; the run's own
        rates for a loss-driven schedule), drawn under the loss curve.
    escaped : bool
        The run stopped at ``diverged_at`` by leaving the view downhill on a surface
        unbounded below (the saddle's desired outcome), not by blowing up; see
        :func:`escaped`.
    """

    label: str
    color: str
    points: Any
    values: Any
    diverged_at: int = -1
    ghost: bool = False
    grad_norms: Any = None
    lrs: Any = None
    escaped: bool = False


def escaped(values, diverged_at, unbounded_below) -> bool:
    """Whether a stopped run escaped (left the view downhill) rather than diverged.

    On a surface unbounded below (no minimum: the saddles), a path that leaves the
    escape radius with a finite loss lower than its start is doing what the lesson
    wants; only non-finite values, or a loss that grew, count as diverging.

    Parameters
    ----------
    values : array_like
        The run's losses, ``(steps + 1,)``.
    diverged_at : int
        The step it stopped at (-1: it never stopped).
    unbounded_below : bool
        The surface has no minimum (``not surface.minima``).

    Returns
    -------
    bool
    """
    values = np.asarray(values, dtype=np.float64)
    k = int(diverged_at)
    if not unbounded_below or k < 0 or k >= values.size:
        return False
    return bool(np.isfinite(values[k]) and values[k] < values[0])


def stop_text(run) -> str:
    """Return how a run stopped, in words.

    "escaped (left the view) at step k" for an escaped run, "diverged at step k" for
    any other stopped one, "" for a run that never stopped.
    """
    k = int(run.diverged_at)
    if k < 0:
        return ""
    return f"{'escaped (left the view)' if run.escaped else 'diverged'} at step {k:,}"


def as_run(run):
    """Check a :class:`Run` and return it with float64 arrays.

    Parameters
    ----------
    run : Run

    Returns
    -------
    Run
        With ``points`` of shape (n, 2) and ``values`` of shape (n,), float64.

    Raises
    ------
    TypeError
        If ``run`` is not a :class:`Run` (dicts and other objects are refused: one result
        type everywhere).
    ValueError
        If the shapes disagree.
    """
    if not isinstance(run, Run):
        raise TypeError(f"expected a figures.Run, got {type(run).__name__}")
    points = np.asarray(run.points, dtype=np.float64)
    values = np.asarray(run.values, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] < 1:
        raise ValueError(f"points must have shape (steps + 1, 2), got {points.shape}")
    if values.shape != (points.shape[0],):
        raise ValueError(f"values must have shape ({points.shape[0]},), got {values.shape}")
    return run._replace(
        points=points, values=values, diverged_at=int(run.diverged_at), ghost=bool(run.ghost)
    )


def _finite_or_none(value):
    value = float(value)
    return value if math.isfinite(value) else None


def grid_value(xs, ys, z, x, y):
    """Bilinear interpolation of a grid at one point (NaN outside the grid).

    Parameters
    ----------
    xs, ys : numpy.ndarray
        Increasing grid coordinates, shapes (nx,) and (ny,).
    z : numpy.ndarray
        Values, shape (ny, nx): ``z[j, i]`` is the value at ``(xs[i], ys[j])``.
    x, y : float
        Where to interpolate.

    Returns
    -------
    float
    """
    if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
        return float("nan")
    return float(bilinear(xs, ys, z, x, y))


def _last_visible(points, values, stop, domain, pad=0.02):
    """Index of the last point at or before ``stop`` that is finite and inside the view."""
    (x0, x1), (y0, y1) = domain
    dx, dy = pad * (x1 - x0), pad * (y1 - y0)
    head_points, head_values = points[: stop + 1], values[: stop + 1]
    finite = np.isfinite(head_points).all(axis=1) & np.isfinite(head_values)
    inside = (
        finite
        & (head_points[:, 0] >= x0 - dx)
        & (head_points[:, 0] <= x1 + dx)
        & (head_points[:, 1] >= y0 - dy)
        & (head_points[:, 1] <= y1 + dy)
    )
    for mask in (inside, finite):
        idx = np.flatnonzero(mask)
        if idx.size:
            return int(idx[-1])
    return -1


def pick_steps(n_points, max_frames, keep=(), *, exact=False):
    """Choose the steps an animation shows: all, or a regular subset plus the ones that matter.

    The ones that matter (a run's last step, its divergence step) are never skipped. The
    player and the GIF/MP4 exports both choose their frames here.

    Parameters
    ----------
    n_points : int
        Steps + 1 of the longest run.
    max_frames : int
        Frames wanted.
    keep : iterable of int
        Steps that must be shown; values outside 0..steps are ignored.
    exact : bool
        False (the player): every k-th step with a whole stride k, plus ``keep`` on top.
        True (a GIF or MP4 of a fixed length): exactly ``min(max_frames, n_points)`` steps
        spread evenly, each ``keep`` step replacing the regular step nearest to it.

    Returns
    -------
    steps : ndarray of int or None
        Sorted distinct steps, first and last included; None when every step is a frame.
    stride : float
        The spacing of the regular frames (a whole number unless ``exact``).
    """
    steps = n_points - 1
    keep = {int(k) for k in keep if 0 <= k <= steps}
    if (n_points if exact else steps) <= max_frames:
        return None, 1
    if not exact:
        stride = math.ceil(steps / max(1, max_frames))
        chosen = set(range(0, n_points, stride)) | {steps} | keep
        return np.array(sorted(chosen), dtype=np.int64), stride
    n = max(1, int(max_frames))
    if n == 1:
        return np.array([steps], dtype=np.int64), float(steps)
    # Spacing steps / (n - 1) >= 1, so the rounded steps are distinct.
    chosen = set(np.round(np.linspace(0, steps, n)).astype(int).tolist())
    for k in sorted(keep - chosen):
        spare = chosen - keep - {0, steps}
        if not spare:
            break
        chosen.remove(min(spare, key=lambda t: abs(t - k)))
        chosen.add(k)
    return np.array(sorted(chosen), dtype=np.int64), steps / (n - 1)


def _cut(run, domain):
    """Return ``(run, last)``: nothing drawn after a divergence, and the last visible step."""
    points, values = run.points.copy(), run.values.copy()
    k = run.diverged_at
    if 0 <= k < len(values) - 1:
        points[k + 1 :] = np.nan
        values[k + 1 :] = np.nan
    run = run._replace(points=points, values=values)
    return run, (_last_visible(points, values, k, domain) if k >= 0 else -1)


def _marker(run, last):
    """Where the ✕ of a diverged run goes (its last visible point), or None."""
    if last < 0:
        return None
    x, y = run.points[last]
    return {"step": last, "x": float(x), "y": float(y), "value": _finite_or_none(run.values[last])}


def _thin(n, frames):
    """Return at most ``frames`` of ``n`` steps: the first ones all, then log-spaced.

    Paths move most at the start (an oscillation there would become a zigzag if thinned
    evenly) and slowly later. The last step is always kept.
    """
    if n <= frames:
        return np.arange(n)
    early = frames // 3
    late = np.geomspace(early, n - 1, frames - early).round().astype(int)
    return np.unique(np.concatenate([np.arange(early), late]))


def _start_grid(grid, domain, n_live):
    """Encode every live run from a grid of starts, each path thinned to at most ``frames``."""
    xs, ys = np.asarray(grid["x"], dtype=float), np.asarray(grid["y"], dtype=float)
    out = []
    for paths in grid["runs"]:
        rows = [_cut(as_run(r), domain) for r in paths]
        if len(rows) != xs.size * ys.size:
            raise ValueError("a start grid needs one path per start, len(x) * len(y) of them")
        keep = _thin(len(rows[0][0].values), int(grid["frames"]))
        out.append(
            {
                "xy": encode_array(np.stack([r.points[keep] for r, _ in rows])),
                "values": encode_array(np.stack([r.values[keep] for r, _ in rows])),
                "diverged_at": [r.diverged_at for r, _ in rows],
                "markers": [_marker(r, last) for r, last in rows],
            }
        )
    if len(out) != n_live:
        raise ValueError("a start grid needs one set of paths per live run")
    return {"x": xs.tolist(), "y": ys.tolist(), "frames": int(keep.size), "runs": out}


def _must_show(runs, steps):
    """Never hide the moment a run diverges or the last point it reached."""
    keep = set()
    for run, last in runs:
        keep.add(len(run.values) - 1)
        if run.diverged_at >= 0:
            keep.update({min(run.diverged_at, steps), last})
    return keep


def player_payload(
    xs,
    ys,
    z,
    runs,
    *,
    domain=None,
    start=None,
    minima=(),
    log_z=False,
    z_clip=None,
    z_label="loss",
    title="",
    theme="light",
    surface_id=None,
    camera=None,
    max_frames=MAX_FRAMES,
    ladder=None,
    start_grid=None,
    axes=("x", "y"),
):
    """Build the player's JSON-able payload: the grid and every run's whole path, once.

    Parameters
    ----------
    xs : array_like
        Grid x coordinates, shape (nx,), increasing.
    ys : array_like
        Grid y coordinates, shape (ny,), increasing.
    z : array_like
        Loss on the grid, shape (ny, nx), ``z[j, i] = f(xs[i], ys[j])``; NaN allowed
        (drawn as holes).
    runs : sequence of Run
        Each with ``label``, ``color``, ``points`` (steps + 1, 2),
        ``values`` (steps + 1,), ``diverged_at`` (int, -1 = never) and optionally
        ``ghost`` (bool, default False). A ``optimizers.Trajectory`` holds these for N
        runs; pass one per row. Ghost runs (the previous settings) are drawn faintly and
        whole at every step; they never count for ``steps``, ``frames``, ``stride`` or
        the subsampling, and may be longer or shorter than the live runs.
    domain : ((float, float), (float, float)), optional
        ``((xmin, xmax), (ymin, ymax))``: the view. Defaults to the grid's extent.
    start : (float, float), optional
        The start point to mark (a diamond).
    minima : sequence of (x, y) or (x, y, value), optional
        Known minima to mark (stars); without a value, it is interpolated on the grid.
    log_z : bool
        Colour and height on a log scale (for values spanning decades).
    z_clip : float, optional
        Upper limit of the colour and height scale; higher values are drawn at it and the
        colour bar says so.
    z_label : str
        Name of the plotted quantity (colour bar title).
    title : str
        Shown above the two charts; empty for none.
    theme : {"light", "dark"}
        Colours of the player.
    surface_id : str, optional
        Identity of the surface: while it stays the same, the player keeps the user's 3-D
        camera and 2-D zoom across new payloads (Plotly ``uirevision``). Defaults to a
        hash of the grid, the domain and the z scaling.
    camera : dict, optional
        Initial 3-D camera in Plotly's form, e.g. ``{"eye": {"x": -0.75, "y": -0.95,
        "z": 2.0}}`` (also ``center``, ``up``); the player's default looks from high up.
        Only used for a new surface: the user's own camera wins while the surface stays.
    max_frames : int
        At most this many steps are animated; longer runs are shown every k-th step
        (plus the steps where live runs diverge) and ``payload["subsampled"]`` is True.
    axes : (str, str)
        Titles of the two coordinate axes (a network slice's are its directions).
    ladder : dict, optional
        One live run computed at several values of one hyperparameter, for scrubbing
        without a round trip (``ui.ladder.ladder``): ``run`` (its position among the live
        runs), ``name``, ``values``, ``index`` (the current value's position), ``runs``
        (one Run per value, as long as the live runs) and ``options`` (JSON-able: what
        else can be scrubbed). Its runs are encoded like live runs, at the same frames.
    start_grid : dict, optional
        Every live run from each start of a grid, for dragging the start without a round
        trip (``ui.ladder.start_grid``): ``x`` (nx,), ``y`` (ny,), ``frames`` (at most this
        many points kept of each path: the first steps, then log-spaced to the last) and
        ``runs``: per live run,
        ``nx * ny`` Runs, start ``(x[i], y[j])`` at position ``j * nx + i``.

    Returns
    -------
    dict
        JSON-able. Arrays are ``{"dtype", "shape", "b64"}`` (float32 little-endian, see
        :func:`figures._arrays.decode_array`); NaN marks points after a divergence. Keys:
        ``kind``, ``version``, ``id`` (hash of the content), ``surface_id``, ``title``,
        ``theme``, ``domain``, ``grid`` {x, y, z}, ``zscale``, ``steps`` (last step),
        ``frames`` (number of animation frames), ``stride``, ``subsampled``,
        ``frame_steps`` (int32 step of each frame, or None when every step is a frame),
        ``start``, ``minima``, ``camera``, ``axes``, ``runs`` (label, color, ghost, xy,
        values, diverged_at, marker), in the order given, and ``ladder`` (None, or ``run``,
        ``name``, ``values``, ``index``, ``options`` and ``rungs``, encoded like
        ``runs``) and ``start_grid`` (None, or ``x``, ``y``, ``frames`` and per live
        run ``xy`` (nx * ny, frames, 2), ``values``, ``diverged_at`` and ``markers``).
        ``steps`` is the last step of the longest live run (0 without live runs). A live
        run's ``xy`` and ``values`` have one row per frame; a ghost's hold its whole
        path, one row per step.

    Raises
    ------
    ValueError
        On inconsistent shapes, an unknown theme, or a grid without finite values.
    """
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if xs.ndim != 1 or ys.ndim != 1 or xs.size < 2 or ys.size < 2:
        raise ValueError("xs and ys must be 1-D with at least 2 values each")
    if z.shape != (ys.size, xs.size):
        raise ValueError(f"z must have shape (len(ys), len(xs)) = {(ys.size, xs.size)}")
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    if domain is None:
        domain = ((xs[0], xs[-1]), (ys[0], ys[-1]))
    domain = [[float(v) for v in domain[0]], [float(v) for v in domain[1]]]
    zscale = ZScale.from_grid(z, log_z, z_clip, z_label).as_payload()

    runs = [as_run(r) for r in runs]
    # Only the live runs set the animation's length; ghosts are drawn whole.
    n_points = max((len(r.values) for r in runs if not r.ghost), default=1)
    with_last = [_cut(run, domain) for run in runs]

    live = [(run, last) for run, last in with_last if not run.ghost]
    frame_steps, stride = pick_steps(n_points, max_frames, _must_show(live, n_points - 1))

    def encode(run, last):
        points, values = run.points, run.values
        if not run.ghost:
            # Pad shorter runs with NaN so every live run has one row per frame.
            pad = n_points - len(run.values)
            points = np.vstack([points, np.full((pad, 2), np.nan)])
            values = np.concatenate([values, np.full(pad, np.nan)])
            if frame_steps is not None:
                points, values = points[frame_steps], values[frame_steps]
        marker = _marker(run, last)
        return {
            "label": run.label,
            "color": run.color,
            "ghost": run.ghost,  # drawn faintly and whole, never animated
            "xy": encode_array(points),
            "values": encode_array(values),
            "diverged_at": run.diverged_at,
            "escaped": bool(run.escaped),  # left the view downhill: said so, not "diverged"
            "marker": marker,  # where the ✕ goes once the animation passes diverged_at
        }

    out_runs = [encode(run, last) for run, last in with_last]

    def mark(x, y, value=None):
        if value is None:
            value = grid_value(xs, ys, z, float(x), float(y))
        return {"x": float(x), "y": float(y), "value": _finite_or_none(value)}

    payload = {
        "kind": "loss-landscape-player",
        "version": PAYLOAD_VERSION,
        "title": str(title),
        "theme": theme,
        "domain": domain,
        "grid": {"x": encode_array(xs), "y": encode_array(ys), "z": encode_array(z)},
        "zscale": zscale,
        "steps": n_points - 1,
        "frames": n_points if frame_steps is None else int(frame_steps.size),
        "stride": stride,
        "subsampled": frame_steps is not None,
        "frame_steps": None if frame_steps is None else encode_array(frame_steps, "i4"),
        "start": None if start is None else mark(start[0], start[1]),
        "minima": [mark(*m[:2], m[2] if len(m) > 2 else None) for m in minima],
        "camera": None if camera is None else _camera(camera),
        "runs": out_runs,
        "axes": [str(axes[0]), str(axes[1])],
        "ladder": None,
        "start_grid": None,
    }
    if start_grid:
        payload["start_grid"] = _start_grid(start_grid, domain, len(live))
    if ladder:
        rungs = [_cut(as_run(r)._replace(ghost=False), domain) for r in ladder["runs"]]
        if any(len(run.values) != n_points for run, _ in rungs):
            raise ValueError("every run of a ladder must have as many steps as the live runs")
        payload["ladder"] = {
            "run": int(ladder["run"]),
            "name": str(ladder["name"]),
            "values": [float(v) for v in ladder["values"]],
            "index": int(ladder["index"]),
            "rungs": [encode(run, last) for run, last in rungs],
            "options": ladder["options"],
        }
    if surface_id is None:
        surface_id = _digest([payload["grid"], payload["domain"], payload["zscale"]], length=16)
    payload["surface_id"] = str(surface_id)
    payload["id"] = _digest(payload, length=16)
    return payload


def _camera(camera):
    out = {}
    for part in ("eye", "center", "up"):
        if part in camera:
            out[part] = {axis: float(camera[part][axis]) for axis in ("x", "y", "z")}
    if "eye" not in out:
        raise ValueError("camera needs at least an 'eye' with x, y, z")
    return out


def _digest(obj, length=16):
    text = json.dumps(obj, sort_keys=True, allow_nan=False)
    return hashlib.blake2b(text.encode(), digest_size=length // 2).hexdigest()


def payload_bytes(payload):
    """Size of the payload as JSON on the wire, in bytes.

    Parameters
    ----------
    payload : dict
        As returned by :func:`player_payload`.

    Returns
    -------
    int
    """
    return len(json.dumps(payload, separators=(",", ":"), allow_nan=False).encode())
