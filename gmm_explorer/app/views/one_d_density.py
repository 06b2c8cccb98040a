"""What the 1-D view draws, as pure numpy: histogram bins, a grid, the densities.

Kept apart from the widget so that the numbers can be checked without Qt.
The densities are evaluated from a state's parameters (weights, means,
variances), never by the engine: the view only draws what the workspace shows.
"""

from __future__ import annotations

import numpy as np

#: At most this many histogram bins: numpy's "auto" rule asks for thousands
#: on large data with a few far outliers, and bars one pixel wide read as noise.
MAX_BINS = 80
#: Points of the even part of the grid the curves are drawn on.
GRID_POINTS = 600
#: Extra grid points around each mean, within this many standard deviations,
#: so that a narrow (collapsing) component is drawn as the spike it is.
_LOCAL_SIGMAS = 4.0
_LOCAL_POINTS = 81


def histogram(x: np.ndarray, max_bins: int = MAX_BINS) -> tuple:
    """A density-normalised histogram of ``x`` with numpy's "auto" bins, capped.

    Parameters
    ----------
    x : ndarray, shape (N,)
    max_bins : int
        Above this many bins (numpy's "auto": the larger of Sturges and
        Freedman-Diaconis), the range is cut into ``max_bins`` equal bins.

    Returns
    -------
    edges : ndarray, shape (B + 1,)
    heights : ndarray, shape (B,)
        Bar heights; ``sum(heights * diff(edges)) == 1``.
    """
    x = np.asarray(x, dtype=float).ravel()
    edges = np.histogram_bin_edges(x, bins="auto")
    if len(edges) - 1 > max_bins:
        edges = np.linspace(x.min(), x.max(), max_bins + 1)
    heights, edges = np.histogram(x, bins=edges, density=True)
    return edges, heights


def curve_grid(lo: float, hi: float, means: np.ndarray, sds: np.ndarray,
               points: int = GRID_POINTS) -> np.ndarray:
    """Sorted x values to draw the curves at: an even grid plus points near each mean.

    Parameters
    ----------
    lo, hi : float
        The even part of the grid spans ``[lo, hi]``.
    means, sds : ndarray, shape (K,)
        Each component's mean and standard deviation; within
        ``_LOCAL_SIGMAS`` sd of a mean the grid is denser, clipped to
        ``[lo, hi]`` (a spike narrower than the even spacing would otherwise
        be drawn as a low bump or missed).

    Returns
    -------
    ndarray, shape (P,)
    """
    parts = [np.linspace(lo, hi, points)]
    local = np.linspace(-_LOCAL_SIGMAS, _LOCAL_SIGMAS, _LOCAL_POINTS)
    for m, s in zip(np.asarray(means, dtype=float), np.asarray(sds, dtype=float)):
        if np.isfinite(m) and np.isfinite(s) and s > 0:
            parts.append(np.clip(m + s * local, lo, hi))
    return np.unique(np.concatenate(parts))


def component_densities(weights: np.ndarray, means: np.ndarray, variances: np.ndarray,
                        xs: np.ndarray) -> np.ndarray:
    """Each component's weighted density ``w_k N(x | m_k, s_k^2)`` at ``xs``.

    Parameters
    ----------
    weights, means, variances : ndarray, shape (K,)
    xs : ndarray, shape (P,)

    Returns
    -------
    ndarray, shape (K, P)
        Zero for a component whose variance is not positive (a singular
        component has no density to draw; the table and the status say so).
    """
    w = np.asarray(weights, dtype=float)[:, None]
    m = np.asarray(means, dtype=float)[:, None]
    v = np.asarray(variances, dtype=float)[:, None]
    sound = (v > 0) & np.isfinite(v)
    safe = np.where(sound, v, 1.0)
    # in log space first: (x - m)^2 / v overflows exp's range long before float64's;
    # a collapsing variance may overflow the quotient itself, which is a density of 0 there
    with np.errstate(over="ignore", under="ignore"):
        log_pdf = -0.5 * ((xs[None, :] - m) ** 2 / safe + np.log(2.0 * np.pi * safe))
        dens = w * np.exp(log_pdf)
    return np.where(sound, dens, 0.0)
