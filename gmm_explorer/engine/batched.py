"""Many fits of the same data stepped together: a batch axis over fits.

At small and medium N an EM iteration costs mostly Python's overhead (some
forty numpy and LAPACK calls of a few microseconds each, whatever the size of
their arrays), and a model-selection grid runs hundreds of fits of a few hundred
points for up to hundreds of iterations each. :func:`run_batch` therefore steps
the fits of one covariance type together: the E-step is one matrix product and
one normalisation over a (B, K_max, N) block (a fit with fewer components is
padded with absent ones, whose responsibilities are exactly zero), and the
M-step and the checks work on the stack of every fit's components at once.

Each fit follows the engine's own arithmetic: its start and its iteration 0
come from :meth:`GaussianMixtureEM.initialize`; its E-step is the engine's
expanded quadratic form with the weights on the row of ones and the same
clamped exponentials; its M-step the engine's sums,
:func:`~gmm_explorer.engine.mstep.central_scatter` (recomputing where the
subtraction would lose digits) and the same ridge. So its states agree with the
recipe run alone to rounding (tested to 1e-10, relative); where the expanded
form would lose digits, the fit's log densities come from whitened differences,
as the engine's would. Whatever the batch does not carry makes a fit leave it,
to be run alone from its recipe as if it had never been batched: a collapse (a
covariance not positive definite or past ``max_condition``, where the policies
act) or a log-likelihood that is not finite. Recipes with a prior are not
batched at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from gmm_explorer.engine import diagnostics, mstep
from gmm_explorer.engine.covariance import cholesky_or_none, n_covariance_parameters
from gmm_explorer.engine.densities import (
    EXPANSION_BOUND,
    LOG_2PI,
    ComponentDensities,
    expanded_map,
    expansion_bounds,
)
from gmm_explorer.engine.estep import fill_products, floored_exp, log_densities_chunk
from gmm_explorer.engine.parallel import blas_limited
from gmm_explorer.engine.state import EMState, shared_ids

#: Most numbers in one batch's (B, K_max, N) block (32 MiB); more fits make more batches.
MAX_BLOCK = 1 << 22
# An absent component's log weight: finite, so that the matrix product stays finite,
# and so low that its responsibility comes out exactly 0 (see estep.LOG_RESP_FLOOR).
_ABSENT = -1e300


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


class _Rows:
    """Row ``k`` of the stacked components' responsibilities, without gathering them all
    (central_scatter reads the few it recomputes)."""

    def __init__(self, resp: np.ndarray, flat: np.ndarray):
        self._resp, self._flat = resp, flat

    def __getitem__(self, k):
        return self._resp[self._flat[k]]


def batchable(recipe) -> bool:
    """Whether the batch can carry ``recipe`` (no prior: its M-step is the engine's alone)."""
    return recipe.settings.prior is None


@blas_limited
def run_batch(recipes: Sequence, indices: Sequence[int], X: np.ndarray,
              finished: Callable[[BatchedFit], None],
              cancel: Callable[[], bool] | None = None) -> bool:
    """Step the ``recipes`` (one covariance type, no prior) together until each ends.

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

    Returns
    -------
    bool
        False when cancelled.
    """
    members = []
    for recipe, index in zip(recipes, indices):
        em = recipe.build(1)
        try:
            em.initialize(X, weights=recipe.weights, means=recipe.means,
                          covariances=recipe.covariances)
        except ValueError as exc:
            finished(BatchedFit(index, error=str(exc)))
            continue
        state = em.history[0]
        if recipe.max_iter == 0:
            finished(BatchedFit(index, state, em.information_criteria()))
        elif state.is_collapsed or not np.isfinite(state.objective):
            finished(BatchedFit(index, left=True))
        else:
            members.append((recipe, index, em))
        if cancel is not None and cancel():
            return False
    if not members:
        return True
    batch = _Batch(X, members)
    while batch.size:
        if cancel is not None and cancel():
            return False
        for fit in batch.step():
            finished(fit)
    return True


class _Batch:
    """The running fits of one covariance type, as stacked arrays.

    All of them started at iteration 0 together, so they share the iteration
    count; per fit they keep their settings (tol, max_iter, ridge,
    max_condition), their last objective and the last E-step's sums.
    """

    def __init__(self, X: np.ndarray, members: list):
        recipes = [recipe for recipe, _, _ in members]
        first = members[0][2]
        self.type = first.covariance_type
        self.X, self.center = X, first._center
        self.data_scale, self.extent = first._data_scale, first._extent
        self.data_log_det = first._data_log_det
        N, D = X.shape
        self.pairs = mstep.moment_pairs(D, self.type)
        width = D + 1 + len(self.pairs[0])
        # [x - centre, 1, products] of every point: the same for every iteration
        self.rows = np.ones((width, N))
        np.subtract(X.T, self.center[:, None], out=self.rows[:D])
        fill_products(self.rows, D, self.pairs)
        self.index = np.array([index for _, index, _ in members])
        self.n_components = np.array([em.n_components for _, _, em in members])
        self.k_max = int(self.n_components.max())
        self.tol = np.array([r.tol for r in recipes])
        self.max_iter = np.array([r.max_iter for r in recipes])
        self.reg = np.array([r.settings.reg_covar for r in recipes])
        self.max_condition = np.array([r.settings.max_condition for r in recipes])
        self.previous = np.array([em.history[0].objective for _, _, em in members])
        self.sums = np.zeros((len(members), self.k_max, width))
        for b, (_, _, em) in enumerate(members):
            self.sums[b, : em.n_components] = em._sums
        self.resp = None  # (B * K_max, N) of the last E-step; iteration 0's is the engines'
        self.engines = [em for _, _, em in members]
        self.iteration = 0
        self._layout_cache = None

    @property
    def size(self) -> int:
        return len(self.index)

    def _layout(self):
        """(flat indices of the real components in the padded (B * K_max) stack, the fit of
        each real component, the first real component of each fit), kept until fits end."""
        if self._layout_cache is None:
            B, K = self.size, self.k_max
            real = np.arange(K)[None, :] < self.n_components[:, None]
            flat = np.flatnonzero(real.ravel())
            fit_of = np.repeat(np.arange(B), self.n_components)
            starts = np.concatenate([[0], np.cumsum(self.n_components)[:-1]])
            self._layout_cache = flat, fit_of, starts
        return self._layout_cache

    def _any_of_fit(self, flags, fit_of):
        """(B,) whether any of each fit's components is flagged."""
        return np.bincount(fit_of, weights=flags, minlength=self.size) > 0

    def step(self) -> list[BatchedFit]:
        """One M-step and one E-step of every fit; the fits that ended or left."""
        self.iteration += 1
        flat, fit_of, starts = self._layout()
        weights, means_c, full = self._m_step(flat, fit_of, starts)
        spec = self._spectrum(full, means_c, fit_of)
        leaving = self._any_of_fit(spec["bad"], fit_of)
        factors, precision, log_norm = self._precisions(spec["lower"], full)
        bounds = expansion_bounds(means_c, precision, self.extent)
        whitened = self._any_of_fit(~(bounds <= EXPANSION_BOUND), fit_of) & ~leaving
        coefficients = expanded_map(means_c, precision, self.pairs)
        with np.errstate(divide="ignore"):
            constant = log_norm + np.log(weights)
        coefficients[:, self.X.shape[1]] += constant
        exact = {}
        for b in np.flatnonzero(whitened):
            part = fit_of == b
            exact[b] = means_c[part], factors[part], log_norm[part], constant[part]
        log_likelihood = self._e_step(coefficients, flat, exact)
        leaving |= ~np.isfinite(log_likelihood)
        N = self.X.shape[0]
        converged = (np.isfinite(log_likelihood) & np.isfinite(self.previous)
                     & (np.abs(log_likelihood - self.previous) / N < self.tol))
        done = (converged | (self.iteration >= self.max_iter)) & ~leaving
        self.previous = log_likelihood
        ended = []
        for b in np.flatnonzero(done | leaving):
            if leaving[b]:
                ended.append(BatchedFit(int(self.index[b]), left=True))
                continue
            part = fit_of == b
            ended.append(self._result(b, weights[part], means_c[part], full[part],
                                      {key: value[part] for key, value in spec.items()
                                       if key != "lower"},
                                      log_likelihood[b], bool(converged[b])))
        if ended:
            self._keep(~(done | leaving))
        return ended

    def _m_step(self, flat, fit_of, starts):
        """The engine's M-step on every running fit's components, stacked (sum K)."""
        D = self.X.shape[1]
        sums = self.sums.reshape(-1, self.sums.shape[2])[flat]
        stats = mstep.statistics_from_sums(sums, D, self.type)
        resp = _Rows(self.resp, flat) if self.resp is not None else _EngineRows(
            self.engines, fit_of, starts)
        scatter = mstep.central_scatter(self.X, self.center, resp, stats, self.type)
        reg = self.reg[fit_of]
        eye = np.eye(D)
        if self.type == "full":
            full = scatter
            full[:, np.arange(D), np.arange(D)] += reg[:, None]
        elif self.type == "tied":
            pooled = np.add.reduceat(stats.counts[:, None, None] * scatter, starts, axis=0)
            pooled /= np.add.reduceat(stats.counts, starts)[:, None, None]
            pooled[:, np.arange(D), np.arange(D)] += self.reg[:, None]
            full = pooled[fit_of]
        elif self.type == "diag":
            full = (scatter + reg[:, None])[:, :, None] * eye
        else:
            full = (scatter.mean(axis=1) + reg)[:, None, None] * eye
        weights = stats.counts / np.add.reduceat(stats.counts, starts)[fit_of]
        return weights, stats.means, full

    def _spectrum(self, full, means_c, fit_of) -> dict:
        """The engine's checks on each component (see diagnostics.spectrum)."""
        eigenvalues = np.linalg.eigvalsh(full)
        try:  # one call for the stack; a failure means some component is not positive definite
            lower = np.linalg.cholesky(full)
            factored = np.ones(len(full), dtype=bool)
        except np.linalg.LinAlgError:
            factors = [cholesky_or_none(m) for m in full]
            factored = np.array([f is not None for f in factors])
            lower = np.array([f if f is not None else np.eye(full.shape[1]) for f in factors])
        floor = diagnostics.resolution_floor(means_c + self.center, self.data_scale)
        positive = factored & (eigenvalues[:, 0] > floor)
        with np.errstate(divide="ignore", invalid="ignore"):
            condition = eigenvalues[:, -1] / eigenvalues[:, 0]
        condition = np.where(positive & (eigenvalues[:, 0] > 0), condition, np.inf)
        bad = ~positive | (condition > self.max_condition[fit_of])
        return {"eigenvalues": eigenvalues, "condition": condition, "positive": positive,
                "bad": bad, "lower": lower}

    def _precisions(self, lower, full):
        """Whitening factors and precisions (sum K, D, D), log normalising constants (sum K,)."""
        D = full.shape[1]
        factors = np.linalg.inv(lower).transpose(0, 2, 1)
        log_norm = -np.sum(np.log(np.diagonal(lower, axis1=1, axis2=2)), axis=1) \
            - 0.5 * D * LOG_2PI
        if self.type in ("diag", "spherical"):
            diagonal = np.diagonal(factors, axis1=1, axis2=2)
            precision = diagonal[:, :, None] * diagonal[:, None, :] * np.eye(D)
        else:
            precision = factors @ factors.transpose(0, 2, 1)
        return factors, precision, log_norm

    def _e_step(self, coefficients, flat, exact: dict):
        """Responsibilities, sums and each fit's log-likelihood, as the engine's E-step.

        ``exact`` maps a fit whose numbers the expanded form cannot evaluate to
        its digits to its (means, factors, log_norm, constant): its log
        densities come from the whitened differences, as the engine's would.
        """
        B, K = self.size, self.k_max
        width, N = self.rows.shape
        D = self.X.shape[1]
        stacked = np.zeros((B * K, width))
        stacked[:, D] = _ABSENT
        stacked[flat] = coefficients
        block = stacked @ self.rows
        log_prob = block.reshape(B, K, N)
        for b, (means_c, factors, log_norm, constant) in exact.items():
            kinds = ["cholesky"] * len(means_c)
            dens = ComponentDensities(means_c, kinds, factors, log_norm, [None] * len(kinds),
                                      support_tol=0.0)
            log_densities_chunk(self.rows[: D + 1], dens, dens.augmented, constant,
                                log_prob[b, : len(kinds)])
        peak = log_prob.max(axis=1)
        with np.errstate(invalid="ignore", over="ignore"):
            log_prob -= peak[:, None, :]
            floored_exp(log_prob)
            total = log_prob.sum(axis=1)
            log_prob *= (1.0 / total)[:, None, :]
            point = peak + np.log(total)
        log_likelihood = point.sum(axis=1)
        log_likelihood[~np.all(np.isfinite(peak), axis=1)] = np.nan
        self.resp = block
        self.engines = []  # iteration 0's responsibilities are no longer read
        self.sums = np.dot(block, self.rows.T).reshape(B, K, width)
        return log_likelihood

    def _result(self, b, weights, means_c, full, spec, log_likelihood,
                converged) -> BatchedFit:
        K, D = means_c.shape
        N = self.X.shape[0]
        resp = self.resp.reshape(self.size, self.k_max, N)[b, :K]
        with np.errstate(divide="ignore"):
            classification = np.sum(np.log(resp.max(axis=0)))
        counts = self.sums[b, :K, D].copy()
        status = diagnostics.component_status(spec["eigenvalues"], spec["condition"],
                                              spec["positive"], counts,
                                              float(self.max_condition[b]), self.data_log_det)
        state = EMState(
            iteration=self.iteration, weights=weights, means=means_c + self.center,
            covariances=full, log_likelihood=float(log_likelihood),
            objective=float(log_likelihood), condition_numbers=spec["condition"],
            effective_counts=counts, component_status=status, converged=converged,
            eigenvalues=spec["eigenvalues"], covariance_type=self.type,
            component_ids=shared_ids(np.arange(K)))
        n_parameters = n_covariance_parameters(self.type, K, D) + K * D + K - 1
        deviance = -2.0 * float(log_likelihood)
        bic = deviance + n_parameters * np.log(N)
        criteria = {"bic": bic, "icl": bic - 2.0 * float(classification),
                    "aic": deviance + 2.0 * n_parameters}
        return BatchedFit(int(self.index[b]), state, criteria)

    def _keep(self, keep: np.ndarray) -> None:
        """Drop the fits that ended from every per-fit array."""
        B, K = self.size, self.k_max
        self._layout_cache = None
        resp = self.resp.reshape(B, K, -1)[keep]
        for name in ("index", "n_components", "tol", "max_iter", "reg", "max_condition",
                     "previous", "sums"):
            setattr(self, name, getattr(self, name)[keep])
        if self.size:
            self.k_max = int(self.n_components.max())
            self.sums = self.sums[:, : self.k_max]
            resp = resp[:, : self.k_max]
        self.resp = resp.reshape(-1, resp.shape[-1])


class _EngineRows:
    """Responsibilities of iteration 0, which the engines hold, as stacked rows."""

    def __init__(self, engines, fit_of, starts):
        self._engines, self._fit_of, self._starts = engines, fit_of, starts

    def __getitem__(self, k):
        b = self._fit_of[k]
        return self._engines[b]._resp[k - self._starts[b]]
