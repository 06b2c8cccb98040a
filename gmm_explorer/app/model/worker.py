"""Running EM in a worker thread, after Orange's ``concurrent.py``.

:func:`run_loop` is a pure function: it steps, reports each state and checks
for interruption between iterations. :class:`RunWorker` runs it in a
``QThread``; the runner keeps at most one, cancels it before starting
another and waits for it on close.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from PySide6.QtCore import QThread, Signal

#: Why a run ended.
PAUSED = "paused"
CONVERGED = "converged"
HALTED = "halted"
MAX_ITER = "max_iter"
FAILED = "failed"

#: The longest a run waits for the window to draw a state (seconds).
MAX_DRAW_WAIT = 0.25


def run_loop(step: Callable, report: Callable, interrupted: Callable[[], bool], *,
             max_iter: int, delay: Callable[[], float] = lambda: 0.0,
             halted: Callable[[], bool] = lambda: False) -> tuple:
    """Step EM until converged, halted, ``max_iter`` or interrupted.

    Convergence is the engine's: ``state.converged`` (its ``tol``).

    Parameters
    ----------
    step : callable
        ``step() -> EMState``: one EM iteration.
    report : callable
        ``report(state)``, called after every iteration.
    interrupted : callable
        Checked before every iteration; a truthy answer ends the loop, so a
        pause takes effect within one iteration.
    max_iter : int
        Stop once a state's ``iteration`` reaches this.
    delay : callable
        ``delay() -> float``: seconds to wait between iterations (the speed
        control, read each time so that it can change during a run); the
        wait is interruptible through ``interrupted``.
    halted : callable
        ``halted() -> bool``: the engine stopped at a collapse.

    Returns
    -------
    reason : str
        One of ``PAUSED``, ``CONVERGED``, ``HALTED``, ``MAX_ITER``, ``FAILED``.
    message : str
        Plain words for the status bar.
    """
    while True:
        if interrupted():
            return PAUSED, "Paused."
        if halted():
            return HALTED, "The engine halted at a collapse; change a setting or Reset."
        try:
            state = step()
        except Exception as exc:  # the message goes to the status bar
            return FAILED, str(exc)
        report(state)
        if state.collapse is not None and halted():
            return HALTED, state.collapse.describe()
        if state.converged and state.pseudo_log_likelihood is not None:
            # the engine stops here, but a small change between pseudo values is no maximum
            return CONVERGED, (f"Stopped at iteration {state.iteration}: the change fell below "
                               f"tol, but EM follows a pseudo log-likelihood (allow_singular), "
                               f"which is not comparable: no convergence.")
        if state.converged:
            return CONVERGED, f"Converged at iteration {state.iteration}."
        if state.iteration >= max_iter:
            return MAX_ITER, f"Reached max_iter = {max_iter}."
        wait = delay()
        if wait > 0:
            end = time.monotonic() + wait
            while time.monotonic() < end:
                if interrupted():
                    return PAUSED, "Paused."
                time.sleep(min(0.005, max(end - time.monotonic(), 0)))


class RunWorker(QThread):
    """Runs :func:`run_loop` off the GUI thread.

    Signals
    -------
    stateReady(int, object)
        The worker's token and the newest EMState (queued to the GUI
        thread). The token lets the runner drop states from a run it has
        already cancelled. Delivery is throttled to what the GUI thread can
        draw: while a notice waits to be handled, new states only queue up,
        and the receiver takes them all at once with :meth:`take_states`.
        (Emitting one signal per state let a fast run bury the event loop
        under redraws: at N=1e5 it stopped answering for minutes.)
    runEnded(int, str, str)
        The token, and the reason and message from :func:`run_loop`.
    """

    stateReady = Signal(int, object)
    runEnded = Signal(int, str, str)

    def __init__(self, engine, token: int, *, max_iter: int, delay: float, parent=None):
        super().__init__(parent)
        self._engine = engine
        self.token = token
        self._max_iter = max_iter
        self.delay = delay  # seconds; the workspace may change it during a run
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pending: list = []
        self._notified = False
        self._drawn = threading.Event()

    def _report(self, state) -> None:
        with self._lock:
            self._pending.append(state)
            notify = not self._notified  # else the GUI has a notice to handle; it takes all
            if notify:
                self._notified = True
                self._drawn.clear()
        if notify:
            self.stateReady.emit(self.token, state)
        # Wait while the window draws: both threads running Python at once
        # fight over the GIL, and the GUI thread, which gives it up at every
        # call into Qt, loses (gaps of 300 ms in the event loop at N=1e5).
        deadline = time.monotonic() + MAX_DRAW_WAIT
        while not self._drawn.wait(0.005):
            if self._stop.is_set() or time.monotonic() > deadline:
                break

    def mark_drawn(self) -> None:
        """The GUI thread has drawn the states it took: the run goes on."""
        self._drawn.set()

    def take_states(self) -> list:
        """The states reported since the last call, oldest first (GUI thread)."""
        with self._lock:
            states, self._pending = self._pending, []
            self._notified = False
        return states

    def request_stop(self) -> None:
        """Ask the loop to end before its next iteration."""
        self._stop.set()

    def run(self) -> None:  # noqa: D102 - QThread entry point
        engine = self._engine
        reason, message = run_loop(
            engine.step, self._report,
            self._stop.is_set,
            max_iter=self._max_iter, delay=lambda: self.delay,
            halted=lambda: engine.halted,
        )
        self.runEnded.emit(self.token, reason, message)
