"""A table of the shown state's components, one row each, status coloured."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from gmm_explorer.app import colors

COLUMNS = ("k", "weight", "status", "condition", "eff. count", "mean", "eigenvalues")
_TIPS = (
    "The component's number and colour, the same in every view",
    "Mixing weight: the share of the data the component explains",
    "ok; degenerate (fewer than D+1 effective points, or a tiny volume); "
    "singular (not positive definite, or condition number above max_condition)",
    "Condition number: largest / smallest eigenvalue; huge means nearly singular",
    "Effective count: the sum of the component's responsibilities",
    "Mean vector (all columns)",
    "Eigenvalues of the covariance, ascending: its variances along its axes",
)
_RIGHT_ALIGNED = (1, 3, 4)
_STATUS_COLUMN = 2


def _fmt_vector(v, digits: int = 3) -> str:
    return "[" + ", ".join(f"{x:.{digits}g}" for x in np.asarray(v)) + "]"


class ComponentTable(QTableWidget):
    """Weight, mean, eigenvalues, condition number, effective count and status."""

    def __init__(self, session, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.session = session
        self.setHorizontalHeaderLabels(COLUMNS)
        for j, tip in enumerate(_TIPS):
            self.horizontalHeaderItem(j).setToolTip(tip)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setDefaultSectionSize(21)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(0, QHeaderView.Fixed)
        header.setStretchLastSection(True)
        self.setColumnWidth(0, 26)
        self.setToolTip("The components of the shown iteration; hover a column title for "
                        "its meaning.")
        session.currentChanged.connect(self.on_current_changed)
        self.on_current_changed(session.current)

    def on_current_changed(self, index: int) -> None:
        """Fill the table from the shown state."""
        state = self.session.state
        if state is None:
            self.setRowCount(0)
            return
        k_count = state.n_components
        resized = self.rowCount() != k_count
        if resized:
            self.setRowCount(k_count)
            for k in range(k_count):
                for j in range(len(COLUMNS)):
                    item = QTableWidgetItem()
                    if j in _RIGHT_ALIGNED:
                        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    self.setItem(k, j, item)
                swatch = self.item(k, 0)
                swatch.setBackground(QBrush(QColor(*colors.component_color(k))))
                swatch.setForeground(QBrush(QColor(255, 255, 255)))
                swatch.setTextAlignment(Qt.AlignCenter)
                swatch.setText(str(k))
        digits = 3 if state.n_features <= 2 else 2
        for k in range(k_count):
            status = state.component_status[k]
            values = (
                "",
                f"{state.weights[k]:.3f}",
                status,
                f"{state.condition_numbers[k]:.3g}",
                f"{state.effective_counts[k]:.1f}",
                _fmt_vector(state.means[k], digits),
                _fmt_vector(state.eigenvalues[k], digits),
            )
            for j, text in enumerate(values):
                if j:
                    self.item(k, j).setText(text)
            self.item(k, _STATUS_COLUMN).setBackground(QBrush(QColor(*colors.STATUS_COLORS.get(status, (255, 255, 255)))))
        if resized:
            self.resizeColumnsToContents()
            self.setColumnWidth(0, 26)

    def cell_text(self, row: int, column: str) -> str:
        """Text shown in ``row`` under the column titled ``column``."""
        return self.item(row, COLUMNS.index(column)).text()
