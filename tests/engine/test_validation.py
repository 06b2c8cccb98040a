"""Bad input to the engine: a ValueError that says what was given and what is allowed."""

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM

X = np.random.RandomState(0).randn(20, 2)


@pytest.mark.parametrize("data, match", [
    (np.zeros(5), "must be 2-D"),
    (np.zeros((1, 2)), "at least 2 rows"),
    (np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]]), "NaN or infinite.*row 1, column 0"),
    (np.array([[0.0, np.inf], [1.0, 2.0]]), "NaN or infinite"),
    ([["a", "b"], ["c", "d"]], "X must hold real numbers; it holds text"),
])
def test_bad_data(data, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixtureEM(1).initialize(data)


@pytest.mark.parametrize("settings, match", [
    ({"n_components": 0}, "n_components=0 must be >= 1"),
    ({"n_components": 2.5}, "must be an integer"),
    ({"covariance_type": "fulll"}, "covariance_type='fulll' is not allowed; use one of 'full'"),
    ({"init": "kmeans+"}, "init='kmeans\\+' is not allowed"),
    ({"on_collapse": "ignore"}, "on_collapse='ignore' is not allowed"),
    ({"prior": "jeffreys"}, "prior='jeffreys' is not allowed"),
    ({"reg_covar": -1}, "reg_covar=-1 must be a finite number >= 0"),
    ({"max_condition": 0.5}, "max_condition=0.5 must be >= 1"),
    ({"n_componets": 3}, "unknown option\\(s\\) n_componets; the options are n_components"),
])
def test_bad_settings(settings, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixtureEM(**settings)


def test_more_components_than_points():
    with pytest.raises(ValueError, match="n_components=30 is more than the 20 data points"):
        GaussianMixtureEM(30).initialize(X)


@pytest.mark.parametrize("given, match", [
    ({"weights": [0.5, 0.6]}, "weights must sum to 1"),
    ({"weights": [1.5, -0.5]}, "weights must all be positive"),
    ({"weights": [1.0]}, "weights must have shape \\(2,\\)"),
    ({"means": np.zeros((3, 2))}, "means must have shape \\(2, 2\\)"),
    ({"covariances": np.zeros((2, 3, 3))}, "covariances must have shape"),
    ({"covariances": np.array([[[1, 0.5], [0.1, 1]], [[1, 0], [0, 1]]])}, "not symmetric"),
    ({"covariances": np.array([[[1, 2], [2, 1]], [[1, 0], [0, 1]]])}, "not positive definite"),
])
def test_bad_given_parameters(given, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixtureEM(2).initialize(X, **given)


@pytest.mark.parametrize("covariance_type", ["tied", "diag", "spherical"])
def test_full_covariances_are_projected_onto_every_type(covariance_type):
    full = np.array([[[2.0, 0.3], [0.3, 1.0]], [[2.0, 0.3], [0.3, 1.0]]])
    em = GaussianMixtureEM(2, covariance_type=covariance_type)
    state = em.initialize(X, [0.5, 0.5], [[0, 0], [1, 1]], full)
    expected = {
        "tied": full,
        "diag": np.array([np.diag([2.0, 1.0])] * 2),
        "spherical": np.array([1.5 * np.eye(2)] * 2),
    }[covariance_type]
    np.testing.assert_allclose(state.covariances, expected)


def test_step_before_initialize():
    with pytest.raises(ValueError, match="call initialize"):
        GaussianMixtureEM(2).step()


@pytest.mark.parametrize("covariance_type", ["full", "tied"])
def test_prior_refuses_a_singular_data_covariance(covariance_type):
    data = np.column_stack([X[:, 0], np.ones(len(X))])
    em = GaussianMixtureEM(2, covariance_type=covariance_type, prior="conjugate")
    with pytest.raises(ValueError, match="column\\(s\\) 1 are constant"):
        em.initialize(data)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_native_covariances_survive_to_full_and_back_bit_for_bit(covariance_type):
    from gmm_explorer.engine.covariance import from_full, to_full

    rng = np.random.RandomState(3)
    A = rng.randn(4, 3, 3)
    native = {"full": A @ A.transpose(0, 2, 1) + np.eye(3), "tied": np.eye(3) * 0.1 + 0.01,
              "diag": rng.uniform(0.1, 2, (4, 3)), "spherical": np.full(4, 0.1)}[covariance_type]
    back = from_full(to_full(native, covariance_type, 4, 3), covariance_type)
    np.testing.assert_array_equal(back, native)


@pytest.mark.parametrize("scale", [1e200, 1e300])
def test_data_whose_variance_overflows_are_refused(scale):
    X = np.random.default_rng(0).normal(size=(50, 2))
    X[:, 1] *= scale
    em = GaussianMixtureEM(2)
    with pytest.raises(ValueError, match=r"column\(s\) 1 are too large.*Divide the data"):
        em.initialize(X)


def test_data_near_1e150_still_fit():
    X = np.random.default_rng(0).normal(size=(200, 2)) * 1e150
    em = GaussianMixtureEM(2, random_state=0)
    em.initialize(X)
    state = em.run(max_iter=5)
    assert np.all(np.isfinite(state.means)) and np.all(np.isfinite(state.covariances))
