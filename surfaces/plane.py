"""A 2-D slice of a D-dimensional loss: θ(a, b) = centre + a·d1 + b·d2 (Li et al. 2018).

``plane(loss, centre, directions)`` picks the two directions: ``"filter"`` draws Gaussian
directions and rescales each neuron's incoming weights to the norm of the centre's
(biases zero), so the slice's scale matches the network's own ("filter normalisation",
Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss Landscape of Neural Nets",
NeurIPS 2018); ``"pca"`` takes the top two principal directions of the trajectories'
offsets from the centre, which is the plane the paths move in most. ``.surface()`` is
an ordinary 2-D ``Surface``, so the player, the contour map and every 2-D tool draw it.

A slice shows 2 of D dimensions. ``.readout(points)`` says how far each point is from
the plane and what the true loss is beside the loss the slice shows at its projection.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import sympy as sp

from .core import Surface

DIRECTIONS = ("filter", "pca")


class Readout(NamedTuple):
    """The honesty readout of points against a plane.

    Each array is shaped like the points without their last axis.
    """

    distance: np.ndarray
    """|θ − lift(project(θ))|: how far the point is from the plane."""
    relative_distance: np.ndarray
    """distance / |θ − centre| (0: in the plane, 1: orthogonal to it; NaN at the centre)."""
    true_loss: np.ndarray
    """loss(θ), the loss at the point itself."""
    sliced_loss: np.ndarray
    """loss(lift(project(θ))): what the slice shows under the projected point."""


class Plane:
    """A plane through ``center`` spanned by ``d1`` and ``d2`` in a loss's parameters.

    Attributes
    ----------
    center, d1, d2 : ndarray, shape (D,)
    kind : str
        ``"filter"`` or ``"pca"``.
    explained_variance : tuple of float or None
        PCA only: the fractions of the trajectories' offset variance along d1 and d2.
    """

    def __init__(self, loss, center, d1, d2, kind, explained_variance=None, extent=None):
        self.loss, self.kind = loss, kind
        self.center, self.d1, self.d2 = center, d1, d2
        self.explained_variance = explained_variance
        self._basis = np.stack([d1, d2], axis=1)  # (D, 2)
        self._pinv = np.linalg.pinv(self._basis)  # (2, D): least-squares projection
        self._extent = extent

    @property
    def dim(self):
        """D, the number of parameters."""
        return len(self.center)

    def lift(self, ab):
        """Parameters at plane coordinates: (M, 2) -> (M, D) = centre + a·d1 + b·d2."""
        ab = np.asarray(ab, dtype=float)
        if ab.shape[-1:] != (2,):
            raise ValueError(f"ab must have shape (..., 2), got {ab.shape}")
        return self.center + ab @ self._basis.T

    def project(self, W):
        """Least-squares plane coordinates of parameters: (..., D) -> (..., 2)."""
        W = np.asarray(W, dtype=float)
        if W.shape[-1:] != (self.dim,):
            raise ValueError(f"W must have shape (..., {self.dim}), got {W.shape}")
        return (W - self.center) @ self._pinv.T

    def axis_names(self):
        """Say what the slice's two axes are, for axis titles and captions.

        Returns
        -------
        (str, str)
            ``"direction 1 (filter-normalised)"`` and ``... 2 ...`` for random directions;
            ``"PC1 (62% of the path's variance)"`` and ``"PC2 (...)"`` for PCA.
        """
        if self.explained_variance is not None:
            return tuple(
                f"PC{i + 1} ({v:.0%} of the path's variance)"
                for i, v in enumerate(self.explained_variance[:2])
            )
        return ("direction 1 (filter-normalised)", "direction 2 (filter-normalised)")

    def distance(self, W):
        """Euclidean distance of parameters from the plane: (..., D) -> (...)."""
        W = np.asarray(W, dtype=float)
        return np.linalg.norm(W - self.lift(self.project(W)), axis=-1)

    def readout(self, W, true_loss=None):
        """Distance from the plane and true vs sliced loss of parameters (..., D).

        NaN rows (a diverged path's tail) stay NaN. ``true_loss`` (shape ``W.shape[:-1]``),
        when the caller already has it (a trajectory's ``values``), saves a forward pass.
        """
        W = np.asarray(W, dtype=float)
        flat = W.reshape(-1, self.dim)
        ab = self.project(flat)
        on_plane = self.lift(ab)
        with np.errstate(all="ignore"):
            dist = np.linalg.norm(flat - on_plane, axis=-1)
            # On the plane (the centre itself included: 0 / 0) nothing is off it.
            rel = np.where(dist == 0, 0.0, dist / np.linalg.norm(flat - self.center, axis=-1))
        if true_loss is None:
            true = self.loss.value(flat)
        else:
            true = np.asarray(true_loss, dtype=float).reshape(-1)
            if true.shape != (len(flat),):
                raise ValueError(f"true_loss must have shape {W.shape[:-1]}")
        sliced = self.loss.value(on_plane)
        shape = W.shape[:-1]
        return Readout(*(a.reshape(shape) for a in (dist, rel, true, sliced)))

    def extent(self, trajectories=None, margin=0.25):
        """Return the (a, b) box to draw: the plane's default, grown to hold the projected paths."""
        (a0, a1), (b0, b1) = self._extent
        if trajectories is not None:
            ab = self.project(np.asarray(trajectories, dtype=float)).reshape(-1, 2)
            ab = ab[np.isfinite(ab).all(axis=1)]
            if len(ab):
                lo, hi = ab.min(axis=0), ab.max(axis=0)
                pad = margin * np.maximum(hi - lo, 1e-3)
                a0, a1 = min(a0, lo[0] - pad[0]), max(a1, hi[0] + pad[0])
                b0, b1 = min(b0, lo[1] - pad[1]), max(b1, hi[1] + pad[1])
        return (float(a0), float(a1)), (float(b0), float(b1))

    def surface(self, extent=None):
        """Return the slice as a 2-D ``Surface`` over (a, b).

        Parameters
        ----------
        extent : tuple, optional
            ``((amin, amax), (bmin, bmax))``; default :meth:`extent`.

        Returns
        -------
        Surface
            ``value(ab) = loss(lift(ab))``; ``grad`` by the chain rule
            ``[∇L·d1, ∇L·d2]``; ``hessian`` by central differences of that gradient
            (the network has no closed-form Hessian here).
        """
        domain = self.extent() if extent is None else _check_extent(extent)
        loss, basis = self.loss, self._basis

        def value(ab):
            ab = np.asarray(ab, dtype=float)
            return loss.value(self.lift(ab.reshape(-1, 2))).reshape(ab.shape[:-1])

        def grad(ab):
            ab = np.asarray(ab, dtype=float)
            g = loss.grad(self.lift(ab.reshape(-1, 2))) @ basis
            return g.reshape(ab.shape)

        def hessian(ab):
            ab = np.asarray(ab, dtype=float).reshape(-1, 2)
            scale = max(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0])
            h = 1e-5 * scale
            cols = [(grad(ab + e) - grad(ab - e)) / (2 * h) for e in (h * np.eye(2))]
            hess = np.stack(cols, axis=-1)
            return 0.5 * (hess + hess.swapaxes(-1, -2))

        a, b = sp.symbols("a b", real=True)
        name = getattr(loss, "name", "loss")
        return Surface(
            name=f"plane:{self.kind}:{name}",
            title=f"{self.kind} slice of {getattr(loss, 'title', name)}",
            description="A 2-D slice of the network's loss through the centre; the paths "
            "are projected onto it and are, in general, not in it.",
            params={},
            expr=sp.Function("L")(a, b),
            latex={
                "f": r"L(\theta_c + a\,d_1 + b\,d_2)",
                "grad": r"\left[\nabla L \cdot d_1,\ \nabla L \cdot d_2\right]",
                "hessian": r"\text{finite differences of the gradient}",
            },
            value=value,
            grad=grad,
            hessian=hessian,
            domain=domain,
            minima=[],
            saddles=[],
            start=(0.0, 0.0),
            lr=0.1,
            log_z=False,
            z_clip=None,
            n_samples=0,
        )


def _check_extent(extent):
    try:
        (a0, a1), (b0, b1) = extent
        box = [float(v) for v in (a0, a1, b0, b1)]
    except (TypeError, ValueError):
        raise ValueError("extent must be ((amin, amax), (bmin, bmax))") from None
    if not (np.isfinite(box).all() and box[0] < box[1] and box[2] < box[3]):
        raise ValueError(f"extent must be finite with amin < amax and bmin < bmax, got {extent}")
    return (box[0], box[1]), (box[2], box[3])


def filter_groups(loss):
    """Index groups of the filter normalisation: ``(weights, biases)``.

    ``weights`` is a list of index arrays, one per neuron (its incoming weights);
    ``biases`` the indices set to zero. A loss may say so itself with
    ``filter_groups()``; otherwise the whole vector is one group and nothing is a bias.
    """
    if hasattr(loss, "filter_groups"):
        return loss.filter_groups()
    return [np.arange(loss.dim if hasattr(loss, "dim") else 2)], np.array([], dtype=int)


def filter_direction(center, groups, rng):
    """One filter-normalised Gaussian direction around ``center`` (Li et al. 2018)."""
    weights, biases = groups
    d = rng.standard_normal(len(center))
    for idx in weights:
        norm = np.linalg.norm(d[idx])
        d[idx] *= np.linalg.norm(center[idx]) / norm if norm > 0 else 0.0
    d[biases] = 0.0
    return d


def plane(loss, center, directions="filter", seed=0, trajectories=None):
    """Build a plane through ``center`` in the parameters of ``loss``, for a 2-D slice.

    Parameters
    ----------
    loss : object
        Has ``value`` and ``grad`` over (N, D) and ``dim`` (e.g. ``surfaces.network``).
    center : array_like, shape (D,)
        The plane's origin (a = b = 0), e.g. a run's final point.
    directions : {"filter", "pca"}
        Filter-normalised random directions, or the top two principal directions of
        ``trajectories``' offsets from the centre.
    seed : int
        Seed of the random directions (filter; PCA uses it only to complete a path
        that moves along a single line).
    trajectories : array_like, optional
        Paths (T, D) or (N, T, D), NaN rows ignored; needed for ``"pca"``. For
        ``"filter"`` they only grow the default extent.

    Returns
    -------
    Plane

    Raises
    ------
    ValueError
        Unknown ``directions``, a centre of the wrong size or not finite, ``"pca"``
        without trajectories, or paths of the wrong width.
    """
    dim = getattr(loss, "dim", 2)
    center = np.asarray(center, dtype=float)
    if center.shape != (dim,) or not np.isfinite(center).all():
        raise ValueError(f"center must be a finite vector of shape ({dim},), got {center.shape}")
    if directions not in DIRECTIONS:
        raise ValueError(f"directions must be one of {', '.join(DIRECTIONS)}; got {directions!r}")
    rng = np.random.default_rng(seed)
    paths = None
    if trajectories is not None:
        paths = np.asarray(trajectories, dtype=float)
        if paths.shape[-1:] != (dim,):
            raise ValueError(f"trajectories must have shape (..., {dim}), got {paths.shape}")
        paths = paths.reshape(-1, dim)
        paths = paths[np.isfinite(paths).all(axis=1)]
    if directions == "filter":
        groups = filter_groups(loss)
        d1 = filter_direction(center, groups, rng)
        d2 = filter_direction(center, groups, rng)
        result = Plane(loss, center, d1, d2, "filter", extent=((-1.0, 1.0), (-1.0, 1.0)))
        if paths is not None:
            result._extent = result.extent(paths)
        return result
    if paths is None or not len(paths):
        raise ValueError("directions='pca' needs trajectories with at least one finite point")
    offsets = paths - center
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)
    total = float((s * s).sum())
    ranked = [vt[i] for i in range(min(2, len(s))) if s[i] > 1e-12 * max(s[0], 1e-300)]
    variance = [float(s[i] ** 2 / total) for i in range(len(ranked))]
    while len(ranked) < 2:
        # The path moves along a line (or not at all): complete with a random direction
        # orthogonal to what there is, which explains none of the variance.
        d = rng.standard_normal(dim)
        for u in ranked:
            d -= (d @ u) * u
        ranked.append(d / np.linalg.norm(d))
        variance.append(0.0)
    # PCA directions are unit vectors, so the default view is the paths' own extent.
    d1, d2 = ranked
    plane_ = Plane(loss, center, d1, d2, "pca", explained_variance=tuple(variance))
    half = np.abs(plane_.project(paths)).max(axis=0) * 1.25
    half = np.where(half > 0, half, 1.0)
    plane_._extent = ((-half[0], half[0]), (-half[1], half[1]))
    return plane_
