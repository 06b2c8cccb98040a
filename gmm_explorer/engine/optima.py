"""Which fitted mixtures reached the same local optimum of the likelihood.

EM from different starts ends in different local maxima, or in a collapse.
:func:`group_optima` sorts final states into groups, one per optimum, so that
a person can see how many starts found each answer (the window's atlas of
starts) and whether the best one is rare.

Two final states are the same optimum when

- they have the same number of components K (different K never match);
- after matching their components with the Hungarian method
  (:func:`scipy.optimize.linear_sum_assignment`, so that label switching does
  not matter), every matched pair of components agrees: the distance between
  their means plus the difference of their covariances, both in units of the
  data's spread, is at most ``param_tol``;
- their log-likelihoods agree within ``max(ll_atol, ll_rtol * |LL|)``.

Why these tolerances: EM stops when the objective changes by less than ``tol``
per data point, not at the optimum itself, so two starts that climb the same
hill stop at slightly different places. A fit run to ``tol = 1e-6`` per point
(the command line's default) lands within about a thousandth of a nat of the
top on small data, hence the defaults ``ll_atol = 1e-3`` nat and
``ll_rtol = 1e-6`` (for large data, where |LL| is large and round-off grows
with it). Looser stop rules (the window's default ``tol = 1e-3`` per point)
need a looser ``ll_atol``: :func:`likelihood_tolerance` gives one from the
stop rule. The parameters carry most of the decision: distinct optima differ
by a large fraction of the data's spread in some mean or covariance, far
above ``param_tol = 0.05`` (5 % of a standard deviation).

Collapsed fits (a singular covariance, a non-finite log-likelihood, or a fit
the engine refused) are no optimum: they form groups of their own, one per K,
never merged with sound ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from gmm_explorer.engine.state import EMState

#: Default tolerances; see the module's docstring for why.
PARAM_TOL = 0.05
LL_ATOL = 1e-3
LL_RTOL = 1e-6


@dataclass(frozen=True)
class Group:
    """Fits that reached one optimum (or that collapsed).

    Attributes
    ----------
    members : tuple of int
        Indices into the sequence given to :func:`group_optima`, best first.
    best_log_likelihood : float
        The best member's log-likelihood; NaN for a group of collapsed fits
        without a finite one.
    representative : int
        Index of the best member (the first of ``members``).
    state : EMState or None
        The representative's final state (None when the engine refused it).
    collapsed : bool
        True for a group of collapsed or refused fits.
    n_components : int
        K of the group's states (0 when unknown: refused fits).
    """

    members: tuple
    best_log_likelihood: float
    representative: int
    state: EMState | None
    collapsed: bool = False
    n_components: int = 0

    @property
    def count(self) -> int:
        """How many fits are in the group."""
        return len(self.members)


def data_spread(X) -> np.ndarray:
    """Each column's standard deviation, (D,), with 1 where a column is constant.

    Parameters
    ----------
    X : array-like of shape (N, D)
    """
    scale = np.std(np.asarray(X, dtype=float), axis=0)
    return np.where(scale > 0, scale, 1.0)


def likelihood_tolerance(tol: float, n_samples: int) -> float:
    """An absolute log-likelihood tolerance for fits stopped by ``tol`` per data point.

    At the stop the objective changed by less than ``tol * N`` in the last
    iteration; EM converges linearly, so the distance left to the top is a few
    times that. Ten times it (and never below :data:`LL_ATOL`) keeps one
    optimum in one group; the parameters still tell distinct optima apart.

    Parameters
    ----------
    tol : float
        The engine's ``tol`` (per data point).
    n_samples : int
        N.
    """
    return max(LL_ATOL, 10.0 * float(tol) * int(n_samples))


def component_distances(a: EMState, b: EMState, scale) -> tuple[np.ndarray, np.ndarray]:
    """Match ``b``'s components to ``a``'s and give each matched pair's distance.

    Parameters
    ----------
    a, b : EMState
        Same K and D.
    scale : float or array-like of shape (D,)
        The data's spread per column: means are compared in these units and
        covariances in their products.

    Returns
    -------
    order : ndarray of shape (K,)
        ``b``'s component matched to each of ``a``'s.
    distance : ndarray of shape (K,)
        ``sqrt(|dmu / s|^2 + ||dSigma / (s s^T)||_F^2)`` for each matched pair.
    """
    s = np.broadcast_to(np.asarray(scale, dtype=float), (a.n_features,))
    ma, mb = a.means / s, b.means / s
    outer = np.outer(s, s)
    ca, cb = a.covariances / outer, b.covariances / outer
    mean_cost = np.sum((ma[:, None, :] - mb[None, :, :]) ** 2, axis=-1)          # (K, K)
    cov_cost = np.sum((ca[:, None] - cb[None, :]) ** 2, axis=(-2, -1))           # (K, K)
    cost = mean_cost + cov_cost
    rows, cols = linear_sum_assignment(cost)
    order = np.empty(len(rows), dtype=int)
    order[rows] = cols
    return order, np.sqrt(cost[rows, cols])[np.argsort(rows)]


def same_optimum(a: EMState, b: EMState, scale, param_tol: float = PARAM_TOL,
                 ll_atol: float = LL_ATOL, ll_rtol: float = LL_RTOL) -> bool:
    """Whether two sound final states are the same optimum (see the module's docstring).

    Parameters
    ----------
    a, b : EMState
    scale : float or array-like of shape (D,)
        The data's spread per column (:func:`data_spread`).
    param_tol, ll_atol, ll_rtol : float
        Tolerances on matched components and on log-likelihoods.
    """
    if a.n_components != b.n_components or a.n_features != b.n_features:
        return False
    la, lb = a.log_likelihood, b.log_likelihood
    if abs(la - lb) > max(ll_atol, ll_rtol * max(abs(la), abs(lb))):
        return False
    _, distance = component_distances(a, b, scale)
    return bool(np.all(distance <= param_tol))


def _is_sound(state: EMState | None, collapsed: bool) -> bool:
    return state is not None and not collapsed and bool(np.isfinite(state.log_likelihood))


def group_optima(states: Sequence[EMState | None], data_scale, *,
                 collapsed: Sequence[bool] | None = None, param_tol: float = PARAM_TOL,
                 ll_atol: float = LL_ATOL, ll_rtol: float = LL_RTOL) -> list[Group]:
    """Group final states by the optimum they reached, best first.

    States are taken from the best log-likelihood down; each joins the first
    group whose best state it matches (:func:`same_optimum`), else founds a
    new one. Comparing with the group's best (not with any member) keeps a
    chain of small differences from merging two optima.

    Parameters
    ----------
    states : sequence of EMState or None
        Final states (None: a fit the engine refused).
    data_scale : float or array-like of shape (D,)
        The data's spread per column (:func:`data_spread`).
    collapsed : sequence of bool, optional
        Per state, whether its fit collapsed (``FitResult.collapsed``); a
        singular component or a non-finite log-likelihood counts as
        collapsed anyway.
    param_tol, ll_atol, ll_rtol : float
        Tolerances; see the module's docstring.

    Returns
    -------
    list of Group
        Sound groups by best log-likelihood, descending, then the collapsed
        groups (one per K, most members first). Every index appears in
        exactly one group.
    """
    flags = [False] * len(states) if collapsed is None else [bool(c) for c in collapsed]
    if len(flags) != len(states):
        raise ValueError(f"collapsed has {len(flags)} flags for {len(states)} states")
    sound = [i for i, s in enumerate(states)
             if _is_sound(s, flags[i]) and not s.is_collapsed]
    sound.sort(key=lambda i: -states[i].log_likelihood)
    founders: list[int] = []
    members: list[list[int]] = []
    for i in sound:
        for g, founder in enumerate(founders):
            if same_optimum(states[founder], states[i], data_scale, param_tol, ll_atol, ll_rtol):
                members[g].append(i)
                break
        else:
            founders.append(i)
            members.append([i])
    groups = [Group(tuple(m), float(states[m[0]].log_likelihood), m[0], states[m[0]],
                    False, states[m[0]].n_components) for m in members]

    taken = set(sound)
    by_k: dict[int, list[int]] = {}
    for i, s in enumerate(states):
        if i not in taken:
            by_k.setdefault(0 if s is None else s.n_components, []).append(i)
    bad = []
    for k, idx in by_k.items():
        finite = [i for i in idx if states[i] is not None
                  and np.isfinite(states[i].log_likelihood)]
        finite.sort(key=lambda i: -states[i].log_likelihood)
        ordered = finite + [i for i in idx if i not in finite]
        best = states[ordered[0]].log_likelihood if finite else float("nan")
        bad.append(Group(tuple(ordered), float(best), ordered[0], states[ordered[0]], True, k))
    bad.sort(key=lambda g: -g.count)
    return groups + bad


def group_results(results, data_scale, **tolerances) -> list[Group]:
    """:func:`group_optima` over :class:`~gmm_explorer.engine.fits.FitResult` objects.

    Group members are positions in ``results`` (not the results' ``index``).

    Parameters
    ----------
    results : sequence of FitResult
    data_scale : float or array-like of shape (D,)
    **tolerances
        ``param_tol``, ``ll_atol``, ``ll_rtol``.
    """
    return group_optima([r.state for r in results], data_scale,
                        collapsed=[r.collapsed or r.error is not None for r in results],
                        **tolerances)
