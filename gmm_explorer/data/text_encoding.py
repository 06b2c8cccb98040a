"""A text file's encoding, decided for the whole file while its bytes go by block by block.

The rule is one for the whole file, so that no file is read in a silent mix of two
encodings: UTF-16 by its byte-order mark; else UTF-8 (a BOM dropped) when every byte is
valid UTF-8; else, when the file holds no multi-byte UTF-8 sequence at all, Windows-1252
(or Latin-1, which reads any byte), with a note saying so. A file with both valid UTF-8
sequences and invalid bytes is refused at the line of the first invalid byte: decoding it
either way would change some of its words silently.

:class:`EncodingCheck` sees each block once and keeps only a few bytes between blocks, so
the whole file never has to be in memory; the parse then decodes the blocks again with
:func:`decoder`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Callable

from gmm_explorer.data.errors import DataError

__all__ = ["Encoding", "EncodingCheck", "decoder"]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A well-formed multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates). Text in a
# one-byte code page almost never holds one by chance, so finding one beside an invalid byte
# means a file mixing two encodings, which no single decoding reads right.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_LONGEST_SEQUENCE = 4
# the five bytes Windows-1252 leaves undefined: a file holding one is read as Latin-1
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


@dataclass(frozen=True)
class Encoding:
    """How to decode a file's bytes.

    Attributes
    ----------
    name : str
        The codec: ``"utf-8"``, ``"utf-16"``, ``"cp1252"`` or ``"latin-1"``.
    skip : int
        Bytes to drop at the start (a UTF-8 byte-order mark).
    note : str or None
        What the user should know (a file read as Windows-1252).
    """

    name: str
    skip: int = 0
    note: str | None = None


def decoder(encoding: Encoding):
    """An incremental decoder for ``encoding`` (its ``skip`` bytes are the caller's)."""
    return codecs.getincrementaldecoder(encoding.name)()


class EncodingCheck:
    """Decide a file's :class:`Encoding` from its blocks, each seen once, in order.

    Parameters
    ----------
    head : bytes
        The file's first bytes (at least 3 unless the file is shorter): the byte-order mark.
    path : str or Path
        For messages.

    Feed every block to :meth:`feed`, then call :meth:`finish`, which refuses the file or
    says how to decode it. Nothing is refused before :meth:`finish`, so that a budget
    checked on the same blocks is refused first whatever its place, as when the whole file
    was checked for budgets before it was decoded. Only a few bytes are kept between blocks:
    the line of the first byte that is not UTF-8 is counted at the end, from the file's start
    read again (UTF-8 files never pay for it). ``quote`` tells afterwards whether the text
    holds a double quote anywhere.
    """

    def __init__(self, head: bytes, path):
        self.path = path
        self.quote = False
        self._utf16 = bytes(head[:2]) in _UTF16_BOMS
        self._skip = 3 if bytes(head[:3]) == _UTF8_BOM else 0
        self._decoder = codecs.getincrementaldecoder("utf-16")() if self._utf16 else None
        self._offset = 0        # bytes fed so far
        self._pending = b""     # an unfinished UTF-8 sequence at the end of the last block
        self._multibyte = False  # a valid multi-byte UTF-8 sequence seen before any bad byte
        self._bad = None        # (offset, byte) of the first byte that is not UTF-8
        self._mixed = False     # and a valid multi-byte UTF-8 sequence is in the file too
        self._tail = b""        # the last bytes scanned after it (a sequence may straddle)
        self._undefined = False  # a byte Windows-1252 leaves undefined, after the bad one
        self._refusal: DataError | None = None

    # ------------------------------------------------------------------ feeding
    def feed(self, block: bytes) -> None:
        """Look at the next ``block`` of the file."""
        start = self._offset
        self._offset += len(block)
        if self._refusal is not None or self._mixed:
            return
        if self._utf16:
            self._feed_utf16(block, start)
            return
        if not self.quote and b'"' in block:  # a quote byte is a quote in UTF-8 and cp1252
            self.quote = True
        if start < self._skip:
            block = block[self._skip - start:]
            start = self._skip
        if self._bad is not None:
            self._scan(block)
            return
        if not self._pending and block.isascii():  # the common case, checked in C
            return
        data = self._pending + block
        try:
            text, used = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError as exc:
            self._found_bad(data, exc.start, start - len(self._pending))
            return
        self._multibyte = self._multibyte or not text.isascii()
        self._pending = data[used:]

    def _feed_utf16(self, block: bytes, start: int) -> None:
        buffered = len(self._decoder.getstate()[0])
        try:
            text = self._decoder.decode(block)
        except UnicodeDecodeError as exc:
            self._refuse_utf16(exc, start - buffered)
            return
        self.quote = self.quote or '"' in text

    def _refuse_utf16(self, exc: UnicodeDecodeError, data_start: int) -> None:
        self._refusal = DataError(
            f"starts like UTF-16 text but cannot be decoded as such ({exc.reason} at byte "
            f"{data_start + exc.start}); save it again as UTF-8 CSV", path=self.path)

    def _found_bad(self, data: bytes, at: int, data_start: int) -> None:
        """The first byte that is not UTF-8: ``data[at]``, ``data`` starting at ``data_start``.

        What came before it decoded as UTF-8 (any unfinished sequence is part of ``data``).
        """
        self._bad = (data_start + at, data[at])
        if self._skip or self._multibyte or not data[:at].isascii():
            self._mixed = True
            return
        self._scan(data[at:])

    def _scan(self, block: bytes) -> None:
        """After a bad byte: any valid multi-byte sequence refuses the file."""
        data = self._tail + block
        if _UTF8_MULTIBYTE.search(data) is not None:
            self._mixed = True
            return
        self._undefined = self._undefined or _CP1252_UNDEFINED.search(block) is not None
        self._tail = data[-(_LONGEST_SEQUENCE - 1):]

    def _refuse_mixed(self, line: int) -> None:
        byte = self._bad[1]
        self._refusal = DataError(
            f"byte 0x{byte:02x} is not UTF-8, but the file also holds UTF-8 characters "
            "(tried UTF-8, then Windows-1252/Latin-1, which would misread those); it mixes "
            "two encodings: correct that line, or save the whole file again as UTF-8",
            path=self.path, line=line)

    # ------------------------------------------------------------------ the decision
    def finish(self, newlines: Callable[[int], int]) -> Encoding:
        """The encoding of the whole file fed.

        Parameters
        ----------
        newlines : callable(int) -> int
            The number of ``\\n`` bytes before an offset of the file: the line of the
            first byte that is not UTF-8, for the refusal or the note.

        Raises
        ------
        DataError
            UTF-16 that does not decode; UTF-8 mixed with bytes of another encoding.
        """
        if self._refusal is None and self._utf16:
            buffered = len(self._decoder.getstate()[0])
            try:
                self._decoder.decode(b"", True)
            except UnicodeDecodeError as exc:
                self._refuse_utf16(exc, self._offset - buffered)
        elif self._refusal is None and self._bad is None and self._pending:
            try:  # a sequence cut short by the end of the file
                codecs.utf_8_decode(self._pending, "strict", True)
            except UnicodeDecodeError as exc:
                self._found_bad(self._pending, exc.start, self._offset - len(self._pending))
        if self._refusal is None and self._mixed:
            self._refuse_mixed(newlines(self._bad[0]) + 1)
        if self._refusal is not None:
            raise self._refusal
        if self._utf16:
            return Encoding("utf-16")
        if self._bad is None:
            return Encoding("utf-8", self._skip)
        # Windows' code page first: its 0x80-0x9f are letters and signs (euro, quotes),
        # which Latin-1 would read as invisible control characters
        name, title = ("latin-1", "Latin-1") if self._undefined else ("cp1252", "Windows-1252")
        offset, byte = self._bad
        line = newlines(offset) + 1
        return Encoding(name, 0, (
            f"read as {title}: the file is not UTF-8 (the first byte that is not, 0x"
            f"{byte:02x}, is on line {line}) and holds no UTF-8 characters; "
            "save it as UTF-8 if that is wrong"))
