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

The densities themselves are built once per state in
:mod:`~gmm_explorer.engine.densities`.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy as np

from gmm_explorer.engine.parallel import ChunkPool, chunk_bounds

_SERIAL = ChunkPool(1)

# Numbers in one chunk's temporaries, about 2 MiB: they stay in a core's cache,
# and each numpy call is long enough that two threads rarely wait for each other
# (every call gives up and takes back the GIL; with chunks half this size two
# workers took 0.8 of one worker's time, with this size 0.7).
_CHUNK_ELEMENTS = 1 << 18
_MAX_ROWS = 16384
_MIN_ROWS = 256
# Room, in float64 numbers, left for the small per-iteration arrays.
_FIXED_ELEMENTS = 1 << 15
# Log-ratios to a point's largest term below this give a responsibility of 0.
# numpy's vectorised exp leaves its fast path for results that underflow
# (below about exp(-708)), which costs 5 to 10 times more; on separated data
# that is most of the (K, N) block. Clamping there and subtracting exp of the
# floor gives exact zeros for the clamped terms and changes no responsibility
# above 2e-288 (the subtraction is below half their last bit); below, the error
# is at most 1e-304, absolute.
LOG_RESP_FLOOR = -700.0
# exp of the floor as the array loop computes it (its vector body and its
# scalar tail could differ in the last bit): the smallest, so that a clamped
# term never comes out negative.
_RESP_FLOOR = float(np.exp(np.full(67, LOG_RESP_FLOOR)).min())
# Below this many points per chunk the floor is compared as a scalar (see floored_exp).
_SCALAR_FLOOR_WIDTH = 2048


@functools.lru_cache(maxsize=256, typed=True)  # every step asks again, the same sizes
def chunk_rows(n_components, n_features, n_samples=None, n_products=None, expanded=False):
    """Rows per chunk of the E-step's (and the M-step's) passes over the data.

    The chunk's temporaries stay near :data:`_CHUNK_ELEMENTS` numbers (in
    cache); small data are one chunk (no per-chunk overhead); for mid-sized N
    the temporaries together stay below the data's size (so that peak memory
    stays within twice the data plus the responsibilities).

    Parameters
    ----------
    n_components, n_features : int
    n_samples : int, optional
    n_products : int, optional
        Products of coordinates in each row (default: the upper triangle).
    expanded : bool
        The chunk uses the expanded quadratic form: no (K * D, rows) whitened
        differences, just the (K, rows) block.
    """
    K, D = max(1, n_components), n_features
    products = D * (D + 1) // 2 if n_products is None else n_products
    width = (K if expanded else K * D) + D + 1 + products
    rows = min(max(_CHUNK_ELEMENTS // width, _MIN_ROWS), _MAX_ROWS)
    if n_samples is not None:
        if n_samples * width <= _CHUNK_ELEMENTS:
            return max(1, n_samples)
        # Both temporaries together hold fewer numbers than the data, less a
        # margin for the small arrays every iteration makes.
        rows = min(rows, max(_MIN_ROWS, (n_samples * D - _FIXED_ELEMENTS) // width))
    return rows


def fill_products(rows, n_features, pairs):
    """Write the products ``x_i * x_j`` for ``pairs`` below the first D + 1 rows.

    Done a row of ``i`` at a time by broadcasting, so no (P, c) temporaries
    are made (they dominated peak memory for small N at D = 10).

    Parameters
    ----------
    rows : ndarray of shape (D + 1 + P, c)
        Feature-major chunk: ``x - centre``, ones, then room for the products.
    n_features : int
    pairs : tuple of two int arrays
        From :func:`gmm_explorer.engine.mstep.moment_pairs`: the diagonal, or
        the upper triangle in row-major order.
    """
    D = n_features
    first, second = pairs
    if len(first) == D and np.array_equal(first, second):
        np.multiply(rows[:D], rows[:D], out=rows[D + 1:])
        return
    offset = D + 1
    for i in range(D):
        np.multiply(rows[i], rows[i:D], out=rows[offset:offset + D - i])
        offset += D - i


def log_densities_chunk(x_augmented, densities, augmented, constant, out):
    """Weighted log density of every component at every point of one chunk.

    Parameters
    ----------
    x_augmented : ndarray of shape (D + 1, c)
        A chunk of the data minus the data's centre, feature-major, with a
        row of ones.
    densities : ComponentDensities
    augmented : ndarray of shape (D * K, D + 1)
        ``densities.augmented``, computed once per E-step.
    constant : ndarray of shape (K,)
        ``log_norm + log(weights)``.
    out : ndarray of shape (K, c)
        Filled with ``log w_k + log N(x_n | mu_k, Sigma_k)`` (or its pseudo /
        point-mass version, see the module docstring).
    """
    K, D = densities.means.shape
    whitened = augmented @ x_augmented
    np.square(whitened, out=whitened)
    # The D contiguous (K, c) blocks added one after another: twice as fast as
    # numpy's reduction over the leading axis of the (D, K, c) view.
    if D == 1:
        out[...] = whitened
    else:
        np.add(whitened[:K], whitened[K:2 * K], out=out)
        for e in range(2, D):
            np.add(out, whitened[e * K:(e + 1) * K], out=out)
    np.subtract(constant[:, None], out, out=out)
    for k in densities.special:
        kind = densities.kinds[k]
        x_centered = x_augmented[:D].T
        null = densities.null_spaces[k]
        if null.shape[1]:
            residual = np.linalg.norm((x_centered - densities.means[k]) @ null, axis=1)
            off = residual > densities.support_tol
        else:
            off = np.zeros(out.shape[1], dtype=bool)
        if kind == "point-mass":
            out[k] = np.inf
        out[k, off] = -np.inf


def floored_exp(log_ratio):
    """``exp`` in place, with 0 for ratios below ``LOG_RESP_FLOOR``.

    Parameters
    ----------
    log_ratio : ndarray of shape (..., K, c)
        Log of each term over the point's largest (so at most 0).
    """
    # A (1, c) row for long rows: numpy's maximum is several times slower with a
    # scalar there; for short rows making the row costs more than it saves.
    width = log_ratio.shape[-1]
    floor = LOG_RESP_FLOOR if width < _SCALAR_FLOOR_WIDTH else np.full((1, width), LOG_RESP_FLOOR)
    np.maximum(log_ratio, floor, out=log_ratio)
    np.exp(log_ratio, out=log_ratio)
    log_ratio -= _RESP_FLOOR


def normalize_chunk(log_prob):
    """Turn weighted log densities into responsibilities, in place.

    One ``exp`` pass over the (K, c) block: ``r = exp(a - max) / sum`` and
    ``log p(x) = max + log(sum)``. Equal to ``scipy.special.logsumexp`` but
    without computing the exponentials twice (they dominate the E-step).
    Terms more than ``-LOG_RESP_FLOOR`` below a point's largest get a
    responsibility of exactly 0 (see ``LOG_RESP_FLOOR``).

    Parameters
    ----------
    log_prob : ndarray of shape (K, c)
        Weighted log densities on entry, responsibilities on return.

    Returns
    -------
    ndarray of shape (c,)
        Log mixture density of each point; ``-inf`` where every component
        gives zero density, ``+inf`` where a point-mass sits on the point.
    """
    peak = log_prob.max(axis=0)
    # A finite sum means every peak is finite (an overflowing sum only takes
    # the careful path below), at the price of one reduction, not two passes.
    if math.isfinite(peak.sum()):
        log_prob -= peak
        floored_exp(log_prob)
        total = log_prob.sum(axis=0)
        log_prob *= 1.0 / total
        return peak + np.log(total)
    out = np.empty_like(peak)
    finite = np.isfinite(peak)
    good = np.flatnonzero(finite)
    block = log_prob[:, good] - peak[good]
    floored_exp(block)
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


def _fill_rows(buffer, X, center, start, stop, pairs=None):
    """Rows ``start:stop`` of X as the E-step reads them, in ``buffer``; a view of it.

    The view has shape (D + 1 + P, stop - start), feature-major (each row
    contiguous): the rows minus the centre, a row of ones, then the P products
    ``x_i * x_j`` for the index ``pairs`` (none when ``pairs`` is None).
    """
    D = X.shape[1]
    rows = buffer[:, : stop - start]
    np.subtract(X[start:stop].T, center[:, None], out=rows[:D])
    if pairs is not None and len(pairs[0]):
        fill_products(rows, D, pairs)
    return rows


def resident_rows(X, center, pairs):
    """The whole data as the E-step's rows, when they fit in one chunk; else None.

    Small data are one chunk whose rows (:func:`_fill_rows`) are the same at
    every step: made once, they save a fifth of a small step.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    pairs : tuple of two int arrays of length P

    Returns
    -------
    ndarray of shape (D + 1 + P, N), read-only, or None
    """
    N, D = X.shape
    height = D + 1 + len(pairs[0])
    if N * height > _CHUNK_ELEMENTS:
        return None
    rows = _fill_rows(np.ones((height, N)), X, center, 0, N, pairs)
    rows.flags.writeable = False
    return rows


def e_step(X, center, densities, log_weights, resp_out=None, point_out=None, pairs=None,
           pool: ChunkPool | None = None, keep: bool = True, rows=None):
    """Responsibilities over the whole data, the total log-likelihood, and
    the weighted sums the next M-step needs.

    The sums are accumulated while each block of responsibilities is still
    in cache, so the M-step does not read the (K, N) responsibilities or the
    data again.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    densities : ComponentDensities
    log_weights : ndarray of shape (K,)
    resp_out : ndarray of shape (K, N), optional
        Written in place; allocated when omitted.
    point_out : ndarray of shape (N,), optional
        Filled with each point's log mixture density when given (kept
        optional: an (N,) array is a large share of the memory budget).
    pairs : tuple of two int arrays of length P, optional
        Feature index pairs ``(i, j)`` of the second moments to accumulate.
    pool : ChunkPool, optional
        Worker threads for the chunks (default: this thread). The chunks and
        the order their sums are added in do not depend on it: the result is
        the same, bit for bit, for any number of workers.
    keep : bool
        False: no (K, N) responsibilities are kept (each chunk's go through a
        small scratch block) and no sums are made; ``resp`` and ``sums`` are
        None. For the log-likelihood or the point densities alone.
    rows : ndarray of shape (D + 1 + P, N), optional
        :func:`resident_rows` of ``X`` for these ``pairs``, when the caller keeps them.

    Returns
    -------
    resp : ndarray of shape (K, N), or None
    total : float
        Sum over points of the log mixture density; ``+inf`` if any point
        has infinite density, never NaN.
    sums : ndarray of shape (K, D + 1 + P), or None
        ``sum_n r_nk [x_n - centre, 1, products]``: first moments, counts
        and second moments.
    """
    N, D = X.shape
    K = log_weights.shape[0]
    resp = None if not keep else np.empty((K, N)) if resp_out is None else resp_out
    n_products = 0 if pairs is None else len(pairs[0])
    constant = densities.log_norm + log_weights
    expanded = densities.expanded
    if expanded is not None and expanded.shape[1] == D + 1 + n_products:
        if all(math.isfinite(c) for c in constant.tolist()):  # K small: no numpy reduction
            # the weights and normalising constants ride on the row of ones: one pass less
            expanded = expanded.copy()
            expanded[:, D] += constant
            constant = None
    else:
        expanded = None  # the rows lack the products it reads
    augmented = None if expanded is not None else densities.augmented  # computes: once
    bounds = chunk_bounds(N, chunk_rows(K, D, N, n_products, expanded is not None))
    resident = rows if rows is not None and len(bounds) == 1 else None

    def chunk_group(first: int, stop: int) -> list:
        """(sums, total, unbounded) of each chunk in ``bounds[first:stop]``, in order."""
        width = max(b - a for a, b in bounds[first:stop])
        buffer = np.ones((D + 1 + n_products, width)) if resident is None else None
        scratch = np.empty((K, width)) if resp is None else None
        out = []
        for start, end in bounds[first:stop]:
            rows = resident if resident is not None else \
                _fill_rows(buffer, X, center, start, end, pairs)
            block = resp[:, start:end] if resp is not None else scratch[:, : end - start]
            if expanded is None:
                log_densities_chunk(rows[: D + 1], densities, augmented, constant, block)
            else:
                np.matmul(expanded, rows, out=block)
                if constant is not None:
                    block += constant[:, None]
            point = normalize_chunk(block)
            if point_out is not None:
                point_out[start:end] = point
            chunk_total = point.sum()
            # only a non-finite sum can hide a +inf (a point-mass on a point)
            unbounded = not math.isfinite(chunk_total) and bool(np.isposinf(point).any())
            # np.dot, not @: numpy's matmul held the GIL for this long-inner product
            # (measured: two threads took as long as one)
            out.append((np.dot(block, rows.T) if keep else None, chunk_total, unbounded))
        return out

    chunks = (pool or _SERIAL).map_groups(chunk_group, len(bounds), N * K * D)
    # in chunk order, as one thread would add them (one chunk's sums are the sums)
    sums = functools.reduce(operator.add, [chunk[0] for chunk in chunks]) if keep else None
    total, unbounded = 0.0, False
    for _, chunk_total, chunk_unbounded in chunks:
        if not unbounded:
            unbounded = chunk_unbounded
            total += chunk_total
    return resp, (np.inf if unbounded else float(total)), sums


def total_log_density(X, center, densities, log_weights, pool: ChunkPool | None = None):
    """Sum over points of the log mixture density, without keeping responsibilities.

    ``+inf`` if any point has infinite density, whatever the others; never NaN.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    center : ndarray of shape (D,)
    densities : ComponentDensities
    log_weights : ndarray of shape (K,)
    pool : ChunkPool, optional

    Returns
    -------
    float
    """
    return e_step(X, center, densities, log_weights, pool=pool, keep=False)[1]
