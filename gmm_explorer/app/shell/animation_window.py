"""File > Export > Animation…: the run as a GIF or MP4, with progress and Cancel.

:class:`AnimationUi` is built once by the main window (``window.animation_ui``).
It owns the :class:`~gmm_explorer.app.model.animation.AnimationExport` (frames
made in a runner job, drawn by :func:`~gmm_explorer.app.views.raster.render_frame`),
the menu entry (Ctrl+Shift+G), the :class:`AnimationDialog` that asks for the
file, the iterations, the size and the frame rate, and a progress bar with a
Cancel button in the status bar. :meth:`AnimationUi.export` does it all
without a dialog (tests, ``--animation``).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLineEdit, QProgressBar, QPushButton,
                               QSpinBox, QWidget)

from gmm_explorer.app.model.animation import JOB_NAME, AnimationExport, AnimationSpec
from gmm_explorer.app.shell.actions import make_action
from gmm_explorer.app.views.raster import render_frame


class AnimationDialog(QDialog):
    """Asks where and how: file, first and last iteration, width, height, frames per second."""

    def __init__(self, parent, last: int, path: str = "gmm-run.gif"):
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        form = QFormLayout(self)
        self.path = QLineEdit(path)
        self.path.setToolTip("The file to write: .gif (Pillow) or .mp4 (H.264, imageio-ffmpeg)")
        browse = QPushButton("Browse…")
        browse.setToolTip("Choose the file")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        self.first = self._spin(0, last, 0, "The first iteration shown (0 is the start)")
        self.last = self._spin(0, last, last, "The last iteration shown (default the latest)")
        form.addRow("From iteration", self.first)
        form.addRow("To iteration", self.last)
        self.width_box = self._spin(240, 3840, 960, "Frame width in pixels (the plot on the "
                                                    "left, the curves on the right)")
        self.height_box = self._spin(180, 2160, 540, "Frame height in pixels")
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(0.5, 60.0)
        self.fps.setValue(4.0)
        self.fps.setSingleStep(1.0)
        self.fps.setToolTip("Frames (iterations) per second")
        form.addRow("Frames per second", self.fps)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, max(hi, lo))
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export animation", self.path.text(),
                                              "Animated GIF (*.gif);;MP4 video (*.mp4)")
        if path:
            self.path.setText(path)

    def spec(self) -> AnimationSpec:
        """What the dialog's fields ask for."""
        path = self.path.text().strip()
        if not os.path.splitext(path)[1]:
            path += ".gif"
        return AnimationSpec(path, self.first.value(), self.last.value(),
                             self.width_box.value(), self.height_box.value(), self.fps.value())


class AnimationProgress(QWidget):
    """A progress bar and a Cancel button in the status bar while an export runs."""

    def __init__(self, cancel, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFormat("animation %p%")
        self.bar.setMaximumWidth(180)
        self.bar.setToolTip("Frames of the animation made so far")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the animation export (no file is written)")
        self.cancel_button.clicked.connect(cancel)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.hide()

    def set_fraction(self, fraction: float) -> None:
        self.bar.setValue(int(round(1000 * fraction)))


class AnimationUi:
    """The animation export of one main window."""

    def __init__(self, window):
        self.window = window
        self.workspace = window.workspace
        self.animation = AnimationExport(self.workspace, render_frame)
        self.progress = AnimationProgress(self.cancel)
        window.statusBar().addPermanentWidget(self.progress)
        self.workspace.runner.jobProgressed.connect(self._on_progress)
        self.action = make_action(
            window, "Animation (GIF, MP4)…", lambda: self.open_dialog(), "Ctrl+Shift+G",
            "Save the run as an animated GIF or an MP4 video: each frame the centre plot "
            "with the log-likelihood and condition-number curves at that iteration")
        window.desktop.export_menu.addAction(self.action)
        self.last_path: str | None = None

    def _view_options(self) -> dict:
        centre = self.window.centre
        (x0, x1), (y0, y1) = centre.getPlotItem().viewRange()
        return dict(color_mode=centre.color_mode, sigma_visible=dict(centre.sigma_visible),
                    x_range=(x0, x1), y_range=(y0, y1))

    def export(self, spec: AnimationSpec, wait: bool = False) -> bool:
        """Start writing ``spec`` in the background (``wait``: until done); False on a
        refusal or, with ``wait``, a failure (the message is shown)."""
        if self.window.shown_plot() is not self.window.centre:
            self.window.show_error("Could not export: the animation is of the 2-D plot; "
                                   "this data has one column")
            return False
        try:
            self.animation.start(spec, self._done, **self._view_options())
        except ValueError as exc:
            self.window.show_error(f"Could not export the animation: {exc}")
            return False
        self.last_path = spec.path
        self.progress.set_fraction(0.0)
        self.progress.show()
        self.window.show_message(f"Making {spec.path}…")
        if wait:
            self.animation.wait()
            return self.animation.last_error is None and self.animation.last_result is not None
        return True

    def open_dialog(self) -> None:
        """Ask for the file, iterations, size and rate, then export."""
        _first, last = self.animation.iteration_range()
        if last < 0:
            self.window.show_error("Nothing to animate yet: load data and take a step")
            return
        dialog = AnimationDialog(self.window, last)
        dialog.setWindowModality(Qt.WindowModal)
        if dialog.exec() == QDialog.Accepted:
            self.export(dialog.spec())

    def cancel(self) -> None:
        """Stop the export in progress; no file is written."""
        if self.animation.running:
            self.animation.cancel()
            self.progress.hide()
            self.window.show_message("Animation export cancelled; nothing was written.")

    def _on_progress(self, name: str, fraction: float) -> None:
        if name == JOB_NAME:
            self.progress.set_fraction(fraction)

    def _done(self, frames, error) -> None:
        self.progress.hide()
        if error is not None:
            self.window.show_error(f"Could not export the animation: {error}")
        elif frames is None:
            self.window.show_message("Animation export cancelled; nothing was written.")
        else:
            self.window.show_message(f"Exported {frames} frames to {self.last_path}.")
