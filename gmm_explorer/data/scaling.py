"""Fit in standardised units, report in the user's units.

Columns measured on very different scales (millimetres beside kilometres)
make covariances badly conditioned, so that a perfectly sound component looks
singular, and a fixed ``reg_covar`` ridge swamps the small column while it
does nothing for the large one. Fitting on ``Z = (X - center) / scale`` and
mapping the result back removes both problems exactly:

- a Gaussian with mean ``m`` and covariance ``C`` in standard units is the
  Gaussian with mean ``center + scale * m`` and covariance
  ``diag(scale) C diag(scale)`` in the user's units;
- the log-likelihood of the data in the user's units is the standardised one
  minus ``N * sum(log(scale))`` (the Jacobian), so BIC and AIC too are those of
  the user's units;
- full, tied and diagonal covariances stay full, tied and diagonal; for
  spherical covariances every column shares one scale (the root mean square of
  the columns' standard deviations), because only a common scale keeps a sphere
  a sphere.

The statistics are computed after dividing each column by its largest
absolute value, so values near 1e300 or 1e-300 neither overflow nor underflow
on the way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_explorer.data.errors import DataError, describe_column

#: A column's standard deviation must lie in this range: its variance (the
#: square) and every covariance entry must be a normal float64.
MIN_SCALE = 1e-150
MAX_SCALE = 1e150


def column_spread(X):
    """(center, scale) per column: mean and population standard deviation, overflow-safe."""
    X = np.asarray(X, dtype=np.float64)
    a = np.max(np.abs(X), axis=0)
    a = np.where(a > 0, a, 1.0)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        Y = X / a
        mu = Y.mean(axis=0)
        s = np.sqrt(np.mean((Y - mu) ** 2, axis=0))
        return mu * a, s * a


def check_scales(X, feature_names=None, path=None, *, covariance_type="full"):
    """Refuse columns that no Gaussian mixture can describe in float64.

    Raises
    ------
    DataError
        A constant column (zero variance makes every covariance singular), or a
        column whose spread is so large (above 1e150) or so small (below
        1e-150) that its variance is not a float64.

    Returns
    -------
    list of str
        Notes (e.g. columns on very different scales), for the user to read.
    """
    X = np.asarray(X, dtype=np.float64)
    D = X.shape[1]
    names = list(feature_names) if feature_names is not None else [None] * D
    notes = []
    for j in range(D):
        col = X[:, j]
        if col.size and np.all(col == col[0]):
            raise DataError(
                f"{describe_column(names[j], j)} is constant (every value is {col[0]:g}); it "
                "carries no information and would make every covariance singular: leave it "
                "out (columns= in Python, --columns on the command line)", path=path,
                column=describe_column(names[j], j))
    center, scale = column_spread(X)
    for j in range(D):
        col = describe_column(names[j], j)
        if not scale[j] <= MAX_SCALE:
            raise DataError(
                f"{col} spreads over about {scale[j]:.0e} (its standard deviation); its "
                f"variance (about 1e{2 * int(np.log10(scale[j]))}) is beyond float64, so no "
                f"covariance can hold it: change its units (divide it by "
                f"1e{int(np.log10(scale[j]))}) and try again", path=path, column=col)
        if not scale[j] >= MIN_SCALE:
            raise DataError(
                f"{col} spreads over only about {scale[j]:.0e} (its standard deviation); its "
                "variance underflows to zero in float64, so every covariance would be "
                f"singular: change its units (multiply it by 1e{-int(np.log10(scale[j]))}) "
                "and try again", path=path, column=col)
    if D > 1 and scale.max() / scale.min() > 1e6:
        hi, lo = int(np.argmax(scale)), int(np.argmin(scale))
        notes.append(
            f"the columns' scales differ by a factor of {scale.max() / scale.min():.1g} "
            f"({describe_column(names[hi], hi)}: {scale[hi]:.3g}, "
            f"{describe_column(names[lo], lo)}: {scale[lo]:.3g}); fitting in standardised "
            "units keeps that sound")
    return notes


def ridge_distortion(X, reg_covar: float):
    """The column a ridge of ``reg_covar`` distorts in the data's own units, or None.

    A ridge above 1% of a column's variance changes that column's fitted spread
    noticeably (fitting in standardised units keeps every variance near 1).

    Returns
    -------
    (int, float) or None
        The column with the smallest variance and that variance.
    """
    if not reg_covar > 0:
        return None
    variance = column_spread(X)[1] ** 2
    j = int(np.argmin(variance))
    return (j, float(variance[j])) if reg_covar > 0.01 * variance[j] else None


@dataclass(frozen=True)
class Standardizer:
    """The affine map ``Z = (X - center) / scale`` and its inverse for mixtures.

    Attributes
    ----------
    center : ndarray of shape (D,)
    scale : ndarray of shape (D,)
        Positive. Equal entries for spherical covariances.
    """

    center: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X, covariance_type="full") -> "Standardizer":
        """Each column's mean and standard deviation (one shared scale for spherical).

        The data should have passed :func:`check_scales`; a zero spread is
        replaced by 1 so that the map is always defined.
        """
        center, scale = column_spread(X)
        scale = np.where(scale > 0, scale, 1.0)
        if covariance_type == "spherical":
            m = scale.max()
            scale = np.full_like(scale, m * np.sqrt(np.mean((scale / m) ** 2)))
        return cls(np.asarray(center, float), np.asarray(scale, float))

    @classmethod
    def identity(cls, n_features: int) -> "Standardizer":
        """The map that changes nothing."""
        return cls(np.zeros(n_features), np.ones(n_features))

    @property
    def is_identity(self) -> bool:
        return bool(np.all(self.center == 0) and np.all(self.scale == 1))

    def transform(self, X):
        """Standardised units: ``(X - center) / scale``, a new read-only array (the engine
        then keeps it as its own data instead of copying it)."""
        Z = np.asarray(X, dtype=np.float64) - self.center
        Z /= self.scale  # in place: one (N, D) array, not two at once
        Z.setflags(write=False)
        return Z

    def inverse_transform(self, Z):
        """The user's units: ``center + scale * Z``."""
        return self.center + self.scale * np.asarray(Z, dtype=np.float64)

    def to_user(self, weights, means, covariances):
        """Mixture parameters from standardised units to the user's units.

        ``covariances`` are full (K, D, D) matrices.
        """
        s = self.scale
        means = self.center + s * np.asarray(means, float)
        covs = np.asarray(covariances, float) * np.outer(s, s)  # stays exactly symmetric
        return np.array(weights, float), means, covs

    def to_standard(self, weights, means, covariances):
        """Mixture parameters from the user's units to standardised units."""
        s = self.scale
        means = (np.asarray(means, float) - self.center) / s
        covs = np.asarray(covariances, float) / np.outer(s, s)
        return np.array(weights, float), means, covs

    def log_jacobian(self) -> float:
        """``sum(log(scale))``: what each point's log-density loses in the user's units."""
        return float(np.sum(np.log(self.scale)))

    def log_likelihood_to_user(self, log_likelihood: float, n_samples: int) -> float:
        """A total log-likelihood in standardised units, in the user's units."""
        return float(log_likelihood) - n_samples * self.log_jacobian()

    def to_dict(self) -> dict:
        return {"center": self.center.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d) -> "Standardizer":
        return cls(np.asarray(d["center"], float), np.asarray(d["scale"], float))
