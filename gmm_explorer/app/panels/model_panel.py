"""The Model dock: K, covariance type, start, reg_covar, prior, collapse policy, max_condition.

Each control only calls the workspace; the panel follows the workspace
(``settingsChanged``, ``currentChanged``) so that it shows what the workspace
holds, whoever changed it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from gmm_explorer.app.model.settings import (
    COLLAPSE_POLICIES,
    COVARIANCE_TYPES,
    INIT_METHODS,
)
from gmm_explorer.app.panels.widgets import LogSlider, form_layout, with_tip

# The K spin box goes this far; a larger K set elsewhere (--components) widens it.
MAX_PANEL_K = 100


class ModelPanel(QWidget):
    """K, covariance type, start, reg_covar, prior, collapse policy, max_condition."""

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        form = form_layout()
        self.k = with_tip(QSpinBox(), "K: number of components")
        self.k.setRange(1, MAX_PANEL_K)
        self.k.valueChanged.connect(lambda v: self._set_k(int(v)))
        form.addRow("Components K", self.k)

        self.covariance_type = with_tip(QComboBox(), "Shape of the covariances, as scikit-learn: "
                                                 "full (any ellipse), tied (one shared), diag "
                                                 "(axis-aligned), spherical (circles)")
        self.covariance_type.addItems(COVARIANCE_TYPES)
        self.covariance_type.currentTextChanged.connect(lambda t: self._set(covariance_type=t))
        form.addRow("Covariance", self.covariance_type)

        self.init = with_tip(QComboBox(), "How the start is chosen")
        self.init.addItems(INIT_METHODS)
        self.init.currentTextChanged.connect(lambda t: self._set(init=t))
        self.start_seed = with_tip(QSpinBox(), "Random seed of the start (same seed, same start)")
        self.start_seed.setRange(0, 2**31 - 1)
        self.start_seed.valueChanged.connect(lambda v: self._set(random_state=int(v)))
        form.addRow("Start", self.init)
        form.addRow("Start seed", self.start_seed)
        self.start_label = form.labelForField(self.init)
        self._add_singularity_rows(form)
        self.setLayout(form)
        workspace.settingsChanged.connect(self.on_settings_changed)
        workspace.currentChanged.connect(self.show_live_k)
        workspace.historyChanged.connect(self.show_pinned_start)
        self.on_settings_changed()

    def _add_singularity_rows(self, form) -> None:
        """The ridge, the prior, the collapse policy and max_condition."""
        self.ridge = with_tip(QCheckBox(), "Add reg_covar to every covariance's diagonal (the "
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

        self.prior = with_tip(QCheckBox("conjugate (MAP)"),
                          "MAP estimation with the default conjugate prior of Fraley & Raftery "
                          "(as mclust): keeps every component sound")
        self.prior.toggled.connect(lambda on: self._set(prior="conjugate" if on else None))
        form.addRow("Prior", self.prior)

        self.on_collapse = with_tip(QComboBox(), "What EM does when a covariance becomes singular: "
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

    def _set(self, **changes) -> None:
        self.workspace.set_model(**changes)

    def _set_k(self, k: int) -> None:
        ws = self.workspace
        if k == ws.model.n_components and ws.state is not None and ws.state.n_components != k:
            ws.reinitialize()  # back to the K EM began with, from the same start
        else:
            ws.set_model(n_components=k)

    def show_live_k(self, *_args) -> None:
        """K of the shown iteration: after a removal, fewer than the model began with."""
        began = self.workspace.model.n_components
        state = self.workspace.state
        live = began if state is None else state.n_components
        suffix = "" if live == began else f"  ({began - live} removed)"
        blocked = self.k.blockSignals(True)
        if self.k.value() != live:
            self.k.setValue(live)
        if self.k.suffix() != suffix:
            self.k.setSuffix(suffix)
            self.k.setToolTip("K: number of components" + (
                f". EM began with {began}; the collapse policy 'remove' dropped "
                f"{began - live}. Setting K starts EM again." if suffix else ""))
        self.k.blockSignals(blocked)

    def show_pinned_start(self, *_args) -> None:
        """Say when the run began from a pinned start, not from the start method below."""
        pinned = self.workspace.start is not None
        self.start_label.setText("Start (pinned)" if pinned else "Start")
        tip = ("How the start is chosen. This run began from a pinned start (the scene's, a "
               "preset's or a session's, or hand edits): Reset goes back to it; New start, "
               "another start method or seed, or other data draw one from these settings."
               if pinned else "How the start is chosen")
        self.start_label.setToolTip(tip)
        self.init.setToolTip(tip)

    def _ridge_changed(self, *_args) -> None:
        self.reg_covar.setEnabled(self.ridge.isChecked())
        self._set(reg_covar=self.reg_covar.value() if self.ridge.isChecked() else 0.0)

    def on_settings_changed(self) -> None:
        """Show the workspace's model settings."""
        m = self.workspace.model
        widgets = (self.k, self.covariance_type, self.init, self.start_seed, self.ridge,
                   self.reg_covar, self.prior, self.on_collapse, self.max_condition)
        for w in widgets:
            w.blockSignals(True)
        # a larger K set elsewhere (--components, a script) is shown, not clamped
        self.k.setMaximum(max(MAX_PANEL_K, m.n_components))
        self.show_live_k()
        self.covariance_type.setCurrentText(m.covariance_type)
        self.init.setCurrentText(m.init)
        self.start_seed.setValue(m.random_state)
        self.show_pinned_start()
        self.ridge.setChecked(m.reg_covar > 0)
        self.reg_covar.setEnabled(m.reg_covar > 0)
        if m.reg_covar > 0:
            self.reg_covar.setValue(m.reg_covar)
        self.prior.setChecked(m.prior == "conjugate")
        self.on_collapse.setCurrentText(m.on_collapse)
        self.max_condition.setValue(m.max_condition)
        for w in widgets:
            w.blockSignals(False)
