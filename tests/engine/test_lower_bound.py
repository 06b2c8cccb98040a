"""EM's lower bound along a slice: it touches the log-likelihood at the state, lies below it
elsewhere, and the M-step sits at its peak (checked against scipy's densities)."""

import numpy as np
import pytest
from scipy.special import logsumexp, xlogy
from scipy.stats import multivariate_normal

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.lower_bound import mean_direction, responsibilities, slice_curves


def _log_joint(X, weights, means, covariances):
    """(N, K) log w_k + log N(x_n | mu_k, Sigma_k), from scipy."""
    return np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X)
                            for w, m, c in zip(weights, means, covariances)])


def _independent(X, weights, means, covariances, resp):
    """l(theta) and B(theta; theta_t) written out from their definitions."""
    joint = _log_joint(X, weights, means, covariances)
    loglik = logsumexp(joint, axis=1).sum()
    bound = np.sum(resp * joint) - np.sum(xlogy(resp, resp))
    return loglik, bound


def _moved(means, covariances, j, kind, value, step):
    means, covariances = means.copy(), covariances.copy()
    if kind == "mean":
        means[j] = means[j] + value * step
    else:
        covariances[j] = np.exp(value) * covariances[j]
    return means, covariances


@pytest.fixture
def fitted(blobs):
    X = blobs
    em = GaussianMixtureEM(n_components=3, reg_covar=0.0, random_state=1)
    em.initialize(X)
    for _ in range(2):
        em.step()
    return X, em


@pytest.mark.parametrize("kind", ["mean", "scale"])
def test_the_bound_touches_the_likelihood_at_the_state_and_lies_below_elsewhere(fitted, kind):
    X, em = fitted
    state = em.history[-1]
    w, mu, cov = state.weights, state.means, state.covariances
    resp = responsibilities(X, w, mu, cov)
    values = np.linspace(-3, 3, 13) if kind == "mean" else np.linspace(-4, 2, 13)
    for j in range(3):
        direction = mean_direction(X, resp, mu, j)
        curves = slice_curves(X, w, mu, cov, resp, j, kind, values, direction)
        step = np.sqrt(direction @ cov[j] @ direction) * direction
        for value, loglik, bound in zip(values, curves.log_likelihood, curves.bound):
            expected_l, expected_b = _independent(X, w, *_moved(mu, cov, j, kind, value, step),
                                                  resp)
            assert loglik == pytest.approx(expected_l, rel=1e-9)
            assert bound == pytest.approx(expected_b, rel=1e-9)
            if value == 0:
                assert bound == pytest.approx(loglik, rel=1e-9)
                assert loglik == pytest.approx(state.log_likelihood, rel=1e-9)
            else:
                assert bound < loglik
        assert curves.peak_bound >= curves.bound.max()


def test_the_m_step_sits_at_the_peak_of_the_bound(fitted):
    """Without a ridge or a prior, the M-step maximises B over each component's mean (for
    any covariance) and, with that mean, over its covariance: so along both slices through
    the new parameters, built on the old responsibilities, B peaks at 0."""
    X, em = fitted
    old, new = em.history[-2], em.history[-1]
    resp = responsibilities(X, old.weights, old.means, old.covariances)
    values = np.linspace(-2, 2, 41)
    for j in range(3):
        for kind, direction in (("scale", None), ("mean", np.array([1.0, 0.0])),
                                ("mean", np.array([0.3, -1.0]))):
            curves = slice_curves(X, new.weights, new.means, new.covariances, resp, j, kind,
                                  values, direction)
            assert abs(curves.peak) < 1e-9
            assert curves.base_bound == pytest.approx(curves.bound.max(), rel=1e-12)
        # and B rose from l(theta_t), so l rose at least as much (EM's monotonicity)
        assert curves.base_log_likelihood >= curves.base_bound >= old.log_likelihood


def test_along_the_m_steps_direction_the_bounds_peak_is_the_next_mean(fitted):
    X, em = fitted
    old, new = em.history[-2], em.history[-1]
    resp = responsibilities(X, old.weights, old.means, old.covariances)
    for j in range(3):
        direction = mean_direction(X, resp, old.means, j)
        curves = slice_curves(X, old.weights, old.means, old.covariances, resp, j, "mean",
                              np.linspace(-3, 3, 7), direction)
        step = np.sqrt(direction @ old.covariances[j] @ direction) * direction
        np.testing.assert_allclose(old.means[j] + curves.peak * step, new.means[j],
                                   rtol=1e-9, atol=1e-12)


def test_a_collapsing_component_the_likelihood_climbs_the_bound_stays_bounded():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    weights = np.array([0.9, 0.1])
    means = np.array([X.mean(axis=0), X[0]])  # the second sits on a data point
    covariances = np.array([np.cov(X.T), 0.05 * np.eye(2)])
    resp = responsibilities(X, weights, means, covariances)
    values = np.linspace(-30, 0, 31)
    curves = slice_curves(X, weights, means, covariances, resp, 1, "scale", values)
    assert np.all(np.diff(curves.log_likelihood[:10]) < 0)  # higher as the variance shrinks
    assert curves.log_likelihood[0] > curves.log_likelihood[-1]
    assert curves.bound[0] < curves.bound[-1] - 1e6  # the bound falls away instead
    assert np.isfinite(curves.peak_bound)


def test_a_singular_component_says_so():
    X = np.random.default_rng(0).normal(size=(20, 2))
    covariances = np.array([np.eye(2), np.zeros((2, 2))])
    with pytest.raises(ValueError, match="component 1.*singular"):
        slice_curves(X, np.array([0.5, 0.5]), np.zeros((2, 2)), covariances,
                     np.full((20, 2), 0.5), 0, "scale", np.zeros(3))
