"""The read side of the workspace: the shown state, its changes and responsibilities.

:class:`WorkspaceReading` is a mixin of :class:`~gmm_explorer.app.model.workspace.Workspace`
(kept apart so each module has one job): it reads the workspace's ``fit``, the
number of states handed to the views, ``current``, ``X`` and ``display_indices``,
and changes nothing.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.app.model import status_words
from gmm_explorer.engine.state import EMState


class WorkspaceReading:
    """What views ask of the workspace about the shown iteration (no side effects)."""

    fit = None
    X = None
    current = -1
    _shown = 0

    @property
    def state(self) -> EMState | None:
        """The shown state, full (None before any data): replayed by the engine when a
        long run's history thinned it."""
        return self.fit.state_at(self.current) if self._shown else None

    def state_at(self, index: int) -> EMState:
        """The full state at ``index`` of the shown history (replayed when thinned).

        ``history[index]`` may be a thinned record (its scalars only, see
        :mod:`gmm_explorer.engine.thinning`); anything that draws or exports
        parameters asks here instead.
        """
        if not 0 <= index < self._shown:
            raise IndexError(f"iteration {index} is not in the history (0 to "
                             f"{self._shown - 1})")
        return self.fit.state_at(index)

    @property
    def history_thinned(self) -> bool:
        """Whether older states of the shown history were thinned (replayed on demand)."""
        return bool(self._shown) and self.fit.engine.has_thinned_states

    def change(self, index: int | None = None) -> float:
        """Change of the objective at ``index`` from the iteration before (nan at 0)."""
        index = self.current if index is None else index
        if index <= 0 or index >= self._shown:
            return float("nan")
        history = self.fit.history
        with np.errstate(invalid="ignore"):
            return float(history[index].objective - history[index - 1].objective)

    def is_converged(self, index: int | None = None) -> bool:
        """Whether the engine marked the state at ``index`` converged, on a true likelihood.

        A state EM reached with allow_singular densities (policy ``continue``) is
        never called converged: its small change is between pseudo values, which
        can grow without bound, so it says nothing about a maximum.
        """
        index = self.current if index is None else index
        return bool(self._shown and self.fit.history[index].converged
                    and not self.is_pseudo(index))

    def is_pseudo(self, index: int | None = None) -> bool:
        """Whether the state at ``index`` was computed with allow_singular densities.

        Its ``pseudo_log_likelihood`` is then set: the value EM followed, not a
        likelihood comparable with any other.
        """
        index = self.current if index is None else index
        return bool(self._shown and self.fit.history[index].pseudo_log_likelihood is not None)

    def status_words(self) -> tuple:
        """What each status of the shown state means, with its numbers.

        Returns
        -------
        explanations : list of str
            One per component of the shown state, in its order
            (:func:`~gmm_explorer.app.model.status_words.explain_status`).
        legend : list of str
            One line per status (:func:`~gmm_explorer.app.model.status_words.status_legend`).
        """
        state = self.state
        if state is None:
            return [], []
        X = self.fit.engine.X  # the data this state was fitted to
        if getattr(self, "_log_det_of", (None,))[0] is not X:  # once per data, not per Step
            self._log_det_of = (X, status_words.data_log_det(X))
        log_det = self._log_det_of[1]
        limit = self.fit.recipe.settings.max_condition  # the state's, not a newer setting's
        return ([status_words.explain_status(state, k, limit, log_det)
                 for k in range(state.n_components)],
                status_words.status_legend(state, limit, log_det))

    def is_halted_at(self, state) -> bool:
        """Whether EM halted (a collapse under ``stop``) and ``state`` is its last state."""
        return bool(self.fit is not None and self.fit.engine.halted and self._shown
                    and state is self.fit.history[self._shown - 1])

    def drawn_points(self) -> np.ndarray:
        """The drawn subsample on the shown axes, shape (M, 2)."""
        if self.X is None:
            return np.zeros((0, 2))
        return self.X[self.display_indices][:, list(self.axes)]

    def data_responsibilities(self, state) -> np.ndarray | None:
        """The engine's responsibilities of every data point for ``state``, (N, K).

        While a run is going the worker owns the engine's buffers, so they are
        computed afresh from the state's parameters instead of copied.
        """
        if self.fit is None or self.X is None:
            return None
        return self.fit.engine.responsibilities(state, self.X if self.running else None)

    def data_hard_labels(self, state) -> np.ndarray | None:
        """The most responsible component of every data point for ``state``, (N,).

        The argmax of :meth:`data_responsibilities`, without its (N, K) copy
        for the engine's latest state; computed afresh while a run goes.
        """
        if self.fit is None or self.X is None:
            return None
        return self.fit.engine.hard_labels(state, self.X if self.running else None)

    def display_responsibilities(self, index: int | None = None) -> np.ndarray:
        """Responsibilities of the drawn points for the state at ``index``, (M, K).

        For the engine's latest state (after a Step, outside a run) they are
        the engine's own, gathered from its (K, N) array; for any other state
        the engine computes them for the drawn points only.
        """
        state = self.state if index is None else self.state_at(index)
        engine = self.fit.engine
        # While a run goes the worker owns the engine's buffers, and just after
        # new data the engine still holds the old: compute afresh then.
        if self.running or engine.X is not self.X:
            return engine.responsibilities(state, self.X[self.display_indices])
        return engine.responsibilities(state, rows=self.display_indices)

    def point_responsibilities(self, row: int, index: int | None = None) -> np.ndarray:
        """Responsibilities of data row ``row`` for the state at ``index``, (K,)."""
        state = self.state if index is None else self.state_at(index)
        return self.fit.engine.responsibilities(state, self.X[row:row + 1])[0]
