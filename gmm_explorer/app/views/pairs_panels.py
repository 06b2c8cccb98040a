"""The pairs view's two kinds of panel: a pair of features, and one feature alone.

Each panel is one pyqtgraph ``PlotItem`` without axes, mouse zoom or menu,
over a fixed range (the feature's data range), with its items made once and
updated in place on every Step:

- :class:`PairPanel` (row feature on y, column feature on x): the drawn
  points as an image (:mod:`~gmm_explorer.app.views.point_raster`), the
  components' exact marginal ellipses (one
  :class:`~gmm_explorer.app.views.ellipse_set.EllipseSet`) and a ring on the
  hovered point;
- :class:`FeaturePanel` (the diagonal): the feature's name, a grey histogram
  of all its values and each component's weighted marginal density
  ``w_k N(x; m_k[j], S_k[j, j])``, with a line at the hovered point's value.
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import scipy.stats
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QGraphicsItem

from gmm_explorer.app import colors, geometry
from gmm_explorer.app.views import point_raster
from gmm_explorer.app.views.ellipse_set import EllipseSet
from gmm_explorer.app.views.polylines import Polylines

SIGMA_STYLES = {1: (1.5, Qt.SolidLine), 2: (1.0, Qt.DashLine), 3: (1.0, Qt.DotLine)}
SIGMA_LEVELS = (1, 2, 3)
HIST_BINS = 30
#: Lines a diagonal panel's feature name may take before it is cut.
NAME_LINES = 3
DENSITY_POINTS = 61
_BORDER = (185, 185, 185)
_HOVER_PEN = pg.mkPen(20, 20, 20, width=1.5)


def padded_range(values: np.ndarray, pad: float = 0.05) -> tuple:
    """(lo, hi) of ``values`` widened by ``pad`` of its span (1 when constant)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else 1.0
    return lo - pad * span, hi + pad * span


def _bare_plot(plot) -> None:
    """No axes, buttons, menu or mouse zoom: a fixed little panel with a frame."""
    for name in ("left", "bottom", "top", "right"):
        plot.hideAxis(name)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    vb = plot.getViewBox()
    vb.setMouseEnabled(False, False)
    vb.setMenuEnabled(False)
    vb.setBorder(pg.mkPen(*_BORDER))
    vb.setDefaultPadding(0.0)


def wrapped_name(name: str, width: int, advance, elide, lines: int = NAME_LINES) -> list:
    """``name`` in at most ``lines`` lines of ``width`` pixels.

    Lines break after ``_``, ``-``, ``.``, ``/`` and spaces, and inside a word too wide
    for a line; what passes the last line is cut there with '…' in its middle (names
    often share their start, as alcohol and alcalinity_of_ash, and end apart).

    Parameters
    ----------
    name : str
    width : int
    advance : callable
        Pixel width of a text (``QFontMetrics.horizontalAdvance``).
    elide : callable
        A text cut to ``width`` (``QFontMetrics.elidedText``).
    lines : int
    """
    pieces = []
    for word in re.findall(r"[^_\-./ ]*[_\-./ ]|[^_\-./ ]+", name) or [name]:
        while advance(word) > width and len(word) > 1:  # a word wider than a line: cut it
            cut = max((i for i in range(1, len(word)) if advance(word[:i]) <= width),
                      default=1)
            if len(word) - cut < 3 <= cut - 3:  # no tail of a letter or two on its own line
                cut = len(word) - 3
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    out: list = []
    for piece in pieces:
        if out and advance(out[-1] + piece) <= width:
            out[-1] += piece
        else:
            out.append(piece)
    if len(out) > lines:
        out = out[:lines - 1] + [elide("".join(out[lines - 1:]))]
    return [line.strip() for line in out]


class PairPanel:
    """Feature ``col`` (x) against feature ``row`` (y).

    Parameters
    ----------
    plot : pyqtgraph.PlotItem
    row, col : int
        Data columns shown on y and x.
    """

    def __init__(self, plot, row: int, col: int):
        self.plot, self.row, self.col = plot, row, col
        _bare_plot(plot)
        self.extent = (0.0, 1.0, 0.0, 1.0)
        self.image = pg.ImageItem()
        self.image.setZValue(0)
        plot.addItem(self.image)
        self.ellipses = EllipseSet()
        self.ellipses.setZValue(5)
        plot.addItem(self.ellipses, ignoreBounds=True)
        self.marker = pg.ScatterPlotItem(size=9, pen=_HOVER_PEN, brush=None)
        self.marker.setZValue(10)
        self.marker.hide()
        plot.addItem(self.marker, ignoreBounds=True)
        self._x = self._y = np.zeros(0)
        self._flat = None
        self._shape = (0, 0)
        self._buffer = None
        self._pen_ids: tuple = ()

    @property
    def view(self):
        return self.plot.getViewBox()

    def set_points(self, x: np.ndarray, y: np.ndarray, extent: tuple) -> None:
        """The drawn points' coordinates (M,) each, and the panel's range (x0, x1, y0, y1)."""
        self._x, self._y, self.extent = x, y, extent
        self.view.setRange(xRange=extent[:2], yRange=extent[2:], padding=0.0)
        self._flat = None

    def paint_points(self, codes: np.ndarray) -> None:
        """Colour the points (``codes``: (M,) uint32 RGBA, as :func:`point_raster.paint`)."""
        vb = self.view
        shape = (max(int(vb.width()), 8), max(int(vb.height()), 8))
        if self._flat is None or shape != self._shape:
            self._shape = shape
            self._flat = point_raster.pixel_indices(self._x, self._y, self.extent, shape)
        if len(codes) != len(self._flat):
            return
        img = point_raster.paint(codes, self._flat, shape, self._buffer)
        self._buffer = img.reshape(-1, 4).view(np.uint32).ravel()
        self.image.setImage(img, autoLevels=False)
        x0, x1, y0, y1 = self.extent
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)

    def set_ellipses(self, state, ids: tuple, sigma_visible: dict) -> None:
        """The exact marginal ellipses of ``state`` on (col, row) at the visible levels."""
        k = state.n_components
        if ids != self._pen_ids:
            self._pen_ids = ids
            self.ellipses.set_pens([pg.mkPen(colors.component_color(i), width=w, style=st)
                                    for level in SIGMA_LEVELS[::-1]
                                    for i in ids
                                    for w, st in [SIGMA_STYLES[level]]])
        means2, covs2 = geometry.marginal(state.means, state.covariances, (self.col, self.row))
        maps = geometry.ellipse_transforms(covs2)  # 1 sigma; a level scales it
        levels = np.array(SIGMA_LEVELS[::-1], dtype=float)
        self.ellipses.set_ellipses(
            np.tile(means2, (len(levels), 1)),
            (levels[:, None, None, None] * maps[None]).reshape(-1, 2, 2),
            np.repeat([bool(sigma_visible.get(int(lv))) for lv in levels], k))

    def ellipse_data(self, k: int, level: int, n_components: int) -> np.ndarray:
        """The drawn curve of component ``k`` at ``level`` sigma, shape (P, 2) (for tests)."""
        return self.ellipses.curve(SIGMA_LEVELS[::-1].index(level) * n_components + k)

    def mark(self, row: int | None) -> None:
        """Ring the drawn point ``row`` (an index into the drawn points), or none."""
        # hidden rather than emptied: an empty scatter still costs a paint per panel
        self.marker.setVisible(row is not None)
        if row is not None:
            self.marker.setData([self._x[row]], [self._y[row]])

    def nearest(self, x: float, y: float) -> tuple:
        """(index, distance in pixels) of the drawn point nearest ``(x, y)``."""
        px, py = self.view.viewPixelSize()
        points = np.column_stack([self._x, self._y])
        return geometry.nearest_point(points, x, y, (px or 1.0, py or 1.0))


class FeaturePanel:
    """Feature ``col`` alone: its name, a histogram and the components' marginal densities.

    Parameters
    ----------
    plot : pyqtgraph.PlotItem
    col : int
    name : str
    """

    def __init__(self, plot, col: int, name: str):
        self.plot, self.col = plot, col
        _bare_plot(plot)
        self.hist = pg.PlotCurveItem(np.zeros(2), np.zeros(1), stepMode="center", fillLevel=0.0,
                                     brush=pg.mkBrush(215, 215, 215), pen=pg.mkPen(175, 175, 175))
        self.hist.setCacheMode(QGraphicsItem.DeviceCoordinateCache)  # set once per dataset
        plot.addItem(self.hist)
        self.curves = Polylines(antialias=False)
        self.curves.setZValue(5)
        plot.addItem(self.curves, ignoreBounds=True)
        self.label = pg.TextItem(name, color=(25, 25, 25), anchor=(0, 0),
                                 fill=pg.mkBrush(255, 255, 255, 200))
        font = self.label.textItem.font()
        font.setPointSizeF(7.5)
        self.label.setFont(font)
        self.label.setZValue(20)
        plot.addItem(self.label, ignoreBounds=True)
        self.marker = pg.InfiniteLine(angle=90, pen=_HOVER_PEN)
        self.marker.setZValue(10)
        self.marker.hide()
        plot.addItem(self.marker, ignoreBounds=True)
        self.grid = np.zeros(0)
        self.name = name
        self._pen_ids: tuple = ()

    def set_values(self, values: np.ndarray, x_range: tuple, name: str) -> None:
        """Every data point's value of this feature (N,) and the panel's x range."""
        counts, edges = np.histogram(values, bins=HIST_BINS, range=x_range, density=True)
        self.hist.setData(edges, counts)
        top = float(counts.max()) * 1.3 if counts.max() > 0 else 1.0
        self.plot.getViewBox().setRange(xRange=x_range, yRange=(0.0, top), padding=0.0)
        self.grid = np.linspace(x_range[0], x_range[1], DENSITY_POINTS)
        self.name = name
        self.plot.setToolTip(f"{name}: a histogram of every point and each component's "
                             f"weighted density w N(x; mean, variance)")
        self.label.setPos(x_range[0], top)
        self.fit_label()

    def fit_label(self) -> None:
        """The name in the panel's width (the tooltip has it whole)."""
        font = QFontMetrics(self.label.textItem.font())
        width = max(int(self.plot.getViewBox().width()) - 6, 12)
        self.label.setText("\n".join(wrapped_name(self.name, width, font.horizontalAdvance,
                                                  lambda text: font.elidedText(
                                                      text, Qt.ElideMiddle, width))))

    def set_densities(self, state, ids: tuple) -> None:
        """Each component's ``w_k N(x; m_k, S_k[col, col])`` over the panel."""
        if ids != self._pen_ids:
            self._pen_ids = ids
            self.curves.set_pens([pg.mkPen(colors.component_color(i), width=1.5) for i in ids])
        self.curves.set_lines({k: (self.grid, y) for k, y in enumerate(self.densities(state))})

    def densities(self, state) -> np.ndarray:
        """The drawn curves' heights, shape (K, DENSITY_POINTS)."""
        sd = np.sqrt(np.clip(state.covariances[:, self.col, self.col], 0.0, None))
        mean = state.means[:, self.col]
        with np.errstate(divide="ignore", invalid="ignore"):
            pdf = scipy.stats.norm.pdf(self.grid[None, :], mean[:, None], sd[:, None])
        # a collapsed variance (0) has no density to draw: a gap, not a NaN warning later
        pdf = np.where(sd[:, None] > 0, pdf, np.nan)
        return state.weights[:, None] * pdf

    def mark(self, value: float | None) -> None:
        """A vertical line at the hovered point's ``value``, or none."""
        if value is None:
            self.marker.hide()
        else:
            self.marker.setValue(value)
            self.marker.show()
