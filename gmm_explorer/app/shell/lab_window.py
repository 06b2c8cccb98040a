"""The singularity lab in the main window: menus, the collapse dock, marks.

:class:`LabUi` is built once by the main window. It adds the Presets
menu (the engine's collapse presets), the Lab menu (collapse panel, compare
mode, point editing), Help → "Why covariances become singular", the collapse
panel as a dock that opens when a collapse appears, and the red marks on the
centre plot, the curves and the table.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget

from gmm_explorer.app.panels.collapse_panel import CollapsePanel
from gmm_explorer.app.panels.help_page import TITLE as HELP_TITLE
from gmm_explorer.app.shell.screen_fit import fit_on_screen
from gmm_explorer.app.views import collapse_marks as marks
from gmm_explorer.app.views.point_editing import BRUSH_SPREADS, HandMadeMarks, PointEditor
from gmm_explorer.datasets import PRESET_NAMES, load_preset

_EDIT_TIP = ("Click adds a point, Shift+click ten copies, Alt+click sprays points (Lab > Brush "
             "spread), Ctrl+click deletes the nearest point, under a mean too")


def _menu(window, title: str):
    """The menu titled ``title`` (ampersands ignored), made if missing."""
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title.replace("&", ""):
            return action.menu()
    return window.menuBar().addMenu(title)


class LabUi:
    """The lab's parts of one main window (``window.lab_ui``)."""

    def __init__(self, window):
        self.window = window
        s = self.workspace = window.workspace
        self.lab = s.lab
        self.marks = {
            "centre": marks.CentreMarks(window.centre, s),
            "condition": marks.ConditionMarks(window.conditions, s),
            "likelihood": marks.LikelihoodMarks(window.likelihood, s),
            "table": marks.TableMarks(window.table, s),
        }
        self.panel = CollapsePanel(s, self.lab)
        self.panel.helpRequested.connect(self.show_help)
        self.dock = QDockWidget("Collapse", window)
        self.dock.setObjectName("Collapse")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.LeftDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.docks["data"], self.dock)
        window.docks["data"].raise_()
        self.dock.hide()
        self.editor = PointEditor(window.centre, self.lab)
        self.hand_made = HandMadeMarks(window.centre, s)
        self.help_page = None
        self.compare_window = None

        presets = _menu(window, "&Presets")
        self.preset_actions = {}
        for name in PRESET_NAMES:
            a = QAction(f"{name}: {load_preset(name).title}", window)
            a.setStatusTip(f"Load the lab preset {name!r}: its data, settings and start")
            a.triggered.connect(lambda _=False, n=name: self.load_preset(n))
            presets.addAction(a)
            self.preset_actions[name] = a
        lab_menu = _menu(window, "&Lab")
        panel_action = self.dock.toggleViewAction()
        panel_action.setText("Collapse panel")
        lab_menu.addAction(panel_action)
        compare = QAction("Compare two settings…", window)
        compare.setStatusTip("Run the same start under two settings side by side")
        compare.triggered.connect(self.show_compare)
        lab_menu.addAction(compare)
        self.edit_action = QAction("Edit points", window, checkable=True)
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_action.setStatusTip(_EDIT_TIP)
        self.edit_action.toggled.connect(self.editor.set_enabled)
        window.addAction(self.edit_action)
        lab_menu.addAction(self.edit_action)
        brush_menu = lab_menu.addMenu("Brush spread")
        brush_menu.setToolTipsVisible(True)
        self.brush_actions = {}
        group = QActionGroup(window)
        for name, share in BRUSH_SPREADS.items():
            a = QAction(f"{name.capitalize()} ({share:.0%} of the view)", window, checkable=True)
            a.setChecked(name == self.editor.brush)
            a.setToolTip(f"Alt+click in edit mode sprays points with a standard deviation of "
                         f"{share:.0%} of the shown x range")
            a.triggered.connect(lambda _=False, n=name: self.editor.set_brush(n))
            group.addAction(a)
            brush_menu.addAction(a)
            self.brush_actions[name] = a
        help_action = QAction(HELP_TITLE, window)
        help_action.setStatusTip("A short illustrated page on singular covariances")
        help_action.triggered.connect(self.show_help)
        _menu(window, "&Help").addAction(help_action)

        s.historyChanged.connect(self._on_history_changed)
        s.dataChanged.connect(self._on_data_changed)
        self._on_data_changed()
        self.lab.presetChanged.connect(self._on_preset_changed)
        self._on_preset_changed()

    def _on_data_changed(self) -> None:
        # one column: the centre shows the 1-D view, where a click has no (x, y) to add
        one_d = self.window.workspace.n_features == 1
        if one_d:
            self.edit_action.setChecked(False)
        self.edit_action.setEnabled(not one_d)
        self.edit_action.setStatusTip(
            "Editing points needs two columns: one-column data show a histogram" if one_d else
            _EDIT_TIP)

    def load_preset(self, name: str) -> None:
        """Load a lab preset and show its description in the collapse panel."""
        self.lab.load_preset(name)

    def _on_preset_changed(self) -> None:
        p = self.lab.preset
        self.window.setWindowTitle("GMM Explorer" + (f" — preset {p.name}" if p else "") + "[*]")
        if p is not None:
            self.open_panel()

    def _on_history_changed(self) -> None:
        hist = self.workspace.history
        if hist and hist[-1].collapse is not None:
            self.open_panel()

    def open_panel(self) -> None:
        """Show and raise the collapse panel."""
        self.dock.show()
        self.dock.raise_()
        # as tall as the Run dock can spare (its notes shrink first): the remedies in
        # the text show without scrolling, even on a 768 px screen
        run = self.window.docks["run"]
        self.window.resizeDocks([self.dock, run], [max(self.window.height(), 430),
                                                   run.minimumSizeHint().height()], Qt.Vertical)

    def show_help(self) -> None:
        """Help → Why covariances become singular."""
        from gmm_explorer.app.panels.help_page import HelpPage

        if self.help_page is None:
            self.help_page = HelpPage(self.window)
            self.help_page.lowerBoundRequested.connect(lambda: self.window.bound_ui.show())
        self.help_page.show()
        self.help_page.raise_()

    def show_compare(self, wait: bool = False):
        """Open compare mode and run it with its current choices (``wait``: until shown)."""
        from gmm_explorer.app.views.compare_view import CompareWindow

        if self.compare_window is None:
            self.compare_window = CompareWindow(self.workspace, self.window)
            fit_on_screen(self.compare_window, 1100, 700)  # whole, even at 1024x768
        self.compare_window.show()
        self.compare_window.run(wait=wait)
        return self.compare_window
