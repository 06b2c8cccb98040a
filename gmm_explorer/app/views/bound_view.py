"""The Lower bound dock: the log-likelihood and EM's lower bound along a slice.

It draws a :class:`~gmm_explorer.app.model.lower_bound.LowerBoundSlice`'s
picture and changes its choices (slice, component); the slice itself is
computed by that model object, never here.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gmm_explorer.app.model.lower_bound import SLICES
from gmm_explorer.app.views.plotting import cache_axes, light_grid

LL_PEN = pg.mkPen((31, 119, 180), width=2.5)
BOUND_PEN = pg.mkPen((255, 127, 14), width=2.5)
LANDING_PEN = pg.mkPen((44, 160, 44), width=2, style=Qt.DashLine)
TOUCH_BRUSH = pg.mkBrush(0, 0, 0)
PEAK_BRUSH = pg.mkBrush(214, 39, 40)
#: How far below the lowest log-likelihood the plot reaches, as a share of its span:
#: far enough to see the bound bend away, not so far that its plunge flattens the rest.
DEPTH = 0.6


class LowerBoundView(QWidget):
    """Controls over a plot of l(θ) and B(θ; θ_t) along the chosen slice."""

    def __init__(self, bound, parent=None):
        super().__init__(parent)
        self.bound = bound
        self.slice_box = QComboBox()
        for name, words in SLICES.items():
            self.slice_box.addItem(words, name)
        self.slice_box.setToolTip("The one-parameter slice through the shown state: move one "
                                  "component's mean along a line (t in its standard "
                                  "deviations), or scale its covariance by exp(s)")
        self.slice_box.currentIndexChanged.connect(
            lambda i: bound.set_slice(self.slice_box.itemData(i)))
        self.component_box = QComboBox()
        self.component_box.setToolTip("The component the slice moves")
        self.component_box.activated.connect(
            lambda i: bound.set_component(self.component_box.itemData(i)))
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(QLabel("Slice"))
        bar.addWidget(self.slice_box, 1)
        bar.addWidget(self.component_box)

        self.plot = pg.PlotWidget(background="w")
        plot = self.plot.getPlotItem()
        plot.setMenuEnabled(False)
        plot.layout.setContentsMargins(1, 8, 1, 1)
        light_grid(self.plot, alpha=0.2)
        cache_axes(self.plot)
        for side in ("left", "bottom"):  # "(x0.001)" beside a label misreads as a unit
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.setLabel("left", "l − l(θ_t)  (nats)")
        # two columns in a strip of its own at the top (see _headroom)
        self.legend = self.plot.addLegend(offset=(6, 4), labelTextSize="8pt", colCount=2,
                                          labelTextColor=(30, 30, 30),
                                          brush=pg.mkBrush(255, 255, 255, 220),
                                          pen=pg.mkPen(200, 200, 200))
        self.ll_curve = self.plot.plot(pen=LL_PEN, name="log-likelihood")
        self.bound_curve = self.plot.plot(pen=BOUND_PEN, name="EM's lower bound at iteration t")
        self.landing = self.plot.plot(pen=LANDING_PEN, name="the M-step's new value")
        self.touch = self.plot.plot(pen=None, symbol="o", symbolSize=9, symbolBrush=TOUCH_BRUSH,
                                    name="touching point θ_t (B = l)")
        self.peak = self.plot.plot(pen=None, symbol="t1", symbolSize=12, symbolBrush=PEAK_BRUSH,
                                   name="the bound's maximum")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.PlainText)
        self.caption.setContentsMargins(6, 2, 6, 4)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(bar)
        box.addWidget(self.plot, 1)
        box.addWidget(self.caption)
        self.setToolTip("Why EM never lowers the likelihood: the bound B touches l at the "
                        "shown state and lies below it; the M-step jumps to B's maximum, "
                        "so l rises at least as much as B does")
        bound.changed.connect(self.redraw)
        self.redraw()

    def _fill_components(self) -> None:
        ids = self.bound.identities()
        if [self.component_box.itemData(i) for i in range(self.component_box.count())] != ids:
            self.component_box.blockSignals(True)
            self.component_box.clear()
            for identity in ids:
                self.component_box.addItem(f"component {identity}", identity)
            self.component_box.blockSignals(False)
        picture = self.bound.picture
        chosen = picture.identity if picture is not None else self.bound.identity
        if chosen in ids:
            self.component_box.setCurrentIndex(ids.index(chosen))

    def redraw(self) -> None:
        """Draw the model's picture (or say why there is none)."""
        self._fill_components()
        index = self.slice_box.findData(self.bound.slice_name)
        if index != self.slice_box.currentIndex():
            self.slice_box.blockSignals(True)
            self.slice_box.setCurrentIndex(index)
            self.slice_box.blockSignals(False)
        picture = self.bound.picture
        items = (self.ll_curve, self.bound_curve, self.landing, self.touch, self.peak)
        if picture is None:
            for item in items:
                item.setData([], [])
            self.legend.setVisible(False)  # a legend over an empty plot reads as a bug
            self.caption.setText(self.bound.note)
            return
        self.legend.setVisible(True)
        c = picture.curves
        base = c.base_log_likelihood
        ll, bound = c.log_likelihood - base, c.bound - base
        self.ll_curve.setData(c.values, ll)
        self.bound_curve.setData(c.values, bound)
        self.touch.setData([0.0], [c.base_bound - base])
        self.peak.setData([c.peak], [c.peak_bound - base])
        top = max(float(np.max(ll)), c.peak_bound - base, 0.0)
        low = min(float(np.min(ll)), 0.0)
        span = max(top - low, 1e-9 * max(abs(base), 1.0), 1e-6)
        bottom, top = low - DEPTH * span, top + 0.08 * span
        self.legend.removeItem(self.landing)
        if picture.landing is None:
            self.landing.setData([], [])
        else:  # in the legend only when drawn: on other slices the M-step lands elsewhere
            self.landing.setData([picture.landing] * 2, [bottom, top])
            self.legend.addItem(self.landing, self.landing.opts["name"])
        self.bound_curve.opts["name"] = f"EM's lower bound at iteration {picture.iteration}"
        self.legend.getLabel(self.bound_curve).setText(self.bound_curve.opts["name"])
        self.plot.setXRange(c.values[0], c.values[-1], padding=0)
        self.plot.setYRange(bottom, self._headroom(bottom, top), padding=0)
        self.plot.setLabel("bottom", picture.axis_label)
        note = f" {self.bound.note}" if self.bound.note else ""
        self.caption.setText(self._caption(picture) + note)

    def _headroom(self, bottom: float, top: float) -> float:
        """The top of the y range that leaves the legend a strip of its own above the
        curves, so that it never hides them (the climbing l, the touching point)."""
        view = self.plot.getViewBox().height()
        legend = self.legend.boundingRect().height() + 12
        share = min(legend / view, 0.5) if view > legend else 0.4
        return top + share / (1 - share) * (top - bottom)

    @staticmethod
    def _caption(picture) -> str:
        c = picture.curves
        t = picture.iteration
        rise = c.peak_bound - c.base_bound
        text = (f"Iteration {t}: l(θ_{t}) = {c.base_log_likelihood:,.3f}. B touches l at θ_{t} "
                f"and lies below it; along this slice B peaks at {c.peak:+.3g}, "
                f"{rise:.3g} above l(θ_{t}): l there is at least that much higher.")
        if c.kind == "scale" and c.log_likelihood[0] > c.log_likelihood.max() - 1e-12 and \
                c.log_likelihood[0] > c.base_log_likelihood:
            text += (" l keeps climbing as the variance shrinks (a degenerate maximum at "
                     "zero variance); B stays bounded.")
        return text
