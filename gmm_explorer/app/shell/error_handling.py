"""Unexpected errors: a short dialog, the details in a log file, the program keeps running.

:func:`install_excepthook` replaces ``sys.excepthook`` (and
``threading.excepthook``): an uncaught exception is appended, with its
traceback, to ``gmm-explorer.log`` in the user's log folder
(``platformdirs.user_log_dir("gmm-explorer")``, or ``$GMM_EXPLORER_LOG_DIR``)
and a non-modal dialog says in one sentence what happened and where the
details are. Nothing is printed to the terminal. Errors a user can cause
(a bad file, a bad setting) never get here: they are shown where they
happen.
"""

from __future__ import annotations

import os
import platform
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path

from gmm_explorer.logs import ENV_LOG_DIR, LOG_NAME, log_folder  # noqa: F401 - re-exported

#: The log is rotated (to ``gmm-explorer.log.1``) above this size.
MAX_LOG_BYTES = 1_000_000


def write_log(exc_type, exc, tb, folder=None) -> Path | None:
    """Append one exception with its traceback to the log; return the log's path.

    Returns None when the log cannot be written (a read-only home): the
    dialog then says so, and the program still keeps running.
    """
    folder = Path(folder) if folder is not None else log_folder()
    path = folder / LOG_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            os.replace(path, folder / (LOG_NAME + ".1"))
        from gmm_explorer import __version__

        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"=== {datetime.now().isoformat(timespec='seconds')} "
                     f"gmm-explorer {__version__}, Python {platform.python_version()}, "
                     f"{platform.platform()}\n")
            fh.write("".join(traceback.format_exception(exc_type, exc, tb)))
            fh.write("\n")
    except OSError:
        return None
    return path


def short_text(exc_type, exc, log_path) -> str:
    """The dialog's text: what happened, that nothing was lost, where the details are."""
    what = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{exc_type.__name__}: {what}" if what else exc_type.__name__
    if len(what) > 200:
        what = what[:197] + "..."
    where = (f"The details are in {log_path}." if log_path is not None
             else "The details could not be written to a log file.")
    return (f"Something unexpected went wrong ({what}). GMM Explorer keeps running and your "
            f"data and history are still open; save your session if in doubt. {where}")


class ErrorReporter:
    """The installed hook: logs, shows a dialog, remembers the last report.

    Parameters
    ----------
    folder : path, optional
        Log folder (default :func:`log_folder`); tests pass ``tmp_path``.
    show_dialog : bool
        Show a non-modal ``QMessageBox`` when a ``QApplication`` exists.
    """

    def __init__(self, folder=None, show_dialog: bool = True):
        self.folder = folder
        self.show_dialog = show_dialog
        self.last_text = ""
        self.last_log = None
        self.dialog = None
        self._previous = None
        self._previous_thread = None

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.last_log = write_log(exc_type, exc, tb, self.folder)
        self.last_text = short_text(exc_type, exc, self.last_log)
        if self.show_dialog:
            self._show(self.last_text)

    def _thread_hook(self, args) -> None:
        self(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, text: str) -> None:
        try:
            from PySide6.QtCore import QThread
            from PySide6.QtWidgets import QApplication, QMessageBox
        except ImportError:  # pragma: no cover - headless use
            return
        app = QApplication.instance()
        if not isinstance(app, QApplication) or QThread.currentThread() is not app.thread():
            return  # only the GUI thread may show dialogs; the log has it
        if self.dialog is None:
            self.dialog = QMessageBox(QMessageBox.Critical, "GMM Explorer: unexpected error",
                                      "", parent=app.activeWindow())
            self.dialog.setModal(False)
        self.dialog.setText(text)
        self.dialog.show()

    def install(self) -> "ErrorReporter":
        """Become ``sys.excepthook`` and ``threading.excepthook``."""
        self._previous, self._previous_thread = sys.excepthook, threading.excepthook
        sys.excepthook = self
        threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        """Put the previous hooks back."""
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous, self._previous_thread
            self._previous = None


def install_excepthook(folder=None, show_dialog: bool = True) -> ErrorReporter:
    """Install an :class:`ErrorReporter` as the process's exception hook and return it."""
    return ErrorReporter(folder, show_dialog).install()
