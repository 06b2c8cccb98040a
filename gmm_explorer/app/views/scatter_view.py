"""The centre plot: data coloured by responsibilities, ellipses, draggable means.

Drawing strategy (pyqtgraph's performance advice; re-brushing 1e5 points
costs about 0.4 s a step):

- a fixed random subsample of at most ``workspace.MAX_DRAWN_POINTS`` points is
  drawn as one ``ScatterPlotItem`` (``pxMode=True``, ``pen=None``) whose
  positions are set once per dataset; each step only swaps its brushes,
  taken from a cache of quantised colours;
- when the data have more points than that, every point still shows as a
  grey 2-D histogram image underneath, computed once per dataset and axes;
- the ellipses are closed curves from ``eigh`` of each (marginal)
  covariance, all drawn by one :class:`~gmm_explorer.app.views.polylines.Polylines`
  item with cosmetic pens;
- the background (none, that histogram, the mixture's density or its
  uncertainty) is chosen here; the maps are computed by the
  :class:`~gmm_explorer.app.model.backgrounds.Backgrounds` model on a grid
  over the shown range and drawn by a
  :class:`~gmm_explorer.app.views.background_layer.BackgroundLayer`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from gmm_explorer.app.views.point_brushes import brush_for, changed_points
from gmm_explorer.app import colors, geometry
from gmm_explorer.app.model.backgrounds import Backgrounds
from gmm_explorer.app.model.known_classes import class_names
from gmm_explorer.app.model.picture import ELLIPSE_HALO
from gmm_explorer.app.views.background_layer import BackgroundLayer
from gmm_explorer.app.views.class_legend import ClassLegend
from gmm_explorer.app.views.mean_handles import MeanHandles
from gmm_explorer.app.views.plotting import cache_axes, light_grid, plain_axes
from gmm_explorer.app.views.polylines import Polylines

SIGMA_LEVELS = (1, 2, 3)
# whole-pixel widths: a wider antialiased stroke costs twice a 1-pixel one to draw
_SIGMA_STYLES = {1: (2.0, Qt.SolidLine), 2: (1.0, Qt.DashLine), 3: (1.0, Qt.DotLine)}
POINT_SIZE = 5
COLOR_MODES = ("blended", "hard", "class")
HOVER_PIXELS = 8


class CentreView(pg.PlotWidget):
    """The data, the ellipses at 1/2/3 sigma and the means, for the shown state.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace
    backgrounds : gmm_explorer.app.model.backgrounds.Backgrounds, optional
        The background's choice and maps (by default one of its own).

    Signals
    -------
    hoverText(str)
        Responsibilities of the hovered point ("" when none).
    """

    hoverText = Signal(str)

    def __init__(self, workspace, parent=None, backgrounds=None):
        super().__init__(parent, background="w")
        self.workspace = workspace
        self.backgrounds = backgrounds or Backgrounds(workspace)
        self.color_mode = "blended"
        self.sigma_visible = {1: True, 2: True, 3: False}
        self.means_visible = True
        self._brush_cache: dict = {}
        self._codes = None  # quantised colour of each drawn point, as uint32
        self._points = np.zeros((0, 2))
        self._density_counts = np.zeros((0, 0))
        self._ellipse_ids: tuple = ()
        self._ellipse_count = 0

        plot = self.getPlotItem()
        self.grid = light_grid(self, alpha=0.15)
        plot.setMenuEnabled(False)
        cache_axes(self)
        plain_axes(self)  # "0.002" on the axis, never "x0 (x0.001)"
        self.setToolTip("The data coloured by responsibilities, the covariance ellipses at "
                        "1, 2 and 3 sigma and the means.\nDrag a mean (a circled cross) "
                        "to restart EM from there; hover a point to read its "
                        "responsibilities; scroll to zoom.")
        self.density = pg.ImageItem()
        # drawn from a cached pixmap: a step repaints the plot, not the image
        self.density.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.density.setZValue(-10)
        self.addItem(self.density)
        self.background_layer = BackgroundLayer(self.backgrounds, self)
        self.backgrounds.changed.connect(self._show_histogram)
        self.point_size = POINT_SIZE  # pixels; presentation mode makes them larger
        self._fit_pending = False  # new data: fit the range to the first state's ellipses
        self.scatter = pg.ScatterPlotItem(pxMode=True, pen=None, size=POINT_SIZE)
        self.scatter.setZValue(0)
        self.addItem(self.scatter)
        # every ellipse in one item: one bounding box, one paint (see polylines.py)
        self.ellipses = Polylines(halo=ELLIPSE_HALO)
        self.ellipses.setZValue(8)
        self.addItem(self.ellipses, ignoreBounds=True)
        self.handles = MeanHandles(self._on_handle_dropped)
        self.handles.setZValue(20)
        self.addItem(self.handles, ignoreBounds=True)
        self.hover_label = pg.TextItem("", color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 225),
                                       border=pg.mkPen(120, 120, 120), anchor=(0, 1))
        self.hover_label.setZValue(30)
        self.hover_label.hide()
        self.addItem(self.hover_label, ignoreBounds=True)
        self.class_legend = ClassLegend(self)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        plot.getViewBox().sigRangeChanged.connect(self._on_range_changed)
        self._on_range_changed()

        workspace.dataChanged.connect(self.on_data_changed)
        workspace.currentChanged.connect(self.on_current_changed)
        if workspace.X is not None:
            self.on_data_changed()
            self.on_current_changed(workspace.current)

    # ------------------------------------------------------------ options
    def set_color_mode(self, mode: str) -> None:
        """``"blended"``, ``"hard"`` (label colour, opacity by confidence) or
        ``"class"`` (the known class, where the data have them)."""
        if mode not in COLOR_MODES:
            raise ValueError(f"colour mode must be one of {', '.join(COLOR_MODES)}, got {mode!r}")
        self.color_mode = mode
        self._codes = None
        self.update_points()

    def set_sigma_visible(self, level: int, visible: bool) -> None:
        """Show or hide the ellipses at ``level`` sigma (1, 2 or 3)."""
        self.sigma_visible[level] = bool(visible)
        self.update_ellipses()

    def set_point_size(self, pixels: float) -> None:
        """Draw the points ``pixels`` across (presentation mode: larger, for a projector)."""
        self.point_size = float(pixels)
        self.scatter.setSize(self.point_size)

    def set_means_visible(self, visible: bool) -> None:
        """Show or hide the mean handles."""
        self.means_visible = bool(visible)
        self.handles.setVisible(self.means_visible)

    def set_background(self, mode: str) -> None:
        """``"none"``, ``"histogram"``, ``"density"`` or ``"uncertainty"`` under the points."""
        self.backgrounds.set_mode(mode)

    def _show_histogram(self) -> None:
        self.density.setVisible(self.backgrounds.mode == "histogram"
                                and self._density_counts.size > 0)

    def _on_range_changed(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.getPlotItem().viewRange()
        self.backgrounds.set_range((x0, x1), (y0, y1))

    # ------------------------------------------------------------ updates
    def on_data_changed(self) -> None:
        """New data or axes: positions, density image, axis labels, range."""
        s = self.workspace
        self._points = self.plane_points()
        self._codes = None
        self.scatter.setData(pos=self._points, pen=None, size=self.point_size)
        if s.X is not None and len(s.X) > len(self._points):
            x, y = self.plane_columns(s.X)
            counts, (x0, y0, w, h) = geometry.density_image(x, y, bins=256)
            self._density_counts = counts
            img = np.log1p(counts)
            self.density.setImage(img, levels=(0, max(img.max(), 1e-9)),
                                  lut=_grey_lut())
            self.density.setRect(x0, y0, w, h)
            self._show_histogram()
        else:
            self._density_counts = np.zeros((0, 0))
            self.density.clear()
            self.density.hide()
        labels = self.axis_labels()
        if labels:
            self.setLabel("bottom", labels[0])
            self.setLabel("left", labels[1])
        if len(self._points):
            # fit once, then a fixed range: automatic ranging would recompute
            # the bounds of every item on every repaint
            self.getPlotItem().disableAutoRange()
            self.fit_view(ellipses=False)  # the state shown is still the old data's
            self._fit_pending = True

    def fit_view(self, ellipses: bool = True) -> None:
        """Show all points and (``ellipses``) every ellipse drawn now (View > Fit view)."""
        s = self.workspace
        if s.X is None or not len(s.X):
            return
        shown = [level for level, on in self.sigma_visible.items() if on]
        # in the plot's own plane (a subclass may show another one than two columns)
        points = np.column_stack(self.plane_columns(s.X))
        if not len(points):  # no plane for these data (PCA of a single column)
            return
        means2 = covs2 = np.zeros((0, 2))
        if ellipses and s.state is not None:
            means2, covs2 = self.plane_gaussians(s.state)
        xs, ys = geometry.view_bounds(points, means2, covs2, max(shown, default=0))
        self.getPlotItem().getViewBox().setRange(xRange=xs, yRange=ys, padding=0.05)

    # ------------------------------------------------- the plotted plane
    # What the plot shows of the D-dimensional data: here two of its columns
    # (the workspace's axes); a subclass may show another plane (PCA).
    def plane_points(self) -> np.ndarray:
        """The drawn subsample in the plot's coordinates, shape (M, 2)."""
        return self.workspace.drawn_points()

    def plane_columns(self, X: np.ndarray) -> tuple:
        """``x, y``: every row of ``X`` (N, D) in the plot's coordinates, each (N,)."""
        axes = self.workspace.axes
        return X[:, axes[0]], X[:, axes[1]]

    def axis_labels(self) -> tuple:
        """The (bottom, left) axis labels, or () when the data have no names."""
        s = self.workspace
        names = s.feature_names
        return (names[s.axes[0]], names[s.axes[1]]) if names else ()

    def plane_gaussians(self, state) -> tuple:
        """Each component's exact 2-D Gaussian in the plot's plane.

        Returns
        -------
        means2 : ndarray of shape (K, 2)
        covs2 : ndarray of shape (K, 2, 2)
        """
        return geometry.marginal(state.means, state.covariances, self.workspace.axes)

    def on_current_changed(self, index: int) -> None:
        """The shown state changed: recolour points, move ellipses and means."""
        if self.workspace.state is None:
            return
        self.update_points()
        self.update_ellipses()
        self.update_handles()
        self.hover_label.hide()
        if self._fit_pending:  # the first state on new data: the range holds its ellipses
            self._fit_pending = False
            self.fit_view()

    def update_points(self) -> None:
        """Recolour the drawn points for the shown state's responsibilities.

        Colours are quantised (:func:`colors.point_colors`); only points whose
        colour changed get a new brush (from the cache), so late iterations,
        where few points change colour, cost almost nothing.
        """
        s = self.workspace
        if s.state is None or not len(self._points):
            return
        rgba = colors.drawn_point_colors(s, self.color_mode)
        if self.color_mode == "class" and s.labels is not None:
            self.class_legend.show_classes(class_names(s))
        else:  # without known classes, "class" falls back on the blend
            self.class_legend.hide()
        codes, changed = changed_points(self._codes, rgba)
        self._codes = codes
        if not len(changed):
            return
        uniq, inverse = np.unique(codes[changed], return_inverse=True)
        table = np.empty(len(uniq), dtype=object)
        for i, code in enumerate(uniq):
            table[i] = brush_for(self._brush_cache, int(code))
        inverse = inverse.ravel()
        data = self.scatter.data
        data["brush"][changed] = table[inverse]
        rects = self._atlas_rects(changed, inverse, len(uniq))
        if rects is None:
            data["sourceRect"][changed] = 0  # ask pyqtgraph for these spots' atlas entries
            self.scatter.updateSpots(data)
        else:
            data["sourceRect"][changed] = rects[inverse]
            if np.any(data["sourceRect"]["w"] == 0):  # the atlas was rebuilt
                self.scatter.updateSpots(data)
            else:
                self.scatter.invalidate()

    def _atlas_rects(self, changed, inverse, n_unique):
        """Atlas entries of the new brushes, one lookup per colour, not per point.

        pyqtgraph's ``updateSpots`` finds each spot's symbol in its atlas in a
        Python loop over the spots (about 4 ms per 1,000 points); all spots of
        one colour share one entry, so looking up each distinct colour once
        and spreading the result with numpy costs next to nothing. Returns
        None (the caller falls back on ``updateSpots``) where this pyqtgraph
        has no such atlas.
        """
        sc = self.scatter
        atlas = getattr(sc, "fragmentAtlas", None)
        if atlas is None or not (sc.opts.get("pxMode") and sc.opts.get("useCache", True)):
            return None
        first = np.zeros(n_unique, dtype=np.intp)
        first[inverse[::-1]] = changed[::-1]  # one spot of each colour
        try:
            sc._maybeRebuildAtlas()
            styles = list(zip(*sc._style(["symbol", "size", "pen", "brush"], idx=first)))
            coords = atlas[styles]
        except (AttributeError, TypeError, KeyError):
            return None
        if len(atlas) == 0:
            return None
        rects = np.zeros(n_unique, dtype=sc.data["sourceRect"].dtype)
        rects[:] = coords
        return rects

    @property
    def drawing_mode(self) -> str:
        """How the data are drawn: ``"all points"`` or ``"subsample over density"``.

        Above ``workspace.MAX_DRAWN_POINTS`` points a fixed random subsample is
        coloured by the responsibilities over a grey 2-D histogram of every
        point; the ellipses, curves and table come from the full data.
        """
        s = self.workspace
        if s.X is not None and len(s.X) > len(self._points):
            return "subsample over density"
        return "all points"

    def density_counts(self) -> np.ndarray:
        """Counts of the drawn density histogram (empty when not drawn)."""
        return self._density_counts

    def point_brush_colors(self) -> np.ndarray:
        """RGBA of every drawn point's brush, shape (M, 4) (for tests)."""
        return np.array([b.color().getRgb() for b in self.scatter.data["brush"]])

    def ellipse_data(self, k: int, level: int) -> np.ndarray:
        """The drawn curve of component ``k`` at ``level`` sigma, shape (P, 2)."""
        x, y = self.ellipses.line_data(self._ellipse_index(k, level))
        return np.column_stack([x, y])

    def ellipse_color(self, k: int, level: int = 1) -> tuple:
        """RGB of the curve of component ``k`` (an index into the shown state)."""
        return self.ellipses.line_pen(self._ellipse_index(k, level)).color().getRgb()[:3]

    def ellipse_visible(self, k: int, level: int) -> bool:
        """Whether the curve of component ``k`` at ``level`` sigma is drawn."""
        return self.ellipses.line_visible(self._ellipse_index(k, level))

    def _ellipse_index(self, k: int, level: int) -> int:
        # lines are ordered 3, 2, 1 sigma, so that the 1-sigma curves are drawn on top
        return (SIGMA_LEVELS[-1] - level) * self._ellipse_count + k

    def update_ellipses(self) -> None:
        """Redraw the ellipses of the shown state (exact marginals on the axes)."""
        s = self.workspace
        state = s.state
        if state is None:
            return
        k_count = state.n_components
        ids = tuple(int(i) for i in state.component_ids)
        if self._ellipse_ids != ids:  # each component keeps its colour for its whole life
            self._ellipse_count, self._ellipse_ids = k_count, ids
            self.ellipses.set_pens([_sigma_pen(i, level) for level in SIGMA_LEVELS[::-1]
                                    for i in ids])
        means2, covs2 = self.plane_gaussians(state)
        lines = {}
        for level in SIGMA_LEVELS:
            visible = self.sigma_visible.get(level, False)
            curves = geometry.ellipse_curves(means2, covs2, level) if visible else None
            for k in range(k_count):
                i = self._ellipse_index(k, level)
                if visible:
                    lines[i] = (curves[k, :, 0], curves[k, :, 1])
                self.ellipses.set_line_visible(i, visible)
        self.ellipses.set_lines(lines)

    def update_handles(self) -> None:
        """Put one draggable handle on each mean, in the component's colour."""
        s = self.workspace
        state = s.state
        self.handles.set_means(state.means[:, list(s.axes)],
                               [colors.component_color(i) for i in state.component_ids])
        self.handles.setVisible(self.means_visible)

    def handle_position(self, k: int) -> tuple:
        """(x, y) of the handle on mean ``k``, in the plot's units."""
        return self.handles.position(k)

    def _on_handle_dropped(self, k: int, pos) -> None:
        self.workspace.move_mean(k, pos)

    # -------------------------------------------------------------- hover
    def hover_text_at(self, x: float, y: float) -> str:
        """Responsibilities of the drawn point nearest ``(x, y)`` (data units).

        Empty when no drawn point is within ``HOVER_PIXELS`` screen pixels.
        """
        s = self.workspace
        if s.state is None or not len(self._points):
            return ""
        px = self.getPlotItem().getViewBox().viewPixelSize()
        scale = (px[0] or 1.0, px[1] or 1.0)
        i, dist = geometry.nearest_point(self._points, x, y, scale)
        if dist > HOVER_PIXELS:
            return ""
        row = int(s.display_indices[i])
        resp = s.point_responsibilities(row)
        order = np.argsort(resp)[::-1]
        ids = self.workspace.state.component_ids  # components are named by identity
        parts = [f"{ids[k]}: {resp[k]:.3f}" for k in order[:4]
                 if resp[k] >= 5e-4 or k == order[0]]
        text = f"point {row}  responsibilities  " + ",  ".join(parts)
        # on the uncertainty map: the same measure for this point, from all its features
        if self.backgrounds.mode == "uncertainty":
            text += f"  (uncertainty {1.0 - resp.max():.3f})"
        return text

    def _on_mouse_moved(self, scene_pos) -> None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.hover_label.hide()
            return
        p = vb.mapSceneToView(scene_pos)
        text = self.hover_text_at(p.x(), p.y())
        if text:
            self.hover_label.setText(text.replace("  responsibilities  ", "\n"))
            self.hover_label.setPos(p)
            self.hover_label.show()
        else:
            self.hover_label.hide()
        self.hoverText.emit(text)


def _sigma_pen(k: int, level: int):
    width, style = _SIGMA_STYLES[level]
    return pg.mkPen(colors.component_color(k), width=width, style=style)


_LUT = None


def _grey_lut():
    """Lookup table for the density image: white to mid grey."""
    global _LUT
    if _LUT is None:
        t = np.linspace(0.0, 1.0, 256)[:, None]
        lut = np.empty((256, 4), dtype=np.uint8)
        lut[:, :3] = np.round(255 - t * 110)
        lut[:, 3] = np.round(np.where(t[:, 0] > 0, 60 + 195 * t[:, 0], 0))
        _LUT = lut
    return _LUT
