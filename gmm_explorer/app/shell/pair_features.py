"""View > Pairs features…: which 2 to 10 features the pairs view shows.

With more than ten features the pairs view shows the first ten; here a person
checks the ones they want instead (in the data's order), for instance the
columns the Classes dock says separate the classes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from gmm_explorer.app.views.pairs_view import MAX_FEATURES


class PairFeaturesDialog(QDialog):
    """A checklist of the data's features; OK only with 2 to :data:`MAX_FEATURES` checked.

    Parameters
    ----------
    names : list of str
        The data's feature names, in column order.
    shown : list of int
        The columns the pairs view shows now (checked at first).
    """

    def __init__(self, names: list[str], shown: list[int], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Pairs features")
        self.list = QListWidget()
        self.list.setToolTip("Check the features the pairs view shows, 2 to "
                             f"{MAX_FEATURES}; they appear in the data's order")
        for column, name in enumerate(names):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if column in shown else Qt.Unchecked)
            self.list.addItem(item)
        self.count = QLabel()
        first = QPushButton(f"First {MAX_FEATURES}")
        first.setToolTip(f"Check the first {MAX_FEATURES} features only")
        first.clicked.connect(lambda: self._check(range(min(MAX_FEATURES, len(names)))))
        clear = QPushButton("None")
        clear.setToolTip("Uncheck every feature")
        clear.clicked.connect(lambda: self._check(()))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Show")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        quick = QHBoxLayout()
        quick.addWidget(first)
        quick.addWidget(clear)
        quick.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Features in the pairs view (2 to {MAX_FEATURES}):"))
        layout.addWidget(self.list, 1)
        layout.addLayout(quick)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self.list.itemChanged.connect(lambda _item: self._follow())
        self._follow()

    def chosen(self) -> list[int]:
        """The checked columns, in the data's order."""
        return [i for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def _check(self, columns) -> None:
        wanted = set(columns)
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.Checked if i in wanted else Qt.Unchecked)

    def _follow(self) -> None:
        """The count in words, and Show only for a choice the view can draw."""
        n = len(self.chosen())
        if n < 2:
            text = f"{n} checked: check at least 2."
        elif n > MAX_FEATURES:
            text = f"{n} checked: at most {MAX_FEATURES} fit; uncheck {n - MAX_FEATURES}."
        else:
            text = f"{n} checked: {n} x {n} panels."
        self.count.setText(text)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(2 <= n <= MAX_FEATURES)


def choose_pair_features(window, dialog: PairFeaturesDialog | None = None) -> bool:
    """Ask which features the pairs view shows, then show it; False when cancelled or
    when the data have too few features (the reason shown).

    ``dialog`` is for tests: one made (and answered) beforehand.
    """
    ws, switcher = window.workspace, window.centre_views
    if not switcher.available("pairs"):
        window.show_error(f"the pairs view needs at least 3 features; these data have "
                          f"{ws.n_features}")
        return False
    pairs = switcher.pairs
    if dialog is None:
        dialog = PairFeaturesDialog(list(ws.feature_names), pairs.columns_to_show(), window)
        if dialog.exec() != QDialog.Accepted:
            return False
    pairs.set_features(dialog.chosen())
    return window.show_centre_view("pairs")
