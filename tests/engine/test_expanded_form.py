"""Every covariance type may use the expanded quadratic form, only where it keeps its digits."""

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM, densities
from gmm_explorer.engine.mstep import moment_pairs


def blobs(n=5000, d=6, k=4, scale=1.0, spread=1.0, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-10, 10, size=(k, d)) * scale
    return centers[rng.randint(k, size=n)] + rng.randn(n, d) * spread


def run(X, covariance_type):
    em = GaussianMixtureEM(n_components=4, covariance_type=covariance_type, random_state=0)
    em.initialize(X)
    em.run(max_iter=8, tol=0.0)
    return em


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_the_expanded_form_agrees_with_the_whitened_differences(covariance_type, monkeypatch):
    X = blobs()
    used = []
    original = densities.expanded_quadratic

    def recording(*args):
        result = original(*args)
        used.append(result is not None)
        return result

    monkeypatch.setattr(densities, "expanded_quadratic", recording)
    fast = run(X, covariance_type)
    assert any(used)
    monkeypatch.setattr(densities, "expanded_quadratic", lambda *args: None)
    exact = run(X, covariance_type)
    for a, b in zip(fast.history, exact.history):
        np.testing.assert_allclose(a.means, b.means, rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-10, atol=1e-12)
        assert a.log_likelihood == pytest.approx(b.log_likelihood, rel=1e-12)


def test_far_apart_clusters_keep_the_whitened_differences():
    # clusters 1e8 apart with unit spread: x**2 would swamp (x - mu)**2 entirely
    X = blobs(scale=1e7, spread=1.0)
    extent = np.abs(X - X.mean(axis=0)).max(axis=0)
    factors = np.tile(np.eye(X.shape[1]), (4, 1, 1))
    means = X[:4] - X.mean(axis=0)
    for kind in ("diag", "full"):
        pairs = moment_pairs(X.shape[1], kind)
        assert densities.expanded_quadratic(means, factors, extent, pairs) is None
        # means still far
        assert densities.expanded_quadratic(means, factors, extent / 1e7, pairs) is None
        assert densities.expanded_quadratic(means / 1e7, factors, extent / 1e7,
                                            pairs) is not None


def test_the_expanded_map_gives_the_mahalanobis_distance():
    rng = np.random.RandomState(1)
    D = 3
    a = rng.randn(2, D, D)
    covariances = a @ a.transpose(0, 2, 1) + np.eye(D)
    factors = np.linalg.inv(np.linalg.cholesky(covariances)).transpose(0, 2, 1)
    means = rng.randn(2, D)
    x = rng.randn(5, D)
    first, second = pairs = moment_pairs(D, "full")
    expanded = densities.expanded_quadratic(means, factors, np.abs(x).max(axis=0), pairs)
    rows = np.column_stack([x, np.ones(5), x[:, first] * x[:, second]])
    for k in range(2):
        diff = x - means[k]
        exact = -0.5 * np.einsum("nd,de,ne->n", diff, np.linalg.inv(covariances[k]), diff)
        np.testing.assert_allclose(rows @ expanded[k], exact, rtol=1e-12, atol=1e-12)


def test_full_factors_never_expand_on_the_squares_alone():
    rng = np.random.RandomState(1)
    a = rng.randn(3, 3)
    factors = np.array([np.linalg.cholesky(np.linalg.inv(a @ a.T + np.eye(3)))] * 2)
    pairs = moment_pairs(3, "diag")
    assert densities.expanded_quadratic(np.zeros((2, 3)), factors, np.ones(3), pairs) is None
