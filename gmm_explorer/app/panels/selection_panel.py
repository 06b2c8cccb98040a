"""The Model selection dock: the grid's settings, Run/Cancel, the table and the plot.

Each control calls the :class:`~gmm_explorer.app.model.selection.ModelSelection`;
the table and the plot (``views/selection_view.py``) listen to it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app import colors
from gmm_explorer.app.model.grid_cells import CRITERIA, CRITERION_NAMES
from gmm_explorer.app.panels.widgets import with_tip
from gmm_explorer.app.views.selection_view import SelectionPlot, SelectionTable

#: One line on each criterion, for the chooser's tooltips.
MEANINGS = {
    "bic": "Bayesian information criterion: -2 log L + p ln N. Penalises parameters by the "
           "log of the sample size; mclust's default.",
    "icl": "Integrated completed likelihood: BIC plus the cost of classifying each point; "
           "prefers well-separated clusters.",
    "aic": "Akaike information criterion: -2 log L + 2 p. A lighter penalty: it often picks "
           "more components.",
}
MAX_K = 50


class SelectionPanel(QWidget):
    """Settings and results of the model-selection grid."""

    def __init__(self, selection, error=None, parent=None):
        super().__init__(parent)
        self.selection = selection
        self._error = error or (lambda message: None)
        lo, hi = selection.k_range
        self.k_min = self._spin(1, MAX_K, lo, "Smallest number of components K in the grid")
        self.k_max = self._spin(1, MAX_K, hi, "Largest number of components K in the grid")
        self.starts = self._spin(1, 100, selection.n_starts,
                                 "Seeded starts per model; each cell keeps its best start "
                                 "(the command line's select uses 10)")
        self.criterion = QComboBox()
        for key in CRITERIA:
            self.criterion.addItem(CRITERION_NAMES[key], key)
            self.criterion.setItemData(self.criterion.count() - 1, MEANINGS[key],
                                       Qt.ToolTipRole)
        self.criterion.setToolTip("The criterion that ranks the models (lower is better, "
                                  "scikit-learn's sign):\n" + "\n".join(
                                      f"{CRITERION_NAMES[k]}: {MEANINGS[k]}" for k in CRITERIA))
        self.criterion.currentIndexChanged.connect(
            lambda i: selection.set_criterion(self.criterion.itemData(i)))
        self.run_button = with_tip(QPushButton("Run grid"),
                                   "Fit every K and covariance type in the background "
                                   "(other settings: the Model and Run docks'); again to "
                                   "cancel")
        self.run_button.clicked.connect(self.toggle_run)
        self.progress = with_tip(QProgressBar(), "Starts finished, of all the grid's starts")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setMinimumHeight(2 * self.fontMetrics().height())  # steady while it changes
        self.note.setToolTip("What the grid shows, or why it needs to run again")
        self.table = SelectionTable(selection)
        self.table.cellChosen.connect(self.choose)
        self.plot = SelectionPlot(selection)

        top = QHBoxLayout()
        top.setSpacing(4)
        for label, widget in (("K", self.k_min), ("to", self.k_max), ("starts", self.starts),
                              ("rank by", self.criterion)):
            top.addWidget(with_tip(QLabel(label), widget.toolTip().split("\n")[0]))
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.run_button)
        run = QHBoxLayout()
        run.addWidget(self.note, 1)
        run.addWidget(self.progress)
        self.progress.setMaximumWidth(120)
        split = self.split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.plot)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 0)  # the table keeps the height of its rows
        split.setStretchFactor(1, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.setSpacing(4)
        box.addLayout(top)
        box.addLayout(run)
        box.addWidget(split, 1)

        selection.runningChanged.connect(self._on_running)
        selection.progressed.connect(lambda f: self.progress.setValue(round(1000 * f)))
        selection.cellsReset.connect(self._update_note)
        selection.cellsReset.connect(self._fit_table)
        self._fitted_once = False
        selection.cellReady.connect(lambda _cell: self._update_note())
        selection.criterionChanged.connect(self._on_criterion)
        selection.staleChanged.connect(lambda _s: self._update_note())
        self._on_running(selection.running)

    @staticmethod
    def _spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    # ------------------------------------------------------------ actions
    def toggle_run(self) -> None:
        """Run the grid with the panel's settings, or cancel it while it runs."""
        s = self.selection
        if s.running:
            s.cancel()
            return
        try:
            s.set_k_range(self.k_min.value(), self.k_max.value())
            s.set_starts(self.starts.value())
            s.run()
        except ValueError as exc:
            self._error(str(exc))

    def set_k_range(self, k_min: int, k_max: int) -> None:
        """Show a K range in the spin boxes (the command line's ``--select``)."""
        self.k_min.setValue(k_min)
        self.k_max.setValue(k_max)

    def choose(self, n_components: int, covariance_type: str) -> None:
        """Make a cell's fit the current run (a double-click)."""
        try:
            self.selection.apply(n_components, covariance_type)
        except ValueError as exc:
            self._error(str(exc))

    # ---------------------------------------------------------- following
    def _on_running(self, running: bool) -> None:
        self.run_button.setText("Cancel" if running else "Run grid")
        self.progress.setVisible(running)
        if not running:
            self.progress.setValue(0)
        for box in (self.k_min, self.k_max, self.starts):
            box.setEnabled(not running)
        self._update_note()

    def showEvent(self, event):  # noqa: N802 - Qt naming
        """The first time it shows: the table as tall as its rows (the splitter's own
        first sizes gave it three rows of six, with room to spare below)."""
        super().showEvent(event)
        if not self._fitted_once:
            self._fitted_once = True
            QTimer.singleShot(0, self._fit_table)

    def _fit_table(self) -> None:
        # another K range: the table as tall as its rows, the plot takes the rest
        total = sum(self.split.sizes())
        if total > 0:
            rows = min(self.table.sizeHint().height(), total - self.plot.minimumHeight())
            self.split.setSizes([rows, total - rows])

    def _on_criterion(self, criterion: str) -> None:
        index = self.criterion.findData(criterion)
        if index != self.criterion.currentIndex():
            self.criterion.setCurrentIndex(index)
        self._update_note()

    def _update_note(self) -> None:
        s = self.selection
        dark = self.palette().window().color().value() < 128
        if s.stale:
            # a grid stopped by the change may have no cells at all
            old = " (the grid below is the old one)" if s.cells else " (the grid had not finished)"
            text = f"<b>{s.stale_reason.capitalize()}</b>{old}."
            color = colors.text_color("bad", dark)
        elif not s.cells and not s.running:
            text = "Press Run grid to fit every K and covariance type."
            color = colors.text_color("muted", dark)
        else:
            name = CRITERION_NAMES[s.criterion]
            best = s.best()
            lead = (f"★ best by {name}: K = {best.n_components}, {best.covariance_type}. "
                    if best is not None else "")
            # the cells' own count: the engine may add a deterministic start to the seeded ones
            starts = max((c.n_starts for c in s.cells.values()), default=s.n_starts)
            text = (f"{lead}Lower is better. Double-click a cell to show its fit "
                    f"(best of {starts} starts, seed {s.seed}).")
            color = colors.text_color("muted", dark)
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {color};")
