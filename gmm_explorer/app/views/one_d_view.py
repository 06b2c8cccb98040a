"""The centre plot for one-column data: histogram, densities, a rug, draggable means.

With D = 1 there is no plane to draw ellipses in; what EM fits is a sum of
weighted bell curves over the data's histogram. This view draws

- a density-normalised histogram of every point (computed once per dataset),
- each component's weighted density ``w_k N(x | m_k, s_k^2)`` in its colour
  (``colors.component_color`` of its identity, as in the table) and the
  mixture's density as a thicker dark curve,
- a rug under the axis: the drawn subsample (``workspace.display_indices``)
  coloured by its responsibilities, jittered vertically so that ties show,
- the means as handles on the axis, draggable along x; a drop restarts EM
  from there through ``workspace.move_mean``, exactly as in 2-D.

Like :class:`~gmm_explorer.app.views.scatter_view.CentreView` it listens to
the workspace's ``dataChanged`` and ``currentChanged``, reuses its plot items
and never calls the engine.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gmm_explorer.app.views.point_brushes import brush_for, changed_points
from gmm_explorer.app import colors
from gmm_explorer.app.views.mean_handles import MeanHandles
from gmm_explorer.app.views.one_d_density import component_densities, curve_grid, histogram
from gmm_explorer.app.views.plotting import cache_axes, light_grid, plain_axes

POINT_SIZE = 5
#: The rug lies between these fractions of the histogram's height below zero.
_RUG_BAND = (-0.16, -0.04)
_HIST_BRUSH = (200, 200, 200, 170)
_HIST_PEN = (150, 150, 150)
_MIXTURE_PEN = (25, 25, 25)


class AxisHandles(MeanHandles):
    """Mean handles that stay on one horizontal line: a 1-D mean moves along x only."""

    def __init__(self, on_dropped, parent=None):
        super().__init__(on_dropped, parent)
        self.baseline = 0.0

    def mouseDragEvent(self, ev) -> None:  # noqa: N802 - Qt naming
        super().mouseDragEvent(ev)
        if len(self._pos):
            self._pos[:, 1] = self.baseline  # the drop reported x; y is only where it sits
            self._geometry_changed()


class OneDView(pg.PlotWidget):
    """Histogram, component and mixture densities, a rug and the means, for D = 1.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace
    """

    def __init__(self, workspace, parent=None):
        super().__init__(parent, background="w")
        self.workspace = workspace
        self.color_mode = "blended"
        self.means_visible = True
        self._brush_cache: dict = {}
        self._codes = None  # quantised colour of each rug point, as uint32
        self._x = np.zeros(0)  # the drawn subsample's values, (M,)
        self._span = (0.0, 1.0)  # the curves' x range
        self._top = 1.0  # the histogram's tallest bar
        self._xs = np.zeros(0)
        self._component_y = np.zeros((0, 0))
        self._mixture_y = np.zeros(0)

        plot = self.getPlotItem()
        light_grid(self, alpha=0.15)
        plot.setMenuEnabled(False)
        cache_axes(self)
        plain_axes(self)  # "0.002" on the axis, never "x0 (x0.001)"
        self.setLabel("left", "density")
        self.getAxis("left").enableAutoSIPrefix(False)  # "0.04", not "40" under "(x0.001)"
        self.setToolTip("One-column data: the histogram of every point, each component's "
                        "weighted density w·N(x | m, s²) in its colour and the mixture's density "
                        "(dark, thick).\nUnder the axis, the points coloured by responsibilities. "
                        "Drag a mean (a circle on the axis) along x to restart EM from there; "
                        "scroll to zoom.")
        self.legend = plot.addLegend(offset=(-10, 10), labelTextColor=(40, 40, 40),
                                     brush=pg.mkBrush(255, 255, 255, 210))
        self.hist = pg.PlotDataItem(stepMode="center", fillLevel=0.0,
                                    brush=pg.mkBrush(*_HIST_BRUSH), pen=pg.mkPen(*_HIST_PEN),
                                    name="data (histogram)")
        self.hist.setZValue(-5)
        self.addItem(self.hist)
        self.rug = pg.ScatterPlotItem(pxMode=True, pen=None, size=POINT_SIZE)
        self.addItem(self.rug)
        self.curves: list = []  # one PlotCurveItem per component, reused step to step
        self.mixture = pg.PlotCurveItem(pen=pg.mkPen(*_MIXTURE_PEN, width=3))
        self.mixture.setZValue(10)
        self.addItem(self.mixture)
        self.legend.addItem(self.mixture, "mixture")
        self.handles = AxisHandles(self._on_handle_dropped)
        self.handles.setZValue(20)
        self.addItem(self.handles, ignoreBounds=True)

        workspace.dataChanged.connect(self.on_data_changed)
        workspace.currentChanged.connect(self.on_current_changed)
        if workspace.X is not None:
            self.on_data_changed()
            self.on_current_changed(workspace.current)

    # ------------------------------------------------------------ options
    def set_color_mode(self, mode: str) -> None:
        """``"blended"``, ``"hard"`` or ``"class"`` (the known class), as the scatter's."""
        if mode not in ("blended", "hard", "class"):
            raise ValueError(f"colour mode must be 'blended', 'hard' or 'class', got {mode!r}")
        self.color_mode = mode
        self.update_rug()

    def set_means_visible(self, visible: bool) -> None:
        """Show or hide the mean handles."""
        self.means_visible = bool(visible)
        self.handles.setVisible(self.means_visible)

    # ------------------------------------------------------------ updates
    def on_data_changed(self) -> None:
        """New data: the histogram, the rug's positions, the range and the labels."""
        s = self.workspace
        if s.X is None or s.n_features != 1:
            return  # the scatter shows these data; nothing here depends on them
        x_all = s.X[:, 0]
        edges, heights = histogram(x_all)
        self.hist.setData(edges, heights)
        self._top = float(heights.max()) if len(heights) and heights.max() > 0 else 1.0
        lo, hi = float(x_all.min()), float(x_all.max())
        pad = 0.1 * (hi - lo) if hi > lo else 1.0
        self._span = (lo - pad, hi + pad)
        self._x = x_all[s.display_indices]
        # a fixed jitter per drawn point: ties show as a strip, and it does not dance per step
        jitter = np.random.default_rng(0).uniform(*_RUG_BAND, size=len(self._x))
        self.rug.setData(x=self._x, y=jitter * self._top, pen=None, size=POINT_SIZE)
        self._codes = None  # every rug point needs its brush again
        self.handles.baseline = 0.0
        self.setLabel("bottom", s.feature_names[0] if s.feature_names else "x")
        vb = self.getPlotItem().getViewBox()
        vb.setRange(xRange=self._span, yRange=(_RUG_BAND[0] * 1.3 * self._top, 1.3 * self._top),
                    padding=0)
        self.getPlotItem().disableAutoRange()

    def on_current_changed(self, index: int) -> None:
        """The shown state changed: new curves, rug colours and handles."""
        s = self.workspace
        if s.state is None or s.n_features != 1:
            return
        self.update_curves()
        self.update_rug()
        self.update_handles()

    def update_curves(self) -> None:
        """Each component's weighted density and the mixture's, for the shown state."""
        state = self.workspace.state
        means = state.means[:, 0]
        variances = state.covariances[:, 0, 0]
        sds = np.sqrt(np.clip(variances, 0.0, None))
        self._xs = curve_grid(*self._span, means, sds)
        self._component_y = component_densities(state.weights, means, variances, self._xs)
        self._mixture_y = self._component_y.sum(axis=0)
        ids = [int(i) for i in state.component_ids]
        while len(self.curves) < len(ids):
            curve = pg.PlotCurveItem()
            curve.setZValue(5)
            self.addItem(curve)
            self.curves.append(curve)
        for k, curve in enumerate(self.curves):
            if k < len(ids):
                rgb = colors.component_color(ids[k])
                curve.setPen(pg.mkPen(rgb, width=2))
                # a faint fill: where components overlap, both stay readable under the mixture
                curve.setFillLevel(0.0)
                curve.setBrush(pg.mkBrush(*rgb, 40))
                curve.setData(self._xs, self._component_y[k])
                curve.show()
            else:
                curve.hide()
        self.mixture.setData(self._xs, self._mixture_y)

    def update_rug(self) -> None:
        """Recolour the rug for the shown state's responsibilities.

        Colours are quantised (``colors.point_colors``) and only the points
        whose colour changed get a new brush (from a cache): pyqtgraph looks
        each new brush up in a Python loop, about 20 ms per 1,000 points.
        """
        s = self.workspace
        if s.state is None or s.n_features != 1 or not len(self._x):
            return
        rgba = colors.drawn_point_colors(s, self.color_mode)
        codes, changed = changed_points(self._codes, rgba)
        self._codes = codes
        if not len(changed):
            return
        brushes = [brush_for(self._brush_cache, code) for code in codes[changed].tolist()]
        subset = self.rug.data[changed]  # a copy: styled, then written back
        self.rug.setBrush(brushes, dataSet=subset)
        self.rug.data[changed] = subset
        self.rug.invalidate()

    def update_handles(self) -> None:
        """One handle per mean, on the axis, in the component's colour."""
        state = self.workspace.state
        means = state.means[:, 0]
        self.handles.set_means(np.column_stack([means, np.full(len(means),
                                                               self.handles.baseline)]),
                               [colors.component_color(i) for i in state.component_ids])
        self.handles.setVisible(self.means_visible)

    def _on_handle_dropped(self, k: int, pos) -> None:
        x = float(pos[0])
        # the workspace moves a mean on its shown axes, which are (0, 0) for one column
        self.workspace.move_mean(k, (x, x))

    # ------------------------------------------------------------ reading
    def curve_data(self, k: int) -> tuple:
        """(x, y) of the drawn curve of component ``k`` (an index into the shown state)."""
        x, y = self.curves[k].getData()
        return np.asarray(x), np.asarray(y)

    def curve_color(self, k: int) -> tuple:
        """RGB of the curve of component ``k``."""
        return self.curves[k].opts["pen"].color().getRgb()[:3]

    def mixture_data(self) -> tuple:
        """(x, y) of the drawn mixture curve."""
        x, y = self.mixture.getData()
        return np.asarray(x), np.asarray(y)

    def histogram_data(self) -> tuple:
        """(edges, heights) of the drawn histogram, shapes (B + 1,) and (B,)."""
        x, y = self.hist.getData()  # stepMode "center": x holds the B + 1 edges
        return np.asarray(x), np.asarray(y)

    def rug_colors(self) -> np.ndarray:
        """RGBA of every rug point's brush, shape (M, 4)."""
        return np.array([b.color().getRgb() for b in self.rug.data["brush"]])

    def handle_position(self, k: int) -> tuple:
        """(x, y) of the handle on mean ``k``, in the plot's units."""
        return self.handles.position(k)
