"""A scikit-learn estimator over the engine: ``GaussianMixture``, a drop-in for
:class:`sklearn.mixture.GaussianMixture` with the engine's collapse policies, prior and
diagnostics.

scikit-learn is imported here and nowhere else in the program (``pip install
"gmm-explorer[sklearn]"``). The EM is the engine's (:mod:`gmm_explorer.engine`), which
stops by scikit-learn's rule, so for the same start and ``tol`` the fit takes the same
number of M-steps, says the same about convergence and reaches the same parameters as
scikit-learn's to rounding.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from gmm_explorer.engine import FitRecipe, GaussianMixtureEM, ModelSettings, run_recipes
from gmm_explorer.engine.covariance import from_full, precisions_of
from gmm_explorer.engine.errors import SingularCovarianceError
from gmm_explorer.engine.state import EMState

try:  # scikit-learn >= 1.6; before it, the estimator's own method
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - depends on the installed version
    def validate_data(estimator, X, **kwargs):
        return estimator._validate_data(X, **kwargs)

__all__ = ["GaussianMixture"]

#: Largest seed drawn for a start (a RandomState takes 0 to 2**32 - 1).
_SEED_BOUND = 2**31 - 1


def covariances_from_precisions(precisions, covariance_type: str) -> np.ndarray:
    """Native covariances from scikit-learn's ``precisions_init``, same shape.

    Parameters
    ----------
    precisions : array-like
        (K, D, D) for ``full``, (D, D) for ``tied``, (K, D) for ``diag``, (K,)
        for ``spherical``.
    covariance_type : str
    """
    precisions = np.asarray(precisions, dtype=float)
    if covariance_type in ("full", "tied"):
        try:
            return np.linalg.inv(precisions)
        except np.linalg.LinAlgError:
            raise ValueError("precisions_init holds a singular matrix: give positive definite "
                             "precision matrices (the inverses of the covariances).") from None
    if np.any(precisions <= 0):
        raise ValueError("precisions_init must be positive: give one over each variance.")
    return 1.0 / precisions


class GaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture fitted by the engine's EM, with scikit-learn's estimator API.

    scikit-learn's :class:`~sklearn.mixture.GaussianMixture`, parameter for
    parameter, plus the engine's remedies and diagnostics. With the same start
    (``weights_init``, ``means_init``, ``precisions_init``) and ``tol`` both
    take the same number of M-steps (``n_iter_``), agree on ``converged_`` and
    reach the same parameters to about 1e-14 relative.

    Parameters
    ----------
    n_components : int, default=1
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    tol : float, default=1e-3
        scikit-learn's stopping rule: EM stops, converged, after the M-step
        that follows a change of the mean log-likelihood (per data point) by
        less than ``tol`` between two E-steps. With ``prior="conjugate"`` the
        objective (the log-likelihood plus the log prior density) is compared.
    reg_covar : float, default=1e-6
        Added to each covariance's diagonal, as scikit-learn.
    max_iter : int, default=100
        Most M-steps per start.
    n_init : int, default=1
        Starts; the one with the largest lower bound is kept, as scikit-learn.
    init_params : {"kmeans", "k-means++", "random", "random_from_data", \
"random_integers", "hierarchical"}, default="kmeans"
        How the starts are drawn: the engine's starts of those names (the last
        two are the engine's own: random integer means, and mclust's
        deterministic hierarchical start).
    weights_init : array-like of shape (n_components,), optional
    means_init : array-like of shape (n_components, n_features), optional
    precisions_init : array-like, optional
        Inverse covariances in scikit-learn's per-type shapes. Given start
        parameters override ``init_params``.
    random_state : int, RandomState instance or None, default=None
        Draws one seed per start.
    warm_start : bool, default=False
        Start the next ``fit`` from this fit's parameters (one start).
    verbose : int, default=0
        1 prints each start's end, 2 also every ``verbose_interval`` iterations.
    verbose_interval : int, default=10
    prior : {None, "conjugate"}, default=None
        None: maximum likelihood, as scikit-learn. ``"conjugate"``: MAP with
        mclust's default conjugate prior, which keeps every covariance sound.
    on_collapse : {"stop", "reinitialize", "remove", "continue"}, default="stop"
        What EM does when a covariance becomes singular. ``"stop"`` makes
        ``fit`` raise a ValueError naming the component, the iteration and the
        remedies (scikit-learn raises on an ill-defined covariance too);
        ``"remove"`` may leave fewer components than ``n_components``.
    max_condition : float, default=1e12
        A covariance whose condition number exceeds this counts as singular.
    n_jobs : int or None, default=None
        Worker threads for the engine's chunks of data (None: every core); the
        results do not depend on it.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        scikit-learn's per-type shapes: (K, D, D), (D, D), (K, D) or (K,).
    precisions_, precisions_cholesky_ : ndarray
        The same shapes; NaN for a component left singular by
        ``on_collapse="continue"``.
    converged_ : bool
    n_iter_ : int
        M-steps of the best start.
    lower_bound_ : float
        The mean log-likelihood (objective, with the prior) of the best start
        before its last M-step, as scikit-learn; ``-inf`` when ``max_iter=0``.
    lower_bounds_ : list of float
        ``lower_bound_`` at each iteration of the best start.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        When ``X`` has string column names.
    history_ : list of EMState
        Every state of the best start; ``history_[0]`` is its start. Past the
        engine's history budget (an eighth of the memory by default) older states
        are thinned records: every scalar and (K,) array, no means, covariances or
        eigenvalues (see :mod:`gmm_explorer.engine.thinning`); the first and the
        last few hundred are always whole.
    collapse_ : CollapseRecord or None
        The last collapse of the best start (policies other than ``"stop"``).
    condition_numbers_ : ndarray of shape (n_components,)
    component_status_ : tuple of str
        Each ``"ok"``, ``"degenerate"`` or ``"singular"``.

    Notes
    -----
    It passes every check of :func:`sklearn.utils.estimator_checks.check_estimator`
    (``tests/test_sklearn_estimator.py`` runs them with ``SCIPY_ARRAY_API=1``; without
    that variable scikit-learn itself skips ``check_array_api_input``, which then
    passes too). Two differences from
    scikit-learn's estimator: ``random_state`` draws the engine's starts, whose
    random numbers are not scikit-learn's, so only given starts give the same
    fit; and a ``warm_start`` fit on other data than the last cannot compare
    its first E-step with the last fit's lower bound, which scikit-learn does,
    so there it takes at least two M-steps.
    """

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6,
                 max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
                 means_init=None, precisions_init=None, random_state=None, warm_start=False,
                 verbose=0, verbose_interval=10, prior=None, on_collapse="stop",
                 max_condition=1e12, n_jobs=None):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.prior = prior
        self.on_collapse = on_collapse
        self.max_condition = max_condition
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None):
        """Fit the mixture to ``X`` by EM (the best of ``n_init`` starts).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Bad settings or data (the message names the parameter), or a
            collapse under ``on_collapse="stop"``.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        X = np.asarray(X, dtype=np.float64)
        if X.shape[0] < self.n_components:
            raise ValueError(f"Expected n_samples >= n_components but got n_components = "
                             f"{self.n_components}, n_samples = {X.shape[0]}: use fewer "
                             f"components or more data.")
        n_init = self.n_init
        if isinstance(n_init, bool) or not isinstance(n_init, (int, np.integer)) \
                or n_init < 1:
            raise ValueError(f"n_init={n_init!r} must be a whole number >= 1.")
        if self.warm_start and hasattr(self, "converged_"):
            history, lower_bound, converged = self._warm_fit(X)
        else:
            history, lower_bound = self._fit_starts(X, n_init)
            converged = history[-1].converged
        self._set_fitted(history, X.shape[0], lower_bound, converged)
        if not self.converged_ and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different "
                          "init parameters, or increase max_iter, tol, or check for "
                          "degenerate data.", ConvergenceWarning)
        return self

    def fit_predict(self, X, y=None):
        """Fit, then the most probable component of each row of ``X``, shape (n_samples,)."""
        return self.fit(X, y).predict(X)

    def _settings(self, seed: int) -> ModelSettings:
        return ModelSettings(n_components=self.n_components,
                             covariance_type=self.covariance_type, init=self.init_params,
                             reg_covar=self.reg_covar, prior=self.prior,
                             on_collapse=self.on_collapse, max_condition=self.max_condition,
                             random_state=seed)

    def _given_start(self) -> tuple:
        """(weights, means, native covariances), each None where not given."""
        covariances = None
        if self.precisions_init is not None:
            covariances = covariances_from_precisions(self.precisions_init,
                                                      self.covariance_type)
        return self.weights_init, self.means_init, covariances

    def _fit_starts(self, X, n_init: int) -> tuple[list, float]:
        """The history and lower bound of the best of ``n_init`` starts."""
        rng = check_random_state(self.random_state)
        seeds = rng.randint(0, _SEED_BOUND, size=n_init)
        weights, means, covariances = self._given_start()
        recipes = [FitRecipe(self._settings(int(seed)), tol=self.tol, max_iter=self.max_iter,
                             weights=weights, means=means, covariances=covariances)
                   for seed in seeds]
        chosen: dict = {}

        def keep_best(result) -> None:
            if result.error is not None:
                raise ValueError(result.error)
            em = result.engine
            if em.halted:  # scikit-learn too stops the whole fit on a failed start
                raise SingularCovarianceError(em.collapse_message())
            self._report_start(result.index, em)
            bound = _lower_bound(em.history, X.shape[0])
            # scikit-learn's choice: a strictly larger lower bound, else the first start
            if "bound" not in chosen or bound > chosen["bound"] or chosen["bound"] == -np.inf:
                chosen.update(bound=bound, history=em.history)

        # one start at a time (an on_step makes run_recipes keep each engine until
        # reported): the lower bound that picks the best is the state before the last,
        # which a batch does not keep
        run_recipes(recipes, X, progress=keep_best, on_step=self._report_step,
                    keep_engines=False, n_jobs=self.n_jobs)
        return chosen["history"], chosen["bound"]

    def _warm_fit(self, X) -> tuple[list, float, bool]:
        """Continue from the fitted parameters, comparing the first E-step with the
        last fit's ``lower_bound_`` as scikit-learn does; (history, lower bound,
        converged)."""
        recipe = FitRecipe(self._settings(0), tol=self.tol, max_iter=self.max_iter,
                           weights=self.weights_, means=self.means_,
                           covariances=self.covariances_)
        em = recipe.build(self.n_jobs)
        em.initialize(X, recipe.weights, recipe.means, recipe.covariances)
        settled_first = False
        if self.max_iter > 0:
            em.step()
            self._report_step(0, em.state)
            first = em.history[0].objective / X.shape[0]
            settled_first = bool(abs(first - self.lower_bound_) < self.tol)
            if not settled_first and not em.halted:
                em.run(max_iter=self.max_iter - 1, callback=lambda s: self._report_step(0, s))
        if em.halted:
            raise SingularCovarianceError(em.collapse_message())
        self._report_start(0, em)
        converged = em.state.converged or (settled_first and em.state.iteration == 1)
        return em.history, _lower_bound(em.history, X.shape[0]), converged

    def _set_fitted(self, history: list[EMState], n_samples: int, lower_bound: float,
                    converged: bool) -> None:
        state = history[-1]
        self.weights_ = np.array(state.weights)
        self.means_ = np.array(state.means)
        self.covariances_ = from_full(state.covariances, self.covariance_type, state.weights)
        self.precisions_cholesky_, self.precisions_ = precisions_of(self.covariances_,
                                                                    self.covariance_type)
        self.converged_ = bool(converged)
        self.n_iter_ = int(state.iteration)
        self.lower_bound_ = float(lower_bound)
        self.lower_bounds_ = [float(s.objective) / n_samples for s in history[:-1]]
        self.history_ = list(history)
        self.collapse_ = next((s.collapse for s in reversed(history)
                               if s.collapse is not None), None)
        self.condition_numbers_ = np.array(state.condition_numbers)
        self.component_status_ = tuple(state.component_status)

    # ---------------------------------------------------------------- verbose
    def _report_start(self, index: int, em: GaussianMixtureEM) -> None:
        if self.verbose >= 1:
            state = em.state
            word = "converged" if state.converged else "did not converge"
            print(f"Initialization {index}: {word} after {state.iteration} iterations, "
                  f"lower bound {_lower_bound(em.history, em.X.shape[0]):.5f}",
                  file=sys.stdout)

    def _report_step(self, index: int, state: EMState) -> None:
        if self.verbose >= 2 and state.iteration % max(int(self.verbose_interval), 1) == 0:
            print(f"  Initialization {index}, iteration {state.iteration}: "
                  f"objective {state.objective:.6f}", file=sys.stdout)

    # ------------------------------------------------------------ fitted model
    def _model(self) -> GaussianMixtureEM:
        """The engine holding the fitted parameters (made afresh: ``predict`` must not
        change the estimator)."""
        check_is_fitted(self)
        return GaussianMixtureEM.from_parameters(
            self.weights_, self.means_, self.covariances_, self.covariance_type,
            on_collapse=self.on_collapse, max_condition=self.max_condition, n_jobs=self.n_jobs)

    def _checked(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return np.asarray(X, dtype=np.float64)

    def predict(self, X):
        """The most probable component of each row of ``X``, shape (n_samples,)."""
        X = self._checked(X)
        return self._model().predict(X)

    def predict_proba(self, X):
        """Each component's posterior probability for each row, shape (n_samples, K)."""
        X = self._checked(X)
        return self._model().predict_proba(X)

    def score_samples(self, X):
        """The mixture's log density at each row of ``X``, shape (n_samples,)."""
        X = self._checked(X)
        return self._model().score_samples(X)

    def score(self, X, y=None):
        """The mean log density per row of ``X`` (scikit-learn's ``score``)."""
        return float(np.mean(self.score_samples(X)))

    def sample(self, n_samples=1):
        """Draw points from the fitted mixture (with ``random_state``).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
            The component of each point.
        """
        check_is_fitted(self)
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
                or n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples!r}. The sampling "
                             f"requires at least one sample.")
        return self._model().sample(int(n_samples), check_random_state(self.random_state))

    def bic(self, X):
        """Bayesian information criterion on ``X`` (lower is better), as scikit-learn."""
        X = self._checked(X)
        return float(self._model().bic(X))

    def aic(self, X):
        """Akaike information criterion on ``X`` (lower is better), as scikit-learn."""
        X = self._checked(X)
        return float(self._model().aic(X))


def _lower_bound(history: list[EMState], n_samples: int) -> float:
    """scikit-learn's ``lower_bound_``: the mean objective before the last M-step."""
    if len(history) < 2:
        return -np.inf
    return float(history[-2].objective) / n_samples

