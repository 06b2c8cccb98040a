"""Errors raised by the data layer.

Every :class:`DataError` names the file it is about and, where it applies,
the line and the column, and its message ends with what to do. The command
line prints ``error: <str(exc)>``; the window shows the same text.
"""

from __future__ import annotations

import os
import re

# Characters that must not reach a terminal or a one-line message raw: C0 and C1 controls
# (escape sequences can retitle or garble a terminal), line and paragraph separators, and
# the bidirectional overrides and isolates, which make text read differently than it is,
# and lone surrogates (undecodable bytes of a file name), which a terminal cannot encode.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text) -> str:
    """``text`` with control characters escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    Used for everything from a file that is printed: names, cells, messages. The result is
    one line and carries no terminal escape; ordinary non-ASCII letters are kept.
    """
    text = str(text)
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def ordinal(n: int) -> str:
    """``1`` -> ``"1st"``, ``2`` -> ``"2nd"``, ``11`` -> ``"11th"``."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_column(name, index) -> str:
    """``column 'waiting' (the 2nd)`` from a name and a 0-based index."""
    if name is None:
        return f"the {ordinal(index + 1)} column"
    return f"column {name!r} (the {ordinal(index + 1)})"


class DataError(ValueError):
    """A data or model file that cannot be used, and why, and what to do.

    ``str(exc)`` is ``"<file>: line L: <message>"`` (the line part only where
    it applies), ready to be printed after ``error: ``.

    Attributes
    ----------
    path : str or None
        The file, as the user gave it.
    line : int or None
        1-based line of a text file, as an editor shows it.
    column : str or None
        The column's description, e.g. ``"column 'waiting' (the 2nd)"``.
    reason : str
        The message without the file and line prefix.
    """

    def __init__(self, reason: str, *, path=None, line=None, column=None, line_in_reason=False):
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self._line_in_reason = line_in_reason
        self.column = column
        self.reason = reason
        super().__init__(self._compose())

    def _compose(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(self.path)
        if self.line is not None and not self._line_in_reason:
            parts.append(f"line {self.line}")
        parts.append(self.reason)
        # a file's name or bytes may hold control characters: one line, no terminal escapes
        return printable(": ".join(parts))

    def with_path(self, path) -> "DataError":
        """The same error about ``path`` (used when a helper did not know the file)."""
        return DataError(self.reason, path=path, line=self.line, column=self.column,
                         line_in_reason=self._line_in_reason)


class LoadCancelled(Exception):
    """Raised by :func:`~gmm_explorer.data.load_data` when ``cancel()`` returned True."""

    def __init__(self, path=None):
        self.path = None if path is None else os.fspath(path)
        super().__init__(f"{printable(self.path)}: loading cancelled" if self.path
                         else "loading cancelled")
