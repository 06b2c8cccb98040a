"""Fitting in standardised units while every view shows the data's own units.

Loaded files are fitted as the command line fits them: on ``Z = (X - center) / scale``
(:class:`~gmm_explorer.data.scaling.Standardizer`), so that columns in millimetres beside
kilometres neither look singular nor let a fixed ``reg_covar`` swamp the small column. The
window still shows the data in their units: :class:`StandardizedEngine` wraps the engine,
hands it Z, and maps each state it gives back to the data's units (means, covariances and
their eigenvalues, the log-likelihood and objective less ``N sum(log scale)``). What decides
singularity stays the engine's: the condition numbers, statuses and a collapse's numbers
are those of the fitted, standardised covariances, as the engine judged them.

:class:`FitUnits` keeps the last standardiser and Z per data array, so that Reset, a dragged
mean, the model-selection grid and the atlas all fit on the very same Z.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from gmm_explorer.data.scaling import Standardizer
from gmm_explorer.engine.state import EMState
from gmm_explorer.engine.validation import read_only_data

__all__ = ["FitUnits", "StandardizedEngine", "result_in_user_units", "scale_kind",
           "standardized_factory", "to_fit_units", "to_user_units"]


def scale_kind(covariance_type: str) -> str:
    """``"shared"`` for spherical covariances (one scale keeps a sphere a sphere), else
    ``"per-column"``."""
    return "shared" if covariance_type == "spherical" else "per-column"


def to_user_units(state: EMState, std: Standardizer, n_samples: int) -> EMState:
    """``state`` (fitted on standardised data) in the data's units.

    Means and covariances map exactly (``center + scale m``, ``S C S``); the
    log-likelihood, its pseudo value and the objective lose ``N sum(log scale)``
    (the Jacobian). Condition numbers, statuses, effective counts and the
    collapse record stay the fitted ones.
    """
    if std.is_identity:
        return state
    if state.thinned:  # no parameters to map: the likelihoods only
        return _shifted(state, -n_samples * std.log_jacobian())
    return _moved(state, *std.to_user(state.weights, state.means, state.covariances)[1:],
                  -n_samples * std.log_jacobian())


def to_fit_units(state: EMState, std: Standardizer, n_samples: int) -> EMState:
    """The inverse of :func:`to_user_units`, for states that arrive in the data's units."""
    if std.is_identity:
        return state
    if state.thinned:
        return _shifted(state, n_samples * std.log_jacobian())
    return _moved(state, *std.to_standard(state.weights, state.means, state.covariances)[1:],
                  n_samples * std.log_jacobian())


def _moved(state: EMState, means, covariances, shift: float) -> EMState:
    """``state`` with other means and covariances, its likelihoods shifted by ``shift``."""
    return _shifted(replace(state, means=means, covariances=covariances, eigenvalues=None),
                    shift)


def _shifted(state, shift: float):
    """``state`` (full or thinned) with its likelihoods shifted by ``shift``."""
    pseudo = state.pseudo_log_likelihood
    return replace(state, log_likelihood=float(state.log_likelihood) + shift,
                   objective=float(state.objective) + shift,
                   pseudo_log_likelihood=None if pseudo is None else float(pseudo) + shift)


def result_in_user_units(result, std: Standardizer | None, n_samples: int):
    """A :class:`~gmm_explorer.engine.fits.FitResult` of a standardised fit in the data's
    units: its state, and its BIC, ICL and AIC (each ``-2`` log-likelihood ``+ ...``, so
    ``2 N sum(log scale)`` more). Results of fits in the data's units come back as they are.
    """
    if std is None or std.is_identity or result.state is None:
        return result
    shift = 2 * n_samples * std.log_jacobian()
    criteria = None if result.criteria is None else {
        name: float(value) + shift for name, value in result.criteria.items()}
    return replace(result, state=to_user_units(result.state, std, n_samples),
                   criteria=criteria)


class FitUnits:
    """The standardiser and standardised data of the last data array, per scale kind.

    Thread-safe: the model-selection grid asks from its job thread.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: dict[str, tuple] = {}  # kind -> (X, Standardizer, Z)

    def get(self, X: np.ndarray, covariance_type: str) -> tuple[Standardizer, np.ndarray]:
        """``(standardizer, Z)`` for data ``X`` (N, D) fitted with ``covariance_type``."""
        kind = scale_kind(covariance_type)
        with self._lock:
            cached = self._cache.get(kind)
            if cached is not None and cached[0] is X:
                return cached[1], cached[2]
        std = Standardizer.fit(X, covariance_type)
        Z = np.ascontiguousarray(std.transform(X))
        Z.setflags(write=False)
        self.adopt(X, covariance_type, std, Z)
        return std, Z

    def adopt(self, X: np.ndarray, covariance_type: str, std: Standardizer,
              Z: np.ndarray) -> None:
        """Remember a standardiser made elsewhere (a background load's engine)."""
        with self._lock:
            self._cache[scale_kind(covariance_type)] = (X, std, Z)


class _UserHistory(Sequence):
    """The wrapped engine's history, each state in the data's units (mapped once, cached)."""

    def __init__(self, owner: "StandardizedEngine"):
        self._owner = owner

    def _states(self) -> list:
        return self._owner.fit_history

    def __len__(self) -> int:
        return len(self._states())

    def __getitem__(self, index):
        states = self._states()
        if isinstance(index, slice):
            return [self._owner.user_state(s) for s in states[index]]
        return self._owner.user_state(states[index])

    def __iter__(self):
        for state in list(self._states()):
            yield self._owner.user_state(state)


class StandardizedEngine:
    """An engine that fits standardised data and answers in the data's units.

    It offers what the window uses of :class:`~gmm_explorer.engine.GaussianMixtureEM`
    (``initialize``, ``step``, ``run``, ``rewind``, ``responsibilities``, ``hard_labels``,
    ``history``, ``tol``, ``X``; ``halted``, ``n_parameters`` and the settings as the engine's own)
    with every array in the data's units; starts given to :meth:`initialize` are in the
    data's units too.

    Parameters
    ----------
    engine : GaussianMixtureEM
        The engine that fits (its settings are the fit's).
    units : FitUnits, optional
        Where to get (and share) the standardiser and Z; None makes them here
        (a background load's thread).
    """

    def __init__(self, engine, units: FitUnits | None = None):
        self._engine = engine
        self._units = units
        self._X = None
        self.standardizer: Standardizer | None = None
        self.Z: np.ndarray | None = None
        self._mapped: dict[int, tuple] = {}  # id(fit state) -> (fit state, user state)
        self._fit_of: dict[int, EMState] = {}  # id(user state) -> fit state
        self._full_mapped = 0  # full states in ``_mapped``: pruned past the history's cap
        # a worker thread steps (and maps) while the window reads (and maps)
        self._lock = threading.Lock()

    def __getattr__(self, name):
        # Only what holds in any units passes through: the settings and facts about the
        # history. A method taking states or points (predict, score, hard_labels, ...) must
        # map them, so one missing here fails loudly instead of mixing units.
        if name in _SAME_IN_ANY_UNITS:
            return getattr(self._engine, name)
        raise AttributeError(f"a standardised fit has no {name!r}: it would mix the data's "
                             "units with the standardised ones (add it to StandardizedEngine)")

    # ------------------------------------------------------------ units
    @property
    def engine(self):
        """The wrapped engine (its states are in standardised units)."""
        return self._engine

    @property
    def X(self) -> np.ndarray | None:
        """The data in their own units, shape (N, D): the very array given to initialize."""
        return self._X

    @property
    def fit_history(self) -> list:
        """The wrapped engine's states, in standardised units (the only copy)."""
        return self._engine.history

    @fit_history.setter
    def fit_history(self, states: list) -> None:
        self._engine.history = states

    @property
    def history(self) -> _UserHistory:
        """The states in the data's units, oldest first (mapped on demand)."""
        return _UserHistory(self)

    @history.setter
    def history(self, states) -> None:
        self._engine.history = [self.fit_state(s) for s in states]

    @property
    def state(self) -> EMState | None:
        states = self._engine.history
        return self.user_state(states[-1]) if states else None

    def user_state(self, state: EMState) -> EMState:
        """A state of the wrapped engine in the data's units (the same object each time)."""
        with self._lock:
            hit = self._mapped.get(id(state))
            if hit is not None and hit[0] is state:
                return hit[1]
            user = to_user_units(state, self.standardizer, len(self._X))
            self._mapped[id(state)] = (state, user)
            self._fit_of[id(user)] = state
            if not state.thinned:
                self._full_mapped += 1
                if self._full_mapped > self._engine.history_cap() + _SPARE_MAPPED:
                    self._prune()
            return user

    def _prune(self) -> None:
        """Forget mapped full states the engine's history no longer holds (thinned, cut or
        replayed): the engine thins to stay within its budget, and this cache would
        otherwise keep every full state alive, twice. Called under the lock."""
        history = self._engine.history
        for key, (fit, user) in list(self._mapped.items()):
            i = fit.iteration
            if not fit.thinned and not (i < len(history) and history[i] is fit):
                del self._mapped[key]
                self._fit_of.pop(id(user), None)
        self._full_mapped = sum(not fit.thinned for fit, _ in self._mapped.values())

    def state_at(self, iteration: int) -> EMState:
        """The full state of ``history[iteration]`` in the data's units (replayed by the
        engine when it was thinned)."""
        return self.user_state(self._engine.state_at(iteration))

    def fit_state_at(self, iteration: int) -> EMState:
        """The full state of ``history[iteration]`` as fitted (standardised units)."""
        return self._engine.state_at(iteration)

    def fit_state(self, state: EMState) -> EMState:
        """The standardised state behind ``state`` (which is in the data's units)."""
        fit = self._fit_of.get(id(state))
        if fit is not None and self._mapped.get(id(fit), (None, None))[1] is state:
            return fit
        return to_fit_units(state, self.standardizer, len(self._X))

    def _start_in_fit_units(self, weights, means, covariances) -> dict:
        std = self.standardizer
        start = {}
        if weights is not None:
            start["weights"] = weights
        if means is not None:
            start["means"] = (np.asarray(means, float) - std.center) / std.scale
        if covariances is not None:
            c = np.asarray(covariances, float)
            if c.ndim == 3:  # full matrices; the type's native shapes scale per entry too
                start["covariances"] = c / np.outer(std.scale, std.scale)
            else:
                start["covariances"] = _native_to_standard(c, self._engine.covariance_type,
                                                           std.scale)
        return start

    # ------------------------------------------------------------ EM
    def prepare(self, X) -> None:
        """Take data ``X`` (N, D) and their standardiser, without starting EM."""
        X = read_only_data(X)  # kept: nobody may change it under the fit
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array (N, D), got shape {X.shape}")
        if self._units is not None:
            std, Z = self._units.get(X, self._engine.covariance_type)
        else:
            std = Standardizer.fit(X, self._engine.covariance_type)
            Z = np.ascontiguousarray(std.transform(X))
            Z.setflags(write=False)
        with self._lock:
            self._X, self.standardizer, self.Z = X, std, Z
            self._mapped.clear()
            self._fit_of.clear()
            self._full_mapped = 0

    def initialize(self, X, weights=None, means=None, covariances=None) -> EMState:
        """Standardise ``X`` (N, D) and start EM on it; the start is in the data's units."""
        self.prepare(X)
        state = self._engine.initialize(self.Z, **self._start_in_fit_units(
            weights, means, covariances))
        return self.user_state(state)

    def step(self) -> EMState:
        return self.user_state(self._engine.step())

    def run(self, max_iter=100, tol=None, callback=None) -> EMState:
        own = None if callback is None else (lambda s: callback(self.user_state(s)))
        return self.user_state(self._engine.run(max_iter=max_iter, tol=tol, callback=own))

    def rewind(self, iteration: int) -> EMState:
        return self.user_state(self._engine.rewind(iteration))

    def responsibilities(self, state=None, X=None, rows=None) -> np.ndarray:
        """Responsibilities (n, K) under ``state`` (data units) of ``X`` (data units) or rows."""
        fit = None if state is None else self.fit_state(state)
        Z = None if X is None else self.standardizer.transform(X)
        return self._engine.responsibilities(fit, Z, rows)

    def hard_labels(self, state=None, X=None) -> np.ndarray:
        """The most responsible component (n,) under ``state`` (data units) of ``X`` (data
        units) or the data. Not left to the engine: it would read a state in the data's
        units as standardised parameters (and miss its kept responsibilities)."""
        fit = None if state is None else self.fit_state(state)
        Z = None if X is None else self.standardizer.transform(X)
        return self._engine.hard_labels(fit, Z)

    @property
    def tol(self) -> float:
        return self._engine.tol

    @tol.setter
    def tol(self, value: float) -> None:
        self._engine.tol = value


#: Mapped full states kept beyond the engine's cap before the cache is pruned (replayed
#: states a timeline shows, the views' latest): pruning then runs once per this many.
_SPARE_MAPPED = 64


#: The wrapped engine's attributes that mean the same in the data's units and standardised ones.
_SAME_IN_ANY_UNITS = frozenset({
    "n_components", "covariance_type", "reg_covar", "prior", "on_collapse", "init",
    "max_condition", "random_state", "n_jobs", "init_covariance_scale", "halted",
    "n_parameters", "get_params", "model_info", "history_budget", "has_thinned_states",
    "full_states", "history_cap",
})


def standardized_factory(factory, units: FitUnits | None = None):
    """An engine factory like ``factory`` whose engines fit in standardised units."""
    def make(**settings):
        return StandardizedEngine(factory(**settings), units)
    return make


def _native_to_standard(c: np.ndarray, covariance_type: str, scale: np.ndarray) -> np.ndarray:
    """Covariances in a type's native shape, from the data's units to standardised ones."""
    if covariance_type == "tied":
        return c / np.outer(scale, scale)
    if covariance_type == "diag":
        return c / scale ** 2
    if covariance_type == "spherical":
        return c / scale[0] ** 2  # one shared scale for spherical fits
    raise ValueError(f"covariances of shape {c.shape} do not fit covariance_type "
                     f"{covariance_type!r}")
