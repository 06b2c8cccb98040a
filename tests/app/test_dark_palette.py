"""Text reads in a dark palette too: the notes box, the table's coloured cells, the status."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from gmm_explorer.app.colors import text_color


def _luminance(color: QColor) -> float:
    def channel(c):
        c = c / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in color.getRgb()[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21; 4.5 is the floor for body text."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _commonest_colour(image) -> QColor:
    image = image.convertToFormat(QImage.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    values, counts = np.unique(pixels, return_counts=True)
    return QColor.fromRgb(int(values[counts.argmax()]))


def _dark_palette() -> QPalette:
    p = QPalette()
    for role, rgb in [(QPalette.Window, (45, 45, 45)), (QPalette.WindowText, (230, 230, 230)),
                      (QPalette.Base, (30, 30, 30)), (QPalette.AlternateBase, (45, 45, 45)),
                      (QPalette.Text, (230, 230, 230)), (QPalette.Button, (50, 50, 50)),
                      (QPalette.ButtonText, (230, 230, 230))]:
        p.setColor(role, QColor(*rgb))
    return p


@pytest.fixture(params=["light", "dark"])
def collapsed_window(request, qtbot, qapp):
    """The seed preset collapsed at iteration 7, in a light or a dark palette."""
    from gmm_explorer.app.model.workspace import Workspace
    from gmm_explorer.app.shell.window import ExplorerWindow

    before = QApplication.palette()
    if request.param == "dark":
        QApplication.setPalette(_dark_palette())
    try:
        w = ExplorerWindow(Workspace())
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        qtbot.waitExposed(w)
        w.lab_ui.load_preset("seed")
        for _ in range(7):
            w.step()
        qapp.processEvents()
        yield request.param, w
    finally:
        QApplication.setPalette(before)


def test_coloured_table_cells_keep_readable_text(collapsed_window):
    _, w = collapsed_window
    table = w.table
    marked = 0
    for k in range(table.rowCount()):
        for j in range(1, table.columnCount()):
            item = table.item(k, j)
            if item.background().style() == Qt.NoBrush:  # no colour of its own: the palette's
                continue
            marked += 1
            pen = item.foreground()  # without one of its own, the palette's text colour
            text = pen.color() if pen.style() != Qt.NoBrush else table.palette().color(QPalette.Text)
            assert _contrast(text, item.background().color()) >= 4.5, (k, j)
    assert marked == 10 + 5  # every status cell, and the rest of the singular row


def test_notes_box_and_status_follow_the_palette(collapsed_window):
    kind, w = collapsed_window
    notes = w.run_panel.notes
    inside = _commonest_colour(notes.grab().toImage())  # the box's background
    text = notes.palette().color(QPalette.Text)
    assert _contrast(inside, text) >= 4.5
    status = w.status_labels["converged"]
    assert status.text() == "collapsed"
    assert text_color("bad", kind == "dark") in status.styleSheet()
    window_colour = w.palette().color(QPalette.Window)
    assert _contrast(QColor(text_color("bad", kind == "dark")), window_colour) >= 4.5


def test_a_palette_switch_while_running_recolours_the_words(qtbot, qapp):
    from gmm_explorer.app.model.workspace import Workspace
    from gmm_explorer.app.shell.window import ExplorerWindow

    before = QApplication.palette()
    w = ExplorerWindow(Workspace())
    qtbot.addWidget(w)
    w.show()
    w.lab_ui.load_preset("seed")
    for _ in range(7):
        w.step()
    assert text_color("bad", False) in w.status_labels["converged"].styleSheet()
    try:
        QApplication.setPalette(_dark_palette())  # the system switched to dark
        qapp.processEvents()
        assert text_color("bad", True) in w.status_labels["converged"].styleSheet()
        assert text_color("muted", True) in w.drawing_note.styleSheet()
        assert text_color("bad", True) in w.lab_ui.panel._html
    finally:
        QApplication.setPalette(before)
