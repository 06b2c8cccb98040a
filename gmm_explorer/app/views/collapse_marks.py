"""Marks of a collapse on the existing views, added from outside them.

- :class:`CentreMarks`: red ellipses (dashed while degenerate, solid when
  singular) over the flagged components, a red ring at their means (a
  component on one point is otherwise invisible) and red rings round the
  points they hold.
- :class:`ConditionMarks`: a red cross where a component's line first
  crosses ``max_condition``.
- :class:`LikelihoodMarks`: an infinite log-likelihood as a red arrow at the
  top of the plot, and scipy's pseudo log-likelihood (policy ``continue``)
  as a grey dashed curve of hollow diamonds, with its own legend entry: it is
  not comparable with the log-likelihood.
- :class:`TableMarks`: flagged rows of the components table in red.

Each reads the workspace only, after the view it decorates has updated.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from gmm_explorer.app import geometry
from gmm_explorer.app.colors import COLLAPSE_RED, TEXT_ON_STATUS
from gmm_explorer.app.model.picture import COLLAPSE_WIDTHS, collapse_levels, flagged_components
from gmm_explorer.app.views.curves_view import thin_out
from gmm_explorer.app.views.incremental import GrowingArray, HistoryCursor

ROW_COLORS = {"singular": (255, 150, 150), "degenerate": (255, 205, 195)}


def _pen(width, style=Qt.SolidLine, color=COLLAPSE_RED):
    pen = pg.mkPen(color, width=width, style=style)
    pen.setCosmetic(True)
    return pen


class CentreMarks:
    """Red ellipses, mean rings and held points for flagged components."""

    def __init__(self, centre, workspace):
        self.centre, self.workspace = centre, workspace
        self.curves: list = []
        self.rings = pg.ScatterPlotItem(pxMode=True, symbol="o", size=24, brush=None,
                                        pen=_pen(2.5))
        self.held = pg.ScatterPlotItem(pxMode=True, symbol="o", size=11, brush=None,
                                       pen=_pen(1.5))
        for item, z in ((self.rings, 25), (self.held, 5)):
            item.setZValue(z)
            centre.addItem(item, ignoreBounds=True)
        self.highlighted = np.zeros(0, dtype=int)  # rows of the data held (for tests)
        workspace.currentChanged.connect(self.update)  # also follows new data and axes
        self.update()

    def _curve(self, i):
        while len(self.curves) <= i:
            c = pg.PlotCurveItem(antialias=True)
            c.setZValue(15)
            self.centre.addItem(c, ignoreBounds=True)
            self.curves.append(c)
        return self.curves[i]

    def update(self, *_args) -> None:
        """Redraw the marks for the shown state."""
        s = self.workspace
        state = s.state
        ks = flagged_components(state) if state is not None and s.X is not None else []
        used = 0
        if ks:
            m2, c2 = geometry.marginal(state.means[ks], state.covariances[ks], s.axes)
            for level in collapse_levels(self.centre.sigma_visible):
                curves = geometry.ellipse_curves(m2, c2, level)
                for j, k in enumerate(ks):
                    style = Qt.SolidLine if state.component_status[k] == "singular" \
                        else Qt.DashLine
                    c = self._curve(used)
                    c.setPen(_pen(COLLAPSE_WIDTHS[level], style))
                    c.setData(curves[j, :, 0], curves[j, :, 1])
                    c.setVisible(True)
                    used += 1
            self.rings.setData(pos=m2)

            self.highlighted = s.lab.held_rows(state, ks)
            self.held.setData(pos=s.X[self.highlighted][:, list(s.axes)])
        elif self.rings.isVisible():
            # emptied and hidden once: an empty scatter still costs a paint per Step
            self.rings.setData(pos=np.zeros((0, 2)))
            self.held.setData(pos=np.zeros((0, 2)))
            self.highlighted = np.zeros(0, dtype=int)
        self.rings.setVisible(bool(ks))
        self.held.setVisible(bool(ks))
        for c in self.curves[used:]:
            if c.isVisible():
                c.setVisible(False)

    def red_components(self) -> list:
        """Components drawn in red now (for tests)."""
        s = self.workspace
        return flagged_components(s.state) if s.state is not None else []


class ConditionMarks:
    """A red cross where each component first crosses ``max_condition``."""

    def __init__(self, view, workspace):
        self.view, self.workspace = view, workspace
        self.crosses = view.plot([], [], pen=None, symbol="x", symbolSize=16,
                                 symbolPen=pg.mkPen(COLLAPSE_RED, width=2.5),
                                 symbolBrush=COLLAPSE_RED)
        self.crosses.setZValue(30)
        self.points: list = []  # (component identity, iteration)
        self.cursor = HistoryCursor()  # each state is scanned once (see incremental.py)
        self._limit = None
        workspace.historyChanged.connect(self.update)
        workspace.settingsChanged.connect(self.update)
        self.update()

    def update(self, *_args) -> None:
        """Find the first crossing of each component in the history (new states only)."""
        s = self.workspace
        limit = s.model.max_condition
        if limit != self._limit:
            self.cursor.reset()  # a new limit: scan everything again
        restart, new = self.cursor.advance(s.history)
        if restart:
            self.points = []
        seen = {k for k, _ in self.points}
        pts = list(self.points)
        for state in new:
            if seen.issuperset(state.component_ids.tolist()):
                continue  # every component of this state has crossed already
            for k, (cond, status) in enumerate(zip(state.condition_numbers,
                                                   state.component_status)):
                identity = int(state.component_ids[k])
                if identity not in seen and (status == "singular" or not cond <= limit):
                    seen.add(identity)
                    pts.append((identity, state.iteration))
        if restart or limit != self._limit or pts != self.points:
            self.points, self._limit = pts, limit
            x = [it for _, it in pts]
            self.crosses.setData(x, [limit] * len(x))


PSEUDO_GREY = (120, 120, 120)
# two lines: one was wider than the plot in a 1024x768 window
PSEUDO_LEGEND = "pseudo log-likelihood<br>(allow_singular): not comparable"


class LikelihoodMarks:
    """Infinite log-likelihood as an arrow at the top; scipy's pseudo value."""

    def __init__(self, view, workspace):
        self.view, self.workspace = view, workspace
        self.arrows = view.plot([], [], pen=None, symbol="t1", symbolSize=16,
                                symbolPen=pg.mkPen(COLLAPSE_RED), symbolBrush=COLLAPSE_RED)
        self.stems = view.plot([], [], pen=_pen(1.5, Qt.DotLine), connect="pairs")
        # hollow diamonds, unlike the log-likelihood's filled dots: a pseudo value is
        # another quantity (densities on the support only), never a point of that curve
        pseudo_look = dict(pen=_pen(1.5, Qt.DashLine, PSEUDO_GREY), symbol="d", symbolSize=7,
                           symbolPen=pg.mkPen(PSEUDO_GREY, width=1.2), symbolBrush=None)
        self.pseudo = view.plot([], [], connect="finite", **pseudo_look)
        thin_out(self.pseudo)
        self.pseudo_sample = pg.PlotDataItem(**pseudo_look)  # the legend's sample only
        self.label = pg.TextItem("+∞", color=COLLAPSE_RED, anchor=(1.3, 0.5))
        view.addItem(self.label, ignoreBounds=True)
        self.label.hide()
        self.top = None
        # iterations, log-likelihoods and pseudo values, kept incrementally
        self.cursor = HistoryCursor()
        self._it, self._ll, self._pseudo = GrowingArray(), GrowingArray(), GrowingArray()
        self._inf: list = []  # indices of infinite log-likelihoods
        self._extent = (np.inf, -np.inf)  # finite log-likelihoods and pseudo values
        self._any_pseudo = False
        workspace.historyChanged.connect(self.update)
        self.update()

    def update(self, *_args) -> None:
        """Place the arrows above the highest finite value."""
        restart, new = self.cursor.advance(self.workspace.history)
        if restart:
            for buf in (self._it, self._ll, self._pseudo):
                buf.clear()
            self._inf, self._extent, self._any_pseudo = [], (np.inf, -np.inf), False
        if new:
            base = len(self._ll)
            ll = np.array([s.log_likelihood for s in new], dtype=float)
            pseudo = np.array([np.nan if s.pseudo_log_likelihood is None
                               else s.pseudo_log_likelihood for s in new], dtype=float)
            self._it.extend([s.iteration for s in new])
            self._ll.extend(ll)
            self._pseudo.extend(pseudo)
            self._inf.extend(base + np.flatnonzero(np.isposinf(ll)))
            both = np.concatenate([ll[np.isfinite(ll)], pseudo[np.isfinite(pseudo)]])
            if len(both):
                lo, hi = self._extent
                self._extent = (min(lo, float(both.min())), max(hi, float(both.max())))
            self._any_pseudo = self._any_pseudo or bool(np.any(np.isfinite(pseudo)))
        it, ll = self._it.data, self._ll.data
        if self._any_pseudo:
            self.pseudo.setData(it, self._pseudo.data)
        elif restart:
            self.pseudo.setData([], [])
        self.view.show_in_legend(self.pseudo_sample, PSEUDO_LEGEND, self._any_pseudo)
        inf = np.asarray(self._inf, dtype=int)
        if not len(inf):
            if restart or self.top is not None:
                self.arrows.setData([], [])
                self.stems.setData([], [])
                self.label.hide()
            self.top = None
            return
        lo, hi = self._extent
        hi, lo = (hi, lo) if lo <= hi else (0.0, 0.0)
        self.top = hi + 0.15 * max(hi - lo, 1.0)
        self.arrows.setData(it[inf], np.full(len(inf), self.top))
        sx, sy = [], []
        for i in inf:
            if i > 0 and np.isfinite(ll[i - 1]):
                sx += [it[i - 1], it[i]]
                sy += [ll[i - 1], self.top]
        self.stems.setData(sx, sy)
        self.label.setPos(it[inf[0]], self.top)
        self.label.show()
        self.view.make_room(self.top)


class TableMarks:
    """Flagged rows of the components table in red (degenerate: pale red)."""

    def __init__(self, table, workspace):
        self.table, self.workspace = table, workspace
        workspace.currentChanged.connect(self.update)
        self.update()

    def update(self, *_args) -> None:
        """Colour the rows of the shown state (after the table filled them)."""
        state = self.workspace.state
        if state is None:
            return
        t = self.table
        status_col = 2
        for k in range(state.n_components):
            row = int(state.component_ids[k])  # the table has a row per identity
            color = ROW_COLORS.get(state.component_status[k])
            first, status = t.item(row, 1), t.item(row, status_col)
            if first is None or status is None:
                continue
            # each set repaints the table: only rows whose colour changed (the table
            # resets the status cell to its own colour when the status text changes)
            have = first.background()
            if color is None and have.style() == Qt.NoBrush:
                continue
            if color is not None and have.color().getRgb()[:3] == color \
                    and status.background().color().getRgb()[:3] == color:
                continue
            for j in range(1, t.columnCount()):
                if j == status_col and color is None:
                    continue  # the table's own status colour
                item = t.item(row, j)
                if item is not None:
                    item.setBackground(QBrush(QColor(*color)) if color else QBrush())
                    item.setForeground(QBrush(QColor(*TEXT_ON_STATUS)) if color else QBrush())

    def row_color(self, k: int) -> tuple:
        """RGB of row ``k``'s mean cell (for tests)."""
        return self.table.item(k, 5).background().color().getRgb()[:3]
