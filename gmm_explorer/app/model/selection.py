"""The model-selection grid: every component count K and covariance type, scored.

:class:`ModelSelection` owns the grid's cells. :meth:`ModelSelection.run`
builds each cell's starts on the GUI thread (cheap: recipes, no EM) and runs
all of them in ONE background job of the workspace's runner, which reports
each cell as its last start finishes, so the table and the plot fill in as
they come. Settings other than K and the covariance type come from the
window's model and run settings when the grid starts; changing them or the
data afterwards marks the grid stale instead of recomputing it.

:meth:`ModelSelection.apply` replays a cell's best start from its recipe
(in the runner too) and hands it to the workspace as the current fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model.fit import WINDOW_JOBS, Fit
from gmm_explorer.app.model.settings import COVARIANCE_TYPES
from gmm_explorer.engine.fits import FitRecipe, model_recipes, run_recipes, start_seeds

#: The criteria the grid ranks by, scikit-learn's sign: lower is better.
CRITERIA = ("bic", "icl", "aic")

#: How the window names them.
CRITERION_NAMES = {"bic": "BIC", "icl": "ICL", "aic": "AIC"}

#: The runner's name for the grid's job, and for the replay of a chosen cell.
JOB, APPLY_JOB = "grid", "grid-apply"

#: Defaults of the panel: K from 1 to 6, five starts per cell (``select`` uses 10:
#: the window trades a little certainty for a grid that fills in seconds).
DEFAULT_K_RANGE = (1, 6)
DEFAULT_STARTS = 5


@dataclass(frozen=True)
class Cell:
    """One model of the grid: its best sound start, and what became of the others.

    Attributes
    ----------
    n_components : int
    covariance_type : str
    n_starts : int
        Starts run.
    recipe : FitRecipe or None
        The best sound start's recipe (highest final objective); None when
        every start collapsed or was refused.
    log_likelihood : float or None
        The best start's final total log-likelihood.
    scores : dict
        ``{"bic": ..., "icl": ..., "aic": ...}`` of the best start (empty without one).
    n_collapsed, n_failed : int
        Starts that ended on a singular covariance, and starts the engine refused.
    reasons : tuple of str
        Why, one line per distinct reason, for the cell's tooltip.
    """

    n_components: int
    covariance_type: str
    n_starts: int
    recipe: FitRecipe | None = None
    log_likelihood: float | None = None
    scores: dict = field(default_factory=dict)
    n_collapsed: int = 0
    n_failed: int = 0
    reasons: tuple = ()

    @property
    def key(self) -> tuple:
        """``(K, covariance type)``, the cell's place in the grid."""
        return self.n_components, self.covariance_type

    @property
    def usable(self) -> bool:
        """Whether some start gave a sound model."""
        return self.recipe is not None

    def score(self, criterion: str) -> float:
        """The criterion's value (NaN when no start was sound)."""
        return float(self.scores.get(criterion, np.nan))

    def describe(self) -> str:
        """Plain lines for the cell's tooltip: the scores, the starts, what went wrong."""
        lines = [f"K = {self.n_components}, {self.covariance_type} covariances"]
        if self.usable:
            lines.append(f"log-likelihood {self.log_likelihood:,.3f}")
            lines.append(", ".join(f"{CRITERION_NAMES[c]} {self.score(c):,.3f}"
                                   for c in CRITERIA))
        else:
            lines.append("No sound fit: every start collapsed or was refused.")
        bad = []
        if self.n_collapsed:
            bad.append(f"{self.n_collapsed} collapsed")
        if self.n_failed:
            bad.append(f"{self.n_failed} refused")
        lines.append(f"{self.n_starts} starts" + (f" ({', '.join(bad)})" if bad else
                                                   ", all sound"))
        lines += [f"  {reason}" for reason in self.reasons]
        return "\n".join(lines)


def _why(result) -> str:
    """One short line on why a start is not a sound model."""
    if result.error is not None:
        return f"refused: {result.error}"
    record = result.collapse
    if record is None:
        return "ended with an infinite log-likelihood"
    which = ", ".join(str(k) for k in record.names)
    return f"component {which} singular at iteration {record.iteration}: {record.reason}"


class _CellBuilder:
    """Collects one cell's finished starts in the job thread and keeps only the best."""

    def __init__(self, key: tuple, n_starts: int):
        self.key, self.n_starts, self.seen = key, n_starts, 0
        self.best = None  # (objective, -index, recipe, log-likelihood, scores)
        self.n_collapsed = self.n_failed = 0
        self.reasons: list[str] = []

    def add(self, result) -> None:
        self.seen += 1
        if not result.ok:
            self.n_failed += result.error is not None
            self.n_collapsed += result.error is None
            why = _why(result)
            if why not in self.reasons:
                self.reasons.append(why)
            return
        rank = (result.state.objective, -result.index)
        if self.best is None or rank > self.best[:2]:
            em = result.engine  # scored here, while the engine is alive (it is not kept)
            with np.errstate(all="ignore"):
                scores = {"bic": float(em.bic()), "icl": float(em.icl()),
                          "aic": float(em.aic())}
            self.best = (*rank, result.recipe, float(result.state.log_likelihood), scores)

    @property
    def done(self) -> bool:
        return self.seen == self.n_starts

    def cell(self) -> Cell:
        K, ctype = self.key
        reasons = tuple(self.reasons[:4]) + (("…",) if len(self.reasons) > 4 else ())
        if self.best is None:
            return Cell(K, ctype, self.n_starts, n_collapsed=self.n_collapsed,
                        n_failed=self.n_failed, reasons=reasons)
        _, _, recipe, ll, scores = self.best
        return Cell(K, ctype, self.n_starts, recipe, ll, scores, self.n_collapsed,
                    self.n_failed, reasons)


def run_grid(plan: list, X: np.ndarray, cancelled, progress, report) -> int:
    """The grid's job: run every start of every cell; ``report(cell)`` as each completes.

    Parameters
    ----------
    plan : list of ((K, covariance type), list of FitRecipe)
    X : ndarray of shape (N, D)
    cancelled, progress, report : callables
        The runner's (see :class:`~gmm_explorer.app.model.runner.JobWorker`).

    Returns
    -------
    int
        Cells completed.
    """
    recipes, owner, builders = [], [], []
    for key, cell_recipes in plan:
        builders.append(_CellBuilder(key, len(cell_recipes)))
        recipes += cell_recipes
        owner += [builders[-1]] * len(cell_recipes)
    total, finished = max(len(recipes), 1), [0]
    for builder in builders:
        if builder.done:  # a cell without starts (none planned) is complete at once
            report(builder.cell())

    def on_fit(result) -> None:
        builder = owner[result.index]
        builder.add(result)
        finished[0] += 1
        progress(finished[0] / total)
        if builder.done:
            report(builder.cell())

    run_recipes(recipes, X, progress=on_fit, cancel=cancelled, keep_engines=False,
                n_jobs=WINDOW_JOBS)
    return sum(b.done for b in builders)


def _replay(recipe: FitRecipe, X: np.ndarray, factory, cancelled) -> Fit | None:
    """A cell's fit again, from its recipe, exactly as :meth:`FitRecipe.run` makes it."""
    fit = Fit.begin(X, recipe, factory)
    fit.engine.run(max_iter=recipe.max_iter, callback=lambda state: cancelled())
    return None if cancelled() else fit


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
        self._own_seeds: set = set()  # random_states the grid itself put in the model
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
        model, run = ws.model, ws.run_settings
        # after a chosen cell the model holds that start's seed; the grid keeps its own
        seed = self.seed if model.random_state in self._own_seeds else model.random_state
        self.seed, seeds = start_seeds(seed, self.n_starts)
        plan = [((K, ctype), model_recipes(replace(model, n_components=K, covariance_type=ctype),
                                           seeds, run.tol, run.max_iter))
                for K in self.counts for ctype in self.types]
        self.cells = {}
        # the model's own seed too: None (a fresh draw each time) must not read as a change
        self._X, self._key = ws.X, self._settings_key()
        self._own_seeds = {self.seed, model.random_state}
        self._set_stale(False)
        self.cellsReset.emit()
        X = ws.X
        ws.runner.start_job(lambda cancelled, progress, report: run_grid(
            plan, X, cancelled, progress, report), self._on_done, name=JOB,
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
        best = self.best()
        if best is None:
            self.workspace.message.emit("Model selection: no model gave a sound fit.")
        else:
            name = CRITERION_NAMES[self.criterion]
            self.workspace.message.emit(
                f"Model selection done: best by {name} K = {best.n_components}, "
                f"{best.covariance_type} ({name} {best.score(self.criterion):,.3f}).")

    def best(self, criterion: str | None = None) -> Cell | None:
        """The usable cell with the lowest ``criterion`` (default: the chosen one)."""
        criterion = criterion or self.criterion
        usable = [c for c in self.cells.values()
                  if c.usable and np.isfinite(c.score(criterion))]
        return min(usable, key=lambda c: (c.score(criterion), c.n_components), default=None)

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
        X, recipe, factory = ws.X, cell.recipe, ws.engine_factory
        self._own_seeds.add(recipe.seed)
        ws.runner.start_job(lambda cancelled, progress, report: _replay(
            recipe, X, factory, cancelled), lambda fit, error: self._on_replayed(
            cell, fit, error), name=APPLY_JOB)

    def _on_replayed(self, cell: Cell, fit: Fit | None, error) -> None:
        ws = self.workspace
        if error is not None:
            ws.message.emit(f"Could not replay K = {cell.n_components}, "
                            f"{cell.covariance_type}: {error}")
        elif fit is not None and ws.X is self._X:
            ws.open_fit(fit, f"the grid's K = {cell.n_components}, {cell.covariance_type} "
                             f"(seed {cell.recipe.seed})")

    # --------------------------------------------------------------- stale
    def _settings_key(self) -> tuple:
        """What the grid's cells depend on besides K, the type and the seed."""
        ws = self.workspace
        model = replace(ws.model, n_components=1, covariance_type=COVARIANCE_TYPES[0],
                        random_state=0)
        return model, ws.run_settings.tol, ws.run_settings.max_iter

    def _check_stale(self) -> None:
        if self._key is None:
            return
        ws = self.workspace
        seed = ws.model.random_state
        changed = (ws.X is not self._X or self._settings_key() != self._key
                   or seed not in self._own_seeds)
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
