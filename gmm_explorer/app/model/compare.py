"""Compare mode, model side: the same start under two settings.

:func:`begin_sides` begins one :class:`~gmm_explorer.app.model.fit.Fit` per side
on the GUI thread (cheap, and a side that cannot start says so at once);
:func:`run_sides` steps them, in the runner's job thread, into a
:class:`Comparison` that the compare view only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from gmm_explorer.app.model.fit import Fit, make_recipe
from gmm_explorer.app.model.settings import ModelSettings
from gmm_explorer.engine.state import EMState


@dataclass
class Side:
    """One side of a comparison: its label (a remedy's name), its fit and its BIC."""

    label: str
    fit: Fit
    bic: float

    @property
    def model(self) -> ModelSettings:
        """The side's model settings."""
        return self.fit.recipe.settings

    @property
    def history(self) -> list:
        """The side's states, oldest first."""
        return self.fit.history

    def outcome(self) -> dict:
        """Final log-likelihood, smallest eigenvalue, degenerate/singular components, BIC."""
        last = self.history[-1]
        named = list(zip(last.component_ids.tolist(), last.component_status))
        return {
            "iterations": last.iteration,
            "final log-likelihood": last.log_likelihood,
            "smallest eigenvalue": float(np.min(last.eigenvalues)),
            "degenerate": [k for k, s in named if s == "degenerate"],
            "singular": [k for k, s in named if s == "singular"],
            "K": last.n_components,
            "BIC": self.bic,
        }

    def incomparable(self) -> dict:
        """Outcome rows whose numbers cannot be set beside the other side's, and why.

        A log-likelihood computed with allow_singular densities (a pseudo value)
        or an infinite one says nothing that a finite, true log-likelihood can be
        compared with; the BIC made from it inherits that.

        Returns
        -------
        dict
            Row name (``"final log-likelihood"``, ``"BIC"``) -> the reason, in a sentence;
            empty when both are comparable.
        """
        last = self.history[-1]
        if not np.isfinite(last.log_likelihood):
            why = ("The log-likelihood is infinite: a singular component sits on data points "
                   "(its density there is unbounded).")
        elif last.pseudo_log_likelihood is not None:
            why = ("EM followed a pseudo log-likelihood here (allow_singular: singular "
                   "components evaluated on their support only), which is not comparable.")
        else:
            return {}
        return {"final log-likelihood": why, "BIC": f"{why} The BIC made from it inherits that."}


@dataclass
class Comparison:
    """Two sides that ran from one start, and the points and columns shown when they ran.

    Attributes
    ----------
    sides : list of Side
    axes : tuple of int
        The two data columns shown. They are the comparison's own: the
        workspace's may change (other data) while it is still on show.
    points : ndarray of shape (M, 2)
        The drawn points on those columns.
    """

    sides: list
    axes: tuple
    points: np.ndarray

    @property
    def length(self) -> int:
        """Timeline length: the longer history."""
        return max(len(side.history) for side in self.sides)

    def state_at(self, side: int, index: int) -> EMState:
        """The state side ``side`` shows at timeline position ``index`` (its last if shorter),
        full: replayed by the side's engine when its history thinned it."""
        fit = self.sides[side].fit
        return fit.state_at(min(index, len(fit.history) - 1))


def begin_sides(workspace, sides: list, start: dict | None) -> list:
    """One begun fit per ``(title, model settings)`` on the workspace's data and ``start``.

    Raises
    ------
    ValueError
        A side cannot start; the message names the side (its title) and says why.
    """
    fits = []
    for title, model in sides:
        try:
            fits.append(Fit.begin(workspace.X, make_recipe(model, workspace.run_settings, start),
                                  workspace.fit_factory))
        except ValueError as exc:
            raise ValueError(f"{title} cannot run from this start: {exc}") from None
    return fits


def run_sides(fits: list, labels: tuple, max_iter: int, axes: tuple, points: np.ndarray,
              cancelled: Callable[[], bool],
              progress: Callable[[float], None] = lambda f: None) -> Comparison | None:
    """Step each fit until it converges, halts or reaches ``max_iter``; None if cancelled.

    ``progress(f)`` hears the fraction of the most iterations done after each one.
    """
    sides = []
    total = max(1, int(max_iter) * len(fits))
    for j, (label, fit) in enumerate(zip(labels, fits)):
        engine = fit.engine
        for i in range(int(max_iter)):
            if engine.halted or cancelled():
                break
            converged = engine.step().converged
            progress((j * int(max_iter) + i + 1) / total)
            if converged:
                break
        if cancelled():
            return None
        with np.errstate(all="ignore"):
            bic = float(-2.0 * fit.history[-1].log_likelihood
                        + engine.n_parameters() * np.log(len(engine.X)))
        sides.append(Side(label, fit, bic))
    return Comparison(sides, tuple(axes), points)
