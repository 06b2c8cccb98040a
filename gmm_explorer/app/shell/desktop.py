"""Desktop behaviour of the main window: sessions, exports, recent files, drops, layout.

:class:`DesktopFeatures`, built by the ``ExplorerWindow``, adds File → Save session
(Ctrl+S), Save session as (Ctrl+Shift+S), Open session (Ctrl+Shift+O),
Open recent, Export (model JSON, history CSV, plot PNG/SVG, window PNG, reproduce script);
opening a data or session file dropped on the window; remembering the
geometry and dock layout; a message when a run fails. Each action is a
method of :class:`DesktopFeatures` taking a path, so tests need no dialogs.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gmm_explorer.app.model.density_grid import BACKGROUNDS
from gmm_explorer.app.shell import exports, preferences
from gmm_explorer.app.shell.actions import make_action
from gmm_explorer.data import session_file
from gmm_explorer.files import is_read_only, replacing_read_only

EXPORTS = (  # name, menu text, file filter, suffix, tooltip
    ("model", "Model as JSON…", "Model files (*.json)", ".json",
     "Save the shown iteration's mixture as a JSON model file (gmm-explorer predict reads it)"),
    ("history", "History as CSV…", "CSV files (*.csv)", ".csv",
     "Save every iteration: log-likelihood, objective, per-component weight, condition "
     "number and status"),
    ("plot_png", "Plot as PNG…", "PNG images (*.png)", ".png",
     "Save the centre plot as a PNG image at screen resolution"),
    ("plot_png_2x", "Plot as PNG at 2x…", "PNG images (*.png)", ".png",
     "Save the centre plot as a PNG image with twice the screen's pixels each way (slides)"),
    ("plot_png_4x", "Plot as PNG at 4x…", "PNG images (*.png)", ".png",
     "Save the centre plot as a PNG image with four times the screen's pixels each way "
     "(print)"),
    ("plot_svg", "Plot as SVG…", "SVG images (*.svg)", ".svg",
     "Save the centre plot as an SVG vector image: one circle per point in its colour, "
     "the same in browsers, Inkscape and librsvg"),
    ("window_png", "Whole window as PNG…", "PNG images (*.png)", ".png",
     "Save a picture of the whole window"),
    ("script", "Reproduce script…", "Python scripts (*.py);;R scripts (*.R)", ".py",
     "Save a script that rebuilds the shown iteration from the start with plain "
     "scikit-learn (.py) or R's mclust (.R) and checks it"),
)


class DesktopFeatures(QObject):
    """Sessions, exports, recent files, drops and layout for one window.

    Parameters
    ----------
    window : gmm_explorer.app.shell.window.ExplorerWindow
    restore_layout : bool
        Restore the remembered geometry and dock layout now.
    """

    def __init__(self, window, restore_layout: bool = True):
        super().__init__(window)
        self.window = window
        self.workspace = window.workspace
        self.session_path: str | None = None
        self.recent = preferences.RecentFiles()
        self.actions: dict = {}
        self._make_actions()
        self._make_menus()
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self.workspace.dataChanged.connect(self._on_data_changed)
        self.workspace.editedChanged.connect(window.setWindowModified)
        self.workspace.discard_guard = self.ask_to_save_edits
        self.workspace.runFailed.connect(window.show_error)
        if restore_layout:
            preferences.restore_window_state(window)

    # ------------------------------------------------------------ menus
    def _act(self, name, text, slot, key=None, tip="") -> QAction:
        self.actions[name] = make_action(self.window, text, slot, key, tip)
        return self.actions[name]

    def _make_actions(self) -> None:
        self._act("save_session", "&Save session", lambda: self.save_session(), "Ctrl+S",
                  "Save data, settings, the whole history and the view to a .gmmx file")
        self._act("save_session_as", "Save session &as…", lambda: self.save_session_as(),
                  "Ctrl+Shift+S", "Save the session to a new .gmmx file")
        self._act("open_session", "Open &session…", lambda: self.open_session_dialog(),
                  "Ctrl+Shift+O", "Open a .gmmx session file (replaces the open session)")
        embed = self._act("embed_data", "Embed data in session files",
                          lambda on: preferences.set_embed_data(on),
                          tip="On: session files hold a copy of the data. Off: they hold the "
                              "data file's path and SHA-256, and refuse to open if it changed")
        embed.setCheckable(True)
        embed.setChecked(preferences.embed_data())
        for name, text, filt, suffix, tip in EXPORTS:
            self._act(f"export_{name}", text,
                      lambda checked=False, n=name, f=filt, s=suffix: self._export_dialog(n, f, s),
                      tip=tip)

    def _make_menus(self) -> None:
        bar = self.window.menuBar()
        file_menu = next((a.menu() for a in bar.actions() if a.menu() is not None
                          and a.text().replace("&", "") == "File"), None)
        if file_menu is None:
            file_menu = bar.addMenu("&File")
        quit_action = self.window.actions_by_name.get("quit")
        before = quit_action if quit_action in file_menu.actions() else None

        def add(item):
            if before is None:
                file_menu.addAction(item)
            else:
                file_menu.insertAction(before, item)

        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        add(self.recent_menu.menuAction())
        for name in ("open_session", "save_session", "save_session_as", "embed_data"):
            add(self.actions[name])
        self.export_menu = file_menu.addMenu("&Export")
        self.export_menu.setToolTipsVisible(True)
        for name, *_ in EXPORTS:
            self.export_menu.addAction(self.actions[f"export_{name}"])
        add(self.export_menu.menuAction())
        separator = QAction(self.window)
        separator.setSeparator(True)
        add(separator)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for path in paths:
            a = menu.addAction(os.path.basename(path))
            a.setToolTip(path)
            a.triggered.connect(lambda checked=False, p=path: self.open_path(p))
        if paths:
            menu.addSeparator()
        clear = menu.addAction("Clear the list")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.recent.clear)

    # --------------------------------------------------------- sessions
    def view_state(self) -> dict:
        """The window's toggles and the centre plot's range, JSON-able."""
        w = self.window
        view = {"color_mode": w.color_mode.currentText(),
                "sigma": [lv for lv, box in w.sigma_boxes.items() if box.isChecked()],
                "means": w.means_box.isChecked(),
                "background": w.background.mode}
        try:
            (x0, x1), (y0, y1) = w.centre.getPlotItem().viewRange()
            view["range"] = [float(x0), float(x1), float(y0), float(y1)]
        except (AttributeError, TypeError, ValueError):
            pass
        return view

    def apply_view_state(self, view: dict) -> None:
        """Set the toggles and the plot range from :meth:`view_state`'s dict (lenient)."""
        w = self.window
        if view.get("color_mode") in ("blended", "hard", "class"):
            w.color_mode.setCurrentText(view["color_mode"])
        if isinstance(view.get("sigma"), list):
            for lv, box in w.sigma_boxes.items():
                box.setChecked(lv in view["sigma"])
        if isinstance(view.get("means"), bool):
            w.means_box.setChecked(view["means"])
        if view.get("background") in BACKGROUNDS:  # older session files have none
            w.background.choose(view["background"])
        r = view.get("range")
        if isinstance(r, list) and len(r) == 4 and all(isinstance(v, float) for v in r):
            w.centre.getPlotItem().setRange(xRange=r[:2], yRange=r[2:], padding=0)

    def save_session(self, path=None) -> bool:
        """Save to ``path`` (default: the session's file, else ask); False on failure."""
        path = path or self.session_path
        if not path:
            return self.save_session_as()
        if not self.may_replace_read_only(path):
            return False
        try:
            with replacing_read_only(path):
                self.workspace.loading.save_session(path, embed_data=preferences.embed_data(),
                                                    view=self.view_state())
        except (ValueError, OSError) as exc:
            self.window.show_error(f"Could not save the session: {exc}")
            return False
        self.session_path = os.fspath(path)
        self.recent.add(path)
        self._update_title()
        return True

    def save_session_as(self) -> bool:
        """Ask for a file name, then :meth:`save_session`."""
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session",
                                              self.session_path or "session.gmmx",
                                              session_file.FILE_FILTER)
        if not path:
            return False
        if not os.path.splitext(path)[1]:
            path += session_file.SUFFIX
        return self.save_session(path)

    def open_session_dialog(self) -> None:
        """Ask for a session file and open it."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", "",
                                              session_file.FILE_FILTER)
        if path:
            self.open_session(path)

    def ask_to_save_edits(self, what: str) -> bool:
        """Ask whether to save hand-edited points before ``what``; True to go on.

        Save saves the session (asking for a file name if it has none) and
        goes on only if that worked; Discard goes on; Cancel, Escape or
        closing the question keeps everything as it is.
        """
        box = QMessageBox(QMessageBox.Question, "GMM Explorer",
                          "The data hold points you added or deleted, and no session "
                          "file has them.", parent=self.window)
        box.setInformativeText(f"Save them in a session file before {what}?")
        box.setStandardButtons(QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)
        box.setDefaultButton(QMessageBox.Save)
        box.setEscapeButton(QMessageBox.Cancel)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save_session()
        if answer == QMessageBox.Discard:
            self.workspace.message.emit("Going on without saving the edited points.")
            return True
        self.workspace.message.emit("Kept the edited points.")
        return False

    def open_session(self, path) -> bool:
        """Open a session file; on failure keep everything and show why."""
        try:
            return self.load_session(path)
        except (ValueError, OSError) as exc:
            self.window.show_error(f"Could not open the session: {exc}")
            return False

    def load_session(self, path) -> bool:
        """:meth:`open_session` that raises (``ValueError`` naming the file) instead of
        showing the error: for the command line, which prints it and exits."""
        view = self.workspace.loading.open_session(path)
        if view is None:
            return False  # the user kept their edited points
        self.apply_view_state(view)
        self.session_path = os.fspath(path)
        self.recent.add(path)
        self._update_title()
        return True

    def open_path(self, path) -> bool:
        """Open a session file (``.gmmx``) or a data file, by its name (drops, recent)."""
        path = os.fspath(path)
        if session_file.is_session_file(path):
            return self.open_session(path)
        ok = self.window.open_file(path)
        if ok:
            self.recent.add(path)
        return ok

    def _on_data_changed(self) -> None:
        name = self.workspace.data_name
        if name and os.path.isfile(name):
            self.recent.add(name)
        if not self.workspace.edited and self.session_path:
            # other data now: Save must not overwrite the session file of the old
            # (open_session sets the path again after this)
            self.session_path = None
            self.window.setWindowTitle("GMM Explorer[*]")

    def _update_title(self) -> None:
        if self.session_path:
            self.window.setWindowTitle(f"{os.path.basename(self.session_path)}[*] — GMM Explorer")

    # ---------------------------------------------------------- exports
    def export(self, kind: str, path) -> bool:
        """Export ``kind`` (model, history, plot_png, plot_png_2x, plot_png_4x,
        plot_svg, window_png, script); False on
        failure (or when the person keeps a read-only file)."""
        if not self.may_replace_read_only(path):
            return False
        try:
            with replacing_read_only(path):
                self._export(kind, path)
        except (ValueError, OSError) as exc:
            self.window.show_error(f"Could not export: {exc}")
            return False
        self.window.show_message(f"Exported to {path}.")
        return True

    def _export(self, kind: str, path) -> None:
        if kind == "model":
            exports.export_model(path, self.workspace)
        elif kind == "history":
            exports.write_history_csv(path, self.workspace.history)
        elif kind in ("plot_png", "plot_svg"):
            exports.export_plot(path, self.window.shown_plot())
        elif kind in ("plot_png_2x", "plot_png_4x"):
            exports.export_plot(path, self.window.shown_plot(), scale=int(kind[-2]))
        elif kind == "window_png":
            exports.export_window(path, self.window)
        elif kind == "script":
            exports.export_script(path, self.workspace)
        else:
            raise ValueError(f"unknown export {kind!r}")

    def may_replace_read_only(self, path) -> bool:
        """True unless ``path`` is a read-only file the person chooses to keep.

        The file was made read-only on purpose, perhaps: Replace goes on;
        Cancel, Escape or closing the question keeps it.
        """
        if not is_read_only(path):
            return True
        box = QMessageBox(QMessageBox.Question, "GMM Explorer",
                          f"{os.path.basename(os.fspath(path))} is read-only.", parent=self.window)
        box.setInformativeText("Replace it anyway?")
        box.setStandardButtons(QMessageBox.Yes | QMessageBox.Cancel)
        box.setDefaultButton(QMessageBox.Cancel)
        box.setEscapeButton(QMessageBox.Cancel)
        if box.exec() == QMessageBox.Yes:
            return True
        self.workspace.message.emit(f"Kept the read-only file {path}.")
        return False

    def _export_dialog(self, kind, file_filter, suffix) -> None:
        # "plot_png_2x" -> gmm-plot.png
        path, _ = QFileDialog.getSaveFileName(self.window, "Export",
                                              f"gmm-{kind.split('_')[0]}{suffix}", file_filter)
        if path:
            if not os.path.splitext(path)[1]:
                path += suffix
            self.export(kind, path)

    # ------------------------------------------------- drops and close
    @staticmethod
    def _local_files(event) -> list:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        """Drops of files onto the window; remembering the layout on close."""
        if obj is self.window:
            kind = event.type()
            if kind in (QEvent.DragEnter, QEvent.DragMove) and self._local_files(event):
                event.acceptProposedAction()
                return True
            if kind == QEvent.Drop:
                files = self._local_files(event)
                if files:
                    event.acceptProposedAction()
                    self.open_path(files[0])
                    return True
            if kind == QEvent.Close:
                preferences.save_window_state(self.window)
        return False
