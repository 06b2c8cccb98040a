"""Pure numpy helpers for drawing: ellipses, marginals, the drawn subsample, density images.

Nothing here imports Qt, so each function is tested on its own.
"""

from __future__ import annotations

import numpy as np

#: Points on each drawn ellipse (the curve is closed: first point repeated).
ELLIPSE_POINTS = 97

_ANGLES = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
_UNIT_CIRCLE = np.vstack([np.cos(_ANGLES), np.sin(_ANGLES)])  # (2, P)


def marginal(means: np.ndarray, covariances: np.ndarray, axes: tuple) -> tuple:
    """Exact marginal of each component on two coordinates.

    The marginal of a Gaussian on a subset of coordinates is the Gaussian
    with those entries of the mean and that block of the covariance.

    Parameters
    ----------
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
    axes : tuple of two int

    Returns
    -------
    means2 : ndarray of shape (K, 2)
    covs2 : ndarray of shape (K, 2, 2)
    """
    ax = list(axes)
    means = np.asarray(means, dtype=float)
    covariances = np.asarray(covariances, dtype=float)
    return means[:, ax], covariances[:, ax][:, :, ax]


def ellipse_curves(means2: np.ndarray, covs2: np.ndarray, radius: float = 1.0) -> np.ndarray:
    """Closed curves of the ``radius``-sigma ellipses of 2-D Gaussians.

    A point ``x`` of the curve of component ``k`` satisfies
    ``(x - mu_k)^T Sigma_k^{-1} (x - mu_k) = radius**2``. The curve is the
    unit circle mapped by ``V sqrt(L)``, where ``Sigma = V L V^T``
    (``numpy.linalg.eigh``); a singular covariance gives a segment.

    Parameters
    ----------
    means2 : ndarray of shape (K, 2)
    covs2 : ndarray of shape (K, 2, 2)
    radius : float
        Mahalanobis radius (1, 2 or 3 sigma).

    Returns
    -------
    curves : ndarray of shape (K, P, 2)
        ``P = ELLIPSE_POINTS``; the last point equals the first.
    """
    pts = ellipse_transforms(covs2, radius) @ _UNIT_CIRCLE  # (K, 2, P)
    return np.transpose(pts, (0, 2, 1)) + np.asarray(means2, dtype=float)[:, None, :]


def ellipse_transforms(covs2: np.ndarray, radius: float = 1.0) -> np.ndarray:
    """The linear maps taking the unit circle to the ``radius``-sigma ellipses.

    ``radius * V sqrt(L)`` where ``Sigma = V L V^T`` (``numpy.linalg.eigh``;
    negative rounding noise in ``L`` is clipped to 0): the ellipse of
    component ``k`` centred at its mean is ``A_k`` times the unit circle.

    Parameters
    ----------
    covs2 : ndarray of shape (K, 2, 2)
    radius : float

    Returns
    -------
    maps : ndarray of shape (K, 2, 2)
    """
    vals, vecs = np.linalg.eigh(np.asarray(covs2, dtype=float))
    scale = np.sqrt(np.clip(vals, 0.0, None))  # (K, 2)
    # columns of V scaled by sqrt(eigenvalues)
    return radius * (vecs * scale[:, None, :])


def display_subsample(n_points: int, max_points: int, seed: int = 0,
                      always=None) -> np.ndarray:
    """Fixed random subset of point indices to draw (all of them if few).

    Returns sorted indices, so that the drawn subset is a deterministic
    function of the data size. ``always`` (an (n_points,) bool mask, such as
    the points added by hand) are drawn in any case, beyond ``max_points``.
    """
    if n_points <= max_points:
        return np.arange(n_points)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n_points, size=max_points, replace=False))
    if always is not None:
        rows = np.union1d(rows, np.flatnonzero(always))
    return rows


def density_image(x: np.ndarray, y: np.ndarray, bins: int = 256,
                  extent: tuple | None = None) -> tuple:
    """A 2-D histogram of all points, for the grey density under the scatter.

    Returns
    -------
    counts : ndarray of shape (bins, bins)
        Indexed ``[ix, iy]`` (pyqtgraph's ImageItem default orientation).
    rect : tuple (x0, y0, width, height)
    """
    if extent is None:
        x0, x1 = float(np.min(x)), float(np.max(x))
        y0, y1 = float(np.min(y)), float(np.max(y))
    else:
        x0, x1, y0, y1 = extent
    if x1 <= x0:
        x1 = x0 + 1.0
    if y1 <= y0:
        y1 = y0 + 1.0
    counts, _, _ = np.histogram2d(x, y, bins=bins, range=[[x0, x1], [y0, y1]])
    return counts, (x0, y0, x1 - x0, y1 - y0)


def nearest_point(points: np.ndarray, x: float, y: float, scale=(1.0, 1.0)) -> tuple:
    """Index of the point nearest ``(x, y)`` and its distance, in scaled units.

    ``scale`` divides the coordinates (for instance the size of a screen
    pixel in data units), so that "near" means near on screen.
    """
    if len(points) == 0:
        return -1, np.inf
    d2 = ((points[:, 0] - x) / scale[0]) ** 2 + ((points[:, 1] - y) / scale[1]) ** 2
    i = int(np.argmin(d2))
    return i, float(np.sqrt(d2[i]))


def view_bounds(points: np.ndarray, means2: np.ndarray, covs2: np.ndarray, radius: float,
                most: float = 3.0) -> tuple:
    """The box that holds the points and every ellipse at Mahalanobis ``radius``.

    Parameters
    ----------
    points : ndarray, shape (N, 2)
    means2, covs2 : ndarray, shapes (K, 2) and (K, 2, 2)
        The shown marginals (:func:`marginal`).
    radius : float
        The largest sigma level drawn (0: the points alone).
    most : float
        An ellipse may widen the points' box by at most this many times its size on
        each side: a component that blew up (allow_singular's, say) must not shrink
        the data to a dot.

    Returns
    -------
    (x0, x1), (y0, y1) : tuples of float
        An ellipse's extent along an axis is ``radius * sqrt(variance)`` about its mean.
    """
    lo, hi = points.min(axis=0), points.max(axis=0)
    if radius > 0 and len(means2):
        variances = np.clip(np.diagonal(covs2, axis1=1, axis2=2), 0.0, None)
        reach = radius * np.sqrt(variances)
        ok = np.all(np.isfinite(means2) & np.isfinite(reach), axis=1)
        if ok.any():
            size = np.maximum(hi - lo, 1e-12)
            e_lo = (means2[ok] - reach[ok]).min(axis=0)
            e_hi = (means2[ok] + reach[ok]).max(axis=0)
            lo = np.minimum(lo, np.maximum(e_lo, lo - most * size))
            hi = np.maximum(hi, np.minimum(e_hi, hi + most * size))
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))
