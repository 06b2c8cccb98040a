"""Known classes in the main window: the Classes dock, colouring by class, their menu entries.

:class:`ClassesUi` is built once by the main window (``window.classes_ui``). It
makes the :class:`~gmm_explorer.app.model.known_classes.KnownClasses` for the
window's workspace, puts the
:class:`~gmm_explorer.app.views.classes_view.ClassesView` in a dock (hidden
until asked for, then tabbed with the Components table; View → Panels →
Classes, Ctrl+Shift+C), and adds a third choice, ``class``, to the centre
plot's Colours box and the View menu, enabled only when the data have known
classes. The agreement is computed only while the dock is visible.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gmm_explorer.app.model.known_classes import KnownClasses
from gmm_explorer.app.shell.actions import make_action
from gmm_explorer.app.shell.atlas_window import _menu
from gmm_explorer.app.views.classes_view import ClassesView

_CLASS_TIP = ("Colour the points by their known class (the data's class column, iris's "
              "species), with a legend of the class names; only for data with known classes")


class ClassesUi:
    """The known classes' parts of one main window."""

    def __init__(self, window):
        self.window = window
        ws = window.workspace
        self.classes = KnownClasses(ws, window)
        self.view = ClassesView(self.classes)
        self.dock = QDockWidget("Classes", window)
        self.dock.setObjectName("Classes")
        self.dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                              | QDockWidget.DockWidgetClosable)
        self.dock.setWidget(self.view)
        self.dock.setMinimumWidth(300)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        # a confusion table costs an argmax over every point: only while someone can see it
        self.dock.visibilityChanged.connect(self.classes.set_active)
        self.dock.hide()
        self.action = make_action(
            window, "&Classes…", lambda: self.show(), "Ctrl+Shift+C",
            "Compare the components with the data's known classes: confusion table, "
            "ARI, NMI and accuracy, live as EM steps")
        window.panels_menu.addAction(self.action)
        self._add_color_choice()
        ws.dataChanged.connect(self._on_data_changed)
        ws.currentChanged.connect(self._fall_back)
        self._on_data_changed()

    def _add_color_choice(self) -> None:
        w = self.window
        combo = w.color_mode
        combo.addItem("class")
        combo.setItemData(combo.count() - 1, _CLASS_TIP, Qt.ToolTipRole)
        combo.setToolTip(combo.toolTip() + ", or class (the known classes, where the data "
                                           "have them)")
        self.color_action = make_action(w, "Class colours", self.color_by_class, None,
                                        _CLASS_TIP)
        self.color_action.setCheckable(True)
        w.color_actions["class"] = self.color_action  # checked in step with the box
        menu = _menu(w, "&View")
        actions = menu.actions()
        hard = actions.index(w.color_actions["hard"])
        after = actions[hard + 1] if hard + 1 < len(actions) else None
        menu.insertAction(after, self.color_action)

    def _on_data_changed(self) -> None:
        known = self.classes.known
        combo = self.window.color_mode
        index = combo.findText("class")
        combo.model().item(index).setEnabled(known)
        self.color_action.setEnabled(known)

    def _fall_back(self, *_args) -> None:
        # after the new data's fit is shown (on dataChanged the old one still is)
        combo = self.window.color_mode
        if not self.classes.known and combo.currentText() == "class":
            combo.setCurrentText("blended")

    # ----------------------------------------------------------- actions
    def color_by_class(self) -> bool:
        """Colour the points by their known class; False (nothing changes) without classes."""
        if not self.classes.known:
            self.color_action.setChecked(False)
            self.window.show_message("These data have no known classes to colour by.")
            return False
        self.window.color_mode.setCurrentText("class")
        return True

    def show(self) -> None:
        """Show and raise the Classes dock, tabbed with the Components table."""
        w = self.window
        if not w.tabifiedDockWidgets(self.dock) and not self.dock.isFloating():
            # tabbed only once opened: a hidden tab group would still take a tab bar's height
            w.tabifyDockWidget(w.docks["table"], self.dock)
        self.dock.show()
        self.dock.raise_()
        self.classes.set_active(True)
