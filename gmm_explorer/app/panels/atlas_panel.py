"""The Atlas of starts panel: how many starts, Run/Cancel, the strip and the optimum groups.

It reads an :class:`~gmm_explorer.app.model.atlas.Atlas` and calls its
methods (run, cancel, open a start); the atlas runs the starts through the
workspace's runner.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app.model.atlas import DEFAULT_STARTS
from gmm_explorer.app.views.atlas_view import StripView, group_color, thumbnail

THUMB = 56

TABLE_TIP = ("The optima the starts reached, best first: how many starts ended there, the "
             "log-likelihood, and the mixture's 2σ ellipses over the data (border: the "
             "group's colour in the strip).\nA rare best optimum means that one start is not "
             "enough for these data. Click a row to replay its best start from iteration 0.")


class AtlasPanel(QWidget):
    """Controls, strip and table of one :class:`Atlas`.

    Parameters
    ----------
    atlas : Atlas
    """

    def __init__(self, atlas, parent=None):
        super().__init__(parent)
        self.atlas = atlas
        self.workspace = atlas.workspace
        self.starts_box = QSpinBox()
        self.starts_box.setRange(1, 10000)
        self.starts_box.setValue(DEFAULT_STARTS)
        self.starts_box.setToolTip("How many starts to run: each a different seed of the "
                                   "current start method, K and covariance type")
        self.run_button = QPushButton("Run starts")
        self.run_button.setToolTip("Run the starts in the background; the strip fills as "
                                   "they finish. Again to cancel (the finished ones stay).")
        self.run_button.clicked.connect(self.toggle_run)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.summary = QLabel("Run the starts to see where EM ends up.")
        self.summary.setWordWrap(True)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b00000;")
        self.note.hide()
        self.strip = StripView(atlas)
        self.strip.startClicked.connect(self.open_start)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["optimum", "starts", "log-likelihood"])
        self.table.setToolTip(TABLE_TIP)
        self.table.setIconSize(QSize(THUMB, THUMB))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 6)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.cellClicked.connect(lambda row, _col: self.open_group(row))

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Starts"))
        controls.addWidget(self.starts_box)
        controls.addWidget(self.run_button)
        controls.addWidget(self.progress, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(controls)
        box.addWidget(self.summary)
        box.addWidget(self.note)
        box.addWidget(self.strip, 1)
        box.addWidget(self.table, 1)

        atlas.changed.connect(self._on_changed)
        atlas.runningChanged.connect(self._on_running)
        atlas.progressChanged.connect(self._on_progress)
        atlas.staleChanged.connect(self._on_stale)
        self.workspace.dataChanged.connect(self._on_changed)  # other axes: new thumbnails
        self._on_running(atlas.running)
        self._on_changed()

    # ----------------------------------------------------------- actions
    def run(self, n_starts: int | None = None) -> None:
        """Run ``n_starts`` starts (default: the spin box's), reporting a refusal."""
        if n_starts is not None:
            self.starts_box.setValue(int(n_starts))
        try:
            self.atlas.run(self.starts_box.value())
        except ValueError as exc:
            self.workspace.message.emit(str(exc))

    def toggle_run(self) -> None:
        """The Run/Cancel button."""
        if self.atlas.running:
            self.atlas.cancel()
        else:
            self.run()

    def open_start(self, position: int) -> None:
        """Replay the start at ``position`` in the main window."""
        try:
            self.atlas.open_start(position)
        except ValueError as exc:
            self.workspace.message.emit(str(exc))

    def open_group(self, row: int) -> None:
        """Replay the best start of the group in ``row``."""
        if 0 <= row < len(self.atlas.groups):
            self.open_start(self.atlas.groups[row].representative)

    # --------------------------------------------------------- following
    def _on_running(self, running: bool) -> None:
        self.run_button.setText("Cancel" if running else "Run starts")
        self.starts_box.setEnabled(not running)
        if not running and self.atlas.results:
            done = len(self.atlas.results)
            self.progress.setFormat(f"{done} of {self.atlas.n_recipes} done")

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(round(1000 * fraction)))
        self.progress.setFormat(f"{len(self.atlas.results)} of {self.atlas.n_recipes}")

    def _on_stale(self, stale: bool) -> None:
        self.note.setText("The data or the model changed since these starts ran: this atlas "
                          "answers the old question. Run the starts again to update it.")
        self.note.setVisible(stale)
        self.strip.setEnabled(not stale)
        self.table.setEnabled(not stale)
        self._on_changed()

    def _on_changed(self) -> None:
        atlas = self.atlas
        n = len(atlas.results)
        if atlas.model is not None:
            m = atlas.model
            sound = sum(not s.collapsed for s in atlas.starts)
            # every model's starts begin with the hierarchical one (model_recipes)
            seeded = max(atlas.n_recipes - 1, 0)
            kinds = (f"{atlas.n_recipes} hierarchical starts (deterministic: all alike)"
                     if m.init == "hierarchical" else
                     f"the hierarchical start and {seeded} {m.init} starts")
            text = (f"K = {m.n_components}, {m.covariance_type}, {kinds}: {n} of "
                    f"{atlas.n_recipes} done, {atlas.n_optima} optima, {n - sound} collapsed.")
            if atlas.groups and not atlas.groups[0].collapsed:
                text += f" The best was found by {atlas.groups[0].count} of {n}."
            self.summary.setText(text)
        ws = self.workspace
        # the data the atlas ran on; the shown axes while they are still the data shown
        points = atlas.points
        axes = atlas.axes if atlas.stale else ws.axes
        self.table.setRowCount(len(atlas.groups))
        for row, group in enumerate(atlas.groups):
            color = group_color(group, row)
            name = "collapsed" if group.collapsed else f"#{row + 1}"
            first = QTableWidgetItem(name)
            if points is not None:
                first.setIcon(thumbnail(group.state, points, axes, THUMB, color))
            first.setForeground(QColor(*color))
            count = QTableWidgetItem(f"{group.count} of {n} starts")
            ll = ("—" if group.best_log_likelihood != group.best_log_likelihood
                  else f"{group.best_log_likelihood:,.3f}")
            level = QTableWidgetItem(ll + (" (singular)" if group.collapsed else ""))
            for col, item in enumerate((first, count, level)):
                item.setToolTip(TABLE_TIP)
                self.table.setItem(row, col, item)
