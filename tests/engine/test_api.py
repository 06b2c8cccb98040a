"""The engine as a notebook user drives it."""

import numpy as np
import pytest

from gmm_explorer.datasets import seed_scene
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.options import INIT_METHODS


@pytest.mark.parametrize("init", INIT_METHODS)
def test_every_start_gives_a_sound_initial_state(init, blobs):
    em = GaussianMixtureEM(3, init=init, random_state=0)
    state = em.initialize(blobs)
    assert state.iteration == 0 and em.history == [state]
    assert state.weights.sum() == pytest.approx(1.0)
    assert state.means.shape == (3, 2) and state.covariances.shape == (3, 2, 2)
    assert np.isfinite(state.log_likelihood)
    again = GaussianMixtureEM(3, init=init, random_state=0).initialize(blobs)
    np.testing.assert_array_equal(state.means, again.means)


def test_random_integers_is_the_seed_start():
    X, _ = seed_scene()
    state = GaussianMixtureEM(10, init="random_integers", random_state=0).initialize(X)
    assert np.all(state.means == np.round(state.means))
    assert state.means.min() >= np.floor(X[:, 0].min())
    assert state.means.max() <= np.ceil(X[:, 0].max())
    np.testing.assert_array_equal(state.covariances, np.array([5 * np.eye(2)] * 10))


def test_states_are_frozen(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    state = em.initialize(blobs)
    with pytest.raises(ValueError):
        state.means[0, 0] = 1.0
    with pytest.raises(AttributeError):
        state.iteration = 3


def test_run_stops_at_convergence_and_history_grows(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    state = em.run(max_iter=500, tol=1e-6)
    assert state.converged
    assert [s.iteration for s in em.history] == list(range(len(em.history)))
    assert not em.history[-2].converged


def test_run_callback_can_stop(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    seen = []
    em.run(max_iter=50, tol=0, callback=lambda s: seen.append(s.iteration) or len(seen) == 3)
    assert seen == [1, 2, 3] and em.state.iteration == 3


def test_rewind_continues_exactly_as_before(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    em.run(max_iter=8, tol=0)
    original = [s.log_likelihood for s in em.history]
    em.rewind(3)
    assert len(em.history) == 4
    em.run(max_iter=5, tol=0)
    np.testing.assert_allclose([s.log_likelihood for s in em.history], original, rtol=1e-13)
    with pytest.raises(ValueError, match="not in the history"):
        em.rewind(42)


def test_responsibilities_for_any_state(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    first = em.responsibilities()
    em.run(max_iter=4, tol=0)
    np.testing.assert_allclose(em.responsibilities(em.history[0]), first, rtol=1e-12)
    latest = em.responsibilities()
    assert latest.shape == (500, 3)
    np.testing.assert_allclose(latest.sum(axis=1), 1.0)
    np.testing.assert_allclose(latest.sum(axis=0), em.state.effective_counts, rtol=1e-12)
    np.testing.assert_allclose(em.predict_proba(blobs), latest, atol=1e-14)


def test_from_parameters_predicts_and_samples():
    means = np.array([[0.0, 0.0], [10.0, 10.0]])
    em = GaussianMixtureEM.from_parameters([0.3, 0.7], means, np.array([np.eye(2)] * 2))
    np.testing.assert_array_equal(em.predict(np.array([[0.1, 0.0], [9.0, 10.0]])), [0, 1])
    X, labels = em.sample(2000, random_state=0)
    assert X.shape == (2000, 2) and set(labels) == {0, 1}
    assert abs(np.mean(labels == 1) - 0.7) < 0.05
    np.testing.assert_allclose(X[labels == 1].mean(axis=0), [10, 10], atol=0.15)
    assert em.score_samples(np.array([[0.0, 0.0]]))[0] == pytest.approx(
        np.log(0.3) - np.log(2 * np.pi), rel=1e-9)


def test_get_params_round_trip():
    em = GaussianMixtureEM(4, covariance_type="diag", reg_covar=1e-3, prior="conjugate")
    clone = GaussianMixtureEM(**em.get_params())
    assert clone.get_params() == em.get_params()


def test_responsibilities_of_given_points_for_any_state(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    em.run(max_iter=4, tol=0)
    for state in (em.history[0], em.history[2], em.state):
        full = em.responsibilities(state)
        np.testing.assert_allclose(em.responsibilities(state, blobs[::5]), full[::5],
                                   atol=1e-13)
    np.testing.assert_allclose(em.responsibilities(em.state, blobs[3:4])[0],
                               em.responsibilities()[3], atol=1e-13)


def test_responsibilities_of_data_rows_for_any_state(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    em.initialize(blobs)
    em.run(max_iter=4, tol=0)
    rows = np.array([7, 0, 42, 7])
    for state in (em.history[1], em.state):  # the latest reads the kept ones: compare afresh
        np.testing.assert_allclose(em.responsibilities(state, rows=rows),
                                   em.responsibilities(state, X=blobs[rows]), atol=1e-13)
    kept = em.responsibilities(rows=rows)
    kept[:] = -1.0  # a copy: the engine's own buffer is untouched
    assert np.all(em.responsibilities()[rows] >= 0)
    with pytest.raises(ValueError, match="either X or rows"):
        em.responsibilities(X=blobs[:3], rows=rows)
