"""Curves over iterations: the log-likelihood (and objective), the condition numbers.

Both plots mark the shown iteration with a vertical line; they redraw their
curves when the history changes and only move that line when the user
scrubs.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gmm_explorer.app import colors
from gmm_explorer.app.views.incremental import GrowingArray, HistoryCursor
from gmm_explorer.app.views.plotting import (cache_axes, fitting_left_label, light_grid,
                                             plain_axes)
from gmm_explorer.app.views.polylines import Polylines

LL_PEN = pg.mkPen((31, 119, 180), width=2)
OBJECTIVE_PEN = pg.mkPen((255, 127, 14), width=1, style=Qt.DashLine)
LL_DOT = 4  # pixels
CONDITION_WIDTH = 2
CONDITION_DOT = 6


Y_HEADROOM = 0.5  # room above a climbing log-likelihood, as a share of its span


def nice_ceiling(value: float, minimum: float = 10) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... (times powers of ten) >= ``value``."""
    value = max(float(value), float(minimum))
    decade = 10.0 ** np.floor(np.log10(value))
    for m in (1, 2, 5, 10):
        if m * decade >= value * (1 - 1e-12):
            return float(m * decade)
    return float(10 * decade)


def _finite_or_nan(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), v, np.nan)


def _extrema(values, lo: float, hi: float) -> tuple:
    """(lo, hi) widened by the finite ``values``."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v):
        lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
    return lo, hi


def thin_out(curve) -> None:
    """Draw a long curve as the min and max of each pixel column ("peak" downsampling).

    Painting every one of 10,000 iterations (and a symbol on each) made each
    redraw of a run cost the whole history; the peaks keep the curve's look,
    and a curve no wider than the plot is drawn point by point as before.
    """
    curve.opts["autoDownsampleFactor"] = 1.0  # pyqtgraph's default draws ~5 per pixel
    curve.setDownsampling(auto=True, method="peak")


class _HistoryPlot(pg.PlotWidget):
    """A plot over iterations with a marker at the shown iteration."""

    #: The value axis's titles, longest first (a class default: the base class's
    #: __init__ already sends a resize, before the subclass sets its own)
    left_titles: tuple = ()

    def __init__(self, workspace, parent=None):
        super().__init__(parent, background="w")
        self.workspace = workspace
        self._x_top = None  # the iteration axis's end, moved seldom
        self._y_range = None  # the value axis's range, moved seldom
        plot = self.getPlotItem()
        self.grid = light_grid(self, alpha=0.2)
        plot.setMenuEnabled(False)
        # room above the plot for half a tick label: the top tick's text is centred
        # on it and was cut by the dock's edge when the range ends on a tick
        plot.layout.setContentsMargins(1, 8, 1, 1)
        cache_axes(self)
        plain_axes(self)  # "0.002" on the axis, never "x0 (x0.001)"
        self.setLabel("bottom", "iteration")
        self.marker = pg.InfiniteLine(pos=0, angle=90,
                                      pen=pg.mkPen((60, 60, 60), width=1.5, style=Qt.DashLine))
        self.marker.setZValue(20)
        self.addItem(self.marker, ignoreBounds=True)
        workspace.historyChanged.connect(self.on_history_changed)
        workspace.currentChanged.connect(self.on_current_changed)
        self.setMinimumHeight(140)

    def on_history_changed(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _update_x_range(self) -> None:
        """Widen the iteration axis to the next of 10, 20, 50, 100, 200, 500, ...

        A fixed axis is not repainted and a Step then repaints only a strip
        of the plot; the axis also jumps seldom, which is calmer to watch.
        """
        hist = self.workspace.history
        last = hist[-1].iteration if hist else 0
        top = nice_ceiling(last + 1, minimum=10)
        if self._x_top != top:
            self._x_top = top
            self.setXRange(0, top, padding=0.02)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        # a short dock gets a short title, not a cut one (no plot item: being closed)
        if self.left_titles and getattr(self, "plotItem", None) is not None:
            fitting_left_label(self, self.left_titles)

    def on_current_changed(self, index: int) -> None:
        """Move the marker to the shown iteration."""
        state = self.workspace.state
        if state is not None:
            self.marker.setValue(state.iteration)


class LikelihoodView(_HistoryPlot):
    """Total log-likelihood per iteration, and the objective when a prior is on."""

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self.left_titles = ("log-likelihood (nats)", "log-lik. (nats)", "nats")
        self.setLabel("left", self.left_titles[0])
        self.setToolTip("Total log-likelihood of the data at each iteration (blue) and, "
                        "with the prior on, the objective EM maximises (orange).\n"
                        "The dashed line marks the shown iteration; gaps are iterations "
                        "where a singular component makes the likelihood infinite.")
        # bottom right, which a climbing log-likelihood leaves empty (top right had the
        # arrows of infinite values and the curve's end under it); opaque enough to read
        self.legend = self.addLegend(offset=(-10, -10), labelTextSize="8pt",
                                     brush=pg.mkBrush(255, 255, 255, 210))
        # both curves in one item (polylines.py): line 0 the log-likelihood, 1 the objective
        self.curves = Polylines([LL_PEN, OBJECTIVE_PEN], growing=True)
        self.curves.set_dots(0, LL_DOT)
        self.addItem(self.curves)
        # the legend's samples only; they are not drawn in the plot
        self.legend.addItem(pg.PlotDataItem(pen=LL_PEN, symbol="o", symbolSize=LL_DOT,
                                            symbolPen=None, symbolBrush=LL_PEN.color()),
                            "log-likelihood")
        self._objective_sample = pg.PlotDataItem(pen=OBJECTIVE_PEN)
        self._legend_has_objective = False
        self._extra_legend: dict = {}  # sample item -> whether shown (marks add their own)
        # the curves, kept incrementally: each state is read once (see incremental.py)
        self.cursor = HistoryCursor()
        self._it, self._ll, self._obj = GrowingArray(), GrowingArray(), GrowingArray()
        self._ll_extent = self._obj_extent = (np.inf, -np.inf)
        self.on_history_changed()

    def on_history_changed(self) -> None:
        """Redraw both curves: append the new states, or start over after a cut."""
        restart, new = self.cursor.advance(self.workspace.history)
        if restart:
            for buf in (self._it, self._ll, self._obj):
                buf.clear()
            self._ll_extent = self._obj_extent = (np.inf, -np.inf)
        if new:
            ll = _finite_or_nan([s.log_likelihood for s in new])
            obj = _finite_or_nan([s.objective for s in new])
            self._it.extend([s.iteration for s in new])
            self._ll.extend(ll)
            self._obj.extend(obj)
            self._ll_extent = _extrema(ll, *self._ll_extent)
            self._obj_extent = _extrema(obj, *self._obj_extent)
        it, ll, obj = self._it.data, self._ll.data, self._obj.data
        with_prior = self.workspace.model.prior is not None
        self.curves.set_lines({0: (it, ll), 1: (it, obj) if with_prior else ([], [])},
                              grown=not restart)
        self.curves.set_line_visible(1, with_prior)
        self._update_x_range()
        lo, hi = self._ll_extent
        if with_prior:
            lo, hi = min(lo, self._obj_extent[0]), max(hi, self._obj_extent[1])
        self._update_y_range(lo, hi)
        if with_prior != self._legend_has_objective:
            if with_prior:
                self.legend.addItem(self._objective_sample, "objective (with prior)")
            else:
                self.legend.removeItem(self._objective_sample)
            self._legend_has_objective = with_prior
        self._show_legend()
        self.on_current_changed(self.workspace.current)

    def _show_legend(self) -> None:
        # one curve needs no legend; the objective or a mark's entry does
        self.legend.setVisible(self._legend_has_objective
                               or any(self._extra_legend.values()))

    def show_in_legend(self, sample, text: str, shown: bool) -> None:
        """Add (or remove) a legend entry for something drawn on this plot from outside.

        ``sample`` is an item that only lends its look to the legend.
        """
        if shown == self._extra_legend.get(sample, False):
            return
        if shown:
            self.legend.addItem(sample, text)
        else:
            self.legend.removeItem(sample)
        self._extra_legend[sample] = shown
        self._show_legend()

    def legend_texts(self) -> list:
        """The legend's entries, shown or not (for tests)."""
        return [label.text for _, label in self.legend.items] if self.legend.isVisible() else []

    def make_room(self, y: float) -> None:
        """Extend the value axis up to show ``y`` (a mark drawn above the curves).

        The axis moves seldom (see :meth:`_update_y_range`), so a mark placed
        above the highest value could fall outside it: an infinite
        log-likelihood's arrow then vanished and the curve just stopped.
        """
        have = self._y_range
        if have is None or not np.isfinite(y):
            return
        span = have[1] - have[0]
        if y <= have[1] - 0.1 * span:
            return
        self._y_range = (have[0], y + 0.15 * max(y - have[0], span))
        self.setYRange(*self._y_range, padding=0)

    def ll_data(self) -> tuple:
        """(iterations, log-likelihoods) drawn; NaN where it was not finite."""
        return self.curves.line_data(0)

    def objective_data(self) -> tuple:
        """(iterations, objectives) drawn; empty without a prior."""
        return self.curves.line_data(1)

    def _update_y_range(self, lo: float, hi: float) -> None:
        """Set the y range only when the curves (finite ``lo`` to ``hi``) leave it.

        Or when they fill less than half of it. The top gets half the span
        as headroom, so that a climbing log-likelihood seldom changes the
        axis (the span grows geometrically: on the 1e5-point seed scene, 4
        changes in the first 16 iterations instead of 7): a changed axis
        repaints the whole plot, a fixed one only the new segment.
        """
        if not lo <= hi:
            return  # no finite value yet
        have = self._y_range
        if have is not None and have[0] <= lo and hi <= have[1] \
                and (hi - lo) >= 0.5 * (have[1] - have[0]):
            return
        span = max(hi - lo, 1e-4 * abs(hi), 1e-12)
        self._y_range = (lo - 0.05 * span, hi + Y_HEADROOM * span)
        self.setYRange(*self._y_range, padding=0)


class ConditionView(_HistoryPlot):
    """Condition number of each covariance per iteration, on a log axis."""

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self.setLogMode(y=True)
        self.getAxis("left").enableAutoSIPrefix(False)
        self.left_titles = ("condition number", "condition")
        self.setLabel("left", self.left_titles[0])
        self.setToolTip("2-norm condition number of each component's covariance "
                        "(largest / smallest eigenvalue), log scale, one line per component "
                        "in its colour.\nThe red line is max_condition: above it a covariance "
                        "counts as singular. A line that leaves the plot became singular.")
        self.limit = pg.InfiniteLine(angle=0, pen=pg.mkPen((200, 30, 30), width=1.5,
                                                           style=Qt.DashLine),
                                     label="max_condition",
                                     # at the left: a collapse's cross and the shown
                                     # iteration's line are mostly at the right
                                     labelOpts={"position": 0.03, "color": (200, 30, 30),
                                                "anchors": [(0, 0), (0, 0)]})
        self.addItem(self.limit)
        # one line per component in one item (polylines.py), in log10 units:
        # the plot's log mode only labels the axis
        self.lines = Polylines(growing=True)
        self.addItem(self.lines)
        # condition numbers per iteration (rows) and component (columns), kept
        # incrementally, and the smallest finite one, for the axis
        self.cursor = HistoryCursor()
        self._it, self._table = GrowingArray(), GrowingArray(width=0)
        self._min_condition = np.inf
        workspace.settingsChanged.connect(self._update_limit)
        self._update_limit()
        self.on_history_changed()

    def _update_limit(self) -> None:
        self.limit.setValue(np.log10(self.workspace.model.max_condition))
        self._update_range()

    def _update_range(self) -> None:
        """Show from the smallest condition number up to just above max_condition.

        Half a decade of room below the lowest line, so that well-conditioned
        components (condition numbers near 1) are not drawn on the axis.
        """
        top = np.log10(self.workspace.model.max_condition) + 0.6
        low = 0.0
        if len(self.lines) and np.isfinite(self._min_condition):
            low = min(low, float(np.log10(self._min_condition)))
        low = np.floor(low * 2.0) / 2.0  # half decades: the axis seldom moves
        if self._y_range != (low, top):
            self._y_range = (low, top)
            self.setYRange(low - 0.5, top, padding=0)

    def on_history_changed(self) -> None:
        """Redraw one line per component: append the new states, or start over."""
        restart, new = self.cursor.advance(self.workspace.history)
        if restart:
            self._it.clear()
            self._table.clear(width=max((int(s.component_ids.max()) + 1 for s in new),
                                        default=0))
            self._min_condition = np.inf
        if new:
            # one column per component identity: a removed component's line ends
            self._table.widen(max(int(s.component_ids.max()) + 1 for s in new))
            rows = np.full((len(new), self._table.width), np.nan)
            for i, s in enumerate(new):
                rows[i, s.component_ids] = s.condition_numbers
            rows = _finite_or_nan(rows)
            rows[rows <= 0] = np.nan
            self._it.extend([s.iteration for s in new])
            self._table.extend(rows)
            if np.any(np.isfinite(rows)):
                self._min_condition = min(self._min_condition, float(np.nanmin(rows)))
        k_count = self._table.width
        if len(self.lines) != k_count:
            self.lines.set_pens([pg.mkPen(colors.component_color(k), width=CONDITION_WIDTH)
                                 for k in range(k_count)])
        it, table = self._it.data, self._table.data
        dots = CONDITION_DOT if len(it) == 1 else 0  # a lone iteration: dots (a line needs two)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(table)
        for k in range(k_count):
            self.lines.set_dots(k, dots)
        self.lines.set_lines({k: (it, logs[:, k]) for k in range(k_count)}, grown=not restart)
        self._update_range()
        self._update_x_range()
        self.on_current_changed(self.workspace.current)

    def line_data(self, k: int) -> tuple:
        """(iterations, log10 condition numbers) drawn for component ``k``."""
        return self.lines.line_data(k)
