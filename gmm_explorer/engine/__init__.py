"""The headless EM engine: numpy and scipy only, never Qt. EM only: data to fit live in
``gmm_explorer.datasets`` and ``gmm_explorer.data``.

Public contract (see DESIGN.md)::

    from gmm_explorer.engine import GaussianMixtureEM, EMState
    em = GaussianMixtureEM(n_components=3)
    state = em.initialize(X)
    state = em.step()
    state = em.run(max_iter=100, tol=1e-3)
    em.history

:class:`ModelSettings` (with the vocabulary, in :mod:`~gmm_explorer.engine.options`) is the
one settings record; :class:`FitRecipe` and :func:`run_recipes`
(:mod:`~gmm_explorer.engine.fits`) replay and run many fits headless.
"""

from gmm_explorer.engine.em import GaussianMixtureEM
from gmm_explorer.engine.errors import SingularCovarianceError
from gmm_explorer.engine.fits import FitRecipe, FitResult, run_recipe, run_recipes
from gmm_explorer.engine.options import ModelSettings
from gmm_explorer.engine.state import CollapseRecord, EMState

__all__ = [
    "CollapseRecord", "EMState", "FitRecipe", "FitResult", "GaussianMixtureEM", "ModelSettings",
    "SingularCovarianceError", "run_recipe", "run_recipes",
]
