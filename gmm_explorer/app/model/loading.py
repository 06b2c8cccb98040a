"""Where a workspace's data come from: built-in data, generators, files, session files.

:class:`DataLoading` turns each source into :meth:`Workspace.set_data` (or, for
a session file, a restored fit). It asks the workspace's ``discard_guard``
before unsaved hand edits would go, loads big files in the background through
the runner (progress, Cancel), and starts data from anywhere but a preset with
the person's own model settings, never with a preset's provocations.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model.file_options import NO_CLASSES, FileOptions
from gmm_explorer.app.model.fit import Fit, make_recipe
from gmm_explorer.app.model.settings import ModelSettings, RunSettings
from gmm_explorer.data import load_data, session_file
from gmm_explorer.app.model.units import standardized_factory
from gmm_explorer.datasets import GENERATORS, Dataset, load_builtin, load_preset
from gmm_explorer.files import file_sha256
from gmm_explorer.words import counted

if TYPE_CHECKING:  # the workspace holds its loading: a run-time import would be circular
    from gmm_explorer.app.model.workspace import Workspace


class DataLoading(QObject):
    """Built-in data, generators, data files and session files for one workspace.

    Signals
    -------
    loadStarted(str)
        A file began loading in the background (:meth:`load_file`).
    loadProgress(float)
        Fraction of that load done.
    loadEnded(str, str)
        ``"loaded"``, ``"cancelled"`` or ``"failed"``, and plain words; after
        a cancelled or failed load the data are as they were.
    sourceChanged()
        The data on show now come from another data set or file, or were read
        with other :class:`FileOptions` (after the workspace's ``dataChanged``).
    """

    loadStarted = Signal(str)
    sourceChanged = Signal()
    loadProgress = Signal(float)
    loadEnded = Signal(str, str)

    def __init__(self, workspace: Workspace):
        super().__init__(workspace)
        self.workspace = workspace
        #: The model settings the person chose last (presets never change them).
        self.own_model = workspace.model
        #: The file on show (None for built-in, generated or preset data) and how it was read.
        self.file_path: str | None = None
        self.file_options = FileOptions()
        #: The data set on show as loaded (its columns and classes), and the array shown of it.
        self._dataset: Dataset | None = None
        self._dataset_X = None
        #: The array that :attr:`file_path` read with :attr:`file_options` gives (a file's
        #: or a session's that points at its file), or None.
        self._read_X = None
        self._read_stamp = None  # that file's size and time then: a change on disk shows
        #: The last failed load's error, path and options (a retry may drop rows), or None.
        self.last_failure = None
        self._edits_when_load_began = 0
        self._standardize_chosen = None  # Standardise ticked or unticked while a file loads
        workspace.settingsChanged.connect(self._remember_own_model)
        workspace.runner.loadProgress.connect(self.loadProgress)
        workspace.runner.loadEnded.connect(self._on_load_ended)

    def _remember_own_model(self) -> None:
        if self.workspace.lab.preset is None:
            self.own_model = self.workspace.model

    def _may_replace(self, what: str) -> bool:
        return self.workspace.may_replace_data(what)

    # ----------------------------------------------------------- sources
    def load_builtin(self, name: str, start=None) -> bool:
        """Load a built-in dataset (``"seed"``, ``"faithful"``, ``"iris"``, ...).

        ``start(X) -> dict or None`` gives a start to pin on the data (a scene's).
        Returns False, changing nothing, when unsaved edits were kept.
        """
        if not self._may_replace(f"loading {name}"):
            return False
        self.cancel_load()  # a file still loading would replace these data when it ends
        ds = load_builtin(name)
        self.workspace.set_data(ds.X, ds.labels, ds.feature_names, ds.name,
                                model=self.own_model, standardize=False,
                                label_names=ds.label_names, class_column=ds.label_column,
                                start=None if start is None else start(ds.X))
        self._shown(ds, None, None)
        return True

    def generate(self, generator: str, n_samples: int, n_centers: int, spread: float,
                 seed: int) -> bool:
        """Generate data with one of ``gmm_explorer.datasets.GENERATORS``.

        Returns False, changing nothing, when unsaved edits were kept.
        """
        if generator not in GENERATORS:
            raise ValueError(f"unknown generator {generator!r}; known: {', '.join(GENERATORS)}")
        if not self._may_replace("generating new data"):
            return False
        self.cancel_load()
        X, labels = GENERATORS[generator](n_samples, n_centers, spread, seed)
        name = f"{generator} (N={n_samples}, centres={n_centers}, spread={spread:g}, seed={seed})"
        # a generator's classes are the centres it drew each point around
        names = () if labels is None else tuple(f"centre {c}"
                                                for c in range(int(labels.max()) + 1))
        self.workspace.set_data(X, labels, None, name, model=self.own_model, standardize=False,
                                label_names=names)
        ws = self.workspace
        self._shown(Dataset(X=ws.X, feature_names=ws.feature_names, labels=labels,
                            label_names=names, name=name), None, None)
        return True

    def open_file(self, path, options: FileOptions | None = None) -> bool:
        """Load a data file now with :func:`gmm_explorer.data.load_data`.

        ``options`` (default: every numeric column, the loader's classes,
        standardised fitting) say how to read and fit it. On failure the data
        stay as they were and the error (a ``ValueError`` with a clear message)
        propagates. Returns False, changing nothing, when unsaved edits were kept.
        """
        if not self._may_replace(f"opening {os.path.basename(str(path))}"):
            return False
        self.cancel_load()
        options = options or FileOptions()
        loaded = load_data(path, **options.load_kwargs())
        self.workspace.set_data(loaded.X, feature_names=loaded.feature_names, name=str(path),
                                model=self.own_model, standardize=options.standardize,
                                lines=loaded.lines, **_classes(loaded, options))
        self._shown(loaded, str(path), options)
        return True

    # ----------------------------------------------------- the data on show
    def _shown(self, dataset: Dataset, path: str | None, options: FileOptions | None) -> None:
        self._dataset, self._dataset_X = dataset, self.workspace.X
        self.file_path = path
        self._read_X = None if path is None else self.workspace.X
        self._read_stamp = _stamp(path)
        if options is not None:
            self.file_options = options
        self.sourceChanged.emit()

    @property
    def dataset(self) -> Dataset | None:
        """The data set on show as it was loaded or generated (None once points were
        edited, or for a preset or a session)."""
        return self._dataset if self.workspace.X is self._dataset_X else None

    def feature_choices(self) -> tuple[list[str], list[str]]:
        """``(every column that can be a feature, the features fitted now)``."""
        ds, ws = self.dataset, self.workspace
        if ds is None:
            return list(ws.feature_names), list(ws.feature_names)
        return list(ds.numeric_columns or ds.feature_names), list(ws.feature_names)

    def choose_features(self, names) -> bool:
        """Fit these features only (a file is read again with them, as ``--columns``).

        Raises ``ValueError``, changing nothing, for an empty or unknown choice or
        data that came from nowhere to choose from (edited points, a session).
        """
        names = [str(n) for n in names]
        every, now = self.feature_choices()
        if not names:
            raise ValueError("choose at least one feature to fit")
        unknown = [n for n in names if n not in every]
        if unknown:
            raise ValueError(f"no feature named {unknown[0]!r}; the features are "
                             f"{', '.join(every)}")
        if set(names) == set(now):  # the same features, maybe in another order: no change
            return False
        ds = self.dataset
        if ds is None:
            raise ValueError("these data are not a file or built-in data set as loaded "
                             "(points were edited, or they came from a session): save them "
                             "and open the file to choose features")
        if self.file_path is not None:
            return self.reload(columns=None if names == every else tuple(names))
        ws = self.workspace
        X = ds.X[:, [list(ds.feature_names).index(n) for n in names]]
        ws.set_data(X, ds.labels, names, ws.data_name, model=ws.model,
                    label_names=ds.label_names, class_column=ds.label_column, lines=ds.lines)
        self._dataset_X = ws.X
        self.sourceChanged.emit()
        return True

    def choose_classes(self, column: str) -> bool:
        """Take the known classes from ``column`` of the file (:data:`NO_CLASSES`: none);
        the file is read again, as ``--classes``. ``ValueError`` for other data."""
        if self.file_path is None:
            raise ValueError("only a data file's columns can be chosen as classes")
        ws = self.workspace
        if column == (ws.class_column if ws.labels is not None else NO_CLASSES):
            return False  # the box's list chooses what holds again: the run stays
        # the features ticked stay chosen; the class column is no feature (matched by the
        # name read, as --columns may give positions)
        columns = self.file_options.columns or ()
        names = ws.feature_names if len(ws.feature_names) == len(columns) else columns
        kept = tuple(c for c, name in zip(columns, names) if column not in (c, name))
        return self.reload(label_column=column, columns=kept or None)

    def set_drop_missing(self, on: bool) -> bool:
        """Read the file again, dropping (or keeping) rows with missing values."""
        if self.file_path is None:
            raise ValueError("only a data file has rows with missing values to drop")
        return self.reload(drop_missing=bool(on))

    def set_standardize(self, on: bool) -> None:
        """Fit in standardised units or the data's own (the views keep the data's)."""
        self.workspace.set_standardize(on)
        if self.file_path is not None:
            self.file_options = replace(self.file_options, standardize=bool(on))
            if self.busy:  # a reload of this file, begun before, must not undo the choice
                self._standardize_chosen = bool(on)

    def reload(self, **changes) -> bool:
        """Read the shown file again, in the background, with changed :class:`FileOptions`."""
        if self.file_path is None:
            raise ValueError("these data come from no file to read again")
        return self.load_file(self.file_path, replace(self.file_options, **changes))

    def retry_dropping_missing(self) -> bool:
        """Load the file whose load failed on missing values again, dropping those rows."""
        if self.last_failure is None:
            raise ValueError("no failed load to try again")
        _, path, options = self.last_failure
        return self.load_file(path, replace(options, drop_missing=True))

    # ------------------------------------------------------ background load
    @property
    def busy(self) -> bool:
        """Whether a file is being loaded in the background."""
        return self.workspace.runner.loading

    def load_file(self, path, options: FileOptions | None = None) -> bool:
        """Load a data file in a worker thread (progress, Cancel); see ``load_worker``.

        ``options`` as :meth:`open_file`.

        The worker also starts EM on the new data, so the GUI thread only
        adopts the result. A load in progress is cancelled first. The outcome
        comes as ``loadEnded``; cancelled or failed, the data stay. Returns
        False, starting nothing, when unsaved edits were kept.
        """
        ws = self.workspace
        if not self._may_replace(f"opening {os.path.basename(str(path))}"):
            return False
        self._edits_when_load_began = ws.edits
        self._standardize_chosen = None
        self.cancel_load()
        options = options or FileOptions()
        recipe, factory = make_recipe(self.own_model, ws.run_settings), ws.engine_factory
        if options.standardize:  # its own standardiser: the window's is for the data on show
            factory = standardized_factory(factory)
        ws.runner.start_load(path, make_engine=lambda: factory(
            **recipe.settings.engine_kwargs(), tol=recipe.tol), engine_key=(recipe, options),
            load_options=options.load_kwargs())
        self.loadStarted.emit(str(path))
        return True

    def cancel_load(self) -> None:
        """Cancel a background load (the data stay as they were)."""
        loader = self.workspace.runner.cancel_load()
        if loader is not None:
            self.loadEnded.emit("cancelled", f"Loading {loader.path} cancelled; "
                                             "the data are as they were.")

    def _on_load_ended(self, loader, reason: str, result, message: str) -> None:
        ws = self.workspace
        cancelled = f"Loading {loader.path} cancelled; the data are as they were."
        if reason == "loaded" and loader.cancel_requested:
            reason, message = "cancelled", cancelled
        # points edited while the file loaded: ask again before they go
        if reason == "loaded" and ws.edits != self._edits_when_load_began \
                and not self._may_replace(f"opening {os.path.basename(str(loader.path))}"):
            reason, message = "cancelled", f"Kept the edited points; {loader.path} was not opened."
        if reason == "loaded":
            data, (recipe, options) = result.data, result.engine_key
            chosen = self._standardize_chosen
            if str(loader.path) == self.file_path and chosen not in (None, options.standardize):
                options = replace(options, standardize=chosen)
            # begun with the settings that hold now? (they may change while a file loads)
            same = (recipe.settings, recipe.tol, result.engine_key[1]) == \
                (self.own_model, ws.run_settings.tol, options)
            try:
                ws.set_data(data.X, feature_names=data.feature_names, name=str(loader.path),
                            fit=Fit(recipe, result.engine) if same else None,
                            model=self.own_model, standardize=options.standardize,
                            lines=data.lines, **_classes(data, options))
            except ValueError as exc:
                reason, message = "failed", str(exc)
                result = exc
            else:
                self._shown(data, str(loader.path), options)
                message = f"Loaded {loader.path}: {_loaded_words(data)}."
        self.last_failure = None
        if reason == "failed":
            self.last_failure = (result if isinstance(result, Exception) else None,
                                 str(loader.path), loader.engine_key[1])
            # the loaders' errors name the file already; say it once
            message = _in_window_words(message)
            message = f"Could not load {message}" if message.startswith(str(loader.path)) \
                else f"Could not load {loader.path}: {message}"
        self.loadEnded.emit(reason, message)

    # ------------------------------------------------------- session files
    def snapshot(self, *, embed_data: bool = True,
                 view: dict | None = None) -> session_file.SessionSnapshot:
        """Everything a session file stores, read from the workspace (which is not changed).

        ``embed_data=False`` stores the path and SHA-256 of the data file when
        the data came from one that still exists; other data are embedded.
        """
        ws = self.workspace
        if ws.X is None or not ws.history:
            raise ValueError("there is nothing to save yet: load or generate data first")
        data_path = data_hash = None
        name = ws.data_name or ""
        load_options = None
        # only data known to be the file read with known options are kept by reference:
        # other options (or data from an embedded session) would read other rows or columns
        if not embed_data and name and os.path.isfile(name) and ws.X is self._read_X \
                and self.file_path == name and _stamp(name) == self._read_stamp:
            data_path = os.path.abspath(name)
            data_hash = file_sha256(data_path)
            # read again as it was read: the same columns, classes and dropped rows
            load_options = self.file_options.load_kwargs()
        start = ws.start
        history = list(ws.fit.fit_history[:len(ws.history)])  # as fitted: replayed bit for bit
        return session_file.SessionSnapshot(
            model=asdict(ws.model), run=asdict(ws.run_settings), X=np.asarray(ws.X),
            labels=None if ws.labels is None else np.asarray(ws.labels),
            label_names=list(ws.label_names), class_column=ws.class_column,
            feature_names=list(ws.feature_names), data_name=name, data_path=data_path,
            load_options=load_options,
            data_sha256=data_hash, history=history, current=int(ws.current),
            axes=tuple(int(a) for a in ws.axes), view=dict(view or {}),
            start=None if not start else {k: np.asarray(v, dtype=float)
                                          for k, v in start.items()},
            hand_made=ws.hand_made, own_model=asdict(self.own_model),
            preset="" if ws.lab.preset is None else ws.lab.preset.name,
            standardize=ws.standardize, lines=ws.lines,
        )

    def save_session(self, path, *, embed_data: bool = True, view: dict | None = None) -> None:
        """Save everything to a ``.gmmx`` session file (atomically); see ``session_file``."""
        # Edited data are always embedded: their name is no file's (the lab marks it).
        session_file.write_session(path, self.snapshot(embed_data=embed_data, view=view))
        self.workspace.set_edited(False)
        self.workspace.message.emit(f"Session saved to {path}.")

    def open_session(self, path) -> dict | None:
        """Replace the workspace by a saved session; return its view state (a dict).

        The session brings its data, settings, pinned start, history, the lab
        preset that was on show and the person's own settings (which data
        loaded next start from). On any failure (``ValueError`` naming the
        file) nothing changes; None, changing nothing, when unsaved edits were
        kept (:meth:`may_replace_data`).
        """
        ws = self.workspace
        if not self._may_replace(f"opening {os.path.basename(str(path))}"):
            return None
        self.cancel_load()
        snap = session_file.read_session(path)
        try:
            model, run = ModelSettings(**snap.model), RunSettings(**snap.run)
            own = None if snap.own_model is None else ModelSettings(**snap.own_model)
            preset = load_preset(snap.preset) if snap.preset else None
            fit = Fit.restore(snap.X, make_recipe(model, run, snap.start), snap.history,
                              ws.factory_for(snap.standardize), fit_units=True)
        except (TypeError, ValueError) as exc:
            raise session_file.SessionFileError(f"holds settings or states that do not fit "
                                                f"together ({exc})", path=path) from None
        ws.stop()
        ws.run_settings = run
        ws.set_data(snap.X, snap.labels, snap.feature_names, snap.data_name, fit=fit,
                    start=snap.start, hand_made=snap.hand_made, model=model,
                    standardize=snap.standardize, label_names=snap.label_names,
                    class_column=snap.class_column, lines=snap.lines)
        # the data on show are the session's: its file read with its options, or its own
        self.file_path, self._read_X = (snap.data_name, ws.X) if snap.data_path else (None, None)
        self._read_stamp = _stamp(self.file_path)
        read = snap.load_options or {}
        self.file_options = FileOptions(
            columns=None if read.get("columns") is None else tuple(read["columns"]),
            # a session without classes read its file without them: so do later reads
            label_column=NO_CLASSES if snap.labels is None else read.get("label_column"),
            drop_missing=bool(read.get("drop_missing")),
            standardize=snap.standardize)
        ws.axes = tuple(snap.axes)
        ws.current = snap.current
        ws.dataChanged.emit()
        ws.currentChanged.emit(ws.current)
        # what the file says, not what the signals of the opening made of it
        ws.lab.restore_preset(preset, model)
        if own is not None:
            self.own_model = own
        ws.message.emit(f"Session opened from {path} (iteration "
                        f"{ws.history[ws.current].iteration}).")
        return snap.view


def _in_window_words(message: str) -> str:
    """The engine names its parameters (``n_components``); the window, its controls."""
    return re.sub(r"n_components=(\d+) is more than the (\d+) data points; use at most "
                  r"\d+ components\.",
                  r"K = \1 components is more than the \2 data points: set Components K to "
                  r"at most \2 in the Model panel.", message)


def _stamp(path) -> tuple | None:
    """A file's size and modification time (None for no file): whether it changed."""
    try:
        info = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


def _classes(data: Dataset, options: FileOptions) -> dict:
    """The known classes to show (``set_data``'s keywords): the loader's, unless the
    person asked for none."""
    if options.label_column == NO_CLASSES or data.labels is None:
        return {"labels": None}
    return {"labels": data.labels, "label_names": data.label_names,
            "class_column": data.label_column}


def _loaded_words(data: Dataset) -> str:
    """``"150 points, 4 features"`` and the rows dropped, for the status bar."""
    d = data.X.shape[1]
    words = f"{data.X.shape[0]:,} points, {d} feature{'s' if d != 1 else ''}"
    if data.n_dropped:
        words += f" ({counted(data.n_dropped, 'row', commas=True)} with missing values dropped)"
    return words
