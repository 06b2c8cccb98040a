"""Provoking by hand: clicks on the centre plot add or delete points.

In edit mode (Lab → Edit points): a click adds a point, Shift+click adds
ten copies of it (identical points invite a collapse), Alt+click sprays
points round it with the brush's spread, Ctrl+click deletes the nearest
point within a few pixels (under a mean's handle too). Each edit restarts EM from the same
start (:meth:`gmm_explorer.app.model.lab.Lab.add_points`). :class:`HandMadeMarks`
rings the points added by hand, so that what the user provoked stays in
sight.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

DELETE_PIXELS = 10
COPIES = 10
#: The brush's spreads, as a share of the shown x range (a standard deviation).
BRUSH_SPREADS = {"narrow": 0.01, "medium": 0.03, "wide": 0.08}
BRUSH_POINTS = 40
EDIT_HINT = ("Edit points: click adds a point, Shift+click ten copies, Alt+click sprays "
             "points (the brush), Ctrl+click deletes; Ctrl+Z undoes.")
RING_COLOR = (20, 20, 20)
RING_PIXELS = 11


class HandMadeMarks:
    """A dark ring round each point added by hand, on the centre plot."""

    def __init__(self, centre, workspace):
        self.workspace = workspace
        self.rings = pg.ScatterPlotItem(pxMode=True, symbol="o", size=RING_PIXELS,
                                        pen=pg.mkPen(RING_COLOR, width=1.3), brush=None)
        self.rings.setZValue(15)  # over the points, under the means' handles
        centre.addItem(self.rings, ignoreBounds=True)
        workspace.dataChanged.connect(self.update)
        self.update()

    def update(self, *_args) -> None:
        s = self.workspace
        mask = s.hand_made
        if s.X is None or mask is None:
            if len(self.rings.data):
                self.rings.setData([], [])
            return
        shown = s.X[mask][:, list(s.axes)]
        self.rings.setData(shown[:, 0], shown[:, 1])

    def positions(self) -> np.ndarray:
        """(M, 2) data coordinates of the rings (for tests)."""
        return np.column_stack([self.rings.data["x"], self.rings.data["y"]])


class PointEditor:
    """Turns clicks on ``centre`` into lab point edits while enabled."""

    def __init__(self, centre, lab):
        self.centre, self.lab = centre, lab
        self.enabled = False
        self.brush = "medium"  # a key of BRUSH_SPREADS
        self.seed = None  # the brush's random seed (tests fix it)
        centre.scene().sigMouseClicked.connect(self._on_click)

    def set_enabled(self, on: bool) -> None:
        """Switch edit mode on or off."""
        self.enabled = bool(on)
        self.lab.workspace.message.emit(
            EDIT_HINT if on else "Edit points off.")

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
                    self.lab.workspace.message.emit(str(exc))
            return
        if modifiers & Qt.AltModifier:
            self.spray(x, y)
            return
        copies = COPIES if modifiers & Qt.ShiftModifier else 1
        try:
            self.lab.add_points((x, y), copies)
        except ValueError as exc:  # EM cannot start on the data with it (a point at 1e300)
            self.lab.workspace.message.emit(f"Point not added: {exc}")

    def set_brush(self, name: str) -> None:
        """Choose the brush's spread: a key of :data:`BRUSH_SPREADS`."""
        if name not in BRUSH_SPREADS:
            raise ValueError(f"unknown brush {name!r}; known: {', '.join(BRUSH_SPREADS)}")
        self.brush = name

    def brush_spread(self) -> float:
        """The brush's standard deviation in data units: its share of the shown x range."""
        (x0, x1), _ = self.centre.getPlotItem().getViewBox().viewRange()
        return BRUSH_SPREADS[self.brush] * max(x1 - x0, 1e-12)

    def spray(self, x: float, y: float) -> None:
        """The brush at data coordinates ``(x, y)``: points scattered round it, one edit."""
        try:
            self.lab.spray_points((x, y), BRUSH_POINTS, self.brush_spread(), self.seed)
        except ValueError as exc:
            self.lab.workspace.message.emit(f"Points not added: {exc}")

    def _on_click(self, event) -> None:
        if not self.enabled or event.button() != Qt.LeftButton:
            return
        handles = self.centre.handles
        # a click on a mean's handle adds no point, but Ctrl+click deletes the one under it
        if not event.modifiers() & Qt.ControlModifier and handles.isVisible() and \
                handles.handle_at(handles.mapFromScene(event.scenePos())) is not None:
            return
        vb = self.centre.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        event.accept()
        self.click(p.x(), p.y(), event.modifiers())
