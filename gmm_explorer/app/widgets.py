"""Small reusable widgets: a slider on a log scale."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget


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
    """

    valueChanged = Signal(float)

    def __init__(self, lo: float, hi: float, steps_per_decade: int = 2, value: float = 1.0,
                 parent=None):
        super().__init__(parent)
        self._lo = lo
        self._per = steps_per_decade
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
        """The value at the slider's position."""
        return 10.0 ** (self._lo + self.slider.value() / self._per)

    def setValue(self, value: float) -> None:
        """Move to the position nearest ``value`` without emitting."""
        pos = round((math.log10(value) - self._lo) * self._per) if value > 0 else 0
        self.slider.blockSignals(True)
        self.slider.setValue(int(pos))
        self.slider.blockSignals(False)
        self.label.setText(f"{self.value():.0e}")

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        """Tooltip on the slider and its label."""
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.label.setToolTip(text)

    def _on_slider(self, _pos: int) -> None:
        self.label.setText(f"{self.value():.0e}")
        self.valueChanged.emit(self.value())
