"""How the workspace moves through EM: Step, Back, the timeline, Reset, Run and Pause.

:class:`WorkspaceStepping` is a mixin of :class:`~gmm_explorer.app.model.workspace.Workspace`
(kept apart so each module has one job). It steps the current fit's engine on
the GUI thread for a Step, hands a Run to the workspace's runner, and tells
the views through the workspace's signals.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gmm_explorer.app.model.fit import start_of
from gmm_explorer.engine.errors import SingularCovarianceError


class WorkspaceStepping:
    """Step, step back, go to an iteration, reset, new start, drag a mean, run, pause."""

    def step(self) -> bool:
        """One EM iteration from the shown state (the Step button).

        From a past iteration, the later ones are discarded first. Returns
        whether a new state was made.
        """
        self.stop()
        if self.fit is None:
            return False
        self._cut_history()
        try:
            state = self.fit.engine.step()
        except SingularCovarianceError as exc:
            self.message.emit(str(exc))
            return False
        self._show_new([state])
        return True

    def step_back(self) -> None:
        """Show the previous iteration (the history is kept)."""
        self.stop()
        if self.current > 0:
            self.go_to(self.current - 1)

    def go_to(self, index: int) -> None:
        """Show iteration ``index`` in every view (the timeline)."""
        if not self._shown:
            return
        index = int(np.clip(index, 0, self._shown - 1))
        if index != self.current:
            self.current = index
            self.currentChanged.emit(index)

    def reset(self) -> None:
        """Back to iteration 0, the same start; the history is discarded."""
        self.stop()
        if self.fit is None:
            return
        self.current = 0
        self._cut_history()
        self.message.emit("Reset to the start (iteration 0).")
        self.currentChanged.emit(0)

    def new_start(self) -> None:
        """A different random start: the next ``random_state`` (a pinned start is let go)."""
        self.set_model(random_state=self.model.random_state + 1)

    def move_mean(self, component: int, xy) -> None:
        """Move one mean on the shown axes and restart EM from there.

        The new start keeps the shown state's weights, covariances and the
        other means; the history is replaced.
        """
        state = self.state
        if state is None:
            return
        start = start_of(state)
        start["means"][component, list(self.axes)] = np.asarray(xy, dtype=float)[:len(self.axes)]
        # after a removal the shown state has fewer components than EM began with
        model = replace(self.model, n_components=state.n_components)
        self.begin_fit(start, model)  # a one-off start: not pinned, as a new seed would be
        self.message.emit(f"Moved the mean of component {state.component_ids[component]}; "
                          f"EM restarts from there.")

    def _cut_history(self) -> None:
        """Discard the iterations after the shown one."""
        last = self._shown - 1
        if self.current < last:
            self.fit.engine.rewind(self.current)
            self._shown = self.current + 1
            self.historyChanged.emit()
            self.message.emit(f"Discarded iterations {self.current + 1}-{last}; "
                              f"continuing from iteration {self.current}.")

    def _show_new(self, states: list) -> None:
        """Hand newly made states to the views (one redraw for all of them).

        Only the states handed over count: while a run goes, the worker may
        have appended more to the engine's history already.
        """
        self._shown = states[-1].iteration + 1
        self.current = self._shown - 1
        self.historyChanged.emit()
        self.currentChanged.emit(self.current)
        for state in states:
            if state.collapse is not None:
                self.collapsed.emit(state.collapse)

    # --------------------------------------------------------------- run
    @property
    def running(self) -> bool:
        """Whether a worker is stepping EM."""
        return self.runner.running

    def run(self) -> None:
        """Step EM in a worker thread until converged, halted, max_iter or paused."""
        if self.running or self.fit is None:
            return
        self._cut_history()
        rs = self.run_settings
        self.runner.start_run(self.fit.engine, max_iter=rs.max_iter, delay=rs.delay)
        self.runningChanged.emit(True)
        self.message.emit("Running...")

    def pause(self) -> None:
        """Stop a run after the iteration in progress."""
        self.stop("Paused.")

    def toggle_run(self) -> None:
        """Run if paused, pause if running (Space)."""
        if self.running:
            self.pause()
        else:
            self.run()

    def stop(self, message: str | None = None) -> None:
        """End a run, wait for its worker, and show every state it made.

        Safe to call when nothing runs. After it returns no run thread is alive.
        """
        if not self.runner.stop_run():
            return
        if len(self.fit.history) != self._shown:
            self._show_new(self.fit.history[self._shown:])
        self.runningChanged.emit(False)
        if message:
            self.message.emit(message)

    def shutdown(self) -> None:
        """Stop every thread (run, load, jobs); call before the window closes."""
        self.stop()
        self.runner.shutdown()

    def _on_states(self, states: list) -> None:
        if self.fit is not None and states:
            self._show_new(states)

    def _on_run_ended(self, reason: str, message: str) -> None:
        if len(self.fit.history) != self._shown:
            self._show_new(self.fit.history[self._shown:])
        self.runningChanged.emit(False)
        if reason == "failed":  # back to the last good state, so stepping still works
            try:
                self.fit.engine.rewind(self._shown - 1)
            except Exception as exc:  # noqa: BLE001 - reported, the history is kept
                message = f"{message}; the engine could not be restored ({exc}): Reset"
            message = f"The run stopped on an error: {message}"
            self.runFailed.emit(message)
        self.message.emit(message)
