"""Budgets: how much a file may ask for, checked before anything is allocated.

A hostile or damaged file can claim (in an ``.npy`` header, a zip directory,
or one very long line) far more memory than the machine has. Each budget is
checked from what the file *says* before the memory is taken, and a refusal
names the budget and how to raise it. Every budget is an environment
variable (documented in the README's "What it refuses, and why"), so that the
command line and the window obey the same limits.

===============================  ============  ===========================================
variable                          default       what it bounds
===============================  ============  ===========================================
``GMM_EXPLORER_MAX_VALUES``       100,000,000   rows x columns of one array (800 MB as float64)
``GMM_EXPLORER_MAX_FEATURES``     1,000         columns EM fits (each component keeps a D x D
                                                covariance)
``GMM_EXPLORER_MAX_FIELDS``       100,000       fields on one line of a text file
``GMM_EXPLORER_MAX_ZIP_RATIO``    200           how much a zip member may expand (uncompressed
                                                over compressed size), for members over 16 MB
===============================  ============  ===========================================
"""

from __future__ import annotations

import os

from gmm_explorer.data.errors import DataError

#: name -> (default, what it bounds, for the messages)
BUDGETS = {
    "GMM_EXPLORER_MAX_VALUES": 100_000_000,
    "GMM_EXPLORER_MAX_FEATURES": 1_000,
    "GMM_EXPLORER_MAX_FIELDS": 100_000,
    "GMM_EXPLORER_MAX_ZIP_RATIO": 200,
}
#: Below this uncompressed size a zip member's ratio is not checked: reading it costs little.
RATIO_FLOOR_BYTES = 16 * 1024 * 1024


def budget(name: str) -> int:
    """The budget's value: the environment variable ``name`` if set to a positive integer.

    Raises
    ------
    DataError
        The variable is set to something else (the message says what it must be).
    """
    default = BUDGETS[name]
    text = os.environ.get(name, "").strip().replace("_", "")
    if not text:
        return default
    try:
        value = int(float(text)) if "e" in text.lower() else int(text)
    except (ValueError, OverflowError):
        value = 0
    if value < 1:
        raise DataError(f"the environment variable {name}={os.environ[name]!r} is not a whole "
                        f"number of at least 1; set it to one (default {default:,}) or unset it")
    return value


def human_bytes(n: float) -> str:
    """``8e12`` -> ``"8.0 TB"`` (decimal units, as disks are sold)."""
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover (the loop returns)


def check_values(shape, path, what: str = "the array", itemsize: int = 8) -> None:
    """Refuse an array whose rows x columns exceed ``GMM_EXPLORER_MAX_VALUES``.

    ``itemsize`` (bytes per element) counts wide records (a structured array's
    row) as the float64 values they could hold, so the budget bounds bytes too.
    """
    limit = budget("GMM_EXPLORER_MAX_VALUES")
    count = 1
    for n in shape:
        count *= int(n)
    count *= max(1, -(-int(itemsize) // 8))
    if count > limit:
        raise DataError(
            f"{what} has shape {tuple(int(n) for n in shape)}: {count:,} values "
            f"({human_bytes(8 * count)} as float64), more than the budget of {limit:,} values; "
            f"use a smaller file, or raise the budget with the environment variable "
            f"GMM_EXPLORER_MAX_VALUES", path=path)


def check_features(n_features: int, path) -> None:
    """Refuse more feature columns than ``GMM_EXPLORER_MAX_FEATURES``: the covariances explode.

    EM keeps a D x D covariance for every component (and the E-step its
    Cholesky factor), so K components take K x D x D x 8 bytes, several times over.
    """
    limit = budget("GMM_EXPLORER_MAX_FEATURES")
    if n_features > limit:
        one = human_bytes(8.0 * n_features * n_features)
        raise DataError(
            f"has {n_features:,} feature columns, more than the budget of {limit:,}: each "
            f"component's {n_features:,} x {n_features:,} covariance takes {one}, and K "
            f"components K times that; choose fewer columns (--columns, or columns= in "
            f"Python), or raise the budget with the environment variable "
            f"GMM_EXPLORER_MAX_FEATURES", path=path)


def check_covariances(n_components: int, n_features: int, path) -> None:
    """Refuse K components whose K x D x D covariances exceed ``GMM_EXPLORER_MAX_VALUES``.

    The engine keeps every covariance as a full matrix, whatever the type, in
    every state of the history; one set of them must at least fit the budget.
    """
    limit = budget("GMM_EXPLORER_MAX_VALUES")
    count = n_components * n_features * n_features
    if count > limit:
        raise DataError(
            f"{n_components:,} components of {n_features:,} features need {n_components:,} x "
            f"{n_features:,} x {n_features:,} covariances: {count:,} values "
            f"({human_bytes(8 * count)}), more than the budget of {limit:,} values; use fewer "
            f"components or columns, or raise the budget with the environment variable "
            f"GMM_EXPLORER_MAX_VALUES", path=path)


def check_fields(n_fields: int, path, line: int | None) -> None:
    """Refuse a text line with more fields than ``GMM_EXPLORER_MAX_FIELDS``."""
    limit = budget("GMM_EXPLORER_MAX_FIELDS")
    if n_fields > limit:
        raise DataError(
            f"has {n_fields:,} fields, more than the budget of {limit:,} fields per line; "
            f"check that this is a table of numbers (one row per line), or "
            f"raise the budget with the environment variable GMM_EXPLORER_MAX_FIELDS",
            path=path, line=line)


class FieldsInBytes:
    """Refuse a line of more than ``GMM_EXPLORER_MAX_FIELDS`` fields, in a file's raw bytes.

    Fed the file block by block (:meth:`feed`, then :meth:`finish`), before the text is
    decoded or split into lines, each a string that may hold 100 MB. Only a line at least
    as long as the budget can hold that many fields. A line that runs over the end of a
    block is measured as it goes (its bytes and separators counted, never kept) and checked
    where it ends. Inside a block, a line twice as long as the budget covers a whole window
    of ``limit`` bytes without a line break, so the windows are searched (in C, without
    copies) and only the lines around such windows are counted. A line the windows miss is
    shorter than twice the budget, cheap for the check after splitting to find.

    Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as the text is split; :attr:`lines` is then
    the number of lines fed, at least the number of rows.
    """

    def __init__(self, path, separators=b",\t; |"):
        self.path = path
        self.limit = budget("GMM_EXPLORER_MAX_FIELDS")
        self._separators = [bytes([c]) for c in separators]
        self._breaks = 0                        # line breaks so far
        self._run = 0                           # bytes of the line not ended yet
        self._counts = [0] * len(separators)    # and its separators of each kind
        self._after_cr = False                  # the last block ended with a \r

    @property
    def lines(self) -> int:
        """Lines fed so far, counting the one not ended yet."""
        return self._breaks + 1

    def feed(self, block: bytes) -> None:
        """Check the next ``block``; refuse a line over the budget as soon as it ends."""
        skip = 1 if self._after_cr and block[:1] == b"\n" else 0  # the \n of a split \r\n
        first = _next_break(block, skip)
        if first < 0:
            self._extend(block, skip, len(block))
        else:
            self._extend(block, skip, first)
            self._end_line(self._breaks + 1)
            last = max(block.rfind(b"\n"), block.rfind(b"\r"))
            self._search(block, first + 1, last, self._breaks + 1 - skip)
            self._run, self._counts = 0, [0] * len(self._separators)
            self._extend(block, last + 1, len(block))
        self._breaks += _breaks(block, skip, len(block))
        self._after_cr = block.endswith(b"\r")

    def finish(self) -> None:
        """Check the last line, which no line break ended."""
        self._end_line(self._breaks + 1)

    def _extend(self, block: bytes, start: int, stop: int) -> None:
        if stop > start:
            self._run += stop - start
            for i, sep in enumerate(self._separators):
                self._counts[i] += block.count(sep, start, stop)

    def _end_line(self, line: int) -> None:
        if self._run >= self.limit:
            check_fields(1 + max(self._counts), self.path, line)

    def _search(self, block: bytes, pos: int, stop: int, base: int) -> None:
        """Refuse a long line wholly inside ``block[pos:stop]``; one that begins at ``begin``
        is line ``base`` plus the line breaks in ``block[:begin]``."""
        limit = self.limit
        while pos + limit <= stop:
            end = pos + limit
            if block.find(b"\n", pos, end) >= 0 or block.find(b"\r", pos, end) >= 0:
                pos = end
                continue
            begin = max(block.rfind(b"\n", 0, pos), block.rfind(b"\r", 0, pos)) + 1
            end = _next_break(block, end)
            fields = 1 + max(block.count(sep, begin, end) for sep in self._separators)
            check_fields(fields, self.path, base + _breaks(block, 0, begin))
            pos = end + 1


def _next_break(block: bytes, start: int) -> int:
    """The first ``\\n`` or ``\\r`` at or after ``start``, or -1."""
    found = [i for i in (block.find(b"\n", start), block.find(b"\r", start)) if i >= 0]
    return min(found, default=-1)


def _breaks(block: bytes, start: int, stop: int) -> int:
    """Line breaks in ``block[start:stop]``, a ``\\r\\n`` counting once."""
    n = block.count(b"\n", start, stop)
    if block.find(b"\r", start, stop) < 0:  # the usual case; one search, in C
        return n
    return n + block.count(b"\r", start, stop) - block.count(b"\r\n", start, stop)
