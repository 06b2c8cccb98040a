"""Records of a delimited text: lines joined where a quoted field runs over a line end.

RFC 4180 lets a quoted field hold line breaks; the ``csv`` module's rules decide where a
quote starts a field. Only lines with an odd number of quotes are looked at, so files
without such fields pay one count of quotes per line (done in C).
"""

from __future__ import annotations

import csv
from itertools import repeat

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.text_format import normalize_delimiter, sniff_delimiter

#: Lines the delimiter is sniffed from (here and by the table's layout).
SAMPLE_LINES = 200


def _ends_in_quote(record: str, delimiter: str) -> bool:
    """Whether ``record`` ends inside a quoted field, as the ``csv`` module reads quotes."""
    try:
        for _ in csv.reader([record], delimiter=delimiter, quotechar='"', strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _record_end(all_lines: list[str], i: int, delimiter: str) -> int | None:
    """The line on which the record starting with ``all_lines[i]`` ends, or None if open.

    The ``csv`` module reads the lines on from ``i`` until the record closes, in one pass;
    joining the lines one more at a time and parsing each longer record again took time
    quadratic in the length of the record (an unclosed quote early in a large file).
    """
    lines_on = (all_lines[k] for k in range(i, len(all_lines)))  # islice would step from 0
    reader = csv.reader(lines_on, delimiter=delimiter, quotechar='"', strict=True)
    try:
        next(reader)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return None
        # any other fault ends the record where it is found, as it ends a joined record
    return i + reader.line_num - 1


def join_quoted(all_lines: list[str], delimiter, path, final: bool = True, first_line: int = 0):
    """Lines joined where a quoted field runs over a line end (RFC 4180 allows it).

    Parameters
    ----------
    all_lines : list of str
        Consecutive lines of the file.
    delimiter : str or None
        As :func:`record_delimiter` decided it; None joins nothing.
    path : str or Path
        For messages.
    final : bool
        Whether the file ends after ``all_lines``. If not, a record still open at their end
        is left for the caller to join with the lines that follow.
    first_line : int
        The 0-based line of ``all_lines[0]`` in the file, for messages.

    Returns
    -------
    records : list of str
    starts : list of int or None
        The index in ``all_lines`` each record starts at, or None when no quoted field
        spans lines (the records are then the lines themselves: every line has an even
        number of quotes, which one pass of ``str.count`` shows, and only the odd lines are
        parsed as the ``csv`` module would).
    rest : int
        ``all_lines[rest:]`` is a record still open at the end (``len(all_lines)`` when
        there is none, always when ``final``).

    Raises
    ------
    DataError
        When ``final``, a quote never closed.
    """
    n_lines = len(all_lines)
    if delimiter is None:
        return all_lines, None, n_lines
    # the quotes of every line counted in C (a comprehension took half again as long)
    counts = np.fromiter(map(str.count, all_lines, repeat('"')), dtype=np.int64,
                         count=n_lines)
    odd = np.flatnonzero(counts & 1).tolist()
    records, starts, done = [], [], 0
    for i in odd:
        if i < done or not _ends_in_quote(all_lines[i], delimiter):
            continue
        j = _record_end(all_lines, i, delimiter)
        if j is None and final:
            raise DataError(
                "has a quoted field whose opening quote (\") is never closed; close the "
                "quote or remove it", path=path, line=first_line + i + 1)
        records += all_lines[done:i]
        starts += range(done, i)
        if j is None:  # open at the end: the caller reads on
            return records, starts, i
        records.append("\n".join(all_lines[i:j + 1]))
        starts.append(i)
        done = j + 1
    if not starts:
        return all_lines, None, n_lines
    records += all_lines[done:]
    starts += range(done, n_lines)
    return records, starts, n_lines


def record_delimiter(all_lines: list[str], delimiter):
    """The delimiter that decides where quoted fields start, before the lines are joined."""
    if delimiter is not None:
        return normalize_delimiter(delimiter)
    sample = [line for line in all_lines[:4 * SAMPLE_LINES]
              if line.strip() and not line.lstrip().startswith("#")][:SAMPLE_LINES]
    return sniff_delimiter(sample)
