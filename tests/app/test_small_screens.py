"""A 1024x768 screen holds the whole window, in normal and presentation mode;
keys come back to the plot after typing; text is never cut mid-word."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QDockWidget, QTabBar, QWidget

SMALL = (1024, 768)


def _inside_scroll_area(widget, dock) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not dock:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _behind_a_tab(window, dock) -> bool:
    """A tabbed dock that is not its group's current tab (Qt keeps it "visible", far off)."""
    if not window.tabifiedDockWidgets(dock):
        return False
    current = {bar.tabText(bar.currentIndex()) for bar in window.findChildren(QTabBar)
               if bar.isVisible()}
    return dock.windowTitle() not in current


def outside_widgets(window) -> list:
    """Visible widgets of the visible docks that reach outside the window (or their dock)."""
    frame = QRect(QPoint(0, 0), window.size())
    out = []
    for dock in window.findChildren(QDockWidget):
        if not dock.isVisible() or dock.isFloating() or _behind_a_tab(window, dock):
            continue
        dock_rect = QRect(dock.mapTo(window, QPoint(0, 0)), dock.size())
        if not frame.contains(dock_rect):
            out.append(dock.windowTitle())
        for w in dock.findChildren(QWidget):
            if not w.isVisibleTo(dock) or not w.isVisible() or _inside_scroll_area(w, dock):
                continue  # a scroll area's content may lie below its view: that scrolls
            rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
            if not (frame.contains(rect) and dock_rect.contains(rect)):
                out.append(f"{dock.windowTitle()}: {type(w).__name__} {w.objectName()} "
                           f"{rect.getRect()}")
    return out


@pytest.fixture
def small_window(window, qtbot, qapp):
    window.resize(*SMALL)
    qapp.processEvents()
    return window


@pytest.mark.parametrize("raised", ["data", "collapse"])
def test_every_dock_fits_a_1024_by_768_screen(small_window, qapp, raised):
    w = small_window
    (w.docks["data"] if raised == "data" else w.lab_ui.dock).show()
    (w.docks["data"] if raised == "data" else w.lab_ui.dock).raise_()
    w.resize(*SMALL)
    qapp.processEvents()
    assert (w.width(), w.height()) == SMALL  # no minimum size wider or taller than the screen
    assert outside_widgets(w) == [], outside_widgets(w)


def test_presentation_mode_is_larger_has_fewer_docks_and_fits(small_window, qapp):
    w = small_window
    size, points = w.font().pointSizeF(), w.centre.point_size
    visible = {name for name, d in w.docks.items() if d.isVisible()}
    w.actions_by_name["presentation"].trigger()
    qapp.processEvents()
    w.resize(*SMALL)
    qapp.processEvents()
    assert w.presentation.on and w.actions_by_name["presentation"].isChecked()
    assert w.font().pointSizeF() > 1.3 * size and w.centre.point_size > points
    assert w.docks["model"].isHidden() and w.docks["table"].isHidden()
    assert w.docks["run"].isVisible() and w.docks["likelihood"].isVisible()
    assert (w.width(), w.height()) == SMALL
    assert outside_widgets(w) == [], outside_widgets(w)
    w.presentation.toggle()  # and back, as it was
    qapp.processEvents()
    assert w.font().pointSizeF() == size and w.centre.point_size == points
    assert {name for name, d in w.docks.items() if d.isVisible()} == visible


def test_enter_in_a_field_gives_the_step_keys_back(window, qtbot, qapp):
    box = window.model_panel.k
    box.setFocus()
    qapp.processEvents()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "4")
    qtbot.keyClick(box, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.centre.hasFocus(), timeout=2000)
    assert window.workspace.model.n_components == 4
    before = window.workspace.state.iteration
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Right)  # where a real key goes
    assert window.workspace.state.iteration == before + 1


def test_right_typed_in_a_field_moves_the_cursor_not_em(window, qtbot, qapp):
    box = window.model_panel.k
    box.setFocus()
    qapp.processEvents()
    before = window.workspace.state.iteration
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Right)
    assert window.workspace.state.iteration == before and box.hasFocus()
    qtbot.keyClick(box, Qt.Key_Escape)
    qtbot.waitUntil(lambda: window.centre.hasFocus(), timeout=2000)


def test_status_messages_are_cut_at_a_word(small_window, qapp):
    w = small_window
    message = ("Collapse at iteration 12: component 3 singular (stopped). A very long "
               "explanation follows here that cannot possibly fit beside the fields in the "
               "status bar of a window only a thousand pixels wide, whatever the font.")
    w.show_message(message)
    qapp.processEvents()
    shown = w.statusBar().currentMessage()
    assert shown.endswith(" …") and len(shown) < len(message)
    assert message.startswith(shown[:-2])
    assert message[len(shown) - 2] in " ,;:("  # the next character ends a word
    fields = min(f.geometry().left() for f in w.status_labels.values() if f.isVisible())
    assert w.statusBar().fontMetrics().horizontalAdvance(shown) < fields


def test_a_long_note_above_the_plot_does_not_widen_the_window(small_window, qapp):
    w = small_window
    least = w.minimumSizeHint().width()
    w.drawing_note.setText("5,000 of 200,000,000 points coloured, and then some more words")
    qapp.processEvents()
    assert w.minimumSizeHint().width() == least
    assert w.drawing_note.full_text().startswith("5,000 of 200,000,000")


def test_the_compare_window_opens_whole_on_the_screen_with_its_table_whole(window, qtbot):
    window.lab_ui.load_preset("seed")
    cw = window.lab_ui.show_compare(wait=True)
    qtbot.addWidget(cw)
    area = cw.screen().availableGeometry()
    assert area.contains(cw.frameGeometry()), (area, cw.frameGeometry())
    table = cw.table
    assert table.viewport().height() >= table.verticalHeader().length()
    assert not table.verticalScrollBar().isVisible()


@pytest.mark.parametrize("height", [400, 150, 90, 60])
def test_a_short_history_plot_takes_a_short_title_not_a_cut_one(qtbot, height):
    from PySide6.QtGui import QFontMetrics

    from gmm_explorer.app.model.workspace import Workspace
    from gmm_explorer.app.views.curves_view import LikelihoodView

    ws = Workspace()
    view = LikelihoodView(ws)
    qtbot.addWidget(view)
    view.resize(300, height)
    view.show()
    qtbot.waitExposed(view)
    axis = view.getAxis("left")
    room = view.getPlotItem().getViewBox().height()
    width = QFontMetrics(axis.label.font()).horizontalAdvance
    titles = view.left_titles
    fitting = [t for t in titles if width(t) <= room]
    # the longest title that fits, or the shortest when none does
    assert axis.labelText == (fitting[0] if fitting else titles[-1])
    if height == 400:
        assert axis.labelText == "log-likelihood (nats)"
    if height == 60:
        assert axis.labelText != "log-likelihood (nats)"
    ws.shutdown()


def test_a_table_too_wide_for_its_dock_scrolls_rather_than_cutting_its_columns(
        small_window, qapp):
    from gmm_explorer.app.views.table_view import COLUMNS

    w = small_window
    for _ in range(3):
        w.step()
    qapp.processEvents()
    table = w.table
    bar = table.horizontalScrollBar()
    last = table.columnCount() - 1
    assert bar.maximum() > 0  # at 1024x768 the seven columns do not fit the dock
    assert bar.isVisible()  # so a person can scroll to them
    bar.setValue(bar.maximum())  # scrolled to the end: the means and eigenvalues in view
    qapp.processEvents()
    assert table.columnViewportPosition(COLUMNS.index("mean")) >= 0
    right = table.columnViewportPosition(last) + table.columnWidth(last)
    assert right <= table.viewport().width() + 1


def test_at_1280_by_800_the_table_needs_no_scrollbar(window, qapp):
    window.resize(1280, 800)
    for _ in range(3):
        window.step()
    qapp.processEvents()
    bar = window.table.horizontalScrollBar()
    assert bar.maximum() == 0 and not bar.isVisible()
