"""Starting points for EM.

Each start returns either hard or soft responsibilities (turned into
parameters by one M-step, as scikit-learn does) or parameters directly:

``k-means++``
    k-means++ seeding (greedy, as scikit-learn's), each point assigned to its
    nearest seed.
``kmeans``
    Lloyd's k-means from a k-means++ seeding, each point assigned to its
    cluster.
``random``
    Random soft responsibilities (uniform, normalised per point).
``random_from_data``
    K distinct data points as means, the data's covariance for every
    component, equal weights.
``random_integers``
    The seed question's start: integer means drawn between the minimum and
    maximum of the *first* column, for every dimension; covariances
    ``init_covariance_scale * I`` (5 by default); equal weights.
``hierarchical``
    Deterministic (the engine's generator is not used): Ward's agglomerative
    clustering of the data whitened by their principal axes, cut into K
    groups, as mclust starts EM from a hierarchical clustering of SVD-scaled
    data. Above :data:`HIERARCHICAL_MAX_POINTS` points a fixed subsample is
    clustered and every point goes to the nearest group mean.
"""

from __future__ import annotations

import numpy as np

_ROWS_PER_CHUNK = 65536
#: Most points the hierarchical start clusters (its linkage takes O(n^2) memory).
HIERARCHICAL_MAX_POINTS = 2000
#: Seed of the fixed permutation the hierarchical start subsamples from: a
#: constant, so that the start stays deterministic whatever the engine's seed.
_SUBSAMPLE_SEED = 0


def _squared_distances(X, centers):
    """(N, C) squared Euclidean distances, in chunks over N."""
    out = np.empty((X.shape[0], centers.shape[0]))
    center_norms = np.einsum("cd,cd->c", centers, centers)
    for start in range(0, X.shape[0], _ROWS_PER_CHUNK):
        chunk = X[start:start + _ROWS_PER_CHUNK]
        block = out[start:start + _ROWS_PER_CHUNK]
        np.matmul(chunk, centers.T, out=block)
        block *= -2.0
        block += np.einsum("nd,nd->n", chunk, chunk)[:, None]
        block += center_norms
        np.maximum(block, 0.0, out=block)
    return out


def kmeans_plusplus(X, n_clusters, rng):
    """Greedy k-means++ seeds.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_clusters : int
    rng : numpy.random.RandomState

    Returns
    -------
    ndarray of shape (K, D)
    """
    N = X.shape[0]
    trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, X.shape[1]))
    centers[0] = X[rng.randint(N)]
    closest = _squared_distances(X, centers[:1])[:, 0]
    for i in range(1, n_clusters):
        total = closest.sum()
        if total <= 0:  # fewer distinct points than clusters
            centers[i] = X[rng.randint(N)]
            continue
        picks = np.searchsorted(np.cumsum(closest), rng.uniform(size=trials) * total)
        picks = np.minimum(picks, N - 1)
        candidate_dist = np.minimum(closest[:, None], _squared_distances(X, X[picks]))
        best = int(np.argmin(candidate_dist.sum(axis=0)))
        centers[i] = X[picks[best]]
        closest = candidate_dist[:, best]
    return centers


def nearest(X, centers):
    """Index of the nearest centre for every point, shape (N,)."""
    labels = np.empty(X.shape[0], dtype=np.intp)
    for start in range(0, X.shape[0], _ROWS_PER_CHUNK):
        chunk = X[start:start + _ROWS_PER_CHUNK]
        labels[start:start + _ROWS_PER_CHUNK] = np.argmin(
            _squared_distances(chunk, centers), axis=1)
    return labels


def kmeans_labels(X, n_clusters, rng, max_iter=100):
    """Lloyd's k-means from k-means++ seeds; an empty cluster takes the farthest point.

    Returns
    -------
    ndarray of shape (N,)
        Cluster of every point.
    """
    centers = kmeans_plusplus(X, n_clusters, rng)
    labels = nearest(X, centers)
    for _ in range(max_iter):
        counts = np.bincount(labels, minlength=n_clusters)
        sums = np.empty_like(centers)
        for d in range(X.shape[1]):
            sums[:, d] = np.bincount(labels, weights=X[:, d], minlength=n_clusters)
        empty = counts == 0
        centers[~empty] = sums[~empty] / counts[~empty, None]
        if empty.any():
            far = np.argsort(_squared_distances(X, centers).min(axis=1))[::-1]
            centers[empty] = X[far[: empty.sum()]]
        new_labels = nearest(X, centers)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return labels


def one_hot(labels, n_clusters):
    """(K, N) hard responsibilities from labels (the engine's layout)."""
    resp = np.zeros((n_clusters, labels.shape[0]))
    resp[labels, np.arange(labels.shape[0])] = 1.0
    return resp


def whiten(X):
    """X on its principal axes, each scaled to unit variance (mclust's hcUse="SVD").

    Ward's criterion then does not depend on the data's units or on how
    correlated the columns are. Axes with no variance (next to the largest)
    are dropped.

    Parameters
    ----------
    X : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (N, R)
        R <= D is the data's numerical rank (0 when every point is the same).
    """
    centred = X - X.mean(axis=0)
    # The D x D scatter rather than the SVD of X: the same axes, without an
    # N x D matrix of left singular vectors.
    values, vectors = np.linalg.eigh(centred.T @ centred / max(X.shape[0] - 1, 1))
    keep = values > max(values.max(initial=0.0), 0.0) * X.shape[1] * np.finfo(float).eps
    if not keep.any():
        return np.zeros((X.shape[0], 0))
    return centred @ (vectors[:, keep] / np.sqrt(values[keep]))


def cut_linkage(merges, n_points, n_clusters):
    """The K groups left after the first N - K merges of a linkage, shape (N,).

    The same labels as ``scipy.cluster.hierarchy.cut_tree`` (numbered by first
    appearance, tested), found as the connected components of the merges kept:
    cut_tree walks the tree in Python and took 15 ms at N = 272, most of a
    model-selection grid's starts.

    Parameters
    ----------
    merges : ndarray of shape (N - 1, 4)
        A linkage matrix (``scipy.cluster.hierarchy.linkage``).
    n_points, n_clusters : int
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    kept = merges[: n_points - n_clusters, :2].astype(np.intp)
    # merge i makes node N + i out of its two children
    made = n_points + np.arange(len(kept))
    size = n_points + len(kept)
    graph = coo_matrix((np.ones(2 * len(kept)), (np.concatenate([made, made]), kept.T.ravel())),
                       shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    _, first, inverse = np.unique(labels[:n_points], return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse].astype(np.intp)


def hierarchical_labels(X, n_clusters):
    """Ward's agglomerative clustering of the whitened data into K groups.

    Deterministic: the same data give the same labels, whatever the engine's
    seed (its generator is not used). Above :data:`HIERARCHICAL_MAX_POINTS`
    points, the first rows of one fixed permutation (seeded by a constant)
    are clustered, so that data sorted by class are sampled across classes
    and not at a stride that may alias with the order; every point then goes
    to the nearest group mean, so memory stays linear in N.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_clusters : int

    Returns
    -------
    ndarray of shape (N,)
        Group of every point, 0 to K - 1, every group non-empty.

    Raises
    ------
    ValueError
        Fewer distinct points (among those clustered) than groups.
    """
    # Imported here for start-up time: scipy.cluster pulls in scipy.spatial,
    # about 0.1 s that every program start would pay for a start few fits use.
    from scipy.cluster.hierarchy import linkage

    N = X.shape[0]
    if n_clusters == 1:
        return np.zeros(N, dtype=np.intp)
    W = whiten(X)
    if N > HIERARCHICAL_MAX_POINTS:
        order = np.random.RandomState(_SUBSAMPLE_SEED).permutation(N)
        rows = np.sort(order[:HIERARCHICAL_MAX_POINTS])
    else:
        rows = np.arange(N)
    sample = W[rows]
    distinct = np.unique(sample, axis=0).shape[0] if W.shape[1] else 1
    if distinct < n_clusters:
        raise ValueError(
            f"init='hierarchical' cannot make {n_clusters} groups from "
            f"{distinct} distinct point{'s' if distinct != 1 else ''}"
            + (f" (among the {rows.size} rows clustered)" if rows.size < N else "")
            + "; use fewer components, or another init.")
    groups = cut_linkage(linkage(sample, method="ward"), rows.size, n_clusters)
    if rows.size == N:
        return groups.astype(np.intp)
    counts = np.bincount(groups, minlength=n_clusters)
    centers = np.stack([np.bincount(groups, weights=sample[:, d], minlength=n_clusters)
                        for d in range(W.shape[1])], axis=1) / counts[:, None]
    labels = nearest(W, centers)
    labels[rows] = groups  # the clustered points keep their own groups
    return labels


def initial_responsibilities(X, n_components, init, rng):
    """(K, N) responsibilities for the responsibility-based starts."""
    if init == "hierarchical":
        return one_hot(hierarchical_labels(X, n_components), n_components)
    if init == "kmeans":
        return one_hot(kmeans_labels(X, n_components, rng), n_components)
    if init == "k-means++":
        return one_hot(nearest(X, kmeans_plusplus(X, n_components, rng)), n_components)
    resp = rng.uniform(size=(X.shape[0], n_components)).T.copy()
    resp /= resp.sum(axis=0)
    return resp


def random_integer_means(X, n_components, rng):
    """The seed's means: integers between min and max of the first column, shape (K, D)."""
    low = int(np.floor(X[:, 0].min()))
    high = int(np.ceil(X[:, 0].max()))
    return rng.randint(low, high + 1, size=(n_components, X.shape[1])).astype(float)


def random_data_means(X, n_components, rng):
    """K distinct rows of X, shape (K, D)."""
    return X[rng.choice(X.shape[0], n_components, replace=False)].astype(float)
