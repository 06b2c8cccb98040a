"""Presentation mode (View > Presentation, F11): for a projector or a small screen.

Larger text, points and axis labels, and fewer docks: the plot, the Run
buttons and the log-likelihood curve under them, which is what a class
watches; it fits a 1024x768 projector. Leaving the mode gives back the
fonts, sizes and the docks' layout exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFont

#: How much larger text and points are in presentation mode.
SCALE = 1.5
#: The docks that stay open (the others hide, and come back on leaving).
KEPT_DOCKS = ("run", "likelihood")


@dataclass
class _Before:
    """What the mode changed, to give back on leaving."""

    font: QFont
    point_size: float
    layout: QByteArray
    tick_fonts: dict  # axis name -> (tick font or None, label font)


class Presentation:
    """Presentation mode of one main window (``window.presentation``)."""

    def __init__(self, window):
        self.window = window
        self._before: _Before | None = None

    @property
    def on(self) -> bool:
        """Whether the window is in presentation mode."""
        return self._before is not None

    def toggle(self) -> None:
        """In or out of presentation mode (F11)."""
        self.set_on(not self.on)

    def set_on(self, on: bool) -> None:
        """Enter (``on``) or leave presentation mode; nothing when already so."""
        if on == self.on:
            return
        w = self.window
        if on:
            self._before = _Before(QFont(w.font()), w.centre.point_size, w.saveState(),
                                   {name: (axis.style.get("tickFont"), axis.label.font())
                                    for name, axis in self._axes().items()})
            # the status bar's fields have fixed sizes (steady_text.py): they keep their font
            steady = QFont(w.font())
            steady.setPointSizeF(steady.pointSizeF())  # set, so not inherited from the window
            w.statusBar().setFont(steady)
            big = QFont(w.font())
            big.setPointSizeF(big.pointSizeF() * SCALE)
            w.setFont(big)
            w.centre.set_point_size(self._before.point_size * SCALE)
            for axis in self._axes().values():
                axis.setStyle(tickFont=big)
                axis.label.setFont(big)
            kept = [w.docks[name] for name in KEPT_DOCKS]
            for dock in w.findChildren(type(kept[0])):
                if dock not in kept:
                    dock.hide()
            # one column on the left: the plot has all the width a projector leaves
            for dock in kept:
                dock.setFloating(False)
                w.addDockWidget(Qt.LeftDockWidgetArea, dock, Qt.Vertical)
                dock.show()
            w.resizeDocks(kept, [1, max(w.height() // 2, 200)], Qt.Vertical)
        else:
            before, self._before = self._before, None
            w.setFont(before.font)
            w.centre.set_point_size(before.point_size)
            for name, axis in self._axes().items():
                tick_font, label_font = before.tick_fonts[name]
                axis.setStyle(tickFont=tick_font)
                axis.label.setFont(label_font)
            w.restoreState(before.layout)
        w.actions_by_name["presentation"].setChecked(on)
        w.show_message("Presentation mode: larger text and points, fewer panels (F11 leaves)."
                       if on else "Presentation mode off.")

    def _axes(self) -> dict:
        """The centre plot's and the log-likelihood curve's axes, by a name of their own."""
        out = {}
        for view_name, view in (("centre", self.window.centre),
                                ("likelihood", self.window.likelihood)):
            plot = view.getPlotItem() if isinstance(view, pg.PlotWidget) else None
            if plot is None:
                continue
            for side in ("left", "bottom"):
                out[f"{view_name}:{side}"] = plot.getAxis(side)
        return out
