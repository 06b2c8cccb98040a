"""The hierarchical start: deterministic, finds stretched clusters, bounded on large data."""

import time

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine import starts


def two_stretched_clusters(n=300, seed=0):
    """Two parallel clusters, 20:1 along x, their centres 3 apart along y; and the truth."""
    rng = np.random.RandomState(seed)
    X = np.vstack([np.c_[rng.normal(0, 10, n), rng.normal(0, 0.5, n)],
                   np.c_[rng.normal(0, 10, n), rng.normal(3, 0.5, n)]])
    return X, np.repeat([0, 1], n)


def agreement(labels, truth):
    """Fraction of points labelled as the truth, up to swapping the two labels."""
    same = np.mean(labels == truth)
    return max(same, 1 - same)


class NoRandomNumbers:
    """An rng that fails the test if a start draws from it."""

    def __getattr__(self, name):
        raise AssertionError(f"the hierarchical start used rng.{name}")


def test_the_hierarchical_start_is_deterministic_and_draws_no_random_numbers(blobs):
    first = starts.initial_responsibilities(blobs, 3, "hierarchical", NoRandomNumbers())
    again = starts.initial_responsibilities(blobs, 3, "hierarchical", NoRandomNumbers())
    np.testing.assert_array_equal(first, again)
    assert set(np.unique(first)) == {0.0, 1.0}  # one-hot, like the k-means starts
    np.testing.assert_array_equal(first.sum(axis=0), 1.0)
    assert np.all(first.sum(axis=1) > 0)
    a = GaussianMixtureEM(3, init="hierarchical", random_state=1).initialize(blobs)
    b = GaussianMixtureEM(3, init="hierarchical", random_state=2).initialize(blobs)
    np.testing.assert_array_equal(a.means, b.means)


def test_the_hierarchical_start_does_not_depend_on_units():
    X, _ = two_stretched_clusters()
    scaled = X * [1000.0, 0.001] + [5.0, -7.0]
    np.testing.assert_array_equal(starts.hierarchical_labels(X, 2),
                                  starts.hierarchical_labels(scaled, 2))


def test_stretched_clusters_are_found_where_k_means_plus_plus_splits_them():
    X, truth = two_stretched_clusters()
    em = GaussianMixtureEM(2, init="hierarchical", random_state=0)
    em.initialize(X)
    em.run(max_iter=500, tol=1e-6)
    assert agreement(em.predict(X), truth) > 0.95
    # k-means++ from seed 1 cuts across the long axis, and EM does not recover.
    other = GaussianMixtureEM(2, init="k-means++", random_state=1)
    other.initialize(X)
    other.run(max_iter=500, tol=1e-6)
    assert agreement(other.predict(X), truth) < 0.7
    assert other.state.log_likelihood < em.state.log_likelihood - 100


def test_large_data_are_subsampled_in_bounded_time():
    rng = np.random.RandomState(3)
    X = np.vstack([rng.randn(10_000, 2) * [8, 0.4], rng.randn(10_000, 2) * [8, 0.4] + [0, 3]])
    began = time.perf_counter()
    labels = starts.hierarchical_labels(X, 2)
    assert time.perf_counter() - began < 10
    assert labels.shape == (20_000,) and set(np.unique(labels)) == {0, 1}
    np.testing.assert_array_equal(labels, starts.hierarchical_labels(X, 2))
    em = GaussianMixtureEM(2, init="hierarchical", random_state=0)
    em.initialize(X)
    em.run(max_iter=200, tol=1e-6)
    assert agreement(em.predict(X), np.repeat([0, 1], 10_000)) > 0.95
    state = GaussianMixtureEM(5, init="hierarchical", random_state=0).initialize(X)
    assert np.isfinite(state.log_likelihood) and np.all(state.effective_counts > 0)


def test_fewer_distinct_points_than_components_is_a_clear_error():
    X = np.tile([[1.0, 2.0], [3.0, 4.0]], (20, 1))
    with pytest.raises(ValueError, match="cannot make 3 groups from 2 distinct points"):
        GaussianMixtureEM(3, init="hierarchical", random_state=0).initialize(X)
    labels = starts.hierarchical_labels(X, 2)
    assert len(set(zip(labels, X[:, 0]))) == 2  # each group is one of the two points
    same = np.ones((30, 2))
    with pytest.raises(ValueError, match="from 1 distinct point;"):
        starts.hierarchical_labels(same, 2)
    np.testing.assert_array_equal(starts.hierarchical_labels(same, 1), 0)


def test_the_cut_gives_scipys_cut_tree_labels():
    from scipy.cluster.hierarchy import cut_tree, linkage

    from gmm_explorer.engine.starts import cut_linkage

    rng = np.random.RandomState(0)
    for n in (5, 50, 272):
        merges = linkage(rng.randn(n, 2), method="ward")
        for k in (1, 2, 3, 5, 9):
            np.testing.assert_array_equal(cut_linkage(merges, n, k),
                                          cut_tree(merges, n_clusters=k)[:, 0])
