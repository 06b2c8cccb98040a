"""The history under a memory budget: older states thinned, replayed on demand.

A full :class:`~gmm_explorer.engine.state.EMState` holds K x D x D covariances
and their K x D eigenvalues (134 KB at D = 40, K = 10), so a long run at high D
would otherwise fill memory. Past the engine's ``history_budget`` (bytes of
full states; by default an eighth of the physical memory), older states are
replaced by a :class:`ThinnedState` that keeps every scalar and small (K,)
array, so the curves stay whole, and drops the means, covariances and
eigenvalues. Always kept in full: the first state, the last few hundred, the
states where something happened (a collapse, a re-seed or removal, a change of
status, convergence) and evenly spaced checkpoints whose spacing doubles each
time the budget is reached again.

EM is deterministic from a state's parameters, so the full state of a thinned
iteration is replayed from the nearest kept state before it
(:meth:`ThinnedHistory.state_at`), bit for bit; each replayed step is checked
against the recorded scalars. A re-seed draws random numbers and so cannot be
replayed through: those states are never thinned, and a replay never crosses
one because it starts from the nearest kept state. When states where something
happened alone exceed the budget, the oldest of them are thinned too; re-seeds
and removals never are, so only a run that re-seeds at nearly every iteration
can hold more full states than the budget allows.
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from gmm_explorer.engine.parallel import blas_limited
from gmm_explorer.engine.state import EMState

__all__ = ["ThinnedHistory", "ThinnedState", "ThinnedStateError", "default_history_budget",
           "full_state_bytes"]

#: States at the end of the history that are always kept in full (fewer under a small
#: budget): stepping back a few iterations never replays.
RECENT_STATES = 200

#: Replayed states kept for the next request (a timeline scrubbed state by state).
_REPLAY_CACHE = 16


def default_history_budget() -> int:
    """An eighth of the physical memory in bytes (1 GiB where the system does not say)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not every platform has these names
        total = 8 * 2 ** 30
    return int(total // 8) if total > 0 else 2 ** 30


def full_state_bytes(state: EMState) -> int:
    """Bytes of a full state's arrays (what thinning frees most of)."""
    return int(sum(a.nbytes for a in (state.weights, state.means, state.covariances,
                                       state.eigenvalues, state.condition_numbers,
                                       state.effective_counts)))


class ThinnedStateError(LookupError):
    """Raised when a thinned state's dropped parameters are read; ask
    ``engine.state_at(iteration)`` for the full state."""


@dataclass(frozen=True)
class ThinnedState:
    """A state whose means, covariances and eigenvalues were dropped to save memory.

    It has every other field of :class:`~gmm_explorer.engine.state.EMState`
    (the same arrays, shared), ``n_features``, and ``thinned = True``. Reading
    ``means``, ``covariances`` or ``eigenvalues`` raises
    :class:`ThinnedStateError`, naming :meth:`ThinnedHistory.state_at`.
    """

    iteration: int
    weights: np.ndarray
    log_likelihood: float
    objective: float
    condition_numbers: np.ndarray
    effective_counts: np.ndarray
    component_status: tuple
    collapse: object
    converged: bool
    covariance_type: str
    pseudo_log_likelihood: float | None
    events: tuple
    component_ids: np.ndarray
    n_features: int

    thinned = True

    @classmethod
    def of(cls, state: EMState) -> "ThinnedState":
        """The thinned record of a full state (its small arrays shared, not copied)."""
        return cls(iteration=state.iteration, weights=state.weights,
                   log_likelihood=state.log_likelihood, objective=state.objective,
                   condition_numbers=state.condition_numbers,
                   effective_counts=state.effective_counts,
                   component_status=state.component_status, collapse=state.collapse,
                   converged=state.converged, covariance_type=state.covariance_type,
                   pseudo_log_likelihood=state.pseudo_log_likelihood, events=state.events,
                   component_ids=state.component_ids, n_features=state.n_features)

    def _dropped(self, name: str):
        raise ThinnedStateError(
            f"the {name} of iteration {self.iteration} were thinned to keep the history "
            f"within its memory budget; engine.state_at({self.iteration}) replays them")

    means = property(lambda self: self._dropped("means"))
    covariances = property(lambda self: self._dropped("covariances"))
    eigenvalues = property(lambda self: self._dropped("eigenvalues"))

    @property
    def n_components(self) -> int:
        """K, the number of components in this state."""
        return self.weights.shape[0]

    @property
    def is_collapsed(self) -> bool:
        """True when any component is singular."""
        return "singular" in self.component_status


def is_thinned(state) -> bool:
    """Whether ``state`` is a :class:`ThinnedState` (full states have ``thinned = False``)."""
    return isinstance(state, ThinnedState)


def _replaces_parameters(state) -> bool:
    """A re-seed or removal: parameters that no M-step made, so no replay reaches them."""
    return bool(state.events) or (state.collapse is not None
                                  and state.collapse.action in ("reinitialized", "removed"))


def _notable(state, before) -> bool:
    """Something happened here: a collapse, events, convergence or a change of status."""
    return (state.collapse is not None or bool(state.events) or state.converged
            or before is None or before.component_status != state.component_status)


class ThinnedHistory:
    """Mixin of :class:`~gmm_explorer.engine.em.GaussianMixtureEM`: the history's budget,
    its thinning after each appended state, and :meth:`state_at`.

    The engine calls :meth:`_after_append` after it appends a state; everything
    else here reads ``history`` and the engine's EM methods.
    """

    _budget: int | None = None
    _stride = 1
    _full = 0            # full states in the history, as last counted
    _counted = -1        # the history's length when ``_full`` was right
    _sized = None        # the covariances' shape that ``_size`` (a full state's bytes) is for
    _size = 0
    _replayed: OrderedDict | None = None
    _thinning = True     # off in the twin engine that replays
    # the window replays on its thread while a job (an animation's frames) may replay on
    # another: one replay at a time keeps the cache whole (replays are short, at most a
    # checkpoint's spacing of steps)
    _replay_lock = threading.Lock()

    @property
    def history_budget(self) -> int:
        """Bytes the history's full states may take before older ones are thinned
        (default :func:`default_history_budget`). Set it to change it; ``float('inf')``
        or a huge number keeps every state."""
        if self._budget is None:
            self._budget = default_history_budget()
        return self._budget

    @history_budget.setter
    def history_budget(self, value) -> None:
        value = float(value)
        if not value > 0:
            raise ValueError(f"history_budget must be a positive number of bytes, "
                             f"got {value!r}")
        self._budget = int(min(value, 2 ** 62))

    @property
    def full_states(self) -> int:
        """How many states of the history are kept in full."""
        return sum(not is_thinned(s) for s in self.history)

    @property
    def has_thinned_states(self) -> bool:
        """Whether any state of the history is thinned (its parameters replayed on demand).

        O(1) while the count kept by thinning is current (the window asks after every
        batch of a run), else a count over the history.
        """
        n = len(self.history)
        full = self._full if self._counted == n else self.full_states
        return full < n

    def history_cap(self) -> int:
        """Most full states the budget allows, at the latest state's size (at least 4)."""
        if not self.history:
            return 4
        latest = self.history[-1]
        if is_thinned(latest):
            return max(4, self.history_budget)
        # a full state's size follows from K and D: summed once per shape, not per step
        shape = latest.covariances.shape
        if self._sized != shape:
            self._sized, self._size = shape, full_state_bytes(latest)
        return max(4, self.history_budget // max(self._size, 1))

    # ------------------------------------------------------------ thinning
    def _after_append(self) -> None:
        """Thin the state that just left the recent tail, and more when over the cap."""
        if not self._thinning:
            return
        history = self.history
        n = len(history)
        if self._counted != n - 1:  # the list was replaced or cut: count afresh
            self._full = sum(not is_thinned(s) for s in history[:-1])
            if n == 1:
                self._stride = 1
        self._full += 1
        self._counted = n
        cap = self.history_cap()
        if self._full <= cap and self._stride == 1:
            return  # nothing thinned yet: every state kept
        recent = max(2, min(RECENT_STATES, cap // 4))
        leaving = n - 1 - recent
        if leaving > 0:
            self._thin_if_plain(leaving)
        while self._full > cap and self._stride < n:
            self._stride *= 2
            for i in range(1, max(n - recent, 1)):
                self._thin_if_plain(i)
        if self._full > cap:  # notable states too, oldest first; re-seeds stay
            for i in range(1, max(n - recent, 1)):
                if self._full <= cap:
                    break
                if not is_thinned(history[i]) and not _replaces_parameters(history[i]):
                    self._thin(i)

    def _thin_if_plain(self, i: int) -> None:
        """Thin state ``i`` unless something happened there or it is a checkpoint."""
        history = self.history
        state = history[i]
        if is_thinned(state) or i % self._stride == 0 or _notable(state, history[i - 1]):
            return
        self._thin(i)

    def _thin(self, i: int) -> None:
        self.history[i] = ThinnedState.of(self.history[i])
        self._full -= 1

    # ------------------------------------------------------------ replay
    @blas_limited  # as every EM method: the replay's first E-step too
    def state_at(self, iteration: int) -> EMState:
        """The full state of ``iteration``: the kept one, or replayed when it was thinned.

        Parameters
        ----------
        iteration : int
            Index into ``history`` (negative counts from the end).

        Returns
        -------
        EMState
            Bit for bit the state the run made: replayed from the nearest kept
            (or recently replayed) state before it, each step checked against
            the recorded log-likelihood, objective and effective counts.

        Raises
        ------
        IndexError
            When ``iteration`` is not in the history.
        """
        history = self.history
        n = len(history)
        index = iteration + n if iteration < 0 else iteration
        if not 0 <= index < n:
            raise IndexError(f"iteration {iteration} is not in the history (0 to {n - 1})")
        record = history[index]
        if not is_thinned(record):
            return record
        with self._replay_lock:
            return self._replayed_state(index)

    def _replayed_state(self, index: int) -> EMState:
        """:meth:`state_at` of a thinned ``index``, under the replay lock."""
        history = self.history
        cache = self._replay_cache()
        if self._cached(index):  # every view asks for the shown state: one replay
            cache.move_to_end(index)
            return cache[index][1]
        start = index - 1
        while is_thinned(history[start]) and not self._cached(start):
            start -= 1
        state = history[start] if not is_thinned(history[start]) else cache[start][1]
        twin = self._replay_twin(start, state)
        for i in range(start + 1, index + 1):
            state = twin.step()
            del twin.history[:-2]  # the stopping rule reads two states, no more
            self._check_replay(state, history[i])
            cache[i] = (history[i], state)
            cache.move_to_end(i)
            while len(cache) > _REPLAY_CACHE:
                cache.popitem(last=False)
        return state

    def _replay_cache(self) -> OrderedDict:
        if self._replayed is None:
            self._replayed = OrderedDict()
        return self._replayed

    def _cached(self, i: int) -> bool:
        """Whether a replayed state of ``i`` is cached for the record now in the history."""
        hit = self._replay_cache().get(i)
        return hit is not None and hit[0] is self.history[i]

    def _replay_twin(self, start: int, state: EMState):
        """An engine that shares this one's data and settings, set at ``state`` (index
        ``start``) with the state before it for the stopping rule; this engine's buffers,
        random numbers and history are left alone."""
        twin = copy.copy(self)
        twin._thinning = False
        twin._replayed = None
        twin._rng = copy.deepcopy(self._rng)
        twin.history = ([self.history[start - 1]] if start > 0 else []) + [state]
        twin.halted = False
        twin.n_components = state.n_components
        twin._ids = state.component_ids
        twin._params = twin._params_of(state)
        twin._resp = np.empty((state.n_components, self._X.shape[0]))
        twin._evaluate(state.iteration, *twin._params)
        return twin

    @staticmethod
    def _check_replay(state: EMState, record) -> None:
        """Refuse a replayed state that differs from what the run recorded."""
        same = (state.iteration == record.iteration
                and state.objective == record.objective
                and state.log_likelihood == record.log_likelihood
                and np.array_equal(state.effective_counts, record.effective_counts))
        if not same:
            raise RuntimeError(
                f"replaying iteration {record.iteration} gave objective {state.objective!r} "
                f"where the run recorded {record.objective!r}; the engine's settings or data "
                f"changed since the run, so thinned states cannot be rebuilt")
