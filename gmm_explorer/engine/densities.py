"""What the E-step needs to know of each component, precomputed once per state.

:func:`build_densities` turns means and full covariances into
:class:`ComponentDensities`: whitening factors and log normalising constants
for positive-definite covariances, pseudo-inverses and null spaces for the
singular kinds (see :mod:`~gmm_explorer.engine.estep` for the three kinds), and
for diagonal covariances, where its digits allow, the expanded quadratic form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from gmm_explorer.engine.covariance import whitening_factors

LOG_2PI = np.log(2.0 * np.pi)
# scipy's allow_singular cut-off: eigenvalues below this times the largest count as zero.
PSEUDO_RCOND = 1e6 * np.finfo(float).eps
# A point is on a singular component's support when its distance to it is
# below this fraction of the data's scale.
SUPPORT_RTOL = 1e-8
_TINY = float(np.finfo(float).tiny)  # once: finfo costs microseconds a step


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
    expanded : ndarray of shape (K, D + 1 + P) or None
        Where the numbers allow it (see :func:`expanded_quadratic`): the map
        from ``[x, 1, products]`` (x minus the centre, the M-step's P products
        of coordinates) to ``-(x - mu_k)^T Sigma_k^-1 (x - mu_k) / 2``.
    """

    means: np.ndarray
    kinds: list
    factors: np.ndarray
    log_norm: np.ndarray
    null_spaces: list
    support_tol: float
    expanded: np.ndarray | None = None

    @property
    def special(self):
        """Indices of the components that are not plain Cholesky ones."""
        return [k for k, kind in enumerate(self.kinds) if kind != "cholesky"]

    @property
    def augmented(self):
        """(D * K, D + 1) map from ``[x - centre, 1]`` to ``sqrt(1/2) * (x - mu_k) @ U_k``.

        Row ``e * K + k`` is column ``e`` of ``U_k`` followed by minus the
        whitened mean, so the sum over ``e`` adds D contiguous (K, c) blocks.
        The factor sqrt(1/2) folds the -1/2 of the Gaussian's exponent into
        the matrix product, saving a pass over (K, N).
        """
        K, D, _ = self.factors.shape
        stacked = self.factors.transpose(2, 0, 1).reshape(D * K, D)
        offsets = np.einsum("kd,kde->ek", self.means, self.factors).ravel()
        return np.sqrt(0.5) * np.column_stack([stacked, -offsets])


#: The expanded quadratic form loses about log10(bound) digits to cancellation
#: (products of x against ``(x - mu)^T P (x - mu)``); below this bound at most four of sixteen.
EXPANSION_BOUND = 1e4


def expanded_quadratic(means_centered, factors, extent, pairs):
    """The (K, D + 1 + P) map from ``[x, 1, products]`` to minus half each
    component's Mahalanobis distance; None when unsafe.

    ``-(x - mu)^T P (x - mu) / 2 = (P mu)^T x - mu^T P mu / 2 - x^T P x / 2``,
    with ``P`` the precision and ``x^T P x`` a sum over the ``products``
    ``x_i x_j`` the M-step accumulates anyway: one (K, D + 1 + P) product per
    chunk instead of a (K D, D + 1) one, its square and D sums (scikit-learn
    computes diagonal densities so). Expanding subtracts numbers as large as
    ``v^T |P| v`` with ``v = |x| + |mu|``; when that bound, over the data's
    ``extent`` (D,) of ``|x - centre|``, passes :data:`EXPANSION_BOUND` the
    digits lost would show, so None: the whitened differences are used.

    Parameters
    ----------
    means_centered : ndarray of shape (K, D)
    factors : ndarray of shape (K, D, D)
        Whitening factors ``U`` with ``P = U U^T``.
    extent : ndarray of shape (D,)
    pairs : tuple of two int arrays of length P
        The index pairs of the products (:func:`~gmm_explorer.engine.mstep.moment_pairs`):
        the diagonal (then only diagonal factors expand) or the upper triangle.

    Returns
    -------
    ndarray of shape (K, D + 1 + P) or None
    """
    K, D, _ = factors.shape
    first, second = pairs
    if len(first) == D and np.array_equal(first, second):
        diagonal = np.einsum("kdd->kd", factors)
        if not np.array_equal(factors, diagonal[:, :, None] * np.eye(D)):
            return None
        precision = diagonal[:, :, None] * diagonal[:, None, :] * np.eye(D)
    elif len(first) == D * (D + 1) // 2:
        precision = factors @ factors.transpose(0, 2, 1)
    else:
        return None
    bounds = expansion_bounds(means_centered, precision, extent).tolist()
    if not all(bound <= EXPANSION_BOUND for bound in bounds):  # a NaN fails too
        return None
    return expanded_map(means_centered, precision, pairs)


def expansion_bounds(means_centered, precision, extent):
    """``v^T |P| v`` with ``v = extent + |mu|`` for each component, shape (K,): about
    how many times its numbers exceed the result (see :func:`expanded_quadratic`).

    Parameters
    ----------
    means_centered : ndarray of shape (K, D)
    precision : ndarray of shape (K, D, D)
    extent : ndarray of shape (D,)
    """
    spread = (extent + np.abs(means_centered))[:, :, None]
    # two small matrix products: a three-operand einsum took twice as long here
    return (spread.transpose(0, 2, 1) @ (np.abs(precision) @ spread))[:, 0, 0]


def expanded_map(means_centered, precision, pairs):
    """The (K, D + 1 + P) map of :func:`expanded_quadratic`, from precisions.

    Parameters
    ----------
    means_centered : ndarray of shape (K, D)
    precision : ndarray of shape (K, D, D)
    pairs : tuple of two int arrays of length P
    """
    first, second = pairs
    K, D = means_centered.shape
    out = np.empty((K, D + 1 + len(first)))
    weighted = out[:, :D]
    np.matmul(precision, means_centered[:, :, None], out=weighted[:, :, None])
    out[:, D] = -0.5 * (weighted * means_centered).sum(axis=1)
    # x_i x_j for i < j stands for both P_ij x_i x_j and P_ji x_j x_i
    np.multiply(precision[:, first, second], _product_signs(first, second),
                out=out[:, D + 1:])
    return out


_signs: dict = {}


def _product_signs(first, second):
    """-1/2 for a square ``x_i x_i``, -1 for a product standing for two terms (cached:
    the pairs are the M-step's own cached arrays)."""
    key = (first.tobytes(), second.tobytes())
    signs = _signs.get(key)
    if signs is None:
        signs = np.where(first == second, -0.5, -1.0)
        signs.flags.writeable = False
        _signs[key] = signs
    return signs


def build_densities(means_centered, full_covariances, kinds, data_scale, floor=None,
                    lower=None, extent=None, pairs=None):
    """Precompute the densities of every component.

    Parameters
    ----------
    means_centered : ndarray of shape (K, D)
    full_covariances : ndarray of shape (K, D, D)
    kinds : sequence of str, length K
        ``"cholesky"``, ``"pseudo"`` or ``"point-mass"`` per component.
    data_scale : float
        Root-mean-square spread of the data, for the support tolerance.
    floor : ndarray of shape (K,), optional
        Eigenvalues at or below it count as zero for the non-Cholesky kinds
        (see :func:`gmm_explorer.engine.diagnostics.resolution_floor`).
    lower : list of ndarray or None, optional
        Lower Cholesky factors already computed, reused for the whitening.
    extent : ndarray of shape (D,), optional
        Largest ``|x - centre|`` of the data per feature; with it and
        ``pairs``, the expanded form may be used (:func:`expanded_quadratic`).
    pairs : tuple of two int arrays, optional
        The products of coordinates the E-step's rows hold.

    Returns
    -------
    ComponentDensities
    """
    K, D = means_centered.shape
    usable = [kind == "cholesky" for kind in kinds]
    all_usable = all(usable)
    factors, log_det = whitening_factors(full_covariances, usable, lower)
    log_norm = log_det - 0.5 * D * LOG_2PI
    if not all_usable:
        log_norm = np.where(usable, log_norm, -np.inf)
    null_spaces = [None] * K
    for k in () if all_usable else np.flatnonzero(np.logical_not(usable)):
        values, vectors = linalg.eigh(full_covariances[k], check_finite=False)
        cutoff = PSEUDO_RCOND * np.max(np.abs(values))
        if floor is not None:
            cutoff = max(cutoff, floor[k])
        keep = values > cutoff
        rank = int(keep.sum())
        factors[k][:, :rank] = vectors[:, keep] / np.sqrt(values[keep])
        null_spaces[k] = vectors[:, ~keep]
        if kinds[k] == "pseudo":
            log_norm[k] = -0.5 * (rank * LOG_2PI + np.sum(np.log(values[keep])))
        else:
            log_norm[k] = np.inf
    expanded = None
    if extent is not None and pairs is not None and all_usable:
        expanded = expanded_quadratic(means_centered, factors, extent, pairs)
    return ComponentDensities(
        means=np.ascontiguousarray(means_centered, dtype=float),
        kinds=list(kinds),
        factors=factors,
        log_norm=log_norm,
        null_spaces=null_spaces,
        support_tol=SUPPORT_RTOL * max(data_scale, _TINY),
        expanded=expanded,
    )
