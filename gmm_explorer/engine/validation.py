"""Checks on what a user hands the engine; each failure is a ValueError that
says what was given and what is allowed."""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine.covariance import cholesky_or_none, from_full, to_full


def check_choice(name, value, allowed):
    """Raise unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name}={value!r} is not allowed; use one of {shown}.")


def check_positive(name, value, allow_zero=False):
    """Raise unless ``value`` is a finite number > 0 (or >= 0)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} must be a number.") from None
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}={value!r} must be a finite number {bound}.")
    return number


def check_data(X):
    """The data as a C-contiguous float64 (N, D) array.

    Raises
    ------
    ValueError
        X is not 2-D, has fewer than 2 rows or no column, or holds NaN/inf.
    """
    try:
        array = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X must be a numeric array of shape (N, D); got {type(X).__name__} "
                         f"that cannot be read as numbers ({exc}).") from None
    if array.ndim != 2:
        raise ValueError(f"X must be 2-D, shape (N, D) with one row per point; got shape "
                         f"{array.shape}. Reshape a single feature with X.reshape(-1, 1).")
    if array.shape[0] < 2:
        raise ValueError(f"X must have at least 2 rows (points); got {array.shape[0]}.")
    if array.shape[1] < 1:
        raise ValueError("X must have at least one column (feature); got 0.")
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)
        row, col = bad[0]
        raise ValueError(f"X holds {len(bad)} NaN or infinite value(s), the first at row {row}, "
                         f"column {col}; remove or impute them before fitting.")
    return np.ascontiguousarray(array)


def check_spread(X, center, data_cov):
    """Refuse data whose mean or variance overflows float64.

    No covariance could be computed from them; EM would only produce NaN.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
        Its column means.
    data_cov : ndarray of shape (D, D)
        Its covariance.

    Raises
    ------
    ValueError
        Naming the columns and what to do.
    """
    bad = ~(np.isfinite(center) & np.isfinite(np.diagonal(data_cov)))
    if bad.any() or not np.all(np.isfinite(data_cov)):
        columns = np.flatnonzero(bad) if bad.any() else np.arange(X.shape[1])
        largest = float(np.max(np.abs(X[:, columns])))
        raise ValueError(
            f"the values of column(s) {', '.join(map(str, columns))} are too large for float64 "
            f"arithmetic (up to {largest:.1e}): their variance overflows. Divide the data by a "
            f"power of ten first (the command line's fit standardises them for you).")


def check_n_components(n_components, n_samples=None):
    """Raise unless 1 <= K (<= N when N is given)."""
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)):
        raise ValueError(f"n_components={n_components!r} must be an integer >= 1.")
    if n_components < 1:
        raise ValueError(f"n_components={n_components} must be >= 1.")
    if n_samples is not None and n_components > n_samples:
        raise ValueError(f"n_components={n_components} is more than the {n_samples} data "
                         f"points; use at most {n_samples} components.")
    return int(n_components)


def check_weights(weights, n_components):
    """(K,) positive weights summing to 1."""
    w = np.asarray(weights, dtype=float)
    if w.shape != (n_components,):
        raise ValueError(f"weights must have shape ({n_components},); got {w.shape}.")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"weights must all be positive and finite; got {w}.")
    if not np.isclose(w.sum(), 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"weights must sum to 1; they sum to {w.sum():.6g}.")
    return w / w.sum()


def check_means(means, n_components, n_features):
    """(K, D) finite means."""
    m = np.asarray(means, dtype=float)
    if m.shape != (n_components, n_features):
        raise ValueError(f"means must have shape ({n_components}, {n_features}); got {m.shape}.")
    if not np.all(np.isfinite(m)):
        raise ValueError("means must be finite; got NaN or infinite values.")
    return m


def check_covariances(covariances, covariance_type, n_components, n_features, weights=None):
    """Given covariances, projected onto ``covariance_type``'s native shape.

    Accepts the native shape of the type, or full (K, D, D) matrices for any
    type. Each must be symmetric and positive definite.
    """
    K, D = n_components, n_features
    c = np.asarray(covariances, dtype=float)
    native = {"full": (K, D, D), "tied": (D, D), "diag": (K, D), "spherical": (K,)}
    if c.shape == (K, D, D):
        full = c
    elif c.shape == native[covariance_type]:
        full = to_full(c, covariance_type, K, D)
    else:
        raise ValueError(
            f"covariances must have shape {native[covariance_type]} (covariance_type="
            f"{covariance_type!r}) or ({K}, {D}, {D}) full matrices; got {c.shape}.")
    if not np.all(np.isfinite(full)):
        raise ValueError("covariances must be finite; got NaN or infinite values.")
    for k in range(K):
        scale = max(np.abs(full[k]).max(), np.finfo(float).tiny)
        if not np.allclose(full[k], full[k].T, rtol=0, atol=1e-10 * scale):
            raise ValueError(f"covariances[{k}] is not symmetric.")
        if cholesky_or_none(full[k]) is None:
            raise ValueError(f"covariances[{k}] is not positive definite; every covariance "
                             f"must have positive eigenvalues.")
    return from_full(0.5 * (full + full.transpose(0, 2, 1)), covariance_type, weights)
