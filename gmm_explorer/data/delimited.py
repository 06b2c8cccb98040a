"""Delimited text tables: CSV, TSV, semicolon- and whitespace-separated files.

The file is decoded (UTF-8, else Latin-1; a UTF-16 byte-order mark is
honoured), ``#`` comment lines and blank lines are skipped, the delimiter is
sniffed from the first lines, a header row is detected, and each column is
classed as numeric (features) or text (known classes, e.g. iris's species).

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

import csv
import re
from dataclasses import dataclass, field

import numpy as np

from gmm_explorer.data.errors import DataError, LoadCancelled, describe_column

#: Cells read as missing values (compared after stripping, case-insensitively).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "-nan", "null", "none", "?", "missing", "-", ".", "#n/a"}
)

CHUNK_LINES = 65536
_SAMPLE_LINES = 200
_SNIFF_CANDIDATES = ("\t", ";", ",", None)  # None: runs of whitespace
_DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", None: "whitespace", " ": "space"}
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_LINE = re.compile(r"\n[ \t]+(?:\n|$)")
_BLANK_START = re.compile(r"[ \t]+(?:\n|$)")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


def delimiter_name(delimiter) -> str:
    """A delimiter in words, for messages: ``","`` -> ``"comma"``."""
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def normalize_delimiter(delimiter):
    """Accept ``","``, ``";"``, ``"\\t"``, ``"tab"``, ``"whitespace"``, ``"space"``, ...

    Returns the one-character delimiter, or None for runs of whitespace.
    """
    if delimiter is None:
        return None
    names = {
        "tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "whitespace": None,
        "space": None, " ": None, "spaces": None, "pipe": "|",
    }
    key = delimiter.lower() if isinstance(delimiter, str) else delimiter
    if key in names:
        return names[key]
    if isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in "\"\r\n#":
        return delimiter
    raise ValueError(
        f"unknown delimiter {delimiter!r}: use one character such as ',' ';' '|', "
        "or 'tab' or 'whitespace'"
    )


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
        opposed to NaN or inf written as numbers.
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


# --------------------------------------------------------------------------- decoding
def looks_binary(data: bytes) -> int | None:
    """Offset of the first byte that marks ``data`` as binary, or None for text."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with a byte-order mark
    nul = head.find(b"\x00")
    if nul >= 0:
        return nul
    control = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 11)) + b"\x7f"
    bad = [i for i, b in enumerate(head[:4096]) if b in control]
    if bad and len(bad) > max(2, len(head[:4096]) // 100):
        return bad[0]
    return None


def decode(data: bytes, path) -> tuple[str, str]:
    """Text and encoding name: UTF-16 by its BOM, else UTF-8 (BOM dropped), else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(
                f"starts like UTF-16 text but cannot be decoded as such ({exc.reason} at byte "
                f"{exc.start}); save it again as UTF-8 CSV",
                path=path,
            ) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# --------------------------------------------------------------------------- splitting
def _splitter(delimiter, quoted: bool):
    """A function from a list of lines to a list of lists of cells."""
    if delimiter is None:
        return lambda lines: [line.split() for line in lines]
    if not quoted:
        return lambda lines: [line.split(delimiter) for line in lines]
    return lambda lines: list(csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False))


def _number_or_none(cell: str, decimal_comma: bool):
    """float, ``"missing"`` for a missing-value token, or None for a word."""
    t = cell.strip()
    if t.lower() in MISSING_TOKENS:
        return "missing"
    if "_" not in t:
        try:
            return float(t)
        except ValueError:
            pass
    if decimal_comma and _DECIMAL_COMMA.fullmatch(t):
        return float(t.replace(",", "."))
    return None


def sniff_delimiter(sample_lines: list[str]):
    """The delimiter that splits every sample line into the same number (> 1) of cells.

    Tab, then semicolon, then comma, then whitespace are tried in that order
    (a semicolon file may use decimal commas). With no consistent candidate,
    the one that splits most lines into several cells wins, so that the
    ragged row is then reported with its line.
    """
    if not sample_lines:
        return ","
    best, best_score = ",", -1
    for cand in _SNIFF_CANDIDATES:
        if cand is not None and not any(cand in line for line in sample_lines):
            continue
        rows = _splitter(cand, any('"' in line for line in sample_lines))(sample_lines)
        counts = [len(r) for r in rows]
        if counts[0] > 1 and all(c == counts[0] for c in counts):
            return cand
        score = sum(c > 1 for c in counts)
        if score > best_score:
            best, best_score = cand, score
    if best_score <= 0:
        return ","  # one column: the delimiter does not matter
    return best


def _detect_decimal_comma(rows, delimiter) -> bool:
    if delimiter == ",":
        return False
    cells = [c.strip() for r in rows for c in r]
    commas = sum(1 for c in cells if _DECIMAL_COMMA.fullmatch(c))
    return commas > 0 and not any("." in c and _number_or_none(c, False) is not None
                                  for c in cells)


def _detect_header(rows, decimal_comma) -> bool:
    """The first row is a header when it has a word where the rows below have numbers.

    A first row of words only is also a header (a header-only file, or a
    table of text). A first row whose words sit in text columns (labels in a
    file without header) is data.
    """
    first = rows[0]
    kinds = [_number_or_none(c, decimal_comma) for c in first]
    words = [j for j, k in enumerate(kinds) if k is None]
    if not words:
        return False
    if len(words) == len(first):
        return True
    below = rows[1:]
    for j in words:
        col = [_number_or_none(r[j], decimal_comma) for r in below if j < len(r)]
        numbers = sum(1 for v in col if isinstance(v, float))
        texts = sum(1 for v in col if v is None)
        if numbers > texts:
            return True
    return False


def _unique_names(raw: list[str]) -> list[str]:
    names, seen = [], set()
    for j, name in enumerate(raw):
        name = name.strip().strip('"').strip() or f"x{j}"
        base, k = name, 1
        while name in seen:
            name = f"{base}.{k}"
            k += 1
        seen.add(name)
        names.append(name)
    return names


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
    text, encoding = decode(data, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        odd_breaks = any(c in text for c in "\x0b\x0c\x1c\x1d\x1e")
    else:
        odd_breaks = _OTHER_BREAKS.search(text) is not None
    if not odd_breaks:
        all_lines = text.splitlines()  # faster than split("\n"), same result here
    else:  # splitlines would also break at \x0b, \x85, \u2028, ...
        all_lines = text.split("\n")
        if all_lines and all_lines[-1] == "":
            all_lines.pop()
    skipped = ("#" in text or text.startswith("\n") or "\n\n" in text
               or (("\n " in text or "\n\t" in text) and _BLANK_LINE.search(text) is not None)
               or _BLANK_START.match(text) is not None)
    if not skipped and text.strip():
        keep = None  # every line is data: the common, fast case
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

    def line_of(k: int) -> int:
        """1-based file line of data line k."""
        return (k if keep is None else keep[k]) + 1

    sample = data_lines[:_SAMPLE_LINES]
    if delimiter is None:
        delim = sniff_delimiter(sample)
    else:
        delim = normalize_delimiter(delimiter)
    quoted = delim is not None and '"' in text
    split = _splitter(delim, quoted)
    sample_rows = split(sample)
    decimal_comma = _detect_decimal_comma(sample_rows[1:] or sample_rows, delim)
    has_header = _detect_header(sample_rows, decimal_comma)
    n_cols = len(sample_rows[0])
    if has_header:
        names = _unique_names(sample_rows[0])
        body_rows = sample_rows[1:]
        first_data = 1
    else:
        names = [f"x{j}" for j in range(n_cols)]
        body_rows = sample_rows
        first_data = 0
    n_rows = len(data_lines) - first_data
    if n_rows == 0:
        if has_header:
            raise DataError(
                f"has a header ({', '.join(names)}) but no data rows below it; "
                "add rows of numbers under the header", path=path, line=line_of(0))
        raise DataError("has no data rows; add rows of numbers", path=path)

    # Column kinds from the sample: text where words outnumber numbers.
    force_text = set(force_text)
    is_text = []
    for j in range(n_cols):
        col = [_number_or_none(r[j], decimal_comma) for r in body_rows if j < len(r)]
        numbers = sum(1 for v in col if isinstance(v, float))
        words = sum(1 for v in col if v is None)
        is_text.append(j in force_text or words > numbers)
    numeric = [j for j in range(n_cols) if not is_text[j]]
    text_cols = [j for j in range(n_cols) if is_text[j]]

    dtype = np.dtype([(f"c{j}", "O" if is_text[j] else "f8") for j in range(n_cols)])
    lo, hi = progress_span
    body = data_lines[first_data:]
    values = np.empty((n_rows, len(numeric)))
    missing = np.zeros((n_rows, len(numeric)), dtype=bool)
    texts = {j: np.empty(n_rows, dtype=object) for j in text_cols}
    header_desc = "the header" if has_header else "the first row"

    for start in range(0, n_rows, CHUNK_LINES):
        if cancel is not None and cancel():
            raise LoadCancelled(path)
        chunk = body[start:start + CHUNK_LINES]
        parsed = None
        if not decimal_comma:
            try:
                parsed = np.loadtxt(
                    chunk, dtype=dtype, delimiter=delim, comments=None,
                    quotechar='"' if quoted else None, ndmin=1,
                )
            except (ValueError, TypeError):
                parsed = None
        stop = start + len(chunk)
        if parsed is not None and len(parsed) == len(chunk):
            for i, j in enumerate(numeric):
                values[start:stop, i] = parsed[f"c{j}"]
            for j in text_cols:
                texts[j][start:stop] = parsed[f"c{j}"]
        else:
            _slow_chunk(
                chunk, split(chunk), start, first_data, n_cols, numeric, text_cols, names,
                decimal_comma, delim, header_desc, values, missing, texts, path, line_of,
            )
        if progress is not None:
            progress(lo + (hi - lo) * stop / n_rows)

    text_arrays = {j: texts[j] for j in text_cols}  # object arrays of str, stripped later
    if keep is None:
        lines = np.arange(first_data + 1, first_data + 1 + n_rows)
    else:
        lines = np.asarray(keep[first_data:], dtype=np.int64) + 1
    return TextTable(
        names=names, has_header=has_header, numeric=numeric, values=values,
        text=text_arrays, lines=lines, missing=missing, delimiter=delim, encoding=encoding,
        decimal_comma=decimal_comma,
    )


def _slow_chunk(chunk, rows, start, first_data, n_cols, numeric, text_cols, names,
                decimal_comma, delim, header_desc, values, missing, texts, path, line_of):
    """Read one chunk cell by cell: exact line and column for any problem."""
    if len(rows) != len(chunk):  # a quoted field ran over a line end
        for k, line in enumerate(chunk):
            if line.count('"') % 2:
                raise DataError(
                    "has an opening quote (\") that is not closed on the same line; "
                    "close the quote or remove it", path=path,
                    line=line_of(first_data + start + k))
    pos = {j: i for i, j in enumerate(numeric)}
    for k, cells in enumerate(rows):
        r = start + k
        if len(cells) != n_cols:
            what = delimiter_name(delim)
            raise DataError(
                f"has {len(cells)} fields where {header_desc} has {n_cols}; every row needs "
                f"the same number of values (look for a missing or extra {what}, or a {what} "
                "inside unquoted text)", path=path, line=line_of(first_data + r))
        for j in numeric:
            v = _number_or_none(cells[j], decimal_comma)
            if v is None:
                col = describe_column(names[j], j)
                raise DataError(
                    f"{col} holds {cells[j].strip()!r}, which is not a number; correct the "
                    "cell (empty, NA and NaN are read as missing values), or leave the column "
                    "out (columns= in Python, --columns on the command line)",
                    path=path, line=line_of(first_data + r), column=col)
            if v == "missing":
                values[r, pos[j]] = np.nan
                missing[r, pos[j]] = True
            else:
                values[r, pos[j]] = v
        for j in text_cols:
            texts[j][r] = cells[j]
