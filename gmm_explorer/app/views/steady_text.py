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


class FittingLabel(QLabel):
    """A one-line label that asks for no width: it shows what fits, cut at a word with '…'.

    For notes beside controls (the plot's "5,000 of 200,000 points coloured"): a
    longer text must never widen the row it sits in, or the window's minimum
    width grows for good. The whole text is the tooltip's first line.
    """

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self.setMinimumWidth(0)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self._fit()

    def full_text(self) -> str:
        """The whole text, whatever is shown."""
        return self._full

    def setToolTip(self, tip: str) -> None:  # noqa: N802 (Qt's name)
        self._tip = tip
        super().setToolTip(f"{self._full}\n\n{tip}" if self._full and tip else
                           self._full or tip)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = cut_at_word(self._full, self.fontMetrics(), max(self.width() - 4, 0))
        if shown != super().text():
            super().setText(shown)
        self.setToolTip(self._tip)


def cut_at_word(text: str, metrics, room: int) -> str:
    """``text`` if it fits in ``room`` pixels, else its first words and '…' (never mid-word)."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1 and metrics.horizontalAdvance(" ".join(words) + " …") > room:
        words.pop()
    short = " ".join(words).rstrip(",;:(") + " …"
    return short if metrics.horizontalAdvance(short) <= room else ""
