"""The atlas of starts, model side: many starts of the current model, grouped by optimum.

:class:`Atlas` runs the starts of the workspace's model (the same recipes the
command line makes: :func:`~gmm_explorer.engine.fits.model_recipes`) in one
background job of the runner, takes each finished start as it comes, and
groups the final states by the local optimum they reached
(:func:`~gmm_explorer.engine.optima.group_results`). The panel only reads
:attr:`Atlas.starts` and :attr:`Atlas.groups`. Other data or settings make
the atlas stale; nothing is recomputed until the user asks.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QTimer, Signal

from gmm_explorer.app.model.fit import WINDOW_JOBS
from gmm_explorer.app.model.own_starts import OwnStarts
from gmm_explorer.app.model.units import result_in_user_units
from gmm_explorer.engine.fits import FitResult, model_recipes, run_recipes, start_seeds
from gmm_explorer.engine.optima import data_spread, group_results, likelihood_tolerance

#: The runner's name for the atlas's job.
JOB_NAME = "atlas"
#: Starts when nobody says how many.
DEFAULT_STARTS = 50
#: The atlas's stop rules, its own rather than the Run panel's: starts that climb
#: one hill must end at one place for the atlas to see one optimum. The window's
#: default (1e-3 per point) and even the command line's (1e-6) stop slow climbs
#: along a ridge far apart: on Old Faithful with K = 3, starts stopped at 1e-6
#: look like eight optima where running on shows four; at 1e-8 they are four.
ATLAS_TOL = 1e-8
ATLAS_MAX_ITER = 5000


@dataclass(frozen=True)
class AtlasStart:
    """One finished start as the panel draws it.

    Attributes
    ----------
    index : int
        Position in the atlas's recipes (the order they ran in).
    seed : int or None
        The start's seed (None for an explicit start).
    log_likelihood : float
        Final log-likelihood (may be inf or NaN for a collapse).
    iterations : int
        Iterations run.
    collapsed : bool
        The start collapsed or the engine refused it.
    group : int
        Index into :attr:`Atlas.groups`.
    """

    index: int
    seed: int | None
    log_likelihood: float
    iterations: int
    collapsed: bool
    group: int


class _SameData:
    """Equal only to another made on the very same data array while it lives (an id
    alone could be reused by new data once the old array is freed)."""

    __hash__ = None

    def __init__(self, X):
        self._ref = None if X is None else weakref.ref(X)

    def target(self):
        return None if self._ref is None else self._ref()

    def __eq__(self, other):
        if not isinstance(other, _SameData):
            return NotImplemented
        mine = self.target()
        return mine is not None and mine is other.target()


def _settings_key(model, X, standardize: bool = False):
    """What the atlas depends on: the model settings but the seed (the master seed
    picks the starts, it does not change the landscape), the data and their units."""
    return replace(model, random_state=None), _SameData(X), bool(standardize)


class Atlas(QObject):
    """Starts of the workspace's current model, run in the background and grouped.

    Parameters
    ----------
    workspace : Workspace

    Signals
    -------
    changed()
        Starts arrived, groups changed, or the atlas was cleared.
    runningChanged(bool)
    progressChanged(float)
        Fraction of the starts finished.
    staleChanged(bool)
        The data or settings changed since the atlas ran (True), or a new run began.
    """

    changed = Signal()
    runningChanged = Signal(bool)
    progressChanged = Signal(float)
    staleChanged = Signal(bool)

    def __init__(self, workspace, parent=None):
        super().__init__(parent or workspace)
        self.workspace = workspace
        self.results: list[FitResult] = []
        self.groups: list = []
        self.starts: list[AtlasStart] = []
        self.n_recipes = 0
        self.stale = False
        self.running = False
        #: Position (in :attr:`starts`) of the start last opened in the main window, or None.
        self.opened: int | None = None
        self.model = None  # the model settings the atlas ran for
        #: The drawn points (M, D) and shown axes when the atlas ran: its thumbnails
        #: keep showing the data it answers for once other data are loaded.
        self.points = None
        self.axes = (0, 1)
        self._key = None
        self._own = OwnStarts()  # an opened start's seed and kind are the atlas's own
        self._scale = None
        self._ll_atol = None
        # starts arrive faster than they are worth regrouping one by one: regroup
        # at most every 100 ms while they come, and once at the end
        self._regroup_timer = QTimer(self)
        self._regroup_timer.setSingleShot(True)
        self._regroup_timer.setInterval(100)
        self._regroup_timer.timeout.connect(self._regroup)
        workspace.dataChanged.connect(self._check_stale)
        workspace.settingsChanged.connect(self._check_stale)

    # ------------------------------------------------------------ running
    def run(self, n_starts: int = DEFAULT_STARTS, seed: int | None = None) -> None:
        """Run ``n_starts`` starts of the current model in the background.

        Seeds come from :func:`~gmm_explorer.engine.fits.start_seeds` with the
        model's start seed as master seed (``seed`` overrides it), so the same
        settings give the same atlas. A run in progress is cancelled first.

        Raises
        ------
        ValueError
            No data, or fewer than one start.
        """
        ws = self.workspace
        if ws.X is None:
            raise ValueError("load or generate data first: the atlas runs starts on them")
        if int(n_starts) < 1:
            raise ValueError(f"the atlas needs at least one start; got {n_starts}")
        self.cancel()
        model = self._own.model(ws.model)
        master, seeds = start_seeds(self._own.master_seed(model) if seed is None else seed,
                                    int(n_starts))
        self._own.ran(model, master)
        recipes = model_recipes(model, seeds, ATLAS_TOL, ATLAS_MAX_ITER)
        X = ws.X
        X_fit, std = ws.fit_data(model.covariance_type)  # the states come in X's units
        self.model = model
        self.points, self.axes = X[ws.display_indices], tuple(ws.axes)
        self._key = _settings_key(model, X, ws.standardize)
        self._scale = data_spread(X)
        self._ll_atol = likelihood_tolerance(ATLAS_TOL, len(X))
        self.results, self.groups, self.starts = [], [], []
        self.opened = None
        self.n_recipes = len(recipes)
        total = max(1, len(recipes))

        def job(cancelled, progress, report):
            done = []

            def finished(result):
                done.append(result.index)
                # the GUI keeps the state, not K x N floats
                report(replace(result_in_user_units(result, std, len(X)), engine=None))
                progress(len(done) / total)

            return run_recipes(recipes, X_fit, progress=finished, cancel=cancelled,
                               keep_engines=False, n_jobs=WINDOW_JOBS)

        self._set_stale(False)
        self.running = True
        self.runningChanged.emit(True)
        self.progressChanged.emit(0.0)
        self.changed.emit()
        ws.runner.start_job(job, self._on_done, name=JOB_NAME, on_report=self._on_report)

    def cancel(self) -> None:
        """Stop the run (the finished starts stay); no thread is left."""
        self.workspace.runner.cancel_job(JOB_NAME)
        if self._regroup_timer.isActive():
            self._regroup_timer.stop()
            self._regroup()
        if self.running:
            self.running = False
            self.runningChanged.emit(False)

    def wait(self, timeout_ms: int = 600000) -> None:
        """Block until the run has ended, the GUI answering meanwhile (scripts, tests)."""
        self.workspace.runner.wait_job(timeout_ms, name=JOB_NAME)

    def _on_report(self, result: FitResult) -> None:
        self.results.append(result)
        if not self._regroup_timer.isActive():
            self._regroup_timer.start()
        self.progressChanged.emit(len(self.results) / max(1, self.n_recipes))

    def _on_done(self, _results, error) -> None:
        self._regroup_timer.stop()
        self._regroup()
        self.running = False
        self.runningChanged.emit(False)
        if error is not None:
            self.workspace.message.emit(f"The atlas of starts stopped: {error}")
            return
        best = self.groups[0] if self.groups and not self.groups[0].collapsed else None
        if best is not None:
            self.workspace.message.emit(
                f"Atlas: {len(self.results)} starts reached {self.n_optima} optima; the best "
                f"(log-likelihood {best.best_log_likelihood:,.3f}) by {best.count}.")

    def _regroup(self) -> None:
        self.groups = group_results(self.results, self._scale, ll_atol=self._ll_atol)
        group_of = {i: g for g, group in enumerate(self.groups) for i in group.members}
        self.starts = [
            AtlasStart(r.index, r.recipe.seed,
                       float("nan") if r.state is None else float(r.state.log_likelihood),
                       0 if r.state is None else int(r.state.iteration),
                       r.collapsed or r.error is not None, group_of[i])
            for i, r in enumerate(self.results)]
        self.changed.emit()

    @property
    def n_optima(self) -> int:
        """How many distinct sound optima the finished starts reached."""
        return sum(not g.collapsed for g in self.groups)

    # ------------------------------------------------------------- stale
    def _check_stale(self) -> None:
        if self._key is None:
            return
        ws = self.workspace
        stale = _settings_key(self._own.model(ws.model), ws.X, ws.standardize) != self._key
        if stale and self.running:
            self.cancel()  # its results would answer a question no longer asked
        self._set_stale(stale)

    def _set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.staleChanged.emit(stale)

    # ---------------------------------------------------------- opening
    def open_start(self, position: int) -> None:
        """Make the start at ``position`` (in :attr:`starts`) the current run, at iteration 0.

        Its recipe is replayed exactly in the workspace (its seed and the
        atlas's stop rules become the window's), so stepping it gives the very
        states the atlas saw.

        Raises
        ------
        ValueError
            The atlas is stale (other data), or EM cannot start so.
        """
        if self.stale and self._key[1].target() is not self.workspace.X:
            raise ValueError("the atlas was made on other data; run it again on these")
        result = self.results[position]
        self._own.chose(result.recipe)
        # in the units the atlas ran in (its key's last entry), as its settings
        self.workspace.open_recipe(result.recipe, f"start {position + 1} of the atlas",
                                   standardize=self._key[2])
        self.opened = position
        self.changed.emit()

    def open_group(self, group: int) -> None:
        """Make the best start of ``group`` the current run (see :meth:`open_start`)."""
        self.open_start(self.groups[group].representative)

    def state_of(self, position: int):
        """The final state of the start at ``position`` (None if the engine refused it)."""
        return self.results[position].state

