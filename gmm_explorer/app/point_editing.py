"""Provoking by hand: clicks on the centre plot add or delete points.

In edit mode (Lab → Edit points): a click adds a point, Shift+click adds
ten copies of it (identical points invite a collapse), Ctrl+click deletes
the nearest point within a few pixels. Each edit restarts EM from the same
start (:meth:`gmm_explorer.app.lab.Lab.add_points`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

DELETE_PIXELS = 10
COPIES = 10


class PointEditor:
    """Turns clicks on ``centre`` into lab point edits while enabled."""

    def __init__(self, centre, lab):
        self.centre, self.lab = centre, lab
        self.enabled = False
        centre.scene().sigMouseClicked.connect(self._on_click)

    def set_enabled(self, on: bool) -> None:
        """Switch edit mode on or off."""
        self.enabled = bool(on)
        self.lab.session.message.emit(
            "Edit points: click adds a point, Shift+click ten copies, Ctrl+click deletes."
            if on else "Edit points off.")

    def click(self, x: float, y: float, modifiers=Qt.NoModifier) -> None:
        """Act as a click at data coordinates ``(x, y)`` with ``modifiers``."""
        if modifiers & Qt.ControlModifier:
            vb = self.centre.getPlotItem().getViewBox()
            px = vb.viewPixelSize()
            row, dist = self.lab.nearest_row((x, y), (px[0] or 1.0, px[1] or 1.0))
            if dist <= DELETE_PIXELS:
                try:
                    self.lab.delete_points([row])
                except ValueError as exc:
                    self.lab.session.message.emit(str(exc))
            return
        copies = COPIES if modifiers & Qt.ShiftModifier else 1
        self.lab.add_points((x, y), copies)

    def _on_click(self, event) -> None:
        if not self.enabled or event.button() != Qt.LeftButton:
            return
        handles = getattr(self.centre, "handles", None)
        if handles is not None and handles.isVisible() and \
                handles.handle_at(handles.mapFromScene(event.scenePos())) is not None:
            return  # a click on a mean's handle adds no point
        vb = self.centre.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        event.accept()
        self.click(p.x(), p.y(), event.modifiers())
