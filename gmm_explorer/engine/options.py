"""The vocabulary of the program, defined once, and the settings record everyone shares.

The engine, the window, the command line and the model files all take their
choices from the tuples below. The window and the command line (through
:class:`~gmm_explorer.engine.fits.FitRecipe`) hold their settings as a
:class:`ModelSettings`, validated by the very code that checks
:class:`~gmm_explorer.engine.GaussianMixtureEM`'s arguments
(:func:`check_model_settings`), so a choice the engine refuses is refused
everywhere, with the same message.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass

from gmm_explorer.engine.validation import (
    check_choice, check_integer, check_n_components, check_positive,
)

#: scikit-learn's covariance types: one full matrix per component, one full
#: matrix shared by all, one diagonal per component, one variance per component.
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
#: How a start is chosen (see :mod:`gmm_explorer.engine.starts`); "hierarchical"
#: is mclust's deterministic start (Ward's clustering of the whitened data).
INIT_METHODS = ("k-means++", "kmeans", "random", "random_from_data", "random_integers",
                "hierarchical")
#: What EM does after an M-step leaves a covariance singular.
COLLAPSE_POLICIES = ("stop", "reinitialize", "remove", "continue")
#: None: maximum likelihood; "conjugate": MAP with mclust's default prior.
PRIORS = (None, "conjugate")

#: Seeds a :class:`numpy.random.RandomState` accepts.
_SEED_LIMIT = 2**32


def check_model_settings(n_components, covariance_type, reg_covar, prior, on_collapse, init,
                         max_condition) -> tuple[int, float, float]:
    """Validate the model's settings; raise the engine's ValueError on the first bad one.

    Parameters
    ----------
    n_components : int
    covariance_type : str
        One of :data:`COVARIANCE_TYPES`.
    reg_covar : float
        Finite, >= 0.
    prior : None or str
        One of :data:`PRIORS`.
    on_collapse : str
        One of :data:`COLLAPSE_POLICIES`.
    init : str
        One of :data:`INIT_METHODS`.
    max_condition : float
        Finite, >= 1.

    Returns
    -------
    n_components : int
    reg_covar, max_condition : float
        Normalised.
    """
    n = check_n_components(n_components)
    check_choice("covariance_type", covariance_type, COVARIANCE_TYPES)
    check_choice("prior", prior, PRIORS)
    check_choice("on_collapse", on_collapse, COLLAPSE_POLICIES)
    check_choice("init", init, INIT_METHODS)
    reg = check_positive("reg_covar", reg_covar, allow_zero=True)
    cond = check_positive("max_condition", max_condition)
    if cond < 1:
        raise ValueError(f"max_condition={max_condition!r} must be >= 1 (a condition number "
                         f"is never below 1).")
    return n, reg, cond


def check_settings(n_components, covariance_type, reg_covar, prior, on_collapse, init,
                   max_condition, tol, init_covariance_scale):
    """Validate every argument of the engine's constructor but ``random_state``.

    :func:`check_model_settings`, then the engine's own ``tol`` and
    ``init_covariance_scale``.

    Returns
    -------
    reg_covar, max_condition, tol : float
    init_covariance_scale : float or None
    """
    _, reg, cond = check_model_settings(n_components, covariance_type, reg_covar, prior,
                                        on_collapse, init, max_condition)
    tolerance = check_positive("tol", tol, allow_zero=True)
    scale = None if init_covariance_scale is None else check_positive(
        "init_covariance_scale", init_covariance_scale)
    return reg, cond, tolerance, scale


def check_run_settings(max_iter, tol, delay) -> tuple[int, float, float]:
    """Validate how a run proceeds (the window's ``RunSettings``, a session file's run).

    Parameters
    ----------
    max_iter : int
        Most iterations, >= 1 (not a bool, a float or text).
    tol : float
        The engine's stopping rule, finite and >= 0.
    delay : float
        Seconds between iterations, finite and >= 0.

    Returns
    -------
    max_iter : int
    tol, delay : float

    Raises
    ------
    TypeError
        ``max_iter`` is not a whole number.
    ValueError
        Any of them out of range, naming it.
    """
    return (check_integer("max_iter", max_iter, minimum=1),
            check_positive("tol", tol, allow_zero=True),
            check_positive("delay", delay, allow_zero=True))


def check_seed(random_state) -> int | None:
    """None, or a whole number a ``RandomState`` accepts (0 to 2**32 - 1), as an int."""
    if random_state is None:
        return None
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral) \
            or not 0 <= random_state < _SEED_LIMIT:
        raise ValueError(f"random_state={random_state!r} must be None or a whole number from "
                         f"0 to 2**32 - 1 (a seed).")
    return int(random_state)


@dataclass(frozen=True)
class ModelSettings:
    """The engine's model settings, as one frozen, validated record.

    The arguments of :class:`gmm_explorer.engine.GaussianMixtureEM` but
    ``tol`` (how long to run, not what to fit) and ``init_covariance_scale``.
    Invalid values raise the engine's own ValueError (see
    :func:`check_model_settings`); numbers are normalised (``n_components``
    to int, ``reg_covar`` and ``max_condition`` to float), so equal settings
    compare and hash equal. Replace fields with :func:`dataclasses.replace`.

    The defaults are the window's: ten components from a k-means++ start with
    seed 0, the ridge scikit-learn uses; the engine's constructor keeps its
    own defaults (one component, ``random_state=None``).

    Attributes
    ----------
    n_components : int
    covariance_type : str
        One of :data:`COVARIANCE_TYPES`.
    init : str
        One of :data:`INIT_METHODS`.
    reg_covar : float
    prior : None or str
        One of :data:`PRIORS`.
    on_collapse : str
        One of :data:`COLLAPSE_POLICIES`.
    max_condition : float
    random_state : int or None
        Seeds the start (``init``): the same settings give the same start.
        None draws from numpy's global generator (not reproducible).
    """

    n_components: int = 10
    covariance_type: str = "full"
    init: str = "k-means++"
    reg_covar: float = 1e-6
    prior: str | None = None
    on_collapse: str = "stop"
    max_condition: float = 1e12
    random_state: int | None = 0

    def __post_init__(self):
        n, reg, cond = check_model_settings(
            self.n_components, self.covariance_type, self.reg_covar, self.prior,
            self.on_collapse, self.init, self.max_condition)
        object.__setattr__(self, "n_components", n)
        object.__setattr__(self, "reg_covar", reg)
        object.__setattr__(self, "max_condition", cond)
        object.__setattr__(self, "random_state", check_seed(self.random_state))

    def engine_kwargs(self) -> dict:
        """Keyword arguments for the engine's constructor."""
        return asdict(self)
