"""From the same start, N engine steps equal scikit-learn's GaussianMixture(max_iter=N)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.covariance import to_full

RTOL = 1e-8


def sklearn_precisions(covariances, covariance_type):
    inverse = np.linalg.inv(covariances)
    return {
        "full": inverse,
        "tied": inverse[0],
        "diag": np.diagonal(inverse, axis1=1, axis2=2),
        "spherical": inverse[:, 0, 0],
    }[covariance_type]


def fit_both(X, covariance_type, n_steps, weights, means, covariances):
    em = GaussianMixtureEM(3, covariance_type=covariance_type)
    em.initialize(X, weights, means, covariances)
    for _ in range(n_steps):
        em.step()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm = GaussianMixture(
            3, covariance_type=covariance_type, max_iter=n_steps, tol=0,
            weights_init=weights, means_init=means,
            precisions_init=sklearn_precisions(covariances, covariance_type),
        ).fit(X)
    return em.state, gm


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("n_steps", [1, 10, 40])
@pytest.mark.parametrize("dim", [2, 3])
def test_steps_match_sklearn(covariance_type, n_steps, dim, three_blobs):
    X = three_blobs(seed=dim, dim=dim)
    weights = np.array([0.2, 0.5, 0.3])
    means = X[[0, 250, 450]] + 0.3
    base = np.eye(dim) * 2.0 + 0.3 * (covariance_type in ("full", "tied"))
    covariances = np.array([base, base * 1.5, base * 0.7])
    if covariance_type == "tied":
        covariances = np.array([base] * 3)
    if covariance_type == "spherical":
        covariances = np.array([np.eye(dim) * s for s in (2.0, 3.0, 1.4)])
    state, gm = fit_both(X, covariance_type, n_steps, weights, means, covariances)
    np.testing.assert_allclose(state.weights, gm.weights_, rtol=RTOL)
    np.testing.assert_allclose(state.means, gm.means_, rtol=RTOL)
    expected = to_full(gm.covariances_, covariance_type, 3, dim)
    np.testing.assert_allclose(state.covariances, expected, rtol=RTOL,
                               atol=RTOL * np.abs(expected).max())
    # The state's log-likelihood is that of its own parameters.
    np.testing.assert_allclose(state.log_likelihood, gm.score(X) * X.shape[0], rtol=RTOL)


def test_reg_covar_matches_sklearn(three_blobs):
    X = three_blobs(seed=5)
    weights, means = np.full(3, 1 / 3), X[[1, 201, 401]]
    covariances = np.array([np.eye(2)] * 3)
    em = GaussianMixtureEM(3, reg_covar=0.25)
    em.initialize(X, weights, means, covariances)
    em.run(max_iter=5, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm = GaussianMixture(3, reg_covar=0.25, max_iter=5, tol=0, weights_init=weights,
                             means_init=means, precisions_init=np.linalg.inv(covariances)).fit(X)
    np.testing.assert_allclose(em.state.covariances, gm.covariances_, rtol=RTOL)


def test_predictions_and_criteria_match_sklearn(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    em.run(max_iter=50)
    state = em.state
    gm = GaussianMixture(3, weights_init=state.weights, means_init=state.means,
                         precisions_init=np.linalg.inv(state.covariances), max_iter=1)
    gm._initialize_parameters = None  # never used: set the fitted attributes below
    gm.weights_, gm.means_, gm.covariances_ = state.weights, state.means, state.covariances
    gm.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(state.covariances))
    gm.covariance_type, gm.n_features_in_ = "full", 2
    new = np.random.RandomState(1).randn(50, 2) * 4
    np.testing.assert_allclose(em.score_samples(new), gm.score_samples(new), rtol=1e-10)
    np.testing.assert_allclose(em.predict_proba(new), gm.predict_proba(new), atol=1e-12)
    np.testing.assert_array_equal(em.predict(new), gm.predict(new))
    np.testing.assert_allclose(em.bic(), gm.bic(blobs), rtol=1e-10)
    np.testing.assert_allclose(em.aic(), gm.aic(blobs), rtol=1e-10)
    assert em.n_parameters() == gm._n_parameters()
