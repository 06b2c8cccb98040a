"""What a component's status means, in words and with the shown state's numbers.

The engine decides ``"ok"``, ``"degenerate"`` or ``"singular"``
(:func:`gmm_explorer.engine.diagnostics.component_status`); the components
table says why, from the same thresholds, so that a status is never a bare word:
a tooltip per component and a legend line per status.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine.covariance import data_covariance
from gmm_explorer.engine.diagnostics import DEGENERATE_SCALE_RATIO
from gmm_explorer.words import effective_points

__all__ = ["data_log_det", "explain_status", "status_legend"]


def data_log_det(X) -> float | None:
    """``log det`` of the data's covariance, as the engine's volume test takes it.

    None when that covariance is singular: the engine then skips the volume test.
    """
    cov = data_covariance(np.asarray(X, dtype=float))  # the engine's own, in chunks
    sign, log_det = np.linalg.slogdet(cov)
    return float(log_det) if sign > 0 else None


def _g(x: float) -> str:
    """A number in two significant digits, exponents without '+' or zeros: 1e+12 -> 1e12."""
    text = f"{x:.2g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def _count(n: float, D: int) -> str:
    """An effective count below ``D + 1`` in as many digits as show it below: 2.99 -> '2.99'."""
    for digits in range(1, 12):
        text = f"{n:.{digits}f}"
        if float(text) < D + 1:
            return text
    return f"just under {D + 1}"


def _volume_ratio(eigenvalues, D: int, log_det_data: float | None) -> float | None:
    """The component's volume as a share of the data's: sqrt(det Sigma_k / det Sigma_data)."""
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    if log_det_data is None or np.any(eigenvalues <= 0):
        return None
    return float(np.exp(0.5 * (np.sum(np.log(eigenvalues)) - log_det_data)))


def _volume_floor(D: int) -> float:
    # the engine compares the per-axis scale with DEGENERATE_SCALE_RATIO: in volume, its D-th power
    return DEGENERATE_SCALE_RATIO ** D


def explain_status(state, k: int, max_condition: float, log_det_data: float | None) -> str:
    """Why component ``k`` of ``state`` has its status, with its numbers.

    Parameters
    ----------
    state : EMState
    k : int
        Position of the component in ``state``.
    max_condition : float
        The fit's ``max_condition`` (above it a covariance counts as singular).
    log_det_data : float or None
        :func:`data_log_det` of the data the state was fitted to.

    Returns
    -------
    str
        For example ``"degenerate: 1.0 effective points, fewer than D + 1 = 3"``.
    """
    status = state.component_status[k]
    D = state.n_features
    n = float(state.effective_counts[k])
    eig = np.asarray(state.eigenvalues[k], dtype=float)
    cond = float(state.condition_numbers[k])
    volume = _volume_ratio(eig, D, log_det_data)
    floor = _volume_floor(D)
    if status == "singular":
        if eig.min() <= 0 or not np.isfinite(cond):
            return (f"singular: not positive definite (smallest eigenvalue {_g(eig.min())}): "
                    f"no inverse, no density")
        if cond > max_condition:
            return f"singular: condition number {_g(cond)} above max_condition {_g(max_condition)}"
        return (f"singular: narrower than float64 can resolve at its mean (smallest "
                f"eigenvalue {_g(eig.min())})")
    if status == "degenerate":
        reasons = []
        if n < D + 1:
            reasons.append(f"{effective_points(_count(n, D))}, fewer than D + 1 = {D + 1}")
        if volume is not None and volume < floor:
            reasons.append(f"volume {_g(volume)} of the data's, below {_g(floor)}")
        return "degenerate: " + ("; ".join(reasons) or "a volume negligible next to the data's")
    parts = [f"{n:.1f} effective points (at least D + 1 = {D + 1})"]
    if volume is not None:
        parts.append(f"volume {_g(volume)} of the data's (above {_g(floor)})")
    parts.append(f"condition number {_g(cond)} (at most max_condition {_g(max_condition)})")
    return "ok: " + ", ".join(parts)


def status_legend(state, max_condition: float, log_det_data: float | None) -> list:
    """One short line per status: what it means at this state's D and thresholds.

    Each line names the components that have that status now (the healthy ones
    by count). Short, so that each fits one line of the table's dock.
    """
    D = state.n_features
    floor = _g(_volume_floor(D))
    limit = _g(max_condition)
    volume = f", or volume < {floor} of the data's" if log_det_data is not None else ""
    # the table's "eff. n" column: short enough for one line of the dock at 1280x800
    meaning = {
        "ok": f"eff. n ≥ D + 1 = {D + 1}, volume ≥ {floor} of the data's, "
              f"condition ≤ {limit}",
        "degenerate": f"eff. n < D + 1 = {D + 1}{volume}",
        "singular": f"not positive definite, or condition > max_condition {limit}",
    }
    if log_det_data is None:
        meaning["ok"] = f"eff. n ≥ D + 1 = {D + 1}, condition ≤ {limit}"
    lines = []
    for status, text in meaning.items():
        ks = [int(state.component_ids[k]) for k, s in enumerate(state.component_status)
              if s == status]
        if status == "ok" or not ks:  # the healthy ones by count: twenty numbers say nothing
            now = str(len(ks)) if ks else "none"
        else:
            now = ("component " if len(ks) == 1 else "components ") + ", ".join(map(str, ks))
        lines.append(f"{status} ({now}): {text}")
    return lines
