"""Files as bytes: writing so that nothing is ever half-written (one helper for every
writer), and a file's SHA-256 (one helper for every provenance record).

A regular (or new) file is written to a temporary file in the same folder,
flushed to disk, given the permissions a new file would get (or the old
file's), and moved over the target with :func:`os.replace`, so a reader, a
crash or a full disk never sees half a file. A target that exists but is not
a regular file (``/dev/null``, a named pipe, a terminal) is written in place:
replacing it would destroy the device or pipe, which, run as root, breaks the
machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile


def _new_file_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path, write, suffix=""):
    """Write ``path`` through ``write(tmp_path)``, atomically where that is possible.

    Parameters
    ----------
    path : str or os.PathLike
    write : callable
        ``write(tmp_path)`` creates the content at ``tmp_path``.
    suffix : str
        Suffix of the temporary file (some writers choose the format by it).

    Raises
    ------
    IsADirectoryError
        ``path`` is a folder.
    FileNotFoundError
        Its folder does not exist.
    OSError
        Anything else the system refuses (permissions, a full disk); the
        file at ``path``, if any, is left as it was.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(21, "Is a directory", path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(2, "No such folder", folder)
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        write(tmp)
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            with open(tmp, "rb") as source, open(path, "wb") as target:
                shutil.copyfileobj(source, target)
            return
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else _new_file_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(path, data, suffix=""):
    """Write ``data`` (bytes) to ``path`` with :func:`atomic_write`."""
    def write(tmp):
        with open(tmp, "wb") as fh:
            fh.write(data)

    atomic_write(path, write, suffix)


def atomic_write_text(path, text, suffix=""):
    """Write ``text`` (UTF-8, newlines as given) to ``path`` with :func:`atomic_write`."""
    atomic_write_bytes(path, text.encode("utf-8"), suffix)


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes, as hex (read in blocks: a large file is not held whole)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
