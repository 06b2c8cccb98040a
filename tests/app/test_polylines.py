"""The light drawing items: many polylines in one item, and the tick grid."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from gmm_explorer.app.plotting import TickGrid, _over, light_grid
from gmm_explorer.app.polylines import Polylines, peak_decimate


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
