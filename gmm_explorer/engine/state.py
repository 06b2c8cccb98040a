"""Immutable snapshots of EM: one :class:`EMState` per iteration.

The engine produces them, the window and the command line only read them.
Arrays inside a state are read-only, so a snapshot can be shared between
threads and kept in a history without defensive copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gmm_explorer.words import effective_points

STATUS_OK = "ok"
STATUS_DEGENERATE = "degenerate"
STATUS_SINGULAR = "singular"


def _frozen(array, dtype=float):
    out = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def shared_ids(array) -> np.ndarray:
    """Component identities as a read-only int64 array, which states may share."""
    array = np.asarray(array, dtype=np.int64)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class CollapseRecord:
    """What collapsed, when, and what the engine did about it.

    Attributes
    ----------
    components : tuple of int
        Indices (in the state *before* any removal) of the components whose
        covariance became singular.
    iteration : int
        The iteration whose M-step produced the singular covariance(s).
    reason : str
        ``"not positive definite"`` or ``"condition number above max_condition"``.
    effective_counts : tuple of float
        Sum of responsibilities of each collapsed component.
    smallest_eigenvalues : tuple of float
        Smallest eigenvalue of each collapsed covariance.
    condition_numbers : tuple of float
        2-norm condition number of each (``inf`` when not positive definite).
    action : str
        ``"stopped"``, ``"reinitialized"``, ``"removed"`` or ``"continued"``:
        the collapse policy that was applied.
    component_ids : tuple of int
        The identities (``EMState.component_ids``) of the collapsed components;
        empty in records made before identities existed, which then name them
        by index.
    """

    components: tuple
    iteration: int
    reason: str
    effective_counts: tuple
    smallest_eigenvalues: tuple
    condition_numbers: tuple
    action: str
    component_ids: tuple = ()

    @property
    def names(self) -> tuple:
        """How the collapsed components are called: their identities, else their indices."""
        return self.component_ids or self.components

    @property
    def component(self) -> int:
        """The first collapsed component (most collapses involve one)."""
        return self.components[0]

    def describe(self) -> str:
        """One sentence in plain words, for logs and the status bar."""
        parts = []
        for k, n, lam, cond in zip(
            self.names, self.effective_counts, self.smallest_eigenvalues,
            self.condition_numbers,
        ):
            parts.append(
                f"component {k} ({effective_points(f'{n:.3g}')}, smallest eigenvalue "
                f"{lam:.3g}, condition number {cond:.3g})"
            )
        return (
            f"Iteration {self.iteration}: covariance of " + "; ".join(parts)
            + f" is singular ({self.reason}); action: {self.action}."
        )


@dataclass(frozen=True)
class EMState:
    """A frozen snapshot of one EM iteration.

    Attributes
    ----------
    iteration : int
        0 for the initial parameters, then 1, 2, ...
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray of shape (K, D, D)
        Always full matrices, whatever the covariance type.
    log_likelihood : float
        Total log-likelihood of the data (sum over points, nats) under exactly
        these parameters. ``inf`` where a singular component sits on data
        points; never NaN.
    objective : float
        ``log_likelihood`` plus the log prior density (equal to it without a
        prior). EM never lets it decrease, except across a re-seed or removal.
    condition_numbers : ndarray of shape (K,)
        2-norm condition number of each covariance; ``inf`` where singular.
    effective_counts : ndarray of shape (K,)
        Sum of each component's responsibilities under these parameters.
    component_status : tuple of str, length K
        Each ``"ok"``, ``"degenerate"`` or ``"singular"``.
    collapse : CollapseRecord or None
        Set on the state whose M-step produced a singular covariance.
    converged : bool
        scikit-learn's stopping rule: the ``objective`` per data point of the
        two states before this one changed by less than ``tol``, so this
        state's M-step was EM's last (scikit-learn's ``converged_``; EM
        stops here). Never set on a state a policy re-seeded or halted.
    eigenvalues : ndarray of shape (K, D)
        Eigenvalues of each covariance, ascending.
    covariance_type : str
    pseudo_log_likelihood : float or None
        Under the ``continue`` policy with a singular component: the total
        log-likelihood as scipy's ``multivariate_normal(allow_singular=True)``
        would report it (densities on the support only). Not comparable with
        ``log_likelihood`` of a non-singular state. None otherwise.
    events : tuple of str
        Plain-words notes on what happened in this iteration besides EM
        (a re-seed, a removal), for logs and the window.
    component_ids : ndarray of int of shape (K,)
        Each component's identity for its whole life: 0..K-1 at the start,
        kept when ``on_collapse="remove"`` drops others, so component 7 is
        still 7 (and keeps its colour in the window) after component 3 goes.
    """

    iteration: int
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: float
    objective: float
    condition_numbers: np.ndarray
    effective_counts: np.ndarray
    component_status: tuple
    collapse: CollapseRecord | None = None
    converged: bool = False
    eigenvalues: np.ndarray = field(default=None)
    covariance_type: str = "full"
    pseudo_log_likelihood: float | None = None
    events: tuple = ()
    component_ids: np.ndarray = field(default=None)

    #: Full states hold their parameters; see :class:`~gmm_explorer.engine.thinning.ThinnedState`.
    thinned = False

    def __post_init__(self):
        for name in ("weights", "means", "covariances", "condition_numbers",
                     "effective_counts"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.eigenvalues is None:
            eig = np.linalg.eigvalsh(self.covariances)
        else:
            eig = self.eigenvalues
        object.__setattr__(self, "eigenvalues", _frozen(eig))
        object.__setattr__(self, "component_status", tuple(self.component_status))
        object.__setattr__(self, "events", tuple(self.events))
        ids = np.arange(self.weights.shape[0]) if self.component_ids is None \
            else self.component_ids
        if not (isinstance(ids, np.ndarray) and ids.dtype == np.int64
                and not ids.flags.writeable):
            ids = _frozen(ids, dtype=np.int64)
        # a read-only identity array is shared by the states that have it: a history of
        # thousands of states would otherwise hold thousands of copies
        object.__setattr__(self, "component_ids", ids)
        if self.component_ids.shape != self.weights.shape:
            raise ValueError(f"component_ids must have one identity per component "
                             f"({self.weights.shape[0]}), got shape {self.component_ids.shape}")

    @property
    def n_components(self) -> int:
        """K, the number of components in this state."""
        return self.weights.shape[0]

    @property
    def n_features(self) -> int:
        """D, the dimension of the data."""
        return self.means.shape[1]

    @property
    def is_collapsed(self) -> bool:
        """True when any component is singular."""
        return STATUS_SINGULAR in self.component_status
