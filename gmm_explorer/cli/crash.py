"""Where the command line puts what the user should not have to read: tracebacks, warnings.

A bug (an exception nobody expected) is one line on stderr naming a log file
that holds the traceback, so that the user can attach it to a report; numpy's
RuntimeWarnings, which say nothing the user can act on, go to the same kind
of file instead of stderr. The files live in platformdirs' user log folder
(``$XDG_STATE_HOME/gmm-explorer/log`` on Linux), or the temporary folder
when that cannot be written.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback

from platformdirs import user_log_dir


def _log_path(kind: str) -> tuple[str, object]:
    """A new log file (path, open text stream) in the user log folder, else the temp folder."""
    name = f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (user_log_dir("gmm-explorer", appauthor=False), tempfile.gettempdir()):
        try:
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, name)
            return path, open(path, "a", encoding="utf-8")
        except OSError:
            continue
    return "", None


def write_crash_log(exc: BaseException, argv) -> str:
    """Write ``exc``'s traceback and the command to a log file; return its path ('' if none)."""
    path, fh = _log_path("crash")
    if fh is None:
        return ""
    with fh:
        fh.write(f"gmm-explorer {' '.join(map(str, argv))}\n\n")
        fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return path


def write_warnings_log(caught, argv) -> str:
    """Write the warnings a command raised (``warnings.catch_warnings(record=True)``)."""
    if not caught:
        return ""
    path, fh = _log_path("warnings")
    if fh is None:
        return ""
    with fh:
        fh.write(f"gmm-explorer {' '.join(map(str, argv))}\n\n")
        for w in caught:
            fh.write(f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}\n")
    return path
