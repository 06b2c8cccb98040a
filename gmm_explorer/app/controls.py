"""The docks of controls: data, model and run. Each control only calls the session.

The panels also follow the session (``settingsChanged``, ``dataChanged``)
so that what they show is what the session holds, whoever changed it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel,
    QPushButton, QSizePolicy, QSlider, QSpinBox, QToolButton, QVBoxLayout, QWidget,
)

from gmm_explorer.app.steady_text import NotesBox
from gmm_explorer.app.widgets import LogSlider
from gmm_explorer.engine.options import COLLAPSE_POLICIES, COVARIANCE_TYPES, INIT_METHODS

BUILTIN_DATASETS = ("seed", "faithful", "iris")
# The K spin box goes this far; a larger K set elsewhere (--components) widens it.
MAX_PANEL_K = 100


def generator_names() -> list:
    """Names of the data generators (``gmm_explorer.engine.datasets.GENERATORS``)."""
    try:
        from gmm_explorer.engine.datasets import GENERATORS
    except ImportError:
        return ["blobs"]
    return list(GENERATORS)


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setContentsMargins(6, 6, 6, 6)
    form.setVerticalSpacing(5)
    form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    return form


def _tip(widget, text: str):
    widget.setToolTip(text)
    return widget


def data_source(name: str) -> tuple:
    """(kind, short text) for a session's ``data_name``: what the Data panel says is loaded.

    Kinds: ``"Built-in"``, ``"Lab preset"``, ``"Generated"``, ``"File"`` (the
    file's name without its folder), ``""`` when nothing is loaded.
    """
    import os

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

    def __init__(self, session, open_file, on_error, parent=None):
        super().__init__(parent)
        self.session = session
        self._on_error = on_error
        form = _form()

        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow("Loaded", self.source)

        self.builtin = _tip(QComboBox(), "A dataset that ships with the program: the seed's "
                                         "ten stretched blobs, Old Faithful, Iris")
        self.builtin.addItems(BUILTIN_DATASETS)
        self.builtin.setPlaceholderText("choose…")
        self.load_button = load = _tip(QPushButton("Load"), "Load the chosen built-in dataset")
        load.clicked.connect(self.load_builtin)
        self.builtin.currentIndexChanged.connect(lambda i: load.setEnabled(i >= 0))
        row = QHBoxLayout()
        row.addWidget(self.builtin, 1)
        row.addWidget(load)
        form.addRow("Built-in", row)

        self.generator = _tip(QComboBox(), "How to generate data")
        self.generator.addItems(generator_names())
        form.addRow("Generator", self.generator)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self.n_samples = _tip(QSpinBox(), "N: number of points to generate")
        self.n_samples.setRange(10, 2_000_000)
        self.n_samples.setSingleStep(500)
        self.n_samples.setValue(1000)
        self.n_samples.setGroupSeparatorShown(True)
        self.n_centers = _tip(QSpinBox(), "Number of clusters to generate")
        self.n_centers.setRange(1, 50)
        self.n_centers.setValue(5)
        self.spread = _tip(QDoubleSpinBox(), "Spread: standard deviation of each cluster")
        self.spread.setRange(0.01, 20.0)
        self.spread.setSingleStep(0.1)
        self.spread.setValue(1.0)
        self.seed = _tip(QSpinBox(), "Random seed of the generator (same seed, same data)")
        self.seed.setRange(0, 2**31 - 1)
        for col, (label, widget) in enumerate((("N", self.n_samples), ("centres", self.n_centers))):
            grid.addWidget(QLabel(label), 0, 2 * col, Qt.AlignRight)
            grid.addWidget(widget, 0, 2 * col + 1)
        for col, (label, widget) in enumerate((("spread", self.spread), ("seed", self.seed))):
            grid.addWidget(QLabel(label), 1, 2 * col, Qt.AlignRight)
            grid.addWidget(widget, 1, 2 * col + 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        form.addRow(grid)
        gen = _tip(QPushButton("Generate"), "Generate new data with these settings and restart EM")
        gen.clicked.connect(self.generate)
        opener = _tip(QPushButton("Open file…"), "Load a data file (Ctrl+O)")
        opener.clicked.connect(open_file)
        row = QHBoxLayout()
        row.addWidget(gen)
        row.addWidget(opener)
        form.addRow(row)

        self.x_axis = _tip(QComboBox(), "Data column on the horizontal axis")
        self.y_axis = _tip(QComboBox(), "Data column on the vertical axis; ellipses are the "
                                        "exact marginals on the two shown columns")
        self.x_axis.currentIndexChanged.connect(self._axes_chosen)
        self.y_axis.currentIndexChanged.connect(self._axes_chosen)
        row = QHBoxLayout()
        row.addWidget(self.x_axis, 1)
        row.addWidget(QLabel("vs"))
        row.addWidget(self.y_axis, 1)
        form.addRow("Columns", row)
        self.setLayout(form)
        session.dataChanged.connect(self.on_data_changed)
        self.on_data_changed()

    def load_builtin(self) -> None:
        """Load the built-in dataset chosen in the combo box."""
        try:
            self.session.load_builtin(self.builtin.currentText())
        except (ValueError, OSError) as exc:
            self._on_error(str(exc))

    def generate(self) -> None:
        """Generate data from the generator fields."""
        try:
            self.session.generate(self.generator.currentText(), self.n_samples.value(),
                                  self.n_centers.value(), self.spread.value(), self.seed.value())
        except ValueError as exc:
            self._on_error(str(exc))

    def on_data_changed(self) -> None:
        """Say what is loaded and refill the column choices."""
        s = self.session
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
            self.session.set_axes(x, y)


class ModelPanel(QWidget):
    """K, covariance type, start, reg_covar, prior, collapse policy, max_condition."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        form = _form()
        self.k = _tip(QSpinBox(), "K: number of components")
        self.k.setRange(1, MAX_PANEL_K)
        self.k.valueChanged.connect(lambda v: self._set(n_components=int(v)))
        form.addRow("Components K", self.k)

        self.covariance_type = _tip(QComboBox(), "Shape of the covariances, as scikit-learn: "
                                                 "full (any ellipse), tied (one shared), diag "
                                                 "(axis-aligned), spherical (circles)")
        self.covariance_type.addItems(COVARIANCE_TYPES)
        self.covariance_type.currentTextChanged.connect(lambda t: self._set(covariance_type=t))
        form.addRow("Covariance", self.covariance_type)

        self.init = _tip(QComboBox(), "How the start is chosen")
        self.init.addItems(INIT_METHODS)
        self.init.currentTextChanged.connect(lambda t: self._set(init=t))
        self.start_seed = _tip(QSpinBox(), "Random seed of the start (same seed, same start)")
        self.start_seed.setRange(0, 2**31 - 1)
        self.start_seed.valueChanged.connect(lambda v: self._set(random_state=int(v)))
        form.addRow("Start", self.init)
        form.addRow("Start seed", self.start_seed)

        self.ridge = _tip(QCheckBox(), "Add reg_covar to every covariance's diagonal (the "
                                       "ridge, as scikit-learn); off means no regularisation")
        self.reg_covar = LogSlider(-12, 0, 2, 1e-6)
        self.reg_covar.setToolTip("reg_covar, log scale: the ridge added to each covariance's "
                                  "diagonal. It keeps covariances invertible but does not stop "
                                  "a component from shrinking onto a point.")
        self.ridge.toggled.connect(self._ridge_changed)
        self.reg_covar.valueChanged.connect(self._ridge_changed)
        row = QHBoxLayout()
        row.addWidget(self.ridge)
        row.addWidget(self.reg_covar, 1)
        form.addRow("reg_covar", row)

        self.prior = _tip(QCheckBox("conjugate (MAP)"),
                          "MAP estimation with the default conjugate prior of Fraley & Raftery "
                          "(as mclust): keeps every component sound")
        self.prior.toggled.connect(lambda on: self._set(prior="conjugate" if on else None))
        form.addRow("Prior", self.prior)

        self.on_collapse = _tip(QComboBox(), "What EM does when a covariance becomes singular: "
                                             "stop; reinitialize the component; remove it; "
                                             "continue with the pseudo-inverse (as scipy's "
                                             "allow_singular)")
        self.on_collapse.addItems(COLLAPSE_POLICIES)
        self.on_collapse.currentTextChanged.connect(lambda t: self._set(on_collapse=t))
        form.addRow("On collapse", self.on_collapse)

        self.max_condition = LogSlider(4, 16, 1, 1e12)
        self.max_condition.setToolTip("max_condition, log scale: a covariance whose condition "
                                      "number exceeds it counts as singular")
        self.max_condition.valueChanged.connect(lambda v: self._set(max_condition=v))
        form.addRow("max_condition", self.max_condition)
        self.setLayout(form)
        session.settingsChanged.connect(self.on_settings_changed)
        self.on_settings_changed()

    def _set(self, **changes) -> None:
        self.session.set_model(**changes)

    def _ridge_changed(self, *_args) -> None:
        self.reg_covar.setEnabled(self.ridge.isChecked())
        self._set(reg_covar=self.reg_covar.value() if self.ridge.isChecked() else 0.0)

    def on_settings_changed(self) -> None:
        """Show the session's model settings."""
        m = self.session.model
        widgets = (self.k, self.covariance_type, self.init, self.start_seed, self.ridge,
                   self.reg_covar, self.prior, self.on_collapse, self.max_condition)
        for w in widgets:
            w.blockSignals(True)
        # a larger K set elsewhere (--components, a script) is shown, not clamped
        self.k.setMaximum(max(MAX_PANEL_K, m.n_components))
        self.k.setValue(m.n_components)
        self.covariance_type.setCurrentText(m.covariance_type)
        self.init.setCurrentText(m.init)
        self.start_seed.setValue(m.random_state)
        self.ridge.setChecked(m.reg_covar > 0)
        self.reg_covar.setEnabled(m.reg_covar > 0)
        if m.reg_covar > 0:
            self.reg_covar.setValue(m.reg_covar)
        self.prior.setChecked(m.prior == "conjugate")
        self.on_collapse.setCurrentText(m.on_collapse)
        self.max_condition.setValue(m.max_condition)
        for w in widgets:
            w.blockSignals(False)


_NOTES_TIP = ("What the shown iteration says: component health, collapses, re-seeds and "
              "removals, convergence")


class RunPanel(QWidget):
    """Step back / Step / Run-Pause / Reset buttons, speed, tol and max_iter.

    The buttons carry the window's actions, so button, menu and key do the
    same thing.
    """

    def __init__(self, session, actions, parent=None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        buttons = QHBoxLayout()
        self.buttons = {}
        for name in ("back", "step", "run", "reset"):
            b = QToolButton()
            b.setDefaultAction(actions[name])
            b.setToolButtonStyle(Qt.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            b.setMinimumHeight(28)
            buttons.addWidget(b)
            self.buttons[name] = b
        layout.addLayout(buttons)
        form = _form()
        form.setContentsMargins(0, 4, 0, 0)
        self.speed = _tip(QSlider(Qt.Horizontal), "Speed of Run: the pause between iterations, "
                                                  "from 0.5 s (left) to none (right)")
        self.speed.setRange(0, 500)
        self.speed.valueChanged.connect(
            lambda v: session.set_run_settings(delay=(500 - v) / 1000.0))
        form.addRow("Speed", self.speed)
        self.tol = LogSlider(-10, 0, 1, 1e-3)
        self.tol.setToolTip("tol, log scale: EM has converged once the objective changes by "
                            "less than this per data point (scikit-learn's convention)")
        self.tol.valueChanged.connect(lambda v: session.set_run_settings(tol=v))
        form.addRow("tol", self.tol)
        self.max_iter = _tip(QSpinBox(), "max_iter: Run stops at this iteration")
        self.max_iter.setRange(1, 100_000)
        self.max_iter.valueChanged.connect(lambda v: session.set_run_settings(max_iter=int(v)))
        form.addRow("max_iter", self.max_iter)
        layout.addLayout(form)
        self.notes = NotesBox()  # its text changes every Step: no relayout (steady_text.py)
        self.notes.setToolTip(_NOTES_TIP)
        layout.addWidget(self.notes, 1)
        session.settingsChanged.connect(self.on_settings_changed)
        session.currentChanged.connect(self.on_current_changed)
        self.on_settings_changed()
        self.on_current_changed(session.current)

    def on_current_changed(self, index: int) -> None:
        """Describe the shown iteration in plain words."""
        self.notes.setText(describe_state(self.session))
        state = self.session.state
        record = getattr(state, "collapse", None)
        self.notes.setToolTip(_NOTES_TIP + ("\n\n" + record.describe() if record else ""))

    def on_settings_changed(self) -> None:
        """Show the session's run settings."""
        r = self.session.run_settings
        for w in (self.speed, self.tol, self.max_iter):
            w.blockSignals(True)
        self.speed.setValue(int(round(500 - r.delay * 1000)))
        self.tol.setValue(r.tol)
        self.max_iter.setValue(r.max_iter)
        for w in (self.speed, self.tol, self.max_iter):
            w.blockSignals(False)


def _components(ks) -> str:
    ks = list(ks)
    return ("component " if len(ks) == 1 else "components ") + ", ".join(str(k) for k in ks)


def describe_state(session) -> str:
    """Plain words about the shown state, for the notes under the Run buttons.

    The most important sentence comes right after the first line (the counts),
    in short words, so that the small notes box shows it whole; the engine's
    full collapse description is the notes' tooltip and is in the collapse panel.
    """
    state = session.state
    if state is None:
        return "No data yet: generate or load some."
    counts = {name: state.component_status.count(name) for name in ("ok", "degenerate", "singular")}
    lines = [f"Iteration {state.iteration} of {session.history[-1].iteration}: "
             f"{counts['ok']} ok, {counts['degenerate']} degenerate, "
             f"{counts['singular']} singular."]
    halted = getattr(session.engine, "halted", False) and state is session.history[-1]
    record = state.collapse
    if record is not None:
        points = ", ".join(f"{n:.3g}" for n in record.effective_counts)
        lines.append(f"Collapse: {_components(record.components)} became singular "
                     f"({points} effective points; {record.reason}); {record.action}.")
    if halted:
        lines.append("EM halted here (on_collapse = stop): pick a remedy in the Collapse "
                     "panel, change a setting, step back, or Reset.")
    lines.extend(state.events)
    if state.pseudo_log_likelihood is not None:
        lines.append(f"Singular component(s) evaluated on their support only (as scipy's "
                     f"allow_singular): pseudo log-likelihood "
                     f"{state.pseudo_log_likelihood:,.1f}, not comparable with a proper "
                     f"likelihood; it can grow without bound.")
    degenerate = [k for k, st in enumerate(state.component_status) if st == "degenerate"]
    if degenerate and record is None:
        lines.append(degenerate_note(session.model, degenerate))
    if state.converged:
        lines.append("Converged: the objective changed by less than tol per point.")
    return "\n".join(lines)  # no blank lines: the small box shows one more sentence


def degenerate_note(model, components) -> str:
    """What keeps (or does not keep) degenerate ``components`` invertible under ``model``."""
    one = len(components) == 1
    it = "it" if one else "they"
    head = f"{_components(components).capitalize()} {'is' if one else 'are'} degenerate"
    if getattr(model, "prior", None):
        return f"{head}; the conjugate prior keeps {it if one else 'them'} from shrinking to zero."
    if getattr(model, "reg_covar", 0.0) > 0:
        return (f"{head}: the ridge (reg_covar {model.reg_covar:.3g}) keeps "
                f"{'it' if one else 'them'} invertible but does not save {'it' if one else 'them'}.")
    return f"{head}. No ridge (reg_covar off): {it} may become singular in the next steps."
