"""The session: owns the engine, runs it, keeps the history, emits signals.

Views subscribe to the signals and read the session; they never call the
engine. Every action of the window is a method here (or of the window), so
that a test can do without clicking what a person does with the mouse.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from gmm_explorer.app import geometry
from gmm_explorer.app.settings import ModelSettings, RunSettings
from gmm_explorer.app.worker import RunWorker

#: At most this many points are drawn (a fixed random subsample above it).
MAX_DRAWN_POINTS = 4000


# How the model panel names the settings, for messages.
_SETTING_NAMES = {"n_components": "K", "covariance_type": "covariance", "init": "start",
                  "random_state": "start seed", "prior": "prior", "on_collapse": "on collapse"}


def _default_engine_factory(**kwargs):
    from gmm_explorer.engine import GaussianMixtureEM

    return GaussianMixtureEM(**kwargs)


class Session(QObject):
    """The model behind the window.

    Parameters
    ----------
    engine_factory : callable, optional
        ``engine_factory(**ModelSettings.engine_kwargs()) -> engine``; the
        default builds :class:`gmm_explorer.engine.GaussianMixtureEM`.

    Signals
    -------
    dataChanged()
        New data (or new axes): views rebuild what depends on the points.
    historyChanged()
        States were appended, or the history was cut or replaced.
    currentChanged(int)
        The iteration shown in every view changed (or its state did).
    runningChanged(bool)
        A run started or ended.
    settingsChanged()
        Model, run or display settings changed.
    message(str)
        Plain words for the status bar.
    runFailed(str)
        A run ended on an error; the engine is back at the last good state.
    loadStarted(str)
        A file began loading in the background (:meth:`load_file`).
    loadProgress(float)
        Fraction of that load done.
    loadEnded(str, str)
        ``"loaded"``, ``"cancelled"`` or ``"failed"``, and plain words; after
        a cancelled or failed load the data are as they were.
    editedChanged(bool)
        The data now hold (or no longer hold) points edited by hand that no
        session file has saved.
    """

    dataChanged = Signal()
    historyChanged = Signal()
    currentChanged = Signal(int)
    runningChanged = Signal(bool)
    settingsChanged = Signal()
    message = Signal(str)
    runFailed = Signal(str)
    loadStarted = Signal(str)
    loadProgress = Signal(float)
    loadEnded = Signal(str, str)
    editedChanged = Signal(bool)

    def __init__(self, engine_factory=None, parent=None):
        super().__init__(parent)
        self._engine_factory = engine_factory or _default_engine_factory
        self.model = ModelSettings()
        self.run_settings = RunSettings()
        self.X = None
        self.labels = None
        self.feature_names: list = []
        self.data_name = ""
        self.axes = (0, 1)
        self.history: list = []
        self.current = -1
        self.engine = None
        self.display_indices = np.arange(0)
        #: A pinned start (dict of weights, means, covariances) that
        #: :meth:`reinitialize` uses when given no parameters (the lab's presets).
        self.start = None
        #: Whether the data hold hand edits that no session file has saved.
        self.edited = False
        #: (N,) bool, True for the points added by hand, or None when there are none.
        self.hand_made = None
        #: Asked ``guard(what)`` before edited data are replaced (``what``
        #: says by what); True lets it happen. The window sets one that asks
        #: the user; without one, data are replaced.
        self.discard_guard = None
        self._edits = 0  # hand edits so far: a load asks again only about newer ones
        self._edits_when_load_began = 0
        self._worker = None
        self._token = 0
        self._loader = None

    # ------------------------------------------------------------------ data
    def set_data(self, X, labels=None, feature_names=None, name: str = "",
                 start=None, engine=None, edited: bool = False, hand_made=None) -> None:
        """Use new data and start EM on it from the current model settings.

        ``start`` (weights, means, covariances) pins the start; None unpins it.
        ``engine``, already initialised on ``X`` with the current settings (a
        background load), is used as it is instead of a new one.

        Raises ``ValueError`` (and keeps the previous data) when ``X`` is not
        a 2-D array of finite numbers with at least one column and more rows
        than components, or when EM cannot start on it (the engine's message).
        """
        # contiguous, so that the engine keeps this very array (see display_responsibilities)
        X = np.ascontiguousarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] < 1 or X.shape[0] < 2:
            raise ValueError(f"data must be a 2-D array with at least 2 rows, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("data contain NaN or infinite values; clean them before loading")
        k = self.model.n_components
        if X.shape[0] < k:
            raise ValueError(f"{k} components need at least {k} points; the data have {X.shape[0]}")
        if hand_made is not None:
            hand_made = np.asarray(hand_made, dtype=bool)
            if hand_made.shape != (X.shape[0],):
                raise ValueError(f"hand_made must have one flag per point ({X.shape[0]}), "
                                 f"got shape {hand_made.shape}")
            hand_made = hand_made if hand_made.any() else None
        if engine is None or start is not None:
            # started before anything changes: if EM cannot start here, the old data stay
            engine = self._started_engine(X, **(start or {}))
        self.stop()
        self.X = X
        self.hand_made = hand_made
        self.start = start
        self.labels = None if labels is None else np.asarray(labels)
        d = X.shape[1]
        names = list(feature_names) if feature_names is not None else []
        if len(names) != d:
            names = [f"x{j}" for j in range(d)]
        self.feature_names = names
        self.data_name = name
        self.axes = (0, 1) if d > 1 else (0, 0)
        self.display_indices = geometry.display_subsample(len(X), MAX_DRAWN_POINTS,
                                                          always=hand_made)
        self._set_edited(edited)
        self.dataChanged.emit()
        self._adopt(engine)
        self.message.emit(f"Data: {name or 'unnamed'}, {X.shape[0]} points in {d} dimensions.")

    def _set_edited(self, edited: bool) -> None:
        self._edits += bool(edited)
        if edited != self.edited:
            self.edited = edited
            self.editedChanged.emit(edited)

    def may_replace_data(self, what: str) -> bool:
        """Whether data may be replaced now: True unless they hold unsaved
        hand edits and the ``discard_guard`` says no.

        Parameters
        ----------
        what : str
            What would replace them, in plain words for the question
            (``"loading iris"``, ``"closing the window"``).
        """
        if not self.edited or self.discard_guard is None:
            return True
        return bool(self.discard_guard(what))

    def load_builtin(self, name: str) -> bool:
        """Load a built-in dataset (``"seed"``, ``"faithful"``, ``"iris"``, ...).

        Returns False, changing nothing, when unsaved edits were kept
        (:meth:`may_replace_data`).
        """
        from gmm_explorer.datasets import load_builtin

        if not self.may_replace_data(f"loading {name}"):
            return False
        ds = load_builtin(name)
        self.set_data(ds.X, ds.labels, ds.feature_names, ds.name)
        return True

    def generate(self, generator: str, n_samples: int, n_centers: int, spread: float,
                 seed: int) -> bool:
        """Generate data with one of ``gmm_explorer.engine.datasets.GENERATORS``.

        Returns False, changing nothing, when unsaved edits were kept.
        """
        from gmm_explorer.datasets import GENERATORS

        if generator not in GENERATORS:
            raise ValueError(f"unknown generator {generator!r}; known: {', '.join(GENERATORS)}")
        if not self.may_replace_data("generating new data"):
            return False
        X, labels = GENERATORS[generator](n_samples, n_centers, spread, seed)
        self.set_data(X, labels, None, f"{generator} (N={n_samples}, centres={n_centers}, "
                                       f"spread={spread:g}, seed={seed})")
        return True

    def open_file(self, path) -> bool:
        """Load a data file with :func:`gmm_explorer.data.load_data`.

        On failure the loaded data stay as they were and the error (a
        ``ValueError`` with a clear message) propagates to the caller.
        Returns False, changing nothing, when unsaved edits were kept.
        """
        try:
            from gmm_explorer.data import load_data
        except ImportError as exc:
            raise ValueError(f"cannot load files yet: the data loaders are missing ({exc})") from exc
        if not self.may_replace_data(f"opening {os.path.basename(str(path))}"):
            return False
        loaded = load_data(path)
        self.set_data(loaded.X, getattr(loaded, "labels", None),
                      getattr(loaded, "feature_names", None), str(path))
        return True

    # ------------------------------------------------------ background load
    @property
    def loading(self) -> bool:
        """Whether a file is being loaded in the background."""
        return self._loader is not None

    def load_file(self, path) -> bool:
        """Load a data file in a worker thread (progress, Cancel); see ``load_worker``.

        The worker also starts the engine on the new data, so the GUI thread
        only adopts the result. A load in progress is cancelled first. The
        outcome comes as ``loadEnded``; cancelled or failed, the data stay.
        Returns False, starting nothing, when unsaved edits were kept.
        """
        from gmm_explorer.app.load_worker import LoadWorker

        if not self.may_replace_data(f"opening {os.path.basename(str(path))}"):
            return False
        self._edits_when_load_began = self._edits
        self.cancel_load(wait=True)
        key = (self.model, self.run_settings.tol)
        factory, kwargs = self._engine_factory, self.model.engine_kwargs()
        tol = self.run_settings.tol
        loader = LoadWorker(path, make_engine=lambda: factory(**kwargs, tol=tol),
                            engine_key=key)
        loader.progressed.connect(self.loadProgress)
        loader.finished_with.connect(
            lambda reason, result, message, w=loader: self._on_load_finished(
                w, reason, result, message))
        self._loader = loader
        loader.start()
        self.loadStarted.emit(str(path))
        return True

    def cancel_load(self, wait: bool = False) -> None:
        """Cancel a background load (the data stay as they were)."""
        loader = self._loader
        if loader is None:
            return
        loader.request_cancel()
        if wait:
            self._loader = None
            loader.wait()
            loader.deleteLater()
            self.loadEnded.emit("cancelled", f"Loading {loader.path} cancelled; "
                                             "the data are as they were.")

    def _on_load_finished(self, loader, reason: str, result, message: str) -> None:
        if loader is not self._loader:
            return  # a load already given up
        self._loader = None
        loader.wait()
        loader.deleteLater()
        if reason == "loaded" and loader.cancel_requested:
            reason, message = "cancelled", (f"Loading {loader.path} cancelled; "
                                            "the data are as they were.")
        # points edited while the file loaded: ask again before they go
        if reason == "loaded" and self._edits != self._edits_when_load_began \
                and not self.may_replace_data(f"opening {os.path.basename(str(loader.path))}"):
            reason, message = "cancelled", (f"Kept the edited points; {loader.path} "
                                            "was not opened.")
        if reason == "loaded":
            data = result.data
            same = result.engine_key == (self.model, self.run_settings.tol)
            try:
                self.set_data(data.X, getattr(data, "labels", None),
                              getattr(data, "feature_names", None), str(loader.path),
                              engine=result.engine if same else None)
            except ValueError as exc:
                reason, message = "failed", str(exc)
            else:
                message = f"Loaded {loader.path}: {data.X.shape[0]:,} points."
        if reason == "failed":
            # the loaders' errors name the file already; say it once
            message = f"Could not load {message}" if message.startswith(str(loader.path)) \
                else f"Could not load {loader.path}: {message}"
        self.loadEnded.emit(reason, message)

    def save_session(self, path, *, embed_data: bool = True, view: dict | None = None) -> None:
        """Save everything to a ``.gmmx`` session file (atomically); see ``session_file``."""
        from gmm_explorer.app import session_file

        # Edited data are always embedded: their name is no file's (Lab marks it).
        session_file.write_session(path, session_file.snapshot_from(
            self, embed_data=embed_data, view=view))
        self._set_edited(False)
        self.message.emit(f"Session saved to {path}.")

    def open_session(self, path) -> dict | None:
        """Replace the session by a saved one; return its view state (a dict).

        On any failure (``ValueError`` naming the file) nothing changes; None,
        changing nothing, when unsaved edits were kept (:meth:`may_replace_data`).
        """
        from gmm_explorer.app import session_file

        if not self.may_replace_data(f"opening {os.path.basename(str(path))}"):
            return None
        snap = session_file.read_session(path)
        try:
            model, run = ModelSettings(**snap.model), RunSettings(**snap.run)
            engine = session_file.rebuild_engine(snap, self._engine_factory, tol=run.tol)
        except (TypeError, ValueError) as exc:
            raise session_file.SessionFileError(f"holds settings or states that do not fit "
                                                f"together ({exc})", path=path) from None
        self.stop()
        self.model, self.run_settings, self.engine, self.start = model, run, engine, snap.start
        self.X, self.labels, self.data_name = snap.X, snap.labels, snap.data_name
        self.hand_made = snap.hand_made
        self.feature_names = snap.feature_names or [f"x{j}" for j in range(snap.X.shape[1])]
        self.axes = tuple(snap.axes)
        self.display_indices = geometry.display_subsample(len(snap.X), MAX_DRAWN_POINTS,
                                                          always=snap.hand_made)
        self.history, self.current = list(engine.history), snap.current
        self._set_edited(False)
        for signal in (self.settingsChanged, self.dataChanged, self.historyChanged):
            signal.emit()
        self.currentChanged.emit(self.current)
        self.message.emit(f"Session opened from {path} (iteration "
                          f"{self.history[self.current].iteration}).")
        return snap.view

    def set_axes(self, x_axis: int, y_axis: int) -> None:
        """Choose the two data columns shown (ellipses are exact marginals)."""
        d = self.n_features
        if not (0 <= x_axis < d and 0 <= y_axis < d):
            raise ValueError(f"axes must be column indices below {d}, got ({x_axis}, {y_axis})")
        if (x_axis, y_axis) == tuple(self.axes):
            return
        self.axes = (int(x_axis), int(y_axis))
        self.dataChanged.emit()
        self.currentChanged.emit(self.current)

    @property
    def n_features(self) -> int:
        """D, the number of data columns (0 without data)."""
        return 0 if self.X is None else self.X.shape[1]

    # ------------------------------------------------------------ settings
    def set_model(self, **changes) -> None:
        """Change model settings (the engine's arguments) and restart EM.

        A run in progress stops first. Unknown names or invalid values raise
        ``ValueError`` and change nothing.
        """
        new = replace(self.model, **changes)
        if new == self.model:
            return
        self.stop()
        # a pinned start has the old K
        start = None if new.n_components != self.model.n_components else self.start
        engine = None
        if self.X is not None:  # started first: if EM cannot start so, nothing changes
            engine = self._started_engine(self.X, **(start or {}), model=new)
        old, self.model, self.start = self.model, new, start
        self.settingsChanged.emit()
        if engine is not None:
            self._adopt(engine)
            what = ", ".join(f"{_SETTING_NAMES.get(name, name)} {getattr(new, name)}"
                             for name in changes if getattr(new, name) != getattr(old, name))
            self.message.emit(f"Model: {what}. EM starts again from iteration 0.")

    def set_run_settings(self, **changes) -> None:
        """Change max_iter, tol (the engine's, per data point) or delay.

        A new delay (the speed) applies to a run in progress; changing
        max_iter or tol stops a run first.
        """
        new = replace(self.run_settings, **changes)
        if new == self.run_settings:
            return
        if (new.max_iter, new.tol) != (self.run_settings.max_iter, self.run_settings.tol):
            self.stop()
        self.run_settings = new
        if self.engine is not None:
            self.engine.tol = new.tol
        if self._worker is not None:
            self._worker.delay = new.delay
        self.settingsChanged.emit()

    # --------------------------------------------------------------- EM
    def reinitialize(self, weights=None, means=None, covariances=None) -> None:
        """Build a new engine from the settings and start it on the data.

        Given parameters override the ``init`` method (a dragged mean).
        The history is replaced by the one initial state.
        """
        self.stop()
        if weights is None and means is None and covariances is None and self.start:
            weights, means, covariances = (self.start[k] for k in
                                           ("weights", "means", "covariances"))
        self._adopt(self._started_engine(self.X, weights, means, covariances))

    def _adopt(self, engine) -> None:
        """Show ``engine``'s history, at its latest state."""
        self.engine = engine
        self.history = list(engine.history)
        self.current = len(self.history) - 1
        self.historyChanged.emit()
        self.currentChanged.emit(self.current)

    def _started_engine(self, X, weights=None, means=None, covariances=None, model=None):
        """A new engine from the settings (or ``model``), initialised on ``X`` (its
        history holds the start); raises ``ValueError``, changing nothing, if EM
        cannot start."""
        model = model or self.model
        engine = self._engine_factory(**model.engine_kwargs(), tol=self.run_settings.tol)
        k = model.n_components
        if X is not None and len(X) < k:
            raise ValueError(f"{k} components need at least {k} points; the data have {len(X)}")
        engine.initialize(X, weights=weights, means=means, covariances=covariances)
        return engine

    def step(self) -> bool:
        """One EM iteration from the shown state (the Step button).

        From a past iteration, the later ones are discarded first. Returns
        whether a new state was made.
        """
        self.stop()
        if self.engine is None:
            return False
        self._cut_history()
        from gmm_explorer.engine.errors import SingularCovarianceError

        try:
            state = self.engine.step()
        except SingularCovarianceError as exc:
            self.message.emit(str(exc))
            return False
        self.history.append(state)
        self.current = len(self.history) - 1
        self.historyChanged.emit()
        self.currentChanged.emit(self.current)
        if state.collapse is not None:
            self.message.emit(state.collapse.describe())
        return True

    def step_back(self) -> None:
        """Show the previous iteration (the history is kept)."""
        self.stop()
        if self.current > 0:
            self.go_to(self.current - 1)

    def go_to(self, index: int) -> None:
        """Show iteration ``index`` in every view (the timeline)."""
        if not self.history:
            return
        index = int(np.clip(index, 0, len(self.history) - 1))
        if index != self.current:
            self.current = index
            self.currentChanged.emit(index)

    def reset(self) -> None:
        """Back to iteration 0, the same start; the history is discarded."""
        self.stop()
        if self.engine is None:
            return
        self.current = 0
        self._cut_history()
        self.message.emit("Reset to the start (iteration 0).")
        self.currentChanged.emit(0)

    def new_start(self) -> None:
        """A different random start: the next ``random_state``."""
        self.start = None
        self.set_model(random_state=self.model.random_state + 1)

    def move_mean(self, component: int, xy) -> None:
        """Move one mean on the shown axes and restart EM from there.

        The new start keeps the shown state's weights, covariances and the
        other means; the history is replaced.
        """
        state = self.state
        if state is None:
            return
        means = np.array(state.means, dtype=float)
        ax = list(self.axes)
        means[component, ax] = np.asarray(xy, dtype=float)[: len(ax)]
        self.stop()
        self.reinitialize(weights=np.array(state.weights), means=means,
                          covariances=np.array(state.covariances))
        self.message.emit(f"Moved the mean of component {component}; EM restarts from there.")

    def _cut_history(self) -> None:
        """Discard iterations after the shown one (engine and history)."""
        last = len(self.history) - 1
        if self.current < last:
            self.engine.rewind(self.current)
            del self.history[self.current + 1:]
            self.historyChanged.emit()
            self.message.emit(f"Discarded iterations {self.current + 1}-{last}; "
                              f"continuing from iteration {self.current}.")

    # --------------------------------------------------------------- run
    @property
    def running(self) -> bool:
        """Whether a worker is stepping EM."""
        return self._worker is not None

    def run(self) -> None:
        """Step EM in a worker thread until converged, halted, max_iter or paused."""
        if self.running or self.engine is None:
            return
        self._cut_history()
        self._token += 1
        rs = self.run_settings
        worker = RunWorker(self.engine, self._token, max_iter=rs.max_iter, delay=rs.delay)
        worker.stateReady.connect(self._on_worker_state)
        worker.runEnded.connect(self._on_worker_ended)
        self._worker = worker
        worker.start()
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
        """End a run, wait for the worker, and take the engine's history.

        Safe to call when nothing runs. After it returns no thread of this
        session is alive.
        """
        worker = self._worker
        if worker is None:
            return
        self._worker = None
        self._token += 1  # late signals of this worker are ignored
        worker.request_stop()
        worker.wait()
        worker.deleteLater()
        self._sync_from_engine()
        self.runningChanged.emit(False)
        if message:
            self.message.emit(message)

    def shutdown(self) -> None:
        """Stop any run and any load; call before the window closes."""
        self.stop()
        self.cancel_load(wait=True)

    def _sync_from_engine(self) -> None:
        new = list(self.engine.history)
        if len(new) != len(self.history) or (new and new[-1] is not self.history[-1]):
            self.history = new
            self.current = len(new) - 1
            self.historyChanged.emit()
            self.currentChanged.emit(self.current)

    def _on_worker_state(self, token: int, state) -> None:
        if token != self._token:
            return
        worker = self._worker
        take = getattr(worker, "take_states", None)
        states = take() if take is not None else [state]
        if hasattr(worker, "mark_drawn"):  # after the repaint these signals cause
            QTimer.singleShot(0, worker.mark_drawn)
        added = []
        for st in states:
            if st.iteration == len(self.history):
                self.history.append(st)
                added.append(st)
        if not added:
            return
        # one redraw for all states that arrived since the last one
        self.current = len(self.history) - 1
        self.historyChanged.emit()
        self.currentChanged.emit(self.current)
        for st in added:
            if st.collapse is not None:
                self.message.emit(st.collapse.describe())

    def _on_worker_ended(self, token: int, reason: str, message: str) -> None:
        if token != self._token:
            return
        self.stop()
        if reason == "failed":  # back to the last good state, so stepping still works
            try:
                self.engine.rewind(len(self.history) - 1)
            except Exception as exc:  # noqa: BLE001 - reported, the history is kept
                message = f"{message}; the engine could not be restored ({exc}): Reset"
            message = f"The run stopped on an error: {message}"
            self.runFailed.emit(message)
        self.message.emit(message)

    # ---------------------------------------------------------- reading
    @property
    def state(self):
        """The shown state (None before any data)."""
        return self.history[self.current] if self.history else None

    def change(self, index: int | None = None) -> float:
        """Change of the objective at ``index`` from the iteration before (nan at 0)."""
        index = self.current if index is None else index
        if index <= 0 or index >= len(self.history):
            return float("nan")
        with np.errstate(invalid="ignore"):
            return float(self.history[index].objective - self.history[index - 1].objective)

    def is_converged(self, index: int | None = None) -> bool:
        """Whether the engine marked the state at ``index`` converged."""
        index = self.current if index is None else index
        return bool(self.history and self.history[index].converged)

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
        if self.engine is None or self.X is None:
            return None
        return self.engine.responsibilities(state, self.X if self.running else None)

    def display_responsibilities(self, index: int | None = None) -> np.ndarray:
        """Responsibilities of the drawn points for the state at ``index``, (M, K).

        For the engine's latest state (after a Step, outside a run) they are
        the engine's own, gathered from its (K, N) array; for any other state
        the engine computes them for the drawn points only.
        """
        state = self.state if index is None else self.history[index]
        # While a run goes the worker owns the engine's buffers, and just after
        # new data the engine still holds the old: compute afresh then.
        if self.running or self.engine.X is not self.X:
            return self.engine.responsibilities(state, self.X[self.display_indices])
        return self.engine.responsibilities(state, rows=self.display_indices)

    def point_responsibilities(self, row: int, index: int | None = None) -> np.ndarray:
        """Responsibilities of data row ``row`` for the state at ``index``, (K,)."""
        state = self.state if index is None else self.history[index]
        return self.engine.responsibilities(state, self.X[row:row + 1])[0]
