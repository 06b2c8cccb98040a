"""EM's M-step, checks and precisions on a stack of components from many fits.

The batch of :mod:`~gmm_explorer.engine.batched` keeps every running fit's
components in one stack (sum of K rows); these functions do for the stack what
the engine does for one fit's K components, with the engine's own formulas
(:mod:`~gmm_explorer.engine.mstep`, :func:`~gmm_explorer.engine.diagnostics.spectrum`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from gmm_explorer.engine import diagnostics, mstep
from gmm_explorer.engine.covariance import cholesky_or_none
from gmm_explorer.engine.densities import LOG_2PI


def m_step(X, center, sums, reg, by_type, square_columns, rows_of: Callable):
    """The engine's M-step on stacked components, each covariance type's together.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    sums : ndarray of shape (S, D + 1 + P)
        Each component's ``sum_n r_nk [x - centre, 1, all products]``.
    reg : ndarray of shape (S,)
        Each component's fit's ``reg_covar``.
    by_type : list of (str, ndarray of int, ndarray of int)
        Per covariance type: its components, and the first of each of its fits
        among them (a fit's components are consecutive).
    square_columns : ndarray of int
        The columns of ``sums`` a diagonal model reads (moments, count, squares).
    rows_of : callable
        ``rows_of(components)[k]`` is component ``components[k]``'s (N,)
        responsibilities (read for the few whose covariance is recomputed).

    Returns
    -------
    counts : ndarray of shape (S,)
        Effective counts with scikit-learn's guard (the weights before
        normalising per fit).
    means_c : ndarray of shape (S, D)
        Means relative to ``center``.
    full : ndarray of shape (S, D, D)
        Full covariances, ridge included.
    """
    D = X.shape[1]
    S = len(sums)
    counts, means_c, full = np.empty(S), np.empty((S, D)), np.empty((S, D, D))
    eye = np.eye(D)
    diagonal = np.arange(D)
    for covariance_type, components, local in by_type:
        columns = square_columns if covariance_type in ("diag", "spherical") else slice(None)
        stats = mstep.statistics_from_sums(sums[components][:, columns], D, covariance_type)
        scatter = mstep.central_scatter(X, center, rows_of(components), stats, covariance_type)
        ridge = reg[components]
        if covariance_type == "full":
            scatter[:, diagonal, diagonal] += ridge[:, None]
            covariances = scatter
        elif covariance_type == "tied":
            pooled = np.add.reduceat(stats.counts[:, None, None] * scatter, local, axis=0)
            pooled /= np.add.reduceat(stats.counts, local)[:, None, None]
            pooled[:, diagonal, diagonal] += ridge[local][:, None]
            covariances = np.repeat(pooled, np.diff(np.r_[local, len(components)]), axis=0)
        elif covariance_type == "diag":
            covariances = (scatter + ridge[:, None])[:, :, None] * eye
        else:
            covariances = (scatter.mean(axis=1) + ridge)[:, None, None] * eye
        # the engine keeps its means in the data's units and centres them again for
        # the E-step: the same round trip, or data far from the origin lose other digits
        counts[components] = stats.counts
        means_c[components] = (stats.means + center) - center
        full[components] = covariances
    return counts, means_c, full


def spectrum(full, means, data_scale, max_condition) -> dict:
    """The engine's checks on stacked components (see ``diagnostics.spectrum``).

    Parameters
    ----------
    full : ndarray of shape (S, D, D)
    means : ndarray of shape (S, D)
        In the data's units (for the resolution floor).
    data_scale : float
    max_condition : ndarray of shape (S,)
        Each component's fit's ``max_condition``.

    Returns
    -------
    dict
        ``eigenvalues`` (S, D), ``condition`` (S,), ``positive`` (S,),
        ``bad`` (S,): not positive definite or past ``max_condition`` (where
        the collapse policies act), and ``lower`` (S, D, D): Cholesky factors
        (the identity where there is none).
    """
    eigenvalues = np.linalg.eigvalsh(full)
    try:  # one call for the stack; a failure means some component is not positive definite
        lower = np.linalg.cholesky(full)
        factored = np.ones(len(full), dtype=bool)
    except np.linalg.LinAlgError:
        factors = [cholesky_or_none(m) for m in full]
        factored = np.array([f is not None for f in factors])
        lower = np.array([f if f is not None else np.eye(full.shape[1]) for f in factors])
    floor = diagnostics.resolution_floor(means, data_scale)
    positive = factored & (eigenvalues[:, 0] > floor)
    with np.errstate(divide="ignore", invalid="ignore"):
        condition = eigenvalues[:, -1] / eigenvalues[:, 0]
    condition = np.where(positive & (eigenvalues[:, 0] > 0), condition, np.inf)
    bad = ~positive | (condition > max_condition)
    return {"eigenvalues": eigenvalues, "condition": condition, "positive": positive,
            "bad": bad, "lower": lower}


def precisions(lower):
    """Whitening factors and precisions (S, D, D), log normalising constants (S,).

    A diagonal factor's precision from the product is its squares exactly (the
    other terms are exact zeros), as the engine's diagonal road has it.

    Parameters
    ----------
    lower : ndarray of shape (S, D, D)
        Lower Cholesky factors of the covariances.
    """
    D = lower.shape[1]
    factors = np.linalg.inv(lower).transpose(0, 2, 1)
    log_norm = -np.sum(np.log(np.diagonal(lower, axis1=1, axis2=2)), axis=1) \
        - 0.5 * D * LOG_2PI
    return factors, factors @ factors.transpose(0, 2, 1), log_norm
