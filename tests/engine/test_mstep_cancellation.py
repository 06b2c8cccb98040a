"""The M-step's covariances keep their digits where ``S / n - m m^T`` would lose them."""

import numpy as np
import pytest

from gmm_explorer.engine import mstep


def two_groups(far_spread):
    """A broad group at the origin and a narrow one (shape ``far_spread``, (2, 2)) far away."""
    rng = np.random.RandomState(0)
    near = rng.randn(400, 2)
    far = 1e4 + rng.randn(60, 2) @ far_spread
    X = np.vstack([near, far])
    resp = np.zeros((2, len(X)))
    resp[0, :400] = 1.0
    resp[1, 400:] = 1.0
    return X, resp


def direct_covariance(points):
    differences = points - points.mean(axis=0)
    return differences.T @ differences / len(points)


def smallest_eigenvalue(matrix):
    return np.linalg.eigvalsh(matrix)[0]


@pytest.mark.parametrize("far_spread", [
    np.diag([1e-3, 1e-3]),                     # a small blob: small variances
    np.array([[60.0, 60.0], [0.0, 1e-3]]),     # a thin line: large variances, one small eigenvalue
])
def test_a_narrow_component_far_from_the_centre_keeps_its_smallest_eigenvalue(far_spread):
    X, resp = two_groups(far_spread)
    center = X.mean(axis=0)
    stats = mstep.sufficient_statistics(X, center, resp, "full")
    covariances, eigenvalues = mstep.ml_covariances(X, center, resp, stats, "full", 0.0)
    expected = smallest_eigenvalue(direct_covariance(X[400:]))
    # the subtraction alone gets the smallest eigenvalue wrong, so the check can fail
    naive = stats.second[1] - np.outer(stats.means[1], stats.means[1])
    assert abs(smallest_eigenvalue(naive) - expected) > 5e-4 * expected
    assert abs(smallest_eigenvalue(covariances[1]) - expected) < 1e-4 * expected
    np.testing.assert_allclose(covariances[0], direct_covariance(X[:400]), rtol=1e-9)
    assert np.array_equal(eigenvalues, np.linalg.eigvalsh(covariances))


def test_the_ridge_is_added_once_whether_or_not_a_component_is_recomputed():
    X, resp = two_groups(np.diag([1e-3, 1e-3]))
    center = X.mean(axis=0)
    stats = mstep.sufficient_statistics(X, center, resp, "full")
    bare, _ = mstep.ml_covariances(X, center, resp, stats, "full", 0.0)
    ridged, eigenvalues = mstep.ml_covariances(X, center, resp, stats, "full", 0.5)
    np.testing.assert_allclose(ridged - bare, np.array([0.5 * np.eye(2)] * 2), atol=1e-12)
    assert np.array_equal(eigenvalues, np.linalg.eigvalsh(ridged))


@pytest.mark.parametrize("covariance_type", ["tied", "diag", "spherical"])
def test_other_types_recompute_too_and_give_no_eigenvalues(covariance_type):
    X, resp = two_groups(np.diag([1e-3, 1e-3]))
    center = X.mean(axis=0)
    stats = mstep.sufficient_statistics(X, center, resp, covariance_type)
    scatter = mstep.central_scatter(X, center, resp, stats, covariance_type)
    expected = direct_covariance(X[400:])
    far = np.diag(scatter[1]) if covariance_type == "tied" else scatter[1]
    assert np.abs(far - expected.diagonal()).max() < 1e-9 * 1e-6
    assert mstep.ml_covariances(X, center, resp, stats, covariance_type, 1e-6)[1] is None


@pytest.mark.parametrize("reg_covar", [1e-3, 1.0])
def test_a_ridge_far_above_a_component_leaves_the_check_to_its_scatter(reg_covar):
    # a tight cluster at the data's centre: its second moment is 1e-20, so the ridge
    # would swamp the eigenvalue the check reads; the scatter's own must decide
    rng = np.random.RandomState(0)
    blob = rng.randn(100, 2) + [50.0, 0.0]
    X = np.vstack([blob, -blob, 1e-10 * rng.randn(30, 2)])
    resp = np.zeros((3, len(X)))
    for k, rows in enumerate((slice(0, 100), slice(100, 200), slice(200, 230))):
        resp[k, rows] = 1.0
    center = X.mean(axis=0)
    stats = mstep.sufficient_statistics(X, center, resp, "full")
    covariances, eigenvalues = mstep.ml_covariances(X, center, resp, stats, "full", reg_covar)
    expected = mstep.central_scatter(X, center, resp, stats, "full")
    expected[:, [0, 1], [0, 1]] += reg_covar
    assert np.array_equal(covariances, expected)
    assert np.array_equal(eigenvalues, np.linalg.eigvalsh(covariances))
