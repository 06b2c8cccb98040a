"""Compare mode, the view: two plots with linked axes, one timeline, outcomes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app import colors, geometry
from gmm_explorer.app.model.remedies import REMEDIES
from gmm_explorer.app.views.one_d_density import component_densities, curve_grid, histogram

INCOMPARABLE_GREY = (150, 150, 150)
ROWS = ("iterations", "final log-likelihood", "smallest eigenvalue", "degenerate", "singular",
        "K", "BIC")


def _fmt(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "none"
    if isinstance(value, (int, np.integer)):
        return str(value)
    if np.isposinf(value):
        return "+∞"
    if np.isneginf(value):
        return "−∞"
    return f"{value:.6g}"


class _SidePlot(pg.PlotWidget):
    """The data in grey and one side's ellipses (flagged ones in red); densities for D = 1."""

    def __init__(self, title: str):
        super().__init__(background="w")
        self.setTitle(title)
        self.getPlotItem().setMenuEnabled(False)
        self.points = pg.ScatterPlotItem(pxMode=True, size=4, pen=None,
                                         brush=pg.mkBrush(150, 150, 150, 160))
        self.addItem(self.points)
        self.curves: list = []
        self.one_d, self.top = False, 1.0
        self._span = (0.0, 1.0)  # the data's x range, padded (one-column data)

    def set_points(self, points: np.ndarray, one_d: bool) -> None:
        """The drawn points, (M, 2) on the shown axes; on one column, a strip at y = 0."""
        self.one_d = one_d
        if one_d:
            x = points[:, 0]
            pad = 0.1 * (x.max() - x.min()) or 1.0
            self._span = (float(x.min() - pad), float(x.max() + pad))
            points = np.column_stack([x, np.zeros(len(x))])
            # the curves do not count in the automatic range: fit the data's histogram
            self.top = float(histogram(x)[1].max()) or 1.0
        self.points.setData(pos=points)

    def show_state(self, state, axes) -> None:
        if state.means.shape[1] == 1:  # one column: weighted densities, as the 1-D view
            means, variances = state.means[:, 0], state.covariances[:, 0, 0]
            xs = curve_grid(*self._span, means, np.sqrt(np.clip(variances, 0.0, None)))
            dens = component_densities(state.weights, means, variances, xs)
            curves = np.stack([np.broadcast_to(xs, dens.shape), dens], axis=-1)
        else:
            m2, c2 = geometry.marginal(state.means, state.covariances, axes)
            curves = geometry.ellipse_curves(m2, c2, 2.0)
        while len(self.curves) < len(curves):
            c = pg.PlotCurveItem(antialias=True)
            self.addItem(c, ignoreBounds=True)
            self.curves.append(c)
        for k, c in enumerate(self.curves):
            if k >= len(curves):
                c.setVisible(False)
                continue
            status = state.component_status[k]
            color = (colors.COLLAPSE_RED if status != "ok"
                     else colors.component_color(state.component_ids[k]))
            style = Qt.DashLine if status == "degenerate" else Qt.SolidLine
            pen = pg.mkPen(color, width=2.5 if status != "ok" else 1.5, style=style)
            pen.setCosmetic(True)
            c.setPen(pen)
            c.setData(curves[k, :, 0], curves[k, :, 1])
            c.setVisible(True)


class CompareWindow(QWidget):
    """Same start, two settings, side by side.

    Parameters
    ----------
    workspace : Workspace
        Its lab runs the comparisons; this window shows them.
    """

    def __init__(self, workspace, parent=None):
        super().__init__(parent, Qt.Window)
        self.workspace = workspace
        self.lab = workspace.lab
        self.setWindowTitle("Compare: the same start under two settings")
        self.comparison = None
        top = self._choices_row()
        self.plots = [_SidePlot("left"), _SidePlot("right")]
        self.plots[1].setXLink(self.plots[0])
        self.plots[1].setYLink(self.plots[0])
        plots = QHBoxLayout()
        for p in self.plots:
            plots.addWidget(p)
        self.timeline = QSlider(Qt.Horizontal)
        self.timeline.setToolTip("Both sides at the same iteration (a side that stopped "
                                 "earlier shows its last state)")
        self.timeline.valueChanged.connect(self.go_to)
        self.timeline_label = QLabel()
        line = QHBoxLayout()
        line.addWidget(QLabel("Iteration"))
        line.addWidget(self.timeline, 1)
        line.addWidget(self.timeline_label)
        self._make_outcome_table()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: rgb{colors.COLLAPSE_RED};")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addLayout(plots, 1)
        layout.addLayout(line)
        layout.addWidget(self.table)
        layout.addWidget(self.caption)
        self.resize(1100, 700)
        self.lab.compared.connect(self._show)
        self.lab.compareFailed.connect(self._show_error)
        workspace.runner.jobProgress.connect(self._show_progress)

    def _choices_row(self) -> QVBoxLayout:
        """The two remedies, the iterations and Run both; under them, the Continue buttons."""
        self.choices = []
        top = QHBoxLayout()
        for side, default in (("left", "none"), ("right", "ridge")):
            box = QComboBox()
            for name, (label, _) in REMEDIES.items():
                box.addItem(label, name)
            box.setCurrentIndex(list(REMEDIES).index(default))
            box.setToolTip(f"The remedy of the {side} side (both start from the same start)")
            top.addWidget(QLabel(side))
            top.addWidget(box)
            self.choices.append(box)
        self.max_iter = QSpinBox()
        self.max_iter.setRange(1, 500)
        self.max_iter.setValue(40)
        self.max_iter.setToolTip("Most EM iterations on each side")
        top.addWidget(QLabel("iterations"))
        top.addWidget(self.max_iter)
        self.run_button = QPushButton("Run both")
        self.run_button.setToolTip("Run both sides from the shown fit's start")
        self.run_button.clicked.connect(lambda: self.run())
        top.addWidget(self.run_button)
        top.addStretch(1)
        # the Continue buttons on a row of their own: one row was wider than a 1024 px screen
        rows = QVBoxLayout()
        rows.addLayout(top)
        top = QHBoxLayout()
        rows.addLayout(top)
        top.addStretch(1)
        self.continue_buttons = []
        for side in (0, 1):
            button = QPushButton(f"Continue {('left', 'right')[side]} in the window")
            button.setToolTip("Make this side the main window's fit, to step, scrub and "
                              "save it there (the comparison stays as it is)")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, k=side: self.continue_side(k))
            top.addWidget(button)
            self.continue_buttons.append(button)
        return rows

    def continue_side(self, side: int) -> None:
        """Continue side ``side`` of the shown comparison in the main window."""
        if self.comparison is None:
            return
        chosen = self.comparison.sides[side]
        try:
            self.workspace.open_fit(chosen.fit, REMEDIES[chosen.label][0])
        except ValueError as exc:
            self._show_error(str(exc))

    def _make_outcome_table(self) -> None:
        self.table = QTableWidget(len(ROWS), 2)
        self.table.setVerticalHeaderLabels(ROWS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setToolTip("Each side's outcome at its last iteration. BIC: lower is "
                              "better. Greyed numbers (an infinite or pseudo log-likelihood "
                              "and its BIC) are not comparable; hover one for why.")
        self.table.setMaximumHeight(200)
        # why some numbers are greyed, under the table (a tooltip alone is easy to miss)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: rgb{INCOMPARABLE_GREY};")
        self.caption.hide()

    def run(self, left: str | None = None, right: str | None = None,
            wait: bool = False) -> None:
        """Run both sides (remedy names, or the combo boxes' choices) in the background.

        With ``wait`` the call returns when the comparison is shown (scripts, tests).
        """
        left = left or self.choices[0].currentData()
        right = right or self.choices[1].currentData()
        for box, name in zip(self.choices, (left, right)):
            box.setCurrentIndex(list(REMEDIES).index(name))
        if self.lab.compare(left, right, self.max_iter.value()):
            self.run_button.setEnabled(False)
            self.run_button.setText("Running…")
            if wait:
                self.workspace.runner.wait_job()

    def _show_progress(self, fraction: float) -> None:
        if not self.run_button.isEnabled():
            self.run_button.setText(f"Running… {fraction:.0%}")

    def _ready(self) -> None:
        self.run_button.setEnabled(True)
        self.run_button.setText("Run both")

    def _show_error(self, message: str) -> None:
        """The last comparison stays on show, with why the new one did not run."""
        self._ready()
        self.error.setText(message)
        self.error.show()

    def _show(self, comparison) -> None:
        self._ready()
        for button in self.continue_buttons:
            button.setEnabled(True)
        self.comparison = comparison
        self.error.hide()
        for p, side in zip(self.plots, comparison.sides):
            p.set_points(comparison.points, one_d=comparison.points.shape[1] == 2
                         and comparison.axes[0] == comparison.axes[1])
            p.setTitle(REMEDIES[side.label][0])
        self.table.setHorizontalHeaderLabels([REMEDIES[sd.label][0] for sd in comparison.sides])
        notes = []
        for j, side in enumerate(comparison.sides):
            greyed = side.incomparable()
            for i, (row, value) in enumerate(side.outcome().items()):
                item = QTableWidgetItem(_fmt(value))
                if row in greyed:
                    item.setForeground(QBrush(QColor(*INCOMPARABLE_GREY)))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                    item.setToolTip(f"Not comparable. {greyed[row]}")
                self.table.setItem(i, j, item)
            if greyed:
                notes.append(f"{REMEDIES[side.label][0]}: {greyed['final log-likelihood']}")
        self.caption.setText("Greyed numbers are not comparable with the other side's. "
                             + " ".join(notes))
        self.caption.setVisible(bool(notes))
        self.table.resizeColumnsToContents()
        # every row on show: the BIC, the last row, was below the fold
        t = self.table
        t.setFixedHeight(t.horizontalHeader().height() + t.verticalHeader().length()
                           + 2 * t.frameWidth() + 2)
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, comparison.length - 1)
        self.timeline.setValue(comparison.length - 1)
        self.timeline.blockSignals(False)
        self.go_to(comparison.length - 1)
        self.plots[0].autoRange()
        if self.plots[0].one_d:
            self.plots[0].setYRange(-0.08 * self.plots[0].top, 1.3 * self.plots[0].top)

    def go_to(self, index: int) -> None:
        """Show both sides at timeline position ``index``."""
        if self.comparison is None:
            return
        self.timeline.blockSignals(True)
        self.timeline.setValue(index)
        self.timeline.blockSignals(False)
        its = []
        for j, p in enumerate(self.plots):
            state = self.comparison.state_at(j, index)
            p.show_state(state, self.comparison.axes)
            its.append(state.iteration)
        self.timeline_label.setText(f"{its[0]} | {its[1]}")
        self.shown_iterations = tuple(its)

    def cell(self, row: str, side: int) -> str:
        """Text of the outcome table (for tests)."""
        return self.table.item(ROWS.index(row), side).text()

    def is_greyed(self, row: str, side: int) -> bool:
        """Whether a cell of the outcome table is greyed as not comparable (for tests)."""
        item = self.table.item(ROWS.index(row), side)
        return item.foreground().color().getRgb()[:3] == INCOMPARABLE_GREY
