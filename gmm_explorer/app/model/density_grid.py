"""The mixture's density and its uncertainty on a grid over the plot, in numpy only.

The centre plot's background maps are computed here, on a fixed-size grid
over the shown range, never per data point: a step costs the same for 1e2
and 1e6 points. With more than two features the plot shows two columns, and
the density of those two columns is the exact marginal mixture: the same
weights, those entries of the means and those 2x2 blocks of the covariances.

Nothing here imports Qt, so each function is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The centre plot's choices of background, in the order its options bar lists them
#: (here, away from Qt, so that the command line can offer them without loading it).
BACKGROUNDS = ("none", "histogram", "density", "uncertainty")

#: Grid points along each axis of the maps.
GRID_SIZE = 200

#: Masses enclosed by the drawn iso-lines of the density (highest-density regions).
MASS_LEVELS = (0.5, 0.9, 0.99)

#: Draws from the mixture that estimate the iso-lines' levels (see :func:`mass_levels`).
LEVEL_DRAWS = 4000

_LOG_2PI = np.log(2.0 * np.pi)


@dataclass(frozen=True)
class Grid:
    """Cell centres of a regular grid over a rectangle.

    Attributes
    ----------
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)
    rect : tuple (x0, y0, width, height)
        The rectangle the cells tile (an image drawn over it puts each
        pixel on its cell).
    """

    xs: np.ndarray
    ys: np.ndarray
    rect: tuple

    @property
    def cell_area(self) -> float:
        """Area of one cell, in the data's units squared."""
        return (self.rect[2] / len(self.xs)) * (self.rect[3] / len(self.ys))


def make_grid(x_range: tuple, y_range: tuple, size: int = GRID_SIZE) -> Grid:
    """A ``size`` x ``size`` grid of cell centres over ``x_range`` x ``y_range``.

    An empty range (a single value) is widened to one unit, so that the
    grid always has cells of positive area.
    """
    (x0, x1), (y0, y1) = (sorted(map(float, x_range)), sorted(map(float, y_range)))
    if not x1 > x0:
        x0, x1 = x0 - 0.5, x0 + 0.5
    if not y1 > y0:
        y0, y1 = y0 - 0.5, y0 + 0.5
    dx, dy = (x1 - x0) / size, (y1 - y0) / size
    xs = x0 + dx * (np.arange(size) + 0.5)
    ys = y0 + dy * (np.arange(size) + 0.5)
    return Grid(xs, ys, (x0, y0, x1 - x0, y1 - y0))


def _sound_covariances(covs2: np.ndarray, floor: float) -> np.ndarray:
    """2x2 covariances whose eigenvalues are at least ``floor``.

    A singular or collapsing component has a density no finite grid can
    show (a spike or a ridge narrower than a cell); with its variances
    raised to ``floor`` it shows as a spike about one cell wide at the right
    place. Sound components wider than that are left exactly as they are.
    """
    vals, vecs = np.linalg.eigh(covs2)
    if np.all(vals >= floor):
        return covs2
    vals = np.maximum(np.nan_to_num(vals, nan=floor), floor)
    return (vecs * vals[:, None, :]) @ np.swapaxes(vecs, 1, 2)


def component_log_densities(weights, means2, covs2, x, y, floor: float = 0.0) -> np.ndarray:
    """``log w_k + log N((x, y); mu_k, Sigma_k)`` for 2-D Gaussians, in closed form.

    Parameters
    ----------
    weights : ndarray of shape (K,)
    means2 : ndarray of shape (K, 2)
    covs2 : ndarray of shape (K, 2, 2)
    x, y : ndarray of shape (P,)
        Coordinates of the points.
    floor : float
        Least variance along any direction (see :func:`_sound_covariances`).

    Returns
    -------
    log_wp : ndarray of shape (K, P)
    """
    covs2 = _sound_covariances(np.asarray(covs2, dtype=float), floor)
    a, b, c = covs2[:, 0, 0], covs2[:, 0, 1], covs2[:, 1, 1]
    det = a * c - b * b  # (K,) positive: a floored or positive-definite block
    u = x[None, :] - means2[:, 0, None]
    v = y[None, :] - means2[:, 1, None]
    # (u, v) Sigma^-1 (u, v)^T with the 2x2 inverse written out
    maha = (c[:, None] * u * u - 2.0 * b[:, None] * u * v + a[:, None] * v * v) / det[:, None]
    with np.errstate(divide="ignore"):  # a removed component's weight 0 gives -inf
        log_w = np.log(np.asarray(weights, dtype=float))
    return (log_w - _LOG_2PI - 0.5 * np.log(det))[:, None] - 0.5 * maha


def _log_sum(log_wp: np.ndarray) -> np.ndarray:
    """log of the sum over axis 0 of exp, without overflow; shape (P,)."""
    top = np.max(log_wp, axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    # terms below e^-40 of the largest change no digit of the sum; clipping them
    # keeps exp out of subnormal numbers, which cost it ten times as much
    rel = np.maximum(log_wp - safe, -40.0)
    return safe + np.log(np.sum(np.exp(rel, out=rel), axis=0))


@dataclass(frozen=True)
class DensityMaps:
    """The 2-D marginal mixture of one state on one grid.

    Attributes
    ----------
    grid : Grid
    log_density : ndarray of shape (nx, ny)
        Log density of the marginal mixture at each cell centre, indexed
        ``[ix, iy]`` (pyqtgraph's ImageItem orientation).
    uncertainty : ndarray of shape (nx, ny)
        ``1 - max_k P(k | x, y)`` under the marginal mixture: 0 where one
        component explains the place alone, up to ``1 - 1/K`` where all are
        equally likely.
    levels : ndarray of shape (len(MASS_LEVELS),)
        Log densities whose upper sets hold the masses ``MASS_LEVELS``.
    n_components : int
        K; the uncertainty is at most ``1 - 1/K``.
    """

    grid: Grid
    log_density: np.ndarray
    uncertainty: np.ndarray
    levels: np.ndarray
    n_components: int


def mass_levels(weights, means2, covs2, masses=MASS_LEVELS, draws: int = LEVEL_DRAWS,
                floor: float = 0.0, seed: int = 0) -> np.ndarray:
    """Log densities ``t_p`` such that ``{f >= exp(t_p)}`` holds mass ``p``.

    Hyndman's (1996) estimate: ``t_p`` is the ``1 - p`` quantile of the log
    density at draws from the mixture itself, so it does not depend on the
    shown range (zooming does not move the lines). The draws come from fixed
    random numbers (``seed``), so the lines move only when the mixture does.

    Parameters
    ----------
    weights : ndarray of shape (K,)
    means2 : ndarray of shape (K, 2)
    covs2 : ndarray of shape (K, 2, 2)
    masses : sequence of float in (0, 1)

    Returns
    -------
    levels : ndarray of shape (len(masses),)
    """
    weights = np.asarray(weights, dtype=float)
    rng = np.random.default_rng(seed)
    pick, z = rng.random(draws), rng.standard_normal((draws, 2))
    covs2 = _sound_covariances(np.asarray(covs2, dtype=float), floor)
    cum = np.cumsum(weights / weights.sum())
    k = np.minimum(np.searchsorted(cum, pick, side="right"), len(weights) - 1)
    vals, vecs = np.linalg.eigh(covs2)
    roots = vecs * np.sqrt(np.maximum(vals, 0.0))[:, None, :]  # (K, 2, 2): Sigma = R R^T
    pts = means2[k] + np.einsum("pij,pj->pi", roots[k], z)
    log_f = _log_sum(component_log_densities(weights, means2, covs2, pts[:, 0], pts[:, 1]))
    return np.quantile(log_f, 1.0 - np.asarray(masses, dtype=float))


def density_maps(weights, means, covariances, axes: tuple, grid: Grid) -> DensityMaps:
    """Density, uncertainty and iso-line levels of a state's marginal mixture on ``grid``.

    Parameters
    ----------
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
    axes : tuple of two int
        The shown columns.
    grid : Grid

    Returns
    -------
    DensityMaps
    """
    ax = list(axes)
    means2 = np.asarray(means, dtype=float)[:, ax]
    covs2 = np.asarray(covariances, dtype=float)[:, ax][:, :, ax]
    # a component narrower than half a cell shows as a spike one cell wide
    nx, ny = len(grid.xs), len(grid.ys)
    floor = (0.5 * min(grid.rect[2] / nx, grid.rect[3] / ny)) ** 2
    log_wp = _grid_log_densities(weights, means2, covs2, grid, floor)  # (K, nx, ny)
    log_f = _log_sum(log_wp)
    with np.errstate(invalid="ignore"):  # -inf - -inf where no component reaches
        top = np.exp(np.max(log_wp, axis=0) - log_f)
    uncertainty = 1.0 - np.nan_to_num(top, nan=1.0)
    levels = mass_levels(weights, means2, covs2, floor=floor)
    return DensityMaps(grid, log_f, uncertainty, levels, len(means2))


def _grid_log_densities(weights, means2, covs2, grid: Grid, floor: float) -> np.ndarray:
    """:func:`component_log_densities` at every cell centre, shape (K, nx, ny).

    The quadratic form is separable on a grid: the terms in ``u = x - mu_x``
    alone and ``v = y - mu_y`` alone are computed once per column and row,
    which halves the work of the per-point formula.
    """
    covs2 = _sound_covariances(covs2, floor)
    a, b, c = covs2[:, 0, 0], covs2[:, 0, 1], covs2[:, 1, 1]
    det = a * c - b * b
    u = (grid.xs[None, :] - means2[:, 0, None])  # (K, nx)
    v = (grid.ys[None, :] - means2[:, 1, None])  # (K, ny)
    with np.errstate(divide="ignore"):  # a removed component's weight 0 gives -inf
        log_w = np.log(np.asarray(weights, dtype=float))
    const = log_w - _LOG_2PI - 0.5 * np.log(det)  # (K,)
    half = -0.5 / det
    uu = (const[:, None] + (half * c)[:, None] * u * u)[:, :, None]  # (K, nx, 1)
    vv = ((half * a)[:, None] * v * v)[:, None, :]  # (K, 1, ny)
    uv = (-2.0 * half * b)[:, None, None] * u[:, :, None] * v[:, None, :]
    uv += uu
    uv += vv
    return uv


# Marching squares: for each of the 16 cases of which corners of a cell lie
# at or above the level (bit 0: (i, j), 1: (i+1, j), 2: (i+1, j+1), 3: (i, j+1)),
# the edges its one or two segments join (edge 0: bottom, 1: right, 2: top,
# 3: left; -1: none). The two saddles (5, 10) take the pair that keeps the
# two high corners apart, a choice that only matters within one cell.
_CASE_EDGES = np.array([
    [-1, -1, -1, -1], [3, 0, -1, -1], [0, 1, -1, -1], [3, 1, -1, -1],
    [1, 2, -1, -1], [3, 0, 1, 2], [0, 2, -1, -1], [3, 2, -1, -1],
    [2, 3, -1, -1], [0, 2, -1, -1], [0, 1, 2, 3], [1, 2, -1, -1],
    [1, 3, -1, -1], [0, 1, -1, -1], [0, 3, -1, -1], [-1, -1, -1, -1],
])


def iso_segments(field: np.ndarray, xs: np.ndarray, ys: np.ndarray, level: float) -> np.ndarray:
    """Segments of the curve ``field == level`` by marching squares, in numpy.

    Parameters
    ----------
    field : ndarray of shape (nx, ny)
        Values at the grid points ``(xs[i], ys[j])``; ``-inf`` allowed.
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)
    level : float

    Returns
    -------
    segments : ndarray of shape (S, 2, 2)
        Each segment's two end points ``(x, y)``, in no particular order;
        drawn as pairs they make the curve.
    """
    f = np.asarray(field, dtype=float)
    finite = f[np.isfinite(f)]
    low = (finite.min() if finite.size else level) - 1.0
    f = np.where(np.isfinite(f), f, low)  # -inf would give inf / inf on an edge
    up = f >= level
    case = (up[:-1, :-1] * 1 + up[1:, :-1] * 2 + up[1:, 1:] * 4 + up[:-1, 1:] * 8)
    ii, jj = np.nonzero((case > 0) & (case < 15))
    if not len(ii):
        return np.zeros((0, 2, 2))
    case = case[ii, jj]
    corners = np.stack([f[ii, jj], f[ii + 1, jj], f[ii + 1, jj + 1], f[ii, jj + 1]], axis=1)
    cx = np.stack([xs[ii], xs[ii + 1], xs[ii + 1], xs[ii]], axis=1)
    cy = np.stack([ys[jj], ys[jj], ys[jj + 1], ys[jj + 1]], axis=1)
    # edge e joins corner e to corner e + 1 (mod 4)
    a, b = np.arange(4), (np.arange(4) + 1) % 4
    with np.errstate(invalid="ignore", divide="ignore"):  # edges the curve does not cross
        t = (level - corners[:, a]) / (corners[:, b] - corners[:, a])
        ex = cx[:, a] + t * (cx[:, b] - cx[:, a])  # (C, 4): the crossing on each edge
        ey = cy[:, a] + t * (cy[:, b] - cy[:, a])
    table = _CASE_EDGES[case]  # (C, 4)
    parts = []
    for first in (0, 2):
        rows = np.flatnonzero(table[:, first] >= 0)
        e0, e1 = table[rows, first], table[rows, first + 1]
        parts.append(np.stack([np.column_stack([ex[rows, e0], ey[rows, e0]]),
                               np.column_stack([ex[rows, e1], ey[rows, e1]])], axis=1))
    return np.concatenate(parts)
