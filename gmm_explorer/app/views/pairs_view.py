"""The centre's pairs view: a scatter-plot matrix of the fitted features.

A D x D grid of small panels in one ``GraphicsLayoutWidget`` (at most
:data:`MAX_FEATURES` features: the first ones unless the person chose others with
:meth:`PairsView.set_features`, and a note says so). Off the
diagonal, feature ``col`` against feature ``row``: the drawn subsample
coloured as in the axes view (blended or hard responsibilities) and each
component's exact marginal ellipse (the 2 x 2 block of its covariance, the
axes view's code). On the diagonal, the feature's name, a histogram of all
its values and the components' weighted marginal densities.

Linked: hovering a point rings the same data row in every panel (and marks
its value on the diagonal); clicking a panel off the diagonal makes its pair
the axes view's (:attr:`PairsView.pairChosen`).

Speed, for D = 10 (90 scatters of ~4000 points): the panels and their items
are made once per number of features and updated in place; the points are
drawn as one image per panel (:mod:`~gmm_explorer.app.views.point_raster`),
their colours computed once per Step for all panels; the view redraws only
while shown (:class:`~gmm_explorer.app.views.lazy.LazyRedraw`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from gmm_explorer.app import colors
from gmm_explorer.app.views.lazy import LazyRedraw
from gmm_explorer.app.views.scatter_view import COLOR_MODES
from gmm_explorer.app.views.pairs_panels import FeaturePanel, PairPanel, padded_range

#: Features shown at most (10 x 10 panels); beyond, the first ones or those chosen.
MAX_FEATURES = 10
HOVER_PIXELS = 8


class _Note(pg.LabelItem):
    """A line of text over the grid that never widens it.

    pyqtgraph sizes a label to its text, minimum and preferred: a long note would
    widen the grid beyond a narrow centre and clip its last column; cut it instead.
    """

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph naming
        super().updateMin()  # sets the text's size as minimum and preferred size
        self.setMinimumWidth(0)
        height = self.minimumHeight()
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0.0, height)
        self._sizeHint[Qt.SizeHint.PreferredSize] = (0.0, height)
        self.updateGeometry()


class PairsView(LazyRedraw, pg.GraphicsLayoutWidget):
    """Scatter-plot matrix of the workspace's data and shown state.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace

    Signals
    -------
    hoverText(str)
        Responsibilities of the hovered point ("" when none).
    pairChosen(int, int)
        A panel was clicked: its (x, y) data columns, now the workspace's axes.
    """

    hoverText = Signal(str)
    pairChosen = Signal(int, int)

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.workspace = workspace
        self.color_mode = "blended"
        self.sigma_visible = {1: True, 2: True, 3: False}
        self.features: list[int] = []
        self.chosen_names: list[str] | None = None  # the person's choice, kept across loads
        self.pairs: dict = {}  # (row, col) -> PairPanel, row != col (positions in features)
        self.diagonal: dict = {}  # i -> FeaturePanel
        self.hovered: int | None = None  # index into the drawn points
        self.redraws = 0  # full redraws of the shown state (tests count them)
        self._codes = np.zeros(0, dtype=np.uint32)
        self._note = ""  # the note's text when no point is hovered
        self.note = _Note("", color=(90, 90, 90), size="8pt", justify="left")
        self.ci.layout.setSpacing(3)
        self.ci.setContentsMargins(4, 2, 4, 4)
        self.setToolTip("Every pair of features: points coloured by responsibilities and each "
                        "component's marginal ellipse; on the diagonal each feature's histogram "
                        "and the components' densities.\nHover a point to find it in every "
                        "panel; click a panel to open that pair in the axes view.")
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        workspace.dataChanged.connect(self.on_data_changed)
        workspace.currentChanged.connect(self.on_current_changed)
        if workspace.X is not None:
            self.on_data_changed()
            self.on_current_changed(workspace.current)

    # ------------------------------------------------------------ options
    def set_color_mode(self, mode: str) -> None:
        """``"blended"``, ``"hard"`` or ``"class"`` (known classes), as the axes view."""
        if mode not in COLOR_MODES:
            raise ValueError(f"colour mode must be one of {', '.join(COLOR_MODES)}, got {mode!r}")
        self.color_mode = mode
        self.on_current_changed(self.workspace.current)

    def set_sigma_visible(self, level: int, visible: bool) -> None:
        """Show or hide the ellipses at ``level`` sigma (1, 2 or 3)."""
        self.sigma_visible[level] = bool(visible)
        self.on_current_changed(self.workspace.current)

    def set_features(self, features) -> None:
        """Show these data columns (2 to :data:`MAX_FEATURES`, in this order); None goes
        back to the first ones. The choice is kept by name while the data have them.

        Raises
        ------
        ValueError
            Fewer than two, more than :data:`MAX_FEATURES`, repeated or unknown columns.
        """
        s = self.workspace
        if features is None:
            self.chosen_names = None
        else:
            columns = [int(f) for f in features]
            bad = [f for f in columns if not 0 <= f < s.n_features]
            if bad or len(set(columns)) != len(columns):
                raise ValueError(f"the pairs view shows distinct columns 0 to "
                                 f"{s.n_features - 1}; got {list(features)}")
            if not 2 <= len(columns) <= MAX_FEATURES:
                raise ValueError(f"the pairs view shows 2 to {MAX_FEATURES} features; "
                                 f"{len(columns)} were chosen")
            self.chosen_names = [s.feature_names[f] for f in columns]
        self.on_data_changed()
        self.on_current_changed(s.current)

    def columns_to_show(self) -> list[int]:
        """The data columns to show: the person's choice where the data have it."""
        s = self.workspace
        d = s.n_features
        if self.chosen_names is not None:
            names = list(s.feature_names)
            if all(name in names for name in self.chosen_names):
                return [names.index(name) for name in self.chosen_names]
        return list(range(min(d, MAX_FEATURES))) if d >= 2 else []

    def _set_note(self, text: str) -> None:
        self.note.setText(text)

    # ------------------------------------------------------------ layout
    def _build(self, count: int) -> None:
        """Make the ``count`` x ``count`` panels (only when the count changes)."""
        self.ci.clear()
        self.pairs, self.diagonal = {}, {}
        self.ci.addItem(self.note, row=0, col=0, colspan=max(count, 1))
        for r in range(count):
            for c in range(count):
                plot = self.ci.addPlot(row=r + 1, col=c)
                plot.setMinimumSize(12, 12)  # ten across must fit a narrow centre
                if r == c:
                    self.diagonal[r] = FeaturePanel(plot, r, "")
                else:
                    self.pairs[r, c] = PairPanel(plot, r, c)
                plot.getViewBox().sigResized.connect(self._on_panel_resized)
        for i in range(count):  # square-ish panels share the room; the note keeps its line
            self.ci.layout.setRowStretchFactor(i + 1, 1)
            self.ci.layout.setColumnStretchFactor(i, 1)

    def on_data_changed(self) -> None:
        """New data: the panels (if D changed), their ranges, histograms and names."""
        if self.deferred("data"):
            return
        s = self.workspace
        d = s.n_features
        columns = self.columns_to_show()
        count = len(columns)
        if count != len(self.features):
            self._build(count)
        self.features = columns
        self.hovered = None
        self._codes = np.zeros(0, dtype=np.uint32)
        if not count:
            self._set_note("The pairs view needs at least two features.")
            return
        # short: the note never widens the grid, so a long one is cut at the centre's edge
        if count == d:
            shown = ""
        elif columns == list(range(count)):
            shown = f"First {count} of {d} (View > Pairs features…). "
        else:
            shown = f"{count} of {d} features, as chosen. "
        self._note = shown + "Hover to find a point; click to open a pair."
        self._set_note(self._note)
        drawn = s.X[s.display_indices]
        ranges = [padded_range(s.X[:, f]) for f in self.features]
        for (r, c), panel in self.pairs.items():
            fr, fc = self.features[r], self.features[c]
            panel.row, panel.col = fr, fc
            panel.set_points(drawn[:, fc], drawn[:, fr], (*ranges[c], *ranges[r]))
        for i, panel in self.diagonal.items():
            panel.col = self.features[i]
            panel.set_values(s.X[:, panel.col], ranges[i], s.feature_names[panel.col])

    def on_current_changed(self, index: int) -> None:
        """The shown state changed: recolour the points, move ellipses and densities."""
        if self.deferred("current"):
            return
        s = self.workspace
        state = s.state
        if state is None or not self.features or state.means.shape[1] != s.n_features:
            return
        rgba = colors.drawn_point_colors(s, self.color_mode)
        self._codes = np.ascontiguousarray(rgba).view(np.uint32).ravel()
        ids = tuple(int(i) for i in state.component_ids)
        for panel in self.pairs.values():
            panel.paint_points(self._codes)
            panel.set_ellipses(state, ids, self.sigma_visible)
        for panel in self.diagonal.values():
            panel.set_densities(state, ids)
        self.redraws += 1

    def _on_panel_resized(self, view) -> None:
        # a panel's points are an image of its size in pixels: redraw it at the new size
        for panel in self.pairs.values():
            if panel.view is view and len(self._codes):
                panel.paint_points(self._codes)
        for panel in self.diagonal.values():
            if panel.plot.getViewBox() is view:
                panel.fit_label()

    # ------------------------------------------------------------ linking
    def panel_at(self, scene_pos):
        """The panel under ``scene_pos`` (scene coordinates), or None."""
        for panel in (*self.pairs.values(), *self.diagonal.values()):
            if panel.plot.getViewBox().sceneBoundingRect().contains(scene_pos):
                return panel
        return None

    def hover_row(self, point: int | None) -> None:
        """Ring drawn point ``point`` (an index into ``workspace.display_indices``)
        in every panel, or clear the rings with None."""
        self.hovered = point
        for panel in self.pairs.values():
            panel.mark(point)
        row = None if point is None else int(self.workspace.display_indices[point])
        for panel in self.diagonal.values():
            panel.mark(None if row is None else float(self.workspace.X[row, panel.col]))

    def hover_text(self, point: int) -> str:
        """Responsibilities of drawn point ``point``, as the axes view writes them."""
        s = self.workspace
        row = int(s.display_indices[point])
        resp = s.point_responsibilities(row)
        order = np.argsort(resp)[::-1]
        ids = s.state.component_ids
        parts = [f"{ids[k]}: {resp[k]:.3f}" for k in order[:4]
                 if resp[k] >= 5e-4 or k == order[0]]
        return f"point {row}  responsibilities  " + ",  ".join(parts)

    def choose_pair(self, row: int, col: int) -> None:
        """Make panel (``row``, ``col``)'s features the workspace's axes (x: col, y: row)."""
        x, y = self.features[col], self.features[row]
        self.workspace.set_axes(x, y)
        self.pairChosen.emit(x, y)

    def _on_mouse_moved(self, scene_pos) -> None:
        panel = self.panel_at(scene_pos)
        point = None
        if isinstance(panel, PairPanel) and self.workspace.state is not None:
            p = panel.view.mapSceneToView(scene_pos)
            i, dist = panel.nearest(p.x(), p.y())
            point = i if dist <= HOVER_PIXELS else None
        if point != self.hovered:
            self.hover_row(point)
            text = "" if point is None else self.hover_text(point)
            # the note line reads the hovered point's responsibilities, as the axes view's label
            self._set_note(text.replace("  responsibilities  ", ": ") or self._note)
            self.hoverText.emit(text)

    def _on_mouse_clicked(self, event) -> None:
        panel = self.panel_at(event.scenePos())
        if isinstance(panel, PairPanel):
            self.choose_pair(self.features.index(panel.row), self.features.index(panel.col))

    def pair_panel(self, x_feature: int, y_feature: int) -> PairPanel:
        """The panel showing data column ``x_feature`` across and ``y_feature`` up."""
        return self.pairs[self.features.index(y_feature), self.features.index(x_feature)]
