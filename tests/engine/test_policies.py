"""The four collapse policies, on a start that collapses at a known iteration."""

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM, SingularCovarianceError


@pytest.fixture
def duplicates():
    """Two loose clusters and five copies of one far point."""
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(60, 2), rng.randn(60, 2) + [6, 0], np.tile([[3.0, 8.0]], (5, 1))])
    means = np.array([[0.0, 0.0], [6.0, 0.0], [3.0, 7.5]])
    covariances = np.array([np.eye(2), np.eye(2), np.eye(2)])
    return X, np.full(3, 1 / 3), means, covariances


def start(data, policy, **settings):
    X, w, m, c = data
    em = GaussianMixtureEM(3, reg_covar=0.0, on_collapse=policy, **settings)
    em.initialize(X, w, m, c)
    return em


def test_stop_returns_collapsed_state_then_raises(duplicates):
    em = start(duplicates, "stop")
    state = em.run(max_iter=50, tol=0)
    record = state.collapse
    assert record is not None and record.action == "stopped"
    assert record.components == (2,)
    assert state.component_status[2] == "singular"
    assert record.effective_counts[0] == pytest.approx(5.0, rel=1e-6)
    assert record.reason == "not positive definite"
    # Five identical points: the true likelihood is unbounded, never NaN.
    assert state.log_likelihood == np.inf
    with pytest.raises(SingularCovarianceError, match="Component 2 collapsed at iteration"):
        em.step()
    with pytest.raises(SingularCovarianceError):
        em.run()


def test_reinitialize_reseeds_and_goes_on(duplicates):
    em = start(duplicates, "reinitialize")
    em.run(max_iter=6, tol=0)
    reseeded = [s for s in em.history if s.collapse is not None]
    assert reseeded and reseeded[0].collapse.action == "reinitialized"
    assert any("re-seeded" in event for event in reseeded[0].events)
    assert em.state.iteration == 6 and not em.halted
    assert "singular" not in reseeded[0].component_status
    assert reseeded[0].n_components == 3


def test_remove_drops_the_component(duplicates):
    em = start(duplicates, "remove")
    em.run(max_iter=10, tol=0)
    removed = next(s for s in em.history if s.collapse is not None)
    assert removed.collapse.action == "removed"
    assert removed.n_components == 2
    assert removed.weights.sum() == pytest.approx(1.0)
    assert em.state.n_components == 2 and em.responsibilities().shape == (125, 2)
    assert np.isfinite(em.state.log_likelihood)


def test_continue_uses_pseudo_density_and_says_so(duplicates):
    em = start(duplicates, "continue")
    em.run(max_iter=8, tol=0)
    first = next(s for s in em.history if s.collapse is not None)
    assert first.collapse.action == "continued"
    later = em.history[-1]
    assert later.iteration == 8 and later.component_status[2] == "singular"
    assert later.log_likelihood == np.inf
    assert later.pseudo_log_likelihood is not None and np.isfinite(later.pseudo_log_likelihood)
    resp = em.responsibilities()
    assert not np.isnan(resp).any()
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    # The five copies belong to the point-mass component, everyone else elsewhere.
    np.testing.assert_allclose(resp[-5:, 2], 1.0)
    assert resp[:120, 2].max() == 0.0


def test_condition_number_threshold_counts_as_singular():
    """A cluster exactly on a line, with a tiny ridge: invertible but ill-conditioned."""
    rng = np.random.RandomState(1)
    t = np.linspace(-1, 1, 12)
    X = np.vstack([rng.randn(80, 2) * 2, np.column_stack([t + 10, 2 * t + 10])])
    em = GaussianMixtureEM(2, reg_covar=1e-9, max_condition=1e6)
    em.initialize(X, np.full(2, 0.5), np.array([[0.0, 0.0], [10.0, 10.0]]),
                  np.array([np.eye(2), np.eye(2)]))
    state = em.run(max_iter=50, tol=0)
    assert state.collapse is not None and state.collapse.components == (1,)
    assert state.collapse.reason == "condition number above max_condition"
    assert state.condition_numbers[1] > 1e6 and np.isfinite(state.log_likelihood)


def test_ridge_keeps_collapse_invertible_but_degenerate(duplicates):
    X, w, m, c = duplicates
    em = GaussianMixtureEM(3, reg_covar=1e-6)
    em.initialize(X, w, m, c)
    state = em.run(max_iter=50, tol=0)
    assert state.collapse is None
    assert state.component_status[2] == "degenerate"
    np.testing.assert_allclose(state.covariances[2], 1e-6 * np.eye(2), rtol=1e-6)
