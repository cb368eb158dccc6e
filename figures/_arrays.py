"""Array helpers of the figures: bilinear interpolation on a grid and the browser encoding.

Arrays for the browser are compact and JSON-able.

Arrays travel as ``{"dtype": "f4", "shape": [...], "b64": "..."}``: the raw little-endian
bytes in base64. A float32 array costs 5.33 bytes per value on the wire (4 bytes, times 4/3
for base64) instead of ~20 for a JSON number list, and NaN survives the trip (JSON has no
NaN; a Float32Array does), which is how the player learns where a path stops.
"""

import base64

import numpy as np

#: Wire dtype codes and their little-endian NumPy dtypes.
DTYPES = {"f4": np.dtype("<f4"), "i4": np.dtype("<i4")}


def encode_array(values, dtype="f4"):
    """Encode an array as a JSON-able dict of base64 little-endian bytes.

    Parameters
    ----------
    values : array_like
        Any numeric array; it is converted to ``dtype`` (C order).
    dtype : {"f4", "i4"}
        Wire type: float32 or int32.

    Returns
    -------
    dict
        ``{"dtype": dtype, "shape": [...], "b64": str}``.
    """
    with np.errstate(over="ignore"):  # beyond float32 (a diverging run) becomes ±inf
        arr = np.ascontiguousarray(np.asarray(values), dtype=DTYPES[dtype])
    return {
        "dtype": dtype,
        "shape": list(arr.shape),
        "b64": base64.b64encode(arr.tobytes()).decode("ascii"),
    }


def decode_array(spec):
    """Decode a dict made by :func:`encode_array` back to a NumPy array.

    Parameters
    ----------
    spec : dict
        ``{"dtype", "shape", "b64"}``.

    Returns
    -------
    numpy.ndarray
        The array, with the wire dtype (float32 or int32) and shape.
    """
    raw = base64.b64decode(spec["b64"])
    return np.frombuffer(raw, dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"])


def bilinear(xs, ys, z, x, y):
    """Bilinear interpolation of a grid, points clamped into it.

    Parameters
    ----------
    xs, ys : numpy.ndarray
        Increasing grid coordinates, shapes (nx,) and (ny,).
    z : numpy.ndarray
        Values, shape (ny, nx): ``z[j, i]`` is the value at ``(xs[i], ys[j])``.
    x, y : float or numpy.ndarray
        Where to interpolate (same shape).

    Returns
    -------
    numpy.ndarray or float
        The interpolated values, shaped like ``x``.
    """
    x = np.clip(x, xs[0], xs[-1])
    y = np.clip(y, ys[0], ys[-1])
    i = np.clip(np.searchsorted(xs, x) - 1, 0, len(xs) - 2)
    j = np.clip(np.searchsorted(ys, y) - 1, 0, len(ys) - 2)
    tx = (x - xs[i]) / (xs[i + 1] - xs[i])
    ty = (y - ys[j]) / (ys[j + 1] - ys[j])
    top = (1 - tx) * z[j, i] + tx * z[j, i + 1]
    bottom = (1 - tx) * z[j + 1, i] + tx * z[j + 1, i + 1]
    return (1 - ty) * top + ty * bottom
