"""The conjugate prior: its density against scipy's, and the MAP M-step as the maximiser."""

import numpy as np
import pytest
from scipy import stats

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.covariance import from_full
from gmm_explorer.engine.prior import ConjugatePrior, log_prior


def scipy_log_prior(means, full, prior, covariance_type):
    kappa, nu = prior.kappa, prior.dof
    total = 0.0
    if covariance_type in ("full", "tied"):
        sigmas = full[:1] if covariance_type == "tied" else full
        for sigma in sigmas:
            total += stats.invwishart(df=nu, scale=prior.scale).logpdf(sigma)
        for k, m in enumerate(means):
            total += stats.multivariate_normal(prior.mean, full[k] / kappa).logpdf(m)
        return total
    ig = stats.invgamma(nu / 2, scale=prior.scalar_scale / 2)
    for k, m in enumerate(means):
        variances = np.diag(full[k])
        if covariance_type == "spherical":
            total += ig.logpdf(variances[0])
        else:
            total += ig.logpdf(variances).sum()
        total += stats.norm(prior.mean, np.sqrt(variances / kappa)).logpdf(m).sum()
    return total


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_log_prior_equals_scipy(covariance_type, blobs):
    em = GaussianMixtureEM(3, covariance_type=covariance_type, prior="conjugate", random_state=0)
    state = em.initialize(blobs)
    prior = ConjugatePrior.default(blobs, 3)
    native = from_full(state.covariances, covariance_type)
    ours = log_prior(state.means, native, prior, covariance_type)
    theirs = scipy_log_prior(state.means, state.covariances, prior, covariance_type)
    assert ours == pytest.approx(theirs, rel=1e-10)
    assert state.objective == pytest.approx(state.log_likelihood + ours, rel=1e-12)


def test_default_prior_is_mclusts(blobs):
    prior = ConjugatePrior.default(blobs, 4)
    assert prior.kappa == 0.01 and prior.dof == 4
    np.testing.assert_allclose(prior.mean, blobs.mean(axis=0))
    np.testing.assert_allclose(prior.scale, np.cov(blobs.T) / 4)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_map_step_maximises_bound_plus_prior(covariance_type, blobs):
    """Perturbing the M-step's answer never raises expected log-lik + log prior."""
    em = GaussianMixtureEM(3, covariance_type=covariance_type, prior="conjugate",
                           reg_covar=0.0, random_state=2)
    em.initialize(blobs)
    resp = em.responsibilities()
    state = em.step()
    prior = em._prior
    rng = np.random.RandomState(0)

    def bound(means, native):
        em_eval = GaussianMixtureEM.from_parameters(state.weights, means, native,
                                                    covariance_type=covariance_type)
        full = em_eval._params[2]
        from gmm_explorer.engine.covariance import to_full
        full = to_full(full, covariance_type, 3, 2)
        log_dens = np.column_stack([stats.multivariate_normal(m, c).logpdf(blobs)
                                    for m, c in zip(means, full)])
        return np.sum(resp * log_dens) + log_prior(means, native, prior, covariance_type)

    native = from_full(state.covariances, covariance_type)
    best = bound(state.means, native)
    for _ in range(20):
        shifted = state.means + 0.01 * rng.randn(3, 2)
        scaled = native * np.exp(0.01 * rng.randn())
        assert bound(shifted, native) < best
        assert bound(state.means, scaled) < best
