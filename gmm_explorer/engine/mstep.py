"""The M-step: weighted sufficient statistics in one chunked pass, then
maximum-likelihood covariances per type, exactly as scikit-learn.

Second moments are accumulated about the data's centre with one matrix
product per chunk ((K, c) responsibilities times (c, P) products of
coordinates), and the covariance is ``S_k / n_k - (mu_k - c)(mu_k - c)^T``.
That subtraction loses digits when a component sits far from the centre
relative to its own spread, which is exactly what a collapsing component
does; those components are recomputed from explicit differences
``x - mu_k`` (:func:`exact_scatter`), so every covariance carries at least
about ten significant digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import functools

import numpy as np

from gmm_explorer.engine.estep import chunk_rows, fill_products

# scikit-learn adds this to every effective count (keeps empty components finite).
COUNT_GUARD = 10 * np.finfo(float).eps
# Recompute a covariance from explicit differences when the cancellation in
# S/n - m m^T could cost more than about this relative error.
_CANCELLATION_LIMIT = 1e-11 / np.finfo(float).eps


@dataclass
class SufficientStatistics:
    """Responsibility-weighted sums about the data's centre.

    Attributes
    ----------
    counts : ndarray of shape (K,)
        ``n_k = sum_n r_nk`` plus scikit-learn's ``10 * eps`` guard.
    means : ndarray of shape (K, D)
        Weighted means, relative to the centre.
    second : ndarray of shape (K, D, D) or (K, D)
        ``sum_n r_nk x x^T / n_k`` (full and tied) or its diagonal
        (diag and spherical), ``x`` relative to the centre.
    """

    counts: np.ndarray
    means: np.ndarray
    second: np.ndarray


@functools.lru_cache(maxsize=64)
def moment_pairs(n_features, covariance_type):
    """Index pairs ``(i, j)`` of the second moments a covariance type needs.

    Cached and read-only: every step asks twice, and ``np.triu_indices`` took
    a tenth of a step's time at N = 300.

    Returns
    -------
    tuple of two int arrays of length P
        The upper triangle for full and tied, the diagonal for diag and
        spherical.
    """
    if covariance_type in ("diag", "spherical"):
        pairs = np.arange(n_features), np.arange(n_features)
    else:
        pairs = np.triu_indices(n_features)
    for index in pairs:
        index.flags.writeable = False
    return pairs


def statistics_from_sums(sums, n_features, covariance_type):
    """SufficientStatistics from ``sum_n r_nk [x - centre, 1, products]``.

    Parameters
    ----------
    sums : ndarray of shape (K, D + 1 + P)
        As returned by :func:`gmm_explorer.engine.estep.e_step`.
    n_features : int
    covariance_type : str

    Returns
    -------
    SufficientStatistics
    """
    D = n_features
    K = sums.shape[0]
    counts = sums[:, D] + COUNT_GUARD
    per_point = sums / counts[:, None]  # one division (the counts' column is not read)
    first, second = per_point[:, :D], per_point[:, D + 1:]
    if covariance_type in ("diag", "spherical"):
        return SufficientStatistics(counts, first, second)
    full = second[:, _symmetric_gather(D)].reshape(K, D, D)
    return SufficientStatistics(counts, first, full)


@functools.lru_cache(maxsize=64)
def _symmetric_gather(n_features):
    """Index into the upper triangle's products (row-major) of each entry of a
    (D, D) matrix, row-major: one gather fills both triangles."""
    D = n_features
    rows, cols = np.triu_indices(D)
    position = np.empty((D, D), dtype=np.intp)
    position[rows, cols] = np.arange(rows.size)
    position[cols, rows] = np.arange(rows.size)
    gather = position.ravel()
    gather.flags.writeable = False
    return gather


def sufficient_statistics(X, center, resp, covariance_type):
    """One pass over the data (for responsibilities that did not come from
    the E-step, such as a start's).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    resp : ndarray of shape (K, N)
    covariance_type : str

    Returns
    -------
    SufficientStatistics
    """
    N, D = X.shape
    K = resp.shape[0]
    rows, cols = moment_pairs(D, covariance_type)
    # One matrix product per chunk: responsibilities times [x, 1, products of x],
    # built feature-major so that every row of the buffer is contiguous.
    step = chunk_rows(K, D, N)
    moments = np.ones((D + 1 + rows.size, min(step, N)))
    sums = np.zeros((K, D + 1 + rows.size))
    for start in range(0, N, step):
        stop = min(N, start + step)
        block = moments[:, : stop - start]
        np.subtract(X[start:stop].T, center[:, None], out=block[:D])
        fill_products(block, D, (rows, cols))
        sums += resp[:, start:stop] @ block.T
    return statistics_from_sums(sums, D, covariance_type)


def exact_scatter(X, center, resp_k, mean_k, diagonal_only=False):
    """``sum_n r_n (x_n - mu)(x_n - mu)^T`` from explicit differences.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    resp_k : ndarray of shape (N,)
    mean_k : ndarray of shape (D,)
        Relative to ``center``.
    diagonal_only : bool

    Returns
    -------
    ndarray of shape (D, D), or (D,) when ``diagonal_only``.
    """
    N, D = X.shape
    out = np.zeros(D if diagonal_only else (D, D))
    step = chunk_rows(1, D, N)
    origin = center + mean_k
    for start in range(0, N, step):
        stop = min(N, start + step)
        diff = X[start:stop] - origin
        weighted = diff.T * resp_k[start:stop]
        if diagonal_only:
            out += np.einsum("dn,nd->d", weighted, diff)
        else:
            out += weighted @ diff
    return out


def central_scatter(X, center, resp, stats, covariance_type):
    """Per-component weighted covariance about its own mean (no ridge, no prior).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    resp : ndarray of shape (K, N)
    stats : SufficientStatistics
    covariance_type : str

    Returns
    -------
    ndarray of shape (K, D, D) for full and tied, (K, D) for diag and spherical
        ``W_k / n_k`` where ``W_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T``.
    """
    diagonal_only = covariance_type in ("diag", "spherical")
    scatter, magnitude = _moment_scatter(stats, diagonal_only)
    if diagonal_only:
        smallest = scatter.min(axis=1)
    else:
        # The smallest eigenvalue: a small diagonal is not the only way to lose digits.
        smallest = np.linalg.eigvalsh(scatter)[:, 0]
    risky = _cancelled(smallest.tolist(), magnitude.tolist())
    _recompute_exactly(scatter, risky, X, center, resp, stats, diagonal_only)
    return scatter


def _moment_scatter(stats, diagonal_only):
    """``second - m m^T`` (or its diagonal), and each component's largest second
    moment, the magnitude the subtraction's rounding is relative to."""
    means = stats.means
    if diagonal_only:
        return stats.second - means**2, stats.second.max(axis=1)
    scatter = stats.second - means[:, :, None] * means[:, None, :]
    return scatter, stats.second.diagonal(axis1=1, axis2=2).max(axis=1)


def _cancelled(smallest, magnitude):
    """Which components' subtraction may have lost more than :data:`_CANCELLATION_LIMIT`
    allows: relative error about ``eps * magnitude / smallest`` (a NaN counts).

    Lists of K floats in and out: on a few numbers numpy's calls cost more than the
    work (Python's max keeps a NaN first argument, as np.maximum does).
    """
    return [not magnitude_k < _CANCELLATION_LIMIT * max(smallest_k, 0.0)
            for smallest_k, magnitude_k in zip(smallest, magnitude)]


def _recompute_exactly(scatter, risky, X, center, resp, stats, diagonal_only):
    """Every ``risky`` component of ``scatter`` from explicit differences, in place;
    the indices recomputed."""
    indices = np.flatnonzero(risky) if any(risky) else ()
    for k in indices:
        scatter[k] = exact_scatter(X, center, resp[k], stats.means[k], diagonal_only)
        scatter[k] /= stats.counts[k]
    return indices


def ml_covariances(X, center, resp, stats, covariance_type, reg_covar):
    """Maximum-likelihood covariances plus the ridge, in native shape.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    resp : ndarray of shape (K, N)
    stats : SufficientStatistics
    covariance_type : str
    reg_covar : float
        Added to every diagonal, as scikit-learn's ``reg_covar``.

    Returns
    -------
    covariances : ndarray in the native shape of ``covariance_type``
    eigenvalues : ndarray of shape (K, D), or None
        For ``"full"``, each covariance's eigenvalues (ascending, as
        ``np.linalg.eigvalsh`` gives them), for the caller's spectrum: where the
        ridge is small next to the components (the usual case) the cancellation
        check reads them, so one eigen-decomposition serves both. None for other
        types.
    """
    if covariance_type == "full":
        return _full_covariances(X, center, resp, stats, reg_covar)
    scatter = central_scatter(X, center, resp, stats, covariance_type)
    if covariance_type == "tied":
        pooled = np.tensordot(stats.counts, scatter, axes=1) / stats.counts.sum()
        _add_ridge_in_place(pooled[None], reg_covar)
        return pooled, None
    if covariance_type == "diag":
        return scatter + reg_covar, None
    return scatter.mean(axis=1) + reg_covar, None


#: Up to this multiple of every component's largest second moment, the ridge cannot
#: hide the cancellation check's eigenvalue: ``eig(S + r I) - r`` is off by about
#: ``eps * (r + |S|)``, against a threshold of ``|S| * eps / 1e-11``.
_RIDGE_HIDES = 1e3


def _full_covariances(X, center, resp, stats, reg_covar):
    """Full covariances with the ridge, and their eigenvalues.

    Where the ridge is small next to every component's second moments (the usual
    case), the covariances' eigenvalues less the ridge stand for the scatter's in
    the cancellation check: one eigen-decomposition a step instead of two, the same
    verdicts but at the check's threshold. A larger ridge could hide a small
    eigenvalue, so there the scatter's own decide, before the ridge, as in
    :func:`central_scatter`.
    """
    covariances, magnitude = _moment_scatter(stats, diagonal_only=False)
    magnitudes = magnitude.tolist()
    ridge_first = all(reg_covar <= _RIDGE_HIDES * value for value in magnitudes)  # NaN: no
    if ridge_first:
        _add_ridge_in_place(covariances, reg_covar)
        eigenvalues = np.linalg.eigvalsh(covariances)
        smallest = [value - reg_covar for value in eigenvalues[:, 0].tolist()]
    else:
        smallest = np.linalg.eigvalsh(covariances)[:, 0].tolist()
    risky = _cancelled(smallest, magnitudes)
    recomputed = _recompute_exactly(covariances, risky, X, center, resp, stats, False)
    if ridge_first:
        if not len(recomputed):
            return covariances, eigenvalues
        for k in recomputed:  # a new scatter, without its ridge
            _add_ridge_in_place(covariances[k:k + 1], reg_covar)
    else:
        _add_ridge_in_place(covariances, reg_covar)
    return covariances, np.linalg.eigvalsh(covariances)


def _add_ridge_in_place(covariances, reg_covar):
    """``reg_covar`` on the diagonal of (K, D, D) matrices, in place."""
    K, D, _ = covariances.shape
    if covariances.flags.c_contiguous:  # a view: every (D + 1)-th number is diagonal
        covariances.reshape(K, D * D)[:, ::D + 1] += reg_covar
    else:
        covariances[:, np.arange(D), np.arange(D)] += reg_covar


def add_ridge(cov, covariance_type, reg_covar):
    """``reg_covar`` added to the diagonal of native covariances (a copy; MAP covariances
    get their ridge here, maximum-likelihood ones in :func:`ml_covariances`)."""
    if reg_covar == 0:
        return cov
    if covariance_type in ("diag", "spherical"):
        return cov + reg_covar
    cov = cov.copy()
    D = cov.shape[-1]
    _add_ridge_in_place(cov.reshape(-1, D, D), reg_covar)  # a view of the copy (full or tied)
    return cov
