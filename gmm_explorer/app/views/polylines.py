"""Many polylines drawn by one graphics item.

A Step redraws thirty ellipses and eleven history curves. As one
``PlotDataItem`` each, pyqtgraph's per-curve bookkeeping (data bounds
recomputed for every bounding-box query, about 130 queries a paint, and a
``setData`` that re-derives display data) cost more than drawing the lines.
:class:`Polylines` keeps each line's painter path, builds it only when the
line changes, and answers bounding-box queries from a cached rectangle.
pyqtgraph's advice for speed is the same: fewer items, cached geometry.

Long lines (a run of thousands of iterations) are drawn as the minimum and
maximum of each pixel column ("peak" decimation), so a repaint costs the
plot's width, not the history's length.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from gmm_explorer.app.views.plotting import pixel_size


def peak_decimate(x: np.ndarray, y: np.ndarray, bins: int) -> tuple:
    """The minimum and maximum of ``y`` over ``bins`` runs of consecutive points.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
        ``x`` evenly spaced (iterations). NaN in ``y`` is a gap.
    bins : int

    Returns
    -------
    x2, y2 : ndarray of shape (2 * bins',)
        Each run's mean ``x`` twice, with its minimum then its maximum ``y``;
        a run with no finite value stays a gap (NaN). Unchanged input when
        ``n <= 2 * bins``.
    """
    n = len(x)
    if n <= 2 * bins:
        return x, y
    size = int(np.ceil(n / bins))
    count = int(np.ceil(n / size))
    pad = count * size - n
    xs = np.concatenate([x, np.full(pad, x[-1])]).reshape(count, size)
    ys = np.concatenate([y, np.full(pad, np.nan)]).reshape(count, size)
    centre = xs.mean(axis=1)
    # fmin/fmax skip NaN and give NaN only for an all-NaN run (a gap)
    lo, hi = np.fmin.reduce(ys, axis=1), np.fmax.reduce(ys, axis=1)
    return np.repeat(centre, 2), np.column_stack([lo, hi]).ravel()


def _finite_box(x, y):
    """(xmin, ymin, xmax, ymax) of the points where both are finite, or None."""
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    x, y = x[ok], y[ok]
    return x.min(), y.min(), x.max(), y.max()


def _rect(x0, y0, x1, y1) -> QRectF:
    return QRectF(QPointF(x0, y0), QPointF(x1, y1))


def cosmetic_pens(pens) -> list:
    """Copies of ``pens`` that keep their width in pixels whatever the zoom."""
    copies = []
    for pen in pens:
        pen = QPen(pen)
        pen.setCosmetic(True)
        copies.append(pen)
    return copies


class Polylines(pg.GraphicsObject):
    """A fixed number of polylines, each with its own pen, drawn in order.

    Parameters
    ----------
    pens : sequence of QPen
        One per line; made cosmetic (widths in screen pixels).
    antialias : bool
    growing : bool
        For lines that grow at their end (curves over iterations). The item
        then claims the whole view as its bounding box, so that a longer line
        does not change it, and a line that only gained points at its end
        repaints just the region of its new segments: a Step repaints a strip
        of the plot, not all of it.
    halo : tuple of (float, RGB tuple), optional
        Draw the solid lines on bands this many pixels wider on each side, in this
        colour (:data:`~gmm_explorer.app.model.picture.ELLIPSE_HALO`), every band
        before any line: a line over dense points of its own colour stays visible.
    """

    def __init__(self, pens=(), antialias: bool = True, growing: bool = False, halo=None,
                 parent=None):
        super().__init__(parent)
        self._antialias = antialias
        self._growing = growing
        self._halo = halo
        self._pens: list = []
        self._x: list = []
        self._y: list = []
        self._visible: list = []
        self._dots: list = []  # dot diameter in pixels, or 0
        self._paths: list = []  # cached (bins, path, dots polygon) per line, None when stale
        self._has_extent = False
        self._extent = None  # finite data extent of the visible lines
        self._rect = None  # boundingRect, with room for the pens
        self._pixel = None  # data units per pixel along x and y, until the view changes
        self._increasing: dict = {}  # line -> ((id, length) of its x, whether x increases)
        if growing:
            self.setFlag(QGraphicsItem.ItemUsesExtendedStyleOption)  # for exposedRect
        self.set_pens(pens)

    # ------------------------------------------------------------ lines
    def set_pens(self, pens) -> None:
        """Set the number of lines and their pens (existing data are dropped)."""
        self._pens = cosmetic_pens(pens)
        n = len(self._pens)
        self._x = [np.zeros(0) for _ in range(n)]
        self._y = [np.zeros(0) for _ in range(n)]
        self._visible = [True] * n
        self._dots = [0.0] * n
        self._paths = [None] * n
        self._changed()

    def __len__(self) -> int:
        return len(self._pens)

    def set_line(self, i: int, x, y) -> None:
        """Line ``i`` through the points ``(x[j], y[j])``; NaN leaves a gap."""
        self.set_lines({i: (x, y)})

    def set_lines(self, lines: dict, grown: bool = False) -> None:
        """Several lines at once, ``{i: (x, y)}``, with one repaint request.

        ``grown``: the caller vouches that each line only gained points at its
        end since its last ``set_lines`` (a history that grew); the item then
        neither copies nor compares the data. Otherwise a growing item
        compares with what it drew to find out.
        """
        boxes, everything = [], not self._growing
        for i, (x, y) in lines.items():
            # without ``grown``, copies: callers pass views of buffers they reuse, and
            # the old data must stay as drawn to tell an extension from a change
            x = np.asarray(x, dtype=float) if grown else np.array(x, dtype=float)
            y = np.asarray(y, dtype=float) if grown else np.array(y, dtype=float)
            if x.shape != y.shape or x.ndim != 1:
                raise ValueError(f"line {i}: x and y must be 1-D of one length, "
                                 f"got shapes {x.shape} and {y.shape}")
            old_x, old_y = self._x[i], self._y[i]
            self._x[i], self._y[i] = x, y
            self._paths[i] = None
            if everything or not self._visible[i]:
                continue
            new = self._appended_points(old_x, old_y, x, y, compare=not grown)
            if new is None:
                everything = True
            else:
                box = _finite_box(*new)
                if box is not None:
                    boxes.append(box)
        if not self._growing:
            self._changed()
            return
        self._extent = None
        if everything:
            self.update()
        elif boxes:
            boxes = np.array(boxes)
            self.update(self._padded(_rect(*boxes[:, :2].min(axis=0), *boxes[:, 2:].max(axis=0))))

    def _appended_points(self, old_x, old_y, x, y, compare: bool = True):
        """The points to redraw when ``x, y`` extend ``old_x, old_y``, else None.

        Those are the last old point (its segment to the first new one) and
        the new points. None (redraw all) when the line changed otherwise, or
        when it is long enough to be decimated, where every column may move.
        """
        n0 = len(old_x)
        if not 0 < n0 <= len(x) or len(x) > 2 * self._columns():
            return None
        if compare and not (np.array_equal(x[:n0], old_x, equal_nan=True)
                            and np.array_equal(y[:n0], old_y, equal_nan=True)):
            return None
        return x[n0 - 1:], y[n0 - 1:]

    def _padded(self, rect: QRectF) -> QRectF:
        """``rect`` widened by the widest pen, halo or dot, in data units."""
        extra = 2 * self._halo[0] if self._halo else 0.0
        widths = [p.widthF() + extra for p, on in zip(self._pens, self._visible) if on]
        widths += [d for d, on in zip(self._dots, self._visible) if on]
        pad = 0.5 * max(widths, default=0.0) + 1.0  # pixels
        px, py = self._pixel_size()
        return rect.adjusted(-pad * px, -pad * py, pad * px, pad * py)

    def set_line_visible(self, i: int, visible: bool) -> None:
        if self._visible[i] != bool(visible):
            self._visible[i] = bool(visible)
            self._changed()

    def set_dots(self, i: int, diameter: float) -> None:
        """Mark each point of line ``i`` with a dot ``diameter`` pixels wide (0: none)."""
        if self._dots[i] != diameter:
            self._dots[i] = float(diameter)
            self._paths[i] = None
            self._changed()

    def line_data(self, i: int) -> tuple:
        """(x, y) of line ``i``, as given (not decimated)."""
        return self._x[i], self._y[i]

    def line_pen(self, i: int) -> QPen:
        return QPen(self._pens[i])

    def line_visible(self, i: int) -> bool:
        return self._visible[i] and self.isVisible()

    def line_dots(self, i: int) -> float:
        return self._dots[i]

    def _changed(self) -> None:
        self._extent = None
        self._rect = None
        self.prepareGeometryChange()
        self.update()

    # ------------------------------------------------------------ geometry
    def _data_extent(self) -> QRectF:
        if self._extent is None:
            boxes = [_finite_box(x, y) for x, y, on in zip(self._x, self._y, self._visible)
                     if on and len(x)]
            boxes = np.array([b for b in boxes if b is not None]).reshape(-1, 4)
            self._has_extent = len(boxes) > 0
            self._extent = QRectF()
            if self._has_extent:
                self._extent = _rect(*boxes[:, :2].min(axis=0), *boxes[:, 2:].max(axis=0))
        return self._extent

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        """(min, max) of the visible lines along axis ``ax`` (for auto-range)."""
        r = self._data_extent()
        if not self._has_extent:
            return None, None
        return (r.left(), r.right()) if ax == 0 else (r.top(), r.bottom())

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            view = self.getViewBox() if self._growing else None
            if view is not None:
                self._rect = QRectF(view.viewRect())
            else:
                self._rect = self._padded(QRectF(self._data_extent()))
        return self._rect

    def _pixel_size(self) -> tuple:
        if self._pixel is None:
            size = pixel_size(self)
            if size == (0.0, 0.0):
                return size  # not shown yet: ask again later
            self._pixel = size
        return self._pixel

    def viewTransformChanged(self) -> None:
        # zoom, pan or resize: the pens' room in data units changed, and so
        # did the pixel columns of the decimation
        self._rect = None
        self._pixel = None
        self.prepareGeometryChange()

    # ------------------------------------------------------------ drawing
    def _columns(self) -> int:
        vb = self.getViewBox()
        width = vb.width() if vb is not None else 0
        return max(100, int(width))

    def _path(self, i: int, bins: int):
        if self._paths[i] is None or self._paths[i][0] != bins:
            x, y = self._x[i], self._y[i]
            dx, dy = peak_decimate(x, y, bins)
            self._paths[i] = (bins, *self._build(x, y, dx, dy, self._dots[i]))
        return self._paths[i][1:]

    @staticmethod
    def _build(x, y, dx, dy, dots: float) -> tuple:
        """(path through dx, dy; dots polygon of x, y or None)."""
        path = pg.arrayToQPath(dx, dy, connect="finite") if len(dx) else QPainterPath()
        polygon = None
        if dots and len(dx) == len(x):  # no dots on a decimated line
            ok = np.isfinite(x) & np.isfinite(y)
            # pyqtgraph cannot make an empty polygon (it raised inside paint, and the
            # view crashed): a line of gaps only, such as an infinite likelihood
            if ok.any():
                polygon = pg.functions.arrayToQPolygonF(x[ok], y[ok])
        return path, polygon

    def _window(self, i: int, exposed: QRectF):
        """Path and dots of the part of growing line ``i`` inside ``exposed``, or None.

        A Step exposes a strip around the new segment (see :meth:`set_lines`);
        stroking the whole line only to clip it to that strip cost most of
        the paint. Only for short (undecimated) lines with increasing x.
        """
        x, y = self._x[i], self._y[i]
        if len(x) < 8 or len(x) > 2 * self._columns() or not self._x_increasing(i) \
                or self._pens[i].style() != Qt.SolidLine:  # dashes would restart here
            return None
        exposed = self._padded(exposed)  # strokes and dots of points just outside reach in
        lo = max(int(np.searchsorted(x, exposed.left(), side="left")) - 2, 0)
        hi = min(int(np.searchsorted(x, exposed.right(), side="right")) + 2, len(x))
        xs, ys = x[lo:hi], y[lo:hi]
        return self._build(xs, ys, xs, ys, self._dots[i])

    def _halo_pen(self, pen: QPen) -> QPen:
        extra, rgb = self._halo
        band = QPen(QColor(*rgb), pen.widthF() + 2 * extra)
        band.setCosmetic(True)
        band.setJoinStyle(Qt.RoundJoin)
        return band

    def _x_increasing(self, i: int) -> bool:
        x = self._x[i]
        key = (id(x), len(x))
        if self._increasing.get(i, (None,))[0] != key:
            self._increasing[i] = (key, bool(np.all(np.diff(x) > 0)))
        return self._increasing[i][1]

    def paint(self, painter, option, widget=None) -> None:
        bins = self._columns()
        exposed = getattr(option, "exposedRect", None)
        partial = (self._growing and exposed is not None and not exposed.isEmpty()
                   and exposed.width() < 0.5 * self.boundingRect().width())
        painter.setRenderHint(QPainter.Antialiasing, self._antialias)
        drawn = []
        for i, pen in enumerate(self._pens):
            if not self._visible[i] or not len(self._x[i]):
                continue
            part = self._window(i, exposed) if partial else None
            drawn.append((i, pen, *(part if part is not None else self._path(i, bins))))
        if self._halo:  # every band first: a band drawn later would cut earlier lines
            # without antialiasing: a wide antialiased stroke costs three times as much
            # (3.3 against 1.0 ms for twenty ellipses), and the line on it is smooth anyway
            painter.setRenderHint(QPainter.Antialiasing, False)
            for _, pen, path, _ in drawn:
                if pen.style() == Qt.SolidLine:  # the 1-sigma curves: dashes stay light
                    painter.setPen(self._halo_pen(pen))
                    painter.drawPath(path)
            painter.setRenderHint(QPainter.Antialiasing, self._antialias)
        for i, pen, path, dots in drawn:
            painter.setPen(pen)
            painter.drawPath(path)
            if dots is not None:
                dot_pen = QPen(pen.color(), self._dots[i])
                dot_pen.setCapStyle(Qt.RoundCap)
                dot_pen.setCosmetic(True)
                painter.setPen(dot_pen)
                painter.drawPoints(dots)
