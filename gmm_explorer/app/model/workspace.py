"""The workspace: the data, the current fit and the shown iteration, with signals.

Views take the workspace, connect to its signals and read it; they never call
the engine. Every action of the window is a method here (or of the objects it
holds: :attr:`Workspace.loading` for files and built-in data,
:attr:`Workspace.lab` for presets and remedies), so a test can do without
clicking what a person does with the mouse. Threads belong to
:attr:`Workspace.runner`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app import geometry
from gmm_explorer.app.model.fit import (
    EngineFactory,
    Fit,
    HistoryView,
    default_engine_factory,
    make_recipe,
)
from gmm_explorer.app.model.lab import Lab
from gmm_explorer.app.model.loading import DataLoading
from gmm_explorer.app.model.reading import WorkspaceReading
from gmm_explorer.app.model.runner import Runner
from gmm_explorer.app.model.settings import ModelSettings, RunSettings
from gmm_explorer.app.model.stepping import WorkspaceStepping
from gmm_explorer.app.model.undo import UndoStack
from gmm_explorer.app.model.units import FitUnits, standardized_factory
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.validation import read_only_data

#: At most this many points are drawn (a fixed random subsample above it).
MAX_DRAWN_POINTS = 4000

# How the model panel names the settings, for messages.
_SETTING_NAMES = {"n_components": "K", "covariance_type": "covariance", "init": "start",
                  "random_state": "start seed", "prior": "prior", "on_collapse": "on collapse"}


class Workspace(WorkspaceStepping, WorkspaceReading, QObject):
    """The model behind the window.

    Parameters
    ----------
    engine_factory : callable, optional
        ``engine_factory(**ModelSettings.engine_kwargs(), tol=...) -> engine``;
        the default builds :class:`gmm_explorer.engine.GaussianMixtureEM`.

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
    collapsed(object)
        A new state holds a collapse: its ``CollapseRecord``.
    runFailed(str)
        A run ended on an error; the fit is back at the last good state.
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
    collapsed = Signal(object)
    runFailed = Signal(str)
    editedChanged = Signal(bool)

    def __init__(self, engine_factory: EngineFactory | None = None, parent=None):
        super().__init__(parent)
        self.engine_factory = engine_factory or default_engine_factory
        self.model = ModelSettings()
        self.run_settings = RunSettings()
        self.X: np.ndarray | None = None
        self.labels: np.ndarray | None = None
        #: (N,) each row's 1-based line in its text file (exported labels map back to
        #: it), or None (other data, or rows added or deleted by hand).
        self.lines: np.ndarray | None = None
        #: The known classes' names (``label_names[labels[i]]`` is point i's), or ().
        self.label_names: tuple[str, ...] = ()
        #: The data file's column the classes came from, or "".
        self.class_column = ""
        self.feature_names: list[str] = []
        self.data_name = ""
        #: Whether EM fits the data in standardised units (the views show the data's own).
        self.standardize = False
        #: The standardiser and standardised data that fits on these data share.
        self.units = FitUnits()
        self.axes = (0, 1)
        self.fit: Fit | None = None
        #: A start that Reset and new settings re-run from (see :meth:`set_data`), or None.
        self.pinned_start: dict | None = None
        self.current = -1
        self._shown = 0  # states of the fit handed to the views (a run appends more)
        self.display_indices = np.arange(0)
        #: Whether the data hold hand edits that no session file has saved.
        self.edited = False
        #: (N,) bool, True for the points added by hand, or None when there are none.
        self.hand_made: np.ndarray | None = None
        #: Asked ``guard(what)`` before edited data are replaced (``what`` says by
        #: what); True lets it happen. The window sets one that asks the user.
        self.discard_guard = None
        self.edits = 0  # hand edits so far: a load asks again only about newer ones
        self.runner = Runner(self)
        self.runner.statesReady.connect(self._on_states)
        self.runner.runEnded.connect(self._on_run_ended)
        self.loading = DataLoading(self)
        self.undo = UndoStack(self)  # before the lab, which asks it whether an undo is on
        self.lab = Lab(self)

    # ------------------------------------------------------------------ data
    def set_data(self, X: np.ndarray, labels: np.ndarray | None = None,
                 feature_names: list[str] | None = None, name: str = "", *,
                 start: dict | None = None, fit: Fit | None = None, edited: bool = False,
                 hand_made=None, model: ModelSettings | None = None,
                 standardize: bool | None = None, label_names=(),
                 class_column: str | None = "", lines: np.ndarray | None = None) -> None:
        """Use new data and start EM on them.

        ``labels`` (N,) are the known classes coded 0..C-1, ``label_names``
        their names and ``class_column`` the file's column they came from.

        ``start`` (weights, means, covariances) pins the start (a preset's, hand
        edits', a session file's): Reset and new settings re-run from it until
        other data, another K, start method or seed, or New start; ``fit``,
        already begun on ``X`` (a background load, a session file), is used as
        it is; ``model`` replaces the model settings with the data (a preset);
        ``standardize`` (when given) says whether EM fits them in standardised units;
        ``lines`` (N,) are the rows' lines in their file (``Dataset.lines``).

        Raises ``ValueError`` (and keeps everything as it was) when ``X`` is not
        a 2-D array of finite numbers with at least 2 rows, or EM cannot start.
        """
        # read-only, so that the engine keeps this very array rather than a copy of its own
        # (views compare identities): a fit begun elsewhere holds the array it began on
        X = read_only_data(X, "data") if fit is None else fit.engine.X
        if X.ndim != 2 or X.shape[1] < 1 or X.shape[0] < 2:
            raise ValueError(f"data must be a 2-D array with at least 2 rows, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("data contain NaN or infinite values; clean them before loading")
        hand_made = self._checked_hand_made(hand_made, len(X))
        if labels is not None and np.shape(labels) != (len(X),):
            raise ValueError(f"labels must have one class per point ({len(X)}), got shape "
                             f"{np.shape(labels)}")
        if lines is not None and np.shape(lines) != (len(X),):
            raise ValueError(f"lines must have one entry per row ({len(X)}), "
                             f"got shape {np.shape(lines)}")
        model = model or self.model
        standardize = self.standardize if standardize is None else bool(standardize)
        if fit is None:
            # begun before anything changes: if EM cannot start here, the old data stay
            fit = Fit.begin(X, make_recipe(model, self.run_settings, start),
                            self.factory_for(standardize))
        elif standardize and fit.standardizer is not None:  # a background load's: share it
            self.units.adopt(X, model.covariance_type, fit.standardizer, fit.engine.Z)
        self.stop()
        self.standardize = standardize
        self.pinned_start = start
        if model != self.model:
            self.model = model
            self.settingsChanged.emit()
        self.X, self.hand_made, self.data_name = X, hand_made, name
        self.labels = None if labels is None else np.asarray(labels)
        self.label_names = tuple(str(n) for n in label_names) if labels is not None else ()
        self.class_column = str(class_column or "") if labels is not None else ""
        self.lines = None if lines is None else np.asarray(lines, dtype=np.int64)
        d = X.shape[1]
        names = list(feature_names) if feature_names is not None else []
        self.feature_names = names if len(names) == d else [f"x{j}" for j in range(d)]
        self.axes = (0, 1) if d > 1 else (0, 0)
        self.display_indices = geometry.display_subsample(len(X), MAX_DRAWN_POINTS,
                                                          always=hand_made)
        self.set_edited(edited)
        self.dataChanged.emit()
        self.show_fit(fit)
        self.message.emit(f"Data: {name or 'unnamed'}, {X.shape[0]} points in {d} "
                          f"dimension{'s' if d != 1 else ''}.")

    @staticmethod
    def _checked_hand_made(hand_made, n: int) -> np.ndarray | None:
        if hand_made is None:
            return None
        hand_made = np.asarray(hand_made, dtype=bool)
        if hand_made.shape != (n,):
            raise ValueError(f"hand_made must have one flag per point ({n}), "
                             f"got shape {hand_made.shape}")
        return hand_made if hand_made.any() else None

    def set_edited(self, edited: bool) -> None:
        """Mark the data as holding unsaved hand edits (or as saved)."""
        self.edits += bool(edited)
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

    def factory_for(self, standardize: bool):
        """The engine factory of fits on these data, in standardised units or not."""
        if standardize:
            return standardized_factory(self.engine_factory, self.units)
        return self.engine_factory

    @property
    def fit_factory(self):
        """The engine factory of every fit on the shown data (see :attr:`standardize`)."""
        return self.factory_for(self.standardize)

    def fit_data(self, covariance_type: str) -> tuple:
        """``(X_fit, standardizer)``: the data as fits of ``covariance_type`` see them, and
        the standardiser back to the data's units (None when fits use the data as they are).
        """
        if not self.standardize:
            return self.X, None
        std, Z = self.units.get(self.X, covariance_type)
        return Z, std

    def set_standardize(self, on: bool) -> None:
        """Fit in standardised units (on) or in the data's own (off); EM starts again.

        The views keep showing the data's units either way. Raises ``ValueError``,
        changing nothing, when EM cannot start so.
        """
        on = bool(on)
        if on == self.standardize or self.X is None:
            self.standardize = on
            return
        fit = Fit.begin(self.X, make_recipe(self.model, self.run_settings, self.start),
                        self.factory_for(on))
        self.stop()
        self.standardize = on
        self.settingsChanged.emit()
        self.show_fit(fit)
        self.message.emit("EM now fits in standardised units (each column centred and scaled "
                          "by its spread); everything shown stays in the data's units. EM "
                          "starts again from iteration 0." if on else
                          "EM now fits in the data's own units. EM starts again from "
                          "iteration 0.")

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
        # a pinned start has the old K; another start method or seed asks for another start
        keeps = ("n_components", "init", "random_state")
        same_start = all(getattr(new, name) == getattr(self.model, name) for name in keeps)
        start = self.pinned_start if same_start else None
        fit = None
        if self.X is not None:  # begun first: if EM cannot start so, nothing changes
            fit = Fit.begin(self.X, make_recipe(new, self.run_settings, start),
                            self.fit_factory)
        old, self.model, self.pinned_start = self.model, new, start
        what = ", ".join(f"{_SETTING_NAMES.get(name, name)} {getattr(new, name)}"
                         for name in changes if getattr(new, name) != getattr(old, name))
        if not self.undo.busy:  # an undo replays this very call: not a new change
            self.undo.record("model", old, new, f"model: {what}")
        self.settingsChanged.emit()
        if fit is not None:
            self.show_fit(fit)
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
        if self.fit is not None:
            self.fit.with_run(new)
        self.runner.set_delay(new.delay)
        self.settingsChanged.emit()

    # --------------------------------------------------------------- EM
    @property
    def engine(self) -> GaussianMixtureEM | None:
        """The current fit's engine (None before any data); read it, step the workspace."""
        return None if self.fit is None else self.fit.engine

    @property
    def start(self) -> dict | None:
        """The pinned start (a preset's, hand edits', a session file's), or None."""
        return self.pinned_start

    @property
    def history(self) -> HistoryView:
        """The states of the current fit the views have been handed, oldest first."""
        return HistoryView() if self.fit is None else HistoryView(self.fit.history, self._shown)

    def show_fit(self, fit: Fit) -> None:
        """Make ``fit`` the current fit, shown at its latest state."""
        self.stop()
        self.fit = fit
        self._shown = len(fit.history)
        self.current = self._shown - 1
        self.historyChanged.emit()
        self.currentChanged.emit(self.current)

    def open_fit(self, fit: Fit, name: str = "") -> None:
        """Continue another fit here (one side of a comparison): its settings and history.

        The fit is replayed into a new engine from its saved history, so
        stepping on here leaves the original (still on show elsewhere) as it
        was; it goes on in the units it was fitted in, which become the window's.
        ``ValueError`` when the fit was made on other data than the shown.
        """
        if self.X is None or fit.engine.X is not self.X:
            raise ValueError("that fit was made on other data than the data shown; run it "
                             "again on these data")
        # its units, as its settings: Standardise changed since would make another fit
        standardize = fit.standardizer is not None
        copy = Fit.restore(self.X, fit.recipe, list(fit.fit_history),
                           self.factory_for(standardize), fit_units=True)
        self.stop()
        if (copy.recipe.settings, standardize) != (self.model, self.standardize):
            self.model, self.standardize = copy.recipe.settings, standardize
            self.settingsChanged.emit()
        self.show_fit(copy)
        self.message.emit(f"Showing {name or 'that fit'} at its last iteration, "
                          f"{self.state.iteration}: Back or the timeline replays it, Step "
                          f"goes on from there.")

    def open_recipe(self, recipe, name: str = "", standardize: bool | None = None) -> None:
        """Replay a recipe here from its first iteration (a start of the atlas).

        The recipe's settings (its seed too), stop rules and ``standardize`` (the
        units it ran in; default the window's) become the window's and a pinned
        start is let go, so Reset, Step and Run give exactly the recipe's fit.
        Raises ``ValueError``, changing nothing, when EM cannot start so.
        """
        standardize = self.standardize if standardize is None else bool(standardize)
        fit = Fit.begin(self.X, recipe, self.factory_for(standardize))
        self.stop()
        self.pinned_start = None
        run = replace(self.run_settings, tol=recipe.tol, max_iter=recipe.max_iter)
        if (recipe.settings, run, standardize) != (self.model, self.run_settings,
                                                   self.standardize):
            self.model, self.run_settings = recipe.settings, run
            self.standardize = standardize
            self.settingsChanged.emit()
        self.show_fit(fit)
        self.message.emit(f"{(name or 'That start').capitalize()}: seed {recipe.seed}, "
                          f"iteration 0. Step or Run to watch EM reach its optimum.")

    def begin_fit(self, start: dict | None = None, model: ModelSettings | None = None) -> None:
        """A new fit on the data from ``start`` (else the pinned start, else the seed's).

        ``model`` replaces the model settings with it (a start with another K).
        Raises ``ValueError``, changing nothing, when EM cannot start so.
        """
        model = model or self.model
        fit = Fit.begin(self.X, make_recipe(model, self.run_settings, start or self.start),
                        self.fit_factory)
        self.stop()
        if model != self.model:
            self.model = model
            self.settingsChanged.emit()
        self.show_fit(fit)

    def reinitialize(self, weights=None, means=None, covariances=None) -> None:
        """Start EM again: from the given parameters (a dragged mean), else the same start.

        The history is replaced by the one initial state.
        """
        given = {"weights": weights, "means": means, "covariances": covariances}
        self.begin_fit({k: v for k, v in given.items() if v is not None} or None)
