"""The headless EM engine: numpy and scipy only, never Qt. EM only: data to fit live in
``gmm_explorer.datasets`` and ``gmm_explorer.data``.

Public contract (see DESIGN.md)::

    from gmm_explorer.engine import GaussianMixtureEM, EMState
    em = GaussianMixtureEM(n_components=3)
    state = em.initialize(X)
    state = em.step()
    state = em.run(max_iter=100, tol=1e-3)
    em.history
"""

from gmm_explorer.engine.em import GaussianMixtureEM
from gmm_explorer.engine.errors import SingularCovarianceError
from gmm_explorer.engine.state import CollapseRecord, EMState

__all__ = ["CollapseRecord", "EMState", "GaussianMixtureEM", "SingularCovarianceError"]
