"""Help → "Why covariances become singular": text and one small plot."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

from gmm_explorer.app.panels.lab_text import HELP_HTML

TITLE = "Why covariances become singular"
#: The link in :data:`BOUND_HTML` that opens the Lower bound dock.
BOUND_LINK = "gmm-explorer:lower-bound"
BOUND_HTML = f"""
<h3>Why EM climbs anyway: the lower bound</h3>
<p>Each E-step builds a lower bound B on the log-likelihood that touches it at the current
parameters; the M-step jumps to B's maximum, so the likelihood never falls. Near a collapse the
likelihood climbs without limit as a component's variance shrinks while B keeps a maximum:
<a href="{BOUND_LINK}">open the Lower bound panel</a> (EM &rarr; EM's lower bound, Ctrl+B) and
choose the covariance slice of the shrinking component.</p>
"""


def log_density_at_mean(sigma, ridge: float = 0.0):
    """Log density of N(x | x, sigma^2 + ridge) at its own mean, 1-D."""
    var = np.asarray(sigma, dtype=float) ** 2 + ridge
    return -0.5 * np.log(2 * np.pi * var)


class HelpPage(QDialog):
    """A non-modal page: the explanation and the unbounded log density.

    Signals
    -------
    lowerBoundRequested()
        The text's link to the Lower bound panel was clicked.
    """

    lowerBoundRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.text = QTextBrowser()
        self.text.setHtml(HELP_HTML + BOUND_HTML)
        self.text.setOpenExternalLinks(False)
        self.text.setOpenLinks(False)  # the page stays; the link only opens the panel
        self.text.anchorClicked.connect(self._on_link)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLogMode(x=True)
        self.plot.setLabel("bottom", "σ, the component's standard deviation")
        self.plot.setLabel("left", "log density at its own point")
        self.plot.addLegend(offset=(-10, 10))
        self.plot.setToolTip("The log density a Gaussian gives the point it sits on, as it "
                             "shrinks: unbounded without a ridge, capped with one")
        sigma = np.logspace(-6, 1, 200)
        self.plot.plot(sigma, log_density_at_mean(sigma), name="no ridge: → +∞",
                       pen=pg.mkPen((31, 119, 180), width=2.5))
        self.plot.plot(sigma, log_density_at_mean(sigma, 1e-4), name="ridge 1e-4: capped",
                       pen=pg.mkPen((255, 127, 14), width=2.5))
        self.plot.setMinimumHeight(200)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 3)
        layout.addWidget(self.plot, 2)
        self.resize(640, 720)

    def _on_link(self, url) -> None:
        if url.toString() == BOUND_LINK:
            self.lowerBoundRequested.emit()
