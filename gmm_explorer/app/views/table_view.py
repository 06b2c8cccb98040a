"""A table of the shown state's components, one row each, status coloured."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app import colors

COLUMNS = ("k", "weight", "status", "condition", "eff. n", "mean", "eigenvalues")
_TIPS = (
    "The component's number and colour, the same in every view",
    "Mixing weight: the share of the data the component explains",
    "ok; degenerate (fewer than D+1 effective points, or a tiny volume); "
    "singular (not positive definite, or condition number above max_condition)",
    "Condition number: largest / smallest eigenvalue; huge means nearly singular. When "
    "the data are standardised (Data dock), it is the fitted covariance's, in standardised "
    "units, since that is what EM inverts",
    "Effective number of points: the sum of the component's responsibilities",
    "Mean vector (all columns)",
    "Eigenvalues of the covariance, ascending: its variances along its axes",
)
_LEGEND_TIP = ("What each status means at the shown iteration (hover a status cell for that "
               "component's own numbers). A degenerate covariance is still invertible, but the "
               "component explains almost nothing; a singular one has no density.")
_RIGHT_ALIGNED = (1, 3, 4)
_STATUS_COLUMN = 2


#: Below this (once rounded), numbers of more digits than asked are shown whole, without
#: an exponent.
_PLAIN_BELOW = 100_000


def compact(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, to fit a narrow column.

    Numbers that need an exponent keep one digit fewer and lose the '+' and
    leading zeros: 8.71e+15 -> '8.7e15', 1.04e-17 -> '1e-17'; numbers below 1 keep one
    digit fewer too: 0.351 -> '0.35'; 14.12 -> '14.1'. Whole numbers up to 99,999 keep
    every digit rather than take an exponent: 600.4 -> '600' at two digits, not '6e2'.
    """
    if 0 < abs(x) < 1:  # no room for the leading '0.': -0.0511 -> '-0.051'
        digits = max(digits - 1, 1)
    text = f"{x:.{digits}g}"
    # judged on the rounded numbers: 999.7 at three digits is '1000', not '1e3'
    if "e" in text and 1 <= abs(x) and abs(round(x)) < _PLAIN_BELOW:
        return f"{x:.0f}"
    if "e" in text:
        mantissa, exponent = f"{x:.{max(digits - 1, 1)}g}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def fmt_vector(v, digits: int = 3) -> str:
    """A vector as compact numbers separated by commas (no brackets, to fit a narrow column)."""
    return ", ".join(compact(x, digits) for x in np.asarray(v, dtype=float))


def _full_vector(v) -> str:
    return "[" + ", ".join(f"{x:.6g}" for x in np.asarray(v, dtype=float)) + "]"


class ComponentTable(QTableWidget):
    """Weight, mean, eigenvalues, condition number, effective count and status."""

    def __init__(self, workspace, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.workspace = workspace
        self.setHorizontalHeaderLabels(COLUMNS)
        for j, tip in enumerate(_TIPS):
            self.horizontalHeaderItem(j).setToolTip(tip)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setDefaultSectionSize(21)
        self.verticalHeader().hide()
        # Every column takes its contents' width and the eigenvalues the rest: the columns
        # fill the dock without a horizontal scrollbar. At D = 2 everything fits at
        # 1280x800 (a narrower dock scrolls sideways); longer vectors (large D) are elided
        # and their tooltips have every value.
        # The widths are fitted here (_fit_columns), once per update and only for columns
        # whose text changed: with QHeaderView.ResizeToContents the header measured every
        # column again on each dataChanged, 0.1 ms each.
        header = self.horizontalHeader()
        header.setMinimumSectionSize(20)
        for j, name in enumerate(COLUMNS):
            header.setSectionResizeMode(j, QHeaderView.Stretch if name == "eigenvalues"
                                        else QHeaderView.Fixed)
        self._fitted = {j for j, name in enumerate(COLUMNS) if j and name != "eigenvalues"}
        self._status_shown: dict = {}  # row -> the status whose colour its cell was given
        header.setStretchLastSection(False)
        self.setColumnWidth(0, 26)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)  # not means cut off
        self.setTextElideMode(Qt.ElideRight)
        self.setToolTip("The components of the shown iteration; hover a column title for "
                        "its meaning.")
        # what each status means with the shown numbers (the status column's word alone
        # left "degenerate" a riddle); placed under the table by with_legend()
        # one line per status, wrapped rather than widening the dock; the tooltip has it all
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.PlainText)
        self.legend.setContentsMargins(4, 2, 4, 2)
        self.legend.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.legend.setWordWrap(True)  # a narrow dock (1024 px screens) wraps, never cuts
        # opaque, like the table above it: the hidden atlas dock's tab bar lies under the
        # bottom of this dock and showed through a transparent label
        self.legend.setAutoFillBackground(True)
        font = self.legend.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.legend.setFont(font)
        # three lines always: a layout short of room squeezed the last under the dock's tabs
        self.legend.setMinimumHeight(3 * self.legend.fontMetrics().lineSpacing() + 6)
        workspace.currentChanged.connect(self.on_current_changed)
        self.on_current_changed(workspace.current)

    def with_legend(self) -> QWidget:
        """The table with the status legend under it, for the window's dock."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self, 1)
        layout.addWidget(self.legend)
        return box

    def status_tip(self, row: int) -> str:
        """Tooltip of component ``row``'s status cell (for tests)."""
        return self.item(row, _STATUS_COLUMN).toolTip()

    def _show_status_words(self, state) -> None:
        explanations, legend = self.workspace.status_words()
        for k, text in enumerate(explanations):
            item = self.item(int(state.component_ids[k]), _STATUS_COLUMN)
            if item is not None and item.toolTip() != text:
                item.setToolTip(text)
        text = "\n".join(legend)
        if self.legend.text() != text:
            self.legend.setText(text)
            self.legend.setToolTip(_LEGEND_TIP + "\n" + text)

    def on_current_changed(self, index: int) -> None:
        """Fill the table from the shown state."""
        state = self.workspace.state
        if state is None:
            self.setRowCount(0)
            self.legend.setText("")
            return
        # a row per component identity the fit began with: a removed component keeps
        # its row (greyed), and the others keep their numbers and colours
        k_count = self.workspace.history[0].n_components
        resized = self.rowCount() != k_count
        if resized:
            self._status_shown = {}
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
        # Beyond D = 2 the means share the spare width with the eigenvalues (elided).
        mean = COLUMNS.index("mean")
        if (mean in self._fitted) != (state.n_features <= 2):
            self._fitted ^= {mean}
            self.horizontalHeader().setSectionResizeMode(
                mean, QHeaderView.Fixed if mean in self._fitted else QHeaderView.Stretch)
            resized = True
        # The cells are set with the model's signals held (each set would emit its own
        # dataChanged, about a hundred a step), then one dataChanged per row covers the
        # cells whose text changed: the view repaints those only, and nothing when EM
        # has settled and the shown digits stay put.
        model = self.model()
        blocked = model.blockSignals(True)
        try:
            changed = self._fill(state, digits)
        finally:
            model.blockSignals(blocked)
        to_fit = set(range(len(COLUMNS))) if resized else {j for _, j in changed}
        if resized:
            changed = [(k, j) for k in range(k_count) for j in (0, len(COLUMNS) - 1)]
        spans: dict = {}
        for k, j in changed:
            lo, hi = spans.get(k, (j, j))
            spans[k] = (min(lo, j), max(hi, j))
        for k, (lo, hi) in spans.items():
            model.dataChanged.emit(model.index(k, lo), model.index(k, hi))
        self._fit_columns(to_fit)
        self._show_status_words(state)

    def _fit_columns(self, columns) -> None:
        """Give each of ``columns`` (if fitted) the width of its widest text or title."""
        header = self.horizontalHeader()
        for j in sorted(self._fitted & set(columns)):
            width = max(self.sizeHintForColumn(j), header.sectionSizeFromContents(j).width())
            if header.sectionSize(j) != width:
                header.resizeSection(j, width)

    def _fill(self, state, digits: int) -> list:
        """Set every cell from ``state``; return the (row, column) of those that changed."""
        changed = []
        index_of = {int(i): k for k, i in enumerate(state.component_ids)}
        for row in range(self.rowCount()):
            k = index_of.get(row)
            if k is None:
                status, values, tips = "removed", ("", "—", "removed", "", "", "", ""), {}
            else:
                status = state.component_status[k]
                values, tips = _row_texts(state, k, digits)
            if (self._status_shown.get(row) == "removed") != (status == "removed"):
                self._grey_row(row, status == "removed")
            for j, text in enumerate(values):
                if not j:
                    continue
                item = self.item(row, j)
                if item.text() != text:
                    item.setText(text)
                    changed.append((row, j))
                if j in tips or k is None:
                    item.setToolTip(tips.get(j, ""))
            # the status colour is set when the status changes, not compared with the
            # cell's background, which the lab's row marks may have painted over
            if self._status_shown.get(row) != status:
                self._status_shown[row] = status
                color = QColor(*colors.STATUS_COLORS.get(status, (255, 255, 255)))
                cell = self.item(row, _STATUS_COLUMN)
                cell.setBackground(QBrush(color))
                cell.setForeground(QBrush(QColor(*colors.TEXT_ON_STATUS)))
                changed.append((row, _STATUS_COLUMN))
        return changed

    def _grey_row(self, row: int, grey: bool) -> None:
        """A removed component's row in grey text on grey, its swatch faded (or back)."""
        for j in range(1, len(COLUMNS)):
            item = self.item(row, j)
            item.setForeground(QBrush(QColor(*colors.REMOVED_TEXT)) if grey else QBrush())
            if j != _STATUS_COLUMN:
                item.setBackground(QBrush(QColor(*colors.STATUS_COLORS["removed"])) if grey
                                   else QBrush())
        color = colors.component_color(row)
        if grey:  # the colour stays recognisable, faded towards white
            color = tuple(int(c + 0.6 * (255 - c)) for c in color)
        self.item(row, 0).setBackground(QBrush(QColor(*color)))

    def is_removed(self, row: int) -> bool:
        """Whether component ``row`` is removed at the shown iteration (greyed out)."""
        return self._status_shown.get(row) == "removed"

    def cell_text(self, row: int, column: str) -> str:
        """Text shown in ``row`` under the column titled ``column``."""
        return self.item(row, COLUMNS.index(column)).text()


def _row_texts(state, k: int, digits: int) -> tuple:
    """The cells' texts and tooltips of component ``k`` of ``state``."""
    values = (
        "",
        f"{state.weights[k]:.3f}",
        state.component_status[k],
        compact(state.condition_numbers[k]),
        f"{state.effective_counts[k]:.1f}",
        fmt_vector(state.means[k], digits),
        fmt_vector(state.eigenvalues[k], digits),
    )
    tips = {5: "mean " + _full_vector(state.means[k]),
            6: "eigenvalues " + _full_vector(state.eigenvalues[k]),
            3: f"condition number {state.condition_numbers[k]:.6g}"}
    return values, tips
