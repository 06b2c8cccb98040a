"""The singularity lab, model side: presets, remedies, compare mode and hand-made points.

:class:`Lab` belongs to a :class:`~gmm_explorer.app.model.workspace.Workspace` and
turns the lab's actions into workspace calls: load one of the collapse presets
with its exact start, re-run from that start with a remedy, run the same start
under two remedies side by side (in the background, through the runner), add
or delete points.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model.compare import Comparison, begin_sides, run_sides
from gmm_explorer.app.model.fit import start_of
from gmm_explorer.app.model.picture import held_mask
from gmm_explorer.app.model.remedies import REMEDIES
from gmm_explorer.app.model.settings import ModelSettings
from gmm_explorer.app.model.undo import PointsState
from gmm_explorer.datasets import load_preset

if TYPE_CHECKING:  # the workspace holds the lab: a run-time import would be circular
    from gmm_explorer.app.model.workspace import Workspace

DEFAULT_RIDGE = 1e-6

#: Added to the data's name by a hand edit.
EDITED_SUFFIX = " (edited)"

_MODEL_FIELDS = {f.name for f in fields(ModelSettings)}


def preset_model(preset) -> ModelSettings:
    """The window's model settings for a preset."""
    kwargs = {k: v for k, v in preset.settings.items() if k in _MODEL_FIELDS}
    kwargs.setdefault("init", ModelSettings.init)
    kwargs.setdefault("random_state", 0)
    return ModelSettings(**kwargs)


def preset_start(preset, engine_factory) -> dict:
    """The preset's initial weights, means and full covariances.

    A preset without an explicit start is initialised once by the engine
    with its own settings (``init``, ``random_state``,
    ``init_covariance_scale``), so the window starts exactly where the
    engine's tests start.
    """
    if preset.start:
        return {k: np.array(v, dtype=float) for k, v in preset.start.items()}
    return start_of(engine_factory(**preset.settings).initialize(preset.X))


class Lab(QObject):
    """Presets, remedies, compare mode and point editing for one workspace.

    Attributes
    ----------
    preset : gmm_explorer.datasets.presets.Preset or None
        The loaded preset (None after other data are loaded).
    base_model : ModelSettings or None
        The settings remedies start from (the preset's, or the model in use
        when the first remedy was chosen).
    remedy : str
        The remedy in use, a key of :data:`REMEDIES`.
    comparison : Comparison or None
        The last comparison that ran to its end.

    Signals
    -------
    presetChanged()
        A preset was loaded, or other data replaced it.
    remedyChanged(str)
        A remedy was applied.
    compared(object)
        A comparison ran to its end: the :class:`Comparison`.
    compareFailed(str)
        A comparison could not start or run: why, naming the side.
    """

    presetChanged = Signal()
    remedyChanged = Signal(str)
    compared = Signal(object)
    compareFailed = Signal(str)

    def __init__(self, workspace: Workspace):
        super().__init__(workspace)
        self.workspace = workspace
        self.preset = None
        self.base_model: ModelSettings | None = None
        self.remedy = "none"
        self.ridge = DEFAULT_RIDGE
        self.comparison: Comparison | None = None
        self._own_change = False
        self._held_key = None
        self._held = np.zeros(0, dtype=int)
        workspace.dataChanged.connect(self._on_data_changed)

    # ------------------------------------------------------------ presets
    def load_preset(self, name: str) -> bool:
        """Load preset ``name``: its data, settings and exact start, together.

        Returns False, changing nothing, when unsaved edits were kept.
        """
        preset = load_preset(name)
        ws = self.workspace
        if not ws.may_replace_data(f"loading preset {name}"):
            return False
        ws.loading.cancel_load()  # a file still loading would replace the preset when it ends
        model = preset_model(preset)
        names = [f"x{j}" for j in range(preset.X.shape[1])]
        start = preset_start(preset, ws.engine_factory)
        old_preset, self.preset, self._own_change = self.preset, preset, True
        try:  # the preset is set first: its settings are not the person's own choice
            # a scene's provocations are in its own units (a start's 5 I, the ridge's size)
            ws.set_data(preset.X, None, names, f"preset {name}", start=start, model=model,
                        standardize=False)
        except ValueError:
            self.preset = old_preset
            raise
        finally:
            self._own_change = False
        self.base_model, self.remedy = model, "none"
        self.presetChanged.emit()
        self.remedyChanged.emit("none")
        ws.message.emit(f"Preset {name}: {preset.title}. Step (Right key) or Run (Space).")
        return True

    def restore_preset(self, preset, base_model: ModelSettings) -> None:
        """Say that ``preset`` (or None) is on show again, its data already loaded (a session
        file): its title and Collapse panel come back, remedies start from ``base_model``."""
        self.preset = preset
        self.base_model = None if preset is None else base_model
        self.presetChanged.emit()

    def _on_data_changed(self) -> None:
        if self._own_change or self.workspace.undo.busy:  # an edit, or an edit undone
            return
        if self.preset is not None:
            self.preset, self.base_model = None, None
            self.presetChanged.emit()
        if self.remedy != "none":  # a remedy belongs to the data it was chosen on
            self.remedy = "none"
            self.remedyChanged.emit("none")

    # ------------------------------------------------------------ remedies
    def remedy_model(self, name: str, ridge: float | None = None) -> ModelSettings:
        """The settings remedy ``name`` runs with (from :attr:`base_model`)."""
        if name not in REMEDIES:
            raise ValueError(f"unknown remedy {name!r}; known: {', '.join(REMEDIES)}")
        base = self.base_model or self.workspace.model
        changes = dict(REMEDIES[name][1])
        if name == "ridge":
            changes["reg_covar"] = float(self.ridge if ridge is None else ridge)
        return replace(base, **changes)

    def apply_remedy(self, name: str, ridge: float | None = None,
                     steps: int | None = None) -> None:
        """Re-run from the same start with remedy ``name``.

        Parameters
        ----------
        name : str
            A key of :data:`REMEDIES` (``"none"`` re-runs the problem as loaded).
        ridge : float, optional
            ``reg_covar`` for ``"ridge"`` (default :attr:`ridge`).
        steps : int, optional
            Take this many steps at once (tests, scripts); None runs in the
            background until EM converges, halts or reaches max_iter.
        """
        if ridge is not None:
            if not ridge > 0:
                raise ValueError(f"the ridge must be > 0, got {ridge}")
            self.ridge = float(ridge)
        s = self.workspace
        if self.base_model is None:
            self.base_model = s.model
        model = self.remedy_model(name)
        s.stop()
        if model == s.model:
            s.reinitialize()
        else:
            s.set_model(**model.engine_kwargs())
        self.remedy = name
        self.remedyChanged.emit(name)
        s.message.emit(f"Remedy {REMEDIES[name][0].lower()}: EM runs again from the same "
                       f"start.")
        if steps is None:
            s.run()
        else:
            for _ in range(int(steps)):
                if not s.step():
                    break

    # ------------------------------------------------------------ reading
    def held_rows(self, state, components) -> np.ndarray:
        """Data rows whose largest responsibility (> 1/2) is one of ``components``.

        Uses the engine's responsibilities for ``state`` (the ones EM used).
        """
        s = self.workspace
        if s.X is None or not len(components):
            return np.zeros(0, dtype=int)
        key = (id(state), tuple(components))
        if self._held_key == key:
            return self._held
        rows = np.flatnonzero(held_mask(s.data_responsibilities(state), components))
        self._held_key, self._held = key, rows
        return rows

    # ------------------------------------------------------------ points
    def _current_start(self) -> dict | None:
        fit = self.workspace.fit
        return None if fit is None else fit.start

    # ------------------------------------------------------------ compare
    def compare(self, left: str, right: str, max_iter: int = 40) -> bool:
        """Run the shown data and start under remedies ``left`` and ``right``, in the background.

        Both sides are begun here, so a side that cannot start (say, no
        ridge on a start whose covariances are singular) is reported at once
        through ``compareFailed`` and the last comparison stays. The steps run
        in the runner's job thread; ``compared`` brings the result. Returns
        whether the comparison started.
        """
        ws = self.workspace
        try:
            fits = begin_sides(ws, [(REMEDIES[name][0], self.remedy_model(name))
                                   for name in (left, right)],
                               self._current_start())
        except ValueError as exc:
            self.compareFailed.emit(str(exc))
            return False
        axes, points = tuple(ws.axes), ws.drawn_points()
        ws.runner.start_job(
            lambda cancelled, progress, _report: run_sides(fits, (left, right), max_iter, axes, points,
                                                  cancelled, progress),
            self._on_compared)
        return True

    def _on_compared(self, comparison, error) -> None:
        if comparison is None and error is None:
            return  # cancelled
        if error is not None:
            self.compareFailed.emit(f"The comparison stopped on an error: {error}")
            return
        self.comparison = comparison
        self.compared.emit(comparison)

    def _replace_data(self, X, what: str, hand_made) -> None:
        s = self.workspace
        start = self._current_start()
        if start is not None and len(start["weights"]) != s.model.n_components:
            start = None
        before = PointsState.of(s)
        self._own_change = True
        try:
            # a new name: edited data are no longer the file they came from, so
            # session files embed them instead of pointing at that file
            name = s.data_name if s.data_name.endswith(EDITED_SUFFIX) else \
                s.data_name + EDITED_SUFFIX
            with s.undo.applying():
                s.set_data(X, None, s.feature_names, name, start=start, edited=True,
                           hand_made=hand_made)
        finally:
            self._own_change = False
        s.undo.record("points", before, PointsState.of(s), what)
        s.message.emit(f"{what}; {len(X)} points now. EM restarts from the same start.")

    def add_points(self, xy, copies: int = 1) -> None:
        """Add ``copies`` identical points at ``xy`` on the shown axes.

        Other columns (data with more than two) take the data's mean.
        """
        s = self.workspace
        if s.X is None:
            return
        point = s.X.mean(axis=0)
        point[list(s.axes)] = np.asarray(xy, dtype=float)[:2]
        X = np.vstack([s.X, np.repeat(point[None, :], int(copies), axis=0)])
        hand_made = np.concatenate([self._hand_made(), np.ones(int(copies), dtype=bool)])
        self._replace_data(X, f"Added {copies} point{'s' if copies > 1 else ''} at "
                              f"({point[s.axes[0]]:.3g}, {point[s.axes[1]]:.3g})", hand_made)

    def spray_points(self, xy, count: int, spread: float, seed: int | None = None) -> None:
        """Add ``count`` points scattered round ``xy`` (the brush), as one edit.

        The points are normal about ``xy`` on the shown axes with standard
        deviation ``spread`` (data units) on each; other columns take the
        data's mean. ``seed`` makes the spray repeatable (tests, scripts).
        """
        s = self.workspace
        if s.X is None or count < 1:
            return
        if not spread > 0:
            raise ValueError(f"the brush's spread must be positive, got {spread}")
        rng = np.random.default_rng(seed)
        points = np.repeat(s.X.mean(axis=0)[None, :], int(count), axis=0)
        centre = np.asarray(xy, dtype=float)[:2]
        points[:, list(s.axes)] = centre + rng.normal(0.0, float(spread), (int(count), 2))
        X = np.vstack([s.X, points])
        hand_made = np.concatenate([self._hand_made(), np.ones(int(count), dtype=bool)])
        self._replace_data(X, f"Sprayed {count} points round ({centre[0]:.3g}, "
                              f"{centre[1]:.3g}), spread {spread:.3g}", hand_made)

    def delete_points(self, rows) -> None:
        """Delete data rows ``rows`` (ValueError if too few points would remain)."""
        s = self.workspace
        rows = np.unique(np.atleast_1d(np.asarray(rows, dtype=int)))
        if len(rows) and not (0 <= rows[0] and rows[-1] < len(s.X)):
            raise ValueError(f"cannot delete: rows must be between 0 and {len(s.X) - 1}")
        X = np.delete(s.X, rows, axis=0)
        if len(X) < max(2, s.model.n_components):
            raise ValueError(f"cannot delete: {s.model.n_components} components need at "
                             f"least {s.model.n_components} points")
        self._replace_data(X, f"Deleted {len(rows)} point{'s' if len(rows) > 1 else ''}",
                           np.delete(self._hand_made(), rows))

    def _hand_made(self) -> np.ndarray:
        """(N,) bool: which of the workspace's points were added by hand."""
        s = self.workspace
        return np.zeros(len(s.X), dtype=bool) if s.hand_made is None else s.hand_made

    def nearest_row(self, xy, scale=(1.0, 1.0)) -> tuple:
        """(row, distance in ``scale`` units) of the data point nearest ``xy``."""
        s = self.workspace
        P = s.X[:, list(s.axes)]
        d = np.hypot((P[:, 0] - xy[0]) / scale[0], (P[:, 1] - xy[1]) / scale[1])
        i = int(np.argmin(d))
        return i, float(d[i])
