"""Compare mode, session side: the same start under two settings.

:class:`Comparison` runs two engines from one start (synchronously: a
compare run is short) and keeps both histories and an outcome table. The
compare view only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_explorer.app.model.lab import REMEDIES, lab_for


@dataclass
class Side:
    """One side of a comparison: its label, settings, history and outcome."""

    label: str
    model: object
    history: list
    bic: float

    def outcome(self) -> dict:
        """Final log-likelihood, smallest eigenvalue, degenerate/singular components, BIC."""
        last = self.history[-1]
        status = last.component_status
        return {
            "iterations": last.iteration,
            "final log-likelihood": last.log_likelihood,
            "smallest eigenvalue": float(np.min(last.eigenvalues)),
            "degenerate": [k for k, s in enumerate(status) if s == "degenerate"],
            "singular": [k for k, s in enumerate(status) if s == "singular"],
            "K": last.n_components,
            "BIC": self.bic,
        }


def _bic(engine, state, n_points: int) -> float:
    with np.errstate(all="ignore"):
        return float(-2.0 * state.log_likelihood + engine.n_parameters() * np.log(n_points))


class Comparison:
    """Run the session's data and start under two remedies.

    Parameters
    ----------
    session : Session
    left, right : str
        Remedy names (keys of :data:`gmm_explorer.app.model.lab.REMEDIES`).
    max_iter : int

    Raises
    ------
    ValueError
        A side cannot start (say, no ridge on a start whose covariances are
        singular): the message names the side's remedy and says why.
    """

    def __init__(self, session, left: str = "none", right: str = "ridge", max_iter: int = 40):
        self.session, self.max_iter = session, int(max_iter)
        # the columns shown when it ran: the session's may change (other data) while
        # this comparison is still on show
        self.axes = tuple(session.axes)
        self.lab = lab_for(session)
        self.sides = []
        for remedy in (left, right):
            try:
                self.sides.append(self._run(remedy))
            except ValueError as exc:
                raise ValueError(f"{REMEDIES[remedy][0]} cannot run from this start: "
                                 f"{exc}") from None

    def _run(self, remedy: str) -> Side:
        from gmm_explorer.engine import GaussianMixtureEM

        s = self.session
        model = self.lab.remedy_model(remedy)
        start = self.lab._current_start() or {}
        engine = GaussianMixtureEM(**model.engine_kwargs(), tol=s.run_settings.tol)
        engine.initialize(s.X, **start)
        for _ in range(self.max_iter):
            if engine.halted:
                break
            state = engine.step()
            if state.converged:
                break
        return Side(remedy, model, list(engine.history),
                    _bic(engine, engine.history[-1], len(s.X)))

    @property
    def length(self) -> int:
        """Timeline length: the longer history."""
        return max(len(side.history) for side in self.sides)

    def state_at(self, side: int, index: int):
        """The state side ``side`` shows at timeline position ``index`` (its last if shorter)."""
        hist = self.sides[side].history
        return hist[min(index, len(hist) - 1)]
