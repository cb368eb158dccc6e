"""Trajectories as files: CSV and JSON downloads of a scene's runs, and reading them back.

``runs`` are ``figures.Run`` results, as every figure and export takes them.
"""

import csv
import io
import json
import math

import numpy as np

from figures.payload import Run

APP_NAME = "Loss Landscape Lab"
CSV_COLUMNS = ("run", "label", "step", "x", "y", "loss", "diverged")


def _finite_or_none(seq):
    """Return ``seq`` (a flat list of floats) with every non-finite number replaced by None."""
    return [v if math.isfinite(v) else None for v in seq]


def trajectories_csv(runs):
    """Write every run's trajectory as CSV text in long format.

    One row per run per step, columns ``run, label, step, x, y, loss, diverged``. ``run``
    is the run's index in ``runs`` (labels may repeat); ``diverged`` is ``true`` from the
    step ``diverged_at`` on. Rows after divergence are kept, so every run has ``steps + 1``
    rows, and their NaN numbers are written as empty fields; infinities are written as
    ``inf``/``-inf``. Floats use ``repr``, so reading them back with ``float`` gives the
    same numbers bit for bit.

    Parameters
    ----------
    runs : list of dict
        Runs with ``label``, ``points`` (steps+1, 2), ``values`` (steps+1,) and
        ``diverged_at``.

    Returns
    -------
    str
        The CSV text, with a header row and newline (LF) line endings.
    """

    def fmt(v):
        return "" if math.isnan(v) else repr(v)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i, run in enumerate(runs):
        points = np.asarray(run.points, dtype=float)
        values = np.asarray(run.values, dtype=float)
        k = int(run.diverged_at)
        for step, ((x, y), loss) in enumerate(zip(points.tolist(), values.tolist(), strict=True)):
            diverged = "true" if 0 <= k <= step else "false"
            writer.writerow((i, run.label, step, fmt(x), fmt(y), fmt(loss), diverged))
    return buf.getvalue()


def load_trajectories_csv(text):
    """Read CSV text written by `trajectories_csv` back into arrays.

    Parameters
    ----------
    text : str
        The CSV text.

    Returns
    -------
    list of figures.Run
        One per run, in run order (``color`` empty: the CSV has none). Empty fields are NaN.
    """

    def num(s):
        return float(s) if s else math.nan

    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        rows.setdefault(int(row["run"]), []).append(row)
    runs = []
    for i in sorted(rows):
        rs = sorted(rows[i], key=lambda r: int(r["step"]))
        flagged = [int(r["step"]) for r in rs if r["diverged"] == "true"]
        runs.append(
            Run(
                label=rs[0]["label"],
                color="",  # the CSV has no colours
                points=np.array([[num(r["x"]), num(r["y"])] for r in rs], dtype=float),
                values=np.array([num(r["loss"]) for r in rs], dtype=float),
                diverged_at=flagged[0] if flagged else -1,
            )
        )
    return runs


def _json_default(obj):
    """Let ``json.dumps`` write NumPy scalars and arrays found in ``settings``."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def trajectories_json(runs, settings, app_version):
    """Write the runs and every setting of the scene as JSON text.

    The document is ``{"app": "Loss Landscape Lab", "version": ..., "settings": ...,
    "runs": [{"label", "color", "diverged_at", "points", "values"[, "lrs"]}]}`` (``lrs``:
    the learning rate of steps 1..steps, when the run has them). Non-finite numbers
    (the NaN points after divergence, and an infinite value at the step of divergence) are
    written as ``null``, so the text is strict JSON with no ``NaN``/``Infinity`` tokens;
    `load_trajectories_json` reads ``null`` back as NaN. Finite floats round-trip exactly.

    Parameters
    ----------
    runs : list of dict
        Runs with ``label``, ``color``, ``points``, ``values`` and ``diverged_at``.
    settings : dict
        Every setting of the scene, JSON-able (NumPy scalars and arrays are converted).
        A NaN or infinity in it raises ValueError rather than writing invalid JSON.
    app_version : str
        Version of the app that produced the file.

    Returns
    -------
    str
        The JSON text.
    """
    out_runs = []
    for run in runs:
        points = np.asarray(run.points, dtype=float)
        values = np.asarray(run.values, dtype=float)
        out_runs.append(
            {
                "label": str(run.label),
                "color": str(run.color),
                "diverged_at": int(run.diverged_at),
                "points": [_finite_or_none(p) for p in points.tolist()],
                "values": _finite_or_none(values.tolist()),
            }
        )
        lrs = getattr(run, "lrs", None)
        if lrs is not None:
            out_runs[-1]["lrs"] = _finite_or_none(np.asarray(lrs, dtype=float).tolist())
    doc = {"app": APP_NAME, "version": app_version, "settings": settings, "runs": out_runs}
    return json.dumps(doc, allow_nan=False, default=_json_default)


def _reject_constant(name):
    raise ValueError(f"invalid JSON number {name!r}")


def load_trajectories_json(text):
    """Read JSON text written by `trajectories_json`.

    Parameters
    ----------
    text : str
        The JSON text. ``NaN``/``Infinity`` tokens are rejected (ValueError).

    Returns
    -------
    dict
        ``app``, ``version``, ``settings`` and ``runs`` (a list of ``figures.Run``, NaN
        where the file has ``null``).
    """
    doc = json.loads(text, parse_constant=_reject_constant)
    runs = []
    for run in doc["runs"]:
        points = np.array(
            [[math.nan if v is None else v for v in p] for p in run["points"]], dtype=float
        ).reshape(-1, 2)
        values = np.array([math.nan if v is None else v for v in run["values"]], dtype=float)
        runs.append(Run(run["label"], run["color"], points, values, int(run["diverged_at"])))
    return {**doc, "runs": runs}
