"""Delimited text tables: CSV, TSV, semicolon- and whitespace-separated files.

The file is decoded (UTF-8, else an announced Windows-1252/Latin-1 when it
holds no UTF-8 character; a UTF-16 byte-order mark is honoured), ``#``
comment lines and blank lines are skipped, the delimiter is sniffed from the
first lines, a header row is detected, and each column is
classed as numeric (features) or text (known classes, e.g. iris's species).
How the file is written is decided in ``text_format.py``; reading it, here.

Parsing is numpy's C reader (:func:`numpy.loadtxt` with a structured dtype)
over chunks of lines, so a progress callback and a cancel check run between
chunks. Measured on a 1e6-row, 4-column CSV (81 MB, 17 significant digits) on
the project machine: numpy 0.7 s, pandas' C reader 0.08 s, pyarrow 0.1 s, the
``csv`` module with ``float()`` 4.5 s. numpy is fast enough for a progress bar
and costs no dependency; see README. A chunk that numpy refuses (a missing
cell, a word, a ragged row) is re-read line by line in Python, which finds the
line and column for the message, and maps missing cells to NaN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gmm_explorer.data.budgets import budget, check_fields, check_fields_in_bytes
from gmm_explorer.data.errors import DataError, LoadCancelled
from gmm_explorer.data.quoted_records import SAMPLE_LINES, join_quoted, record_delimiter
from gmm_explorer.data.text_format import (
    decode,
    delimiter_name,
    detect_decimal_comma,
    detect_header,
    normalize_delimiter,
    number_or_none,
    sniff_delimiter,
    splitter,
    unique_names,
)

CHUNK_LINES = 65536
_FIELD_SEPARATORS = (",", "\t", ";", " ", "|")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_LINE = re.compile(r"\n[ \t]+(?:\n|$)")
_BLANK_START = re.compile(r"[ \t]+(?:\n|$)")


@dataclass
class TextTable:
    """What :func:`read_delimited` found in a text file.

    Attributes
    ----------
    names : list of str
        One per column of the file (``x0``, ``x1``, ... where there is no header).
    has_header : bool
    numeric : list of int
        Positions of the numeric columns.
    values : ndarray of shape (N, len(numeric))
        Their values; missing cells are NaN.
    text : dict of int -> ndarray of object (str), shape (N,)
        The text columns by position, as read (not stripped).
    lines : ndarray of shape (N,)
        The 1-based line of each row in the file.
    missing : ndarray of bool, shape (N, len(numeric))
        Cells that were empty or a missing-value token (NA, ?, ...), as
        opposed to NaN or inf written as numbers; words in a numeric column too.
    strays : dict of int -> (int, int, str)
        For each numeric column (by position in the file) holding words that are no
        number: how many, the first one's row and the word. Those cells are NaN and
        ``missing``; the loader refuses them, or drops their rows when asked to.
    delimiter : str or None
    encoding : str
    decimal_comma : bool
    """

    names: list
    has_header: bool
    numeric: list
    values: np.ndarray
    text: dict
    lines: np.ndarray
    missing: np.ndarray
    delimiter: str | None
    encoding: str
    decimal_comma: bool = False
    notes: list = field(default_factory=list)
    strays: dict = field(default_factory=dict)


@dataclass
class _Layout:
    """How the file's data lines are laid out, decided from a sample of them.

    ``keep`` holds the 0-based file line of each data line, or is None when every line of the
    file is a data line (no comments, no blank lines).
    """

    keep: list | None
    delimiter: str | None
    quoted: bool
    split: Callable
    decimal_comma: bool
    has_header: bool
    names: list
    is_text: list = field(default_factory=list)

    @property
    def first_data(self) -> int:
        """The first data line that is a row (1 after a header, else 0)."""
        return 1 if self.has_header else 0

    @property
    def n_cols(self) -> int:
        return len(self.names)

    @property
    def numeric(self) -> list:
        return [j for j in range(self.n_cols) if not self.is_text[j]]

    @property
    def text_cols(self) -> list:
        return [j for j in range(self.n_cols) if self.is_text[j]]

    def line_of(self, k: int) -> int:
        """1-based file line of data line k."""
        return (k if self.keep is None else self.keep[k]) + 1


# --------------------------------------------------------------------------- the steps
def _split_lines(text: str) -> list[str]:
    """The text's lines, broken at ``\\n`` only (``\\r\\n`` and ``\\r`` became ``\\n`` before)."""
    if text.isascii():
        odd_breaks = any(c in text for c in "\x0b\x0c\x1c\x1d\x1e")
    else:
        odd_breaks = _OTHER_BREAKS.search(text) is not None
    if not odd_breaks:
        return text.splitlines()  # faster than split("\n"), same result here
    # splitlines would also break at \x0b, \x85, \u2028, ...
    all_lines = text.split("\n")
    if all_lines and all_lines[-1] == "":
        all_lines.pop()
    return all_lines


def _data_lines(text: str, all_lines: list[str], path):
    """The lines that hold data (no ``#`` comment, no blank line) and where they are.

    Returns the data lines and ``keep``, the 0-based file line of each, or None when every
    line is a data line (the common, fast case).
    """
    skipped = ("#" in text or text.startswith("\n") or "\n\n" in text
               or (("\n " in text or "\n\t" in text) and _BLANK_LINE.search(text) is not None)
               or _BLANK_START.match(text) is not None)
    if not skipped and text.strip():
        keep = None
        data_lines = all_lines
    else:
        keep = [i for i, line in enumerate(all_lines)
                if line.strip() and not line.lstrip().startswith("#")]
        data_lines = [all_lines[i] for i in keep]
    if not data_lines:
        if text.strip():
            raise DataError(
                "holds only comment lines (starting with #) and no data; "
                "add rows of numbers below the comments", path=path)
        raise DataError("is empty; give a file with a header line and rows of numbers", path=path)
    return data_lines, keep


def _check_fields(data_lines, keep, path) -> None:
    """Refuse a line with more fields than the budget, before any line is split.

    Splitting one line of 50 million fields would take gigabytes of Python
    strings. A line of n characters has at most n + 1 fields, so only lines
    at least as long as the budget are looked at, and their delimiters counted
    in C (``str.count``) for each delimiter the sniffer could choose.
    """
    limit = budget("GMM_EXPLORER_MAX_FIELDS")
    if max(map(len, data_lines)) < limit:
        return
    for i, line in enumerate(data_lines):
        if len(line) >= limit:
            fields = 1 + max(line.count(c) for c in _FIELD_SEPARATORS)
            check_fields(fields, path, (keep[i] if keep is not None else i) + 1)


def _column_kinds(body_rows, n_cols: int, decimal_comma: bool, force_text) -> list:
    """Whether each column holds text: where words outnumber numbers in the sample."""
    force_text = set(force_text)
    is_text = []
    for j in range(n_cols):
        col = [number_or_none(r[j], decimal_comma) for r in body_rows if j < len(r)]
        numbers = sum(1 for v in col if isinstance(v, float))
        words = sum(1 for v in col if v is None)
        is_text.append(j in force_text or words > numbers)
    return is_text


def _layout(data_lines, keep, text: str, delimiter, force_text, path) -> _Layout:
    """Delimiter, decimal commas, header, names and column kinds, from the first lines.

    Raises :class:`DataError` when no row is left below the header.
    """
    sample = data_lines[:SAMPLE_LINES]
    delim = sniff_delimiter(sample) if delimiter is None else normalize_delimiter(delimiter)
    quoted = delim is not None and '"' in text
    split = splitter(delim, quoted)
    sample_rows = split(sample)
    decimal_comma = detect_decimal_comma(sample_rows[1:] or sample_rows, delim)
    has_header = detect_header(sample_rows, decimal_comma)
    n_cols = len(sample_rows[0])
    names = unique_names(sample_rows[0]) if has_header else [f"x{j}" for j in range(n_cols)]
    layout = _Layout(keep=keep, delimiter=delim, quoted=quoted, split=split,
                     decimal_comma=decimal_comma, has_header=has_header, names=names)
    if len(data_lines) == layout.first_data:
        if has_header:
            raise DataError(
                f"has a header ({', '.join(names)}) but no data rows below it; "
                "add rows of numbers under the header", path=path, line=layout.line_of(0))
        raise DataError("has no data rows; add rows of numbers", path=path)
    body_rows = sample_rows[layout.first_data:]
    layout.is_text = _column_kinds(body_rows, n_cols, decimal_comma, force_text)
    return layout


def _fast_chunk(chunk, dtype, layout: _Layout):
    """numpy's C reader on one chunk, or None where it refuses it (then Python reads it)."""
    if layout.decimal_comma:
        return None
    try:
        return np.loadtxt(
            chunk, dtype=dtype, delimiter=layout.delimiter, comments=None,
            quotechar='"' if layout.quoted else None, ndmin=1,
        )
    except (ValueError, TypeError):
        return None


def _parse_rows(body, layout: _Layout, path, progress, cancel, progress_span):
    """Every row, chunk by chunk, with progress and a cancel check between chunks.

    Returns ``values`` (N, len(numeric)), ``missing`` (same shape, bool), ``texts``
    (text column position -> object array of shape (N,)) and ``strays``, as
    :class:`TextTable` holds them.
    """
    numeric, text_cols = layout.numeric, layout.text_cols
    dtype = np.dtype([(f"c{j}", "O" if layout.is_text[j] else "f8")
                      for j in range(layout.n_cols)])
    lo, hi = progress_span
    n_rows = len(body)
    values = np.empty((n_rows, len(numeric)))
    missing = np.zeros((n_rows, len(numeric)), dtype=bool)
    texts = {j: np.empty(n_rows, dtype=object) for j in text_cols}
    strays: dict = {}
    for start in range(0, n_rows, CHUNK_LINES):
        if cancel is not None and cancel():
            raise LoadCancelled(path)
        chunk = body[start:start + CHUNK_LINES]
        parsed = _fast_chunk(chunk, dtype, layout)
        stop = start + len(chunk)
        if parsed is not None and len(parsed) == len(chunk):
            for i, j in enumerate(numeric):
                values[start:stop, i] = parsed[f"c{j}"]
            for j in text_cols:
                texts[j][start:stop] = parsed[f"c{j}"]
        else:
            _slow_chunk(chunk, start, layout, values, missing, texts, strays, path)
        if progress is not None:
            progress(lo + (hi - lo) * stop / n_rows)
    return values, missing, texts, strays


# --------------------------------------------------------------------------- reading
def read_delimited(data: bytes, path, *, delimiter=None, progress=None, cancel=None,
                   progress_span=(0.0, 1.0), force_text=()) -> TextTable:
    """Parse the bytes of a delimited text file into a :class:`TextTable`.

    Parameters
    ----------
    data : bytes
        The file's content.
    path : str or Path
        For messages only.
    delimiter : str or None
        None sniffs it; see :func:`normalize_delimiter` for the names accepted.
    progress : callable(float) or None
        Called with the fraction done (within ``progress_span``) after each chunk.
    cancel : callable() -> bool or None
        Checked between chunks; True raises :class:`LoadCancelled`.
    force_text : iterable of int
        Column positions to read as text even if they hold numbers.

    Raises
    ------
    DataError
        Empty file, header only, a word in a numeric column, ragged rows.
    """
    check_fields_in_bytes(data, path)
    text, encoding, note = decode(data, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    records, starts = _split_lines(text), None
    if '"' in text:
        records, starts = join_quoted(records, record_delimiter(records, delimiter), path)
    data_lines, keep = _data_lines(text, records, path)
    if starts is not None:  # lines of the file, not of the joined records
        keep = starts if keep is None else [starts[k] for k in keep]
    _check_fields(data_lines, keep, path)
    layout = _layout(data_lines, keep, text, delimiter, force_text, path)
    first_data = layout.first_data
    n_rows = len(data_lines) - first_data
    values, missing, texts, strays = _parse_rows(data_lines[first_data:], layout, path, progress,
                                         cancel, progress_span)
    if keep is None:
        lines = np.arange(first_data + 1, first_data + 1 + n_rows)
    else:
        lines = np.asarray(keep[first_data:], dtype=np.int64) + 1
    return TextTable(
        names=layout.names, has_header=layout.has_header, numeric=layout.numeric,
        values=values, text=texts, lines=lines, missing=missing, strays=strays,
        delimiter=layout.delimiter,
        encoding=encoding, decimal_comma=layout.decimal_comma,
        notes=[note] if note is not None else [],
    )


def _slow_chunk(chunk, start, layout: _Layout, values, missing, texts, strays, path):
    """Read one chunk cell by cell: exact line and column for any problem.

    Writes rows ``start:start + len(chunk)`` of ``values``, ``missing`` and ``texts``; a
    word in a numeric column is a missing cell counted in ``strays`` (column position ->
    [count, first line, first word]), which the loader refuses or drops by its rows.
    """
    rows = layout.split(chunk)
    first_data, n_cols = layout.first_data, layout.n_cols
    if len(rows) != len(chunk):  # quotes that do not pair up into fields
        bad = next((k for k, line in enumerate(chunk)
                    if line.count('"') % 2 or len(layout.split([line])) != 1), 0)
        raise DataError(
            "has a quote (\") that does not pair up into a quoted field; close the quote "
            "or remove it", path=path, line=layout.line_of(first_data + start + bad))
    header_desc = "the header" if layout.has_header else "the first row"
    pos = {j: i for i, j in enumerate(layout.numeric)}
    for k, cells in enumerate(rows):
        r = start + k
        if len(cells) != n_cols:
            what = delimiter_name(layout.delimiter)
            raise DataError(
                f"has {len(cells)} fields where {header_desc} has {n_cols}; every row needs "
                f"the same number of values (look for a missing or extra {what}, or a {what} "
                "inside unquoted text)", path=path, line=layout.line_of(first_data + r))
        for j, i in pos.items():
            v = number_or_none(cells[j], layout.decimal_comma)
            if v is None:
                seen = strays.setdefault(j, [0, layout.line_of(first_data + r),
                                             cells[j].strip()])
                seen[0] += 1
                v = "missing"
            if v == "missing":
                values[r, i] = np.nan
                missing[r, i] = True
            else:
                values[r, i] = v
        for j in texts:
            texts[j][r] = cells[j]
