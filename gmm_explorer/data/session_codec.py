"""The history inside a session file: each state's numbers as manifest rows and arrays.

Shared by writing and reading :mod:`~gmm_explorer.data.session_file`: the states'
scalars, collapse records and events go to the manifest (non-finite floats as
text), their arrays are concatenated along the component axis (``k`` in each
row says how many components a state has, which ``on_collapse="remove"`` may
shrink). Reading checks shapes and values and raises :class:`SessionFileError`
naming the file.

A history the engine thinned to stay within its memory budget is saved as it
is: a thinned state's row says ``"thinned": true`` and it has no rows in the
means, covariances and eigenvalues arrays (:data:`FULL_ONLY`), only its small
(K,) arrays. It reopens thinned, and the engine replays its full states on
demand as it did before saving.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.zip_members import read_npy_member
from gmm_explorer.engine.state import CollapseRecord, EMState
from gmm_explorer.engine.thinning import ThinnedState

_STATUS_CODES = {"ok": 0, "degenerate": 1, "singular": 2}
_STATUS_NAMES = {v: k for k, v in _STATUS_CODES.items()}
STATE_ARRAYS = ("weights", "means", "covariances", "condition_numbers", "effective_counts",
                 "eigenvalues")
#: The arrays a thinned state dropped: only full states have rows in them.
FULL_ONLY = ("means", "covariances", "eigenvalues")


class SessionFileError(DataError):
    """A session file that cannot be opened or written: which file, why, what to do."""


def num(x):
    """A float for JSON: non-finite values as the strings 'inf', '-inf', 'nan'."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else repr(x)


def unnum(x):
    return None if x is None else float(x)


def damaged(path, why: str) -> SessionFileError:
    return SessionFileError(f"is damaged or incomplete ({why}); it cannot be opened. Open "
                            f"another copy, or the data file itself", path=path)


def read_array(zf, name, path):
    """A member array, read within the budgets (:mod:`~gmm_explorer.data.zip_members`)."""
    if name not in zf.namelist():
        raise damaged(path, f"{name} is missing")
    try:
        array = read_npy_member(zf, name, path, pickle_help=(
            "it holds Python objects, and session files hold plain numeric arrays only"))
    except SessionFileError:
        raise
    except DataError as exc:
        raise SessionFileError(exc.reason, path=path) from None
    if array.dtype.kind not in "biuf":  # complex would lose its imaginary part silently
        raise damaged(path, f"{name} holds {array.dtype}, not real numbers")
    return array


def state_rows(history) -> tuple[list, dict]:
    """Per-state manifest rows and the concatenated arrays."""
    rows = []
    for s in history:
        row = {"iteration": int(s.iteration), "k": int(s.n_components),
               "log_likelihood": num(s.log_likelihood), "objective": num(s.objective),
               "converged": bool(s.converged), "covariance_type": s.covariance_type,
               "pseudo_log_likelihood": num(s.pseudo_log_likelihood)}
        if s.thinned:
            row["thinned"] = True
        if s.events:
            row["events"] = list(s.events)
        if s.collapse is not None:
            c = s.collapse
            row["collapse"] = {
                "components": [int(k) for k in c.components], "iteration": int(c.iteration),
                "reason": c.reason, "action": c.action,
                "effective_counts": [num(v) for v in c.effective_counts],
                "smallest_eigenvalues": [num(v) for v in c.smallest_eigenvalues],
                "condition_numbers": [num(v) for v in c.condition_numbers],
                "component_ids": [int(k) for k in c.component_ids],
            }
        rows.append(row)
    full = [s for s in history if not s.thinned]  # the first and last always are
    arrays = {f"history/{name}.npy": np.concatenate([getattr(s, name) for s in
                                                     (full if name in FULL_ONLY else history)])
              for name in STATE_ARRAYS}
    arrays["history/status.npy"] = np.array(
        [_STATUS_CODES.get(st, 2) for s in history for st in s.component_status], dtype=np.uint8)
    arrays["history/component_ids.npy"] = np.concatenate([s.component_ids for s in history])
    return rows, arrays


def _component_ids(zf, rows: list, ks: np.ndarray, path) -> list:
    """Each state's component identities, checked: a list of (K,) int arrays.

    A state's identities are distinct, and each is one its predecessor had
    (components are only ever removed). Files written before identities were
    stored get them back by replaying the removals their collapse records name.
    """
    if "history/component_ids.npy" not in zf.namelist():
        return _replayed_ids(rows, ks, path)
    flat = read_array(zf, "history/component_ids.npy", path)
    if flat.shape != (int(ks.sum()),) or flat.dtype.kind not in "iu":
        raise damaged(path, "history/component_ids.npy does not match the states")
    ids = np.split(flat.astype(np.int64), np.cumsum(ks)[:-1])
    alive = set(range(int(ks[0])))
    for i, state_ids in enumerate(ids):
        if len(set(state_ids.tolist())) != len(state_ids) or not alive.issuperset(
                state_ids.tolist()):
            raise damaged(path, f"state {i} names components that do not follow the states "
                                f"before it")
        alive = set(state_ids.tolist())
    return ids


def _replayed_ids(rows: list, ks: np.ndarray, path) -> list:
    """Identities for an older file: the removed components' positions are in the records."""
    current = np.arange(int(ks[0]))
    ids = []
    for i, (row, k) in enumerate(zip(rows, ks)):
        collapse = row.get("collapse")
        if collapse and collapse.get("action") == "removed" and len(current) != k:
            gone = [int(c) for c in collapse.get("components", ())]
            if any(not 0 <= c < len(current) for c in gone):
                raise damaged(path, f"state {i} removes components it does not have")
            current = np.delete(current, gone)
        if len(current) != k:
            raise damaged(path, f"state {i} has {k} components where {len(current)} remain")
        ids.append(current.copy())
    return ids


def read_history(zf, rows, D: int, path) -> list:
    if not isinstance(rows, list) or not rows:
        raise damaged(path, "the history is empty")
    ks = np.array([int(r["k"]) for r in rows])
    if np.any(ks < 1):
        raise damaged(path, "a state has no components")
    thinned = np.array([r.get("thinned") is True for r in rows])
    if thinned[0] or thinned[-1]:
        raise damaged(path, "its first or last state has no parameters")
    total, total_full = int(ks.sum()), int(ks[~thinned].sum())
    arrays = {name: np.asarray(read_array(zf, f"history/{name}.npy", path), dtype=float)
              for name in STATE_ARRAYS}
    status = read_array(zf, "history/status.npy", path)
    expected = {"weights": (total,), "means": (total_full, D),
                "covariances": (total_full, D, D), "condition_numbers": (total,),
                "effective_counts": (total,), "eigenvalues": (total_full, D)}
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise damaged(path, f"history/{name}.npy has shape {arrays[name].shape}, "
                                 f"expected {shape}")
    if status.shape != (total,) or np.any(status > 2):
        raise damaged(path, "history/status.npy does not match the states")
    ids = _component_ids(zf, rows, ks, path)
    for name in ("weights", "means", "covariances"):
        if not np.all(np.isfinite(arrays[name])):
            raise damaged(path, f"history/{name}.npy holds NaN or infinite values")
    offsets = np.concatenate([[0], np.cumsum(ks)])
    full_offsets = np.concatenate([[0], np.cumsum(np.where(thinned, 0, ks))])
    history = []
    for i, row in enumerate(rows):
        a, b = offsets[i], offsets[i + 1]
        fa, fb = full_offsets[i], full_offsets[i + 1]
        c = row.get("collapse")
        collapse = None if c is None else CollapseRecord(
            components=tuple(int(k) for k in c["components"]), iteration=int(c["iteration"]),
            reason=str(c["reason"]),
            effective_counts=tuple(unnum(v) for v in c["effective_counts"]),
            smallest_eigenvalues=tuple(unnum(v) for v in c["smallest_eigenvalues"]),
            condition_numbers=tuple(unnum(v) for v in c["condition_numbers"]),
            action=str(c["action"]),
            component_ids=tuple(int(k) for k in c.get("component_ids", ())))
        state = EMState(
            iteration=int(row["iteration"]), weights=arrays["weights"][a:b],
            means=arrays["means"][fa:fb] if not thinned[i] else np.zeros((b - a, D)),
            covariances=arrays["covariances"][fa:fb] if not thinned[i]
            else np.zeros((b - a, D, D)),
            log_likelihood=unnum(row["log_likelihood"]), objective=unnum(row["objective"]),
            condition_numbers=arrays["condition_numbers"][a:b],
            effective_counts=arrays["effective_counts"][a:b],
            component_status=tuple(_STATUS_NAMES[int(v)] for v in status[a:b]),
            collapse=collapse, converged=bool(row["converged"]),
            eigenvalues=arrays["eigenvalues"][fa:fb] if not thinned[i]
            else np.zeros((b - a, D)),
            covariance_type=str(row.get("covariance_type", "full")),
            pseudo_log_likelihood=unnum(row.get("pseudo_log_likelihood")),
            events=tuple(str(e) for e in row.get("events", ())),
            component_ids=ids[i],
        )
        # a thinned state is built through EMState (one place that checks a state's
        # fields) and then dropped to its record
        history.append(ThinnedState.of(state) if thinned[i] else state)
        if any(math.isnan(v) for v in (history[-1].log_likelihood, history[-1].objective)):
            raise damaged(path, f"state {i} has a NaN log-likelihood")
    return history
