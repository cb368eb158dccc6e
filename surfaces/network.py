"""A real network's loss: a one-hidden-layer tanh classifier on a small 2-D dataset.

``network(dataset, hidden)`` is the mean binary cross-entropy (with logits) of exactly
``torch.nn.Sequential(nn.Linear(2, H), nn.Tanh(), nn.Linear(H, 1))`` over a seeded
training set, as a function of the network's D = 4H + 1 parameters flattened in
``model.parameters()`` order: W1 (H, 2) row-major, b1 (H,), W2 (1, H), b2 (1,).
``value``/``grad`` are vectorised over N parameter vectors (N, D), like every surface,
so ``optimizers.run`` trains N networks at once and a 61 x 61 slice is one call.
The data are generated here (no downloads), with a held-out test split from the same
distribution.
"""

from __future__ import annotations

import numpy as np

DATASETS = ("moons", "circles", "spirals", "xor")
"""The datasets, in the order the app shows them."""
MAX_HIDDEN = 64
MAX_SAMPLES = 2000
_DEFAULT_NOISE = {"moons": 0.15, "circles": 0.08, "spirals": 0.06, "xor": 0.1}
# (points x samples x hidden) temporaries are chunked to about this many elements
# (16 MB of float64), so a 61 x 61 slice of a width-64 network does not need gigabytes.
_CHUNK_ELEMENTS = 2_000_000


def make_dataset(name, n, noise, rng):
    """Draw ``n`` labelled points of dataset ``name``: X (n, 2), y (n,) in {0, 1}.

    Classes alternate (``y[i] = i % 2``) so every split is balanced.
    """
    y = np.arange(n) % 2
    if name == "moons":
        t = rng.uniform(0.0, np.pi, n)
        X = np.where(
            y[:, None] == 0,
            np.stack([np.cos(t), np.sin(t)], 1),
            np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], 1),
        ) - [0.5, 0.25]
    elif name == "circles":
        t = rng.uniform(0.0, 2 * np.pi, n)
        r = np.where(y == 0, 1.0, 0.5)
        X = r[:, None] * np.stack([np.cos(t), np.sin(t)], 1)
    elif name == "spirals":
        t = np.sqrt(rng.uniform(0.0, 1.0, n)) * 3 * np.pi  # uniform along the arm
        angle = t + np.pi * y
        X = (t / (3 * np.pi))[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1)
    else:  # xor
        X = rng.uniform(-1.0, 1.0, (n, 2))
        # Push points away from the axes a little, then give each class its quadrants.
        X = np.sign(X) * (0.1 + 0.9 * np.abs(X))
        same = (X[:, 0] > 0) == (X[:, 1] > 0)
        X[:, 1] = np.where(same == (y == 1), X[:, 1], -X[:, 1])
    return X + noise * rng.standard_normal((n, 2)), y.astype(float)


def _check_int(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value}")
    return int(value)


def network(dataset, hidden=16, seed=0, *, n_samples=200, n_test=None, noise=None):
    """Build the loss of a one-hidden-layer tanh network on a seeded 2-D dataset.

    Parameters
    ----------
    dataset : {"moons", "circles", "spirals", "xor"}
    hidden : int
        Hidden width H, 1..64. D = 4H + 1 parameters.
    seed : int
        Seed of the data (0 .. 2**32 - 1); the training and test sets are drawn from it.
    n_samples : int
        Training points, 4..2,000.
    n_test : int, optional
        Held-out test points, 4..2,000; default ``n_samples``.
    noise : float, optional
        Standard deviation of the Gaussian jitter on the points, 0..1; default per dataset.

    Returns
    -------
    NetworkLoss

    Raises
    ------
    ValueError
        An unknown dataset, or a parameter outside its range (the message names both).
    """
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    hidden = _check_int("hidden", hidden, 1, MAX_HIDDEN)
    seed = _check_int("seed", seed, 0, 2**32 - 1)
    n_samples = _check_int("n_samples", n_samples, 4, MAX_SAMPLES)
    n_test = n_samples if n_test is None else _check_int("n_test", n_test, 4, MAX_SAMPLES)
    if noise is None:
        noise = _DEFAULT_NOISE[dataset]
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)):
        raise ValueError(f"noise must be a number in [0, 1], got {noise!r}")
    if not 0.0 <= float(noise) <= 1.0:
        raise ValueError(f"noise must be a number in [0, 1], got {noise}")
    train_rng, test_rng = np.random.default_rng(seed).spawn(2)
    train = make_dataset(dataset, n_samples, float(noise), train_rng)
    test = make_dataset(dataset, n_test, float(noise), test_rng)
    return NetworkLoss(dataset, hidden, seed, float(noise), train, test)


class NetworkLoss:
    """Mean BCE-with-logits of ``Linear(2, H) -> Tanh -> Linear(H, 1)`` over a dataset.

    Attributes
    ----------
    dim : int
        D = 4H + 1.
    data, test_data : tuple of ndarray
        ``(X (n, 2), y (n,))`` with labels 0.0 / 1.0.
    n_samples : int
        Training points: mini-batches draw from them (``sample_grad``).
    """

    def __init__(self, dataset, hidden, seed, noise, train, test):
        self.dataset, self.hidden, self.seed, self.noise = dataset, hidden, seed, noise
        self.dim = 4 * hidden + 1
        self.data, self.test_data = train, test
        self.n_samples = len(train[1])
        self.name = f"network:{dataset}:h={hidden}:seed={seed}"
        self.title = f"{dataset}, hidden width {hidden} (D = {self.dim})"

    def __repr__(self):
        return f"NetworkLoss({self.dataset!r}, hidden={self.hidden}, seed={self.seed})"

    # -- parameters ---------------------------------------------------------------
    def unflatten(self, W):
        """Split (N, D) parameters into W1 (N, H, 2), b1 (N, H), W2 (N, H), b2 (N,)."""
        W = self._check(W)
        h = self.hidden
        return W[:, : 2 * h].reshape(-1, h, 2), W[:, 2 * h : 3 * h], W[:, 3 * h : 4 * h], W[:, -1]

    def _check(self, W):
        W = np.asarray(W, dtype=float)
        if W.ndim != 2 or W.shape[1] != self.dim:
            raise ValueError(
                f"W must have shape (N, {self.dim}) (D = 4 * hidden + 1 = {self.dim}), "
                f"got {W.shape}"
            )
        return W

    def filter_groups(self):
        """Neurons' incoming-weight index groups and the bias indices (for filter norm).

        Returns
        -------
        (list of ndarray, ndarray)
            One group per hidden neuron (its row of W1) and one for the output (W2);
            the indices of b1 and b2.
        """
        h = self.hidden
        weights = [np.array([2 * j, 2 * j + 1]) for j in range(h)]
        weights.append(np.arange(3 * h, 4 * h))
        return weights, np.concatenate([np.arange(2 * h, 3 * h), [4 * h]])

    def init(self, seed=0):
        """Parameters drawn like torch's default ``nn.Linear`` initialisation.

        Each layer's weights and biases are uniform on ±1/√fan_in (what
        ``kaiming_uniform_(a=√5)`` and the bias rule of ``nn.Linear.reset_parameters``
        give), fan_in = 2 for the hidden layer and H for the output. Drawn with NumPy
        from ``seed``, so the numbers differ from torch's generator, not the law.

        Returns
        -------
        ndarray, shape (D,)
        """
        seed = _check_int("seed", seed, 0, 2**63 - 1)
        rng = np.random.default_rng(seed)
        h = self.hidden
        b1, b2 = 1 / np.sqrt(2), 1 / np.sqrt(h)
        return np.concatenate(
            [
                rng.uniform(-b1, b1, 2 * h),
                rng.uniform(-b1, b1, h),
                rng.uniform(-b2, b2, h),
                rng.uniform(-b2, b2, 1),
            ]
        )

    # -- forward and backward ---------------------------------------------------------
    @staticmethod
    def _forward(W1, b1, W2, b2, x):
        """Hidden activations (N, m, H) and logits (N, m); x is (m, 2) or (N, m, 2)."""
        n, h = W1.shape[:2]
        if x.ndim == 2:
            # One (m, 2) @ (2, N·H) product: a batched matmul with an inner size of 2
            # is many times slower than this single BLAS call.
            z = (x @ W1.reshape(n * h, 2).T).reshape(len(x), n, h).transpose(1, 0, 2)
        else:
            z = np.einsum("nki,nhi->nkh", x, W1)
        a = np.tanh(z + b1[:, None, :])
        return a, np.einsum("nkh,nh->nk", a, W2) + b2[:, None]

    def logits(self, W, X):
        """Network outputs for inputs X (m, 2) under each parameter row: (N, m)."""
        W1, b1, W2, b2 = self.unflatten(W)
        X = np.asarray(X, dtype=float)
        m, h = len(X), self.hidden
        out = np.empty((len(W1), m))
        with np.errstate(all="ignore"):
            for rows in self._chunks(len(W1), m):
                # As _forward, but in the (m, rows, H) order the one BLAS product gives:
                # contiguous, tanh in place (the same numbers, a third less time).
                z = (X @ W1[rows].reshape(-1, 2).T).reshape(m, -1, h)
                z += b1[rows]
                np.tanh(z, out=z)
                out[rows] = np.einsum("kch,ch->ck", z, W2[rows]) + b2[rows][:, None]
        return out

    def _chunks(self, n, m):
        size = max(1, _CHUNK_ELEMENTS // max(1, m * self.hidden))
        return [slice(lo, min(n, lo + size)) for lo in range(0, n, size)]

    @staticmethod
    def _bce(logit, y):
        # softplus(l) - y l, stable for large |l| (the form torch uses).
        return np.maximum(logit, 0) - y * logit + np.log1p(np.exp(-np.abs(logit)))

    def _loss(self, W, X, y):
        with np.errstate(all="ignore"):
            return self._bce(self.logits(W, X), y).mean(axis=1)

    def value(self, W):
        """Mean training loss per parameter row: (N, D) -> (N,)."""
        W = self._check(W)
        X, y = self.data
        if len(W) * len(y) * self.hidden > _CHUNK_ELEMENTS:
            return self._loss(W, X, y)
        # The runner asks for value(p) then grad(p) at the same p: keep this forward
        # pass (one tuple, replaced atomically) so grad does not repeat it.
        with np.errstate(all="ignore"):
            a, logit = self._forward(*self.unflatten(W), X)
            self._last = (W.copy(), a, logit)
            return self._bce(logit, y).mean(axis=1)

    def test_value(self, W):
        """Mean loss on the held-out test set: (N, D) -> (N,)."""
        return self._loss(W, *self.test_data)

    def evaluate(self, W, split="train"):
        """Mean loss and accuracy on one split from a single forward pass.

        Parameters
        ----------
        W : array_like, shape (N, D)
        split : {"train", "test"}

        Returns
        -------
        loss, accuracy : ndarray, shape (N,)
            As :meth:`value` (or :meth:`test_value`) and :meth:`accuracy` give them.
        """
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        X, y = self.data if split == "train" else self.test_data
        logit = self.logits(W, X)
        with np.errstate(all="ignore"):
            return self._bce(logit, y).mean(axis=1), ((logit > 0) == (y > 0.5)).mean(axis=1)

    def accuracy(self, W, split="train"):
        """Fraction of points classified right (logit > 0 is class 1): (N, D) -> (N,)."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        X, y = self.data if split == "train" else self.test_data
        with np.errstate(invalid="ignore"):
            return ((self.logits(W, X) > 0) == (y > 0.5)).mean(axis=1)

    def grad(self, W):
        """Gradient of the mean training loss: (N, D) -> (N, D)."""
        X, y = self.data
        return self._grad(self._check(W), X, y[None], shared=True)

    def sample_grad(self, W, idx):
        """Gradient of the mean loss over the samples ``idx`` (N, B), one row per point."""
        X, y = self.data
        idx = np.asarray(idx)
        return self._grad(self._check(W), X[idx], y[idx], shared=False)

    def _grad(self, W, X, y, shared):
        W1, b1, W2, b2 = self.unflatten(W)
        h, n, m = self.hidden, len(W1), y.shape[1]
        out = np.empty((n, self.dim))
        last = getattr(self, "_last", None)
        cached = shared and last is not None and np.array_equal(last[0], W)
        with np.errstate(all="ignore"):
            for rows in self._chunks(n, m):
                x = X if shared else X[rows]
                t = y if shared else y[rows]
                w1, w2 = W1[rows], W2[rows]
                a, logit = last[1:] if cached else self._forward(w1, b1[rows], w2, b2[rows], x)
                dl = (1.0 / (1.0 + np.exp(-logit)) - t) / m  # d mean / d logit
                dz = dl[:, :, None] * w2[:, None, :] * (1.0 - a * a)
                g = out[rows]
                g[:, : 2 * h] = (dz.transpose(0, 2, 1) @ x).reshape(-1, 2 * h)
                g[:, 2 * h : 3 * h] = dz.sum(axis=1)
                g[:, 3 * h : 4 * h] = (dl[:, None, :] @ a)[:, 0, :]
                g[:, -1] = dl.sum(axis=1)
        return out
