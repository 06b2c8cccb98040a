"""The choices a person makes in the window, as plain data.

:class:`ModelSettings` (the engine's model settings, with the window's
defaults) lives with the vocabulary in :mod:`gmm_explorer.engine.options`;
:class:`RunSettings` say how Run proceeds. Both are frozen: the workspace
replaces them with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass

# the vocabulary, for the panels and the shell, which import nothing from the engine
from gmm_explorer.engine.options import (
    COLLAPSE_POLICIES,
    COVARIANCE_TYPES,
    INIT_METHODS,
    PRIORS,
    ModelSettings,
    check_run_settings,
)

__all__ = ["COLLAPSE_POLICIES", "COVARIANCE_TYPES", "INIT_METHODS", "PRIORS", "ModelSettings",
           "RunSettings"]


@dataclass(frozen=True)
class RunSettings:
    """How Run proceeds: stop rules and the pause between iterations."""

    max_iter: int = 200
    tol: float = 1e-3  # the engine's: change in objective per data point
    # seconds between iterations while running: four a second, slow enough for the eye to
    # follow the means and ellipses, fast enough that thirty iterations take a few seconds
    delay: float = 0.25

    def __post_init__(self):
        # the engine's checks: a session file's "abc" or an infinite delay never reaches Run
        max_iter, tol, delay = check_run_settings(self.max_iter, self.tol, self.delay)
        object.__setattr__(self, "max_iter", max_iter)
        object.__setattr__(self, "tol", tol)
        object.__setattr__(self, "delay", delay)
