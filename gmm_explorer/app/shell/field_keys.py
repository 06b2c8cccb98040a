"""Enter or Escape in a field hands the keys back to the plot.

A text field, spin box or editable combo box keeps the keyboard focus after
one types into it, and it rightly takes Right, Left, Space and R for its
text. Once the value is given (Enter) or given up (Escape), the focus goes
to the plot in the centre, so that the step keys work again at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QWidget

_DONE_KEYS = (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Escape)


def is_field(widget) -> bool:
    """Whether ``widget`` takes typed text (where the step keys must not act)."""
    return isinstance(widget, (QLineEdit, QAbstractSpinBox)) or \
        (isinstance(widget, QComboBox) and widget.isEditable())


class FieldKeys(QObject):
    """Watches the fields of ``window``: Enter or Escape sends the focus to ``plot()``.

    Parameters
    ----------
    window : QWidget
        Its fields (now, and those added later through :meth:`watch`) are watched.
    plot : callable
        Returns the widget that takes the focus (the shown centre plot).
    """

    def __init__(self, window: QWidget, plot):
        super().__init__(window)
        self.window, self.plot = window, plot
        self._watched: set[int] = set()
        self.watch()

    def watch(self) -> None:
        """Watch every field of the window not yet watched (docks built later too)."""
        for widget in self.window.findChildren(QWidget):
            if is_field(widget) and id(widget) not in self._watched:
                self._watched.add(id(widget))
                widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        """After the field has handled Enter or Escape, the plot takes the focus."""
        if event.type() == QEvent.KeyPress and event.key() in _DONE_KEYS:
            # after the field has taken the key: Enter first sets the value it holds
            QTimer.singleShot(0, self.focus_plot)
        return False

    def focus_plot(self) -> None:
        """Give the keyboard focus to the plot (the step keys work again)."""
        plot = self.plot()
        if plot is not None and plot.isVisible():
            plot.setFocus(Qt.OtherFocusReason)
