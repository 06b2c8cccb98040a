"""Small reusable pieces of the docks: a slider on a log scale, a compact form."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QScrollArea, QSlider, QWidget


class LogSlider(QWidget):
    """A horizontal slider over ``10**lo ... 10**hi`` in steps of a power.

    Parameters
    ----------
    lo, hi : float
        Decimal exponents of the ends.
    steps_per_decade : int
        Slider positions per factor of ten.
    value : float
        Initial value (snapped to the nearest position).

    Signals
    -------
    valueChanged(float)
        Emitted when the user moves the slider (not on :meth:`setValue`).

    A value set from outside (a session file, a script) is shown and kept as
    it is, even between positions or beyond the ends (the range then widens),
    until the user moves the slider.
    """

    valueChanged = Signal(float)

    def __init__(self, lo: float, hi: float, steps_per_decade: int = 2, value: float = 1.0,
                 parent=None):
        super().__init__(parent)
        self._lo, self._hi = lo, hi
        self._per = steps_per_decade
        self._exact = None  # the value given to setValue, until the slider moves
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setMinimumWidth(80)
        self.slider.setRange(0, int(round((hi - lo) * steps_per_decade)))
        self.label = QLabel()
        self.label.setMinimumWidth(52)
        self.label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.setValue(value)
        self.slider.valueChanged.connect(self._on_slider)

    def value(self) -> float:
        """The value set, or the one at the slider's position once the user moved it."""
        if self._exact is not None:
            return self._exact
        return 10.0 ** (self._lo + self.slider.value() / self._per)

    def setValue(self, value: float) -> None:
        """Show ``value`` (the slider at the nearest position) without emitting."""
        if value > 0:
            exponent = math.log10(value)
            lo, hi = min(self._lo, math.floor(exponent)), max(self._hi, math.ceil(exponent))
            if (lo, hi) != (self._lo, self._hi):
                self._lo, self._hi = lo, hi
                self.slider.blockSignals(True)
                self.slider.setRange(0, int(round((hi - lo) * self._per)))
                self.slider.blockSignals(False)
        pos = round((math.log10(value) - self._lo) * self._per) if value > 0 else 0
        self.slider.blockSignals(True)
        self.slider.setValue(int(pos))
        self.slider.blockSignals(False)
        self._exact = float(value) if value > 0 else None
        self.label.setText(f"{self.value():.0e}")

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        """Tooltip on the slider and its label."""
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.label.setToolTip(text)

    def _on_slider(self, _pos: int) -> None:
        self._exact = None
        self.label.setText(f"{self.value():.0e}")
        self.valueChanged.emit(self.value())


def form_layout() -> QFormLayout:
    """A compact form with right-aligned labels, as every dock uses."""
    form = QFormLayout()
    form.setContentsMargins(6, 6, 6, 6)
    form.setVerticalSpacing(5)
    form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    return form


def with_tip(widget, text: str):
    """``widget`` with ``text`` as its tooltip."""
    widget.setToolTip(text)
    return widget


class WidthKeepingScrollArea(QScrollArea):
    """A dock's vertical scroll area as wide as its content: it scrolls up and down on a
    small screen, and never cuts the controls at the right."""

    def minimumSizeHint(self):  # noqa: N802 - Qt naming
        hint = super().minimumSizeHint()
        if self.widget() is not None:
            hint.setWidth(max(hint.width(), self.widget().minimumSizeHint().width()
                              + self.verticalScrollBar().sizeHint().width()))
        return hint
