"""Delimited text tables: CSV, TSV, semicolon- and whitespace-separated files.

The file is read in blocks, twice, and never held whole (``text_blocks.py``): a first pass
over its bytes checks the fields-per-line budget, decides the encoding for the whole file
(UTF-8, else an announced Windows-1252/Latin-1 when it holds no UTF-8 character; a UTF-16
byte-order mark is honoured) and counts its lines; the second decodes the blocks and
parses each one's complete lines as it comes (``text_lines.py``: ``#`` comment lines and
blank lines skipped, quoted fields that span lines joined). The delimiter is sniffed from
the first lines, a header row is detected, and each column is classed as numeric
(features) or text (known classes, e.g. iris's species). How the file is written is
decided in ``text_format.py``; reading it, here.

Parsing is numpy's C reader (:func:`numpy.loadtxt` with a structured dtype)
over chunks of lines, so a progress callback and a cancel check run between
chunks. Measured on a 1e6-row, 4-column CSV (81 MB, 17 significant digits) on
the project machine: numpy 0.7 s, pandas' C reader 0.08 s, pyarrow 0.1 s, the
``csv`` module with ``float()`` 4.5 s. numpy is fast enough for a progress bar
and costs no dependency; see README. A chunk that numpy refuses (a missing
cell, a word, a ragged row) is re-read line by line in Python (``text_rows.py``),
which finds the line and column for the message, and maps missing cells to NaN.
The rows go straight into arrays allocated once for the most rows the file can hold,
so the load's peak is the table plus a block or two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gmm_explorer.data.budgets import budget, check_fields
from gmm_explorer.data.errors import DataError, LoadCancelled
from gmm_explorer.data.quoted_records import SAMPLE_LINES
from gmm_explorer.data.text_blocks import BLOCK_BYTES, Blocks, Survey, complete_lines, survey
from gmm_explorer.data.text_format import (
    detect_decimal_comma,
    detect_header,
    normalize_delimiter,
    number_or_none,
    sniff_delimiter,
    splitter,
    unique_names,
)
from gmm_explorer.data.text_lines import Batch, data_batches
from gmm_explorer.data.text_rows import Rows, fast_chunk, runs_on, slow_chunk

#: Rows numpy's reader reads at a time: progress and a cancel check between chunks.
CHUNK_LINES = 65536
_SURVEY_SHARE = 0.15  # of the progress span: the first pass over the bytes
_FIELD_SEPARATORS = (",", "\t", ";", " ", "|")


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
    """How the file's data lines are laid out, decided from a sample of them."""

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

    def dtype(self) -> np.dtype:
        """One field per column, as numpy's reader reads a row."""
        return np.dtype([(f"c{j}", "O" if self.is_text[j] else "f8")
                         for j in range(self.n_cols)])


# --------------------------------------------------------------------------- the steps
def _fields_refusal(batch: Batch, path) -> DataError | None:
    """The refusal of a line with more fields than the budget, before any line is split.

    Splitting one line of 50 million fields would take gigabytes of Python
    strings. A line of n characters has at most n + 1 fields, so only lines
    at least as long as the budget are looked at, and their delimiters counted
    in C (``str.count``) for each delimiter the sniffer could choose.
    """
    limit = budget("GMM_EXPLORER_MAX_FIELDS")
    if max(map(len, batch.records)) < limit:
        return None
    for line, number in zip(batch.records, batch.lines):
        if len(line) >= limit:
            fields = 1 + max(line.count(c) for c in _FIELD_SEPARATORS)
            try:
                check_fields(fields, path, int(number))
            except DataError as refusal:
                return refusal
    return None


def _first_refusal(refusal: DataError, is_fields: bool, batches, path, cancel) -> DataError:
    """The refusal of the whole file: ``refusal``, unless the lines after it hold one that
    comes first.

    The file's faults are named in the order of the steps, each over the whole file: a
    quote never closed (the batches raise it), then a line over the fields budget
    (``is_fields``: ``refusal`` is one), then a header without rows, then a row that does
    not parse. A file refused for a row is read to its end (its lines split and joined, not
    parsed) for the faults that come first.
    """
    for batch in batches:
        if cancel is not None and cancel():
            raise LoadCancelled(path)
        if not is_fields:
            earlier = _fields_refusal(batch, path)
            if earlier is not None:
                refusal, is_fields = earlier, True
    return refusal


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


def _head(batches) -> tuple[Batch, bool]:
    """The first ``SAMPLE_LINES`` data lines or more (as the batches come), and whether
    they are all there is."""
    head = next(batches)
    while len(head.records) < SAMPLE_LINES:
        more = next(batches, None)
        if more is None:
            return head, True
        head = Batch(head.records + more.records, np.concatenate([head.lines, more.lines]),
                     more.done)
    return head, False


def _layout(head: Batch, whole: bool, quote: bool, delimiter, force_text, path) -> _Layout:
    """Delimiter, decimal commas, header, names and column kinds, from the first lines.

    ``whole`` says that ``head`` holds every data line of the file; ``quote``, that the
    file holds a double quote somewhere.

    Raises :class:`DataError` when no row is left below the header.
    """
    sample = head.records[:SAMPLE_LINES]
    delim = sniff_delimiter(sample) if delimiter is None else normalize_delimiter(delimiter)
    quoted = delim is not None and quote
    split = splitter(delim, quoted)
    sample_rows = split(sample)
    decimal_comma = detect_decimal_comma(sample_rows[1:] or sample_rows, delim)
    has_header = detect_header(sample_rows, decimal_comma)
    n_cols = len(sample_rows[0])
    names = unique_names(sample_rows[0]) if has_header else [f"x{j}" for j in range(n_cols)]
    layout = _Layout(delimiter=delim, quoted=quoted, split=split,
                     decimal_comma=decimal_comma, has_header=has_header, names=names)
    if whole and len(head.records) == layout.first_data:
        if has_header:
            raise DataError(
                f"has a header ({', '.join(names)}) but no data rows below it; "
                "add rows of numbers under the header", path=path, line=int(head.lines[0]))
        raise DataError("has no data rows; add rows of numbers", path=path)
    body_rows = sample_rows[layout.first_data:]
    layout.is_text = _column_kinds(body_rows, n_cols, decimal_comma, force_text)
    return layout


def _capacity(surveyed: Survey, head: Batch, whole: bool) -> int:
    """Rows to allocate: at most the file's lines, and not far above what the head's
    bytes per row foretell (a file of blank lines after its rows would otherwise ask for
    address space it does not need; more room is made if the foretelling falls short)."""
    if whole:
        return len(head.records)
    foretold = surveyed.size * len(head.records) / max(head.done, 1)
    return min(surveyed.lines, int(1.25 * foretold) + CHUNK_LINES)


class _Lookahead:
    """The batches, with a look at the next one when a record at a batch's end needs it."""

    def __init__(self, batches):
        self._batches = batches
        self._next: Batch | None = None

    def __iter__(self):
        return self

    def __next__(self) -> Batch:
        if self._next is not None:
            batch, self._next = self._next, None
            return batch
        return next(self._batches)

    def more(self) -> bool:
        """Whether another batch follows."""
        if self._next is None:
            self._next = next(self._batches, None)
        return self._next is not None


def _parse_batch(batch: Batch, skip: int, layout: _Layout, rows: Rows, path, *, batches,
                 progress, cancel, read_before: int, to_fraction) -> None:
    """Every row of ``batch`` after its first ``skip`` records, chunk by chunk, with
    progress and a cancel check between chunks.

    ``batches`` (a :class:`_Lookahead`) says whether rows follow the batch: a record that
    opens a quoted field at a chunk's end is refused as it is within a chunk, unless it is
    the file's last (numpy's reader would take it as closed at the end of its lines).
    """
    records, lines = batch.records, batch.lines
    n_records = len(records)
    dtype, numeric, text_cols = layout.dtype(), layout.numeric, layout.text_cols
    fast = not layout.decimal_comma
    for start in range(skip, n_records, CHUNK_LINES):
        if cancel is not None and cancel():
            raise LoadCancelled(path)
        stop = min(start + CHUNK_LINES, n_records)
        chunk, at = records[start:stop], rows.n
        rows.make_room(stop - start)
        open_end = (layout.quoted and runs_on(layout, chunk[-1])
                    and (stop < n_records or batches.more()))
        parsed = (fast_chunk(chunk, dtype, layout.delimiter, layout.quoted)
                  if fast and not open_end else None)
        if parsed is not None and len(parsed) == len(chunk):
            for i, j in enumerate(numeric):
                rows.values[at:at + len(chunk), i] = parsed[f"c{j}"]
            for j in text_cols:
                rows.texts[j][at:at + len(chunk)] = parsed[f"c{j}"]
        else:
            slow_chunk(chunk, lines[start:stop], layout, rows, path, open_end)
        rows.lines[at:at + len(chunk)] = lines[start:stop]
        rows.n += len(chunk)
        if progress is not None:
            progress(to_fraction(read_before + (batch.done - read_before) * stop / n_records))


# --------------------------------------------------------------------------- reading
def read_delimited(data, path, *, delimiter=None, progress=None, cancel=None,
                   progress_span=(0.0, 1.0), force_text=(),
                   block_size: int = BLOCK_BYTES) -> TextTable:
    """Parse a delimited text file into a :class:`TextTable`, block by block.

    Parameters
    ----------
    data : bytes, bytearray, memoryview or binary file
        The file's content: a regular file open for reading (seekable: it is read twice,
        never whole), or a stream's bytes already in memory.
    path : str or Path
        For messages only.
    delimiter : str or None
        None sniffs it; see :func:`normalize_delimiter` for the names accepted.
    progress : callable(float) or None
        Called with the fraction done (within ``progress_span``) after each block of the
        first pass and each chunk of rows.
    cancel : callable() -> bool or None
        Checked between blocks and between chunks; True raises :class:`LoadCancelled`.
    force_text : iterable of int
        Column positions to read as text even if they hold numbers.
    block_size : int
        Bytes read at a time: the memory the parse needs besides the table.

    Raises
    ------
    DataError
        Empty file, header only, a word in a numeric column, ragged rows, a line over the
        fields budget, an encoding that mixes two.
    """
    lo, hi = progress_span
    mid = lo + _SURVEY_SHARE * (hi - lo)
    blocks = Blocks(data, block_size)
    surveyed = survey(blocks, path, cancel=cancel, progress=None if progress is None
                      else (lambda f: progress(lo + (mid - lo) * f)))
    batches = data_batches(complete_lines(blocks, surveyed, path, cancel), surveyed.quote,
                           delimiter, path)
    head, whole = _head(batches)
    refusal = _fields_refusal(head, path)
    if refusal is not None:
        raise _first_refusal(refusal, True, batches, path, cancel)
    layout = _layout(head, whole, surveyed.quote, delimiter, force_text, path)
    rows = Rows(len(layout.numeric), layout.text_cols, _capacity(surveyed, head, whole))
    size = max(surveyed.size, 1)
    steps = dict(progress=progress, cancel=cancel,
                 to_fraction=lambda done: mid + (hi - mid) * min(done / size, 1.0))
    batches = _Lookahead(batches)
    batch, skip, read, head = head, layout.first_data, 0, None
    while batch is not None:
        refusal = _fields_refusal(batch, path)
        if refusal is not None:
            raise _first_refusal(refusal, True, batches, path, cancel)
        try:
            _parse_batch(batch, skip, layout, rows, path, batches=batches, read_before=read,
                         **steps)
        except DataError as refusal:
            raise _first_refusal(refusal, False, batches, path, cancel) from None
        skip, read, batch = 0, batch.done, None  # let it go before the next is read
        batch = next(batches, None)
    rows.trim()
    return TextTable(
        names=layout.names, has_header=layout.has_header, numeric=layout.numeric,
        values=rows.values, text=rows.texts, lines=rows.lines, missing=rows.missing,
        strays=rows.strays, delimiter=layout.delimiter, encoding=surveyed.encoding.name,
        decimal_comma=layout.decimal_comma,
        notes=[surveyed.encoding.note] if surveyed.encoding.note is not None else [],
    )
