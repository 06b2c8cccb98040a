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


def join_quoted(all_lines: list[str], delimiter, path):
    """Lines joined where a quoted field runs over a line end (RFC 4180 allows it).

    Returns the records and the 0-based file line each starts on, or the lines unchanged and
    None when no quoted field spans lines (every line then has an even number of quotes, which
    one pass of ``str.count`` shows; only the odd lines are parsed as the ``csv`` module would).
    """
    if delimiter is None:
        return all_lines, None
    # the quotes of every line counted in C (a comprehension took half again as long)
    counts = np.fromiter(map(str.count, all_lines, repeat('"')), dtype=np.int64,
                         count=len(all_lines))
    odd = np.flatnonzero(counts & 1).tolist()
    if not odd:
        return all_lines, None
    records, starts, done = [], [], 0
    for i in odd:
        if i < done or not _ends_in_quote(all_lines[i], delimiter):
            continue
        records += all_lines[done:i]
        starts += range(done, i)
        record, j = all_lines[i], i
        while _ends_in_quote(record, delimiter):
            j += 1
            if j == len(all_lines):
                raise DataError(
                    "has a quoted field whose opening quote (\") is never closed; close the "
                    "quote or remove it", path=path, line=i + 1)
            record += "\n" + all_lines[j]
        records.append(record)
        starts.append(i)
        done = j + 1
    if not starts:
        return all_lines, None
    records += all_lines[done:]
    starts += range(done, len(all_lines))
    return records, starts


def record_delimiter(all_lines: list[str], delimiter):
    """The delimiter that decides where quoted fields start, before the lines are joined."""
    if delimiter is not None:
        return normalize_delimiter(delimiter)
    sample = [line for line in all_lines[:4 * SAMPLE_LINES]
              if line.strip() and not line.lstrip().startswith("#")][:SAMPLE_LINES]
    return sniff_delimiter(sample)
