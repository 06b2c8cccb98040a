"""The Run dock: Back, Step, Run/Pause, Reset, speed, tol, max_iter, and notes on the
shown iteration in plain words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app.panels.widgets import LogSlider, form_layout, with_tip
from gmm_explorer.app.views.steady_text import NotesBox
from gmm_explorer.words import effective_points

#: The slowest Run: two seconds a step is slow enough to read the table between steps.
MAX_DELAY = 2.0
#: The slider's resolution, in seconds: a hundredth is finer than the eye can tell apart.
DELAY_STEP = 0.01
_SPEED_TIP = ("Speed of Run: the pause between iterations, from {slow:g} s (left) to none "
              "(right). Now: {now}.")


def delay_text(delay: float) -> str:
    """The pause between iterations in words, ``"0.25 s / iteration"`` or ``"no pause"``."""
    return "no pause" if delay <= 0 else f"{delay:.2f} s / iteration"


_NOTES_TIP = ("What the shown iteration says: component health, collapses, re-seeds and "
              "removals, convergence")


class RunPanel(QWidget):
    """Step back / Step / Run-Pause / Reset buttons, speed, tol and max_iter.

    The buttons carry the window's actions, so button, menu and key do the
    same thing.
    """

    def __init__(self, workspace, actions, parent=None):
        super().__init__(parent)
        self.workspace = workspace
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
        form = form_layout()
        form.setContentsMargins(0, 4, 0, 0)
        # Faster to the right, as a speed control reads; its value is the pause, in words beside it.
        self.speed = QSlider(Qt.Horizontal)
        self._slowest = int(round(MAX_DELAY / DELAY_STEP))
        self.speed.setRange(0, self._slowest)
        self.speed.valueChanged.connect(
            lambda v: workspace.set_run_settings(delay=(self._slowest - v) * DELAY_STEP))
        self.speed_label = QLabel()
        # wide enough for the longest text, so the slider does not jump as it changes
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance(
            delay_text(MAX_DELAY)) + 4)
        speed_row = QHBoxLayout()
        speed_row.setSpacing(8)
        speed_row.addWidget(self.speed, 1)
        speed_row.addWidget(self.speed_label)
        form.addRow("Speed", speed_row)
        self.tol = LogSlider(-10, 0, 1, 1e-3)
        self.tol.setToolTip("tol, log scale: once the objective changes by less than this per "
                            "data point, EM takes one more M-step and stops, converged "
                            "(scikit-learn's rule)")
        self.tol.valueChanged.connect(lambda v: workspace.set_run_settings(tol=v))
        form.addRow("tol", self.tol)
        self.max_iter = with_tip(QSpinBox(), "max_iter: Run stops at this iteration")
        self.max_iter.setRange(1, 100_000)
        self.max_iter.valueChanged.connect(lambda v: workspace.set_run_settings(max_iter=int(v)))
        form.addRow("max_iter", self.max_iter)
        layout.addLayout(form)
        self.notes = NotesBox()  # its text changes every Step: no relayout (steady_text.py)
        self.notes.setToolTip(_NOTES_TIP)
        layout.addWidget(self.notes, 1)
        workspace.settingsChanged.connect(self.on_settings_changed)
        workspace.currentChanged.connect(self.on_current_changed)
        self.on_settings_changed()
        self.on_current_changed(workspace.current)

    def on_current_changed(self, index: int) -> None:
        """Describe the shown iteration in plain words."""
        self.notes.setText(describe_state(self.workspace))
        state = self.workspace.state
        record = None if state is None else state.collapse
        self.notes.setToolTip(_NOTES_TIP + ("\n\n" + record.describe() if record else ""))

    def on_settings_changed(self) -> None:
        """Show the workspace's run settings."""
        r = self.workspace.run_settings
        for w in (self.speed, self.tol, self.max_iter):
            w.blockSignals(True)
        self.speed.setValue(self._slowest - int(round(min(r.delay, MAX_DELAY) / DELAY_STEP)))
        self.speed_label.setText(delay_text(r.delay))
        tip = _SPEED_TIP.format(slow=MAX_DELAY, now=delay_text(r.delay))
        self.speed.setToolTip(tip)
        self.speed_label.setToolTip(tip)
        self.tol.setValue(r.tol)
        self.max_iter.setValue(r.max_iter)
        for w in (self.speed, self.tol, self.max_iter):
            w.blockSignals(False)


def _components(ks) -> str:
    ks = list(ks)
    return ("component " if len(ks) == 1 else "components ") + ", ".join(str(k) for k in ks)


def describe_state(workspace) -> str:
    """Plain words about the shown state, for the notes under the Run buttons.

    The most important sentence comes right after the first line (the counts),
    in short words, so that the small notes box shows it whole; the engine's
    full collapse description is the notes' tooltip and is in the collapse panel.
    """
    state = workspace.state
    if state is None:
        return "No data yet: generate or load some."
    counts = {name: state.component_status.count(name) for name in ("ok", "degenerate", "singular")}
    lines = [f"Iteration {state.iteration} of {workspace.history[-1].iteration}: "
             f"{counts['ok']} ok, {counts['degenerate']} degenerate, "
             f"{counts['singular']} singular."]
    halted = workspace.is_halted_at(state)
    record = state.collapse
    if record is not None:
        points = ", ".join(f"{n:.3g}" for n in record.effective_counts)
        lines.append(f"Collapse: {_components(record.names)} became singular "
                     f"({effective_points(points)}; {record.reason}); {record.action}.")
    if halted:
        lines.append("EM halted here (on_collapse = stop): pick a remedy in the Collapse "
                     "panel, change a setting, step back, or Reset.")
    lines.extend(state.events)
    if state.pseudo_log_likelihood is not None:
        lines.append(f"Singular component(s) evaluated on their support only (as scipy's "
                     f"allow_singular): pseudo log-likelihood "
                     f"{state.pseudo_log_likelihood:,.1f}, not comparable with a proper "
                     f"likelihood; it can grow without bound.")
    degenerate = [int(state.component_ids[k]) for k, st in enumerate(state.component_status)
                  if st == "degenerate"]
    if degenerate and record is None:
        lines.append(degenerate_note(workspace.model, degenerate))
    if state.converged and state.pseudo_log_likelihood is not None:
        lines.append("The change fell below tol, but between pseudo values, which say "
                     "nothing about a maximum: no convergence.")
    elif state.converged:
        lines.append("Converged: the objective changed by less than tol per point at the "
                     "iteration before, and EM took one more M-step (scikit-learn's rule).")
    return "\n".join(lines)  # no blank lines: the small box shows one more sentence


def degenerate_note(model, components) -> str:
    """What keeps (or does not keep) degenerate ``components`` invertible under ``model``."""
    one = len(components) == 1
    it = "it" if one else "they"
    head = f"{_components(components).capitalize()} {'is' if one else 'are'} degenerate"
    if model.prior:
        return f"{head}; the conjugate prior keeps {it if one else 'them'} from shrinking to zero."
    if model.reg_covar > 0:
        return (f"{head}: the ridge (reg_covar {model.reg_covar:.3g}) keeps "
                f"{'it' if one else 'them'} invertible but does not save {'it' if one else 'them'}.")
    return f"{head}. No ridge (reg_covar off): {it} may become singular in the next steps."
