"""The model-selection grid: every component count K and covariance type, scored.

:class:`ModelSelection` owns the grid's cells. :meth:`ModelSelection.run`
builds each cell's starts on the GUI thread (cheap: recipes, no EM) and runs
all of them in ONE background job of the workspace's runner, which reports
each cell as its last start finishes, so the table and the plot fill in as
they come. Settings other than K and the covariance type come from the
window's model and run settings when the grid starts; changing them or the
data afterwards marks the grid stale instead of recomputing it.

:meth:`ModelSelection.apply` replays a cell's best start from its recipe
(in the runner too) and hands it to the workspace as the current fit. The
cells and the job's pure loop live in :mod:`~gmm_explorer.app.model.grid_cells`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model.fit import Fit
from gmm_explorer.app.model.grid_cells import (
    CRITERIA,
    CRITERION_NAMES,
    Cell,
    replay,
    run_grid,
)
from gmm_explorer.app.model.own_starts import OwnStarts
from gmm_explorer.app.model.settings import COVARIANCE_TYPES
from gmm_explorer.engine.fits import model_recipes, start_seeds

__all__ = ["APPLY_JOB", "CRITERIA", "CRITERION_NAMES", "JOB", "Cell", "ModelSelection"]

#: The runner's name for the grid's job, and for the replay of a chosen cell.
JOB, APPLY_JOB = "grid", "grid-apply"

#: Defaults of the panel: K from 1 to 6, five starts per cell (``select`` uses 10:
#: the window trades a little certainty for a grid that fills in seconds).
DEFAULT_K_RANGE = (1, 6)
DEFAULT_STARTS = 5


class ModelSelection(QObject):
    """The grid behind the Model selection dock.

    Parameters
    ----------
    workspace : Workspace
        Its data, model and run settings feed the grid; its runner runs it;
        a chosen cell becomes its current fit.

    Signals
    -------
    cellsReset()
        A new grid began (every cell pending) or the grid was cleared.
    cellReady(object)
        A cell completed: its :class:`Cell`.
    runningChanged(bool)
    progressed(float)
        Fraction of all starts done.
    staleChanged(bool)
        The data or the settings the grid ran with changed (or the grid is current again).
    criterionChanged(str)
        The criterion that ranks the cells.
    """

    cellsReset = Signal()
    cellReady = Signal(object)
    runningChanged = Signal(bool)
    progressed = Signal(float)
    staleChanged = Signal(bool)
    criterionChanged = Signal(str)

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.k_range = DEFAULT_K_RANGE
        self.n_starts = DEFAULT_STARTS
        self.criterion = "bic"
        self.types = COVARIANCE_TYPES
        self.cells: dict[tuple, Cell] = {}
        self.stale = False
        self.seed: int | None = None  # the master seed of the grid's starts
        self._X = None
        self._key = None
        self._own = OwnStarts()  # a chosen cell's seed and start are the grid's own
        workspace.runner.jobProgressed.connect(self._on_progress)
        workspace.dataChanged.connect(self._check_stale)
        workspace.settingsChanged.connect(self._check_stale)

    # ------------------------------------------------------------ settings
    @property
    def counts(self) -> list[int]:
        """The component counts of the grid's rows."""
        return list(range(self.k_range[0], self.k_range[1] + 1))

    def set_k_range(self, k_min: int, k_max: int) -> None:
        """The rows of the next run: K from ``k_min`` to ``k_max``. ``ValueError`` if empty."""
        k_min, k_max = int(k_min), int(k_max)
        if not 1 <= k_min <= k_max:
            raise ValueError(f"the K range must run from at least 1 upwards; got {k_min} to "
                             f"{k_max}")
        self.k_range = (k_min, k_max)

    def set_starts(self, n_starts: int) -> None:
        """Seeded starts per cell in the next run (the cell keeps the best)."""
        if int(n_starts) < 1:
            raise ValueError(f"each cell needs at least one start; got {n_starts}")
        self.n_starts = int(n_starts)

    def set_criterion(self, criterion: str) -> None:
        """Rank the cells by ``"bic"``, ``"icl"`` or ``"aic"`` (nothing is recomputed)."""
        if criterion not in CRITERIA:
            raise ValueError(f"criterion must be one of {', '.join(CRITERIA)}; got "
                             f"{criterion!r}")
        if criterion != self.criterion:
            self.criterion = criterion
            self.criterionChanged.emit(criterion)
            if self.cells and not self.running:
                self._say_best()  # the status bar names the criterion on show

    # ---------------------------------------------------------------- runs
    @property
    def running(self) -> bool:
        """Whether the grid's job runs."""
        return self.workspace.runner.job_running(JOB)

    def run(self) -> None:
        """Fit every cell in the background; the cells arrive through ``cellReady``.

        Raises ``ValueError`` without data. A grid already running is cancelled first.
        """
        ws = self.workspace
        if ws.X is None:
            raise ValueError("no data to select a model for; load or generate data first")
        self.cancel()
        model, run = self._own.model(ws.model), ws.run_settings
        self.seed, seeds = start_seeds(self._own.master_seed(model), self.n_starts)
        plan = [((K, ctype), model_recipes(replace(model, n_components=K, covariance_type=ctype),
                                           seeds, run.tol, run.max_iter))
                for K in self.counts for ctype in self.types]
        self.cells = {}
        self._own.ran(model, self.seed)
        self._X, self._key = ws.X, self._settings_key()
        self._set_stale(False)
        self.cellsReset.emit()
        data = {ctype: ws.fit_data(ctype) for ctype in self.types}
        ws.runner.start_job(lambda cancelled, progress, report: run_grid(
            plan, data, cancelled, progress, report), self._on_done, name=JOB,
            on_report=self._on_cell)
        self.runningChanged.emit(True)
        ws.message.emit(f"Model selection: {len(plan)} models, {self.n_starts} starts each, "
                        f"start seed {self.seed}.")

    def cancel(self) -> None:
        """Stop the grid's job and wait for it; the finished cells stay."""
        if self.running:
            self.workspace.runner.cancel_job(JOB)
            self.runningChanged.emit(False)
            self.workspace.message.emit(f"Model selection cancelled after {len(self.cells)} "
                                        f"of {len(self.counts) * len(self.types)} models.")

    def wait(self, timeout_ms: int = 600000) -> None:
        """Block until the grid (and a chosen cell's replay) has ended (scripts, tests)."""
        self.workspace.runner.wait_job(timeout_ms, name=JOB)
        self.workspace.runner.wait_job(timeout_ms, name=APPLY_JOB)

    def _on_cell(self, cell: Cell) -> None:
        self.cells[cell.key] = cell
        self.cellReady.emit(cell)

    def _on_progress(self, name: str, fraction: float) -> None:
        if name == JOB:
            self.progressed.emit(fraction)

    def _on_done(self, _result, error) -> None:
        self.runningChanged.emit(False)
        if error is not None:
            self.workspace.message.emit(f"Model selection failed: {error}")
            return
        self._say_best()

    def _say_best(self) -> None:
        best = self.best()
        if best is None:
            self.workspace.message.emit("Model selection: no model gave a sound fit.")
        else:
            name = CRITERION_NAMES[self.criterion]
            self.workspace.message.emit(
                f"Model selection: best by {name} K = {best.n_components}, "
                f"{best.covariance_type} ({name} {best.score(self.criterion):,.3f}).")

    def best(self, criterion: str | None = None) -> Cell | None:
        """The usable cell with the lowest ``criterion`` (default: the chosen one), among
        those whose best start has no degenerate component when there are any."""
        criterion = criterion or self.criterion
        usable = [c for c in self.cells.values()
                  if c.usable and np.isfinite(c.score(criterion))]
        # a degenerate fit's criteria reward a component on a handful of points: starred
        # only when nothing else is sound
        sound = [c for c in usable if not c.degenerate] or usable
        return min(sound, key=lambda c: (c.score(criterion), c.n_components), default=None)

    # -------------------------------------------------------------- choose
    def apply(self, n_components: int, covariance_type: str) -> None:
        """Make the cell's best start the current fit, replayed from its recipe.

        The replay runs in the runner; the workspace then continues that fit
        (its settings become the model's). ``ValueError`` for a cell without a
        sound fit, or when the data changed since the grid ran.
        """
        cell = self.cells.get((int(n_components), covariance_type))
        if cell is None or not cell.usable:
            raise ValueError(f"K = {n_components}, {covariance_type} has no sound fit to show")
        ws = self.workspace
        if ws.X is not self._X:
            raise ValueError("the data changed since the grid ran: run it again")
        # in the units the grid ran in (its key's last entry): Standardise changed since
        # would replay another fit than the cell's
        X, recipe, factory = ws.X, cell.recipe, ws.factory_for(self._key[3])
        self._own.chose(recipe)
        ws.runner.start_job(lambda cancelled, progress, report: replay(
            recipe, X, factory, cancelled), lambda fit, error: self._on_replayed(
            cell, fit, error), name=APPLY_JOB)

    def _on_replayed(self, cell: Cell, fit: Fit | None, error) -> None:
        ws = self.workspace
        if error is not None:
            ws.message.emit(f"Could not replay K = {cell.n_components}, "
                            f"{cell.covariance_type}: {error}")
        elif fit is not None and ws.X is self._X:
            start = ("the hierarchical start" if cell.recipe.settings.init == "hierarchical"
                     else f"start seed {cell.recipe.seed}")
            ws.open_fit(fit, f"the grid's K = {cell.n_components}, {cell.covariance_type} "
                             f"({start})")

    # --------------------------------------------------------------- stale
    def _settings_key(self) -> tuple:
        """What the grid's cells depend on besides K, the type and the seed."""
        ws = self.workspace
        model = replace(self._own.model(ws.model), n_components=1,
                        covariance_type=COVARIANCE_TYPES[0], random_state=0)
        return model, ws.run_settings.tol, ws.run_settings.max_iter, ws.standardize

    def _check_stale(self) -> None:
        if self._key is None:
            return
        ws = self.workspace
        seed = ws.model.random_state
        changed = (ws.X is not self._X or self._settings_key() != self._key
                   or not self._own.owns_seed(seed))
        if changed and self.running:
            # finishing would draw a grid of data or settings no longer shown
            self.cancel()
        self._set_stale(changed)

    def _set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.staleChanged.emit(stale)

    @property
    def stale_reason(self) -> str:
        """Why the grid is stale, in a few words ("" when it is not)."""
        if not self.stale:
            return ""
        if self.workspace.X is not self._X:
            return "data changed: run again"
        return "settings changed: run again"
