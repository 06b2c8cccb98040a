"""Help → "Why covariances become singular": text and one small plot."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

from gmm_explorer.app.panels.lab_text import HELP_HTML

TITLE = "Why covariances become singular"


def log_density_at_mean(sigma, ridge: float = 0.0):
    """Log density of N(x | x, sigma^2 + ridge) at its own mean, 1-D."""
    var = np.asarray(sigma, dtype=float) ** 2 + ridge
    return -0.5 * np.log(2 * np.pi * var)


class HelpPage(QDialog):
    """A non-modal page: the explanation and the unbounded log density."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.text = QTextBrowser()
        self.text.setHtml(HELP_HTML)
        self.text.setOpenExternalLinks(False)
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
