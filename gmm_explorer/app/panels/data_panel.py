"""The Data dock: built-in data, the generator, Open file, the columns shown, and how
one's own data are read and fitted (:mod:`.data_choices`).

Each control only calls the workspace; the panel follows the workspace
(``dataChanged``) so that it shows what the workspace holds, whoever changed it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gmm_explorer.app.panels.data_choices import DataChoices
from gmm_explorer.app.panels.widgets import form_layout, with_tip
from gmm_explorer.datasets import GENERATORS

BUILTIN_DATASETS = ("overlap", "seed", "faithful", "iris")


def generator_names() -> list:
    """Names of the data generators (``gmm_explorer.datasets.GENERATORS``)."""
    return list(GENERATORS)


def data_source(name: str) -> tuple:
    """(kind, short text) for a workspace's ``data_name``: what the Data panel says is loaded.

    Kinds: ``"Built-in"``, ``"Lab preset"``, ``"Generated"``, ``"File"`` (the
    file's name without its folder), ``""`` when nothing is loaded.
    """
    if not name:
        return "", ""
    if name in BUILTIN_DATASETS:
        return "Built-in", f"built-in {name}"
    if name.startswith("preset "):
        return "Lab preset", name
    generator = name.split(" (", 1)[0]
    if generator in generator_names() and name.endswith(")"):
        return "Generated", f"generated {name}"
    return "File", os.path.basename(name) or name

class DataPanel(QWidget):
    """Built-in datasets, the generator, file loading and the shown columns.

    ``on_error(message)`` is called (by the window: a message box and the
    status bar) when generating or loading fails; the data stay as they were.
    """

    def __init__(self, workspace, open_file, on_error, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self._on_error = on_error
        form = form_layout()

        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow("Loaded", self.source)

        self.builtin = with_tip(QComboBox(), "A dataset that ships with the program: the first "
                                         "scene's four overlapping blobs, the seed's ten "
                                         "stretched blobs, Old Faithful, Iris")
        self.builtin.addItems(BUILTIN_DATASETS)
        self.builtin.setPlaceholderText("choose…")
        self.load_button = load = with_tip(QPushButton("Load"), "Load the chosen built-in dataset")
        load.clicked.connect(self.load_builtin)
        self.builtin.currentIndexChanged.connect(lambda i: load.setEnabled(i >= 0))
        row = QHBoxLayout()
        row.addWidget(self.builtin, 1)
        row.addWidget(load)
        form.addRow("Built-in", row)

        self.generator = with_tip(QComboBox(), "How to generate data")
        self.generator.addItems(generator_names())
        form.addRow("Generator", self.generator)
        form.addRow(self._generator_grid())
        gen = with_tip(QPushButton("Generate"), "Generate new data with these settings and restart EM")
        gen.clicked.connect(self.generate)
        opener = with_tip(QPushButton("Open file…"), "Load a data file (Ctrl+O)")
        opener.clicked.connect(open_file)
        row = QHBoxLayout()
        row.addWidget(gen)
        row.addWidget(opener)
        form.addRow(row)

        self.x_axis = with_tip(QComboBox(), "Data column on the horizontal axis")
        self.y_axis = with_tip(QComboBox(), "Data column on the vertical axis; ellipses are the "
                                        "exact marginals on the two shown columns")
        for combo in (self.x_axis, self.y_axis):  # long column names must not widen the dock
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.x_axis.currentIndexChanged.connect(self._axes_chosen)
        self.y_axis.currentIndexChanged.connect(self._axes_chosen)
        row = QHBoxLayout()
        row.addWidget(self.x_axis, 1)
        row.addWidget(QLabel("vs"))
        row.addWidget(self.y_axis, 1)
        form.addRow("Shown", row)
        self.choices = DataChoices(workspace, on_error)
        self.choices.add_rows(form)
        self.setLayout(form)
        workspace.dataChanged.connect(self.on_data_changed)
        self.on_data_changed()

    def _generator_grid(self) -> QGridLayout:
        """N, centres, spread and seed of the generator, two by two."""
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self.n_samples = with_tip(QSpinBox(), "N: number of points to generate")
        self.n_samples.setRange(10, 2_000_000)
        self.n_samples.setSingleStep(500)
        self.n_samples.setValue(1000)
        self.n_samples.setGroupSeparatorShown(True)
        self.n_centers = with_tip(QSpinBox(), "Number of clusters to generate")
        self.n_centers.setRange(1, 50)
        self.n_centers.setValue(5)
        self.spread = with_tip(QDoubleSpinBox(), "Spread: standard deviation of each cluster")
        self.spread.setRange(0.01, 20.0)
        self.spread.setSingleStep(0.1)
        self.spread.setValue(1.0)
        self.seed = with_tip(QSpinBox(), "Random seed of the generator (same seed, same data)")
        self.seed.setRange(0, 2**31 - 1)
        for col, (label, widget) in enumerate((("N", self.n_samples), ("centres", self.n_centers))):
            grid.addWidget(QLabel(label), 0, 2 * col, Qt.AlignRight)
            grid.addWidget(widget, 0, 2 * col + 1)
        for col, (label, widget) in enumerate((("spread", self.spread), ("seed", self.seed))):
            grid.addWidget(QLabel(label), 1, 2 * col, Qt.AlignRight)
            grid.addWidget(widget, 1, 2 * col + 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        return grid

    def load_builtin(self) -> None:
        """Load the built-in dataset chosen in the combo box."""
        try:
            self.workspace.loading.load_builtin(self.builtin.currentText())
        except (ValueError, OSError) as exc:
            self._on_error(str(exc))

    def generate(self) -> None:
        """Generate data from the generator fields."""
        try:
            self.workspace.loading.generate(self.generator.currentText(), self.n_samples.value(),
                                  self.n_centers.value(), self.spread.value(), self.seed.value())
        except ValueError as exc:
            self._on_error(str(exc))

    def on_data_changed(self) -> None:
        """Say what is loaded and refill the column choices."""
        s = self.workspace
        kind, text = data_source(s.data_name)
        shape = f" ({len(s.X):,} × {s.n_features})" if s.X is not None else ""
        self.source.setText(f"<b>{text}</b>{shape}" if text else "nothing yet")
        self.source.setToolTip(f"{kind}: {s.data_name}" if s.data_name else "")
        self.builtin.blockSignals(True)
        self.builtin.setCurrentIndex(BUILTIN_DATASETS.index(s.data_name)
                                     if kind == "Built-in" else -1)
        self.builtin.blockSignals(False)
        self.load_button.setEnabled(self.builtin.currentIndex() >= 0)
        for combo, value in ((self.x_axis, s.axes[0]), (self.y_axis, s.axes[1])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(s.feature_names)
            combo.setCurrentIndex(value)
            combo.setEnabled(s.n_features > 2)
            combo.blockSignals(False)

    def _axes_chosen(self) -> None:
        x, y = self.x_axis.currentIndex(), self.y_axis.currentIndex()
        if x >= 0 and y >= 0:
            self.workspace.set_axes(x, y)
