"""pyqtgraph set-up shared by the plots."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


def cache_axes(plot_widget) -> None:
    """Draw each axis (with its grid) from a cached pixmap.

    pyqtgraph replays an axis's recorded drawing, text included, on every
    repaint of its plot, about a millisecond per axis; with a device cache
    an axis whose range did not change costs a blit.
    """
    for name in ("left", "bottom", "right", "top"):
        axis = plot_widget.getPlotItem().getAxis(name)
        axis.setCacheMode(QGraphicsItem.DeviceCoordinateCache)


def plain_axes(plot_widget, sides=("left", "bottom")) -> None:
    """Tick numbers as they are, in the data's own units.

    pyqtgraph otherwise rescales small or large ranges and writes the factor
    into the axis label, "x0 (x0.001)", which reads as a formula.
    """
    for name in sides:
        plot_widget.getPlotItem().getAxis(name).enableAutoSIPrefix(False)


def pixel_size(item) -> tuple:
    """Data units per screen pixel along x and y for ``item`` ((0, 0) before it is shown)."""
    vectors = item.pixelVectors()
    if vectors is None or vectors[0] is None:
        return 0.0, 0.0
    return vectors[0].manhattanLength(), vectors[1].manhattanLength()


GRID_LEVELS = 2  # major and minor ticks; the finest level only cluttered the small plots


class TickGrid(pg.GraphicsObject):
    """Faint lines across a plot at its axes' ticks, in place of pyqtgraph's grid.

    pyqtgraph draws the grid as part of each axis, so the axis's cached
    picture covers the whole plot: every change of range re-rendered it
    (about 3.5 ms against 0.7 ms without grid, at 443x217 pixels), and a
    Step that grows the log-likelihood axis paid that. Here the lines are
    recomputed from the axes' own tick values when the range changes and
    drawn without antialiasing, in opaque colours blended with the plot's
    background beforehand: Qt's raster engine draws a translucent line
    about thirty times slower than an opaque one (3 ms against 0.1 ms for
    the eighty lines of a small plot).

    Parameters
    ----------
    plot_item : pyqtgraph.PlotItem
    alpha : float
        Opacity of the major lines (0 to 1); denser levels are fainter, as in
        pyqtgraph's grid.
    """

    def __init__(self, plot_item, alpha: float):
        super().__init__()
        self._plot = plot_item
        self._alpha = float(alpha)
        self._lines = None  # [(QPen, [QLineF, ...]), ...] for the current range
        view = plot_item.getViewBox()
        view.sigRangeChanged.connect(self._invalidate)
        view.sigResized.connect(self._invalidate)
        self.setZValue(-100)
        view.addItem(self, ignoreBounds=True)

    def _invalidate(self, *_args) -> None:
        self._lines = None
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._plot.getViewBox().viewRect()

    def _background(self) -> QColor:
        view = self.getViewWidget()
        return QColor(view.backgroundBrush().color()) if view is not None else QColor("white")

    def tick_lines(self) -> list:
        """``[(pen, lines)]``: the grid's lines by tick level, for the current range."""
        if self._lines is None:
            view = self._plot.getViewBox()
            rect = view.viewRect()
            self._lines = []
            for name, along_x in (("bottom", True), ("left", False)):
                axis = self._plot.getAxis(name)
                lo, hi = (rect.left(), rect.right()) if along_x else (rect.top(), rect.bottom())
                pixels = view.width() if along_x else view.height()
                if not (pixels > 0 and hi > lo):
                    continue
                for _spacing, values in axis.tickValues(lo, hi, pixels)[:GRID_LEVELS]:
                    values = [v for v in values if lo <= v <= hi]
                    if not values:
                        continue
                    alpha = self._alpha * min(max(0.05 * pixels / (len(values) + 1), 0.0), 1.0)
                    pen = QPen(_over(axis.pen().color(), alpha, self._background()), 1)
                    pen.setCosmetic(True)
                    if along_x:
                        lines = [QLineF(v, rect.top(), v, rect.bottom()) for v in values]
                    else:
                        lines = [QLineF(rect.left(), v, rect.right(), v) for v in values]
                    self._lines.append((pen, lines))
        return self._lines

    def paint(self, painter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, False)
        for pen, lines in self.tick_lines():
            painter.setPen(pen)
            painter.drawLines(lines)


def _over(color, alpha: float, background) -> QColor:
    """The opaque colour of ``color`` at opacity ``alpha`` over ``background``."""
    c, b = QColor(color), QColor(background)
    mix = [round(alpha * x + (1.0 - alpha) * y) for x, y in
           ((c.red(), b.red()), (c.green(), b.green()), (c.blue(), b.blue()))]
    return QColor(*mix)


def light_grid(plot_widget, alpha: float) -> TickGrid:
    """Give ``plot_widget`` a :class:`TickGrid` (and no pyqtgraph grid)."""
    plot = plot_widget.getPlotItem()
    plot.showGrid(x=False, y=False)
    return TickGrid(plot, alpha)


def fitting_left_label(plot_widget, titles) -> str:
    """Set the left axis's title to the first of ``titles`` (longest first) whose text
    fits the plot's height, else the last; the one chosen.

    A vertical title longer than its plot is cut at both ends ("(nats" of
    "log-likelihood (nats)" in a short dock).
    """
    axis = plot_widget.getAxis("left")
    metrics = QFontMetrics(axis.label.font())
    room = plot_widget.getPlotItem().getViewBox().height()
    title = next((t for t in titles if metrics.horizontalAdvance(t) <= room), titles[-1])
    if axis.labelText != title:
        plot_widget.setLabel("left", title)
    return title
