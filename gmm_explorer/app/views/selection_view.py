"""The model-selection grid, drawn twice: a table (K by covariance type) and mclust's plot.

Both take a :class:`~gmm_explorer.app.model.selection.ModelSelection`, listen
to its signals and read its cells; they never call the engine. A completed
cell redraws its table cell and the curves; the chosen criterion moves the
star; a stale grid is drawn greyed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from gmm_explorer.app import colors
from gmm_explorer.app.views.plotting import cache_axes, light_grid

#: The best cell's background, the components table's "ok" green.
BEST_BACKGROUND = colors.STATUS_COLORS["ok"]
#: A cell whose every start collapsed, the components table's "singular" red.
COLLAPSED_BACKGROUND = colors.STATUS_COLORS["singular"]
STAR = "★"
#: Marks a cell whose best start has a degenerate component (never starred first).
DEGENERATE_MARK = "⚠"
_CLICK_HINT = "Double-click to make this fit the current run (replayed from its recipe)."


def type_color(index: int) -> tuple:
    """The colour of the covariance type in column ``index``, the same in table and plot."""
    return tuple(int(c) for c in colors.component_color(index)[:3])


def _value_text(value: float) -> str:
    return f"{value:,.1f}" if abs(value) < 1e7 else f"{value:.4g}"


class SelectionTable(QTableWidget):
    """One row per K, one column per covariance type; the chosen criterion in each cell.

    Signals
    -------
    cellChosen(int, str)
        A cell was double-clicked: its K and covariance type.
    """

    cellChosen = Signal(int, str)

    def __init__(self, selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setToolTip("Model selection: one row per number of components K, one column per "
                        "covariance type; each cell is the best of its starts.\n"
                        "Lower is better; the star marks the best model. " + _CLICK_HINT)
        self.cellDoubleClicked.connect(self._on_double_click)
        selection.cellsReset.connect(self.rebuild)
        selection.cellReady.connect(self._on_cell)
        selection.criterionChanged.connect(lambda _c: self.refresh())
        selection.staleChanged.connect(lambda _s: self.refresh())
        self.rebuild()

    def rebuild(self) -> None:
        """New rows and columns for the grid's K range and types; cells pending."""
        s = self.selection
        self.setRowCount(len(s.counts))
        self.setColumnCount(len(s.types))
        self.setHorizontalHeaderLabels(list(s.types))
        self.setVerticalHeaderLabels([f"K = {k}" for k in s.counts])
        for j, ctype in enumerate(s.types):
            head = self.horizontalHeaderItem(j)
            head.setForeground(QBrush(QColor(*type_color(j))))
            head.setToolTip(f"{ctype} covariances (scikit-learn's meaning); the plot's "
                            f"line in this colour")
        for i in range(len(s.counts)):
            self.verticalHeaderItem(i).setToolTip(f"{s.counts[i]} components")
        self.updateGeometry()  # sizeHint follows the rows
        self.refresh()

    def _height_for(self, rows: int) -> int:
        return (self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
                + rows * self.verticalHeader().defaultSectionSize())

    def sizeHint(self):  # noqa: N802 - Qt naming
        """Room for every row up to eight (the plot below stretches into what is left)."""
        hint = super().sizeHint()
        hint.setHeight(self._height_for(min(len(self.selection.counts), 8)))
        return hint

    def minimumSizeHint(self):  # noqa: N802 - Qt naming
        """Three rows: a short window keeps its height, the table scrolls."""
        hint = super().minimumSizeHint()
        hint.setHeight(self._height_for(min(len(self.selection.counts), 3)))
        return hint

    def refresh(self) -> None:
        """Redraw every cell (a new criterion, stale or not, a new best)."""
        s = self.selection
        best = s.best()
        for i, k in enumerate(s.counts):
            for j, ctype in enumerate(s.types):
                self._draw(i, j, s.cells.get((k, ctype)), best)

    def _on_cell(self, cell) -> None:
        # a new cell may be the new best: the old star must move, so redraw all (at most ~50)
        self.refresh()

    def _draw(self, row: int, column: int, cell, best) -> None:
        s = self.selection
        item = self.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.setItem(row, column, item)
        font = QFont(self.font())
        background = QBrush()
        muted = QColor(colors.text_color("muted", self.palette().window().color().value() < 128))
        foreground = QBrush(muted) if s.stale else QBrush()
        if cell is None:
            text = "…" if s.running else ""
            tip = "Running…" if s.running else "Not run: press Run grid."
            foreground = QBrush(muted)
        elif cell.usable:
            text = _value_text(cell.score(s.criterion))
            tip = cell.describe() + "\n" + _CLICK_HINT
            if cell.degenerate and cell is not best:
                # sound on paper, but a component sits on a handful of points
                text = f"{DEGENERATE_MARK} {text}"
                if not s.stale:
                    background = QBrush(QColor(*colors.STATUS_COLORS["degenerate"]))
                    foreground = QBrush(QColor(*colors.TEXT_ON_STATUS))
            if cell is best:
                text = f"{STAR} {text}"
                font.setBold(True)
                tip = f"Best by {s.criterion.upper()}.\n" + tip
                if not s.stale:
                    background = QBrush(QColor(*BEST_BACKGROUND))
                    foreground = QBrush(QColor(*colors.TEXT_ON_STATUS))
        else:
            text = "collapsed" if cell.n_collapsed else "refused"
            tip = cell.describe()
            if not s.stale:
                background = QBrush(QColor(*COLLAPSED_BACKGROUND))
                foreground = QBrush(QColor(*colors.TEXT_ON_STATUS))
        if s.stale:
            font.setItalic(True)
            tip = f"Stale ({s.stale_reason}).\n" + tip
        item.setText(text)
        item.setToolTip(tip)
        item.setFont(font)
        item.setBackground(background)
        item.setForeground(foreground)

    def _on_double_click(self, row: int, column: int) -> None:
        s = self.selection
        self.cellChosen.emit(s.counts[row], s.types[column])


class SelectionPlot(pg.PlotWidget):
    """mclust's picture: the criterion against K, one line per covariance type."""

    def __init__(self, selection, parent=None):
        super().__init__(parent, background="w")
        self.selection = selection
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.layout.setContentsMargins(1, 8, 1, 1)
        self.grid = light_grid(self, alpha=0.2)
        cache_axes(self)
        # room for five digits and the label: the axis cached its width before the first values
        self.getPlotItem().getAxis("left").setWidth(62)
        self.setLabel("bottom", "K (components)")
        self.setMouseEnabled(x=False, y=False)
        # one row along the top, in the headroom redraw() leaves above the lines
        self.legend = self.addLegend(offset=(-4, 2), labelTextSize="8pt", colCount=4,
                                     verSpacing=-6)
        self.lines = []
        for j, ctype in enumerate(selection.types):
            color = type_color(j)
            line = self.plot([], [], pen=pg.mkPen(color, width=2), symbol="o", symbolSize=6,
                             symbolPen=None, symbolBrush=color, connect="finite", name=ctype)
            self.lines.append(line)
        self.star = pg.ScatterPlotItem(symbol="star", size=18, pen=pg.mkPen((20, 20, 20)),
                                       brush=pg.mkBrush(255, 215, 0))
        self.star.setZValue(10)
        self.addItem(self.star)
        self.setMinimumHeight(110)
        self.setToolTip("The criterion against K, one line per covariance type (mclust's "
                        "picture); lower is better, the star marks the best model.\n"
                        "Gaps are models where every start collapsed. When some models are "
                        "far worse, the axis shows the region near the best\nand the worse "
                        "lines leave the top (the table has every number).")
        selection.cellsReset.connect(self.redraw)
        selection.cellReady.connect(lambda _cell: self.redraw())
        selection.criterionChanged.connect(lambda _c: self.redraw())
        selection.staleChanged.connect(lambda _s: self.redraw())
        self.redraw()

    def redraw(self) -> None:
        """The lines, the star and the axis label from the grid's cells."""
        s = self.selection
        counts = np.array(s.counts, dtype=float)
        shown = []
        for line, ctype in zip(self.lines, s.types):
            values = np.array([s.cells[(k, ctype)].score(s.criterion) if (k, ctype) in s.cells
                               else np.nan for k in s.counts], dtype=float)
            finite = np.isfinite(values)
            shown.append(values[finite])
            if finite.any():  # NaN breaks the line at a collapsed cell (connect="finite")
                line.setData(counts, values)
            else:  # all NaN: pyqtgraph would warn computing its bounds
                line.setData([], [])
            line.setOpacity(0.3 if s.stale else 1.0)
        shown = np.concatenate(shown)
        if len(shown):
            lo, hi = float(shown.min()), float(shown.max())
            # far worse models (spherical on Old Faithful, 1,700 above) would squash the
            # lines that compete for the star into one band: the axis then reaches three
            # times as far above the best as the median model, and the worse leave the top
            reach = 3 * (float(np.median(shown)) - lo)
            if hi - lo > 2 * reach > 0:
                hi = lo + reach
            span = max(hi - lo, 1e-9 * max(abs(hi), 1.0), 1e-12)
            self.setYRange(lo - 0.06 * span, hi + 0.22 * span, padding=0)
        best = s.best()
        if best is None:
            self.star.setData([], [])
        else:
            self.star.setData([best.n_components], [best.score(s.criterion)])
        self.star.setOpacity(0.3 if s.stale else 1.0)
        name = s.criterion.upper()
        self.setLabel("left", f"{name} (lower is better)")
        self.getPlotItem().getAxis("bottom").setTicks([[(k, str(k)) for k in s.counts]])
        self.setXRange(counts[0] - 0.3, counts[-1] + 0.3, padding=0)
