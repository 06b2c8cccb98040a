"""The Help menu's own entries: Getting started, Keyboard shortcuts, About.

The list of keys is made from the window's actions when it is opened, so it
never disagrees with what the keys do. Each page is a non-modal window: the
main window goes on answering while it is open.
"""

from __future__ import annotations

import html
import platform

import numpy as np
import pyqtgraph as pg
import scipy
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

from gmm_explorer import __version__ as gmm_version

GETTING_STARTED = """
<h2>Getting started</h2>
<p>GMM Explorer fits a Gaussian mixture to the points in the centre by EM, one iteration
at a time, and shows what each iteration does.</p>
<ol>
<li><b>Data.</b> The seed scene (ten stretched blobs) opens first. <i>File &gt; Built-in
data</i>, <i>File &gt; Open data…</i> (Ctrl+O) or the <i>Data</i> panel load others; the
<i>Presets</i> menu loads scenes in which a component collapses.</li>
<li><b>Model.</b> In the <i>Model</i> panel choose K, the covariance type and the start;
type a value and press Enter (the step keys work again at once).</li>
<li><b>Step.</b> Press <b>Right</b> for one EM iteration, <b>Left</b> to go back,
<b>Space</b> to run or pause, <b>R</b> to reset. Drag the timeline under the plot to see
any past iteration.</li>
<li><b>Watch.</b> Ellipses at 1, 2 and 3 sigma, the log-likelihood curve, the condition
numbers and the table of components follow every step. Drag a mean to start EM from there.</li>
<li><b>Collapse.</b> When a component shrinks onto a point or a line, the <i>Collapse</i>
panel says why and offers remedies: a ridge, a conjugate prior, re-seeding, removal.</li>
<li><b>Provoke.</b> <i>Lab &gt; Edit points</i> (Ctrl+E): click adds a point, Shift+click
ten copies, Alt+click sprays points (<i>Lab &gt; Brush spread</i>), Ctrl+click deletes.
<b>Ctrl+Z</b> undoes an edit or a model change, <b>Ctrl+Shift+Z</b> redoes it.</li>
<li><b>Show.</b> <i>View &gt; Presentation</i> (F11): larger text and points and fewer
panels, for a projector.</li>
</ol>
<p><i>Help &gt; Keyboard shortcuts</i> lists every key.</p>
"""


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(keys, command, what it does) for every action of ``window`` that has a key, sorted."""
    rows = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if not keys:
            continue
        text = _plain(action.text()).strip() or action.objectName()
        rows[(", ".join(keys), text)] = action.statusTip() or ""
    return sorted(((k, t, tip) for (k, t), tip in rows.items()), key=lambda r: r[1].lower())


def versions() -> dict[str, str]:
    """The versions of the program and of what it runs on."""
    return {"GMM Explorer": gmm_version, "Python": platform.python_version(),
            "Qt": qVersion(), "PySide6": pyside_version, "numpy": np.__version__,
            "scipy": scipy.__version__, "pyqtgraph": pg.__version__}


class HelpPageWindow(QDialog):
    """A non-modal page of rich text."""

    def __init__(self, title: str, body: str, parent=None, size=(560, 520)):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.resize(*size)

    def plain_text(self) -> str:
        """The page as plain words (for tests)."""
        return self.text.toPlainText()


class HelpUi:
    """The Help menu's Getting started, Keyboard shortcuts and About (``window.help_ui``)."""

    def __init__(self, window, menu):
        self.window = window
        self.pages: dict[str, HelpPageWindow] = {}
        entries = [("getting_started", "&Getting started", self.show_getting_started, "F1",
                    "A one-page tour: data, model, the step keys, collapses, undo"),
                   ("shortcuts", "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/",
                    "Every key of the window and what it does"),
                   ("about", "&About GMM Explorer", self.show_about, None,
                    "The program's version and those of Python, Qt, numpy, scipy, pyqtgraph")]
        first = menu.actions()[0] if menu.actions() else None  # the lab's page, if there
        self.actions = {}
        for name, text, slot, key, tip in entries:
            action = QAction(text, window)
            action.setStatusTip(tip)
            action.setToolTip(tip)
            if key:
                action.setShortcut(QKeySequence(key))
                action.setShortcutContext(Qt.WindowShortcut)
            action.triggered.connect(slot)
            window.addAction(action)
            self.actions[name] = action
        # the tour and the keys first, the lab's page in the middle, About last
        for name in ("getting_started", "shortcuts"):
            if first is None:
                menu.addAction(self.actions[name])
            else:
                menu.insertAction(first, self.actions[name])
        if first is not None:
            menu.insertSeparator(first)
        menu.addSeparator()
        menu.addAction(self.actions["about"])

    def _show(self, name: str, title: str, body: str, size=(560, 520)) -> HelpPageWindow:
        page = self.pages.get(name)
        if page is None:
            page = self.pages[name] = HelpPageWindow(title, body, self.window, size)
        else:
            page.text.setHtml(body)
        page.show()
        page.raise_()
        return page

    def show_getting_started(self) -> HelpPageWindow:
        """Help > Getting started (F1)."""
        return self._show("getting_started", "Getting started", GETTING_STARTED, (600, 560))

    def show_shortcuts(self) -> HelpPageWindow:
        """Help > Keyboard shortcuts: made from the actions' keys now."""
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(t)}</td>"
                       f"<td>{html.escape(tip)}</td></tr>"
                       for k, t, tip in shortcut_rows(self.window))
        body = ("<h2>Keyboard shortcuts</h2><p>The keys work wherever the focus is, except "
                "while a text field is being edited: Enter or Escape there gives them back."
                "</p><table cellspacing='0' cellpadding='4'>"
                "<tr><th align='left'>Keys</th><th align='left'>Command</th>"
                f"<th align='left'>What it does</th></tr>{rows}</table>")
        return self._show("shortcuts", "Keyboard shortcuts", body, (640, 560))

    def show_about(self) -> HelpPageWindow:
        """Help > About: what this is, and the versions it runs on."""
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
                       for k, v in versions().items())
        body = ("<h2>GMM Explorer</h2><p>Watch EM fit a Gaussian mixture, one iteration at a "
                "time: covariance ellipses, the log-likelihood, condition numbers, and the "
                f"collapse of a component, explained and cured.</p><table>{rows}</table>")
        return self._show("about", "About GMM Explorer", body, (420, 360))
