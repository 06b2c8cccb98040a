"""Grouping fitted mixtures by the local optimum they reached."""

from dataclasses import replace

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.optima import (
    component_distances,
    data_spread,
    group_optima,
    group_results,
    likelihood_tolerance,
    same_optimum,
)
from gmm_explorer.engine.fits import model_recipes, run_recipes, start_seeds
from gmm_explorer.engine.options import ModelSettings


@pytest.fixture(scope="module")
def three_blobs():
    """Three blobs on a line, the outer two of unequal size: K=2 has two local maxima
    (merge the left pair, or merge the right pair)."""
    rng = np.random.RandomState(0)
    centres = np.array([[-6.0, 0.0], [0.0, 0.0], [6.0, 0.0]])
    sizes = (150, 100, 60)
    X = np.vstack([c + rng.randn(n, 2) for c, n in zip(centres, sizes)])
    return X


def _fit_from(X, means, K=2):
    em = GaussianMixtureEM(n_components=K, covariance_type="full", random_state=0, tol=1e-8)
    em.initialize(X, weights=np.full(K, 1.0 / K), means=means,
                  covariances=np.tile(np.eye(2), (K, 1, 1)))
    return em.run(max_iter=500)


@pytest.fixture(scope="module")
def two_optima(three_blobs):
    X = three_blobs
    left = _fit_from(X, [[-3.0, 0.0], [6.0, 0.0]])    # merges the left pair
    right = _fit_from(X, [[-6.0, 0.0], [3.0, 0.0]])   # merges the right pair
    left_again = _fit_from(X, [[-2.5, 0.2], [5.5, -0.1]])
    return X, left, right, left_again


def _permuted(state, order):
    return replace(state, weights=state.weights[order], means=state.means[order],
                   covariances=state.covariances[order],
                   condition_numbers=state.condition_numbers[order],
                   effective_counts=state.effective_counts[order],
                   component_status=tuple(state.component_status[i] for i in order),
                   eigenvalues=state.eigenvalues[order], component_ids=None)


def test_two_known_optima_are_two_groups(two_optima):
    X, left, right, left_again = two_optima
    assert abs(left.log_likelihood - right.log_likelihood) > 1.0  # really two optima
    groups = group_optima([right, left, left_again], data_spread(X))
    assert len(groups) == 2
    best = max((left, right), key=lambda s: s.log_likelihood)
    assert groups[0].best_log_likelihood == best.log_likelihood
    assert groups[0].best_log_likelihood > groups[1].best_log_likelihood
    left_group = next(g for g in groups if 1 in g.members)
    assert sorted(left_group.members) == [1, 2]  # two starts, one optimum
    assert sum(g.count for g in groups) == 3


def test_label_switching_groups_together(two_optima):
    X, left, _, _ = two_optima
    swapped = _permuted(left, [1, 0])
    assert not np.allclose(swapped.means, left.means)
    order, distance = component_distances(left, swapped, data_spread(X))
    assert order.tolist() == [1, 0] and np.all(distance < 1e-12)
    groups = group_optima([left, swapped], data_spread(X))
    assert len(groups) == 1 and groups[0].count == 2


def test_different_k_never_match(three_blobs):
    X = three_blobs
    two = _fit_from(X, [[-3.0, 0.0], [6.0, 0.0]])
    three = _fit_from(X, [[-6.0, 0.0], [0.0, 0.0], [6.0, 0.0]], K=3)
    assert not same_optimum(two, three, data_spread(X))
    assert len(group_optima([two, three], data_spread(X))) == 2


def test_tolerances_on_likelihood_and_parameters(two_optima):
    X, left, _, _ = two_optima
    scale = data_spread(X)
    nudged_ll = replace(left, log_likelihood=left.log_likelihood - 0.5)
    assert not same_optimum(left, nudged_ll, scale)          # 0.5 nat > 1e-3 nat
    assert same_optimum(left, nudged_ll, scale, ll_atol=1.0)
    moved = replace(left, means=left.means + [[0.5 * scale[0], 0.0], [0.0, 0.0]])
    assert not same_optimum(left, moved, scale)               # half a spread away
    assert likelihood_tolerance(1e-3, 272) == pytest.approx(2.72)
    assert likelihood_tolerance(1e-9, 10) == 1e-3


def test_collapsed_fits_have_their_own_group(two_optima):
    X, left, right, _ = two_optima
    singular = replace(left, component_status=("ok", "singular"))
    infinite = replace(right, log_likelihood=float("inf"))
    groups = group_optima([left, singular, None, infinite, right], data_spread(X),
                          collapsed=[False, False, True, False, False])
    sound = [g for g in groups if not g.collapsed]
    bad = [g for g in groups if g.collapsed]
    assert sorted(i for g in sound for i in g.members) == [0, 4]
    assert sorted(i for g in bad for i in g.members) == [1, 2, 3]
    assert groups[:len(sound)] == sound  # sound groups first
    flagged = group_optima([left, left], data_spread(X), collapsed=[True, False])
    assert [g.collapsed for g in flagged] == [False, True]


def test_starts_of_one_model_group_and_count(three_blobs):
    X = three_blobs
    settings = ModelSettings(n_components=3, covariance_type="full", init="random_from_data")
    _, seeds = start_seeds(1, 12)
    results = run_recipes(model_recipes(settings, seeds, tol=1e-8, max_iter=500), X,
                          keep_engines=False)
    groups = group_results(results, data_spread(X))
    assert sum(g.count for g in groups) == len(results)
    assert sorted(i for g in groups for i in g.members) == list(range(len(results)))
    finite = [g.best_log_likelihood for g in groups if not g.collapsed]
    assert finite == sorted(finite, reverse=True)
    assert groups[0].best_log_likelihood == max(r.state.log_likelihood for r in results if r.ok)
