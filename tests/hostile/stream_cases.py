"""Streams, pipes, devices and folders, run as real processes (a blocking open
or an endless read can only be caught from outside), and peak memory of a few
real loads by ``ru_maxrss``."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np

from .case import LOADS, REFUSED, Case, blobs, csv_text, fit_args, npy_bytes, write

BIG = csv_text(blobs(2000)).encode()  # 2000 rows: far more than one 8 KB buffer
WAIT = {"GMM_EXPLORER_STREAM_WAIT": "2"}


def stream(name, source, stdin=None, expect=REFUSED, shape=(2000, 2), match="", env=None,
           memory=0, make=None) -> Case:
    """``fit <source>`` as a real process; ``make(folder)`` prepares what it reads."""
    def build(folder):
        if make is not None:
            make(folder)
        where = source.format(folder=folder)
        return fit_args(where, folder)
    return Case(name, "stream", build, expect=expect, shape=shape, match=match,
                process=True, stdin=stdin, env=dict(WAIT, **(env or {})), memory=memory)


def fifo(folder, content=None):
    """A named pipe; with ``content``, a writer that sends it once a reader opens it."""
    path = os.path.join(folder, "pipe.csv")
    os.mkfifo(path)
    if content is not None:
        threading.Thread(target=_write_when_read, args=(path, content), daemon=True).start()


def _write_when_read(path, content, patience=30.0):
    """Open the pipe without blocking (ENXIO until a reader comes), then write it all."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            time.sleep(0.02)
            continue
        os.set_blocking(fd, True)
        try:
            os.write(fd, content)
        except OSError:
            pass
        os.close(fd)
        return


BIG_X = np.random.RandomState(0).standard_normal((400_000, 4))  # 12.8 MB as float64


def memory(name, file, content) -> Case:
    """The reader every entry uses, on a real file of 12.8 MB of data, in a real process.

    The runner builds the case before the process starts, and the process builds it again
    to find its file: a file already there is kept, so that making the input (17 MB of
    text as Python strings) is not counted in the peak of the load.
    """
    def build(folder):
        path = Path(folder) / file
        if not path.exists():
            write(folder, file, content())
        return fit_args(path, folder)
    return Case(name, "memory", build, entry="load", shape=BIG_X.shape, process=True,
                memory=BIG_X.nbytes)


def cases() -> list[Case]:
    return [
        stream("stdin_dash", "-", stdin=BIG, expect=LOADS),
        stream("stdin_dev_stdin", "/dev/stdin", stdin=BIG, expect=LOADS),
        stream("stdin_empty", "-", stdin=b"", match=r"empty|no data"),
        stream("stdin_numpy", "-", stdin=npy_bytes(blobs()), match=r"NumPy|\.npy|save"),
        stream("stdin_over_limit", "-", stdin=BIG, env={"GMM_EXPLORER_STREAM_LIMIT": "1K"},
               match=r"GMM_EXPLORER_STREAM_LIMIT"),
        stream("stdin_latin1_header", "-", stdin=csv_text(blobs(2000), names=("Größe", "b"))
               .encode("latin-1"), expect=LOADS),
        stream("fifo_without_writer", "{folder}/pipe.csv", make=fifo,
               match=r"pipe\.csv.*GMM_EXPLORER_STREAM_WAIT"),
        stream("fifo_with_writer", "{folder}/pipe.csv", make=lambda f: fifo(f, BIG),
               expect=LOADS),
        stream("dev_zero", "/dev/zero", match=r"/dev/zero"),
        stream("dev_urandom", "/dev/urandom", match=r"/dev/urandom"),
        stream("dev_null", "/dev/null", match=r"/dev/null"),
        stream("root_folder", "/", match=r"^error: /: .*(folder|directory)"),
        stream("missing_file", "{folder}/nope.csv", match=r"nope\.csv"),
        memory("memory_load_npy", "big.npy", lambda: npy_bytes(BIG_X)),
        memory("memory_load_npz", "big.npz", lambda: _npz(BIG_X)),
        memory("memory_load_csv", "big.csv", lambda: csv_text(BIG_X, names="abcd")),
    ]


def _npz(X) -> bytes:
    import io
    buf = io.BytesIO()
    np.savez(buf, X=X)
    return buf.getvalue()
