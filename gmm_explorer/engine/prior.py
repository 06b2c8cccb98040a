"""The conjugate prior of Fraley & Raftery (2007), as R's mclust uses by default.

Means and covariances get a normal-inverse-Wishart prior (normal-inverse-gamma
per variance for ``diag`` and ``spherical``); the weights get none:

- ``mu_k | Sigma_k ~ N(mu_P, Sigma_k / kappa)`` with ``kappa = 0.01`` and
  ``mu_P`` the data's mean;
- ``Sigma_k ~ IW(nu, Lambda)`` with ``nu = D + 2`` and
  ``Lambda = (1 / K) ** (2 / D) * cov(X)`` (``ddof=1``, like R's ``var``);
  for ``diag`` and ``spherical`` each variance is ``IG(nu / 2, s2 / 2)`` with
  ``s2`` that factor times the average variance on the diagonal of ``cov(X)``;
  ``tied`` shares one ``Sigma`` with one IW prior.

The M-step below is the exact maximiser of the expected complete-data log
likelihood plus the log prior, so EM never decreases
``log_likelihood + log_prior`` (:func:`log_prior`), which is the state's
``objective``. Everything works with means relative to the data's centre,
where ``mu_P = 0``.

References
----------
Fraley, C. and Raftery, A. E. (2007). Bayesian regularization for normal
mixture estimation and model-based clustering. Journal of Classification 24.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.special import gammaln, multigammaln

from gmm_explorer.engine.covariance import data_covariance

LOG_2PI = np.log(2.0 * np.pi)


@dataclass(frozen=True)
class ConjugatePrior:
    """Hyperparameters of the default prior.

    Attributes
    ----------
    kappa : float
        Shrinkage of the means towards ``mean``.
    mean : ndarray of shape (D,)
        Prior mean ``mu_P`` (the data's mean, in the user's units).
    dof : float
        ``nu``, degrees of freedom.
    scale : ndarray of shape (D, D)
        ``Lambda`` for full and tied.
    scalar_scale : float
        ``s2`` for diag and spherical.
    """

    kappa: float
    mean: np.ndarray
    dof: float
    scale: np.ndarray
    scalar_scale: float

    @classmethod
    def default(cls, X, n_components, kappa=0.01):
        """mclust's default prior for data ``X`` and ``K`` components.

        Parameters
        ----------
        X : ndarray of shape (N, D)
        n_components : int
        kappa : float
        """
        D = X.shape[1]
        cov = data_covariance(X, ddof=1)
        factor = (1.0 / n_components) ** (2.0 / D)
        return cls(
            kappa=float(kappa),
            mean=X.mean(axis=0),
            dof=float(D + 2),
            scale=factor * cov,
            scalar_scale=float(factor * np.mean(np.diag(cov))),
        )


def map_means(stats, prior):
    """``(n_k ybar_k + kappa mu_P) / (n_k + kappa)``, relative to ``mu_P``.

    Parameters
    ----------
    stats : SufficientStatistics
        About the data's centre, which is ``mu_P``.
    prior : ConjugatePrior

    Returns
    -------
    ndarray of shape (K, D)
    """
    n = stats.counts[:, None]
    return n * stats.means / (n + prior.kappa)


def map_covariances(scatter, stats, prior, covariance_type):
    """MAP covariances in native shape.

    Parameters
    ----------
    scatter : ndarray of shape (K, D, D) or (K, D)
        ``W_k / n_k``, the weighted covariance about each component's mean.
    stats : SufficientStatistics
    prior : ConjugatePrior
    covariance_type : str

    Returns
    -------
    ndarray in the native shape of ``covariance_type``.
    """
    n = stats.counts
    K, D = stats.means.shape
    kappa, nu = prior.kappa, prior.dof
    shrink = kappa * n / (kappa + n)
    ybar = stats.means
    if covariance_type in ("full", "tied"):
        terms = n[:, None, None] * scatter + shrink[:, None, None] * (
            ybar[:, :, None] * ybar[:, None, :])
        if covariance_type == "full":
            return (prior.scale + terms) / (n + nu + D + 2)[:, None, None]
        return (prior.scale + terms.sum(axis=0)) / (n.sum() + nu + D + 1 + K)
    terms = n[:, None] * scatter + shrink[:, None] * ybar**2
    if covariance_type == "diag":
        return (prior.scalar_scale + terms) / (n + nu + 3)[:, None]
    return (prior.scalar_scale + terms.sum(axis=1)) / (nu + (n + 1) * D + 2)


def _log_inverse_gamma(x, shape, rate):
    return shape * np.log(rate) - gammaln(shape) - (shape + 1) * np.log(x) - rate / x


def log_prior(means, covariances, prior, covariance_type):
    """Log density of the prior at the given parameters.

    Parameters
    ----------
    means : ndarray of shape (K, D)
        In the user's units.
    covariances : ndarray
        Native shape for ``covariance_type``.
    prior : ConjugatePrior
    covariance_type : str

    Returns
    -------
    float
        ``-inf`` when a covariance is not positive definite (the prior puts
        no mass there).
    """
    K, D = means.shape
    kappa, nu = prior.kappa, prior.dof
    diff = means - prior.mean
    if covariance_type in ("diag", "spherical"):
        variances = np.asarray(covariances, dtype=float)  # (K, D) or (K,)
        if np.any(~(variances > 0)):
            return -np.inf
        if covariance_type == "diag":
            log_mean = -0.5 * np.sum(LOG_2PI - np.log(kappa) + np.log(variances)
                                     + kappa * diff**2 / variances)
            log_var = np.sum(_log_inverse_gamma(variances, nu / 2, prior.scalar_scale / 2))
        else:
            log_mean = -0.5 * np.sum(D * (LOG_2PI - np.log(kappa) + np.log(variances))
                                     + kappa * np.sum(diff**2, axis=1) / variances)
            log_var = np.sum(_log_inverse_gamma(variances, nu / 2, prior.scalar_scale / 2))
        return float(log_mean + log_var)

    matrices = covariances[None] if covariance_type == "tied" else covariances
    _, log_det_scale = np.linalg.slogdet(prior.scale)
    normaliser = (0.5 * nu * log_det_scale - 0.5 * nu * D * np.log(2.0)
                  - multigammaln(nu / 2, D))
    total = 0.0
    for j, sigma in enumerate(matrices):
        try:
            lower = linalg.cholesky(sigma, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return -np.inf
        log_det = 2.0 * np.sum(np.log(np.diag(lower)))
        inv_lower = linalg.solve_triangular(lower, np.eye(D), lower=True,
                                            check_finite=False)
        trace = np.sum((inv_lower @ prior.scale) * inv_lower)  # tr(Sigma^-1 Lambda)
        total += normaliser - 0.5 * (nu + D + 1) * log_det - 0.5 * trace
        mean_rows = diff if covariance_type == "tied" else diff[j:j + 1]
        whitened = linalg.solve_triangular(lower, mean_rows.T, lower=True,
                                           check_finite=False)
        total += np.sum(-0.5 * (D * (LOG_2PI - np.log(kappa)) + log_det)
                        - 0.5 * kappa * np.sum(whitened**2, axis=0))
    return float(total)


def check_prior_scale(prior, covariance_type: str, X: np.ndarray) -> None:
    """Refuse a prior whose scale (the data's covariance) is singular for full or tied
    covariances: every MAP covariance would then be singular too.

    Parameters
    ----------
    prior : ConjugatePrior or None
    covariance_type : str
    X : ndarray of shape (N, D)

    Raises
    ------
    ValueError
        Naming the constant columns (or collinear ones) and the ways out.
    """
    if prior is None or covariance_type not in ("full", "tied") \
            or np.linalg.matrix_rank(prior.scale) >= X.shape[1]:
        return
    constant = np.flatnonzero(np.ptp(X, axis=0) == 0)
    which = (f"column(s) {', '.join(map(str, constant))} are constant" if constant.size
             else "some columns are linear combinations of others")
    raise ValueError(
        f"prior='conjugate' with covariance_type={covariance_type!r} uses the data's "
        f"covariance as its scale, and it is singular here ({which}); drop those columns, "
        f"use covariance_type='diag' or 'spherical', or use reg_covar without the prior.")
