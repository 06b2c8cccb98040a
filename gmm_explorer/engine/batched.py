"""Many fits of the same data stepped together: a batch axis over fits.

At small and medium N an EM iteration costs mostly Python's overhead (some
forty numpy and LAPACK calls of a few microseconds each, whatever the size of
their arrays), and a model-selection grid runs hundreds of fits of a few hundred
points for up to hundreds of iterations each. :func:`run_batch` therefore steps
the fits together, whatever their K and covariance type: the E-step is one
matrix product and one normalisation over a (fits, K, N) block for each K, the
checks work on the stack of every fit's components at once, and the M-step on
the stack of each covariance type's.

Each fit follows the engine's own arithmetic: its start and its iteration 0
come from :meth:`GaussianMixtureEM.initialize`; its E-step is the engine's
expanded quadratic form with the weights on the row of ones and the same
clamped exponentials; its M-step the engine's sums,
:func:`~gmm_explorer.engine.mstep.central_scatter` (recomputing where the
subtraction would lose digits) and the same ridge. So its states agree with the
recipe run alone to rounding (tested to 1e-10, relative); where the expanded
form would lose digits, the fit's log densities come from whitened differences,
as the engine's would. The factorisations (numpy's stacked Cholesky and inverse
against LAPACK's per component) and some sums are rounded differently, so where
the data barely determine EM's path (two components sharing one tight cluster,
their weights split almost freely) the difference grows as EM iterates, as it
would between two machines: up to 1e-7 relative was seen in such a fit.
Whatever the batch does not carry makes a fit leave it, to be run alone from its
recipe as if it had never been batched: a collapse (a covariance not positive
definite or past ``max_condition``, where the policies act) or a log-likelihood
that is not finite. Recipes with a prior are not batched at all. The stacked
M-step, checks and precisions are :mod:`~gmm_explorer.engine.stacked`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from gmm_explorer.engine import diagnostics, mstep, stacked
from gmm_explorer.engine.covariance import n_covariance_parameters, to_full
from gmm_explorer.engine.densities import (
    EXPANSION_BOUND,
    ComponentDensities,
    expanded_map,
    expansion_bounds,
)
from gmm_explorer.engine.estep import fill_products, floored_exp, log_densities_chunk
from gmm_explorer.engine.parallel import ChunkPool, blas_limited, check_n_jobs
from gmm_explorer.engine.state import EMState, shared_ids

#: Most numbers in one batch's responsibilities (sum of K times N: 32 MiB); more fits
#: make more batches.
MAX_BLOCK = 1 << 22
# Numbers in one piece of the E-step (1 MiB): in a core's cache.
_PIECE = 1 << 17
# Below this many numbers an E-step's pieces stay on one thread: a grid of small fits
# (Old Faithful's) took 1.7 s with two workers against 1.4 s with one, every numpy call
# there being too short for two threads not to wait on each other; 120 fits of 10,000
# points took 0.85 of one worker's time with two.
_SHARED_WORK = 1 << 21


@dataclass
class BatchedFit:
    """One recipe's fit as the batch ends it.

    Attributes
    ----------
    index : int
        The recipe's position in the list given to :func:`run_batch`.
    state : EMState or None
        The final state; None when the fit left the batch (``left``).
    criteria : dict or None
        ``{"bic": ..., "icl": ..., "aic": ...}`` of the final state.
    error : str or None
        Why the engine refused the recipe.
    left : bool
        The fit left the batch: run it alone.
    """

    index: int
    state: EMState | None = None
    criteria: dict | None = None
    error: str | None = None
    left: bool = False


def batchable(recipe) -> bool:
    """Whether the batch can carry ``recipe`` (no prior: its M-step is the engine's alone)."""
    return recipe.settings.prior is None


@blas_limited
def run_batch(recipes: Sequence, indices: Sequence[int], X: np.ndarray,
              finished: Callable[[BatchedFit], None],
              cancel: Callable[[], bool] | None = None, n_jobs: int | None = None) -> bool:
    """Step the ``recipes`` (any K and covariance type, no prior) together until each ends.

    Parameters
    ----------
    recipes : sequence of FitRecipe
    indices : sequence of int
        Each recipe's index, reported back in its :class:`BatchedFit`.
    X : ndarray of shape (N, D)
        Checked data.
    finished : callable
        ``finished(fit)`` as each fit ends, leaves the batch, or fails to start.
    cancel : callable, optional
        Asked between iterations; True stops (the unfinished fits are not reported).
    n_jobs : int, optional
        Worker threads for the E-step's pieces (None: every core); the results
        do not depend on it.

    Returns
    -------
    bool
        False when cancelled.
    """
    members = []
    prepared = None  # an engine initialised on X: its checks and summaries serve every fit
    for recipe, index in zip(recipes, indices):
        em = recipe.build(1)
        try:
            if prepared is None or any(p is not None for p in
                                       (recipe.weights, recipe.means, recipe.covariances)):
                em.initialize(X, weights=recipe.weights, means=recipe.means,
                              covariances=recipe.covariances)
                if prepared is None:
                    prepared = em
                start = em._params
            else:
                start = em._start_on(prepared)
        except ValueError as exc:
            finished(BatchedFit(index, error=str(exc)))
            continue
        members.append((recipe, index, em, start))
        if cancel is not None and cancel():
            return False
    if not members:
        return True
    batch = _Batch(X, members, prepared, ChunkPool(check_n_jobs(n_jobs)))
    while batch.size:
        if cancel is not None and cancel():
            return False
        for fit in batch.step():
            finished(fit)
    return True


class _Batch:
    """The running fits, as stacked arrays.

    All of them start at iteration 0 together (the first step evaluates their
    starts), so they share the iteration count; per fit they keep their
    covariance type and settings (tol,
    max_iter, ridge, max_condition), their last objective and whether it
    changed by less than ``tol`` (the engine's stopping rule), per component
    the last E-step's sums and responsibilities. The fits are kept in order of
    K, so that the fits of one K make one unpadded (fits, K, N) block of the
    E-step. The rows every fit reads hold all products of coordinates (a
    diagonal model's map has zeros on the cross products, which add exact
    zeros), so one matrix product serves every type.
    """

    def __init__(self, X: np.ndarray, members: list, prepared, pool: ChunkPool):
        members = sorted(members, key=lambda member: member[2].n_components)
        recipes = [recipe for recipe, _, _, _ in members]
        self.X, self.center, self.pool = X, prepared._center, pool
        self.data_scale, self.extent = prepared._data_scale, prepared._extent
        self.data_log_det = prepared._data_log_det
        N, D = X.shape
        self.pairs = mstep.moment_pairs(D, "full")
        # a diagonal model's sums: the first moments, the counts and the squares
        self._square_columns = np.concatenate(
            [np.arange(D + 1), D + 1 + np.flatnonzero(self.pairs[0] == self.pairs[1])])
        # [x - centre, 1, products] of every point: the same for every iteration
        self.rows = np.ones((D + 1 + len(self.pairs[0]), N))
        np.subtract(X.T, self.center[:, None], out=self.rows[:D])
        fill_products(self.rows, D, self.pairs)
        self.index = np.array([index for _, index, _, _ in members])
        self.types = np.array([em.covariance_type for _, _, em, _ in members])
        self.n_components = np.array([em.n_components for _, _, em, _ in members])
        self.tol = np.array([r.tol for r in recipes])
        self.max_iter = np.array([r.max_iter for r in recipes])
        self.reg = np.array([r.settings.reg_covar for r in recipes])
        self.max_condition = np.array([r.settings.max_condition for r in recipes])
        self.previous = np.full(len(members), np.nan)
        self.settled = np.zeros(len(members), dtype=bool)  # changed by less than tol
        # the starts, stacked as the M-step's results are: evaluated by the first step
        self._starts = (
            np.concatenate([w for _, _, _, (w, _, _) in members]),
            np.concatenate([m for _, _, _, (_, m, _) in members]) - self.center,
            np.concatenate([to_full(c, em.covariance_type, em.n_components, D)
                            for _, _, em, (_, _, c) in members]))
        self.sums = None
        self._blocks: list = []  # (first component, its rows) of the last E-step
        self._block_starts = np.zeros(0, dtype=np.intp)
        self._resp_of = np.zeros(0, dtype=np.intp)  # each component's row among the blocks
        self.iteration = 0
        self._layout_cache = None

    @property
    def size(self) -> int:
        return len(self.index)

    def _layout(self):
        """(the fit of each component, the first component of each fit, per covariance
        type its components and the first of each of its fits, per K its fits and
        components), kept until fits end."""
        if self._layout_cache is None:
            fit_of = np.repeat(np.arange(self.size), self.n_components)
            starts = np.concatenate([[0], np.cumsum(self.n_components)[:-1]]).astype(np.intp)
            by_type = []
            for covariance_type in np.unique(self.types):
                components = np.flatnonzero(self.types[fit_of] == covariance_type)
                owners = fit_of[components]
                local = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
                by_type.append((str(covariance_type), components, local))
            by_k = []
            N = self.X.shape[0]
            for k in np.unique(self.n_components):
                fits = np.flatnonzero(self.n_components == k)  # consecutive: kept in order of K
                # pieces of about _PIECE numbers: in cache, and shared among the workers
                step = max(1, _PIECE // (int(k) * N))
                for f0 in range(int(fits[0]), int(fits[-1]) + 1, step):
                    f1 = min(f0 + step, int(fits[-1]) + 1)
                    by_k.append((int(k), f0, f1, int(starts[f0]),
                                 int(starts[f0]) + (f1 - f0) * int(k)))
            self._layout_cache = fit_of, starts, by_type, by_k
        return self._layout_cache

    def _any_of_fit(self, flags, fit_of):
        """(B,) whether any of each fit's components is flagged."""
        return np.bincount(fit_of, weights=flags, minlength=self.size) > 0

    def resp_rows(self, first: int, count: int) -> np.ndarray:
        """(count, N) responsibilities of components ``first`` to ``first + count - 1``
        (one fit's, or fewer) under the last E-step."""
        row = self._resp_of[first]
        g = int(np.searchsorted(self._block_starts, row, side="right")) - 1
        start, block = self._blocks[g]
        return block[row - start: row - start + count]

    def step(self) -> list[BatchedFit]:
        """One M-step and one E-step of every fit (the first: the starts' E-step);
        the fits that ended or left."""
        fit_of, starts, by_type, by_k = self._layout()
        if self._starts is not None:  # iteration 0
            (weights, means_c, full), self._starts = self._starts, None
        else:
            self.iteration += 1
            weights, means_c, full = self._m_step(fit_of, by_type)
            weights /= np.add.reduceat(weights, starts)[fit_of]
        spec = self._spectrum(full, means_c, fit_of)
        leaving = self._any_of_fit(spec["bad"], fit_of)
        factors, precision, log_norm = stacked.precisions(spec["lower"])
        bounds = expansion_bounds(means_c, precision, self.extent)
        whitened = self._any_of_fit(~(bounds <= EXPANSION_BOUND), fit_of) & ~leaving
        coefficients = expanded_map(means_c, precision, self.pairs)
        with np.errstate(divide="ignore"):
            constant = log_norm + np.log(weights)
        coefficients[:, self.X.shape[1]] += constant
        exact = {}
        for b in np.flatnonzero(whitened):
            part = slice(starts[b], starts[b] + self.n_components[b])
            exact[b] = means_c[part], factors[part], log_norm[part], constant[part]
        log_likelihood = self._e_step(coefficients, exact, by_k)
        leaving |= ~np.isfinite(log_likelihood)
        N = self.X.shape[0]
        # the engine's (scikit-learn's) rule: the change between the two E-steps before
        # this M-step decides, so a fit that settled last time ends after this M-step
        converged = self.settled.copy()
        self.settled = (np.isfinite(log_likelihood) & np.isfinite(self.previous)
                        & (np.abs(log_likelihood - self.previous) / N < self.tol))
        done = (converged | (self.iteration >= self.max_iter)) & ~leaving
        self.previous = log_likelihood
        ended = []
        for b in np.flatnonzero(done | leaving):
            if leaving[b]:
                ended.append(BatchedFit(int(self.index[b]), left=True))
                continue
            part = slice(starts[b], starts[b] + self.n_components[b])
            ended.append(self._result(b, starts[b], weights[part], means_c[part], full[part],
                                      {key: value[part] for key, value in spec.items()
                                       if key != "lower"},
                                      log_likelihood[b], bool(converged[b])))
        if ended:
            self._keep(~(done | leaving), fit_of)
        return ended

    def _m_step(self, fit_of, by_type):
        """The engine's M-step on every running fit's components (see
        :func:`~gmm_explorer.engine.stacked.m_step`)."""
        return stacked.m_step(self.X, self.center, self.sums, self.reg[fit_of], by_type,
                              self._square_columns, lambda c: _Rows(self, c))

    def _spectrum(self, full, means_c, fit_of) -> dict:
        """The engine's checks on each component (:func:`~gmm_explorer.engine.stacked.spectrum`)."""
        return stacked.spectrum(full, means_c + self.center, self.data_scale,
                                self.max_condition[fit_of])

    def _e_step(self, coefficients, exact: dict, by_k):
        """Responsibilities, sums and each fit's log-likelihood, as the engine's E-step,
        one (fits, K, N) block per piece of the fits of one K, the pieces shared among
        the worker threads (each writes only its own fits' numbers, so the result is the
        same for any number of workers).

        ``exact`` maps a fit whose numbers the expanded form cannot evaluate to
        its digits to its (means, factors, log_norm, constant): its log
        densities come from the whitened differences, as the engine's would.
        """
        log_likelihood = np.empty(self.size)
        sums = np.empty((int(self.n_components.sum()), self.rows.shape[0]))

        def pieces(first: int, stop: int) -> list:
            return [self._e_step_piece(coefficients, exact, piece, log_likelihood, sums)
                    for piece in by_k[first:stop]]

        work = len(sums) * self.X.shape[0]
        blocks = self.pool.map_groups(pieces, len(by_k), work if work >= _SHARED_WORK else 0)
        self.sums = sums
        self._blocks = blocks
        self._block_starts = np.array([c0 for c0, _ in blocks], dtype=np.intp)
        self._resp_of = np.arange(len(sums))
        return log_likelihood

    def _e_step_piece(self, coefficients, exact, piece, log_likelihood, sums):
        """The E-step of the fits ``f0:f1`` (all with K components, ``c0:c1``): fills
        their log-likelihoods and sums; (c0, their (fits * K, N) responsibilities)."""
        k, f0, f1, c0, c1 = piece
        D, N = self.X.shape[1], self.X.shape[0]
        block = coefficients[c0:c1] @ self.rows
        log_prob = block.reshape(f1 - f0, k, N)
        for b in [b for b in exact if f0 <= b < f1]:
            means_c, factors, log_norm, constant = exact[b]
            dens = ComponentDensities(means_c, ["cholesky"] * k, factors, log_norm,
                                      [None] * k, support_tol=0.0)
            log_densities_chunk(self.rows[: D + 1], dens, dens.augmented, constant,
                                log_prob[b - f0])
        peak = log_prob.max(axis=1)
        with np.errstate(invalid="ignore", over="ignore"):
            log_prob -= peak[:, None, :]
            floored_exp(log_prob)
            total = log_prob.sum(axis=1)
            log_prob *= (1.0 / total)[:, None, :]
            point = peak + np.log(total)
        log_likelihood[f0:f1] = point.sum(axis=1)
        log_likelihood[f0:f1][~np.all(np.isfinite(peak), axis=1)] = np.nan
        sums[c0:c1] = np.dot(block, self.rows.T)
        return c0, block

    def _result(self, b, first, weights, means_c, full, spec, log_likelihood,
                converged) -> BatchedFit:
        K, D = means_c.shape
        N = self.X.shape[0]
        with np.errstate(divide="ignore"):
            classification = np.sum(np.log(self.resp_rows(first, K).max(axis=0)))
        counts = self.sums[first:first + K, D].copy()
        covariance_type = str(self.types[b])
        status = diagnostics.component_status(spec["eigenvalues"], spec["condition"],
                                              spec["positive"], counts,
                                              float(self.max_condition[b]), self.data_log_det)
        state = EMState(
            iteration=self.iteration, weights=weights, means=means_c + self.center,
            covariances=full, log_likelihood=float(log_likelihood),
            objective=float(log_likelihood), condition_numbers=spec["condition"],
            effective_counts=counts, component_status=status, converged=converged,
            eigenvalues=spec["eigenvalues"], covariance_type=covariance_type,
            component_ids=shared_ids(np.arange(K)))
        n_parameters = n_covariance_parameters(covariance_type, K, D) + K * D + K - 1
        deviance = -2.0 * float(log_likelihood)
        bic = deviance + n_parameters * np.log(N)
        criteria = {"bic": bic, "icl": bic - 2.0 * float(classification),
                    "aic": deviance + 2.0 * n_parameters}
        return BatchedFit(int(self.index[b]), state, criteria)

    def _keep(self, keep: np.ndarray, fit_of: np.ndarray) -> None:
        """Drop the fits that ended from every per-fit and per-component array."""
        self._layout_cache = None
        for name in ("index", "types", "n_components", "tol", "max_iter", "reg",
                     "max_condition", "previous", "settled"):
            setattr(self, name, getattr(self, name)[keep])
        kept = keep[fit_of]
        self.sums = self.sums[kept]
        self._resp_of = self._resp_of[kept]


class _Rows:
    """Row ``k`` of the responsibilities of ``components``, without gathering them all
    (central_scatter reads the few it recomputes)."""

    def __init__(self, batch: _Batch, components: np.ndarray):
        self._batch, self._components = batch, components

    def __getitem__(self, k):
        return self._batch.resp_rows(int(self._components[k]), 1)[0]
