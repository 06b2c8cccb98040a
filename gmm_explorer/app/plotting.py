"""pyqtgraph set-up shared by the plots."""

from __future__ import annotations

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
