"""The choices a person makes in the window, as plain data.

:class:`ModelSettings` are the engine's constructor arguments;
:class:`RunSettings` say how Run proceeds. Both are frozen: the workspace
replaces them with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
INIT_METHODS = ("k-means++", "kmeans", "random", "random_from_data", "random_integers")
COLLAPSE_POLICIES = ("stop", "reinitialize", "remove", "continue")
PRIORS = (None, "conjugate")


@dataclass(frozen=True)
class ModelSettings:
    """Arguments of :class:`gmm_explorer.engine.GaussianMixtureEM`.

    ``random_state`` seeds the start (``init``); the same settings give the
    same start.
    """

    n_components: int = 10
    covariance_type: str = "full"
    init: str = "k-means++"
    reg_covar: float = 1e-6
    prior: str | None = None
    on_collapse: str = "stop"
    max_condition: float = 1e12
    random_state: int = 0

    def __post_init__(self):
        if int(self.n_components) < 1:
            raise ValueError(f"n_components must be at least 1, got {self.n_components}")
        if self.covariance_type not in COVARIANCE_TYPES:
            raise ValueError(f"covariance_type must be one of {COVARIANCE_TYPES}, "
                             f"got {self.covariance_type!r}")
        if self.init not in INIT_METHODS:
            raise ValueError(f"init must be one of {INIT_METHODS}, got {self.init!r}")
        if self.prior not in PRIORS:
            raise ValueError(f"prior must be None or 'conjugate', got {self.prior!r}")
        if self.on_collapse not in COLLAPSE_POLICIES:
            raise ValueError(f"on_collapse must be one of {COLLAPSE_POLICIES}, "
                             f"got {self.on_collapse!r}")
        if not self.reg_covar >= 0:
            raise ValueError(f"reg_covar must be >= 0, got {self.reg_covar}")
        if not self.max_condition > 1:
            raise ValueError(f"max_condition must be > 1, got {self.max_condition}")

    def engine_kwargs(self) -> dict:
        """Keyword arguments for the engine's constructor."""
        return asdict(self)


@dataclass(frozen=True)
class RunSettings:
    """How Run proceeds: stop rules and the pause between iterations."""

    max_iter: int = 200
    tol: float = 1e-3  # the engine's: change in objective per data point
    delay: float = 0.05  # seconds between iterations while running
