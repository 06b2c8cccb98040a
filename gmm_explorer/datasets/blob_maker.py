"""scikit-learn's ``make_blobs``, bit for bit, in numpy only, and the seed's scene built with it.

scikit-learn is never imported: the program must not need it at run time. The tests check that
:func:`make_blobs` returns exactly what ``sklearn.datasets.make_blobs`` returns for the same
arguments and ``random_state``, because the same ``RandomState`` methods are called with the same
arguments in the same order: ``uniform`` for random centres, one ``normal`` per centre, then
``shuffle`` of the row indices.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from gmm_explorer.engine.random_state import check_random_state

__all__ = ["is_whole_number", "make_blobs", "seed_scene"]


def is_whole_number(value) -> bool:
    """Whether ``value`` is an integer (Python's or numpy's), a bool excepted."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# --------------------------------------------------------------------------- argument checks
def _check_counts(n_samples):
    """``n_samples`` as an int >= 1, or as a list of per-centre counts >= 0."""
    if is_whole_number(n_samples):
        if n_samples < 1:
            raise ValueError(f"n_samples must be an int >= 1 or an array of counts; got {n_samples!r}")
        return n_samples
    if isinstance(n_samples, Iterable) and not isinstance(n_samples, (str, bytes)):
        n_samples = [int(c) if is_whole_number(c) else c for c in n_samples]
        if not all(is_whole_number(c) and c >= 0 for c in n_samples):
            raise ValueError(
                f"n_samples given per centre must be non-negative integers; got {n_samples!r}"
            )
        return n_samples
    raise ValueError(f"n_samples must be an int >= 1 or an array of counts; got {n_samples!r}")


def _check_std(cluster_std) -> None:
    """A number >= 0, or a 1-D sequence of them (one per centre, counted later)."""
    if isinstance(cluster_std, numbers.Real) and not isinstance(cluster_std, bool):
        if not cluster_std >= 0:
            raise ValueError(f"cluster_std must be >= 0; got {cluster_std!r}")
        return
    if hasattr(cluster_std, "__len__"):  # a list, a tuple or an array: a foreign value
        stds = np.asarray(cluster_std, dtype=np.float64)
        if stds.ndim == 1 and np.all(stds >= 0):
            return
    raise ValueError(
        f"cluster_std must be a number >= 0 or one such number per centre; got {cluster_std!r}"
    )


def _check_arguments(n_samples, n_features, centers, cluster_std, center_box):
    """Every argument check, before any draw, as scikit-learn's ``validate_params`` does.

    Returns the checked ``n_samples`` (see :func:`_check_counts`) and the box's bounds.
    """
    n_samples = _check_counts(n_samples)
    if not is_whole_number(n_features) or n_features < 1:
        raise ValueError(f"n_features must be an int >= 1; got {n_features!r}")
    if isinstance(centers, bool) or (is_whole_number(centers) and centers < 1):
        raise ValueError(f"centers must be None, an int >= 1 or an array of centres; got {centers!r}")
    _check_std(cluster_std)
    try:
        low, high = center_box
    except (TypeError, ValueError) as exc:
        raise ValueError(f"center_box must be a pair (min, max); got {center_box!r}") from exc
    return n_samples, low, high


def _check_centers(centers) -> np.ndarray:
    """What scikit-learn's ``check_array(centers)`` does for a dense array of centres.

    A 2-D, non-empty, finite numeric array; the dtype is kept unless it is ``object``
    (then float64), as ``check_array(dtype="numeric")`` does.
    """
    try:
        array = np.asarray(centers)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"centers must be a 2-D array of numbers; got {centers!r}") from exc
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"centers must be a 2-D array of numbers; got {centers!r}") from exc
    if array.dtype.kind not in "biuf":
        raise ValueError(f"centers must be a 2-D array of numbers; got dtype {array.dtype}")
    if array.ndim != 2:
        raise ValueError(
            f"centers must be an int or a 2-D array of shape (n_centers, n_features); "
            f"got an array of shape {array.shape}"
        )
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"centers must hold at least one centre of at least one feature; got shape {array.shape}")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError("centers must be finite; got NaN or infinity")
    return array.copy()


# --------------------------------------------------------------------------- the steps
def _centers(n_samples, n_features, centers, low, high, generator) -> np.ndarray:
    """The centres, shape (n_centers, n_features): drawn uniformly in the box, or checked.

    The only draw here is scikit-learn's ``generator.uniform(low, high, size=...)``, and only
    when the centres are not given.
    """
    if is_whole_number(n_samples):
        if centers is None:
            centers = 3
        if is_whole_number(centers):
            return generator.uniform(low, high, size=(int(centers), n_features))
        return _check_centers(centers)
    n_centers = len(n_samples)
    if centers is None:
        centers = generator.uniform(low, high, size=(n_centers, n_features))
    if not isinstance(centers, Iterable):
        raise ValueError(
            f"when n_samples gives a count per centre, centers must be None or an array of "
            f"{n_centers} centres; got {centers!r}"
        )
    if len(centers) != n_centers:
        raise ValueError(
            f"n_samples gives {n_centers} counts but centers holds {len(centers)} centres"
        )
    return _check_centers(centers)


def _stds(cluster_std, n_centers: int):
    """One standard deviation per centre."""
    if hasattr(cluster_std, "__len__") and len(cluster_std) != n_centers:
        raise ValueError(
            f"cluster_std gives {len(cluster_std)} standard deviations for {n_centers} centres"
        )
    if isinstance(cluster_std, numbers.Real):
        return np.full(n_centers, cluster_std)
    return cluster_std


def _counts(n_samples, n_centers: int) -> list:
    """Points per centre: an int is divided as equally as possible, the first centres get one more."""
    if not is_whole_number(n_samples):
        return list(n_samples)
    counts = [int(n_samples // n_centers)] * n_centers
    for i in range(n_samples % n_centers):
        counts[i] += 1
    return counts


def _draw(generator, centers, stds, counts):
    """The blobs one after the other: one ``generator.normal`` per centre, in order.

    Returns X of shape (sum(counts), D), float64, and y of shape (sum(counts),), int.
    """
    n_features = centers.shape[1]
    ends = np.cumsum(counts)
    total = int(sum(counts))
    X = np.empty((total, n_features), dtype=np.float64)
    y = np.empty((total,), dtype=int)
    for i, (n, std) in enumerate(zip(counts, stds)):
        start = ends[i - 1] if i > 0 else 0
        X[start : ends[i]] = generator.normal(loc=centers[i], scale=std, size=(n, n_features))
        y[start : ends[i]] = i
    return X, y


def make_blobs(
    n_samples=100,
    n_features=2,
    *,
    centers=None,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    shuffle=True,
    random_state=None,
    return_centers=False,
):
    """Isotropic Gaussian blobs: scikit-learn's ``make_blobs``, bit for bit, in numpy only.

    The same arguments and ``random_state`` give exactly the arrays
    ``sklearn.datasets.make_blobs`` gives.

    Parameters
    ----------
    n_samples : int or array-like of int, default=100
        If an int, the total number of points, divided as equally as possible among the
        centres (the first ``n_samples % n_centers`` centres get one more). If array-like,
        the number of points of each centre.
    n_features : int, default=2
        Dimension of the points, when the centres are drawn at random.
    centers : int or array-like of shape (n_centers, n_features), default=None
        Number of centres to draw uniformly in ``center_box``, or the centres themselves.
        ``None`` means 3 when ``n_samples`` is an int, one per entry of ``n_samples`` otherwise.
    cluster_std : float or array-like of float, default=1.0
        Standard deviation of every blob, or one per centre.
    center_box : (float, float), default=(-10.0, 10.0)
        Bounds of the box in which random centres are drawn.
    shuffle : bool, default=True
        Shuffle the points (otherwise they come blob by blob).
    random_state : None, int or numpy.random.RandomState, default=None
        As scikit-learn's ``random_state`` (see
        :func:`~gmm_explorer.engine.random_state.check_random_state`).
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int
        The blob each point was drawn from.
    centers : ndarray of shape (n_centers, n_features)
        Only when ``return_centers`` is true.
    """
    n_samples, low, high = _check_arguments(n_samples, n_features, centers, cluster_std,
                                            center_box)
    generator = check_random_state(random_state)
    centers = _centers(n_samples, n_features, centers, low, high, generator)
    n_centers = centers.shape[0]
    X, y = _draw(generator, centers, _stds(cluster_std, n_centers), _counts(n_samples, n_centers))
    if shuffle:
        # scikit-learn's utils.shuffle: permute arange(n) in place with the same generator.
        order = np.arange(len(y))
        generator.shuffle(order)
        X = X[order]
        y = y[order]
    if return_centers:
        return X, y, centers
    return X, y


def seed_scene(n_samples=1000, random_state=20, transform_seed=0):
    """The ten stretched blobs of the question GMM Explorer grew from.

    ``make_blobs(n_samples=1000, centers=10, cluster_std=0.5, random_state=20)`` multiplied on
    the right by ``np.random.RandomState(0).randn(2, 2)``, which shears and stretches every blob
    the same way. A hand-written EM started from integer means and ``5 I`` covariances lets
    some components collapse on this data: the "singular matrix" of the question.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    labels : ndarray of shape (n_samples,), int
        The blob each point came from (0 to 9).
    """
    X, labels = make_blobs(
        n_samples=n_samples, centers=10, cluster_std=0.5, random_state=random_state
    )
    transformation = np.random.RandomState(transform_seed).randn(2, 2)
    return X @ transformation, labels
