"""The one opener for every file the program reads: regular files, pipes and stdin.

Every input goes through :func:`read_input`, which opens it once and reads it once:

- a regular file is read by path, in blocks, with progress and a cancel check between them;
  or, for a text file that is parsed as it is read (``text_by_path``), handed on open, so
  that the parser reads it in blocks and the whole file is never in memory;
- a stream (``-`` for stdin, ``/dev/stdin``, ``<(...)``, a named pipe) is read once into memory
  within a budget (``GMM_EXPLORER_STREAM_LIMIT``), never re-opened, because a second open of a
  pipe sees only what the first one left (the header and the first block would be lost);
- a named pipe is opened with ``O_NONBLOCK`` and polled, so that a pipe without a writer, or
  a writer that sends nothing, is refused after ``GMM_EXPLORER_STREAM_WAIT`` seconds and a
  load in the window can be cancelled at any moment (a blocked ``open()`` cannot be);
- character and block devices (``/dev/zero``, ``/dev/urandom``, a terminal), sockets and
  folders are refused at once, from ``os.stat``, before anything is opened.

The kind (``npy``, ``npz`` or text) is sniffed from the bytes already read.
"""

from __future__ import annotations

import hashlib
import os
import re
import select
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gmm_explorer.data import numpy_files
from gmm_explorer.data.errors import DataError, LoadCancelled

__all__ = ["Input", "STDIN", "read_input", "check_regular", "stream_limit", "stream_wait"]

#: The name that means standard input.
STDIN = "-"
LIMIT_VARIABLE = "GMM_EXPLORER_STREAM_LIMIT"
WAIT_VARIABLE = "GMM_EXPLORER_STREAM_WAIT"
_DEFAULT_LIMIT = 512 << 20   # bytes of a stream held in memory
_DEFAULT_WAIT = 5.0          # seconds without a byte before a stream is given up
_READ_BLOCK = 1 << 22        # 4 MiB
_TEXT_HEAD = 1 << 16         # bytes of a text file read by path that tell text from binary
_POLL = 0.1                  # seconds between two cancel checks while a pipe is silent
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


@dataclass
class Input:
    """What :func:`read_input` read.

    Attributes
    ----------
    data : bytes or bytearray
        The whole content; for a regular NumPy file only its first bytes (NumPy maps the
        file itself, see ``path``), likewise for a regular text file read by the parser
        (see ``file``).
    kind : str
        ``"npy"``, ``"npz"`` or ``"text"``, from the first bytes.
    source : str
        The name as the user gave it (``"-"`` for stdin).
    path : Path or None
        The regular file, which may be opened again (a stream has none).
    sha256 : str or None
        A stream's SHA-256 (a file is hashed by path when needed).
    file : binary file or None
        A regular text file, still open (the very file opened, whatever its name now
        points to), when it was asked for ``text_by_path``; :meth:`close` closes it.
    """

    data: bytes | bytearray
    kind: str
    source: str
    path: Path | None
    sha256: str | None = None
    file: BinaryIO | None = None

    def take(self) -> bytes | bytearray:
        """The content, which this record then no longer holds (so it can be freed early)."""
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        """Close the file this record holds open, if any."""
        if self.file is not None:
            self.file.close()
            self.file = None


# --------------------------------------------------------------------------- settings
def stream_limit() -> int:
    """The most bytes a stream may hold: ``GMM_EXPLORER_STREAM_LIMIT`` (``"2G"``, ``"800M"``)."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not raw:
        return _DEFAULT_LIMIT
    m = re.fullmatch(r"(\d+)\s*([kKmMgG]?)i?[bB]?", raw)
    if m is None or int(m.group(1)) <= 0:
        raise DataError(f"must be a positive size such as 800M or 2G, not {raw!r}",
                        path=LIMIT_VARIABLE)
    return int(m.group(1)) * _UNITS[m.group(2).lower()]


def stream_wait() -> float:
    """Seconds a stream may stay silent: ``GMM_EXPLORER_STREAM_WAIT``."""
    raw = os.environ.get(WAIT_VARIABLE, "").strip()
    if not raw:
        return _DEFAULT_WAIT
    try:
        wait = float(raw)
    except ValueError:
        wait = -1.0
    if not 0 < wait < 1e6:
        raise DataError(f"must be a number of seconds such as 5 or 60, not {raw!r}",
                        path=WAIT_VARIABLE)
    return wait


# --------------------------------------------------------------------------- the checks
def _refusal(mode: int) -> str | None:
    """Why a file of this type cannot be read as data, or None when it can."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return ("is a device, not a data file (a device such as /dev/zero never ends); "
                "give a file, or pipe the data in with '-'")
    if stat.S_ISSOCK(mode):
        return "is a socket, not a data file; give a file, or pipe the data in with '-'"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file; give a data file inside it"
    return None


def _stat(path, source: str) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError:
        hint = "" if os.path.isabs(source) else f" (relative to {os.getcwd()})"
        raise DataError(f"no such file{hint}; check the name and the folder",
                        path=source) from None
    except OSError as exc:
        raise _cannot_read(exc, source, "check the name") from None


def _cannot_read(exc: OSError, source: str, otherwise: str) -> DataError:
    """The one-line error for an OS refusal to read ``source``."""
    if isinstance(exc, PermissionError):
        return DataError("cannot be read: permission denied; check the file's permissions",
                         path=source)
    return DataError(f"cannot be read ({exc.strerror or exc}); {otherwise}", path=source)


def check_regular(path) -> None:
    """Refuse, before any open, what :func:`zipfile` or :func:`numpy.load` must not be given.

    For inputs read by path by a library (session files): a FIFO would block its open and a
    device would never end.
    """
    source = os.fspath(path)
    mode = _stat(path, source).st_mode
    if stat.S_ISFIFO(mode):
        raise DataError("is a pipe; this file must be a regular file on disk, so save it "
                        "first", path=source)
    why = _refusal(mode)
    if why is not None:
        raise DataError(why, path=source)


# --------------------------------------------------------------------------- the reader
def read_input(path, *, progress=None, cancel=None, share: float = 1.0,
               numpy_by_path: bool = True, text_by_path: bool = False) -> Input:
    """Open ``path`` once and read it; ``"-"`` reads standard input.

    Parameters
    ----------
    path : str or Path
    progress : callable(float) or None
        Fraction done, from 0 to ``share`` (regular files only: a stream's size is unknown).
    cancel : callable() -> bool or None
        Checked between blocks, and every 0.1 s while a pipe is silent.
    share : float
    numpy_by_path : bool
        True: for a regular ``.npy``/``.npz`` file read only its first bytes, since NumPy
        maps or unzips the file by its path (bounded memory).
    text_by_path : bool
        True: for a regular text file read only its first 64 KiB, and hand the open file on
        in ``Input.file`` for the parser to read in blocks (bounded memory); the caller
        closes it (:meth:`Input.close`).

    Raises
    ------
    DataError
        A device, folder or socket; a missing or unreadable file; a stream over its budget,
        or silent for longer than its wait; NumPy data from a stream.
    LoadCancelled
    """
    source = os.fspath(path)
    if source == STDIN:
        fd = sys.stdin.fileno() if sys.stdin is not None else -1
        if fd < 0:
            raise DataError("standard input is closed; give a file name", path=source)
        mode = os.fstat(fd).st_mode
        if stat.S_ISCHR(mode) and os.isatty(fd):
            raise DataError("standard input is a terminal; pipe the data in "
                            "(cat data.csv | gmm-explorer ...) or give a file name",
                            path=source)
        return _from_fd(fd, mode, source, None, progress, cancel, share, numpy_by_path,
                        False)
    why = _refusal(_stat(path, source).st_mode)
    if why is not None:
        raise DataError(why, path=source)
    try:
        # O_NONBLOCK: opening a pipe without a writer returns at once instead of blocking
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _cannot_read(exc, source, "check the file") from None
    try:
        mode = os.fstat(fd).st_mode  # what was opened, which the name may no longer be
        why = _refusal(mode)
        if why is not None:
            raise DataError(why, path=source)
        return _from_fd(fd, mode, source, Path(path), progress, cancel, share, numpy_by_path,
                        text_by_path)
    finally:
        os.close(fd)


def _from_fd(fd, mode, source, path, progress, cancel, share, numpy_by_path,
             text_by_path) -> Input:
    try:
        if stat.S_ISREG(mode):
            os.set_blocking(fd, True)
            head = _read_exactly(fd, 8)
            kind = _kind(head)
            if kind != "text" and numpy_by_path and path is not None:
                return Input(head, kind, source, path)
            if kind == "text" and text_by_path:
                head += _read_exactly(fd, _TEXT_HEAD - len(head))
                # a duplicate of the descriptor: the caller's file outlives this one
                return Input(head, kind, source, path, file=open(os.dup(fd), "rb", buffering=0))
            data = _read_regular(fd, head, source, progress, cancel, share)
            return Input(data, kind, source, path)
        data = _read_stream(fd, source, cancel)
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc}); check the file",
                        path=source) from None
    kind = _kind(data[:8])
    if kind != "text":
        raise DataError(f"holds a NumPy .{kind} file, which cannot be read from a pipe; "
                        "save it to a file and give its name", path=source)
    return Input(data, kind, source, None, hashlib.sha256(data).hexdigest())


def _kind(head: bytes) -> str:
    if head.startswith(numpy_files.NPY_MAGIC):
        return "npy"
    if head.startswith(numpy_files.ZIP_MAGIC):
        return "npz"
    return "text"


def _read_exactly(fd, n: int) -> bytes:
    out = b""
    while len(out) < n:
        block = os.read(fd, n - len(out))
        if not block:
            break
        out += block
    return out


def _read_regular(fd, head, source, progress, cancel, share) -> bytearray:
    """The whole of a regular file (``head`` already read), into one buffer of its size.

    One allocation and no copy at the end, so the peak is the file's size; a file that grew
    while it was read is read to its new end.
    """
    size = max(os.fstat(fd).st_size, len(head))
    buf = bytearray(size)
    buf[:len(head)] = head
    done = len(head)
    with open(fd, "rb", buffering=0, closefd=False) as fh, memoryview(buf) as view:
        while done < size:
            if cancel is not None and cancel():
                raise LoadCancelled(source)
            n = fh.readinto(view[done:done + _READ_BLOCK])
            if not n:
                break
            done += n
            if progress is not None:
                progress(share * done / size)
    if done < size:
        del buf[done:]
    else:
        buf += _read_rest(fd)
    return buf


def _read_rest(fd) -> bytes:
    blocks = []
    while block := os.read(fd, _READ_BLOCK):
        blocks.append(block)
    return b"".join(blocks)


def _read_stream(fd, source, cancel) -> bytes:
    """A pipe's bytes until its end, within the budget, never blocking for long."""
    limit, wait = stream_limit(), stream_wait()
    os.set_blocking(fd, False)
    try:
        buf = bytearray()
        last = time.monotonic()
        while True:
            if cancel is not None and cancel():
                raise LoadCancelled(source)
            # a named pipe without a writer is never readable: poll, then give up
            ready, _, _ = select.select([fd], [], [], _POLL)
            if not ready:
                if time.monotonic() - last > wait:
                    raise DataError(_silent(buf, wait), path=source)
                continue
            try:
                block = os.read(fd, min(_READ_BLOCK, limit + 1 - len(buf)))
            except BlockingIOError:
                continue
            if not block:
                return bytes(buf)
            buf += block
            last = time.monotonic()
            if len(buf) > limit:
                raise DataError(
                    f"is a stream larger than its budget of {limit:,} bytes; raise it with "
                    f"the environment variable {LIMIT_VARIABLE} (e.g. {LIMIT_VARIABLE}=4G), "
                    "or save the data to a file and give its name", path=source)
    finally:
        if fd == 0:
            os.set_blocking(fd, True)  # stdin is shared with whoever runs us


def _silent(buf, wait: float) -> str:
    what = ("sent nothing" if not buf else f"stopped after {len(buf):,} bytes")
    return (f"is a pipe that {what} for {wait:g} s (no writer, or a stalled one); start "
            f"the writer first, or allow a longer wait with the environment variable "
            f"{WAIT_VARIABLE} (seconds)")
