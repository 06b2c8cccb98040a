"""The options bar's Map button: what the centre plot draws under the points.

A short button with a menu rather than a combo box: a combo is as wide as its
longest entry ("uncertainty"), and the options bar must leave the docks
their width in a 1280-pixel window with the collapse panel open. The same
menu is View > Background; each entry's tooltip says exactly what it shows.
"""

from __future__ import annotations

import textwrap

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton

from gmm_explorer.app.model.backgrounds import DESCRIPTIONS
from gmm_explorer.app.model.density_grid import BACKGROUNDS


class BackgroundChoice:
    """The Map button, its menu and one checkable action per background.

    Parameters
    ----------
    centre : gmm_explorer.app.views.scatter_view.CentreView
    parent : QWidget
        Owner of the menu and actions (the window).
    """

    def __init__(self, centre, parent):
        self.centre = centre
        self.menu = QMenu("Background", parent)
        self.menu.setToolTipsVisible(True)
        group = QActionGroup(parent)  # exclusive: one background at a time
        self.actions = {}
        for mode in BACKGROUNDS:
            act = QAction(mode.capitalize(), parent, checkable=True)
            act.setToolTip(_wrapped(DESCRIPTIONS[mode]))
            act.triggered.connect(lambda checked=False, m=mode: self.choose(m))
            group.addAction(act)
            self.menu.addAction(act)
            self.actions[mode] = act
        self.button = QToolButton()
        self.button.setText("Map")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.InstantPopup)
        self.choose(centre.backgrounds.mode)

    @property
    def mode(self) -> str:
        """The chosen background, one of ``BACKGROUNDS``."""
        return self.centre.backgrounds.mode

    def choose(self, mode: str) -> None:
        """Draw ``mode`` under the points (``ValueError`` for an unknown one)."""
        self.centre.set_background(mode)
        self.actions[mode].setChecked(True)
        self.button.setToolTip(_wrapped(f"What lies under the points; now {mode}: "
                                        f"{DESCRIPTIONS[mode]}") + "\nClick to choose none, "
                               "histogram, density or uncertainty (also View > Background).")


def _wrapped(text: str) -> str:
    """``text`` in lines of at most 80 characters: Qt does not wrap a plain tooltip."""
    return textwrap.fill(text, 80)
