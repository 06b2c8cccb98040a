"""The status bar's load indicator: what is loading, a progress bar and Cancel."""

from __future__ import annotations

import os

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class LoadProgress(QWidget):
    """Shown while the workspace loads a file in the background; hidden otherwise.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace

    Attributes
    ----------
    last_reason : str
        How the last load ended: ``"loaded"``, ``"cancelled"``, ``"failed"``
        (``""`` before any).
    """

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.last_reason = ""
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(160)
        self.bar.setToolTip("Reading the file and starting EM on it, off the window's "
                            "thread: everything else keeps answering")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop loading; the data shown now stay")
        self.cancel_button.clicked.connect(workspace.loading.cancel_load)
        box = QHBoxLayout(self)
        box.setContentsMargins(4, 0, 4, 0)
        for w in (self.label, self.bar, self.cancel_button):
            box.addWidget(w)
        workspace.loading.loadStarted.connect(self._on_started)
        workspace.loading.loadProgress.connect(self._on_progress)
        workspace.loading.loadEnded.connect(self._on_ended)
        self.hide()

    def _on_started(self, path: str) -> None:
        self.label.setText(f"Loading {os.path.basename(path)}")
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.show()

    def _on_progress(self, fraction: float) -> None:
        self.bar.setValue(int(round(1000 * min(max(fraction, 0.0), 1.0))))

    def _on_ended(self, reason: str, message: str) -> None:
        self.last_reason = reason
        if not self.workspace.loading.busy:
            self.hide()

    def cancel(self) -> None:
        """What the Cancel button does."""
        self.workspace.loading.cancel_load()

    def wait(self) -> str:
        """Run the event loop until the load in progress ends; return how it ended.

        The window keeps answering meanwhile (the progress bar moves, Cancel
        works), as under a modal dialog.
        """
        if not self.workspace.loading.busy:
            return self.last_reason
        loop = QEventLoop()
        done = []

        def ended(reason, message):
            done.append(reason)
            loop.quit()

        self.workspace.loading.loadEnded.connect(ended)
        try:
            if self.workspace.loading.busy:
                loop.exec()
        finally:
            self.workspace.loading.loadEnded.disconnect(ended)
        return done[0] if done else self.last_reason
