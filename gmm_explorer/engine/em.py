"""``GaussianMixtureEM``: EM one iteration at a time, with an explicit account of
singular covariances.

The class keeps the run's invariants together (data, parameters, the kept
responsibilities, history, collapse policies, rewind), which is why this module is
longer than most; what a fitted mixture answers afterwards (responsibilities,
predict, score, sample, BIC, and a model made from given parameters) lives in
:mod:`~gmm_explorer.engine.scoring`, the collapse policies in
:mod:`~gmm_explorer.engine.policies`, drawing a start in
:mod:`~gmm_explorer.engine.start_drawing`.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_explorer.engine import densities, diagnostics, estep, mstep
from gmm_explorer.engine.covariance import data_covariance, from_full, to_full
from gmm_explorer.engine.errors import SingularCovarianceError
from gmm_explorer.engine.options import check_settings
from gmm_explorer.engine.parallel import ChunkPool, blas_limited, check_n_jobs
from gmm_explorer.engine.random_state import check_random_state
from gmm_explorer.engine.policies import CollapsePolicies
from gmm_explorer.engine.scoring import FittedMixtureMethods
from gmm_explorer.engine.start_drawing import StartDrawing
from gmm_explorer.engine.prior import (ConjugatePrior, check_prior_scale, log_prior,
                                       map_covariances, map_means)
from gmm_explorer.engine.state import EMState, shared_ids
from gmm_explorer.engine.thinning import ThinnedHistory
from gmm_explorer.engine.validation import (
    check_covariances, check_data, check_integer, check_means, check_n_components,
    check_positive, check_spread, check_weights,
)

_SETTINGS = ("n_components", "covariance_type", "reg_covar", "prior", "on_collapse", "init",
             "max_condition", "random_state", "tol", "init_covariance_scale", "n_jobs")


class GaussianMixtureEM(CollapsePolicies, StartDrawing, FittedMixtureMethods, ThinnedHistory):
    """Expectation-maximisation for a Gaussian mixture, one iteration at a time.

    Parameters
    ----------
    n_components : int
        K, the number of Gaussians.
    covariance_type : {"full", "tied", "diag", "spherical"}
        scikit-learn's meanings: one full matrix per component, one full
        matrix shared by all, one diagonal per component, one variance per
        component.
    reg_covar : float
        Added to the diagonal of every covariance after each M-step, exactly
        as scikit-learn's ``reg_covar``. It keeps covariances invertible but
        does not stop a component from shrinking onto one point: its
        covariance then becomes ``reg_covar * I`` (status ``"degenerate"``).
    prior : {None, "conjugate"}
        None: maximum likelihood. ``"conjugate"``: maximum a posteriori with
        the default conjugate prior of Fraley & Raftery (2007), as in R's
        mclust (see :mod:`gmm_explorer.engine.prior`); it keeps every
        covariance away from singular.
    on_collapse : {"stop", "reinitialize", "remove", "continue"}
        What to do after an M-step leaves a covariance singular (not positive
        definite in float64, or condition number above ``max_condition``):

        ``"stop"``
            Return that state with ``collapse`` set and halt; the next
            :meth:`step` raises :class:`SingularCovarianceError`.
        ``"reinitialize"``
            Re-seed the component at the worst-explained data point with the
            data's covariance and go on.
        ``"remove"``
            Drop the component and renormalise the weights (K shrinks).
        ``"continue"``
            Go on the way scipy's ``multivariate_normal(allow_singular=True)``
            would. A singular covariance has no inverse and a zero
            determinant, so scipy uses the *pseudo*-inverse and the
            *pseudo*-determinant: it keeps only the directions in which the
            component still has spread (its non-zero eigenvalues) and
            measures density *within* the flat set the component lives on (a
            point, a line, a plane). Points off that set get density zero;
            points on it get a finite number, but that number is a density
            in fewer dimensions than the others, like comparing a length
            with an area. So responsibilities and the log-likelihood scipy
            reports (kept here as ``pseudo_log_likelihood``) are not
            comparable with those of the healthy components, and the true
            log-likelihood is infinite (``log_likelihood = inf``) as soon as
            the collapsed component sits on a data point.
    init : {"k-means++", "kmeans", "random", "random_from_data", "random_integers", \
"hierarchical"}
        The start (see :mod:`gmm_explorer.engine.starts`); parameters given to
        :meth:`initialize` override it. "hierarchical" draws no random numbers.
    max_condition : float
        A covariance whose 2-norm condition number exceeds this counts as
        singular.
    random_state : None, int or numpy.random.RandomState
    tol : float
        scikit-learn's stopping rule. :meth:`step` compares the ``objective``
        per data point of the two states before its M-step (the parameters
        before the previous M-step and after it); when they differ by less
        than ``tol`` its new state is marked ``converged`` and :meth:`run`
        stops there. So EM takes one M-step after the change fell below
        ``tol``, as scikit-learn does: with the same start and ``tol`` the
        engine stops at scikit-learn's ``n_iter_`` with its parameters (and
        the objective of the state before the last is scikit-learn's
        ``lower_bound_`` times N). Per point (scikit-learn's convention), so
        the same ``tol`` means the same for any N.
    init_covariance_scale : float, optional
        The multiple of the identity used as covariance by the
        ``random_integers`` start (5 by default, as in the seed question).
    n_jobs : int, optional
        Worker threads for the chunks of N (None or -1: every core). The
        engine also runs BLAS with one thread while it computes, whatever the
        caller's setting (see :mod:`gmm_explorer.engine.parallel`). Results are
        the same, bit for bit, for any ``n_jobs``.

    Attributes
    ----------
    history : list of EMState
        ``history[0]`` is the initial state. Past ``history_budget`` bytes, older
        states become :class:`~gmm_explorer.engine.thinning.ThinnedState` records
        (scalars kept, parameters dropped); :meth:`state_at` replays them.
    history_budget : int
        Bytes of full states the history may hold (default an eighth of the
        physical memory; see :mod:`~gmm_explorer.engine.thinning`).
    halted : bool
        True after a collapse under ``on_collapse="stop"``.
    model_info : dict or None
        The model file the engine was loaded from, as
        :func:`gmm_explorer.data.read_model` returns it (set by
        :func:`gmm_explorer.data.load_model`).
    """

    def __init__(self, n_components=1, covariance_type="full", reg_covar=1e-6, prior=None,
                 on_collapse="stop", init="k-means++", max_condition=1e12, random_state=None,
                 tol=1e-3, init_covariance_scale=None, n_jobs=None, **unknown):
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValueError(f"unknown option(s) {names}; the options are "
                             f"{', '.join(_SETTINGS)}.")
        self.reg_covar, self.max_condition, self.tol, self.init_covariance_scale = \
            check_settings(n_components, covariance_type, reg_covar, prior, on_collapse, init,
                           max_condition, tol, init_covariance_scale)
        self.n_components = int(n_components)
        self.covariance_type = covariance_type
        self.prior = prior
        self.on_collapse = on_collapse
        self.init = init
        self.random_state = random_state
        self.n_jobs = n_jobs
        self._pool = ChunkPool(check_n_jobs(n_jobs))
        self.history: list[EMState] = []
        self.halted = False
        self.model_info: dict | None = None
        self._X = None
        self._params = None
        self._center = None
        self._resp = None
        self._densities_cache = None
        self._sums = None
        self._prior = None
        self._data_log_det = None
        self._data_scale = 1.0
        self._extent = None
        self._rows = None  # the data as the E-step reads them, kept for small data
        self._data_covariance = None
        self._rng = None
        self._ids = np.arange(0)  # the components' identities (EMState.component_ids)

    # ------------------------------------------------------------------ setup
    def get_params(self):
        """The settings, as a dict of the constructor's arguments."""
        return {name: getattr(self, name) for name in _SETTINGS}

    @property
    def X(self):
        """The data being fitted, shape (N, D)."""
        return self._X

    @property
    def state(self):
        """The latest state (None before :meth:`initialize`)."""
        return self.history[-1] if self.history else None

    @blas_limited
    def initialize(self, X, weights=None, means=None, covariances=None):
        """Set the data and the initial parameters; return ``history[0]``.

        Parameters
        ----------
        X : array-like of shape (N, D)
        weights : array-like of shape (K,), optional
        means : array-like of shape (K, D), optional
        covariances : array-like, optional
            Full (K, D, D) matrices (projected onto ``covariance_type``) or the
            type's native shape. Given parameters override ``init``.

        Returns
        -------
        EMState
        """
        X = check_data(X)
        N, D = X.shape
        K = check_n_components(self.n_components, N)
        self._X = X
        self._rng = check_random_state(self.random_state)
        with np.errstate(over="ignore", invalid="ignore"):
            self._center = X.mean(axis=0)
            data_cov = data_covariance(X)
        check_spread(X, self._center, data_cov)
        self._data_covariance = data_cov
        sign, log_det = np.linalg.slogdet(data_cov)
        self._data_log_det = float(log_det) if sign > 0 else None
        self._data_scale = float(np.sqrt(max(np.trace(data_cov) / D, np.finfo(float).tiny)))
        # how far the data reach from their centre, per feature: bounds the digits an
        # expanded quadratic form would lose (densities.expanded_quadratic)
        self._extent = np.maximum(X.max(axis=0) - self._center, self._center - X.min(axis=0))
        self._rows = estep.resident_rows(X, self._center,
                                         mstep.moment_pairs(D, self.covariance_type))
        self._prior = ConjugatePrior.default(X, K) if self.prior == "conjugate" else None
        check_prior_scale(self._prior, self.covariance_type, X)
        given_w = None if weights is None else check_weights(weights, K)
        given_m = None if means is None else check_means(means, K, D)
        given_c = None if covariances is None else check_covariances(
            covariances, self.covariance_type, K, D, given_w)
        if given_w is not None and given_m is not None and given_c is not None:
            w, m, c = given_w, given_m, given_c
        else:
            w, m, c = self._start(X, K)
            w = w if given_w is None else given_w
            m = m if given_m is None else given_m
            c = c if given_c is None else given_c
        self.history = []
        self.halted = False
        self._resp = np.empty((K, N))
        self._ids = shared_ids(np.arange(K))
        self._params = (w, m, c)
        state = self._evaluate(0, w, m, c)
        self.history.append(state)
        self._after_append()
        return state

    # ------------------------------------------------------------ EM proper
    def _m_step(self, resp):
        """(weights, means, native covariances, effective counts, eigenvalues of the full
        covariances or None) from (K, N) responsibilities."""
        X, center = self._X, self._center
        if resp is self._resp and self._sums is not None:
            stats = mstep.statistics_from_sums(self._sums, X.shape[1], self.covariance_type)
        else:
            stats = mstep.sufficient_statistics(X, center, resp, self.covariance_type)
        eigenvalues = None
        if self._prior is None:
            means_c = stats.means
            cov, eigenvalues = mstep.ml_covariances(X, center, resp, stats,
                                                    self.covariance_type, self.reg_covar)
        else:
            # The prior's mean is the data's mean, i.e. the centre used here.
            means_c = map_means(stats, self._prior)
            scatter = mstep.central_scatter(X, center, resp, stats, self.covariance_type)
            cov = map_covariances(scatter, stats, self._prior, self.covariance_type)
            cov = mstep.add_ridge(cov, self.covariance_type, self.reg_covar)
        weights = stats.counts / stats.counts.sum()
        return weights, means_c + center, cov, stats.counts, eigenvalues

    def _floor(self, means):
        return diagnostics.resolution_floor(means, self._data_scale)

    def _densities(self, means, full, spec, kinds_for):
        """ComponentDensities for responsibilities (``"resp"``) or the true likelihood."""
        positive = spec.positive.tolist()
        if kinds_for == "true":
            kinds = ["cholesky" if pd else "point-mass" for pd in positive]
        else:
            flat = self.on_collapse == "continue"  # too flat counts as singular too
            kinds = ["pseudo" if not pd or (flat and cond > self.max_condition) else "cholesky"
                     for pd, cond in zip(positive, spec.condition.tolist())]
        return densities.build_densities(means - self._center, full, kinds, self._data_scale,
                                         self._floor(means) if spec.floor is None
                                         else spec.floor, spec.lower, self._extent,
                                         mstep.moment_pairs(means.shape[1],
                                                            self.covariance_type))

    def _evaluate(self, iteration, weights, means, cov, collapse=None, events=(),
                  converged=False, full=None, spec=None):
        """E-step for these parameters (fills the responsibilities) and the state.

        ``converged`` is the stopping rule's verdict (:meth:`_settled`);
        ``full`` and ``spec`` (their :class:`~diagnostics.Spectrum`) may be
        passed when the caller has them already.
        """
        X = self._X
        K, D = means.shape
        if full is None or spec is None:
            full = to_full(cov, self.covariance_type, K, D)
            spec = diagnostics.spectrum(full, self._floor(means))
        eigenvalues, condition, positive = spec.eigenvalues, spec.condition, spec.positive
        log_weights = np.log(weights)
        dens = self._densities(means, full, spec, "resp")
        pairs = mstep.moment_pairs(D, self.covariance_type)
        _, total, sums = estep.e_step(X, self._center, dens, log_weights, self._resp,
                                      pool=self._pool, pairs=pairs, rows=self._rows)
        self._sums = sums
        counts = sums[:, D].copy()
        self._densities_cache = (dens, log_weights)
        pseudo = None
        if all(kind == "cholesky" for kind in dens.kinds):
            log_likelihood = total
        else:
            pseudo = total
            true = self._densities(means, full, spec, "true")
            log_likelihood = estep.total_log_density(X, self._center, true, log_weights,
                                                     self._pool)
        objective = log_likelihood
        if self._prior is not None:
            lp = log_prior(means, cov, self._prior, self.covariance_type)
            objective = -np.inf if lp == -np.inf else log_likelihood + lp
        status = diagnostics.component_status(eigenvalues, condition, positive, counts,
                                              self.max_condition, self._data_log_det)
        return EMState(
            iteration=iteration, weights=weights, means=means, covariances=full,
            log_likelihood=log_likelihood, objective=objective, condition_numbers=condition,
            effective_counts=counts, component_status=status, collapse=collapse,
            converged=converged, eigenvalues=eigenvalues,
            covariance_type=self.covariance_type, pseudo_log_likelihood=pseudo,
            events=events, component_ids=self._ids,
        )

    @blas_limited
    def step(self):
        """One M-step (from the current responsibilities) and one E-step.

        Returns
        -------
        EMState
            The new state, also appended to ``history``.

        Raises
        ------
        SingularCovarianceError
            When EM halted on a collapse under ``on_collapse="stop"``.
        ValueError
            Before :meth:`initialize`.
        """
        if not self.history:
            raise ValueError("call initialize(X) before step().")
        if self.halted:
            raise SingularCovarianceError(self._halt_message())
        previous = self.history[-1]
        iteration = previous.iteration + 1
        # scikit-learn's rule: the change between the two E-steps before this M-step
        # decides, so this M-step is taken whatever it says and is then the last
        settled = len(self.history) > 1 and self._settled(previous, self.history[-2])
        weights, means, cov, counts, eigenvalues = self._m_step(self._resp)
        K, D = means.shape
        # the M-step's full matrices are new and nothing writes to them: no copy
        full = cov if self.covariance_type == "full" else to_full(cov, self.covariance_type, K, D)
        spec = diagnostics.spectrum(full, self._floor(means), eigenvalues)
        eigenvalues, condition = spec.eigenvalues, spec.condition
        reasons = diagnostics.singular_reasons(condition, spec.positive, self.max_condition,
                                               eigenvalues)
        collapse, events = None, ()
        if any(reason is not None for reason in reasons):
            (weights, means, cov), collapse, events, changed = self._apply_policy(
                previous, iteration, (weights, means, cov), counts, spec, reasons)
            if changed:  # new parameters: a new spectrum, and no end of EM
                settled, full, spec = False, None, None
            elif collapse is not None and collapse.action == "stopped":
                settled = False  # halted on a collapse, which is no convergence
        self._params = (weights, means, cov)
        state = self._evaluate(iteration, weights, means, cov, collapse, events, settled,
                               full, spec)
        self.history.append(state)
        self._after_append()
        if collapse is not None and collapse.action == "stopped":
            self.halted = True
        return state

    def _settled(self, state, before) -> bool:
        """Whether the objective changed by less than ``tol`` per data point from
        ``before`` to ``state`` (two consecutive states), as scikit-learn compares its
        lower bounds.

        A state whose parameters a policy replaced (a re-seed, a removal) is not
        comparable with the one before it, and a change between infinite objectives
        means nothing: neither has settled.
        """
        if state.collapse is not None and state.collapse.action in ("reinitialized",
                                                                     "removed"):
            return False
        if not (math.isfinite(state.objective) and math.isfinite(before.objective)):
            return False
        return bool(abs(state.objective - before.objective) / self._X.shape[0] < self.tol)

    @blas_limited
    def run(self, max_iter=100, tol=None, callback=None):
        """Step until converged, halted by a collapse, or ``max_iter`` steps.

        Parameters
        ----------
        max_iter : int
            Most steps this call takes.
        tol : float, optional
            Overrides the constructor's ``tol`` (per-point change in objective).
        callback : callable, optional
            ``callback(state)`` after each step; a truthy return stops the run
            (how a worker thread pauses).

        Returns
        -------
        EMState
            The last state.
        """
        max_iter = check_integer("max_iter", max_iter, minimum=0)
        if tol is not None:
            self.tol = check_positive("tol", tol, allow_zero=True)
        for _ in range(max_iter):
            state = self.step()
            if callback is not None and callback(state):
                break
            if state.converged or self.halted:
                break
        return self.state

    @blas_limited
    def rewind(self, iteration):
        """Drop the history after ``iteration`` and continue EM from that state.

        Parameters
        ----------
        iteration : int
            Index into ``history``.

        Returns
        -------
        EMState
        """
        if not self.history:
            raise ValueError("call initialize(X) before rewind().")
        iteration = check_integer("iteration", iteration)
        if not 0 <= iteration < len(self.history):
            raise ValueError(f"iteration={iteration} is not in the history "
                             f"(0 to {len(self.history) - 1}).")
        state = self.state_at(iteration)  # a thinned state is replayed
        del self.history[iteration + 1:]
        self.history[iteration] = state
        self.n_components = state.n_components
        self._ids = state.component_ids  # read-only already
        params = self._params_of(state)
        self._params = params
        self._resp = np.empty((state.n_components, self._X.shape[0]))
        self._evaluate(iteration, *params)
        self.halted = state.collapse is not None and state.collapse.action == "stopped"
        return state

    def _params_of(self, state):
        cov = from_full(state.covariances, self.covariance_type, state.weights)
        return np.array(state.weights), np.array(state.means), cov
