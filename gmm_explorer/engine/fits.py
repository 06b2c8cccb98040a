"""Headless multi-fit: recipes that replay bit for bit, and many of them run together.

A :class:`FitRecipe` is everything that decides a fit: the model settings,
the stop rules (``tol``, ``max_iter``) and the start, either a seed (the
settings' ``random_state``) or explicit start parameters. Running it
(:meth:`FitRecipe.run`, :func:`run_recipe`) gives an engine whose
``history`` is the fit; running it again gives the same states, bit for bit.

:func:`run_recipes` runs many recipes on the same data (the command line's
starts and model-selection grid; the window's grid later) and returns one
:class:`FitResult` per fit, in recipe order, reporting each finished fit and
checking for cancellation between fits and between iterations. When nobody
watches single iterations (no ``on_step``) and the engines need not be kept,
the fits (any K, any covariance type) are stepped together as one batch
(:mod:`~gmm_explorer.engine.batched`): the same states, to rounding, in a
fraction of the time; a fit the batch cannot carry runs alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from gmm_explorer.engine import batched
from gmm_explorer.engine.em import GaussianMixtureEM
from gmm_explorer.engine.options import ModelSettings
from gmm_explorer.engine.state import CollapseRecord, EMState
from gmm_explorer.engine.validation import check_data, check_positive


def _frozen(array) -> np.ndarray | None:
    """A read-only float64 copy, or None."""
    if array is None:
        return None
    out = np.array(array, dtype=float)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class FitRecipe:
    """What decides one fit, so that running it again gives the same states bit for bit.

    Parameters
    ----------
    settings : ModelSettings
        The model; its ``random_state`` seeds the start. It must be an
        integer unless all three start parameters are given (None would draw
        from numpy's global generator, which does not replay).
    tol : float
        The engine's ``tol`` (scikit-learn's rule): converged one M-step after
        the objective changed by less than this per data point.
    max_iter : int
        Most EM iterations.
    weights : array-like of shape (K,), optional
    means : array-like of shape (K, D), optional
    covariances : array-like of shape (K, D, D) or the type's native shape, optional
        An explicit start, as :meth:`GaussianMixtureEM.initialize` takes it:
        given parameters override ``init`` (the others come from the seeded
        start). Kept as read-only copies.

    Notes
    -----
    Recipes compare by identity (``eq=False``): they may hold arrays.
    """

    settings: ModelSettings
    tol: float = 1e-3
    max_iter: int = 100
    weights: np.ndarray | None = None
    means: np.ndarray | None = None
    covariances: np.ndarray | None = None

    def __post_init__(self):
        if not isinstance(self.settings, ModelSettings):
            raise TypeError(f"settings must be a ModelSettings; got "
                            f"{type(self.settings).__name__}.")
        object.__setattr__(self, "tol", check_positive("tol", self.tol, allow_zero=True))
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, (int, np.integer)) \
                or self.max_iter < 0:
            raise ValueError(f"max_iter={self.max_iter!r} must be a whole number >= 0.")
        object.__setattr__(self, "max_iter", int(self.max_iter))
        for name in ("weights", "means", "covariances"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.settings.random_state is None and not self.explicit_start:
            raise ValueError("a recipe replays only from a seed: give settings a random_state "
                             "(an integer), or give all of weights, means and covariances.")

    @classmethod
    def seeded(cls, settings: ModelSettings, seed: int, **rest) -> "FitRecipe":
        """The recipe for ``settings`` started from ``seed`` (its ``random_state``)."""
        return cls(replace(settings, random_state=seed), **rest)

    @property
    def seed(self) -> int | None:
        """The start's seed: the settings' ``random_state``."""
        return self.settings.random_state

    @property
    def explicit_start(self) -> bool:
        """True when weights, means and covariances are all given (the seed is unused)."""
        return all(p is not None for p in (self.weights, self.means, self.covariances))

    def build(self, n_jobs: int | None = None) -> GaussianMixtureEM:
        """A new engine with the recipe's settings and ``tol``, not yet initialised.

        ``n_jobs`` (worker threads; None: every core) is not part of the
        recipe: the states are the same for any value.
        """
        return GaussianMixtureEM(**self.settings.engine_kwargs(), tol=self.tol, n_jobs=n_jobs)

    def run(self, X, callback: Callable[[EMState], bool] | None = None,
            n_jobs: int | None = None) -> GaussianMixtureEM:
        """Fit ``X``: initialise from the recipe's start and run EM.

        Parameters
        ----------
        X : array-like of shape (N, D)
        callback : callable, optional
            ``callback(state)`` after each iteration; a truthy return stops
            the run early (as :meth:`GaussianMixtureEM.run`).
        n_jobs : int, optional
            Worker threads (None: every core); the states do not depend on it.

        Returns
        -------
        GaussianMixtureEM
            Its ``history`` is the fit.

        Raises
        ------
        ValueError
            The engine refuses the data or the start.
        """
        em = self.build(n_jobs)
        em.initialize(X, weights=self.weights, means=self.means, covariances=self.covariances)
        em.run(max_iter=self.max_iter, callback=callback)
        return em


def start_seeds(seed: int | None, n_init: int) -> tuple[int, list[int]]:
    """(master seed, one seed per start), so that a set of starts can be repeated.

    None draws a master seed from the system's entropy (and returns it).
    """
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    rng = np.random.RandomState(seed)
    return seed, [int(s) for s in rng.randint(0, 2**31 - 1, size=n_init)]


def model_recipes(settings: ModelSettings, seeds: Sequence[int], tol: float = 1e-3,
                  max_iter: int = 100) -> list[FitRecipe]:
    """The starts of one model (one cell of a model-selection grid): the hierarchical start,
    then one recipe per seed.

    The first recipe starts from ``init="hierarchical"`` (mclust's
    deterministic start, which finds stretched clusters that k-means-style
    starts split), whatever the settings' ``init``; it takes the first seed
    as its ``random_state``, which its start does not use (only a policy
    that re-seeds a collapsed component draws from it). Then one recipe per
    seed with the settings' own ``init``. So always ``len(seeds) + 1``
    recipes, and recipe ``i + 1`` is seed ``i``'s, whatever the ``init``
    (with ``init="hierarchical"`` the seeded recipes share the first one's
    start and differ only where a policy re-seeds).

    The command line's ``fit`` and ``select`` and the window's grid and atlas
    all take their starts from here, so that the same seeds give the same fits.

    Parameters
    ----------
    settings : ModelSettings
        Its ``random_state`` is replaced by each seed.
    seeds : sequence of int
        At least one.
    tol, max_iter : as in :class:`FitRecipe`

    Returns
    -------
    list of FitRecipe
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("model_recipes needs at least one seed.")
    first = FitRecipe.seeded(replace(settings, init="hierarchical"), seeds[0], tol=tol,
                             max_iter=max_iter)
    return [first] + [FitRecipe.seeded(settings, seed, tol=tol, max_iter=max_iter)
                      for seed in seeds]


@dataclass(frozen=True, eq=False)
class FitResult:
    """One recipe's fit.

    Attributes
    ----------
    recipe : FitRecipe
    index : int
        The recipe's position in the list given to :func:`run_recipes`.
    state : EMState or None
        The final state; None when the engine refused the recipe.
    engine : GaussianMixtureEM or None
        The fitted engine, whose ``history`` is the only copy of the fit's
        history; None when refused, or when not kept (replay the recipe to
        get it back).
    collapsed : bool
        The fit ended with a singular covariance or an infinite
        log-likelihood, or halted on a collapse: it is no sound model.
    collapse : CollapseRecord or None
        The last collapse the history recorded (also under policies that go on).
    events : tuple of str
        Re-seeds and removals, in the order they happened.
    error : str or None
        Why the engine refused the recipe (its ValueError's message).
    criteria : dict or None
        ``{"bic", "icl", "aic"}`` of the final state (lower is better); None
        when refused.
    """

    recipe: FitRecipe
    index: int
    state: EMState | None
    engine: GaussianMixtureEM | None
    collapsed: bool = False
    collapse: CollapseRecord | None = None
    events: tuple[str, ...] = ()
    error: str | None = None
    criteria: dict | None = None

    @property
    def ok(self) -> bool:
        """A sound fit: not refused, not collapsed."""
        return self.error is None and not self.collapsed


def _result(recipe: FitRecipe, index: int, em: GaussianMixtureEM) -> FitResult:
    state = em.state
    collapsed = em.halted or state.is_collapsed or not np.isfinite(state.log_likelihood)
    collapse = next((s.collapse for s in reversed(em.history) if s.collapse is not None), None)
    events = tuple(e for s in em.history for e in s.events)
    with np.errstate(all="ignore"):  # a collapsed fit's criteria may be infinite
        criteria = em.information_criteria()
    return FitResult(recipe, index, state, em, collapsed, collapse, events, criteria=criteria)


def run_recipe(recipe: FitRecipe, X, callback: Callable[[EMState], bool] | None = None,
               index: int = 0, n_jobs: int | None = None) -> FitResult:
    """Run one recipe on ``X``; a refusal by the engine is recorded, not raised.

    Parameters
    ----------
    recipe : FitRecipe
    X : array-like of shape (N, D)
    callback : callable, optional
        As in :meth:`FitRecipe.run`.
    index : int
        Recorded in the result.
    n_jobs : int, optional
        Worker threads (None: every core); the result does not depend on it.

    Returns
    -------
    FitResult
    """
    try:
        em = recipe.run(X, callback=callback, n_jobs=n_jobs)
    except ValueError as exc:
        return FitResult(recipe, index, None, None, error=str(exc))
    return _result(recipe, index, em)


def run_recipes(recipes: Sequence[FitRecipe], X,
                progress: Callable[[FitResult], None] | None = None,
                cancel: Callable[[], bool] | None = None,
                on_step: Callable[[int, EMState], None] | None = None,
                keep_engines: bool = True, n_jobs: int | None = None) -> list[FitResult]:
    """Run many recipes on the same data.

    A recipe that collapses or that the engine refuses does not stop the
    others: its result says so.

    Parameters
    ----------
    recipes : sequence of FitRecipe
    X : array-like of shape (N, D)
    progress : callable, optional
        ``progress(result)`` as each fit finishes (with its engine, even when
        engines are not kept, unless it ran in a batch), in the order they
        finish: in a batch, the fits that converge first; then the fits the
        batch could not carry, run alone from their start.
    cancel : callable, optional
        ``cancel() -> bool``, asked before each fit and after each iteration;
        True stops: the fit under way is dropped and the finished ones are
        returned.
    on_step : callable, optional
        ``on_step(index, state)`` after each iteration of the recipe at
        ``index``.
    keep_engines : bool
        False drops each engine (and its responsibilities, K x N floats) once
        its fit is reported, so that many starts on large data take the
        memory of one; the results keep the final state and the recipe. With
        False and no ``on_step``, the fits run in batches (replay a recipe to
        get its whole history).
    n_jobs : int, optional
        Worker threads (None: every core) for each fit's chunks of N, or in a
        batch for its E-step's pieces; the results do not depend on it.

    Returns
    -------
    list of FitResult
        The finished fits, in recipe order (all of them unless cancelled).
    """
    if on_step is None and not keep_engines:
        return _run_batched(recipes, X, progress, cancel, n_jobs)
    results = []
    stopped = []
    for index, recipe in enumerate(recipes):
        if cancel is not None and cancel():
            break

        def callback(state, index=index):
            if on_step is not None:
                on_step(index, state)
            if cancel is not None and cancel():
                stopped.append(index)
                return True
            return False

        result = run_recipe(recipe, X, callback, index, n_jobs)
        if stopped:
            break  # stopped part-way: not the recipe's fit
        if progress is not None:
            progress(result)
        results.append(result if keep_engines else replace(result, engine=None))
    return results


def _run_batched(recipes, X, progress, cancel, n_jobs) -> list[FitResult]:
    """:func:`run_recipes` with the batchable fits stepped together."""
    try:
        X = check_data(X)
    except ValueError:  # every recipe says so on its own
        return run_recipes(recipes, X, progress, cancel, None, True, n_jobs)
    results: dict[int, FitResult] = {}
    alone: list[int] = []

    def finished(fit: batched.BatchedFit) -> None:
        if fit.left:
            alone.append(fit.index)
            return
        recipe = recipes[fit.index]
        result = FitResult(recipe, fit.index, fit.state, None, error=fit.error,
                           criteria=fit.criteria)
        results[fit.index] = result
        if progress is not None:
            progress(result)

    groups = _batches(recipes, *X.shape)
    for group in groups:
        if not batched.run_batch([recipes[i] for i in group], group, X, finished, cancel,
                                 n_jobs):
            return [results[i] for i in sorted(results)]
    grouped = {i for group in groups for i in group}
    alone += [i for i in range(len(recipes)) if i not in grouped]
    # from their start again (the batch's iterations of a fit that left are not reused)
    stopped = []

    def between_iterations(_state) -> bool:
        if cancel is not None and cancel():
            stopped.append(True)
        return bool(stopped)

    for index in sorted(alone):
        if cancel is not None and cancel():
            break
        result = run_recipe(recipes[index], X, between_iterations, index, n_jobs)
        if stopped:
            break  # stopped part-way: not the recipe's fit
        if progress is not None:
            progress(result)
        results[index] = replace(result, engine=None)
    return [results[i] for i in sorted(results)]


def _batches(recipes, n_samples: int, n_features: int) -> list[list[int]]:
    """Indices of the batchable recipes, in batches whose responsibilities (sum of K
    times N numbers) stay within :data:`~gmm_explorer.engine.batched.MAX_BLOCK`; a fit
    that takes more than half of it is not batched (large N: one fit at a time, its
    chunks of N over the worker threads, is the faster way). Nor is any fit when the
    rows the batch keeps (``[x, 1, products]`` of every point) would pass that budget:
    at N = 1e6 and D = 4 they took 120 MB for 32 MB of data, growing as D squared."""
    D = n_features
    if (D + 1 + D * (D + 1) // 2) * n_samples > batched.MAX_BLOCK:
        return []
    groups, group, used = [], [], 0
    for i, recipe in enumerate(recipes):
        size = recipe.settings.n_components * n_samples
        if not batched.batchable(recipe) or 2 * size > batched.MAX_BLOCK:
            continue
        if used + size > batched.MAX_BLOCK:
            groups.append(group)
            group, used = [], 0
        group.append(i)
        used += size
    return groups + [group] if group else groups
