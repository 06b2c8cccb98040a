"""The light drawing items: many polylines in one item, and the tick grid."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from gmm_explorer.app.model.picture import ELLIPSE_HALO
from gmm_explorer.app.views.plotting import TickGrid, _over, light_grid
from gmm_explorer.app.views.polylines import Polylines, peak_decimate


def test_peak_decimate_keeps_each_runs_extremes_and_gaps():
    x = np.arange(1000.0)
    y = np.sin(x / 37.0) + 0.001 * x
    y[500:520] = np.nan  # one whole run (of 10) missing: a gap
    dx, dy = peak_decimate(x, y, bins=100)
    assert len(dx) == len(dy) == 200
    runs = y.reshape(100, 10)
    np.testing.assert_array_equal(dy[0::2][:50], runs[:50].min(axis=1))
    np.testing.assert_array_equal(dy[1::2][:50], runs[:50].max(axis=1))
    assert np.isnan(dy[100:102]).all() and np.isnan(dy[102:104]).all()  # runs 50 and 51
    assert np.isfinite(dy[104:]).all()
    np.testing.assert_allclose(dx[0::2], runs.shape[1] * np.arange(100) + 4.5)


def test_peak_decimate_leaves_short_lines_alone_and_handles_a_ragged_end():
    x, y = np.arange(150.0), np.arange(150.0) ** 2
    assert peak_decimate(x, y, bins=100)[1] is y
    x, y = np.arange(1001.0), np.arange(1001.0)
    dx, dy = peak_decimate(x, y, bins=100)
    assert dy.max() == 1000.0 and dy.min() == 0.0 and np.isfinite(dy).all()


def test_polylines_hold_their_lines_and_bounds(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    item = Polylines([pg.mkPen("r", width=2), pg.mkPen("b")])
    plot.addItem(item)
    item.set_line(0, [0, 1, 2], [5, np.nan, 7])
    item.set_line(1, [-3, 4], [1, 2])
    x, y = item.line_data(0)
    np.testing.assert_array_equal(x, [0, 1, 2])
    assert item.dataBounds(0) == (-3, 4) and item.dataBounds(1) == (1, 7)
    item.set_line_visible(1, False)
    assert item.dataBounds(0) == (0, 2) and not item.line_visible(1)
    rect = item.boundingRect()
    assert rect.left() <= 0 and rect.right() >= 2 and rect.top() <= 5 and rect.bottom() >= 7
    assert item.line_pen(0).isCosmetic()
    with pytest.raises(ValueError, match="line 1"):
        item.set_line(1, [0, 1], [0])


def test_polylines_paint_their_pixels(qtbot):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(200, 200)
    item = Polylines([pg.mkPen((255, 0, 0), width=3)], antialias=False)
    plot.addItem(item)
    item.set_line(0, [0, 10], [5, 5])  # a horizontal line across the middle
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    plot.show()
    image = plot.grab().toImage()
    reds = [image.pixelColor(x, y) for x in range(image.width())
            for y in range(0, image.height(), 2)]
    assert any(c.red() > 200 and c.green() < 60 and c.blue() < 60 for c in reds)


@pytest.mark.parametrize("halo", [None, ELLIPSE_HALO])
def test_a_halo_keeps_a_line_visible_on_points_of_its_own_colour(qtbot, halo):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(200, 200)
    # a solid field of the line's colour, as dense points of its component would be
    field = pg.ImageItem(np.full((10, 10, 3), (255, 0, 0), dtype=np.uint8))
    field.setRect(QRectF(0, 0, 10, 10))
    plot.addItem(field)
    item = Polylines([pg.mkPen((255, 0, 0), width=2)], antialias=False, halo=halo)
    plot.addItem(item)
    item.set_line(0, [0, 10], [5, 5])
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    plot.show()
    image = plot.grab().toImage()
    column = [image.pixelColor(image.width() // 2, y) for y in range(image.height())]
    red = [c.red() > 200 and c.green() < 60 and c.blue() < 60 for c in column]
    light = [c.green() > 150 and c.blue() > 150 for c in column]
    field_rows = [y for y, r in enumerate(red) if r]
    assert len(field_rows) > 100  # the field fills the view; the line is red within it
    inside = range(field_rows[0] + 1, field_rows[-1])
    bands = [y for y in inside if light[y]]
    if halo is None:
        assert not bands  # the line is lost in the field
    else:
        # a light band on each side of the red line, a few pixels apart, inside the field
        assert bands and max(bands) - min(bands) <= 2 * halo[0] + 4
        assert any(red[y] for y in range(min(bands), max(bands)))


def test_bands_are_drawn_before_every_line_so_none_cuts_another(qtbot):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(200, 200)
    item = Polylines([pg.mkPen((255, 0, 0), width=2), pg.mkPen((0, 0, 255), width=2)],
                     antialias=False, halo=ELLIPSE_HALO)
    plot.addItem(item)
    item.set_line(0, [0, 10], [5, 5])  # red, across
    item.set_line(1, [5, 5], [0, 10])  # blue, down, drawn after it
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    plot.show()
    image = plot.grab().toImage()
    rows = [y for y in range(image.height())
            if sum(image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).blue() < 60
                   for x in range(image.width())) > 50]
    assert rows  # the red line's row(s)
    row = [image.pixelColor(x, rows[0]) for x in range(image.width())]
    red = [x for x, c in enumerate(row) if c.red() > 200 and c.blue() < 60 and c.green() < 60]
    # across the blue line the red one breaks only where blue covers it (2 pixels), not
    # for the width of blue's band (5)
    gaps = [b - a - 1 for a, b in zip(red, red[1:]) if b - a > 1]
    assert gaps and max(gaps) <= 3, gaps


def test_tick_grid_lines_sit_on_the_axis_ticks(qtbot):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    grid = light_grid(plot, alpha=0.2)
    assert isinstance(grid, TickGrid)
    plot.setRange(xRange=(0, 10), yRange=(-100, 100), padding=0)
    plot.show()
    qtbot.waitExposed(plot)
    xs = sorted({round(line.x1(), 9) for _, lines in grid.tick_lines() for line in lines
                 if line.x1() == line.x2()})
    assert {0.0, 2.0, 4.0, 6.0, 8.0, 10.0} <= set(xs)
    plot.setRange(xRange=(100, 110), padding=0)  # the lines follow the range
    xs = {round(line.x1(), 9) for _, lines in grid.tick_lines() for line in lines
          if line.x1() == line.x2()}
    assert {102.0, 104.0, 106.0} <= xs and all(100 <= x <= 110 for x in xs)
    for pen, _ in grid.tick_lines():
        assert pen.color().alpha() == 255  # opaque: translucent lines draw 30x slower


def test_opaque_blend_matches_alpha_compositing():
    c = _over(QColor(150, 150, 150), 0.2, QColor(255, 255, 255))
    assert (c.red(), c.green(), c.blue(), c.alpha()) == (234, 234, 234, 255)
    c = _over(QColor(0, 0, 0), 0.5, QColor(100, 200, 50))
    assert (c.red(), c.green(), c.blue()) == (50, 100, 25)


def _render(item, view, exposed=None, base=None):
    """Paint ``item`` as the view would: all of it, or only ``exposed`` over ``base``."""
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    vp = view.viewport()
    transform = item.deviceTransform(view.viewportTransform())
    image = QImage(vp.width(), vp.height(), QImage.Format_ARGB32)
    image.fill(QColor("white"))
    if base is not None:
        image = base.copy()
    painter = QPainter(image)
    option = QStyleOptionGraphicsItem()
    option.exposedRect = item.boundingRect() if exposed is None else exposed
    if exposed is not None:  # as QGraphicsView does: whole device pixels, cleared and clipped
        device = transform.mapRect(exposed).toAlignedRect()
        painter.fillRect(device, QColor("white"))
        painter.setClipRect(device)
        option.exposedRect = transform.inverted()[0].mapRect(QRectF(device))
        painter.setTransform(transform)
    else:
        painter.setTransform(transform)
    item.paint(painter, option)
    painter.end()
    bits = image.constBits()
    return image, np.frombuffer(bits, np.uint8).reshape(image.height(), image.width(), 4).copy()


@pytest.mark.parametrize("pen", [pg.mkPen((31, 119, 180), width=2),
                                 pg.mkPen((255, 127, 14), width=1, style=Qt.DashLine)])
def test_a_growing_line_repaints_its_strip_as_a_full_repaint_would(qtbot, pen):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    qtbot.waitExposed(plot)
    item = Polylines([pen], growing=True)
    item.set_dots(0, 4)
    plot.addItem(item)
    plot.setRange(xRange=(0, 1000), yRange=(-3, 3), padding=0)
    qtbot.wait(20)  # let the view apply the range (the item's pixel size follows it)
    y = np.cumsum(np.random.default_rng(0).normal(0, 0.3, 401))
    y = 2.5 * (y - y.mean()) / np.abs(y - y.mean()).max()
    x = np.arange(401.0)
    item.set_line(0, x[:400], y[:400])
    before, _ = _render(item, plot)
    requested = []
    item.update = lambda *rect: requested.append(rect)  # the region the item asks for
    item.set_line(0, x, y)
    (strip,) = requested[-1]
    assert strip.width() < 0.1 * item.boundingRect().width()  # a strip, not the plot
    px, py = item._pixel_size()
    strip = strip.adjusted(-2 * px, -2 * py, 2 * px, 2 * py)  # QGraphicsView's 2-pixel margin
    _, partial = _render(item, plot, exposed=strip, base=before)
    _, full = _render(item, plot)
    # Antialiasing a sub-path is not bit-identical to the whole path: at the new end two
    # pixels differ by about 30 levels a channel. Missing strokes or dots at the strip's
    # edge, or dashes restarting in it, differ by 130 to 340 (summed over the channels).
    diff = np.abs(partial.astype(int) - full.astype(int)).sum(axis=2)
    assert (diff > 100).sum() == 0
    assert (diff > 30).sum() <= 3


def test_a_replaced_buffer_is_a_change_not_a_growth(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    item = Polylines([pg.mkPen("b")], growing=True)
    plot.addItem(item)
    buffer = np.arange(20.0)
    item.set_line(0, buffer[:10], buffer[:10])
    requested = []
    item.update = lambda *rect: requested.append(rect)
    buffer[:] = buffer[::-1].copy()  # the caller reuses its buffer for a new history
    item.set_line(0, buffer[:12], buffer[:12])
    assert requested == [()]  # the whole item, not the tail
    np.testing.assert_array_equal(item.line_data(0)[1], buffer[:12])


@pytest.mark.parametrize("growing", [False, True])
def test_a_dotted_line_of_gaps_only_paints_nothing_and_survives(qtbot, growing):
    # an infinite log-likelihood is a gap: a dotted line with no finite point made
    # pyqtgraph raise inside paint, and the view crashed the process
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(200, 200)
    item = Polylines([pg.mkPen((255, 0, 0), width=1)], growing=growing)
    plot.addItem(item)
    item.set_dots(0, 5.0)
    item.set_line(0, [0.0], [np.nan])
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    plot.show()
    image = plot.grab().toImage()
    reds = [image.pixelColor(x, y) for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)]
    assert not any(c.red() > 200 and c.green() < 60 for c in reds)
    item.set_line(0, [0.0, 1.0, 2.0], [np.nan, np.inf, np.nan])
    plot.grab()
