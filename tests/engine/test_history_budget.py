"""The history under a memory budget: thinned states keep their scalars, and their full
states replay bit for bit from the nearest kept one."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM, thinning
from gmm_explorer.engine.thinning import ThinnedStateError, default_history_budget, \
    full_state_bytes

PARAMETERS = ("weights", "means", "covariances", "eigenvalues", "condition_numbers",
              "effective_counts", "component_ids")
SCALARS = ("iteration", "log_likelihood", "objective", "converged", "component_status",
           "collapse", "events", "pseudo_log_likelihood", "covariance_type", "n_components")


def run_pair(X, budget_states, max_iter, **settings):
    """The same run twice: every state kept, and under a budget of ``budget_states``
    full states."""
    kept = GaussianMixtureEM(**settings)
    kept.initialize(X)
    kept.run(max_iter, tol=0)
    thin = GaussianMixtureEM(**settings)
    thin.initialize(X)
    thin.history_budget = budget_states * full_state_bytes(thin.history[0])
    thin.run(max_iter, tol=0)
    return kept, thin


def assert_same_state(replayed, original):
    for name in PARAMETERS + SCALARS:
        a, b = getattr(replayed, name), getattr(original, name)
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b), name
        else:
            assert a == b, name


@pytest.fixture
def duplicates():
    """Two loose clusters and five copies of one far point (collapses again and again)."""
    rng = np.random.RandomState(0)
    return np.vstack([rng.randn(60, 2), rng.randn(60, 2) + [6, 0], np.tile([[3.0, 8.0]], (5, 1))])


def test_long_run_keeps_memory_bounded(blobs):
    em = GaussianMixtureEM(4, random_state=0)
    em.initialize(blobs)
    em.history_budget = 30 * full_state_bytes(em.history[0])
    counts = []
    em.run(800, tol=0, callback=lambda state: counts.append(em.full_states))
    assert len(em.history) == 801
    assert em.history_cap() == 30
    assert max(counts) <= 30
    assert em.has_thinned_states
    assert not em.history[0].thinned and not em.history[-1].thinned


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_thinned_iterations_replay_bit_for_bit(blobs, covariance_type):
    kept, thin = run_pair(blobs, 20, 300, n_components=4, covariance_type=covariance_type,
                          random_state=1)
    assert thin.full_states < 25 and not kept.has_thinned_states
    for i, original in enumerate(kept.history):
        record = thin.history[i]
        for name in SCALARS:  # what the curves read, for every iteration
            assert getattr(record, name) == getattr(original, name), (i, name)
        assert np.array_equal(record.effective_counts, original.effective_counts)
        assert np.array_equal(record.condition_numbers, original.condition_numbers)
        assert_same_state(thin.state_at(i), original)


def test_replays_never_cross_a_reseed(duplicates):
    """Re-seeds draw random numbers: they are kept, and replays start at or after them."""
    settings = dict(n_components=5, reg_covar=0.0, on_collapse="reinitialize",
                    init="random_integers", random_state=3)
    kept, thin = run_pair(duplicates, 80, 400, **settings)
    reseeds = [s.iteration for s in kept.history if s.events]
    assert len(reseeds) > 20
    assert all(not thin.history[i].thinned for i in reseeds)
    assert thin.has_thinned_states
    for i in range(0, len(kept.history), 7):
        assert_same_state(thin.state_at(i), kept.history[i])


def test_prior_and_removals_replay(duplicates):
    kept, thin = run_pair(duplicates, 12, 200, n_components=8, reg_covar=0.0,
                          on_collapse="remove", init="random_integers", random_state=3)
    assert kept.history[-1].n_components < 8
    for i in range(len(kept.history)):
        assert_same_state(thin.state_at(i), kept.history[i])
    kept, thin = run_pair(duplicates, 12, 200, n_components=3, prior="conjugate",
                          random_state=2)
    for i in range(len(kept.history)):
        assert_same_state(thin.state_at(i), kept.history[i])


def test_rewind_to_a_thinned_iteration_goes_on_as_the_run(blobs):
    kept, thin = run_pair(blobs, 20, 300, n_components=4, random_state=1)
    target = next(i for i in range(150, 300) if thin.history[i].thinned)
    state = thin.rewind(target)
    assert_same_state(state, kept.history[target])
    assert len(thin.history) == target + 1 and not thin.history[-1].thinned
    thin.run(300 - target, tol=0)
    assert len(thin.history) == 301
    for i in range(0, 301, 5):
        assert_same_state(thin.state_at(i), kept.history[i])


def test_a_thinned_state_says_how_to_get_its_parameters(blobs):
    kept, thin = run_pair(blobs, 10, 200, n_components=3, random_state=0)
    record = next(s for s in thin.history if s.thinned)
    with pytest.raises(ThinnedStateError, match=rf"state_at\({record.iteration}\)"):
        record.covariances  # noqa: B018 - the read itself is what is tested
    assert record.n_features == blobs.shape[1]
    assert record.n_components == 3


def test_replay_refuses_a_changed_engine(blobs):
    """Replays rebuild the run only with its own settings; otherwise they say so."""
    _, thin = run_pair(blobs, 10, 200, n_components=3, random_state=0)
    thin.reg_covar = 0.5
    target = next(i for i, s in enumerate(thin.history) if s.thinned)
    with pytest.raises(RuntimeError, match="cannot be rebuilt"):
        thin.state_at(target)


def test_the_budget_setting(blobs):
    em = GaussianMixtureEM(3, random_state=0)
    assert em.history_budget == default_history_budget() > 0
    with pytest.raises(ValueError, match="positive number of bytes"):
        em.history_budget = 0
    em.history_budget = float("inf")  # keep everything
    em.initialize(blobs)
    em.run(300, tol=0)
    assert em.full_states == len(em.history) == 301
    with pytest.raises(IndexError):
        em.state_at(301)
    assert em.state_at(-1) is em.history[-1]


def test_the_budget_holds_when_something_happens_everywhere(blobs, monkeypatch):
    """Notable states are kept while the budget allows, then thinned oldest first."""
    monkeypatch.setattr(thinning, "_notable", lambda state, before: True)
    kept, thin = run_pair(blobs, 16, 300, n_components=3, random_state=0)
    assert thin.full_states <= 16 and thin.has_thinned_states
    for i in (1, 100, 250, 280):
        assert_same_state(thin.state_at(i), kept.history[i])


def test_replays_from_two_threads_agree(blobs):
    """The window and a job (an animation's frames) may replay at the same time."""
    kept, thin = run_pair(blobs, 10, 300, n_components=3, random_state=0)
    indices = [i for i, s in enumerate(thin.history) if s.thinned] * 2
    with ThreadPoolExecutor(2) as pool:
        states = list(pool.map(thin.state_at, indices))
    for i, state in zip(indices, states):
        assert_same_state(state, kept.history[i])
