"""Covariance representations, one set of pure helpers per covariance type.

Each type stores its covariances in scikit-learn's native shape:

========== ===============
type       native shape
========== ===============
full       (K, D, D)
tied       (D, D)
diag       (K, D)
spherical  (K,)
========== ===============

:func:`to_full` turns any of them into (K, D, D) matrices (what ``EMState``
holds), :func:`from_full` projects full matrices onto a type, and
:func:`whitening_factors` gives, per component, the upper-triangular ``U``
with ``U @ U.T == inv(Sigma)`` that the E-step uses (scikit-learn's
``precisions_cholesky_``), computed by a Cholesky factorisation and a
triangular solve, never an explicit inverse.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import linalg
from scipy.linalg import lapack

_potrf = lapack.get_lapack_funcs("potrf", dtype=np.float64)
_trtrs = lapack.get_lapack_funcs("trtrs", dtype=np.float64)

#: Rows centred at a time by :func:`data_covariance`.
_COVARIANCE_ROWS = 1 << 16


def data_covariance(X, ddof=0):
    """The data's covariance, ``np.cov(X, rowvar=False, ddof=ddof)``, in chunks of rows.

    ``np.cov`` centres a copy of the whole data, which at a million points of ten
    features was a third of the engine's peak memory. Here each chunk of
    :data:`_COVARIANCE_ROWS` rows is centred in turn; up to that many rows of float64
    data the numbers are ``np.cov``'s bit for bit (the same mean, product and scaling),
    beyond it the chunks' products are summed in order (a rounding's difference). The
    mean is its own, as ``np.cov``'s, even where the caller has one.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    ddof : int

    Returns
    -------
    ndarray of shape (D, D)
    """
    N, D = X.shape
    mean = X.T.mean(axis=1)
    out = np.zeros((D, D))
    buffer = np.empty((min(N, _COVARIANCE_ROWS), D))  # one chunk's worth, reused
    for start in range(0, N, _COVARIANCE_ROWS):
        rows = X[start:start + _COVARIANCE_ROWS]
        centred = np.subtract(rows, mean, out=buffer[:len(rows)])
        out += centred.T @ centred
    out *= np.true_divide(1, N - ddof)
    return out


def to_full(covariances, covariance_type, n_components, n_features):
    """Full (K, D, D) matrices from a native representation.

    Parameters
    ----------
    covariances : ndarray
        Native shape for ``covariance_type`` (see module docstring).
    covariance_type : str
    n_components, n_features : int

    Returns
    -------
    ndarray of shape (K, D, D)
    """
    K, D = n_components, n_features
    if covariance_type == "full":
        return np.array(covariances, dtype=float)
    if covariance_type == "tied":
        return np.broadcast_to(covariances, (K, D, D)).copy()
    if covariance_type == "diag":
        out = np.zeros((K, D, D))
        idx = np.arange(D)
        out[:, idx, idx] = covariances
        return out
    return np.asarray(covariances, dtype=float)[:, None, None] * np.eye(D)


def from_full(full, covariance_type, weights=None):
    """Project full (K, D, D) matrices onto ``covariance_type``.

    ``tied`` takes the weighted average of the matrices (their common value
    when they are all equal); ``diag`` keeps the diagonals; ``spherical`` the
    mean of each diagonal (its common value when it is constant). Covariances
    that already have the type's shape come back bit for bit.

    Parameters
    ----------
    full : ndarray of shape (K, D, D)
    covariance_type : str
    weights : ndarray of shape (K,), optional
        Used by ``tied``; equal weights when omitted.

    Returns
    -------
    ndarray in the native shape of ``covariance_type``.
    """
    full = np.asarray(full, dtype=float)
    if covariance_type == "full":
        return full.copy()
    if covariance_type == "tied":
        if np.all(full == full[0]):
            return full[0].copy()
        w = np.full(full.shape[0], 1.0 / full.shape[0]) if weights is None else weights
        return np.tensordot(w, full, axes=1)
    diag = np.diagonal(full, axis1=1, axis2=2).copy()
    if covariance_type == "diag":
        return diag
    if np.all(diag == diag[:, :1]):  # already spherical: exact, no rounding of a mean
        return diag[:, 0].copy()
    return diag.mean(axis=1)


def cholesky_or_none(matrix):
    """Lower Cholesky factor of ``matrix``, or None when it is not positive definite.

    LAPACK's ``potrf`` directly, as ``scipy.linalg.cholesky`` calls it (the same
    numbers): its argument checks and conversions took most of a small step.
    """
    factor, info = _potrf(matrix, lower=1, clean=1, overwrite_a=0)
    return factor if info == 0 else None


@functools.lru_cache(maxsize=16)
def _identity(n):
    """A read-only (n, n) identity (every component of every step solves against one)."""
    eye = np.eye(n)
    eye.flags.writeable = False
    return eye


def _inverse_transpose_of_lower(factor):
    """``inv(L).T`` for lower-triangular ``L`` (D, D), by LAPACK's ``trtrs`` against
    the identity, as ``scipy.linalg.solve_triangular`` calls it (the same numbers)."""
    solution, info = _trtrs(factor, _identity(factor.shape[0]), lower=1)
    if info != 0:
        raise linalg.LinAlgError(f"singular triangular factor (trtrs info {info})")
    return solution.T


def whitening_factors(full, usable, lower=None):
    """Upper-triangular ``U_k`` with ``U_k @ U_k.T = inv(Sigma_k)``, and ``log|U_k|``.

    Parameters
    ----------
    full : ndarray of shape (K, D, D)
    usable : sequence of bool, length K
        Components whose covariance is positive definite in float64; the
        others get ``U = 0`` and ``log|U| = nan`` and must be handled by the
        caller (:func:`~gmm_explorer.engine.densities.build_densities` does).

    Returns
    -------
    factors : ndarray of shape (K, D, D)
    log_det : ndarray of shape (K,)
        ``sum(log(diag(U_k)))``, i.e. ``-0.5 * log|Sigma_k|``.
    """
    K, D, _ = full.shape
    usable = np.asarray(usable, dtype=bool).tolist()
    # gathered in lists and stacked once: K assignments into arrays cost more
    factors, diagonals = [], []
    for k, ok in enumerate(usable):
        if not ok:
            factors.append(np.zeros((D, D)))
            diagonals.append(np.ones(D))
            continue
        factor = lower[k] if lower is not None and lower[k] is not None else \
            cholesky_or_none(full[k])
        factors.append(_inverse_transpose_of_lower(factor))
        diagonals.append(factor.diagonal())
    factors = np.array(factors).reshape(K, D, D)  # C order whatever each factor's order
    # one pass for every component (the same sums as one component at a time)
    log_det = -np.log(np.array(diagonals).reshape(K, D)).sum(axis=1)
    return factors, (log_det if all(usable) else np.where(usable, log_det, np.nan))


def n_covariance_parameters(covariance_type, n_components, n_features):
    """Free parameters in the covariances (scikit-learn's count)."""
    K, D = n_components, n_features
    return {
        "full": K * D * (D + 1) // 2,
        "tied": D * (D + 1) // 2,
        "diag": K * D,
        "spherical": K,
    }[covariance_type]


def precisions_of(covariances, covariance_type):
    """scikit-learn's ``precisions_cholesky_`` and ``precisions_`` for native covariances.

    Its own formulas (``GaussianMixture._set_parameters``): for ``full`` and
    ``tied``, the transposed inverse of the lower Cholesky factor; for ``diag``
    and ``spherical``, one over the standard deviations. A covariance that is
    not positive definite (a component that collapsed under
    ``on_collapse="continue"``) has neither: its entries are NaN.

    Parameters
    ----------
    covariances : ndarray
        The native shape of ``covariance_type``: (K, D, D), (D, D), (K, D) or (K,).
    covariance_type : str

    Returns
    -------
    precisions_cholesky, precisions : ndarray
        The same shape as ``covariances``.
    """
    native = np.asarray(covariances, dtype=float)
    if covariance_type not in ("full", "tied"):
        with np.errstate(divide="ignore", invalid="ignore"):
            cholesky = np.where(native > 0, 1.0 / np.sqrt(np.where(native > 0, native, 1.0)),
                                np.nan)
        return cholesky, cholesky ** 2
    mats = native if covariance_type == "full" else native[None]
    D = mats.shape[-1]
    cholesky = np.full_like(mats, np.nan)
    for k, cov in enumerate(mats):
        lower = cholesky_or_none(cov)
        if lower is not None:
            cholesky[k] = linalg.solve_triangular(lower, np.eye(D), lower=True).T
    precisions = cholesky @ np.swapaxes(cholesky, 1, 2)
    if covariance_type == "tied":
        return cholesky[0], precisions[0]
    return cholesky, precisions
