"""Many small ellipses drawn as one unit circle under a transform each.

The pairs view draws K components at one or two sigma levels in each of up
to ninety panels: some two thousand ellipses a Step. Turning each one's
points into a painter path costs more than drawing it, so this item keeps a
single unit-circle path and draws it once per ellipse under that ellipse's
affine map (``A u + c``, from :func:`gmm_explorer.app.geometry.ellipse_transforms`),
with cosmetic pens (widths and dashes in screen pixels).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPainterPath, QTransform

from gmm_explorer.app.views.polylines import cosmetic_pens

#: Points of the drawn unit circle: a panel is tens of pixels across.
CIRCLE_POINTS = 49


def _unit_circle_path(points: int) -> tuple:
    angles = np.linspace(0.0, 2.0 * np.pi, points)
    circle = np.vstack([np.cos(angles), np.sin(angles)])  # (2, P)
    path = QPainterPath(QPointF(1.0, 0.0))
    for x, y in circle.T[1:]:
        path.lineTo(float(x), float(y))
    return circle, path


_CIRCLE, _CIRCLE_PATH = _unit_circle_path(CIRCLE_POINTS)


class EllipseSet(pg.GraphicsObject):
    """A fixed number of ellipses, each with its own pen.

    Parameters
    ----------
    pens : sequence of QPen
        One per ellipse slot, made cosmetic.
    """

    def __init__(self, pens=(), parent=None):
        super().__init__(parent)
        self._pens: list = []
        self._centres = np.zeros((0, 2))
        self._maps = np.zeros((0, 2, 2))
        self._visible = np.zeros(0, dtype=bool)
        self._rect = QRectF()
        self.set_pens(pens)

    def set_pens(self, pens) -> None:
        """Set the number of slots and their pens (all hidden until set)."""
        self._pens = cosmetic_pens(pens)
        n = len(self._pens)
        self._centres = np.zeros((n, 2))
        self._maps = np.zeros((n, 2, 2))
        self._visible = np.zeros(n, dtype=bool)
        self._changed()

    def __len__(self) -> int:
        return len(self._pens)

    def set_ellipses(self, centres: np.ndarray, maps: np.ndarray, visible) -> None:
        """Every slot's centre (n, 2), map (n, 2, 2) and whether it is drawn (n,)."""
        self._centres = np.asarray(centres, dtype=float).reshape(-1, 2)
        self._maps = np.asarray(maps, dtype=float).reshape(-1, 2, 2)
        self._visible = np.asarray(visible, dtype=bool) & np.isfinite(self._centres).all(1) \
            & np.isfinite(self._maps).all((1, 2))
        self._changed()

    def curve(self, i: int) -> np.ndarray:
        """The drawn curve of slot ``i`` in data units, shape (CIRCLE_POINTS, 2)."""
        return (self._maps[i] @ _CIRCLE).T + self._centres[i]

    def is_drawn(self, i: int) -> bool:
        return bool(self._visible[i]) and self.isVisible()

    def _changed(self) -> None:
        shown = self._visible
        if shown.any():
            # the ellipse A u + c spans c +- the row norms of A along each axis
            half = np.sqrt((self._maps[shown] ** 2).sum(axis=2))
            lo = (self._centres[shown] - half).min(axis=0)
            hi = (self._centres[shown] + half).max(axis=0)
            self._rect = QRectF(QPointF(*lo), QPointF(*hi))
        else:
            self._rect = QRectF()
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, False)  # tiny panels: crisper, cheaper
        base = painter.transform()
        for i in np.flatnonzero(self._visible):
            a = self._maps[i]
            cx, cy = self._centres[i]
            painter.setTransform(QTransform(a[0, 0], a[1, 0], a[0, 1], a[1, 1], cx, cy) * base)
            painter.setPen(self._pens[i])
            painter.drawPath(_CIRCLE_PATH)
        painter.setTransform(base)
