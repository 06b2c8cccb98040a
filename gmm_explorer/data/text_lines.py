"""The data lines of a delimited text, batch by batch, each with the line of the file it is on.

From pieces of whole lines (:func:`~gmm_explorer.data.text_blocks.complete_lines`): the
lines split at ``\\n`` only, joined where a quoted field runs over a line end
(``quoted_records.py``), and ``#`` comment lines and blank lines left out. A record still
open at the end of a piece waits for the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.quoted_records import SAMPLE_LINES, join_quoted, record_delimiter

__all__ = ["Batch", "data_batches", "split_lines"]

_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_LINE = re.compile(r"\n[ \t]+(?:\n|$)")
_BLANK_START = re.compile(r"[ \t]+(?:\n|$)")
# whitespace other than space, tab and line ends (what str.strip removes too): a line of
# only these is blank, and the quick checks for blank lines above would not see it
_OTHER_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029"
                          "\u202f\u205f\u3000]")
_ASCII_OTHER_SPACE = "\x0b\x0c\x1c\x1d\x1e\x1f"  # the same in ASCII: one memchr each


@dataclass
class Batch:
    """Consecutive data records of the file.

    Attributes
    ----------
    records : list of str
        Lines, or lines joined by ``\\n`` where a quoted field spans them.
    lines : ndarray of shape (len(records),), int64
        The 1-based file line each record starts on.
    done : int
        Bytes of the file read up to the end of this batch.
    """

    records: list
    lines: np.ndarray
    done: int


def split_lines(text: str) -> list[str]:
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


def _may_skip(text: str) -> bool:
    """Whether ``text`` may hold a comment line or a blank line (quick checks in C)."""
    if (not text or text.isspace() or "#" in text or text.startswith("\n") or "\n\n" in text
            or _BLANK_START.match(text) is not None):
        return True
    if ((" " in text and "\n " in text) or ("\t" in text and "\n\t" in text)) \
            and _BLANK_LINE.search(text) is not None:
        return True
    if text.isascii():
        return any(c in text for c in _ASCII_OTHER_SPACE)
    return _OTHER_SPACE.search(text) is not None


def data_batches(pieces: Iterable[tuple[str, int, bool]], quote: bool, delimiter,
                 path) -> Iterator[Batch]:
    """The data records of the text, in batches, with their lines.

    Parameters
    ----------
    pieces : iterable of (str, int, bool)
        Text ending at line breaks (the last piece: at the end of the file), made of ``\\n``
        line ends; the bytes read so far; whether it is the last piece.
    quote : bool
        Whether the whole text holds a double quote (if not, no line is joined).
    delimiter : str or None
        As given (None: sniffed), to decide where quoted fields start.
    path : str or Path
        For messages.

    Raises
    ------
    DataError
        No data line at all (empty, or comments only); a quote never closed.
    """
    pieces = iter(pieces)
    lines, may_skip, final = [], False, False
    # the first lines decide where quoted fields start, before any is joined
    while not final and len(lines) < 4 * SAMPLE_LINES:
        text, done, final = next(pieces)
        lines += split_lines(text)
        may_skip = may_skip or _may_skip(text)
        text = None
    joiner = record_delimiter(lines, delimiter) if quote else None
    base, rows, comments = 0, 0, False
    while True:
        records, starts, rest = join_quoted(lines, joiner, path, final, base)
        firsts = (np.arange(base, base + len(records)) if starts is None
                  else base + np.asarray(starts, dtype=np.int64))
        if may_skip:
            keep = [i for i, line in enumerate(records)
                    if line.strip() and not line.lstrip().startswith("#")]
            if len(keep) < len(records):
                comments = comments or any(line.strip() for line in records)
                records = [records[i] for i in keep]
                firsts = firsts[np.asarray(keep, dtype=np.intp)]
        if records:
            rows += len(records)
            yield Batch(records, firsts + 1, done)
        if final:
            break
        base += rest
        carried = lines[rest:]
        records = lines = firsts = None  # one batch's lines in memory at a time
        text, done, final = next(pieces)
        lines = carried + split_lines(text) if carried else split_lines(text)
        may_skip = bool(carried) or _may_skip(text)
        text = None
    if not rows:
        if comments:
            raise DataError(
                "holds only comment lines (starting with #) and no data; "
                "add rows of numbers below the comments", path=path)
        raise DataError("is empty; give a file with a header line and rows of numbers", path=path)

