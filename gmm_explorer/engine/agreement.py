"""How well a mixture's components agree with known classes.

Everything here is computed from one contingency table, the confusion matrix of
the C known classes (rows) against the K components (columns), so that a large
data set costs one ``bincount``:

- :func:`confusion_matrix`: the (C, K) table of counts;
- :func:`match_components`: components matched to classes one to one by the
  Hungarian method (``scipy.optimize.linear_sum_assignment``), maximising the
  points they share; with C != K some classes or components stay unmatched;
- :func:`adjusted_rand_index` and :func:`normalized_mutual_info`: the scores of
  scikit-learn's ``adjusted_rand_score`` and ``normalized_mutual_info_score``
  (arithmetic-mean normalisation, its default), with its conventions for the
  limit cases, without scikit-learn;
- :func:`agreement`: all of them at once, as an :class:`Agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["Agreement", "adjusted_rand_index", "agreement", "argmax_columns",
           "confusion_matrix", "hard_labels", "match_components", "normalized_mutual_info"]


def confusion_matrix(classes, clusters, n_classes: int | None = None,
                     n_clusters: int | None = None) -> np.ndarray:
    """Count the points of each class in each cluster.

    Parameters
    ----------
    classes : array-like of int, shape (N,)
        Known classes coded 0..C-1.
    clusters : array-like of int, shape (N,)
        Hard cluster labels coded 0..K-1 (a component's position).
    n_classes, n_clusters : int, optional
        C and K, so that classes or components without points keep their
        row or column; default one more than the largest code.

    Returns
    -------
    ndarray of int64, shape (C, K)
        ``confusion[c, k]`` = number of points of class c labelled k.
    """
    classes = np.asarray(classes).astype(np.int64, copy=False).ravel()
    clusters = np.asarray(clusters).astype(np.int64, copy=False).ravel()
    if classes.shape != clusters.shape:
        raise ValueError(f"classes and clusters must have one value per point; got "
                         f"{classes.size} classes and {clusters.size} cluster labels")
    if classes.size and (classes.min() < 0 or clusters.min() < 0):
        raise ValueError("classes and clusters must be coded 0, 1, 2, ...; got a negative code")
    C = int(n_classes) if n_classes is not None else int(classes.max(initial=-1)) + 1
    K = int(n_clusters) if n_clusters is not None else int(clusters.max(initial=-1)) + 1
    if classes.size and (classes.max() >= C or clusters.max() >= K):
        raise ValueError(f"a code is out of range: classes must be below {C} and clusters "
                         f"below {K}")
    # one pass over the points: a flat index per (class, cluster) pair
    return np.bincount(classes * K + clusters, minlength=C * K).reshape(C, K)


def hard_labels(responsibilities: np.ndarray) -> np.ndarray:
    """The most responsible component of each point.

    Parameters
    ----------
    responsibilities : ndarray, shape (N, K)

    Returns
    -------
    ndarray of int, shape (N,)
        The column of each row's largest responsibility (the first on a tie).
    """
    return np.argmax(responsibilities, axis=1)


def argmax_columns(resp_kn: np.ndarray) -> np.ndarray:
    """The row of each column's largest value (the first on a tie), shape (N,).

    ``np.argmax(resp_kn, axis=0)`` for the engine's (K, N) layout, from the
    columns' maxima and one comparison per row: numpy's argmax along the first
    axis strides through memory, and this took about 0.75 of its time at
    K = 10, N = 1e6 on the project machine.

    Parameters
    ----------
    resp_kn : ndarray, shape (K, N)
    """
    resp_kn = np.asarray(resp_kn)
    largest = resp_kn.max(axis=0)
    index = np.zeros(resp_kn.shape[1], dtype=np.intp)
    # the last row first, so that on a tie the first row's number is written last
    for k in range(resp_kn.shape[0] - 1, 0, -1):
        np.copyto(index, k, where=resp_kn[k] == largest)
    np.copyto(index, 0, where=resp_kn[0] == largest)
    return index


def match_components(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match components to classes one to one, sharing as many points as possible.

    Parameters
    ----------
    confusion : ndarray, shape (C, K)

    Returns
    -------
    rows, cols : ndarray of int, shape (min(C, K),)
        Class ``rows[i]`` is matched with component ``cols[i]``; rows increase.
    """
    confusion = np.asarray(confusion)
    if confusion.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    return linear_sum_assignment(confusion, maximize=True)


def _nonempty(confusion: np.ndarray) -> np.ndarray:
    """The table without the classes and components that hold no point.

    scikit-learn builds its table from the labels present, so empty rows and
    columns would change its limit cases (one class, one cluster).
    """
    confusion = np.asarray(confusion, dtype=np.int64)
    return confusion[confusion.sum(axis=1) > 0][:, confusion.sum(axis=0) > 0]


def adjusted_rand_index(confusion: np.ndarray) -> float:
    """Adjusted Rand index (Hubert & Arabie) of the two labelings in ``confusion``.

    Parameters
    ----------
    confusion : array-like of int, shape (C, K)

    Returns
    -------
    float
        1 for identical partitions, about 0 for chance, as
        ``sklearn.metrics.adjusted_rand_score``: computed from the pair
        confusion counts, and 1 when no pair is split differently.
    """
    table = _nonempty(confusion)
    n = int(table.sum())
    # Python integers: the products below pass int64's range from about 1e5 points
    sum_squares = int((table.astype(object) ** 2).sum()) if table.size else 0
    n_c = table.sum(axis=1).astype(object)
    n_k = table.sum(axis=0).astype(object)
    same_class_only = int(table.astype(object).dot(n_k).sum()) - sum_squares if table.size else 0
    same_cluster_only = (int(table.T.astype(object).dot(n_c).sum()) - sum_squares
                         if table.size else 0)
    # pairs of points: both together in both labelings, or apart in both
    together = sum_squares - n
    apart = n * n - same_class_only - same_cluster_only - sum_squares
    if same_class_only == 0 and same_cluster_only == 0:
        return 1.0
    return float(2.0 * (together * apart - same_cluster_only * same_class_only)
                 / ((together + same_cluster_only) * (same_cluster_only + apart)
                    + (together + same_class_only) * (same_class_only + apart)))


def _entropy(counts: np.ndarray) -> float:
    """Entropy (nats) of a labeling given its counts (zeros ignored), as scikit-learn's."""
    counts = counts[counts > 0].astype(np.float64)
    if counts.size == 1:
        return 0.0
    total = counts.sum()
    return float(-np.sum((counts / total) * (np.log(counts) - np.log(total))))


def normalized_mutual_info(confusion: np.ndarray) -> float:
    """Normalised mutual information, normalised by the arithmetic mean of the entropies.

    Parameters
    ----------
    confusion : array-like of int, shape (C, K)

    Returns
    -------
    float
        In [0, 1], as ``sklearn.metrics.normalized_mutual_info_score`` with
        ``average_method="arithmetic"``: 1 when both labelings put every point
        together (one class, one cluster), 0 when the mutual information is 0.
    """
    table = _nonempty(confusion)
    C, K = table.shape
    if C == K == 1 or C == K == 0:
        return 1.0
    if C == 1 or K == 1:
        return 0.0
    rows, cols = np.nonzero(table)
    values = table[rows, cols].astype(np.float64)
    total = values.sum()
    p_class = table.sum(axis=1).astype(np.float64)
    p_cluster = table.sum(axis=0).astype(np.float64)
    # scikit-learn's order of operations, so the two agree to rounding
    joint = values / total
    outer = p_class.take(rows) * p_cluster.take(cols)
    log_outer = -np.log(outer) + np.log(p_class.sum()) + np.log(p_cluster.sum())
    terms = joint * (np.log(values) - np.log(total)) + joint * log_outer
    terms = np.where(np.abs(terms) < np.finfo(terms.dtype).eps, 0.0, terms)
    mi = max(float(terms.sum()), 0.0)
    if mi == 0.0:
        return 0.0
    return mi / ((_entropy(p_class) + _entropy(p_cluster)) / 2.0)


@dataclass(frozen=True)
class Agreement:
    """Known classes against a mixture's hard labels.

    Attributes
    ----------
    confusion : ndarray of int64, shape (C, K)
        Points of class c (row) whose most responsible component is k (column).
    rows, cols : ndarray of int, shape (min(C, K),)
        The matching: class ``rows[i]`` goes with component ``cols[i]``.
    accuracy : float
        Fraction of points in matched cells (the share a one-to-one renaming
        of the components gets right).
    ari : float
        Adjusted Rand index.
    nmi : float
        Normalised mutual information (arithmetic mean).
    """

    confusion: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    accuracy: float
    ari: float
    nmi: float

    @property
    def n_points(self) -> int:
        return int(self.confusion.sum())

    def matched(self) -> np.ndarray:
        """(C, K) bool, True on the matched cells."""
        mask = np.zeros(self.confusion.shape, dtype=bool)
        mask[self.rows, self.cols] = True
        return mask

    def format_table(self, class_names=None, component_names=None) -> list[str]:
        """The confusion table as text lines, matched cells marked with ``*``.

        Parameters
        ----------
        class_names : sequence of str, length C, optional
        component_names : sequence of str, length K, optional
            Default the codes.
        """
        C, K = self.confusion.shape
        class_names = [str(c) for c in (class_names if class_names is not None else range(C))]
        component_names = [str(k) for k in (component_names if component_names is not None
                                            else range(K))]
        mask = self.matched()
        cells = [[f"{self.confusion[c, k]}{'*' if mask[c, k] else ''}" for k in range(K)]
                 for c in range(C)]
        first = max([len("class")] + [len(n) for n in class_names])
        width = max([len(n) for n in component_names] + [len(s) for row in cells for s in row]
                    + [4])
        lines = ["class".ljust(first) + "  " + " ".join(n.rjust(width) for n in component_names)]
        lines += [name.ljust(first) + "  " + " ".join(s.rjust(width) for s in row)
                  for name, row in zip(class_names, cells)]
        return lines

    def summary(self) -> str:
        """One line: ARI, NMI and the accuracy under the matching."""
        return (f"ARI {self.ari:.4f}   NMI {self.nmi:.4f}   accuracy {self.accuracy:.4f} "
                f"({int(self.confusion[self.rows, self.cols].sum())} of {self.n_points} "
                f"points in matched cells)")


def agreement(classes, clusters, n_classes: int | None = None,
              n_clusters: int | None = None) -> Agreement:
    """Confusion table, matching, accuracy, ARI and NMI of classes against clusters.

    Parameters
    ----------
    classes : array-like of int, shape (N,)
        Known classes coded 0..C-1.
    clusters : array-like of int, shape (N,)
        Hard labels coded 0..K-1 (for example :func:`hard_labels` of the
        responsibilities).
    n_classes, n_clusters : int, optional
        C and K (see :func:`confusion_matrix`).
    """
    table = confusion_matrix(classes, clusters, n_classes, n_clusters)
    rows, cols = match_components(table)
    n = int(table.sum())
    accuracy = float(table[rows, cols].sum() / n) if n else float("nan")
    return Agreement(confusion=table, rows=rows, cols=cols, accuracy=accuracy,
                     ari=adjusted_rand_index(table), nmi=normalized_mutual_info(table))
