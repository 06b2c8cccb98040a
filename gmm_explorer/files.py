"""Files as bytes: writing so that nothing is ever half-written (one helper for every
writer), and a file's SHA-256 (one helper for every provenance record).

A regular (or new) file is written to a temporary file in the same folder,
flushed to disk, given the permissions a new file would get (or the old
file's), and moved over the target with :func:`os.replace`, so a reader, a
crash or a full disk never sees half a file. A target that exists but is not
a regular file (``/dev/null``, a named pipe, a terminal) is written in place:
replacing it would destroy the device or pipe, which, run as root, breaks the
machine.

The temporary file is named ``.<target>.tmp-<random><suffix>``; one left
behind by a killed writer is removed by the next write of the same target
once it is older than :data:`STALE_AFTER` seconds (a younger one may be
another writer's, still at work). A read-only target is not replaced unless
the caller says so (``replace_read_only``): the window asks first, the
command line refuses.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from contextlib import contextmanager

#: Seconds after which a temporary file of ours beside a target counts as abandoned.
STALE_AFTER = 3600.0


class ReadOnlyTargetError(PermissionError):
    """The target exists and is read-only; it is replaced only when the caller says so."""

    def __init__(self, path):
        super().__init__(13, "the file is read-only (make it writable, or choose another "
                             "name)", os.fspath(path))


def is_read_only(path) -> bool:
    """Whether ``path`` is an existing regular file nobody may write (no write bit), or
    that this user may not write."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    return not (st.st_mode & 0o222) or not os.access(path, os.W_OK)


_allowed = threading.local()  # read-only targets the person agreed to replace


@contextmanager
def replacing_read_only(path):
    """Within this block, writes to ``path`` replace it even if it is read-only.

    For the window, after the person said yes; the writers in between (model,
    session, exports) need not pass the answer along.
    """
    key = os.path.abspath(os.fspath(path))
    allowed = getattr(_allowed, "paths", set())
    _allowed.paths = allowed | {key}
    try:
        yield
    finally:
        _allowed.paths = allowed


def _may_replace(path) -> bool:
    return os.path.abspath(path) in getattr(_allowed, "paths", set())


def _temp_prefix(path) -> str:
    return f".{os.path.basename(path)}.tmp-"


def remove_stale_temporaries(path, older_than=STALE_AFTER, suffix="") -> list:
    """Remove our abandoned temporary files beside ``path``; return the ones removed.

    Only files named as :func:`atomic_write` names its temporaries for this
    target (or, with ``suffix``, as earlier versions named them for any target:
    ``.tmp-`` and mkstemp's eight characters, then the suffix), and last
    changed more than ``older_than`` seconds ago.
    """
    folder = os.path.dirname(os.path.abspath(path))
    candidates = glob.glob(os.path.join(glob.escape(folder),
                                        glob.escape(_temp_prefix(path)) + "*"))
    earlier = re.compile(r"\.tmp-[a-z0-9_]{8}" + re.escape(suffix) + r"\Z")
    candidates += [os.path.join(folder, name) for name in os.listdir(folder)
                   if earlier.match(name)] if suffix else []
    now, removed = time.time(), []
    for candidate in candidates:
        try:
            st = os.lstat(candidate)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than:
                os.unlink(candidate)
                removed.append(candidate)
        except OSError:  # gone already, or not ours to remove: leave it
            continue
    return removed


def _new_file_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path, write, suffix="", replace_read_only=False):
    """Write ``path`` through ``write(tmp_path)``, atomically where that is possible.

    Parameters
    ----------
    path : str or os.PathLike
    write : callable
        ``write(tmp_path)`` creates the content at ``tmp_path``.
    suffix : str
        Suffix of the temporary file (some writers choose the format by it).
    replace_read_only : bool
        Replace a read-only target (the window asks the person first).

    Raises
    ------
    IsADirectoryError
        ``path`` is a folder.
    FileNotFoundError
        Its folder does not exist.
    ReadOnlyTargetError
        ``path`` is a read-only file and ``replace_read_only`` is False.
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
    if not (replace_read_only or _may_replace(path)) and is_read_only(path):
        raise ReadOnlyTargetError(path)
    remove_stale_temporaries(path, suffix=suffix)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=suffix, dir=folder)
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


def atomic_write_bytes(path, data, suffix="", replace_read_only=False):
    """Write ``data`` (bytes) to ``path`` with :func:`atomic_write`."""
    def write(tmp):
        with open(tmp, "wb") as fh:
            fh.write(data)

    atomic_write(path, write, suffix, replace_read_only)


def atomic_write_text(path, text, suffix="", replace_read_only=False):
    """Write ``text`` (UTF-8, newlines as given) to ``path`` with :func:`atomic_write`."""
    atomic_write_bytes(path, text.encode("utf-8"), suffix, replace_read_only)


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes, as hex (read in blocks: a large file is not held whole)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
