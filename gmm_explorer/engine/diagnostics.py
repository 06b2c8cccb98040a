"""Per-component health: eigenvalues, condition numbers and status."""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine.covariance import cholesky_or_none
from gmm_explorer.engine.state import STATUS_DEGENERATE, STATUS_OK, STATUS_SINGULAR

# A component whose geometric-mean standard deviation is below this fraction
# of the data's has a volume negligible next to the data's: "degenerate".
DEGENERATE_SCALE_RATIO = 1e-3

REASON_NOT_PD = "not positive definite"
REASON_CONDITION = "condition number above max_condition"


def spectrum(full):
    """Eigenvalues (ascending, shape (K, D)) and 2-norm condition numbers (K,).

    A covariance that is not positive definite in float64 (its Cholesky
    factorisation fails) has condition number ``inf``.
    """
    eigenvalues = np.linalg.eigvalsh(full)
    positive = np.array([cholesky_or_none(m) is not None for m in full])
    with np.errstate(divide="ignore", invalid="ignore"):
        condition = eigenvalues[:, -1] / eigenvalues[:, 0]
    condition = np.where(positive & (eigenvalues[:, 0] > 0), condition, np.inf)
    return eigenvalues, condition, positive


def singular_reasons(condition, positive, max_condition):
    """Reason string per component, or None where it is not singular."""
    reasons = []
    for cond, pd in zip(condition, positive):
        if not pd:
            reasons.append(REASON_NOT_PD)
        elif cond > max_condition:
            reasons.append(REASON_CONDITION)
        else:
            reasons.append(None)
    return reasons


def component_status(eigenvalues, condition, positive, effective_counts, max_condition,
                     data_log_det):
    """``"ok"``, ``"degenerate"`` or ``"singular"`` for each component.

    Parameters
    ----------
    eigenvalues : ndarray of shape (K, D)
    condition : ndarray of shape (K,)
    positive : ndarray of bool, shape (K,)
    effective_counts : ndarray of shape (K,)
    max_condition : float
    data_log_det : float or None
        ``log det`` of the data's covariance; None when that is singular
        (the volume test is then skipped).

    Returns
    -------
    tuple of str
    """
    D = eigenvalues.shape[1]
    status = []
    for k in range(eigenvalues.shape[0]):
        if not positive[k] or condition[k] > max_condition:
            status.append(STATUS_SINGULAR)
            continue
        tiny = False
        if data_log_det is not None:
            log_det = np.sum(np.log(eigenvalues[k]))
            tiny = 0.5 * (log_det - data_log_det) / D < np.log(DEGENERATE_SCALE_RATIO)
        if effective_counts[k] < D + 1 or tiny:
            status.append(STATUS_DEGENERATE)
        else:
            status.append(STATUS_OK)
    return tuple(status)
