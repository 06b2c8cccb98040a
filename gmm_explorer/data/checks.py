"""Checks that a data set can carry the mixture asked of it, before EM starts."""

from __future__ import annotations

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.scaling import check_scales

_DISTINCT_SAMPLE = 200_000


def count_distinct(X, at_least: int | None = None) -> int:
    """Number of distinct rows of X (stops early once ``at_least`` are found in a sample)."""
    X = np.asarray(X)
    if at_least is not None and len(X) > _DISTINCT_SAMPLE:
        n = len(np.unique(X[:_DISTINCT_SAMPLE], axis=0))
        if n >= at_least:
            return n
    return len(np.unique(X, axis=0))


def check_components(n_components, X, path=None) -> None:
    """Refuse more components than points, or than distinct points.

    Parameters
    ----------
    n_components : int
    X : ndarray of shape (N, D) or int
        The data, or only their number of points (then duplicates are not checked).
    path : str or None
        The data file, for the message.

    Raises
    ------
    DataError
    """
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)) \
            or n_components < 1:
        raise DataError(f"the number of components must be a whole number of at least 1, "
                        f"got {n_components!r}", path=path)
    n = X if isinstance(X, (int, np.integer)) else len(X)
    if n_components > n:
        raise DataError(
            f"asks for {n_components} components but the data have only {n} points; use at "
            f"most {n} components (a Gaussian needs several points: ten or more per "
            "component is a good rule)", path=path)
    if isinstance(X, (int, np.integer)):
        return
    distinct = count_distinct(X, at_least=n_components)
    if n_components > distinct:
        raise DataError(
            f"asks for {n_components} components but the data have only {distinct} distinct "
            f"points (the rest are duplicates), so a component would sit on a single point "
            f"and collapse; use at most {distinct} components", path=path)


def check_fit_data(X, n_components, feature_names=None, path=None, *,
                   covariance_type="full") -> list:
    """All the checks before a fit: enough (distinct) points and usable columns.

    Returns the notes of :func:`~gmm_explorer.data.scaling.check_scales`.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2:
        raise DataError(f"needs at least two points to fit a mixture, got {X.shape[0]}",
                        path=path)
    if not np.all(np.isfinite(X)):
        raise DataError("holds missing or infinite values; drop them first", path=path)
    notes = check_scales(X, feature_names, path, covariance_type=covariance_type)
    check_components(n_components, X, path)
    return notes
