"""Labels in the main window: File → Export labels (Ctrl+L) and File → Predict file
(Ctrl+Shift+L), and the status bar's progress and Cancel while a file is labelled.

:class:`LabelsUi` is built once by the main window (``window.labels_ui``). It
makes the :class:`~gmm_explorer.app.model.labelling.Labelling` for the
window's workspace; its methods take paths (tests need no dialogs), the
dialogs only ask for them.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from gmm_explorer.app.model.labelling import Labelling
from gmm_explorer.app.shell.actions import make_action

_CSV_FILTER = "CSV files (*.csv);;All files (*)"


def labels_name(data_path: str) -> str:
    """``/a/iris.csv`` -> ``/a/iris-labels.csv``: where a file's labels go by default."""
    stem = os.path.splitext(os.path.basename(data_path))[0] or "data"
    return os.path.join(os.path.dirname(data_path), f"{stem}-labels.csv")


class LabelsUi:
    """Export labels and Predict file for one main window."""

    def __init__(self, window):
        self.window = window
        self.labelling = Labelling(window.workspace, window)
        self.actions = {
            "export_labels": make_action(
                window, "Export &labels…", lambda: self.export_dialog(), "Ctrl+L",
                "Save every data row's component under the shown iteration: its line in "
                "the file, the most probable component, each component's probability, "
                "the known class"),
            "predict_file": make_action(
                window, "&Predict file…", lambda: self.predict_dialog(), "Ctrl+Shift+L",
                "Label another data file (same columns) with the shown iteration's model "
                "and save the labels as CSV, as gmm-explorer predict does"),
        }
        self._add_to_file_menu()
        self._make_progress()
        self.labelling.labelEnded.connect(self._on_ended)

    def _add_to_file_menu(self) -> None:
        bar = self.window.menuBar()
        file_menu = next(a.menu() for a in bar.actions()
                         if a.menu() is not None and a.text().replace("&", "") == "File")
        # after the session and export entries, before the separator above Quit
        entries = file_menu.actions()
        quit_action = self.window.actions_by_name["quit"]
        at = entries.index(quit_action) if quit_action in entries else len(entries)
        if at > 0 and entries[at - 1].isSeparator():
            at -= 1
        before = entries[at] if at < len(entries) else None
        for action in self.actions.values():
            file_menu.insertAction(before, action) if before else file_menu.addAction(action)

    def _make_progress(self) -> None:
        self.progress = QWidget()
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFixedWidth(140)
        self.progress_bar.setToolTip("Making and writing the labels, off the window's "
                                     "thread: everything else keeps answering")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop making the labels; nothing is written")
        self.cancel_button.clicked.connect(self.labelling.cancel)
        box = QHBoxLayout(self.progress)
        box.setContentsMargins(4, 0, 4, 0)
        for w in (self.progress_label, self.progress_bar, self.cancel_button):
            box.addWidget(w)
        self.window.statusBar().addPermanentWidget(self.progress)
        self.progress.hide()
        self.labelling.labelStarted.connect(self._on_started)
        self.labelling.labelProgress.connect(
            lambda f: self.progress_bar.setValue(int(round(1000 * min(max(f, 0.0), 1.0)))))

    # ---------------------------------------------------------- actions
    def export_labels(self, path, wait: bool = False) -> bool:
        """Write the data's labels under the shown iteration to ``path``.

        In the background; with ``wait`` the call returns when it has ended
        (the window answering meanwhile) and says whether the file was
        written. Errors are shown; False when nothing was (or will be) written.
        """
        try:
            self.labelling.export_labels(path)
        except (ValueError, OSError) as exc:
            self.window.show_error(f"Could not export the labels: {exc}")
            return False
        return self.labelling.wait() == "written" if wait else True

    def predict_file(self, data_path, output_path, wait: bool = False) -> bool:
        """Label ``data_path`` with the shown iteration's model into ``output_path``.

        In the background; with ``wait`` the call returns when it has ended
        (the window answering meanwhile) and says whether the file was
        written. Errors are shown; False when nothing was (or will be) written.
        """
        try:
            self.labelling.predict_file(data_path, output_path)
        except (ValueError, OSError) as exc:
            self.window.show_error(f"Could not label {os.path.basename(str(data_path))}: "
                                   f"{exc}")
            return False
        return self.labelling.wait() == "written" if wait else True

    def export_dialog(self) -> None:
        """Ask where to save the labels, then :meth:`export_labels`."""
        name = self.window.workspace.data_name
        default = labels_name(name) if name and os.path.isfile(name) else "labels.csv"
        path, _ = QFileDialog.getSaveFileName(self.window, "Export labels", default,
                                              _CSV_FILTER)
        if path:
            self.export_labels(path if os.path.splitext(path)[1] else path + ".csv")

    def predict_dialog(self) -> None:
        """Ask for a data file and where its labels go, then :meth:`predict_file`."""
        # the window's module imports this one: its filter is read when asked for
        from gmm_explorer.app.shell.window import DATA_FILTER

        data_path, _ = QFileDialog.getOpenFileName(self.window, "Predict file: data to label",
                                                   "", DATA_FILTER)
        if not data_path:
            return
        path, _ = QFileDialog.getSaveFileName(self.window, "Predict file: save the labels as",
                                              labels_name(data_path), _CSV_FILTER)
        if path:
            self.predict_file(data_path, path if os.path.splitext(path)[1] else path + ".csv")

    # ------------------------------------------------------- following
    def _on_started(self, what: str) -> None:
        self.progress_label.setText(what)
        self.progress_bar.setValue(0)
        self.progress.show()

    def _on_ended(self, reason: str, message: str) -> None:
        self.progress.hide()
        if reason == "failed":
            self.window.show_error(message)
