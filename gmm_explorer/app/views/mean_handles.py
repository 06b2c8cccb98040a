"""The means as draggable handles, all drawn by one graphics item.

Ten ``pg.TargetItem`` handles cost about 0.3 ms of every Step (each moved,
hit-tested and painted on its own); one item paints the K circles in a
single pass. Dragging a handle calls back with the component and its new
position; clicks on a handle are accepted, so that they do not fall through
to the plot (point editing adds no point under a mean).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from gmm_explorer.app.views.plotting import pixel_size

HANDLE_PIXELS = 13  # diameter
_PEN = (30, 30, 30)
_HOVER_PEN = (0, 0, 0)


class MeanHandles(pg.GraphicsObject):
    """K circles in the components' colours, one per mean, draggable.

    Parameters
    ----------
    on_dropped : callable
        ``on_dropped(k, (x, y))`` when the user lets go of handle ``k``.
    """

    def __init__(self, on_dropped, parent=None):
        super().__init__(parent)
        self._on_dropped = on_dropped
        self._pos = np.zeros((0, 2))
        self._colors: list = []
        self._hover = None  # the handle under the mouse
        self._drag = None  # (k, offset from the grab point to the centre)
        self._rect = None
        self.setAcceptHoverEvents(True)

    # ------------------------------------------------------------ model
    def set_means(self, means2, colors) -> None:
        """Put the handles at ``means2`` (K, 2), handle k in ``colors[k]`` (RGB)."""
        means2 = np.array(means2, dtype=float).reshape(-1, 2)
        if self._drag is not None and len(means2) != len(self._pos):
            self._drag = None
        self._pos = means2
        self._colors = [tuple(c) for c in colors]
        if self._hover is not None and self._hover >= len(means2):
            self._hover = None
        self._geometry_changed()

    def position(self, k: int) -> tuple:
        """(x, y) of handle ``k``."""
        return float(self._pos[k, 0]), float(self._pos[k, 1])

    def color(self, k: int) -> tuple:
        """RGB of handle ``k``."""
        return self._colors[k]

    def __len__(self) -> int:
        return len(self._pos)

    def drop(self, k: int, x: float, y: float) -> None:
        """Move handle ``k`` to ``(x, y)`` and report it, as the end of a drag does."""
        self._pos[k] = (x, y)
        self._geometry_changed()
        self._on_dropped(k, (float(x), float(y)))

    def _geometry_changed(self) -> None:
        self._rect = None
        self.prepareGeometryChange()
        self.update()

    # ------------------------------------------------------------ geometry
    def _radius(self) -> tuple:
        """Half the handle's width (plus its pen) in data units, along x and y."""
        px, py = pixel_size(self)
        half = 0.5 * HANDLE_PIXELS + 2.0
        return half * px, half * py

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            finite = self._pos[np.isfinite(self._pos).all(axis=1)]
            if not len(finite):
                self._rect = QRectF()
            else:
                rx, ry = self._radius()
                (x0, y0), (x1, y1) = finite.min(axis=0), finite.max(axis=0)
                self._rect = QRectF(QPointF(x0 - rx, y0 - ry), QPointF(x1 + rx, y1 + ry))
        return self._rect

    def shape(self) -> QPainterPath:
        # the circles only: clicks and drags elsewhere go to the plot
        path = QPainterPath()
        rx, ry = self._radius()
        for x, y in self._pos:
            if np.isfinite(x) and np.isfinite(y):
                path.addEllipse(QPointF(x, y), rx, ry)
        return path

    def viewTransformChanged(self) -> None:
        self._geometry_changed()

    def handle_at(self, point: QPointF):
        """The handle under ``point`` (item coordinates), or None."""
        if not len(self._pos):
            return None
        rx, ry = self._radius()
        if rx <= 0 or ry <= 0:
            return None
        d = ((self._pos[:, 0] - point.x()) / rx) ** 2 + ((self._pos[:, 1] - point.y()) / ry) ** 2
        k = int(np.nanargmin(d)) if np.isfinite(d).any() else None
        return k if k is not None and d[k] <= 1.0 else None

    # ------------------------------------------------------------ drawing
    def paint(self, painter, option, widget=None) -> None:
        transform = painter.transform()
        painter.save()
        painter.resetTransform()  # circles of a fixed size in pixels
        painter.setRenderHint(QPainter.Antialiasing, True)
        r = 0.5 * HANDLE_PIXELS
        for k, (x, y) in enumerate(self._pos):
            if not (np.isfinite(x) and np.isfinite(y)):
                continue
            hover = k == self._hover or (self._drag is not None and self._drag[0] == k)
            pen = QPen(QColor(*(_HOVER_PEN if hover else _PEN)), 2.5 if hover else 1.5)
            painter.setPen(pen)
            painter.setBrush(QBrush(QColor(*self._colors[k], 255 if hover else 220)))
            painter.drawEllipse(transform.map(QPointF(x, y)), r, r)
        painter.restore()

    # ------------------------------------------------------------ mouse
    def hoverEvent(self, ev) -> None:
        k = None if ev.isExit() else self.handle_at(ev.pos())
        if k is not None and not ev.acceptDrags(Qt.LeftButton):
            k = None
        if k is not None:
            ev.acceptClicks(Qt.LeftButton)
        if k != self._hover:
            self._hover = k
            self.setToolTip("" if k is None else
                            f"Mean of component {k}: drag it to restart EM from here")
            self.update()

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton and self.handle_at(ev.pos()) is not None:
            ev.accept()  # a click on a mean is not a click on the plot

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            k = self.handle_at(ev.buttonDownPos())
            if k is None:
                ev.ignore()
                return
            grab = ev.buttonDownPos()
            self._drag = (k, self._pos[k] - (grab.x(), grab.y()))
        if self._drag is None:
            ev.ignore()
            return
        ev.accept()
        k, offset = self._drag
        p = ev.pos()
        self._pos[k] = (p.x() + offset[0], p.y() + offset[1])
        self._geometry_changed()
        if ev.isFinish():
            self._drag = None
            self.drop(k, *self._pos[k])
