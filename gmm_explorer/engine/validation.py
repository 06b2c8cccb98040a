"""Checks on what a user hands the engine; each failure is a ValueError that
says what was given and what is allowed."""

from __future__ import annotations

import numbers

import numpy as np

from gmm_explorer.engine.covariance import cholesky_or_none, from_full, to_full


#: Beyond this magnitude a squared distance overflows float64 (the square root of its
#: largest value is 1.3e154).
LARGEST = 1e150


def check_choice(name, value, allowed):
    """Raise unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name}={value!r} is not allowed; use one of {shown}.")


def check_positive(name, value, allow_zero=False):
    """Raise unless ``value`` is a finite real number > 0 (or >= 0); return it as a float.

    A bool is refused (``reg_covar=True`` is a slip, not 1.0), and so is text
    (``"1e-3"``): a number must be given as a number.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} must be a number, not {type(value).__name__}.")
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}={value!r} must be a finite number {bound}.")
    return number


def check_integer(name, value, minimum=None) -> int:
    """Raise unless ``value`` is a whole number (not a bool, a float or text) >= ``minimum``.

    ``2.5`` would silently become 2 and ``True`` 1: both are refused.

    Raises
    ------
    TypeError
        ``value`` is not an integer type (the message names ``name``).
    ValueError
        It is below ``minimum``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}={value!r} must be a whole number (int), not "
                        f"{type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}={value!r} must be >= {minimum}.")
    return int(value)


def _owns_frozen(array) -> bool:
    """Whether ``array`` and every array it views are read-only: then nobody can change it."""
    while isinstance(array, np.ndarray):
        if array.flags.writeable:
            return False
        array = array.base
    return True


def read_only_data(array, name="X"):
    """``array`` as a read-only, C-contiguous float64 array that no one else can change.

    Kept as it is when it is one already (so that a caller comparing
    identities, the window, sees the very array it gave); otherwise copied.
    The dtype must be real numbers: complex (the imaginary part would be
    dropped), datetime, text and object arrays are refused.
    """
    raw = np.asarray(array)
    if raw.dtype.kind not in "biuf":
        what = {"c": "complex numbers (the imaginary part would be lost)",
                "m": "time differences", "M": "dates", "O": "Python objects",
                "U": "text", "S": "bytes"}.get(raw.dtype.kind, f"dtype {raw.dtype}")
        raise ValueError(f"{name} must hold real numbers; it holds {what}. Convert it to "
                         f"float first.")
    if raw.dtype == np.float64 and raw.flags.c_contiguous and _owns_frozen(raw):
        return raw
    own = np.array(raw, dtype=np.float64, order="C", copy=True)
    own.setflags(write=False)
    return own


def check_data(X, name="X", min_rows=2, n_features=None):
    """The data as the engine's own read-only, C-contiguous float64 (N, D) array.

    A copy, unless ``X`` is such an array already (see :func:`read_only_data`):
    the engine never keeps an array its caller could change between steps.

    Parameters
    ----------
    X : array-like of shape (N, D)
    name : str
        The parameter's name, for messages.
    min_rows : int
        Fewest rows allowed (2 to fit; 1 to predict or score).
    n_features : int, optional
        Required number of columns D.

    Raises
    ------
    ValueError
        X is not 2-D real numbers, has too few rows, no column, the wrong
        number of columns, or holds NaN/inf.
    """
    try:
        array = read_only_data(X, name)
    except (TypeError, ValueError) as exc:
        if str(exc).startswith(f"{name} must hold"):
            raise
        raise ValueError(f"{name} must be a numeric array of shape (N, D); got "
                         f"{type(X).__name__} that cannot be read as numbers ({exc}).") from None
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D, shape (N, D) with one row per point; got shape "
                         f"{array.shape}. Reshape a single feature with X.reshape(-1, 1).")
    if array.shape[0] < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} rows (points); got "
                         f"{array.shape[0]}.")
    if array.shape[1] < 1:
        raise ValueError(f"{name} must have at least one column (feature); got 0.")
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(f"{name} must have shape (n, {n_features}), the model's {n_features} "
                         f"feature(s); got {array.shape}.")
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)
        row, col = bad[0]
        raise ValueError(f"{name} holds {len(bad)} NaN or infinite value(s), the first at row "
                         f"{row}, column {col}; remove or impute them first.")
    return array


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
    if np.any(w > 1 + 1e-6):  # before summing: huge weights would overflow the sum
        raise ValueError(f"weights must each be at most 1 (they sum to 1); got {w}.")
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
    if m.size and np.max(np.abs(m)) > LARGEST:
        raise ValueError(f"means must be at most {LARGEST:.0e} in size; larger ones overflow "
                         f"float64 when squared (every point would get NaN). Rescale the "
                         f"data and the model.")
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
