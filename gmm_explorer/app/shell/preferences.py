"""What the program remembers between runs, in ``QSettings``.

Recent files, the window's geometry and dock layout, and the choice of
embedding data in session files. :func:`use_settings_file` points every
read and write at an INI file instead (tests, portable installs), so tests
never touch the user's own settings.
"""

from __future__ import annotations

import os
import tempfile

from PySide6.QtCore import QSettings

ORGANIZATION = "gmm-explorer"
APPLICATION = "GMM Explorer"
MAX_RECENT = 10
ENV_SETTINGS = "GMM_EXPLORER_SETTINGS"
_override: str | None = None


def use_settings_file(path) -> None:
    """Keep settings in the INI file ``path`` (None: back to the user's settings)."""
    global _override
    _override = None if path is None else os.fspath(path)


def settings_file() -> str | None:
    """The INI file in use instead of the user's settings, or None.

    :func:`use_settings_file` decides; else ``$GMM_EXPLORER_SETTINGS``; under
    pytest a per-process file in the temporary folder, so that no test ever
    reads or writes the user's own settings.
    """
    if _override is not None:
        return _override
    if os.environ.get(ENV_SETTINGS):
        return os.environ[ENV_SETTINGS]
    if os.environ.get("PYTEST_CURRENT_TEST"):
        return os.path.join(tempfile.gettempdir(), f"gmm-explorer-test-{os.getpid()}.ini")
    return None


def settings() -> QSettings:
    """The settings store in use (see :func:`settings_file`)."""
    path = settings_file()
    if path is not None:
        return QSettings(path, QSettings.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


class RecentFiles:
    """The most recently opened data and session files, newest first."""

    KEY = "recent/files"

    def paths(self, existing_only: bool = True) -> list:
        """The remembered paths (by default only those that still exist)."""
        paths = _as_list(settings().value(self.KEY))
        return [p for p in paths if os.path.exists(p)] if existing_only else paths

    def add(self, path) -> None:
        """Put ``path`` first (once), keeping at most ``MAX_RECENT``."""
        path = os.path.abspath(os.fspath(path))
        paths = [p for p in self.paths(existing_only=False) if p != path]
        s = settings()
        s.setValue(self.KEY, [path] + paths[: MAX_RECENT - 1])
        s.sync()

    def remove(self, path) -> None:
        """Forget ``path`` (a file that could not be opened)."""
        path = os.path.abspath(os.fspath(path))
        s = settings()
        s.setValue(self.KEY, [p for p in self.paths(existing_only=False) if p != path])
        s.sync()

    def clear(self) -> None:
        """Forget every recent file."""
        s = settings()
        s.remove(self.KEY)
        s.sync()


def save_window_state(window) -> None:
    """Remember the window's geometry and dock layout (docks need object names)."""
    s = settings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.sync()


def restore_window_state(window) -> bool:
    """Restore what :func:`save_window_state` remembered; False when nothing was."""
    s = settings()
    geometry, state = s.value("window/geometry"), s.value("window/state")
    ok = False
    if geometry is not None:
        ok = bool(window.restoreGeometry(geometry))
    if state is not None:
        ok = bool(window.restoreState(state)) or ok
    return ok


def embed_data() -> bool:
    """Whether session files embed the data (default) or refer to the data file."""
    value = settings().value("sessions/embed_data", True)
    return value not in (False, "false", "0", 0)


def set_embed_data(on: bool) -> None:
    """Remember whether session files embed the data."""
    s = settings()
    s.setValue("sessions/embed_data", bool(on))
    s.sync()


def is_dark(palette) -> bool:
    """Whether a ``QPalette`` is a dark one (its window colour is dark)."""
    from PySide6.QtGui import QPalette

    return palette.color(QPalette.Window).lightness() < 128
