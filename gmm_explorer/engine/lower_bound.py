"""EM's lower bound on the log-likelihood, along a one-parameter slice through a state.

For parameters theta and the responsibilities ``r = r(theta_t)`` of a state
theta_t, EM's lower bound is

    B(theta; theta_t) = Q(theta; theta_t) + H(theta_t)
                      = sum_n sum_k r_nk [log w_k + log N(x_n | mu_k, Sigma_k)]
                        - sum_n sum_k r_nk log r_nk,

which by Jensen's inequality lies below the log-likelihood
``l(theta) = sum_n log sum_k w_k N(x_n | mu_k, Sigma_k)`` everywhere and
touches it at theta = theta_t. The M-step maximises B (over all parameters
at once, without a prior), so l cannot decrease.

The slices move one component ``j`` and keep every other parameter:

- ``"mean"``: ``mu_j(t) = mu_j + t a``, with ``a`` a unit direction scaled
  by the component's standard deviation along it (``t`` counts standard
  deviations);
- ``"scale"``: ``Sigma_j(s) = exp(s) Sigma_j``.

Along both, ``log N(x_n | ...)`` of component ``j`` is the base value plus
a closed form in the slice parameter (a quadratic in ``t``; ``q_n (1 -
exp(-s)) / 2 - D s / 2`` with ``q_n`` the Mahalanobis distance), so the
curves cost one (S, N) array, never S densities from scratch. B's maximum
along the slice is closed-form too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.special import logsumexp, xlogy

from gmm_explorer.engine.densities import LOG_2PI

SLICE_KINDS = ("mean", "scale")


@dataclass(frozen=True)
class SliceCurves:
    """The log-likelihood and EM's lower bound along one slice.

    Attributes
    ----------
    kind : str
        ``"mean"`` or ``"scale"``.
    component : int
        The position of the moved component in the state's arrays.
    values : ndarray of shape (S,)
        The slice parameter (``t`` in standard deviations, or ``s``).
    log_likelihood : ndarray of shape (S,)
        ``l`` along the slice (nats, summed over the data).
    bound : ndarray of shape (S,)
        ``B(.; theta_t)`` along the slice.
    peak : float
        The slice parameter where B is largest (closed form, not the grid's).
    peak_bound : float
        B at ``peak``.
    base_log_likelihood : float
        ``l`` at the slice's origin (parameter 0).
    base_bound : float
        B at the slice's origin.
    """

    kind: str
    component: int
    values: np.ndarray
    log_likelihood: np.ndarray
    bound: np.ndarray
    peak: float
    peak_bound: float
    base_log_likelihood: float
    base_bound: float


@dataclass(frozen=True)
class StateTerms:
    """What every slice through one state shares, computed once per state.

    Attributes
    ----------
    log_densities : ndarray of shape (N, K)
        ``log N(x_n | mu_k, Sigma_k)``.
    mahalanobis : ndarray of shape (N, K)
    log_weights : ndarray of shape (K,)
    resp : ndarray of shape (N, K)
        The responsibilities the bound is built on.
    """

    log_densities: np.ndarray
    mahalanobis: np.ndarray
    log_weights: np.ndarray
    resp: np.ndarray


def state_terms(X, weights, means, covariances, resp=None) -> StateTerms:
    """The densities of a state's components and the responsibilities, for
    :func:`slice_curves` (``terms=``): several slices through one state pay
    for one pass over the data.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
    resp : ndarray of shape (N, K), optional
        The responsibilities the bound is built on; default: those of these
        parameters.

    Raises
    ------
    ValueError
        When a covariance is singular.
    """
    log_dens, maha = component_log_densities(np.asarray(X, dtype=float), means, covariances)
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    if resp is None:
        log_prob = log_dens + log_w
        resp = np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True))
    return StateTerms(log_densities=log_dens, mahalanobis=maha, log_weights=log_w, resp=resp)


def component_log_densities(X, means, covariances):
    """``log N(x_n | mu_k, Sigma_k)`` and the Mahalanobis distances, each (N, K).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)

    Returns
    -------
    log_dens : ndarray of shape (N, K)
    mahalanobis : ndarray of shape (N, K)
        ``(x_n - mu_k)^T Sigma_k^-1 (x_n - mu_k)``.

    Raises
    ------
    ValueError
        When a covariance is not positive definite: the densities (and the
        bound) do not exist there; say which component.
    """
    N, D = X.shape
    K = means.shape[0]
    log_dens = np.empty((N, K))
    maha = np.empty((N, K))
    for k in range(K):
        try:
            lower = np.linalg.cholesky(covariances[k])
        except np.linalg.LinAlgError:
            lower = None
        if lower is None or not np.all(np.isfinite(lower)):
            raise ValueError(f"component {k}'s covariance is singular (not positive "
                             f"definite): its density, and so the bound, does not exist "
                             f"there; try a remedy (reg_covar or the prior)")
        # a (D, D) inverse and one product: scipy's solve_triangular on a (D, N)
        # right-hand side was ten times slower at N = 1e4
        diff = (X - means[k]) @ np.linalg.inv(lower).T
        maha[:, k] = np.einsum("nd,nd->n", diff, diff)
        log_det = 2.0 * np.sum(np.log(np.diag(lower)))
        log_dens[:, k] = -0.5 * (D * LOG_2PI + log_det + maha[:, k])
    return log_dens, maha


def responsibilities(X, weights, means, covariances):
    """The E-step's responsibilities of a state's parameters, (N, K).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
    """
    return state_terms(X, weights, means, covariances).resp


def entropy(resp) -> float:
    """``H = -sum_n sum_k r_nk log r_nk`` (0 log 0 counts as 0).

    Parameters
    ----------
    resp : ndarray of shape (N, K)
    """
    return float(-np.sum(xlogy(resp, resp)))


def mean_direction(X, resp, means, component, toward=None):
    """A unit direction for the mean slice of ``component``, shape (D,).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    resp : ndarray of shape (N, K) or None
        The responsibilities of the state the slice goes through (unused,
        and may be None, when ``toward`` names an axis).
    means : ndarray of shape (K, D)
    component : int
    toward : int or None
        None: towards the responsibility-weighted mean of the component's
        points, where the M-step (without a prior) moves it; when it would
        not move (converged), along the first data axis. An int: along that
        data axis.
    """
    D = X.shape[1]
    if toward is None:
        n_j = resp[:, component].sum()
        if n_j > 0:
            step = resp[:, component] @ X / n_j - means[component]
            length = np.linalg.norm(step)
            scale = max(np.abs(X).max(), np.finfo(float).tiny)
            if length > 1e-12 * scale:  # a converged mean gives no direction of its own
                return step / length
        toward = 0
    direction = np.zeros(D)
    direction[toward] = 1.0
    return direction


def _log_add(rest, moved):
    """``log(exp(rest) + exp(moved))``, (S, N), for ``rest`` (N,) and ``moved`` (S, N).

    Written out because ``np.logaddexp`` took twice as long on (S, N) blocks.
    """
    with np.errstate(invalid="ignore"):
        gap = np.abs(moved - rest)
    top = np.maximum(moved, rest)
    # both -inf (no other component and a zero weight): the sum is 0, its log -inf
    gap[np.isnan(gap)] = np.inf
    np.negative(gap, out=gap)
    np.exp(gap, out=gap)
    np.log1p(gap, out=gap)
    return top + gap


def slice_curves(X, weights, means, covariances, resp, component, kind, values,
                 direction=None, terms: StateTerms | None = None) -> SliceCurves:
    """The log-likelihood and EM's lower bound along a slice through ``(weights, means,
    covariances)``, the bound built on responsibilities ``resp``.

    With ``resp`` the responsibilities of these very parameters the bound
    touches the log-likelihood at parameter 0; with those of the state
    before an M-step and the M-step's parameters, it shows that the M-step
    sits at the bound's peak.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
    resp : ndarray of shape (N, K) or None
        The responsibilities ``r(theta_t)`` the bound is built on; None: those
        of these parameters (the slice through theta_t itself).
    component : int
        Which component moves.
    kind : {"mean", "scale"}
    values : ndarray of shape (S,)
        The slice parameter: ``t`` (standard deviations along ``direction``)
        or ``s`` (``log`` of the covariance's scale factor).
    direction : ndarray of shape (D,), optional
        The mean slice's direction (normalised here); required for ``"mean"``.
    terms : StateTerms, optional
        :func:`state_terms` of these parameters (and ``resp``), when already
        computed; then ``resp`` is not used.

    Returns
    -------
    SliceCurves

    Raises
    ------
    ValueError
        For an unknown kind, a missing direction or a singular covariance.
    """
    if kind not in SLICE_KINDS:
        raise ValueError(f"kind must be one of {SLICE_KINDS}, got {kind!r}")
    X = np.asarray(X, dtype=float)
    values = np.asarray(values, dtype=float)
    j = int(component)
    N, D = X.shape
    if terms is None:
        terms = state_terms(X, weights, means, covariances, resp)
    log_dens, maha, log_w, resp = (terms.log_densities, terms.mahalanobis,
                                   terms.log_weights, terms.resp)
    log_prob = log_dens + log_w
    others = np.delete(log_prob, j, axis=1)
    # log sum over the components that stay put: -inf when j is the only one
    rest = logsumexp(others, axis=1) if others.shape[1] else np.full(N, -np.inf)
    r_j = resp[:, j]
    n_j = float(r_j.sum())
    # Q's terms for the fixed components, and the entropy: constants along the slice
    live = resp > 0
    fixed = np.where(live, resp * np.where(live, log_prob, 0.0), 0.0)
    fixed_q = float(fixed.sum() - fixed[:, j].sum())
    h = entropy(resp)
    base_j = log_dens[:, j]

    if kind == "mean":
        if direction is None:
            raise ValueError("the mean slice needs a direction")
        u = np.asarray(direction, dtype=float)
        u = u / np.linalg.norm(u)
        sigma = float(np.sqrt(u @ covariances[j] @ u))
        a = sigma * u
        # along mu_j + t a: the Mahalanobis distance is q_n - 2 t b_n + t^2 c
        with warnings.catch_warnings():
            # a collapsing covariance is ill-conditioned by nature: the slice is what
            # shows it, and scipy's warning would repeat at every redraw
            warnings.simplefilter("ignore", linalg.LinAlgWarning)
            solved = linalg.solve(covariances[j], a, assume_a="pos")
        b = solved @ (X - means[j]).T
        c = float(a @ solved)
        change = values[:, None] * b[None, :] - 0.5 * c * values[:, None] ** 2
        slope = float(r_j @ b)
        peak = slope / (n_j * c) if n_j > 0 else 0.0
        peak_change = peak * slope - 0.5 * c * n_j * peak ** 2
        bound_change = values * slope - 0.5 * c * n_j * values ** 2
    else:
        q = maha[:, j]
        change = 0.5 * np.outer(-np.expm1(-values), q) - 0.5 * D * values[:, None]
        spread = float(r_j @ q)
        # dB/ds = (exp(-s) sum_n r_nj q_n - D n_j) / 2 is zero at exp(s) = sum r q / (D n_j)
        peak = float(np.log(spread / (D * n_j))) if n_j > 0 and spread > 0 else 0.0
        peak_change = 0.5 * (-np.expm1(-peak)) * spread - 0.5 * D * n_j * peak
        bound_change = 0.5 * (-np.expm1(-values)) * spread - 0.5 * D * n_j * values

    moved = base_j[None, :] + log_w[j] + change
    log_likelihood = _log_add(rest, moved).sum(axis=1)
    base_q_j = float(r_j @ (base_j + log_w[j])) if n_j > 0 else 0.0
    base_bound = fixed_q + base_q_j + h
    return SliceCurves(
        kind=kind, component=j, values=values, log_likelihood=log_likelihood,
        bound=base_bound + bound_change, peak=float(peak),
        peak_bound=float(base_bound + peak_change),
        base_log_likelihood=float(logsumexp(log_prob, axis=1).sum()),
        base_bound=float(base_bound),
    )
