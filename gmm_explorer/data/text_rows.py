"""The rows of a delimited text parsed into the table's arrays, one chunk of records at a time.

numpy's C reader (:func:`numpy.loadtxt` with a structured dtype) reads a chunk; a chunk it
refuses (a missing cell, a word, a ragged row) is read again cell by cell in Python, which
finds the line and column for the message and maps missing cells to NaN.

The arrays are allocated once, for the most rows the file can hold (:class:`Rows`), filled
in place and trimmed in place at the end: no list of rows, no second copy of the table.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.text_format import delimiter_name, number_or_none

__all__ = ["Rows", "fast_chunk", "slow_chunk"]


class Rows:
    """The table's columns as they fill.

    Parameters
    ----------
    n_numeric : int
    text_cols : list of int
        The positions of the text columns in the file.
    capacity : int
        Rows to make room for; more are made as needed (doubling).

    Attributes
    ----------
    n : int
        Rows filled.
    values : ndarray of shape (capacity, n_numeric), float64
    missing : ndarray of bool, shape (capacity, n_numeric)
    lines : ndarray of shape (capacity,), int64
    texts : dict of int -> ndarray of object, shape (capacity,)
    strays : dict of int -> [int, int, str]
        Words in numeric columns (count, first line, first word), by column position.
    """

    def __init__(self, n_numeric: int, text_cols, capacity: int):
        capacity = max(int(capacity), 1)
        self.n = 0
        # uninitialised and zeroed memory is only taken as it is written: room for rows
        # that never come costs address space, not memory
        self.values = np.empty((capacity, n_numeric))
        self.missing = np.zeros((capacity, n_numeric), dtype=bool)
        self.lines = np.empty(capacity, dtype=np.int64)
        self.texts = {j: np.empty(capacity, dtype=object) for j in text_cols}
        self.strays: dict = {}

    @property
    def capacity(self) -> int:
        return len(self.lines)

    def make_room(self, n: int) -> None:
        """Room for ``n`` more rows."""
        if self.n + n <= self.capacity:
            return
        self._resize(max(2 * self.capacity, self.n + n))

    def trim(self) -> None:
        """Let go of the rows never filled (in place: no second copy of the values)."""
        if self.n < self.capacity:
            self._resize(self.n)

    def _resize(self, capacity: int) -> None:
        # ndarray.resize reallocates in place where the allocator can (shrinking always);
        # nothing else holds these arrays, so the reference check is not needed
        self.values.resize((capacity, self.values.shape[1]), refcheck=False)
        self.missing.resize((capacity, self.missing.shape[1]), refcheck=False)
        self.lines.resize(capacity, refcheck=False)
        for j, column in self.texts.items():
            grown = np.empty(capacity, dtype=object)
            keep = min(self.n, capacity)
            grown[:keep] = column[:keep]
            self.texts[j] = grown


def fast_chunk(chunk: list, dtype: np.dtype, delimiter, quoted: bool):
    """numpy's C reader on one chunk of records, or None where it refuses it."""
    try:
        return np.loadtxt(chunk, dtype=dtype, delimiter=delimiter, comments=None,
                          quotechar='"' if quoted else None, ndmin=1)
    except (ValueError, TypeError):
        return None


def runs_on(layout, record: str) -> bool:
    """Whether ``record`` opens a quoted field it does not close, as the table's delimiter
    reads quotes (the lines were joined by the quotes of the delimiter sniffed from the
    raw lines, which may be another): a reader would take the next line into it."""
    return len(layout.split([record, "x"])) == 1


def slow_chunk(chunk: list, lines: np.ndarray, layout, rows: Rows, path,
               open_end: bool = False) -> None:
    """Read one chunk cell by cell into the next rows: exact line and column for any problem.

    Parameters
    ----------
    chunk : list of str
        The records.
    lines : ndarray of shape (len(chunk),), int64
        Their 1-based lines in the file.
    layout : gmm_explorer.data.delimited._Layout
    rows : Rows
        Rows ``rows.n:rows.n + len(chunk)`` are written (``rows.n`` is left as it is); a
        word in a numeric column is a missing cell counted in ``rows.strays``, which the
        loader refuses or drops by its rows.
    open_end : bool
        The last record opens a quoted field and more rows follow the chunk.
    """
    records = layout.split(chunk)
    n_cols = layout.n_cols
    bad = None
    if len(records) != len(chunk) or open_end:  # quotes that do not pair up into fields
        # the first record that runs on into the next line; those before it are one line
        # each, and read first, so that the first fault in the file is the one named
        last = len(chunk) - (0 if open_end else 1)
        bad = next((k for k in range(last) if runs_on(layout, chunk[k])), 0)
        records = records[:bad]
    header_desc = "the header" if layout.has_header else "the first row"
    pos = {j: i for i, j in enumerate(layout.numeric)}
    values, missing, texts, strays = rows.values, rows.missing, rows.texts, rows.strays
    for k, cells in enumerate(records):
        r = rows.n + k
        if len(cells) != n_cols:
            what = delimiter_name(layout.delimiter)
            # one field above rows of several: most often a title line before the header
            title = "; if the first line is a title, delete it or start it with #" \
                if n_cols == 1 and len(cells) > 1 and r == 0 else ""
            raise DataError(
                f"has {len(cells)} fields where {header_desc} has {n_cols}; every row needs "
                f"the same number of values (look for a missing or extra {what}, or a {what} "
                f"inside unquoted text){title}", path=path, line=int(lines[k]))
        for j, i in pos.items():
            v = number_or_none(cells[j], layout.decimal_comma)
            if v is None:
                seen = strays.setdefault(j, [0, int(lines[k]), cells[j].strip()])
                seen[0] += 1
                v = "missing"
            if v == "missing":
                values[r, i] = np.nan
                missing[r, i] = True
            else:
                values[r, i] = v
        for j in texts:
            texts[j][r] = cells[j]
    if bad is not None:
        raise DataError(
            "has a quote (\") that does not pair up into a quoted field; close the quote "
            "or remove it", path=path, line=int(lines[bad]))
