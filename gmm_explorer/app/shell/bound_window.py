"""EM's lower bound in the main window: its model, its dock and its menu entry.

:class:`BoundUi` is built once by the main window (``window.bound_ui``). It
makes the :class:`~gmm_explorer.app.model.lower_bound.LowerBoundSlice` for the
window's workspace, puts the
:class:`~gmm_explorer.app.views.bound_view.LowerBoundView` in a dock (hidden
until asked for, then tabbed over the log-likelihood curve) and adds EM → EM's
lower bound (Ctrl+B). The slice is computed only while the dock is visible.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gmm_explorer.app.model.lower_bound import LowerBoundSlice
from gmm_explorer.app.shell.actions import make_action
from gmm_explorer.app.shell.atlas_window import _menu
from gmm_explorer.app.views.bound_view import LowerBoundView


class BoundUi:
    """The lower bound's parts of one main window."""

    def __init__(self, window):
        self.window = window
        self.bound = LowerBoundSlice(window.workspace, window)
        self.view = LowerBoundView(self.bound)
        self.dock = QDockWidget("Lower bound", window)
        self.dock.setObjectName("Lower bound")
        self.dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.dock.setWidget(self.view)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        # a slice costs a pass over the data: only while someone can see it
        self.dock.visibilityChanged.connect(self.bound.set_active)
        self.dock.hide()
        self.action = make_action(
            window, "EM's lower &bound…", lambda: self.show(), "Ctrl+B",
            "Plot the log-likelihood and EM's lower bound along a slice through the shown "
            "state: why EM never lowers the likelihood")
        _menu(window, "&EM").addAction(self.action)
        window.panels_menu.addAction(self.dock.toggleViewAction())

    def show(self, slice_name: str | None = None, component: int | None = None) -> None:
        """Show and raise the dock, tabbed over the curves; optionally choose its slice
        (a key of :data:`~gmm_explorer.app.model.lower_bound.SLICES`) and component
        (an identity)."""
        w = self.window
        if not w.tabifiedDockWidgets(self.dock) and not self.dock.isFloating():
            # tabbed only once opened: a hidden tab group would still take a tab bar's height
            w.tabifyDockWidget(w.docks["likelihood"], self.dock)
        if slice_name is not None:
            self.bound.set_slice(slice_name)
        if component is not None:
            self.bound.set_component(component)
        self.dock.show()
        self.dock.raise_()
        w.resizeDocks([self.dock, w.docks["condition"], w.docks["table"]],
                      [max(w.height() - 330, 330), 120, 150], Qt.Vertical)
