"""Per-component health: eigenvalues, condition numbers and status."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gmm_explorer.engine.covariance import cholesky_or_none
from gmm_explorer.engine.state import STATUS_DEGENERATE, STATUS_OK, STATUS_SINGULAR

# A component whose geometric-mean standard deviation is below this fraction
# of the data's has a volume negligible next to the data's: "degenerate".
DEGENERATE_SCALE_RATIO = 1e-3
_LOG_DEGENERATE_RATIO = float(np.log(DEGENERATE_SCALE_RATIO))

# A Gaussian whose standard deviation is below this many ulps of its mean's
# magnitude cannot be placed in float64: the rounding error of the mean alone
# puts its own points many standard deviations away (so EM, which would send
# the likelihood to +inf in exact arithmetic, sees it fall instead).
RESOLUTION_ULPS = 64
_RESOLUTION = RESOLUTION_ULPS * float(np.finfo(float).eps)  # once: finfo costs microseconds
REASON_NOT_PD = "not positive definite"
REASON_UNRESOLVED = "narrower than float64 can resolve at its mean"
REASON_CONDITION = "condition number above max_condition"


def resolution_floor(means, data_scale):
    """Smallest variance float64 can place at each mean, shape (K,).

    Parameters
    ----------
    means : ndarray of shape (K, D)
        In the user's units.
    data_scale : float
        Root-mean-square spread of the data.
    """
    # K numbers after the reduction, in lists: numpy's calls cost more than the work
    # (``x * x`` is numpy's square; Python's max keeps a NaN first argument, as np.maximum)
    scaled = [_RESOLUTION * max(value, data_scale)
              for value in np.abs(means).max(axis=1).tolist()]
    return np.array([value * value for value in scaled], dtype=float)


class Spectrum(NamedTuple):
    """Eigenvalues (ascending, (K, D)), condition numbers (K,), usability (K,),
    the lower Cholesky factor of each usable covariance (None otherwise) and the
    resolution floor it was judged by (K,) or None, so that the E-step need not
    factorise or compute the floor again."""

    eigenvalues: np.ndarray
    condition: np.ndarray
    positive: np.ndarray
    lower: list
    floor: np.ndarray | None = None


# Below this ratio of the extremes no quotient of the arrays overflows.
_FINITE_QUOTIENT = 1e300


def spectrum(full, floor=None, eigenvalues=None):
    """The :class:`Spectrum` of full (K, D, D) covariances.

    A covariance is usable when its Cholesky factorisation succeeds in
    float64 and its smallest eigenvalue is above ``floor``; an unusable one
    has condition number ``inf``.

    Parameters
    ----------
    full : ndarray of shape (K, D, D)
    floor : ndarray of shape (K,), optional
        From :func:`resolution_floor`.
    eigenvalues : ndarray of shape (K, D), optional
        ``np.linalg.eigvalsh(full)``, when the caller has it already.

    Returns
    -------
    Spectrum
    """
    if eigenvalues is None:
        eigenvalues = np.linalg.eigvalsh(full)
    lower = [cholesky_or_none(m) for m in full]
    smallest, largest = eigenvalues[:, 0], eigenvalues[:, -1]
    # over lists: K numbers, and numpy's calls cost more than the work here
    ok = [factor is not None for factor in lower]
    if floor is not None:
        ok = [fine and low > level
              for fine, low, level in zip(ok, smallest.tolist(), floor.tolist())]
    positive = np.array(ok, dtype=bool)
    if all(ok) and _quotient_is_finite(largest.tolist(), smallest.tolist()):
        # the usual case: every ratio finite, no warnings to silence (errstate costs
        # as much as the division)
        return Spectrum(eigenvalues, largest / smallest, positive, lower, floor)
    lower = [factor if fine else None for factor, fine in zip(lower, ok)]
    # a ratio beyond float64 (2.25 over 5e-302, say) is an infinite condition number,
    # which is what overflow gives: nothing to warn about
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        condition = largest / smallest
    condition = np.where(positive & (smallest > 0), condition, np.inf)
    return Spectrum(eigenvalues, condition, positive, lower, floor)


def _quotient_is_finite(numerator, denominator):
    """Whether ``numerator / denominator`` (lists of K floats) is finite everywhere
    without overflow: comparisons against the smallest denominator (a NaN or a
    denominator at or below 0 answers False)."""
    if not all(value > 0 for value in denominator):
        return False
    limit = _FINITE_QUOTIENT * min(denominator, default=1.0)
    return all(value < limit for value in numerator)


def singular_reasons(condition, positive, max_condition, eigenvalues=None):
    """Why each component is singular, or None where it is not.

    Parameters
    ----------
    condition : ndarray of shape (K,)
    positive : ndarray of bool, shape (K,)
    max_condition : float
    eigenvalues : ndarray of shape (K, D), optional
        Ascending; tells a covariance that is not positive definite from one
        narrower than float64 can resolve.

    Returns
    -------
    list of (str or None), length K
    """
    if len(condition) and _healthy(positive, condition, max_condition):
        return [None] * len(condition)  # the usual case
    reasons = []
    for k, (cond, pd) in enumerate(zip(condition, positive)):
        if not pd:
            resolved = eigenvalues is None or eigenvalues[k, 0] <= 0
            reasons.append(REASON_NOT_PD if resolved else REASON_UNRESOLVED)
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
    positive, condition = np.asarray(positive, dtype=bool), np.asarray(condition)
    effective_counts = np.asarray(effective_counts)
    if len(condition) and _all_ok(eigenvalues, condition, positive, effective_counts,
                                  max_condition, data_log_det):
        return (STATUS_OK,) * len(condition)
    singular = ~positive | (condition > max_condition)
    degenerate = effective_counts < D + 1
    if data_log_det is not None:
        if (eigenvalues > 0).all():  # the usual case: no logarithm of zero to silence
            log_det = np.log(eigenvalues).sum(axis=1)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):  # only singular ones
                log_det = np.log(eigenvalues).sum(axis=1)
        degenerate |= 0.5 * (log_det - data_log_det) / D < _LOG_DEGENERATE_RATIO
    # one pass over K arrays: a loop over the components took a tenth of a small step
    return tuple(STATUS_SINGULAR if s else STATUS_DEGENERATE if d else STATUS_OK
                 for s, d in zip(singular.tolist(), degenerate.tolist()))


def _all_ok(eigenvalues, condition, positive, effective_counts, max_condition, data_log_det):
    """Whether :func:`component_status` would call every component ``"ok"``, mostly over
    lists of K numbers (the usual case; its rule, in elementwise form, took a tenth of a
    small step). The volume test compares the smallest log-determinant: the test's arithmetic
    is monotone in it, so no other component can fail it. Any NaN answers False."""
    D = eigenvalues.shape[1]
    if not (_healthy(positive, condition, max_condition)
            and all(count >= D + 1 for count in effective_counts.tolist())):
        return False
    if data_log_det is None:
        return True
    if not eigenvalues.min() > 0:
        return False
    log_det = min(np.log(eigenvalues).sum(axis=1).tolist())  # no NaN: every eigenvalue > 0
    return not 0.5 * (log_det - data_log_det) / D < _LOG_DEGENERATE_RATIO


def _healthy(positive, condition, max_condition):
    """Every component positive definite with a condition number at most
    ``max_condition`` (a NaN fails the comparison). K is small: Python's ``all`` over
    lists takes a fifth of the time of numpy's reductions."""
    return all(positive.tolist()) and all(c <= max_condition for c in condition.tolist())
