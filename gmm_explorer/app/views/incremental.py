"""Following a growing history without rereading it.

A run appends states to ``Workspace.history`` and emits ``historyChanged`` once
per batch. A view that rebuilt its arrays from the whole history on every
batch made a run quadratic in its length (3,000 iterations through the
window took 100 s, most of it rereading old states). :class:`HistoryCursor`
tells a view which states are new since it last looked, so it reads each
state once; :class:`GrowingArray` keeps the view's per-iteration numbers in a
preallocated buffer that grows by doubling, so that appending is amortised
O(new states) and ``setData`` gets a view, never a copy of the history.
"""

from __future__ import annotations

import bisect

import numpy as np


class HistoryCursor:
    """Which states of a history a reader has not seen yet.

    The history is only ever appended to, cut or replaced. The cursor
    remembers how many states it has read and the last of them (by
    identity): if that state is still at its place, only the states after it
    are new; otherwise (cut, replaced, opened, reinitialised) everything is.

    Attributes
    ----------
    states_read : int
        How many states the reader has been handed in total (for tests: a
        redraw after one more state must read one state, not the history).
    rebuilds : int
        How many times the reader had to start over.
    """

    def __init__(self):
        self.count = 0
        self._last = None
        self.states_read = 0
        self.rebuilds = 0

    def reset(self) -> None:
        """Forget what was read: the next :meth:`advance` hands over everything."""
        self.count = 0
        self._last = None

    def advance(self, history) -> tuple[bool, list]:
        """``(restart, new)``: whether to start over, and the states to read.

        With ``restart`` False, ``new`` are the states appended since the last
        call; with ``restart`` True, the reader drops what it has and reads
        ``new``, the whole history.
        """
        n = self.count
        if n and len(history) >= n and _still_there(history[n - 1], self._last):
            restart, new = False, history[n:]
        else:
            restart, new = True, list(history)
            self.rebuilds += 1
        self.count = len(history)
        self._last = history[-1] if len(history) else None
        self.states_read += len(new)
        return restart, new


def _still_there(state, last) -> bool:
    """Whether ``state``, at the place of the last state read, is that state.

    The engine may have thinned it meanwhile (kept its scalars, dropped its
    parameters to stay within its memory budget): a thinned record with the
    same iteration, objective and effective counts stands for it, so a long
    run is not reread from the start after every batch.
    """
    return state is last or (state.thinned and not last.thinned
                              and state.iteration == last.iteration
                              and state.objective == last.objective
                              and np.array_equal(state.effective_counts,
                                                 last.effective_counts))


class GrowingArray:
    """A float array of rows that grows at the end (amortised O(1) per row).

    Parameters
    ----------
    width : int or None
        Columns per row; None for a 1-D array.
    """

    def __init__(self, width: int | None = None, capacity: int = 64):
        self.width = width
        self._n = 0
        self._buf = np.empty(self._shape(capacity))

    def _shape(self, rows: int) -> tuple:
        return (rows,) if self.width is None else (rows, self.width)

    def __len__(self) -> int:
        return self._n

    def clear(self, width: int | None = None) -> None:
        """Empty it (keeping its memory); a 2-D array may take a new width."""
        if width is not None and width != self.width:
            self.width = width
            self._buf = np.empty(self._shape(len(self._buf)))
        self._n = 0

    def widen(self, width: int) -> None:
        """More columns; the existing rows get NaN in them."""
        if self.width is None or width <= self.width:
            return
        buf = np.full((len(self._buf), width), np.nan)
        buf[:self._n, :self.width] = self._buf[:self._n]
        self._buf, self.width = buf, width

    def extend(self, rows) -> None:
        """Append ``rows`` (shape (m,) or (m, width))."""
        rows = np.asarray(rows, dtype=float)
        m = len(rows)
        if self._n + m > len(self._buf):
            cap = max(2 * len(self._buf), self._n + m, 64)
            buf = np.empty(self._shape(cap))
            buf[:self._n] = self._buf[:self._n]
            self._buf = buf
        self._buf[self._n:self._n + m] = rows
        self._n += m

    @property
    def data(self) -> np.ndarray:
        """The rows so far: a view, not a copy."""
        return self._buf[:self._n]


class CollapseIndex:
    """Where the collapses of a history are, read incrementally.

    :meth:`latest` is :func:`gmm_explorer.app.panels.lab_text.find_collapse` without
    copying and scanning the history back to its start on every call.
    """

    def __init__(self):
        self.cursor = HistoryCursor()
        self._at: list = []  # indices of states with a collapse record, ascending

    def latest(self, history, current: int):
        """The latest collapse record at or before ``current`` (None if none)."""
        restart, new = self.cursor.advance(history)
        base = self.cursor.count - len(new)
        if restart:
            self._at = []
        self._at.extend(base + i for i, s in enumerate(new) if s.collapse is not None)
        j = bisect.bisect_right(self._at, current) - 1
        return history[self._at[j]].collapse if j >= 0 else None
