"""The engine stops where scikit-learn's GaussianMixture stops, for the same start and tol.

scikit-learn compares the lower bounds of the two E-steps before its last M-step, so
it takes one M-step after the change fell below tol; so does the engine (alone, as a
recipe, and in a batch of recipes).
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.covariance import to_full
from gmm_explorer.engine.fits import FitRecipe, run_recipes
from gmm_explorer.engine.options import ModelSettings

from .test_parity import sklearn_precisions

RTOL = 1e-8
TYPES = ["full", "tied", "diag", "spherical"]
MAX_ITER = 400


def random_start(X, covariance_type, seed, k=3):
    """Weights, means (data points) and full covariances drawn from ``seed``."""
    rng = np.random.RandomState(seed)
    D = X.shape[1]
    weights = rng.dirichlet(np.full(k, 5.0))
    means = X[rng.choice(len(X), k, replace=False)]
    scales = rng.uniform(0.5, 3.0, size=k)
    if covariance_type == "tied":
        scales[:] = scales[0]
    if covariance_type == "spherical":
        covariances = np.array([np.eye(D) * s for s in scales])
    else:
        tilt = np.eye(D) + 0.3 * (covariance_type != "diag") * (np.ones((D, D)) - np.eye(D))
        covariances = np.array([tilt * s for s in scales])
    return weights, means, covariances


def sklearn_fit(X, covariance_type, tol, start, max_iter=MAX_ITER):
    weights, means, covariances = start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(
            len(weights), covariance_type=covariance_type, tol=tol, max_iter=max_iter,
            weights_init=weights, means_init=means,
            precisions_init=sklearn_precisions(covariances, covariance_type)).fit(X)


def assert_same_fit(state, gm, covariance_type):
    K, D = gm.means_.shape
    assert state.iteration == gm.n_iter_
    assert state.converged == gm.converged_
    np.testing.assert_allclose(state.weights, gm.weights_, rtol=RTOL)
    np.testing.assert_allclose(state.means, gm.means_, rtol=RTOL)
    expected = to_full(gm.covariances_, covariance_type, K, D)
    np.testing.assert_allclose(state.covariances, expected, rtol=RTOL,
                               atol=RTOL * np.abs(expected).max())


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("tol", [1e-1, 1e-3, 1e-7])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_run_stops_where_sklearn_stops(covariance_type, tol, seed, three_blobs):
    X = three_blobs(seed=seed)
    start = random_start(X, covariance_type, seed)
    em = GaussianMixtureEM(3, covariance_type=covariance_type)
    em.initialize(X, *start)
    state = em.run(max_iter=MAX_ITER, tol=tol)
    gm = sklearn_fit(X, covariance_type, tol, start)
    assert gm.converged_, "the test means to compare converged fits"
    assert_same_fit(state, gm, covariance_type)
    # scikit-learn's lower bound is the mean log-likelihood before its last M-step
    np.testing.assert_allclose(em.history[-2].log_likelihood / len(X), gm.lower_bound_,
                               rtol=RTOL)
    np.testing.assert_allclose([s.log_likelihood / len(X) for s in em.history[:-1]],
                               gm.lower_bounds_, rtol=RTOL)
    # only the last state is converged, and the change before it was below tol
    assert [s.converged for s in em.history] == [False] * state.iteration + [True]
    assert abs(em.history[-2].objective - em.history[-3].objective) / len(X) < tol


@pytest.mark.parametrize("covariance_type", TYPES)
def test_max_iter_ends_unconverged_as_sklearn(covariance_type, three_blobs):
    X = three_blobs(seed=4)
    start = random_start(X, covariance_type, 4)
    em = GaussianMixtureEM(3, covariance_type=covariance_type)
    em.initialize(X, *start)
    state = em.run(max_iter=3, tol=1e-7)
    gm = sklearn_fit(X, covariance_type, 1e-7, start, max_iter=3)
    assert not gm.converged_
    assert_same_fit(state, gm, covariance_type)


@pytest.mark.parametrize("tol", [1e-1, 1e-3, 1e-7])
def test_recipes_alone_and_batched_stop_where_sklearn_stops(tol, three_blobs):
    """The many-fits path (batched and one at a time) follows the same rule."""
    X = three_blobs(seed=7)
    recipes, fits = [], []
    for i, covariance_type in enumerate(TYPES * 2):
        start = random_start(X, covariance_type, 10 + i)
        recipes.append(FitRecipe(ModelSettings(3, covariance_type), tol=tol,
                                 max_iter=MAX_ITER, weights=start[0], means=start[1],
                                 covariances=start[2]))
        fits.append(sklearn_fit(X, covariance_type, tol, start))
    alone = run_recipes(recipes, X, keep_engines=True)
    batch = run_recipes(recipes, X, keep_engines=False)
    for recipe, gm, one, many in zip(recipes, fits, alone, batch):
        assert_same_fit(one.state, gm, recipe.settings.covariance_type)
        assert_same_fit(many.state, gm, recipe.settings.covariance_type)
        assert many.state.iteration == one.state.iteration
        assert many.state.converged == one.state.converged
