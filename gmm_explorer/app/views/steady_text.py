"""Text that changes on every Step without relaying out the window.

A ``QLabel`` whose text changes asks its parent's layout to recompute, and
that request climbs to the main window: the status bar, the timeline and the
notes under the Run buttons cost about 0.8 ms of layout passes per Step. Qt
skips the request for a widget whose minimum and maximum sizes are equal, and
a text box's contents do not take part in layout at all.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QPlainTextEdit


class SteadyLabel(QLabel):
    """A one-line label of fixed size that only widens when a text needs it.

    Parameters
    ----------
    slack : int
        Extra pixels given when it widens, so that the next few texts fit.
    """

    def __init__(self, text: str = "", slack: int = 12, parent=None):
        super().__init__(parent)
        self._slack = slack
        self.setFixedHeight(self.sizeHint().height())
        self.setFixedWidth(1)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        margins = self.contentsMargins()
        needed = (self.fontMetrics().horizontalAdvance(text) + margins.left()
                  + margins.right() + 2 * self.margin() + 2)
        if needed > self.width():
            self.setFixedWidth(needed + self._slack)

    def setMinimumWidth(self, width: int) -> None:  # noqa: N802
        if width > self.width():
            self.setFixedWidth(width)


class NotesBox(QPlainTextEdit):
    """Read-only wrapped text in a light box, with ``text()``/``setText()`` like a label."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFrameShape(QPlainTextEdit.NoFrame)
        # palette roles, not fixed colours: the box reads in a dark palette too
        self.setStyleSheet("QPlainTextEdit { background: palette(alternate-base); "
                           "border: 1px solid palette(midlight); padding: 2px; }")
        self._text = ""

    def sizeHint(self) -> QSize:  # noqa: N802
        # a label's size, not a text editor's (256 x 192): the docks keep their balance
        return QSize(200, 4 * self.fontMetrics().lineSpacing() + 12)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name)
        if text != self._text:
            self._text = text
            self.setPlainText(text)
