"""The model-selection grid's work, Qt-free: its cells and the job that fills them.

:func:`run_grid` runs every start of every cell in one call of
:func:`~gmm_explorer.engine.fits.run_recipes` (the runner's job thread calls
it), which batches them and scores each fit; it keeps each cell's best start
and reports each :class:`Cell` as soon as its last start has finished. :func:`replay` makes a
cell's fit again from its recipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gmm_explorer.app.model.fit import WINDOW_JOBS, Fit
from gmm_explorer.app.model.units import result_in_user_units
from gmm_explorer.engine.fits import FitRecipe, run_recipes

#: The criteria the grid ranks by, scikit-learn's sign: lower is better.
CRITERIA = ("bic", "icl", "aic")

#: How the window names them.
CRITERION_NAMES = {"bic": "BIC", "icl": "ICL", "aic": "AIC"}


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
    degenerate : tuple of int
        The best start's components that ended degenerate (fewer than D + 1
        effective points, or a vanishing volume): a sound fit on paper whose
        criteria reward a component for sitting on a few points.
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
    degenerate: tuple = ()

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
        if self.degenerate:
            lines.append(f"Degenerate: component {', '.join(map(str, self.degenerate))} of the "
                         f"best start sits on fewer than D + 1 effective points or has next "
                         f"to no volume; its criteria are not to be trusted, so it is not "
                         f"starred.")
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


def _criteria(result) -> dict:
    """BIC, ICL and AIC of a finished fit (``run_recipes`` scores each fit as it ends:
    a batched fit has no engine to ask afterwards)."""
    return {name: float(result.criteria[name]) for name in CRITERIA}


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
            state = result.state
            degenerate = tuple(int(i) for i, status in zip(state.component_ids,
                                                           state.component_status)
                               if status == "degenerate")
            self.best = (*rank, result.recipe, float(state.log_likelihood),
                         _criteria(result), degenerate)

    @property
    def done(self) -> bool:
        return self.seen == self.n_starts

    def cell(self) -> Cell:
        K, ctype = self.key
        reasons = tuple(self.reasons[:4]) + (("…",) if len(self.reasons) > 4 else ())
        if self.best is None:
            return Cell(K, ctype, self.n_starts, n_collapsed=self.n_collapsed,
                        n_failed=self.n_failed, reasons=reasons)
        _, _, recipe, ll, scores, degenerate = self.best
        return Cell(K, ctype, self.n_starts, recipe, ll, scores, self.n_collapsed,
                    self.n_failed, reasons, degenerate)


def run_grid(plan: list, data: dict, cancelled, progress, report) -> int:
    """The grid's job: run every start of every cell; ``report(cell)`` as each completes.

    Parameters
    ----------
    plan : list of ((K, covariance type), list of FitRecipe)
    data : dict
        For each covariance type of the plan, ``(X_fit, standardizer)``: the data
        its fits run on, shape (N, D), and the standardiser back to the data's
        units or None (:meth:`Workspace.fit_data`). Scores come in the data's units.
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

    # fits on the same data run together (spherical fits standardise with one shared scale)
    groups: dict[int, list] = {}
    for index, recipe in enumerate(recipes):
        groups.setdefault(id(data[recipe.settings.covariance_type][0]), []).append(index)
    for indices in groups.values():
        X_fit, std = data[recipes[indices[0]].settings.covariance_type]

        def on_fit(result, indices=indices, std=std, n=len(X_fit)) -> None:
            result = result_in_user_units(replace(result, index=indices[result.index]),
                                          std, n)
            builder = owner[result.index]
            builder.add(result)
            finished[0] += 1
            progress(finished[0] / total)
            if builder.done:
                report(builder.cell())

        run_recipes([recipes[i] for i in indices], X_fit, progress=on_fit, cancel=cancelled,
                    keep_engines=False, n_jobs=WINDOW_JOBS)
        if cancelled():
            break
    return sum(b.done for b in builders)


def replay(recipe: FitRecipe, X: np.ndarray, factory, cancelled) -> Fit | None:
    """A cell's fit again, from its recipe, exactly as :meth:`FitRecipe.run` makes it."""
    fit = Fit.begin(X, recipe, factory)
    fit.engine.run(max_iter=recipe.max_iter, callback=lambda state: cancelled())
    return None if cancelled() else fit
