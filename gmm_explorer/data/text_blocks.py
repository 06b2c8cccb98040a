"""A text file's bytes in blocks: a first pass that surveys them, a second that decodes them.

A delimited file is read twice, block by block, so that neither its bytes nor its text are
ever held whole (with a Python string per line, that took six to seven times the size of
the parsed array at the load's peak):

1. :func:`survey` looks at every byte once, in C where it can: the fields-per-line budget
   (before anything is decoded), the encoding of the whole file (so that no file is read
   in a mix of two), whether a double quote occurs anywhere, and how many lines there are
   (the rows cannot be more, so the arrays are allocated once).
2. :func:`complete_lines` decodes the blocks again and yields text that ends at a line
   break, line ends made ``\\n``; the partial last line waits for the next block.

A stream (standard input, a pipe) is in memory already, read once within its budget; it
goes through the same two passes over a ``memoryview``, so there is one reader, not two.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

from gmm_explorer.data.budgets import FieldsInBytes
from gmm_explorer.data.errors import DataError, LoadCancelled
from gmm_explorer.data.text_encoding import Encoding, EncodingCheck, decoder

__all__ = ["BLOCK_BYTES", "Blocks", "Survey", "complete_lines", "survey"]

#: Bytes read at a time. Each block's lines become Python strings of about 2.5 times its
#: size while they are parsed; a few MiB keep numpy's reader as fast as on the whole file.
BLOCK_BYTES = 1 << 20
#: The first bytes that decide a byte-order mark.
_MARK_BYTES = 4


class Blocks:
    """The bytes of a regular file, or of a buffer in memory, block by block.

    Parameters
    ----------
    data : bytes, bytearray, memoryview or binary file
        A file must be seekable: each pass starts again at its beginning.
    block_size : int
        Bytes per block (the first block has at least a few bytes, for a byte-order mark).
    """

    def __init__(self, data, block_size: int = BLOCK_BYTES):
        if block_size < 1:
            raise ValueError(f"block_size must be at least 1, not {block_size}")
        self.block_size = block_size
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._view, self._file = memoryview(data).cast("B"), None
        else:
            self._view, self._file = None, data

    def size_hint(self) -> int:
        """The size now (the file's may change while it is read)."""
        if self._file is None:
            return len(self._view)
        return os.fstat(self._file.fileno()).st_size

    def __call__(self, stop: int | None = None) -> Iterator[bytes]:
        """Every block from the start, up to byte ``stop`` (None: to the end)."""
        done, size = 0, self.block_size
        if self._file is not None:
            self._file.seek(0)
        while stop is None or done < stop:
            want = max(size, _MARK_BYTES) if done == 0 else size
            if stop is not None:
                want = min(want, stop - done)
            if self._file is None:
                block = bytes(self._view[done:done + want])
            else:
                block = self._file.read(want)
            if not block:
                return
            done += len(block)
            yield block


@dataclass(frozen=True)
class Survey:
    """What the first pass found.

    Attributes
    ----------
    encoding : Encoding
        For the whole file.
    quote : bool
        Whether a double quote occurs anywhere (quoted fields are then read as such).
    lines : int
        At least the number of lines, so at least the number of rows.
    size : int
        Bytes surveyed; the second pass reads exactly these.
    """

    encoding: Encoding
    quote: bool
    lines: int
    size: int


def survey(blocks: Blocks, path, *, progress=None, cancel=None) -> Survey:
    """The first pass: budget, encoding, quotes, lines.

    Parameters
    ----------
    blocks : Blocks
    path : str or Path
        For messages.
    progress : callable(float) or None
        The fraction of the bytes surveyed, after each block.
    cancel : callable() -> bool or None
        Checked before each block; True raises :class:`LoadCancelled`.

    Raises
    ------
    DataError
        A line over the fields budget (first, wherever it is), then an encoding that does
        not decode or mixes two encodings.
    """
    fields, check, size = FieldsInBytes(path), None, 0
    total = max(blocks.size_hint(), 1)
    for block in blocks():
        if cancel is not None and cancel():
            raise LoadCancelled(path)
        if check is None:
            check = EncodingCheck(block, path)
        fields.feed(block)
        check.feed(block)
        size += len(block)
        if progress is not None:
            progress(min(size / total, 1.0))
    fields.finish()
    if check is None:
        return Survey(Encoding("utf-8"), False, 1, 0)
    return Survey(check.finish(lambda offset: _newlines(blocks, offset)), check.quote,
                  fields.lines, size)


def _newlines(blocks: Blocks, stop: int) -> int:
    """The ``\\n`` bytes before offset ``stop``: the file's start read again."""
    return sum(block.count(b"\n") for block in blocks(stop))


def complete_lines(blocks: Blocks, surveyed: Survey, path,
                   cancel=None) -> Iterator[tuple[str, int, bool]]:
    """The second pass: the text in pieces of whole lines, the bytes read so far, and
    whether the piece is the last.

    Each piece ends with ``\\n`` except the last, which holds what follows the last line
    break (often nothing); ``\\r\\n`` and a lone ``\\r`` are made ``\\n``. A block's end never
    splits a ``\\r\\n``, a character, or a line. ``cancel`` is checked before each block.

    Raises
    ------
    DataError
        The file changed since it was surveyed (its bytes no longer decode, or fewer are
        left).
    LoadCancelled
    """
    decode = decoder(surveyed.encoding).decode
    skip = surveyed.encoding.skip
    done, parts = 0, []  # parts: the line not ended yet
    changed = DataError("changed while it was read; load it again once it is written",
                        path=path)
    try:
        for block in blocks(surveyed.size):
            if cancel is not None and cancel():
                raise LoadCancelled(path)
            start, done = done, done + len(block)
            text = decode(block[skip - start:] if start < skip else block)
            block = None
            cut = _last_break(text)
            if cut < 0:
                parts.append(text)
                continue
            parts.append(text if cut == len(text) - 1 else text[:cut + 1])
            rest, text = text[cut + 1:], None
            piece = _one_line_end(parts[0] if len(parts) == 1 else "".join(parts))
            parts = [rest] if rest else []
            # held by no one here while the caller parses it, so that a block's text is
            # in memory once, not two or three times
            yield piece, done, False
            piece = None
        parts.append(decode(b"", True))
    except UnicodeDecodeError:
        raise changed from None
    if done < surveyed.size:
        raise changed
    yield _one_line_end("".join(parts)), done, True


def _last_break(text: str) -> int:
    """The last line break after which ``text`` may be cut, or -1.

    A ``\\r`` at the very end is no such place: a ``\\n`` may follow in the next block.
    """
    cut = max(text.rfind("\n"), text.rfind("\r"))
    if cut >= 0 and cut == len(text) - 1 and text[cut] == "\r":
        cut = max(text.rfind("\n", 0, cut), text.rfind("\r", 0, cut))
    return cut


def _one_line_end(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text

