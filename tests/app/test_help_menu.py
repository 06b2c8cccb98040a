"""Help: a tour, every key (made from the actions themselves) and the versions."""

import numpy as np
import pyqtgraph as pg
import scipy
from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QKeySequence

from gmm_explorer.app.shell.help_menu import shortcut_rows


def _help_titles(window):
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "Help":
            return [a.text().replace("&", "") for a in action.menu().actions() if a.text()]
    raise AssertionError("no Help menu")


def test_help_menu_has_tour_keys_lab_page_and_about(window):
    titles = _help_titles(window)
    assert titles[:2] == ["Getting started", "Keyboard shortcuts"]
    assert titles[-1] == "About GMM Explorer"
    assert any("singular" in t for t in titles)


def test_getting_started_is_a_page_on_the_step_keys_and_undo(window):
    page = window.help_ui.show_getting_started()
    text = page.plain_text()
    assert page.isVisible() and not page.isModal()
    for words in ("Right", "Space", "Ctrl+Z", "Presentation", "Collapse"):
        assert words in text


def test_the_list_of_keys_follows_the_actions(window):
    keys = {t: k for k, t, _ in shortcut_rows(window)}
    assert keys["Step ▶"] == QKeySequence("Right").toString(QKeySequence.NativeText)
    assert keys["Undo"] == "Ctrl+Z" and keys["Redo"] == "Ctrl+Shift+Z"
    assert "F11" in keys["Presentation"]
    extra = QAction("Fly to the moon", window)  # a new action with a key joins the list
    extra.setShortcut(QKeySequence("Ctrl+Alt+M"))
    window.addAction(extra)
    page = window.help_ui.show_shortcuts()
    assert "Fly to the moon" in page.plain_text() and "Ctrl+Alt+M" in page.plain_text()
    assert "Run" in page.plain_text() and "Space" in page.plain_text()


def test_about_names_the_versions(window):
    text = window.help_ui.show_about().plain_text()
    for version in (np.__version__, scipy.__version__, pg.__version__, qVersion()):
        assert version in text
    assert "Python" in text
