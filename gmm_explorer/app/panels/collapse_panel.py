"""The collapse panel: what collapsed, why, and one button per remedy."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app import colors
from gmm_explorer.app.model.remedies import REMEDIES
from gmm_explorer.app.panels.lab_text import HELP_LINK, REMEDY_TEXT, panel_html
from gmm_explorer.app.shell import preferences
from gmm_explorer.app.views.incremental import CollapseIndex

RIDGE_CHOICES = ("1e-9", "1e-6", "1e-4", "1e-3", "1e-2", "1e-1")
_TIPS = {
    "none": "Re-run the scene as loaded, without a remedy, from the same start",
    **{k: "Re-run from the same start: " + v.replace("<b>", "").replace("</b>", "")
       .replace("<i>", "").replace("</i>", "").replace("<code>", "").replace("</code>", "")
       .replace("&amp;", "&").replace("&times;", "×").replace("&infin;", "∞")
       for k, v in REMEDY_TEXT.items()},
}


class CollapsePanel(QWidget):
    """Explains the shown collapse and offers the remedies.

    Parameters
    ----------
    workspace : Workspace
    lab : gmm_explorer.app.model.lab.Lab

    Signals
    -------
    helpRequested()
        The help link was clicked.
    """

    helpRequested = Signal()

    def __init__(self, workspace, lab, parent=None):
        super().__init__(parent)
        self._built = False  # Qt may send a palette change while the panel is built
        self.workspace, self.lab = workspace, lab
        self.collapses = CollapseIndex()
        self.text = QTextBrowser()
        self._html = None  # the text shown, to skip setting it unchanged
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._on_link)
        self.text.setToolTip("What collapsed, when, on how many points, and why")
        self.buttons = {}
        grid = QGridLayout()
        for i, (name, (label, _)) in enumerate(REMEDIES.items()):
            b = QPushButton(label)
            b.setToolTip(_TIPS.get(name, label))
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, n=name: self.apply(n))
            grid.addWidget(b, i // 2, i % 2)  # two columns: the dock fits a 1024 px screen
            self.buttons[name] = b
        self.ridge = QComboBox()
        self.ridge.setEditable(True)
        self.ridge.addItems(RIDGE_CHOICES)
        self.ridge.setCurrentText("1e-6")
        self.ridge.setToolTip("The ridge (reg_covar) the Ridge button uses, added to every "
                              "covariance's diagonal")
        help_button = QPushButton("Why singular?…")
        help_button.setToolTip("Open the help page on singular covariances")
        help_button.clicked.connect(self.helpRequested.emit)
        ridge_row = QHBoxLayout()  # one row for the ridge and the help: more room for the text
        ridge_row.addWidget(QLabel("ridge"))
        ridge_row.addWidget(self.ridge, 1)
        ridge_row.addWidget(help_button)
        self.error = QLabel()
        self._apply_palette()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(grid)
        layout.addLayout(ridge_row)
        layout.addWidget(self.error)
        self.error.hide()
        workspace.currentChanged.connect(self.refresh)
        lab.presetChanged.connect(self.refresh)
        lab.remedyChanged.connect(self.refresh)
        self._built = True
        self.refresh()

    def apply(self, name: str, steps: int | None = None) -> None:
        """Re-run with remedy ``name`` (the button's action)."""
        self.error.setText("")
        self.error.hide()
        try:
            ridge = float(self.ridge.currentText()) if name == "ridge" else None
            self.lab.apply_remedy(name, ridge=ridge, steps=steps)
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
        self.refresh()

    def refresh(self, *_args) -> None:
        """Rewrite the text for the shown state."""
        s = self.workspace
        for name, b in self.buttons.items():
            b.setChecked(name == self.lab.remedy)
        if s.state is None:
            self._set_html("")
            return
        self.record = self.collapses.latest(s.history, s.current)  # find_collapse, incremental
        self._set_html(panel_html(s.state, self.record, self.lab.remedy, self.lab.preset,
                                  preferences.is_dark(self.palette())))

    def _apply_palette(self) -> None:
        self.error.setStyleSheet(
            f"color: {colors.text_color('bad', preferences.is_dark(self.palette()))};")

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """A new (light or dark) palette: text colours that read on it."""
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange and self._built:
            self._apply_palette()
            self.refresh()

    def _set_html(self, html: str) -> None:
        # the text often stays the same from one Step to the next; setting it
        # anyway relaid out and repainted the panel (0.2 ms a Step)
        if html != self._html:
            self._html = html
            self.text.setHtml(html)

    def plain_text(self) -> str:
        """The panel's text as plain words (for tests)."""
        return self.text.toPlainText()

    def _on_link(self, url) -> None:
        if url.toString() == HELP_LINK:
            self.helpRequested.emit()
