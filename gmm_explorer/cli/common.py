"""What the headless commands share: exit statuses, errors, the log, reading and writing files."""

from __future__ import annotations

import os

from gmm_explorer.data import DataError, load_data
from gmm_explorer.data.errors import printable
from gmm_explorer.data.model_file import write_text_atomic
from gmm_explorer.datasets import Dataset
from gmm_explorer.files import is_read_only

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_COLLAPSE = 3
EXIT_INTERRUPTED = 130

#: How much of the terminal line a live progress line takes (and clears).
_LIVE_WIDTH = 60


class UsageError(Exception):
    """Bad arguments: printed as one ``error:`` line, exit status 2."""


class CollapseError(Exception):
    """Every start collapsed (a singular covariance): exit status 3."""


class Log:
    """Progress and notes on stderr; a live line on a terminal.

    Parameters
    ----------
    stream : text stream
        Usually ``sys.stderr``.
    quiet : bool
        Only notes (:meth:`note`) are written.
    verbose : bool
        Commands log every EM iteration (ignored when quiet).
    """

    def __init__(self, stream, quiet=False, verbose=False):
        self.stream = stream
        self.quiet = quiet
        self.verbose = verbose and not quiet
        # whatever stands in for stderr needs only write() and flush()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._live = False

    def live(self, text):
        """Overwrite the live line (on a terminal only)."""
        if self.quiet or not self.tty:
            return
        self.stream.write("\r" + printable(text)[:120].ljust(_LIVE_WIDTH))
        self.stream.flush()
        self._live = True

    def line(self, text):
        """A line of progress (not with -q)."""
        if self.quiet:
            return
        self.clear()
        self.stream.write(printable(text) + "\n")  # names and cells come from files
        self.stream.flush()

    def clear(self):
        """Blank the live line, if one is shown."""
        if self._live:
            self.stream.write("\r" + " " * _LIVE_WIDTH + "\r")
            self._live = False

    def note(self, text):
        """Always shown (even with -q): something the user should know."""
        self.clear()
        self.stream.write(f"note: {printable(text)}\n")
        self.stream.flush()

    def progress(self, what):
        """A ``progress(fraction)`` callback that shows ``what`` and a percentage."""
        return lambda fraction: self.live(f"{what} {100 * fraction:3.0f}%")


def load(args, log: Log) -> Dataset:
    """The command's data file, as its data options say; notes about dropped rows."""
    data = load_data(
        args.data, columns=args.columns, delimiter=args.delimiter, array_name=args.array,
        drop_missing=args.drop_missing, label_column=args.classes,
        progress=log.progress(f"loading {args.data}"),
    )
    log.line(f"loaded {data.describe()}")
    for note in data.notes:
        if "dropped" in note or "not used" in note or note.startswith("read as"):
            log.note(note)
    return data


def check_writable(path, inputs=()):
    """Refuse an output path that cannot be written, before any work is done.

    ``inputs`` are the files the command reads: writing one of them would
    destroy what is being read. A read-only file is not replaced.
    """
    if os.path.isdir(path):
        raise DataError("is a folder; give a file name for the output", path=path)
    for source in inputs:
        if source and _same_file(path, source):
            raise DataError("is also this command's input; writing it would destroy what is "
                            "being read: choose another output name", path=path)
    if is_read_only(path):
        raise DataError("is read-only; make it writable or choose another output name",
                        path=path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError("cannot be written: its folder does not exist; create it or choose "
                        "another path", path=path)
    if not os.access(folder, os.W_OK):
        raise DataError("cannot be written: its folder is not writable; choose another path",
                        path=path)


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either does not exist (yet): not the same file
        return False


def write_text(path, text):
    """Write ``text`` atomically; a failure is a DataError naming the path."""
    write_text_atomic(path, text)
