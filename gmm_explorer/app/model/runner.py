"""The one owner of the window's worker threads.

:class:`Runner` starts, cancels and waits for every ``QThread`` the window
uses: the EM run (:class:`~gmm_explorer.app.model.worker.RunWorker`), the
background file load (:class:`~gmm_explorer.app.model.load_worker.LoadWorker`)
and background jobs (:class:`JobWorker`: compare mode's fits, the model-selection
grid, the atlas of starts), each job under its own name. At most one run, one
load and one job of each name run at a time; a new one cancels the old first, and
:meth:`Runner.shutdown` leaves no thread alive (Orange's ``concurrent.py``
keeps the same rules).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from gmm_explorer.app.model.load_worker import LoadWorker
from gmm_explorer.app.model.worker import RunWorker


class JobWorker(QThread):
    """Runs ``job(cancelled, progress, report)`` off the GUI thread.

    ``cancelled()`` is polled by the job between pieces of work; ``progress(f)``
    reports the fraction done (0 to 1); ``report(item)`` hands a partial result
    (a finished fit, say) to the GUI thread as it comes.
    """

    ended = Signal(object, object)
    progressed = Signal(float)
    reported = Signal(object)

    def __init__(self, job: Callable[..., Any], parent=None):
        super().__init__(parent)
        self._job = job
        self._cancel = threading.Event()

    def request_stop(self) -> None:
        """Ask the job to end at its next check."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        """Whether the job was asked to stop."""
        return self._cancel.is_set()

    def run(self) -> None:  # noqa: D102 - QThread entry point
        try:
            result = self._job(self._cancel.is_set, self.progressed.emit, self.reported.emit)
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which reports it
            self.ended.emit(None, exc)
        else:
            self.ended.emit(result, None)


class Runner(QObject):
    """Starts, cancels and waits for the worker threads of one workspace.

    Signals
    -------
    statesReady(list)
        States of the running fit that arrived since the last notice, oldest
        first; the run waits while the window draws them.
    runEnded(str, str)
        The run's reason (``worker.PAUSED``, ``CONVERGED``, ...) and message.
    loadProgress(float)
        Fraction of the background load done.
    loadEnded(object, str, object, str)
        The load's worker, its reason, result (``load_worker.Prepared``) and message.
    jobProgress(float)
        Fraction of the background job named ``"job"`` (compare mode's) done.
    jobProgressed(str, float)
        Any job's name and fraction done.
    """

    statesReady = Signal(list)
    runEnded = Signal(str, str)
    loadProgress = Signal(float)
    loadEnded = Signal(object, str, object, str)
    jobProgress = Signal(float)
    jobProgressed = Signal(str, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._run: RunWorker | None = None
        self._token = 0
        self._loader: LoadWorker | None = None
        self._jobs: dict[str, JobWorker] = {}

    # ------------------------------------------------------------- runs
    @property
    def running(self) -> bool:
        """Whether a worker is stepping EM."""
        return self._run is not None

    def start_run(self, engine, *, max_iter: int, delay: float) -> None:
        """Step ``engine`` in a worker until converged, halted, ``max_iter`` or stopped."""
        self.stop_run()
        self._token += 1
        worker = RunWorker(engine, self._token, max_iter=max_iter, delay=delay)
        worker.stateReady.connect(self._on_state)
        worker.runEnded.connect(self._on_run_ended)
        self._run = worker
        worker.start()

    def set_delay(self, delay: float) -> None:
        """A new pause between iterations, for the run in progress too."""
        if self._run is not None:
            self._run.delay = delay

    def stop_run(self) -> bool:
        """End a run and wait for its thread; whether one was running."""
        worker = self._run
        if worker is None:
            return False
        self._run = None
        self._token += 1  # late signals of this worker are ignored
        _finish(worker, stop=True)
        return True

    def _on_state(self, token: int, _state) -> None:
        worker = self._run
        if worker is None or token != self._token:
            return
        states = worker.take_states()
        QTimer.singleShot(0, worker.mark_drawn)  # after the repaint these states cause
        self.statesReady.emit(states)

    def _on_run_ended(self, token: int, reason: str, message: str) -> None:
        if token != self._token:
            return
        self.stop_run()
        self.runEnded.emit(reason, message)

    # ------------------------------------------------------------ loads
    @property
    def loading(self) -> bool:
        """Whether a file is being loaded in the background."""
        return self._loader is not None

    def start_load(self, path, *, make_engine=None, engine_key=None,
                   load_options: dict | None = None) -> None:
        """Load ``path`` (and start an engine on it) in a worker; see ``load_worker``."""
        self.cancel_load()
        loader = LoadWorker(path, make_engine=make_engine, engine_key=engine_key,
                            load_options=load_options)
        loader.progressed.connect(self.loadProgress)
        loader.finished_with.connect(
            lambda reason, result, message, w=loader: self._on_load_ended(
                w, reason, result, message))
        self._loader = loader
        loader.start()

    def cancel_load(self) -> LoadWorker | None:
        """Cancel a background load and wait for it; the cancelled worker, or None."""
        loader = self._loader
        if loader is None:
            return None
        self._loader = None
        _finish(loader, stop=True)
        return loader

    def _on_load_ended(self, loader, reason: str, result, message: str) -> None:
        if loader is not self._loader:
            return  # a load already given up
        self._loader = None
        _finish(loader)
        self.loadEnded.emit(loader, reason, result, message)

    # ------------------------------------------------------------- jobs
    def job_running(self, name: str = "job") -> bool:
        """Whether the background job ``name`` runs."""
        return name in self._jobs

    def start_job(self, job: Callable[..., Any], done: Callable[[Any, Exception | None], None],
                  *, name: str = "job",
                  on_report: Callable[[Any], None] | None = None) -> None:
        """Run ``job(cancelled, progress, report)`` in a worker; ``done(result, error)``
        on this thread after, ``on_report(item)`` for each reported item; progress
        goes out as ``jobProgressed(name, f)`` (and ``jobProgress`` for ``"job"``).

        A job of the same name still running is cancelled first (its ``done``
        is never called, and nothing it reported after arrives).
        """
        self.cancel_job(name)
        worker = JobWorker(job)
        worker.progressed.connect(lambda f, w=worker: self._on_job_progress(w, name, f))
        if on_report is not None:
            worker.reported.connect(lambda item, w=worker: self._on_job_report(
                w, name, on_report, item))
        worker.ended.connect(lambda result, error, w=worker: self._on_job_ended(
            w, name, done, result, error))
        self._jobs[name] = worker
        worker.start()

    def cancel_job(self, name: str = "job") -> None:
        """Cancel the background job ``name`` and wait for it."""
        worker = self._jobs.pop(name, None)
        if worker is not None:
            _finish(worker, stop=True)

    def wait_job(self, timeout_ms: int = 60000, name: str = "job") -> None:
        """Block until the job ``name`` has ended and its ``done`` has run (scripts, tests)."""
        worker = self._jobs.get(name)
        if worker is None:
            return
        worker.wait(timeout_ms)
        while self._jobs.get(name) is worker:
            QCoreApplication.processEvents()

    def _on_job_progress(self, worker, name: str, fraction: float) -> None:
        if self._jobs.get(name) is not worker:
            return  # a cancelled job's late news
        self.jobProgressed.emit(name, fraction)
        if name == "job":
            self.jobProgress.emit(fraction)

    def _on_job_report(self, worker, name: str, on_report, item) -> None:
        if self._jobs.get(name) is worker:
            on_report(item)

    def _on_job_ended(self, worker, name: str, done, result, error) -> None:
        if self._jobs.get(name) is not worker:
            return
        del self._jobs[name]
        _finish(worker)
        done(result, error)

    # ---------------------------------------------------------- closing
    def shutdown(self) -> None:
        """Stop every thread and wait for it (before the window closes)."""
        self.stop_run()
        self.cancel_load()
        for name in list(self._jobs):
            self.cancel_job(name)


def _finish(worker: QThread, stop: bool = False) -> None:
    """Wait for ``worker`` (asking it to stop first) and let Qt delete it."""
    if stop:
        worker.request_stop()
    worker.wait()
    worker.deleteLater()
