"""Where a workspace's data come from: built-in data, generators, files, session files.

:class:`DataLoading` turns each source into :meth:`Workspace.set_data` (or, for
a session file, a restored fit). It asks the workspace's ``discard_guard``
before unsaved hand edits would go, loads big files in the background through
the runner (progress, Cancel), and starts data from anywhere but a preset with
the person's own model settings, never with a preset's provocations.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model.fit import Fit, make_recipe
from gmm_explorer.app.model.settings import ModelSettings, RunSettings
from gmm_explorer.data import load_data, session_file
from gmm_explorer.datasets import GENERATORS, load_builtin, load_preset
from gmm_explorer.files import file_sha256

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
    """

    loadStarted = Signal(str)
    loadProgress = Signal(float)
    loadEnded = Signal(str, str)

    def __init__(self, workspace: Workspace):
        super().__init__(workspace)
        self.workspace = workspace
        #: The model settings the person chose last (presets never change them).
        self.own_model = workspace.model
        self._edits_when_load_began = 0
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
                                model=self.own_model,
                                start=None if start is None else start(ds.X))
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
        self.workspace.set_data(X, labels, None, f"{generator} (N={n_samples}, "
                                f"centres={n_centers}, spread={spread:g}, seed={seed})",
                                model=self.own_model)
        return True

    def open_file(self, path) -> bool:
        """Load a data file now with :func:`gmm_explorer.data.load_data`.

        On failure the data stay as they were and the error (a ``ValueError``
        with a clear message) propagates. Returns False, changing nothing, when
        unsaved edits were kept.
        """
        if not self._may_replace(f"opening {os.path.basename(str(path))}"):
            return False
        self.cancel_load()
        loaded = load_data(path)
        self.workspace.set_data(loaded.X, loaded.labels, loaded.feature_names, str(path),
                                model=self.own_model, lines=loaded.lines)
        return True

    # ------------------------------------------------------ background load
    @property
    def busy(self) -> bool:
        """Whether a file is being loaded in the background."""
        return self.workspace.runner.loading

    def load_file(self, path) -> bool:
        """Load a data file in a worker thread (progress, Cancel); see ``load_worker``.

        The worker also starts EM on the new data, so the GUI thread only
        adopts the result. A load in progress is cancelled first. The outcome
        comes as ``loadEnded``; cancelled or failed, the data stay. Returns
        False, starting nothing, when unsaved edits were kept.
        """
        ws = self.workspace
        if not self._may_replace(f"opening {os.path.basename(str(path))}"):
            return False
        self._edits_when_load_began = ws.edits
        self.cancel_load()
        recipe, factory = make_recipe(self.own_model, ws.run_settings), ws.engine_factory
        ws.runner.start_load(path, make_engine=lambda: factory(
            **recipe.settings.engine_kwargs(), tol=recipe.tol), engine_key=recipe)
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
            data, recipe = result.data, result.engine_key
            # begun with the settings that hold now? (they may change while a file loads)
            same = (recipe.settings, recipe.tol) == (self.own_model, ws.run_settings.tol)
            try:
                ws.set_data(data.X, data.labels, data.feature_names, str(loader.path),
                            fit=Fit(recipe, result.engine) if same else None,
                            model=self.own_model, lines=data.lines)
            except ValueError as exc:
                reason, message = "failed", str(exc)
            else:
                message = f"Loaded {loader.path}: {data.X.shape[0]:,} points."
        if reason == "failed":
            # the loaders' errors name the file already; say it once
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
        if not embed_data and name and os.path.isfile(name):
            data_path = os.path.abspath(name)
            data_hash = file_sha256(data_path)
        start = ws.start
        return session_file.SessionSnapshot(
            model=asdict(ws.model), run=asdict(ws.run_settings), X=np.asarray(ws.X),
            labels=None if ws.labels is None else np.asarray(ws.labels),
            feature_names=list(ws.feature_names), data_name=name, data_path=data_path,
            data_sha256=data_hash, history=list(ws.history), current=int(ws.current),
            axes=tuple(int(a) for a in ws.axes), view=dict(view or {}),
            start=None if not start else {k: np.asarray(v, dtype=float)
                                          for k, v in start.items()},
            hand_made=ws.hand_made, own_model=asdict(self.own_model),
            preset="" if ws.lab.preset is None else ws.lab.preset.name,
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
                              ws.engine_factory)
        except (TypeError, ValueError) as exc:
            raise session_file.SessionFileError(f"holds settings or states that do not fit "
                                                f"together ({exc})", path=path) from None
        ws.stop()
        ws.run_settings = run
        ws.set_data(snap.X, snap.labels, snap.feature_names, snap.data_name, fit=fit,
                    start=snap.start, hand_made=snap.hand_made, model=model)
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
