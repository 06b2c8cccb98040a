"""Windows of their own open whole on the screen, whatever its size."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Pixels kept free round a window: the desktop's panels and the window's own frame.
MARGIN = 24


def available_area(widget: QWidget) -> QRect:
    """The part of ``widget``'s screen (its parent's, before it shows) that windows may use."""
    anchor = widget.parentWidget() or widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_on_screen(widget: QWidget, width: int, height: int) -> None:
    """Size ``widget`` to ``width`` x ``height``, or less on a small screen, and centre it
    there: a window that opens partly off the screen hides its own buttons."""
    area = available_area(widget)
    least = widget.minimumSizeHint()
    w = max(min(width, area.width() - 2 * MARGIN), least.width())
    h = max(min(height, area.height() - 2 * MARGIN), least.height())
    widget.resize(w, h)
    widget.move(area.left() + max((area.width() - w) // 2, 0),
                area.top() + max((area.height() - h) // 2, 0))
