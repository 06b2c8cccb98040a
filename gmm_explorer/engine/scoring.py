"""What a fitted mixture answers: responsibilities, predict, score, sample, BIC and AIC.

:class:`FittedMixtureMethods` is a mixin of
:class:`~gmm_explorer.engine.em.GaussianMixtureEM`, kept apart from the EM loop:
it reads the engine's parameters, data and density builders, and changes
nothing that :meth:`~gmm_explorer.engine.em.GaussianMixtureEM.step` writes
(except that ``responsibilities`` of the latest state reads the kept ones).
The names and conventions follow scikit-learn's ``GaussianMixture``.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine import diagnostics, estep
from gmm_explorer.engine.agreement import argmax_columns
from gmm_explorer.engine.parallel import blas_limited
from gmm_explorer.engine.covariance import n_covariance_parameters, to_full
from gmm_explorer.engine.random_state import check_random_state
from gmm_explorer.engine.validation import (
    check_covariances, check_data, check_integer, check_means, check_weights,
)


class FittedMixtureMethods:
    """scikit-learn's questions to a fitted mixture, for the engine."""

    @classmethod
    def from_parameters(cls, weights, means, covariances, covariance_type="full", **settings):
        """A fitted model without data, for ``predict``, ``score_samples`` and ``sample``.

        Parameters
        ----------
        weights : array-like of shape (K,)
        means : array-like of shape (K, D)
        covariances : array-like
            Full (K, D, D) matrices or the native shape of ``covariance_type``.
        covariance_type : str
        **settings
            Other constructor arguments.
        """
        means = np.asarray(means, dtype=float)
        if means.ndim != 2:
            raise ValueError(f"means must have shape (K, D); got {means.shape}.")
        K, D = means.shape
        em = cls(n_components=K, covariance_type=covariance_type, **settings)
        w = check_weights(weights, K)
        m = check_means(means, K, D)
        cov = check_covariances(covariances, covariance_type, K, D, w)
        em._center = np.zeros(D)
        em._params = (w, m, cov)
        full = to_full(cov, covariance_type, K, D)
        em._data_scale = float(np.sqrt(np.mean(np.trace(full, axis1=1, axis2=2)) / D))
        return em

    def responsibilities(self, state=None, X=None, rows=None):
        """Responsibilities under a state's parameters.

        Parameters
        ----------
        state : EMState, optional
            Default the latest.
        X : array-like of shape (n, D), optional
            The points; default the data. Given points (or a state other than
            the latest) are computed afresh from the state's parameters,
            touching nothing that :meth:`step` writes, so a window may call
            this while a worker thread steps.
        rows : int array of shape (n,), optional
            Only these rows of the data (not with ``X``). For the latest
            state they are read from the responsibilities the last E-step
            kept, so this must not run while another thread steps.

        Returns
        -------
        ndarray of shape (n, K)
            A fresh array.
        """
        if self._X is None:
            raise ValueError("call initialize(X) first: there is no data.")
        if X is not None and rows is not None:
            raise ValueError("give either X or rows, not both.")
        state = self.state if state is None else state
        if X is None and state is self.state:
            if rows is None:
                return self._resp.T.copy()
            return self._resp[:, rows].T  # the gather is a fresh array already
        points = self._X if X is None else X
        if rows is not None:
            points = points[rows]
        return self._predict_parts(points, self._params_of(state))[0].T

    @blas_limited
    def _predict_parts(self, X, params=None):
        """(K, N) responsibilities and (N,) log densities for new points."""
        if self._params is None:
            raise ValueError("the model has no parameters yet: call initialize(X) first.")
        weights, means, cov = self._params if params is None else params
        K, D = means.shape
        # one row is as much a question as many, and gets the same checks
        X = check_data(X, min_rows=1, n_features=D)
        full = to_full(cov, self.covariance_type, K, D)
        dens = self._densities(means, full, diagnostics.spectrum(full, self._floor(means)),
                               "resp")
        point = np.empty(X.shape[0])
        resp, _, _ = estep.e_step(X, self._center, dens, np.log(weights), None, point,
                                  pool=self._pool)
        return resp, point

    def predict_proba(self, X):
        """Posterior probability of each component for each row of X, shape (n, K)."""
        return self._predict_parts(X)[0].T

    def hard_labels(self, state=None, X=None):
        """The most responsible component of each point under a state, shape (n,).

        The argmax of :meth:`responsibilities` (the first on a tie), without
        an (n, K) copy: for the latest state and the data it reads the kept
        responsibilities, so (as ``rows`` there) it must not run while another
        thread steps; given ``X`` or another state, it computes afresh.

        Parameters
        ----------
        state : EMState, optional
            Default the latest.
        X : array-like of shape (n, D), optional
            The points; default the data.
        """
        if self._X is None:
            raise ValueError("call initialize(X) first: there is no data.")
        state = self.state if state is None else state
        if X is None and state is self.state:
            return argmax_columns(self._resp)
        points = self._X if X is None else X
        return argmax_columns(self._predict_parts(points, self._params_of(state))[0])

    def predict(self, X):
        """Most probable component of each row of X, shape (n,)."""
        return np.argmax(self._predict_parts(X)[0], axis=0)

    def score_samples(self, X):
        """Log density of the mixture at each row of X, shape (n,)."""
        return self._predict_parts(X)[1]

    def score(self, X=None):
        """Mean log density per point (scikit-learn's ``score``)."""
        X = self._X if X is None else X
        return float(np.mean(self.score_samples(X)))

    def sample(self, n_samples=1, random_state=None):
        """Draw points from the current mixture.

        Returns
        -------
        X : ndarray of shape (n_samples, D)
        labels : ndarray of shape (n_samples,)
        """
        if self._params is None:
            raise ValueError("the model has no parameters yet: call initialize(X) first.")
        n_samples = check_integer("n_samples", n_samples, minimum=1)
        rng = check_random_state(random_state)
        weights, means, cov = self._params
        K, D = means.shape
        full = to_full(cov, self.covariance_type, K, D)
        counts = rng.multinomial(n_samples, weights)
        X = np.vstack([rng.multivariate_normal(means[k], full[k], int(c))
                       for k, c in enumerate(counts)])
        labels = np.repeat(np.arange(K), counts)
        return X, labels

    def n_parameters(self):
        """Free parameters: covariances, means and K - 1 weights (scikit-learn's count)."""
        K = self._params[1].shape[0] if self._params is not None else self.n_components
        D = self._params[1].shape[1]
        return n_covariance_parameters(self.covariance_type, K, D) + K * D + K - 1

    def bic(self, X=None):
        """Bayesian information criterion (lower is better), as scikit-learn."""
        X = self._X if X is None else np.asarray(X, dtype=float)
        return -2 * self.score(X) * X.shape[0] + self.n_parameters() * np.log(X.shape[0])

    def aic(self, X=None):
        """Akaike information criterion (lower is better), as scikit-learn."""
        X = self._X if X is None else np.asarray(X, dtype=float)
        return -2 * self.score(X) * X.shape[0] + 2 * self.n_parameters()

    def icl(self, X=None):
        """Integrated completed likelihood (lower is better, in scikit-learn's sign).

        mclust's ``icl``: the BIC plus the cost of the hard classification,
        ``-2 sum_n log max_k r_nk``, which grows when components overlap, so
        ICL prefers well-separated clusters over extra components that only
        shape the density.
        """
        return self.information_criteria(X)["icl"]

    def information_criteria(self, X=None) -> dict:
        """``{"bic", "icl", "aic"}`` from one pass over ``X`` (default: the fitted data)."""
        X = self._X if X is None else np.asarray(X, dtype=float)
        resp, point = self._predict_parts(X)
        with np.errstate(divide="ignore"):
            classification = float(np.sum(np.log(resp.max(axis=0))))
        deviance = -2 * float(np.sum(point))
        p = self.n_parameters()
        bic = deviance + p * np.log(X.shape[0])
        return {"bic": bic, "icl": bic - 2 * classification, "aic": deviance + 2 * p}
