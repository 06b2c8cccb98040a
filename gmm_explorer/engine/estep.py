"""The E-step: per-component log densities and responsibilities, in chunks over N.

Data are processed in row chunks sized so that the (K * D, chunk) temporary
stays in cache; responsibilities are written into a caller-owned (K, N)
buffer that is reused across iterations. Components are laid out along the
first axis so that every reduction over K is an element-wise operation on
contiguous rows of length N (numpy is slow at reducing short last axes).

Each component is evaluated one of three ways (its *kind*):

``"cholesky"``
    A positive-definite covariance: whitened differences ``(x - mu) @ U``
    with ``U`` from a Cholesky factor and a triangular solve.
``"pseudo"``
    What scipy's ``multivariate_normal(allow_singular=True)`` does: the
    pseudo-inverse and pseudo-determinant over the eigenvalues above scipy's
    cut-off, a density on the component's support (the affine span of its
    mean and non-null eigenvectors) and zero (``-inf`` in logs) off it.
``"point-mass"``
    The true density of a covariance that is not positive definite: zero off
    the support and unbounded on it (``+inf`` in logs). Used only for the
    honest log-likelihood of a singular state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from gmm_explorer.engine.covariance import whitening_factors

LOG_2PI = np.log(2.0 * np.pi)
# Elements of the (K * D, chunk) whitened-difference temporary per chunk.
_CHUNK_ELEMENTS = 1 << 17
# scipy's allow_singular cut-off: eigenvalues below this times the largest count as zero.
PSEUDO_RCOND = 1e6 * np.finfo(float).eps
# A point is on a singular component's support when its distance to it is
# below this fraction of the data's scale.
SUPPORT_RTOL = 1e-8


def chunk_rows(n_components, n_features):
    """Rows per chunk so that the (K * D, rows) temporary is about 1 MiB."""
    return int(np.clip(_CHUNK_ELEMENTS // max(1, n_components * n_features), 512, 65536))


@dataclass
class ComponentDensities:
    """Everything the E-step needs about each component, precomputed once per state.

    Attributes
    ----------
    means : ndarray of shape (K, D)
        Means relative to the data's centre.
    kinds : list of str, length K
    factors : ndarray of shape (K, D, D)
        Whitening matrices; for ``"pseudo"`` components the columns past the
        rank are zero.
    log_norm : ndarray of shape (K,)
        Log normalising constant of each density (``-inf`` when unused).
    null_spaces : list of (ndarray of shape (D, D - r)) or None
    support_tol : float
    """

    means: np.ndarray
    kinds: list
    factors: np.ndarray
    log_norm: np.ndarray
    null_spaces: list
    support_tol: float

    @property
    def offsets(self):
        """(K * D,) the whitened means, laid out like the stacked factors."""
        return np.einsum("kd,kde->ke", self.means, self.factors).ravel()

    @property
    def stacked(self):
        """(K * D, D): row ``k * D + e`` is column ``e`` of ``U_k``."""
        K, D, _ = self.factors.shape
        return self.factors.transpose(0, 2, 1).reshape(K * D, D)


def build_densities(means_centered, full_covariances, kinds, data_scale):
    """Precompute the densities of every component.

    Parameters
    ----------
    means_centered : ndarray of shape (K, D)
    full_covariances : ndarray of shape (K, D, D)
    kinds : sequence of str, length K
        ``"cholesky"``, ``"pseudo"`` or ``"point-mass"`` per component.
    data_scale : float
        Root-mean-square spread of the data, for the support tolerance.

    Returns
    -------
    ComponentDensities
    """
    K, D = means_centered.shape
    usable = np.array([kind == "cholesky" for kind in kinds])
    factors, log_det = whitening_factors(full_covariances, usable)
    log_norm = np.where(usable, log_det - 0.5 * D * LOG_2PI, -np.inf)
    null_spaces = [None] * K
    for k in np.flatnonzero(~usable):
        values, vectors = linalg.eigh(full_covariances[k], check_finite=False)
        cutoff = PSEUDO_RCOND * np.max(np.abs(values))
        keep = values > cutoff
        rank = int(keep.sum())
        factors[k][:, :rank] = vectors[:, keep] / np.sqrt(values[keep])
        null_spaces[k] = vectors[:, ~keep]
        if kinds[k] == "pseudo":
            log_norm[k] = -0.5 * (rank * LOG_2PI + np.sum(np.log(values[keep])))
        else:
            log_norm[k] = np.inf
    return ComponentDensities(
        means=np.ascontiguousarray(means_centered, dtype=float),
        kinds=list(kinds),
        factors=factors,
        log_norm=log_norm,
        null_spaces=null_spaces,
        support_tol=SUPPORT_RTOL * max(data_scale, np.finfo(float).tiny),
    )


def log_densities_chunk(x_centered, densities, out):
    """Log density of every component at every point of one chunk.

    Parameters
    ----------
    x_centered : ndarray of shape (c, D)
        A chunk of the data, minus the data's centre.
    densities : ComponentDensities
    out : ndarray of shape (K, c)
        Filled with ``log N(x_n | mu_k, Sigma_k)`` (or its pseudo / point-mass
        version, see the module docstring).
    """
    K, D = densities.means.shape
    whitened = densities.stacked @ x_centered.T
    whitened -= densities.offsets[:, None]
    np.square(whitened, out=whitened)
    np.sum(whitened.reshape(K, D, -1), axis=1, out=out)
    out *= -0.5
    out += densities.log_norm[:, None]
    for k, kind in enumerate(densities.kinds):
        if kind == "cholesky":
            continue
        null = densities.null_spaces[k]
        if null.shape[1]:
            residual = np.linalg.norm((x_centered - densities.means[k]) @ null, axis=1)
            off = residual > densities.support_tol
        else:
            off = np.zeros(out.shape[1], dtype=bool)
        if kind == "point-mass":
            out[k] = np.inf
        out[k, off] = -np.inf


def normalize_chunk(log_prob, log_weights):
    """Turn weighted log densities into responsibilities, in place.

    One ``exp`` pass over the (K, c) block: ``r = exp(a - max) / sum`` and
    ``log p(x) = max + log(sum)``. Equal to ``scipy.special.logsumexp`` but
    without computing the exponentials twice (they dominate the E-step).

    Parameters
    ----------
    log_prob : ndarray of shape (K, c)
        Log densities on entry, responsibilities on return.
    log_weights : ndarray of shape (K,)

    Returns
    -------
    ndarray of shape (c,)
        Log mixture density of each point; ``-inf`` where every component
        gives zero density, ``+inf`` where a point-mass sits on the point.
    """
    log_prob += log_weights[:, None]
    peak = log_prob.max(axis=0)
    finite = np.isfinite(peak)
    if finite.all():
        log_prob -= peak
        np.exp(log_prob, out=log_prob)
        total = log_prob.sum(axis=0)
        log_prob /= total
        return peak + np.log(total)
    out = np.empty_like(peak)
    good = np.flatnonzero(finite)
    block = log_prob[:, good] - peak[good]
    np.exp(block, out=block)
    total = block.sum(axis=0)
    log_prob[:, good] = block / total
    out[good] = peak[good] + np.log(total)
    bad = np.flatnonzero(~finite)
    for n in bad:
        column = log_prob[:, n]
        hits = column == np.inf
        if hits.any():
            log_prob[:, n] = hits / hits.sum()
            out[n] = np.inf
        else:
            log_prob[:, n] = 1.0 / column.shape[0]
            out[n] = -np.inf
    return out


def e_step(X, center, densities, log_weights, resp_out=None):
    """Responsibilities and per-point log densities over the whole data.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    densities : ComponentDensities
    log_weights : ndarray of shape (K,)
    resp_out : ndarray of shape (K, N), optional
        Written in place; allocated when omitted.

    Returns
    -------
    resp : ndarray of shape (K, N)
    point_log_density : ndarray of shape (N,)
    """
    N, D = X.shape
    K = log_weights.shape[0]
    resp = np.empty((K, N)) if resp_out is None else resp_out
    point = np.empty(N)
    step = chunk_rows(K, D)
    for start in range(0, N, step):
        stop = min(N, start + step)
        block = resp[:, start:stop]
        log_densities_chunk(X[start:stop] - center, densities, block)
        point[start:stop] = normalize_chunk(block, log_weights)
    return resp, point


def total_log_density(X, center, densities, log_weights):
    """Sum over points of the log mixture density, without keeping responsibilities.

    ``+inf`` if any point has infinite density, whatever the others; never NaN.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    densities : ComponentDensities
    log_weights : ndarray of shape (K,)

    Returns
    -------
    float
    """
    N, D = X.shape
    K = log_weights.shape[0]
    step = chunk_rows(K, D)
    total = 0.0
    block = np.empty((K, step))
    for start in range(0, N, step):
        stop = min(N, start + step)
        view = block[:, : stop - start]
        log_densities_chunk(X[start:stop] - center, densities, view)
        point = normalize_chunk(view, log_weights)
        if np.isposinf(point).any():
            return np.inf
        total += point.sum()
    return float(total)
