"""Remedy buttons, compare mode, hand-made points and the help page."""

import numpy as np
import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def lab_ui(window):
    return window.lab_ui


def statuses(session):
    return [st.component_status for st in session.history]


def test_ridge_keeps_a_one_point_component_as_a_tiny_degenerate_ellipse(lab_ui):
    lab_ui.load_preset("outlier")
    lab_ui.panel.ridge.setCurrentText("1e-4")
    lab_ui.panel.apply("ridge", steps=10)
    s = lab_ui.workspace
    assert s.model.reg_covar == 1e-4 and s.history[-1].iteration == 10
    assert all("singular" not in st for st in statuses(s))
    assert s.state.component_status[2] == "degenerate"
    np.testing.assert_allclose(s.state.eigenvalues[2], 1e-4, rtol=1e-3)  # ridge x I
    assert lab_ui.panel.buttons["ridge"].isChecked()
    assert "invertible is not sound" in lab_ui.panel.plain_text()


def test_prior_leaves_no_component_singular(lab_ui):
    lab_ui.load_preset("duplicates")
    lab_ui.panel.apply("prior", steps=8)
    s = lab_ui.workspace
    assert s.model.prior == "conjugate" and s.model.reg_covar == 0.0
    assert s.history[-1].iteration == 8
    assert all(set(st) <= {"ok", "degenerate"} for st in statuses(s))


def test_reinitialize_and_remove_act_at_the_collapse(lab_ui):
    s = lab_ui.workspace
    lab_ui.load_preset("outlier")
    lab_ui.panel.apply("reinitialize", steps=4)
    record = s.history[2].collapse
    assert record.action == "reinitialized" and record.components == (2,)
    assert s.history[2].component_status[2] != "singular" and s.history[-1].iteration == 4
    assert "re-seeded" in " ".join(s.history[2].events)
    lab_ui.panel.apply("remove", steps=4)
    assert s.history[2].collapse.action == "removed"
    assert s.history[1].n_components == 3 and s.state.n_components == 2
    assert s.history[-1].iteration == 4


def test_continue_goes_past_the_collapse_with_a_pseudo_likelihood(lab_ui):
    s = lab_ui.workspace
    lab_ui.load_preset("outlier")
    lab_ui.panel.apply("continue", steps=4)
    assert s.history[-1].iteration == 4 and s.history[2].collapse.action == "continued"
    assert s.state.component_status[2] == "singular"
    assert s.state.pseudo_log_likelihood is not None and np.isfinite(s.state.pseudo_log_likelihood)
    text = lab_ui.panel.plain_text()
    assert "pseudo log-likelihood" in text and "not comparable" in text
    x, _ = lab_ui.marks["likelihood"].pseudo.getData()
    assert len(x) == len(s.history)


def test_no_remedy_reruns_the_problem_from_the_same_start(lab_ui):
    s = lab_ui.workspace
    lab_ui.load_preset("outlier")
    first = np.array(s.history[0].means)
    lab_ui.panel.apply("ridge", steps=3)
    lab_ui.panel.apply("none", steps=5)
    np.testing.assert_array_equal(s.history[0].means, first)
    assert s.model.reg_covar == 0.0 and s.history[-1].collapse.iteration == 2


def test_compare_runs_both_sides_in_step(lab_ui, qtbot):
    lab_ui.load_preset("seed")
    cw = lab_ui.show_compare(wait=True)
    qtbot.addWidget(cw)
    cw.run("none", "ridge", wait=True)
    left, right = cw.comparison.sides
    assert left.history[-1].iteration == 7 and left.history[-1].collapse is not None
    assert right.history[-1].iteration > 7 and right.history[-1].collapse is None
    assert cw.cell("singular", 0) == "1" and cw.cell("singular", 1) == "none"
    assert "1" in cw.cell("degenerate", 1).split(", ")
    assert cw.cell("final log-likelihood", 1) != cw.cell("final log-likelihood", 0)
    cw.go_to(1)
    assert cw.shown_iterations == (1, 1)
    cw.go_to(9)
    assert cw.shown_iterations == (7, 9)  # the stopped side shows its last state
    vb0, vb1 = (p.getPlotItem().getViewBox() for p in cw.plots)
    vb0.setXRange(0, 1, padding=0)
    assert vb1.viewRange()[0] == pytest.approx([0, 1])


def test_clicks_add_copies_and_delete_points(lab_ui):
    s = lab_ui.workspace
    lab_ui.load_preset("outlier")
    n = len(s.X)
    start = np.array(s.history[0].means)
    ed = lab_ui.editor
    ed.click(10.0, 10.0)
    assert len(s.X) == n + 1 and np.allclose(s.X[-1], [10, 10])
    ed.click(-5.0, 8.0, Qt.ShiftModifier)
    assert len(s.X) == n + 11 and np.all(s.X[-10:] == [-5, 8])
    np.testing.assert_array_equal(s.history[0].means, start)  # same start
    assert len(s.history) == 1 and lab_ui.lab.preset is not None
    ed.click(10.0, 10.0, Qt.ControlModifier)
    assert len(s.X) == n + 10 and not np.any(np.all(s.X == [10, 10], axis=1))


@pytest.fixture
def click_at(lab_ui, qtbot, qapp):
    """Edit mode on a shown centre plot; ``click_at(x, y, modifiers)`` clicks with the mouse
    at data coordinates."""
    from PySide6.QtCore import QPointF
    from PySide6.QtTest import QTest

    centre = lab_ui.editor.centre
    centre.resize(600, 500)
    centre.show()
    qtbot.waitExposed(centre)
    lab_ui.editor.set_enabled(True)
    vb = centre.getPlotItem().getViewBox()

    def click(x, y, modifiers=Qt.NoModifier):
        at = centre.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
        QTest.mouseClick(centre.viewport(), Qt.LeftButton, modifiers, at)
        qapp.processEvents()

    return click


def test_mouse_clicks_in_edit_mode_add_a_point_but_not_on_a_mean(lab_ui, click_at):
    from PySide6.QtCore import QPointF

    s = lab_ui.workspace
    centre = lab_ui.editor.centre
    vb = centre.getPlotItem().getViewBox()
    n = len(s.X)
    mean = s.state.means[0, list(s.axes)]
    click_at(*mean)
    assert len(s.X) == n  # the click went to the handle
    (x0, x1), (y0, y1) = vb.viewRange()
    corner = (x0 + 0.03 * (x1 - x0), y0 + 0.03 * (y1 - y0))
    assert centre.handles.handle_at(QPointF(*corner)) is None
    click_at(*corner)
    assert len(s.X) == n + 1
    np.testing.assert_allclose(s.X[-1, list(s.axes)], corner, rtol=0.05, atol=0.1)


def test_ctrl_click_with_the_mouse_on_a_drawn_point_deletes_it(lab_ui, click_at):
    """The data scatter accepts clicks on its points; point editing must still see them."""
    s = lab_ui.workspace
    points = s.drawn_points()
    means = s.state.means[:, list(s.axes)]
    far = int(np.argmax(np.min(np.linalg.norm(points[:, None] - means[None], axis=2), axis=1)))
    n = len(s.X)
    click_at(*points[far], Qt.ControlModifier)
    assert len(s.X) == n - 1


def test_a_marked_rows_status_cell_keeps_the_mark_colour(lab_ui):
    from gmm_explorer.app.views.collapse_marks import ROW_COLORS

    lab_ui.load_preset("seed")
    s = lab_ui.workspace
    table = lab_ui.marks["table"].table
    for _ in range(7):  # component 1 degenerate, then singular at iteration 7
        s.step()
        for k, status in enumerate(s.state.component_status):
            if status in ROW_COLORS:
                for j in (1, 2, 5):  # weight, status, mean
                    rgb = table.item(k, j).background().color().getRgb()[:3]
                    assert rgb == ROW_COLORS[status], (s.state.iteration, k, j)


def test_help_page_opens_from_the_panel_link(lab_ui, qtbot):
    from PySide6.QtCore import QUrl

    from gmm_explorer.app.panels.help_page import log_density_at_mean
    from gmm_explorer.app.panels.lab_text import HELP_LINK

    lab_ui.panel.text.anchorClicked.emit(QUrl(HELP_LINK))
    page = lab_ui.help_page
    qtbot.addWidget(page)
    assert page.isVisible() and "allow_singular" in page.text.toPlainText()
    assert log_density_at_mean(1e-6) > log_density_at_mean(1e-3)  # unbounded
    assert log_density_at_mean(1e-6, 1e-4) == pytest.approx(log_density_at_mean(0, 1e-4), 1e-6)


def test_compare_says_why_a_side_cannot_run_and_keeps_the_last(lab_ui, qtbot):
    s = lab_ui.workspace
    cw = lab_ui.show_compare(wait=True)
    qtbot.addWidget(cw)
    shown = cw.comparison
    # identical points without a ridge: the start's covariances are singular
    s.set_model(n_components=3, reg_covar=0.0)
    s.set_data(np.ones((40, 2)), name="identical")
    cw.run("none", "ridge", wait=True)
    assert cw.comparison is shown and cw.error.isVisible()
    assert cw.error.text().startswith("No remedy cannot run from this start:")


def test_compare_keeps_working_after_the_data_change_shape(lab_ui, qtbot):
    s = lab_ui.workspace
    s.loading.load_builtin("iris")
    s.set_axes(2, 3)
    cw = lab_ui.show_compare(wait=True)
    qtbot.addWidget(cw)
    s.loading.load_builtin("faithful")  # two columns now: the comparison keeps its own axes
    cw.go_to(2)
    assert cw.comparison.axes == (2, 3) and not cw.error.isVisible()


def test_a_compare_side_continues_in_the_window_without_changing_the_comparison(
        lab_ui, seed_compared):
    s = lab_ui.workspace
    cw = seed_compared("none", "remove")
    right = cw.comparison.sides[1]
    length = len(right.history)
    cw.continue_side(1)
    assert s.model.on_collapse == "remove" and s.model.reg_covar == 0.0
    assert len(s.history) == length
    np.testing.assert_array_equal(s.state.means, right.history[-1].means)
    assert s.step() and len(s.history) == length + 1
    assert len(right.history) == length  # the comparison's own fit is untouched
    s.loading.load_builtin("iris")  # other data: that side cannot continue here
    cw.continue_side(0)
    assert cw.error.isVisible() and "other data" in cw.error.text()


def test_ctrl_click_deletes_a_point_under_a_mean(lab_ui, click_at):
    """A mean's handle must not swallow the click that deletes the point it covers."""
    s = lab_ui.workspace
    mean = s.state.means[0, list(s.axes)]
    s.lab.add_points(mean)  # a point exactly under the mean's handle
    mean = s.state.means[0, list(s.axes)]  # EM restarted from the same start
    n = len(s.X)
    click_at(*mean, Qt.ControlModifier)
    assert len(s.X) == n - 1


def test_alt_click_sprays_points_that_ctrl_z_takes_back(lab_ui, click_at):
    from gmm_explorer.app.views.point_editing import BRUSH_POINTS

    s = lab_ui.workspace
    (x0, x1), (y0, y1) = lab_ui.editor.centre.getPlotItem().getViewBox().viewRange()
    corner = (x0 + 0.2 * (x1 - x0), y0 + 0.2 * (y1 - y0))
    X0 = s.X.copy()
    lab_ui.editor.set_brush("wide")
    lab_ui.editor.seed = 3
    click_at(*corner, Qt.AltModifier)
    assert len(s.X) == len(X0) + BRUSH_POINTS
    sprayed = s.X[len(X0):, list(s.axes)]
    assert 0.03 * (x1 - x0) < sprayed[:, 0].std() < 0.15 * (x1 - x0)
    lab_ui.window.actions_by_name["undo"].trigger()
    assert s.X.tobytes() == X0.tobytes()
    lab_ui.window.actions_by_name["redo"].trigger()
    assert len(s.X) == len(X0) + BRUSH_POINTS
