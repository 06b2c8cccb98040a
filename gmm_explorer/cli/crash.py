"""Where the command line puts what the user should not have to read: tracebacks, warnings.

A bug (an exception nobody expected) is one line on stderr naming a log file
that holds the traceback, so that the user can attach it to a report; numpy's
RuntimeWarnings, which say nothing the user can act on, go to the same kind
of file instead of stderr. Both are appended to ``gmm-explorer.log`` in the folder
the window logs to too (:mod:`gmm_explorer.logs`), else the temporary folder.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback

from gmm_explorer.logs import LOG_NAME, log_folder


def _log_path(kind: str) -> tuple[str, object]:
    """The log (path, open text stream, a ``kind`` heading written), or ("", None)."""
    folders = [str(log_folder()), tempfile.gettempdir()]
    for folder in folders:
        try:
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, LOG_NAME)
            fh = open(path, "a", encoding="utf-8")
        except OSError:
            continue
        fh.write(f"=== {time.strftime('%Y-%m-%dT%H:%M:%S')} command line, {kind}, "
                 f"process {os.getpid()}\n")
        return path, fh
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
