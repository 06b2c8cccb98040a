"""A fit: the engine's recipe that made it and the engine that holds its history.

The workspace, compare mode and the lab each hold :class:`Fit` objects and
nothing else of EM: the engine's ``history`` is the only copy of the states,
and :class:`HistoryView` shows a prefix of it (the states the window has
drawn while a worker appends more) without copying it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Callable

import numpy as np

from gmm_explorer.app.model.settings import ModelSettings, RunSettings
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.fits import FitRecipe
from gmm_explorer.engine.parallel import available_cores

#: ``factory(**settings.engine_kwargs(), tol=tol) -> engine``.
EngineFactory = Callable[..., object]

_START_KEYS = ("weights", "means", "covariances")


#: Worker threads of the window's engines: one core is left to the window, which paints
#: while EM runs (on two cores, a run that took both left it none).
WINDOW_JOBS = max(1, available_cores() - 1)


def default_engine_factory(**kwargs):
    """A :class:`gmm_explorer.engine.GaussianMixtureEM` with these settings and
    :data:`WINDOW_JOBS` workers (the states are the same for any number)."""
    return GaussianMixtureEM(**kwargs, n_jobs=WINDOW_JOBS)


def start_of(state) -> dict:
    """A state's parameters as a start: weights (K,), means (K, D), covariances (K, D, D)."""
    return {key: np.array(getattr(state, key), dtype=float) for key in _START_KEYS}


def make_recipe(settings: ModelSettings, run: RunSettings, start: dict | None = None) -> FitRecipe:
    """The engine's recipe for the window's settings and an optional pinned start.

    Parameters
    ----------
    settings : ModelSettings
    run : RunSettings
        Its ``tol`` and ``max_iter`` go into the recipe.
    start : dict, optional
        Pinned start parameters (a preset's start, a dragged mean): any of
        ``weights`` (K,), ``means`` (K, D), ``covariances`` (K, D, D).
    """
    start = start or {}
    return FitRecipe(settings, tol=run.tol, max_iter=run.max_iter,
                     **{key: start.get(key) for key in _START_KEYS})


class Fit:
    """A recipe and the engine that ran it (its ``history`` is the fit's history).

    Build one with :meth:`begin` (a new start) or :meth:`restore` (a saved
    history); both raise ``ValueError``, building nothing, when EM cannot
    start on the data.
    """

    def __init__(self, recipe: FitRecipe, engine: GaussianMixtureEM):
        self.recipe = recipe
        self.engine = engine

    @classmethod
    def begin(cls, X: np.ndarray, recipe: FitRecipe,
              factory: EngineFactory = default_engine_factory) -> "Fit":
        """Start EM on ``X`` (N, D) from the recipe: the history holds the start."""
        k = recipe.settings.n_components
        if len(X) < k:
            raise ValueError(f"{k} components need at least {k} points; the data have {len(X)}")
        engine = factory(**recipe.settings.engine_kwargs(), tol=recipe.tol)
        engine.initialize(X, weights=recipe.weights, means=recipe.means,
                          covariances=recipe.covariances)
        return cls(recipe, engine)

    @classmethod
    def restore(cls, X: np.ndarray, recipe: FitRecipe, history: list,
                factory: EngineFactory = default_engine_factory, *,
                fit_units: bool = False) -> "Fit":
        """A fit holding a saved ``history``, ready to step on from its last state.

        The engine starts from the first saved state's parameters (which
        checks them against the data), takes the saved history and rewinds to
        its last state, which recomputes that state's responsibilities.
        ``fit_units``: the states are in the units the engine fits in (a
        standardised fit's own states, see :attr:`fit_history`), so they are
        taken as they are, bit for bit.
        """
        first = history[0]
        if first.n_features != X.shape[1]:
            raise ValueError(f"the saved states have {first.n_features} dimensions, the data "
                             f"{X.shape[1]}")
        engine = factory(**recipe.settings.engine_kwargs(), tol=recipe.tol)
        own = fit_units and hasattr(engine, "fit_history")
        try:
            if own:  # the start checked in the data's units, the states kept as fitted
                engine.prepare(X)
                first = engine.user_state(first)
            engine.initialize(X, **start_of(first))
        except ValueError:  # a saved start a later check refuses: the history still holds
            engine.initialize(X)
        if own:
            engine.fit_history = list(history)
        else:
            engine.history = list(history)
        engine.rewind(len(history) - 1)
        return cls(recipe, engine)

    @property
    def history(self) -> list:
        """The engine's states, oldest first (the only copy)."""
        return self.engine.history

    @property
    def fit_history(self) -> list:
        """The states in the units the engine fits in: the data's own, or standardised
        ones for a standardised fit (what session files keep, to replay bit for bit)."""
        return getattr(self.engine, "fit_history", self.engine.history)

    def state_at(self, index: int):
        """The full state of ``history[index]``: replayed by the engine when the history
        thinned it (see :mod:`gmm_explorer.engine.thinning`)."""
        return self.engine.state_at(index)

    def fit_state_at(self, index: int):
        """:meth:`state_at` in the units the engine fits in (see :attr:`fit_history`)."""
        return getattr(self.engine, "fit_state_at", self.engine.state_at)(index)

    @property
    def standardizer(self):
        """The standardiser of a standardised fit, else None."""
        return getattr(self.engine, "standardizer", None)

    @property
    def start(self) -> dict:
        """The start this fit ran from: its first state's parameters."""
        return start_of(self.history[0])

    def with_run(self, run: RunSettings) -> None:
        """New stopping rules for the steps to come."""
        self.recipe = replace(self.recipe, tol=run.tol, max_iter=run.max_iter)
        self.engine.tol = run.tol


class HistoryView(Sequence):
    """The first ``length`` states of a fit's history, read-only and without a copy.

    While a worker appends states to the engine's list, the window shows
    only those it has been handed; the list itself is never copied.
    """

    __slots__ = ("_states", "_length")

    def __init__(self, states: list | None = None, length: int | None = None):
        self._states = [] if states is None else states
        self._length = len(self._states) if length is None else int(length)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step == 1:  # the common case, without a copy of the whole prefix
                return self._states[start:stop]
            return [self._states[i] for i in range(start, stop, step)]
        n = self._length
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"iteration {index} is not in the history (0 to {n - 1})")
        return self._states[index]

    def __iter__(self):
        return itertools.islice(self._states, self._length)

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (Sequence, list)) \
            else NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"HistoryView({self._length} states)"
