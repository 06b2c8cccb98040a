"""Generators of 2-D test data, one signature each: ``(n_samples, n_centers, spread, random_state)``.

Each returns ``(X, labels)``: X of shape (n_samples, 2), float64, and the true group of every
point, shape (n_samples,), int. :data:`GENERATORS` names them, with a short description each,
for the window's Data panel and for :func:`~gmm_explorer.datasets.load_builtin`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from gmm_explorer.datasets.blob_maker import is_whole_number, make_blobs
from gmm_explorer.engine.random_state import check_random_state

__all__ = [
    "GENERATORS", "GeneratorSpec", "anisotropic_blobs", "blobs", "rings", "unequal_blobs",
]

_CENTER_BOX = (-10.0, 10.0)
_RING_GAP = 5.0


def _check_generator_args(name, n_samples, n_centers, spread):
    if not is_whole_number(n_centers) or n_centers < 1:
        raise ValueError(f"{name}: n_centers must be an int >= 1; got {n_centers!r}")
    if not is_whole_number(n_samples) or n_samples < n_centers:
        raise ValueError(
            f"{name}: n_samples must be an int >= n_centers ({n_centers}); got {n_samples!r}"
        )
    if (
        not isinstance(spread, numbers.Real)
        or isinstance(spread, bool)
        or not np.isfinite(spread)
        or spread < 0
    ):
        raise ValueError(f"{name}: spread must be a finite number >= 0; got {spread!r}")


def _equal_counts(n_samples, n_centers):
    counts = np.full(n_centers, n_samples // n_centers, dtype=int)
    counts[: n_samples % n_centers] += 1
    return counts


def _proportional_counts(n_samples, weights):
    """Counts summing to ``n_samples``, close to ``weights`` (largest remainders), each >= 1."""
    k = len(weights)
    weights = np.asarray(weights, dtype=np.float64)
    extra = n_samples - k  # every group gets one point first
    exact = extra * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    remainder = extra - counts.sum()
    if remainder > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:remainder]] += 1
    return counts + 1


def _shuffled(X, labels, rng):
    order = rng.permutation(len(labels))
    return X[order], labels[order]


def blobs(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Round Gaussian blobs of equal size and equal spread: :func:`make_blobs` in 2-D.

    ``spread`` is every blob's standard deviation; centres are uniform in [-10, 10]^2.
    """
    _check_generator_args("blobs", n_samples, n_centers, spread)
    return make_blobs(
        n_samples=n_samples,
        n_features=2,
        centers=n_centers,
        cluster_std=float(spread),
        center_box=_CENTER_BOX,
        random_state=random_state,
    )


def anisotropic_blobs(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Elongated Gaussian blobs, each with its own orientation and elongation.

    Each blob's covariance is ``R diag(a^2, 1/a^2) R^T spread^2`` with a random rotation ``R``
    and an axis ratio ``a^2`` between 2.25 and 9, so its area is that of a round blob of
    standard deviation ``spread``. Centres are uniform in [-10, 10]^2; sizes are equal.
    """
    _check_generator_args("anisotropic_blobs", n_samples, n_centers, spread)
    rng = check_random_state(random_state)
    centers = rng.uniform(*_CENTER_BOX, size=(n_centers, 2))
    angles = rng.uniform(0.0, np.pi, size=n_centers)
    ratios = rng.uniform(1.5, 3.0, size=n_centers)
    counts = _equal_counts(n_samples, n_centers)
    X = np.empty((n_samples, 2), dtype=np.float64)
    labels = np.empty(n_samples, dtype=int)
    start = 0
    for k, n in enumerate(counts):
        c, s = np.cos(angles[k]), np.sin(angles[k])
        rotation = np.array([[c, -s], [s, c]])
        scales = spread * np.array([ratios[k], 1.0 / ratios[k]])
        z = rng.standard_normal((n, 2)) * scales
        X[start : start + n] = centers[k] + z @ rotation.T
        labels[start : start + n] = k
        start += n
    return _shuffled(X, labels, rng)


def unequal_blobs(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Round blobs of very different sizes: the largest holds about 8 times the smallest.

    Sizes follow a geometric progression from 1 to 1/8 in random order (each blob gets at
    least one point); every blob has standard deviation ``spread``; centres are uniform in
    [-10, 10]^2.
    """
    _check_generator_args("unequal_blobs", n_samples, n_centers, spread)
    rng = check_random_state(random_state)
    if n_centers == 1:
        weights = np.ones(1)
    else:
        weights = 8.0 ** (-np.arange(n_centers) / (n_centers - 1))
    weights = weights[rng.permutation(n_centers)]
    counts = _proportional_counts(n_samples, weights)
    return make_blobs(
        n_samples=[int(c) for c in counts],
        n_features=2,
        cluster_std=float(spread),
        center_box=_CENTER_BOX,
        random_state=rng,
    )


def rings(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Concentric rings around the origin, of radii 5, 10, 15, ...: data no Gaussian fits.

    Ring ``k`` has radius ``5 (k + 1)`` and holds points in proportion to its radius (the same
    density along every ring, at least one point each); angles are uniform and ``spread`` is
    the standard deviation of the radial noise.
    """
    _check_generator_args("rings", n_samples, n_centers, spread)
    rng = check_random_state(random_state)
    radii = _RING_GAP * np.arange(1, n_centers + 1)
    counts = _proportional_counts(n_samples, radii)
    labels = np.repeat(np.arange(n_centers), counts)
    angles = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
    radius = radii[labels] + spread * rng.standard_normal(n_samples)
    X = np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])
    return _shuffled(X, labels, rng)


@dataclass(frozen=True)
class GeneratorSpec:
    """A named generator and what it makes. Calling the spec calls the function."""

    name: str
    function: Callable[..., tuple]
    description: str

    def __call__(self, n_samples=500, n_centers=3, spread=1.0, random_state=None):
        return self.function(n_samples, n_centers, spread, random_state)


GENERATORS: dict[str, GeneratorSpec] = {
    spec.name: spec
    for spec in (
        GeneratorSpec("blobs", blobs, "Round Gaussian blobs of equal size and spread."),
        GeneratorSpec(
            "anisotropic_blobs",
            anisotropic_blobs,
            "Elongated Gaussian blobs, each with its own orientation: full covariances.",
        ),
        GeneratorSpec(
            "unequal_blobs",
            unequal_blobs,
            "Round blobs of very different sizes (largest about 8 times the smallest).",
        ),
        GeneratorSpec(
            "rings",
            rings,
            "Concentric rings: clusters that are not Gaussian at all.",
        ),
    )
}
"""Generator name -> :class:`GeneratorSpec` (``spec(n_samples, n_centers, spread, random_state)``)."""
