"""The atlas of starts, drawn: the strip of final log-likelihoods and group thumbnails.

:class:`StripView` draws one dot per finished start at its final
log-likelihood (x), jittered in y so that starts at the same optimum do not
hide each other, coloured by the optimum group; collapsed starts stand in a
column of their own at the right. :func:`thumbnail` paints a group's
ellipses over the data into a small pixmap. Both only read the atlas
(:class:`~gmm_explorer.app.model.atlas.Atlas`) and the states it holds.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap

from gmm_explorer.app import colors, geometry
from gmm_explorer.app.views.one_d_density import component_densities, curve_grid

#: Colour of collapsed starts (the components table's "singular" red, darker).
COLLAPSED_COLOR = (200, 40, 40)

STRIP_TIP = (
    "Atlas of starts: each dot is one start of EM with the current K and covariance type.\n"
    "x: the log-likelihood where that start ended (further right is better).\n"
    "Dots of one colour reached the same local optimum (the same ellipses, up to the "
    "order of the components); the height is only jitter, so that dots do not hide each "
    "other.\n"
    "Starts that collapsed (a singular covariance) stand in the red column at the right.\n"
    "Click a dot to replay that start in the main window from iteration 0.")


# The component palette without its dark teal, which beside the first group's blue
# read as the same optimum.
_GROUP_PALETTE = [i for i in range(len(colors.PALETTE)) if i != 3]


def group_color(group, index: int) -> tuple:
    """RGB of the optimum group at ``index`` (sound groups come first, best first):
    the palette in order of quality, red for collapses."""
    if group.collapsed:
        return COLLAPSED_COLOR
    return colors.component_color(_GROUP_PALETTE[index % len(_GROUP_PALETTE)])


def _jitter(index: int) -> float:
    """A fixed height in [0.1, 0.9] per start (golden-ratio steps spread evenly)."""
    return 0.1 + 0.8 * ((index * 0.6180339887) % 1.0)


class StripView(pg.PlotWidget):
    """One dot per start: final log-likelihood in x, coloured by optimum group.

    Signals
    -------
    startClicked(int)
        The position (in ``atlas.starts``) of the dot clicked.
    """

    startClicked = Signal(int)

    def __init__(self, atlas, parent=None):
        super().__init__(parent, background="w")
        self.atlas = atlas
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.setLabel("bottom", "final log-likelihood")
        plot.getAxis("bottom").setTextPen("k")
        plot.getAxis("bottom").setPen("k")
        self.setToolTip(STRIP_TIP)
        self.setMinimumHeight(130)
        self.scatter = pg.ScatterPlotItem(pxMode=True, size=9, hoverable=True,
                                          hoverSize=13, tip=self._tip)
        self.scatter.sigClicked.connect(self._on_clicked)
        self.addItem(self.scatter)
        self.divider = pg.InfiniteLine(angle=90, pen=pg.mkPen((150, 150, 150), style=Qt.DashLine))
        self.addItem(self.divider)
        self.collapsed_label = pg.TextItem("collapsed", color=COLLAPSED_COLOR, anchor=(0.5, 0))
        self.addItem(self.collapsed_label)
        # black and dashed: no optimum's colour, so it cannot be read as a group
        self.best_line = pg.InfiniteLine(angle=90, pen=pg.mkPen((30, 30, 30), width=1,
                                                                style=Qt.DashLine))
        self.addItem(self.best_line)
        # a ring round the start last opened in the main window, to compare with the best
        self.ring = pg.ScatterPlotItem(pxMode=True, size=18, brush=None,
                                       pen=pg.mkPen((0, 0, 0), width=2))
        self.addItem(self.ring)
        self._x = np.zeros(0)
        atlas.changed.connect(self.redraw)
        atlas.staleChanged.connect(self._on_stale)
        self.redraw()

    def redraw(self) -> None:
        """Place every finished start; collapsed ones in the side column."""
        starts = self.atlas.starts
        groups = self.atlas.groups
        sound = [s for s in starts if not s.collapsed]
        bad = [s for s in starts if s.collapsed]
        if sound:
            lls = np.array([s.log_likelihood for s in sound])
            lo, hi = float(lls.min()), float(lls.max())
        else:
            lo, hi = -1.0, 0.0
        width = max(hi - lo, 1e-6 * max(1.0, abs(hi)), 1.0)
        column = hi + 0.22 * width   # the collapsed starts' own column
        x = np.array([column if s.collapsed else s.log_likelihood for s in starts])
        y = np.array([_jitter(s.index) for s in starts])
        brushes = [pg.mkBrush(*group_color(groups[s.group], s.group), 220) for s in starts]
        self.scatter.setData(x=x, y=y, brush=brushes, pen=pg.mkPen(60, 60, 60, 120),
                             data=list(range(len(starts))))
        self._x = x
        show_bad = bool(bad)
        self.divider.setVisible(show_bad)
        self.collapsed_label.setVisible(show_bad)
        self.divider.setPos(hi + 0.11 * width)
        self.collapsed_label.setPos(column, 1.2)
        opened = self.atlas.opened
        if opened is not None and opened < len(starts):
            self.ring.setData(x=[x[opened]], y=[y[opened]])
        else:
            self.ring.setData(x=[], y=[])
        self.best_line.setVisible(bool(sound))
        self.best_line.setPos(hi)
        right = column + 0.1 * width if show_bad else hi + 0.06 * width
        self.setXRange(lo - 0.06 * width, right, padding=0)
        self.setYRange(0, 1.25, padding=0)

    def _on_stale(self, stale: bool) -> None:
        """Faded while the atlas answers an older question (other data or settings)."""
        for item in (self.scatter, self.ring, self.best_line, self.divider,
                     self.collapsed_label):
            item.setOpacity(0.25 if stale else 1.0)

    def _tip(self, x, y, data) -> str:
        start = self.atlas.starts[int(data)]
        what = ("collapsed (a singular covariance)" if start.collapsed
                else f"log-likelihood {start.log_likelihood:,.3f}")
        where = "" if start.collapsed else f", optimum {start.group + 1} of {self.atlas.n_optima}"
        return (f"start {data + 1} (seed {start.seed}): {what}{where}, "
                f"{start.iterations} iterations\nclick: replay it in the main window")

    def _on_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.startClicked.emit(int(points[0].data()))

    def click_start(self, position: int) -> None:
        """What a click on the dot of ``position`` does (tests, scripts)."""
        self.startClicked.emit(int(position))


def thumbnail(state, points: np.ndarray, axes: tuple, size: int = 72,
              frame=(120, 120, 120)) -> QPixmap:
    """A small picture of a state's 2-sigma ellipses over the data (densities for D = 1).

    Parameters
    ----------
    state : EMState or None
        None gives a blank pixmap.
    points : ndarray of shape (M, D)
        The drawn points (a subsample is fine).
    axes : tuple of two int
        The data columns shown.
    size : int
        Width and height in pixels.
    frame : tuple
        RGB of the border (the group's colour).

    Returns
    -------
    QPixmap
    """
    pix = QPixmap(size, size)
    pix.fill(QColor(255, 255, 255))
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(QPen(QColor(*frame), 3))
    painter.drawRect(1, 1, size - 3, size - 3)
    if state is not None and len(points) and np.shape(points)[1] == 1:
        _paint_one_d(painter, state, np.asarray(points, dtype=float)[:, 0], size)
    elif state is not None and len(points):
        xy = np.asarray(points, dtype=float)[:, list(axes)]
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1.0)
        lo, span = lo - 0.08 * span, span * 1.16
        margin = 4.0

        def to_px(p):
            u = (p - lo) / span
            return margin + u[..., 0] * (size - 2 * margin), \
                size - margin - u[..., 1] * (size - 2 * margin)

        px, py = to_px(xy[:: max(1, len(xy) // 400)])
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(QColor(150, 150, 150, 140)))
        for a, b in zip(px, py):
            painter.drawEllipse(QPointF(a, b), 1.0, 1.0)
        means2, covs2 = geometry.marginal(state.means, state.covariances, axes)
        curves = geometry.ellipse_curves(means2, covs2, radius=2.0)
        painter.setBrush(Qt.NoBrush)
        for k, curve in enumerate(curves):
            cx, cy = to_px(curve)
            path = QPainterPath(QPointF(cx[0], cy[0]))
            for a, b in zip(cx[1:], cy[1:]):
                path.lineTo(a, b)
            painter.setPen(QPen(QColor(*colors.component_color(k)), 1.6))
            painter.drawPath(path)
    painter.end()
    return pix


def _paint_one_d(painter: QPainter, state, x: np.ndarray, size: int) -> None:
    """One-column data: each component's weighted density over a rug of the points.

    Ellipses of x against x would be lines on the diagonal; the 1-D centre
    view's curves (``one_d_density``) tell the optima apart at a glance.
    """
    margin, rug = 4.0, 7.0
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo if hi > lo else 1.0
    lo, span = lo - 0.08 * span, span * 1.16
    width, base = size - 2 * margin, size - margin - rug
    means, variances = state.means[:, 0], state.covariances[:, 0, 0]
    xs = curve_grid(lo, lo + span, means, np.sqrt(np.clip(variances, 0.0, None)), points=120)
    dens = component_densities(state.weights, means, variances, xs)
    mixture = dens.sum(axis=0)
    # scaled to the mixture's height: a collapsed spike would flatten every other curve
    top = float(np.percentile(mixture, 99)) or 1.0
    px = margin + (xs - lo) / span * width
    painter.setPen(QPen(QColor(150, 150, 150, 160), 1.0))
    for a in margin + (x[:: max(1, len(x) // 400)] - lo) / span * width:
        painter.drawLine(QPointF(a, base + 2), QPointF(a, base + rug))
    painter.setBrush(Qt.NoBrush)
    for k, row in enumerate(dens):
        py = base - np.clip(row / top, 0.0, 1.05) * (base - margin)
        path = QPainterPath(QPointF(px[0], py[0]))
        for a, b in zip(px[1:], py[1:]):
            path.lineTo(a, b)
        painter.setPen(QPen(QColor(*colors.component_color(k)), 1.6))
        painter.drawPath(path)
