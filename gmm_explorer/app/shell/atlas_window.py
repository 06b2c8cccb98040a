"""The atlas of starts in the main window: its model, its dock and its menu entry.

:class:`AtlasUi` is built once by the main window (``window.atlas_ui``). It
makes the :class:`~gmm_explorer.app.model.atlas.Atlas` for the window's
workspace, puts the :class:`~gmm_explorer.app.panels.atlas_panel.AtlasPanel`
in a dock (hidden until asked for) and adds EM → Atlas of starts (Ctrl+Shift+A).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gmm_explorer.app.model.atlas import Atlas
from gmm_explorer.app.panels.atlas_panel import AtlasPanel
from gmm_explorer.app.shell.actions import make_action


def _menu(window, title: str):
    """The menu titled ``title`` (ampersands ignored), made if missing."""
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title.replace("&", ""):
            return action.menu()
    return window.menuBar().addMenu(title)


class AtlasUi:
    """The atlas's parts of one main window."""

    def __init__(self, window):
        self.window = window
        self.atlas = Atlas(window.workspace)
        self.panel = AtlasPanel(self.atlas)
        self.dock = QDockWidget("Atlas of starts", window)
        self.dock.setObjectName("Atlas of starts")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.action = make_action(
            window, "Atlas of starts…", self.show, "Ctrl+Shift+A",
            "Run many starts of this model and see which local optima EM reaches")
        _menu(window, "&EM").addAction(self.action)
        window.panels_menu.addAction(self.dock.toggleViewAction())

    def show(self) -> None:
        """Show and raise the atlas dock, tabbed over the components table, with room for
        the strip and the table."""
        w = self.window
        if not w.tabifiedDockWidgets(self.dock) and not self.dock.isFloating():
            # tabbed only once opened: a hidden tab group still took a tab bar's height
            # under the components table
            w.tabifyDockWidget(w.docks["table"], self.dock)
        self.dock.show()
        self.dock.raise_()
        w.resizeDocks([w.docks["likelihood"], w.docks["condition"], self.dock],
                      [170, 150, 460], Qt.Vertical)

    def run(self, n_starts: int | None = None) -> None:
        """Show the dock and run ``n_starts`` starts (default: the panel's)."""
        self.show()
        self.panel.run(n_starts)
