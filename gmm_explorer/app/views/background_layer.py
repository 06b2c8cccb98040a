"""The centre plot's background maps: the mixture density or the uncertainty.

The model (:class:`~gmm_explorer.app.model.backgrounds.Backgrounds`) holds
the grids; this layer only draws them: one ``ImageItem`` for the shaded map
(cached as a pixmap, so a repaint of the points does not redraw it) and one
``PlotCurveItem`` of segment pairs per iso-line of the density. Both sit
under the points and keep light, transparent colours at low values, so the
points and ellipses read on top.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from gmm_explorer.app.model.density_grid import MASS_LEVELS

#: Log density shaded below the 99% line, in nats: the tails fade out there.
TAIL_NATS = 2.0

# the iso-lines of 50, 90 and 99% of the mass: solid grey, darker inside. Not dashed
# or dotted and not coloured: dashes and dots are the ellipses' 2 and 3 sigma, colours
# are the components'
_ISO_PENS = {0.5: (50, 50, 50, 230, Qt.SolidLine), 0.9: (50, 50, 50, 150, Qt.SolidLine),
             0.99: (50, 50, 50, 90, Qt.SolidLine)}


def _ramp(top_rgb: tuple, top_alpha: int, gamma: float = 1.0) -> np.ndarray:
    """A (256, 4) lookup table from transparent white to ``top_rgb``."""
    t = np.linspace(0.0, 1.0, 256) ** gamma
    lut = np.empty((256, 4), dtype=np.uint8)
    for i in range(3):
        lut[:, i] = np.round(255 + t * (top_rgb[i] - 255))
    lut[:, 3] = np.round(t * top_alpha)
    return lut


#: Density: a cool blue-grey, away from the components' saturated colours.
DENSITY_LUT = _ramp((70, 90, 150), 170, gamma=1.2)
#: Uncertainty: a warm grey-violet, darkest where all components are equally likely.
UNCERTAINTY_LUT = _ramp((95, 55, 120), 190, gamma=0.8)


class BackgroundLayer:
    """Draws a :class:`Backgrounds` model's maps on a plot.

    Parameters
    ----------
    backgrounds : gmm_explorer.app.model.backgrounds.Backgrounds
    plot : pyqtgraph.PlotItem or PlotWidget
        Where the items go (under the points: negative z).
    """

    def __init__(self, backgrounds, plot):
        self.backgrounds = backgrounds
        self.image = pg.ImageItem()
        self.image.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.image.setZValue(-9)
        plot.addItem(self.image, ignoreBounds=True)  # the grid follows the range, not the reverse
        self.isolines = {}
        for mass in MASS_LEVELS:
            r, g, b, a, style = _ISO_PENS[mass]
            curve = pg.PlotCurveItem(pen=pg.mkPen((r, g, b, a), width=1.0, style=style),
                                     connect="pairs", antialias=True)
            curve.setZValue(-8)
            plot.addItem(curve, ignoreBounds=True)
            self.isolines[mass] = curve
        backgrounds.changed.connect(self.redraw)
        self.redraw()

    def redraw(self) -> None:
        """Draw the model's maps for its choice, or hide everything."""
        b = self.backgrounds
        maps = b.maps
        if maps is None:
            self.image.hide()
            for curve in self.isolines.values():
                curve.hide()
            return
        if b.mode == "density":
            top = float(np.max(maps.log_density))
            low = float(maps.levels[-1]) - TAIL_NATS
            self.image.setImage(maps.log_density, levels=(low, max(top, low + 1e-9)),
                                lut=DENSITY_LUT, autoLevels=False)
            for mass, segments in zip(MASS_LEVELS, b.isolines()):
                curve = self.isolines[mass]
                pts = segments.reshape(-1, 2)
                curve.setData(pts[:, 0], pts[:, 1], connect="pairs")
                curve.show()
        else:
            # the most uncertain any place can be
            top = max(1.0 - 1.0 / max(maps.n_components, 1), 1e-9)
            self.image.setImage(maps.uncertainty, levels=(0.0, top), lut=UNCERTAINTY_LUT,
                                autoLevels=False)
            for curve in self.isolines.values():
                curve.hide()
        self.image.setRect(*maps.grid.rect)
        self.image.show()

    def shown(self) -> str:
        """What the layer draws now: ``"density"``, ``"uncertainty"`` or ``""``."""
        return self.backgrounds.mode if self.image.isVisible() else ""
