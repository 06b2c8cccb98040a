"""The centre plot's legend of known classes, shown while points are coloured by class."""

from __future__ import annotations

import pyqtgraph as pg

from gmm_explorer.app import colors

_DOT = 9


class ClassLegend:
    """A legend in the top-left corner of ``plot``: one coloured dot per class name.

    Parameters
    ----------
    plot : pyqtgraph.PlotWidget
    """

    def __init__(self, plot):
        self.legend = pg.LegendItem(offset=(10, 10), labelTextColor=(20, 20, 20),
                                    brush=pg.mkBrush(255, 255, 255, 215),
                                    pen=pg.mkPen(150, 150, 150))
        self.legend.setParentItem(plot.getPlotItem().getViewBox())
        self.legend.setZValue(40)
        self._items: list = []
        self.names: list[str] = []
        self.legend.hide()

    def show_classes(self, names) -> None:
        """Show one entry per class name (classes coded 0..C-1 in this order)."""
        names = [str(n) for n in names]
        if names != self.names:
            self.legend.clear()
            self._items = [pg.ScatterPlotItem(pen=None, size=_DOT,
                                              brush=pg.mkBrush(*colors.class_color(c)))
                           for c in range(len(names))]
            for item, name in zip(self._items, names):
                self.legend.addItem(item, name)
            self.names = names
        self.legend.setVisible(bool(names))

    def hide(self) -> None:
        self.legend.hide()

    def isVisible(self) -> bool:  # noqa: N802 - Qt naming
        return self.legend.isVisible()
