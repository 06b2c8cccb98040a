"""Agreement of components with known classes: the scores equal scikit-learn's."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from gmm_explorer.datasets import load_builtin
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.agreement import (
    agreement,
    argmax_columns,
    confusion_matrix,
    hard_labels,
    match_components,
)


def _check_scores(classes, clusters, n_classes=None, n_clusters=None):
    result = agreement(classes, clusters, n_classes, n_clusters)
    assert result.ari == pytest.approx(adjusted_rand_score(classes, clusters), abs=1e-12)
    assert result.nmi == pytest.approx(normalized_mutual_info_score(classes, clusters),
                                       abs=1e-12)
    return result


def test_iris_fit_scores_equal_sklearn():
    data = load_builtin("iris")
    em = GaussianMixtureEM(n_components=3, random_state=0)
    em.initialize(data.X)
    for _ in range(5):  # several states, so the scores are not only a converged fit's
        em.step()
        clusters = hard_labels(em.responsibilities())
        result = _check_scores(data.labels, clusters, 3, 3)
        assert result.confusion.shape == (3, 3)
        assert result.confusion.sum() == 150
    # setosa is separate: once fitted, its row is one matched cell of 50
    assert result.confusion[0].max() == 50
    assert result.ari > 0.5


@pytest.mark.parametrize("seed", range(12))
def test_random_labelings_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 400))
    C, K = int(rng.integers(1, 6)), int(rng.integers(1, 8))
    classes = rng.integers(0, C, n)
    # some labelings follow the classes, some are noise
    clusters = np.where(rng.random(n) < rng.random(), classes % K, rng.integers(0, K, n))
    _check_scores(classes, clusters)


@pytest.mark.parametrize("classes, clusters", [
    ([0, 0, 0, 0], [0, 0, 0, 0]),           # one class, one component
    ([0, 0, 0, 0], [0, 1, 2, 3]),           # one class, many components
    ([0, 1, 2, 3], [0, 0, 0, 0]),           # one component
    ([0, 0, 1, 1], [0, 1, 0, 1]),           # worse than chance
    ([0, 0, 1, 1, 2, 2], [3, 3, 0, 0, 1, 2]),  # K > C
    ([0, 1, 2, 3, 4, 5], [0, 0, 1, 1, 2, 2]),  # C > K
    ([0, 1], [1, 0]),
])
def test_edge_cases_equal_sklearn(classes, clusters):
    _check_scores(np.array(classes), np.array(clusters))


def test_empty_components_change_no_score():
    classes, clusters = np.array([0, 0, 1, 1, 1]), np.array([0, 0, 2, 2, 0])
    with_empty = _check_scores(classes, clusters, 2, 5)
    assert with_empty.confusion.shape == (2, 5)
    assert with_empty.confusion[:, [1, 3, 4]].sum() == 0


def test_large_counts_do_not_overflow():
    # 3e6 points: the pair counts' products pass int64's range
    rng = np.random.default_rng(1)
    classes = rng.integers(0, 3, 3_000_000)
    clusters = np.where(rng.random(classes.size) < 0.8, classes, rng.integers(0, 4, classes.size))
    _check_scores(classes, clusters)


def test_matching_maximises_shared_points_when_c_differs_from_k():
    table = np.array([[0, 40, 10, 0],
                      [5, 0, 30, 25],
                      [30, 0, 0, 0]])
    rows, cols = match_components(table)
    assert list(rows) == [0, 1, 2] and list(cols) == [1, 2, 0]
    wide = agreement(np.repeat([0, 1, 2], table.sum(1)),
                     np.concatenate([np.repeat(np.arange(4), r) for r in table]))
    assert np.array_equal(wide.confusion, table)
    assert wide.accuracy == pytest.approx((40 + 30 + 30) / table.sum())
    tall = match_components(table.T)  # K < C: each component gets a class
    assert sorted(tall[0]) == [0, 1, 2] and len(tall[1]) == 3


def test_confusion_matrix_counts_and_refuses_bad_codes():
    table = confusion_matrix([0, 1, 1, 2], [1, 1, 0, 1], 3, 2)
    assert table.tolist() == [[0, 1], [1, 1], [0, 1]]
    with pytest.raises(ValueError, match="one value per point"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="out of range"):
        confusion_matrix([0, 3], [0, 0], 2, 1)


def test_format_table_marks_matched_cells():
    result = agreement([0, 0, 1, 1, 1], [1, 1, 0, 0, 1])
    lines = result.format_table(["a", "bb"], ["c0", "c1"])
    assert lines[0].split() == ["class", "c0", "c1"]
    assert lines[1].split() == ["a", "0", "2*"]
    assert lines[2].split() == ["bb", "2*", "1"]
    assert "ARI" in result.summary() and "4 of 5" in result.summary()


def test_engine_hard_labels_are_the_argmax_of_the_responsibilities():
    X = load_builtin("iris").X
    em = GaussianMixtureEM(n_components=3, random_state=1)
    em.initialize(X)
    first = em.state
    em.step()
    em.step()
    assert np.array_equal(em.hard_labels(), np.argmax(em.responsibilities(), axis=1))
    assert np.array_equal(em.hard_labels(first),
                          np.argmax(em.responsibilities(first), axis=1))
    assert np.array_equal(em.hard_labels(X=X[:10]), em.predict(X[:10]))


def test_argmax_columns_is_numpys_argmax_ties_included():
    rng = np.random.default_rng(3)
    values = rng.integers(0, 4, size=(6, 500)).astype(float)  # many ties
    assert np.array_equal(argmax_columns(values), np.argmax(values, axis=0))
