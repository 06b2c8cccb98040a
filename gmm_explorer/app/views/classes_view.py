"""The Classes dock's view: known classes against the shown state's components.

A confusion table (rows: the classes by name; columns: the components by their
identity and colour, as in every other view), the cells of the one-to-one
matching highlighted, and ARI, NMI and the accuracy under that matching above
it. It reads a :class:`~gmm_explorer.app.model.known_classes.KnownClasses` and
redraws when it changes; without known classes it says so in plain words.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app import colors

_NO_CLASSES = ("These data have no known classes, so there is nothing to compare the "
               "components with. Iris, the generated blobs and files with a text column "
               "(such as a species) have them.")
_SCORES_TIP = ("ARI: adjusted Rand index (1 = the same grouping, about 0 = chance). "
               "NMI: normalised mutual information (arithmetic mean), 0 to 1. "
               "Accuracy: the share of points in the highlighted cells, once each component "
               "is matched to at most one class (Hungarian method). Each point counts for "
               "its most responsible component.")
_TABLE_TIP = ("Rows: the known classes. Columns: the components (by identity and colour). "
              "Each cell counts the points of that class whose most responsible component "
              "is that column; highlighted cells are the matching that agrees best.")
_MATCHED = QColor(255, 236, 160)


class ClassesView(QWidget):
    """Confusion table and scores of the shown state.

    Parameters
    ----------
    classes : gmm_explorer.app.model.known_classes.KnownClasses
    """

    def __init__(self, classes, parent=None):
        super().__init__(parent)
        self.classes = classes
        self.scores = QLabel()
        self.scores.setWordWrap(True)
        self.scores.setToolTip(_SCORES_TIP)
        self.scores.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.table = QTableWidget(0, 0)
        self.table.setToolTip(_TABLE_TIP)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.caption = QLabel("Rows: the known classes. Columns: the components. Highlighted: "
                              "the matching of components to classes that agrees best.")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.scores)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        classes.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Show the model's result (or why there is none)."""
        c = self.classes
        result = c.result
        if not c.known:
            self.scores.setText(_NO_CLASSES)
            self.table.hide()
            self.caption.hide()
            return
        self.table.show()
        self.caption.show()
        if result is None:
            self.scores.setText("No fit to compare yet.")
            self.table.setRowCount(0)
            return
        self.scores.setText(f"<b>ARI</b> {result.ari:.3f} &nbsp; <b>NMI</b> {result.nmi:.3f} "
                            f"&nbsp; <b>accuracy</b> {result.accuracy:.1%} "
                            f"({int(result.confusion[result.rows, result.cols].sum()):,} of "
                            f"{result.n_points:,} points in matched cells)")
        self._fill(result, c.class_names, c.component_ids())

    def _fill(self, result, class_names, ids) -> None:
        table = result.confusion
        C, K = table.shape
        t = self.table
        t.setUpdatesEnabled(False)
        if (t.rowCount(), t.columnCount()) != (C, K):
            t.setRowCount(C)
            t.setColumnCount(K)
        t.setVerticalHeaderLabels(list(class_names))
        for k, ident in enumerate(ids):
            header = QTableWidgetItem(_swatch(ident), str(ident))
            header.setToolTip(f"Component {ident}")
            t.setHorizontalHeaderItem(k, header)
        matched = result.matched()
        for c in range(C):
            for k in range(K):
                item = t.item(c, k)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    t.setItem(c, k, item)
                item.setText(f"{int(table[c, k]):,}")
                if matched[c, k]:
                    item.setBackground(QBrush(_MATCHED))
                    item.setForeground(QBrush(QColor(*colors.TEXT_ON_STATUS)))
                    item.setFont(self._bold)
                else:
                    item.setBackground(QBrush())
                    item.setForeground(QBrush())
                    item.setFont(self.font())
        t.setUpdatesEnabled(True)

    # -------------------------------------------------------------- reading
    def cell_texts(self) -> np.ndarray:
        """The table's cells as text, shape (C, K) (for tests)."""
        t = self.table
        return np.array([[t.item(r, c).text() for c in range(t.columnCount())]
                         for r in range(t.rowCount())], dtype=object).reshape(
            t.rowCount(), t.columnCount())

    def highlighted(self) -> np.ndarray:
        """(C, K) bool: the cells drawn as matched (for tests)."""
        t = self.table
        return np.array([[t.item(r, c).font().bold() for c in range(t.columnCount())]
                         for r in range(t.rowCount())], dtype=bool).reshape(
            t.rowCount(), t.columnCount())


def _swatch(ident: int) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(QColor(*colors.component_color(ident)))
    return QIcon(pix)
