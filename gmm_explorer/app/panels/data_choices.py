"""The Data dock's choices for one's own data: features, classes, units, missing rows.

The command line's data options (``--columns``, ``--classes``, ``--no-standardize``,
``--drop-missing``) as controls. Each control calls the workspace's loading
(:class:`~gmm_explorer.app.model.loading.DataLoading`); the widget follows the workspace
so that it shows how the data on show were read and are fitted, whoever changed them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app.model.file_options import NO_CLASSES, fit_notes
from gmm_explorer.app.panels.widgets import with_tip

_NO_CLASSES_TEXT = "(none)"

_STANDARDIZE_TIP = (
    "Fit in standardised units: each column centred and divided by its spread, as the "
    "command line's fit does. Columns on very different scales then neither look singular "
    "nor let reg_covar swamp the small one. Everything shown (ellipses, table, "
    "log-likelihood) stays in the data's own units; condition numbers are those of the "
    "fitted, standardised covariances. Spherical fits share one scale across columns.")


class FeatureList(QWidget):
    """A checklist of the columns that can be features, and a button to fit the ticked."""

    def __init__(self, on_apply, parent=None):
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setToolTip("The numeric columns of the data: tick the features to fit, "
                             "then Fit these (the command line's --columns)")
        self.list.setMaximumHeight(118)
        self.list.itemChanged.connect(self._update_button)
        self.apply_button = with_tip(QPushButton("Fit these"),
                                     "Fit the ticked features (EM starts again)")
        self.apply_button.clicked.connect(lambda: on_apply(self.ticked()))
        self.all_button = with_tip(QPushButton("All"), "Tick every column")
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.count = QLabel()
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.apply_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        # the buttons above the list: a short dock cuts the list's end, not the buttons
        box.addLayout(buttons)
        box.addWidget(self.list)
        self._fitted: list[str] = []

    def show_choices(self, every: list[str], fitted: list[str], enabled: bool) -> None:
        """List ``every`` column, ticking the ``fitted`` ones."""
        self.list.blockSignals(True)
        self.list.clear()
        for name in every:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if name in fitted else Qt.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._fitted = list(fitted)
        self.list.setEnabled(enabled)
        self.all_button.setEnabled(enabled)
        self._update_button()

    def ticked(self) -> list[str]:
        """The ticked columns, in the data's order."""
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def set_ticked(self, names) -> None:
        """Tick exactly ``names`` (as a person would, one box at a time)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.Checked if item.text() in names else Qt.Unchecked)

    def _tick_all(self, on: bool) -> None:
        self.set_ticked([self.list.item(i).text() for i in range(self.list.count())]
                        if on else [])

    def _update_button(self, *_) -> None:
        ticked = self.ticked()
        # the list has its own order; features given in another (--columns) are no change
        same = set(ticked) == set(self._fitted)
        self.count.setText(f"{len(ticked)} of {self.list.count()} fitted"
                           if same else f"{len(ticked)} ticked")
        self.apply_button.setEnabled(self.list.isEnabled() and bool(ticked) and not same)


class DataChoices(QWidget):
    """Features, known classes, standardising and missing rows of the data on show.

    ``on_error(message)`` shows what went wrong (the data stay as they were).
    """

    def __init__(self, workspace, on_error, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self._on_error = on_error
        self.features = FeatureList(self.fit_features)

        self.classes = with_tip(QComboBox(), "The column holding known classes (a species, a "
                                "diagnosis): points can be coloured by it and compared with "
                                "the components (the command line's --classes)")
        # long column names must not widen the dock: the list pops up as wide as it needs
        self.classes.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.classes.setMinimumContentsLength(12)
        self.classes.activated.connect(self._classes_chosen)

        self.standardize = with_tip(QCheckBox("Standardise"), _STANDARDIZE_TIP)
        self.standardize.toggled.connect(self._standardize_toggled)
        self.drop_missing = with_tip(
            QCheckBox("Drop rows with missing values"),
            "Leave out rows with an empty, NA, NaN, infinite or non-numeric feature instead of "
            "refusing the file (the command line's --drop-missing); the rows dropped are "
            "counted below")
        self.drop_missing.toggled.connect(self._drop_toggled)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse)
        workspace.dataChanged.connect(self.refresh)
        workspace.loading.sourceChanged.connect(self.refresh)
        workspace.settingsChanged.connect(self.refresh)

    def add_rows(self, form) -> None:
        """Put the controls into the Data dock's form."""
        # the choices first, the long checklist last: at 800 pixels the dock scrolls, and
        # then it is the list that runs on below
        form.addRow("Classes", self.classes)
        boxes = QHBoxLayout()
        boxes.addWidget(self.standardize)
        boxes.addWidget(self.drop_missing, 1)
        form.addRow(boxes)
        form.addRow(self.notes)
        form.addRow("Features", self.features)
        self.refresh()

    # ------------------------------------------------------------ actions
    def fit_features(self, names) -> None:
        """Fit only these features (a file is read again with them)."""
        self._call(self.workspace.loading.choose_features, names)

    def _classes_chosen(self, index: int) -> None:
        text = self.classes.itemText(index)
        self._call(self.workspace.loading.choose_classes,
                   NO_CLASSES if text == _NO_CLASSES_TEXT else text)

    def _standardize_toggled(self, on: bool) -> None:
        self._call(self.workspace.loading.set_standardize, on)

    def _drop_toggled(self, on: bool) -> None:
        self._call(self.workspace.loading.set_drop_missing, on)

    def _call(self, action, *args) -> None:
        try:
            action(*args)
        except ValueError as exc:
            self._on_error(str(exc))
            self.refresh()  # show again what holds

    # ------------------------------------------------------------ following
    def refresh(self) -> None:
        """Show how the data on show were read and are fitted."""
        ws = self.workspace
        loading = ws.loading
        every, fitted = loading.feature_choices()
        self.features.show_choices(every, fitted, enabled=loading.dataset is not None
                                   and len(every) > 1)
        from_file = loading.file_path is not None and loading.dataset is not None
        self.classes.blockSignals(True)
        self.classes.clear()
        self.classes.addItem(_NO_CLASSES_TEXT)
        dataset = loading.dataset
        if from_file:  # any column: numbers too (class codes), which then are no feature
            self.classes.addItems(list(dataset.all_columns))
            current = dataset.label_column if ws.labels is not None else None
        else:
            current = "known" if ws.labels is not None else None
            if current:
                self.classes.addItem("known")
        self.classes.setCurrentIndex(max(self.classes.findText(current), 0) if current else 0)
        self.classes.setEnabled(from_file)
        self.classes.blockSignals(False)
        for box, on, enabled in ((self.standardize, ws.standardize, ws.X is not None),
                                 (self.drop_missing, loading.file_options.drop_missing
                                  if from_file else False, from_file)):
            box.blockSignals(True)
            box.setChecked(on)
            box.setEnabled(enabled)
            box.blockSignals(False)
        notes = fit_notes(ws)
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
