"""Drawing an engine's start: its ``init`` and seed on its data.

:class:`StartDrawing` is a mixin of :class:`~gmm_explorer.engine.em.GaussianMixtureEM`
(kept apart so that the EM loop reads as one): the start ``initialize`` uses,
and the same start drawn on data another engine has already checked and
summarised (many fits of one data set, :mod:`~gmm_explorer.engine.batched`).
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine import starts
from gmm_explorer.engine.covariance import from_full
from gmm_explorer.engine.random_state import check_random_state
from gmm_explorer.engine.validation import check_n_components


class StartDrawing:
    """The engine's start, from its settings (``init``, ``random_state``) and data."""

    def _start_on(self, prepared):
        """This engine's start (its ``init`` and seed) on the data ``prepared`` was
        initialised with: (weights, means, native covariances), not evaluated.

        For many fits of one data set (:mod:`~gmm_explorer.engine.batched`): the
        data are checked and summarised once, and each fit draws only its start.
        The engine is left with the data and the generator set but no history:
        it is a source of starts, not a fit to step.

        Raises
        ------
        ValueError
            With a prior (its start would need the prior's setup; the batch
            carries no prior), or K above N.
        """
        if self.prior is not None:
            raise ValueError("a start drawn on shared data takes no prior; use initialize()")
        K = check_n_components(self.n_components, prepared._X.shape[0])
        for name in ("_X", "_center", "_data_covariance", "_data_log_det", "_data_scale",
                     "_extent"):
            setattr(self, name, getattr(prepared, name))
        self._rng = check_random_state(self.random_state)
        return self._start(self._X, K)

    def _start(self, X, K):
        """Initial (weights, means, native covariances) from ``init``."""
        D = X.shape[1]
        if self.init in ("random_integers", "random_from_data"):
            if self.init == "random_integers":
                means = starts.random_integer_means(X, K, self._rng)
                scale = 5.0 if self.init_covariance_scale is None else self.init_covariance_scale
                full = np.broadcast_to(scale * np.eye(D), (K, D, D))
            else:
                means = starts.random_data_means(X, K, self._rng)
                full = np.broadcast_to(self._data_covariance, (K, D, D))
                if self.init_covariance_scale is not None:
                    full = np.broadcast_to(self.init_covariance_scale * np.eye(D), (K, D, D))
            weights = np.full(K, 1.0 / K)
            return weights, means, from_full(full, self.covariance_type)
        resp = starts.initial_responsibilities(X, K, self.init, self._rng)
        return self._m_step(resp)[:3]
