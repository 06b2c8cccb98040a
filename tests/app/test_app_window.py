"""The window: each control changes the session, each session change updates the views."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gmm_explorer.app.views.table_view import COLUMNS, compact

# ------------------------------------------------------------ views follow the session

def test_opens_on_the_seed_scene(window):
    s = window.workspace
    assert s.state.n_components == 10 and s.X.shape == (1000, 2)
    assert window.model_panel.k.value() == 10
    assert window.model_panel.ridge.isChecked()
    assert window.table.rowCount() == 10
    assert len(window.centre.scatter.data) == 1000


@pytest.mark.parametrize("level", [1, 2, 3])
def test_drawn_ellipses_lie_on_the_sigma_contours(window, level):
    window.centre.set_sigma_visible(level, True)
    window.step()
    state = window.workspace.state
    for k in range(state.n_components):
        pts = window.centre.ellipse_data(k, level)
        d = pts - state.means[k]
        maha = np.einsum("pi,ij,pj->p", d, np.linalg.inv(state.covariances[k]), d)
        np.testing.assert_allclose(maha, level ** 2, rtol=1e-8)


def test_ellipses_are_exact_marginals_for_chosen_axes(window):
    s = window.workspace
    s.set_model(n_components=3)
    s.loading.load_builtin("iris")
    window.data_panel.x_axis.setCurrentIndex(2)
    window.data_panel.y_axis.setCurrentIndex(3)
    assert s.axes == (2, 3)
    state = s.state
    for k in range(3):
        pts = window.centre.ellipse_data(k, 1)
        mu = state.means[k, [2, 3]]
        cov = state.covariances[k][np.ix_([2, 3], [2, 3])]
        d = pts - mu
        maha = np.einsum("pi,ij,pj->p", d, np.linalg.inv(cov), d)
        np.testing.assert_allclose(maha, 1.0, rtol=1e-8)
    np.testing.assert_allclose(window.centre.handle_position(1)[0], state.means[1, 2])
    pos = window.centre.scatter.getData()
    np.testing.assert_allclose(pos[0], s.X[:, 2])


def test_table_shows_the_shown_state(window):
    window.step()
    window.step()
    window.workspace.go_to(1)
    state = window.workspace.state
    t = window.table
    assert t.cell_text(3, "weight") == f"{state.weights[3]:.3f}"
    assert t.cell_text(3, "condition") == compact(state.condition_numbers[3])
    assert t.cell_text(3, "status") == state.component_status[3]
    assert t.cell_text(3, "eff. n") == f"{state.effective_counts[3]:.1f}"
    swatch = t.item(3, COLUMNS.index("k")).background().color()
    from gmm_explorer.app.colors import component_color
    assert (swatch.red(), swatch.green(), swatch.blue()) == component_color(3)


def test_curves_follow_the_history_and_mark_the_shown_iteration(window):
    for _ in range(4):
        window.step()
    s = window.workspace
    x, y = window.likelihood.ll_data()
    np.testing.assert_array_equal(x, [0, 1, 2, 3, 4])
    np.testing.assert_allclose(y, [st.log_likelihood for st in s.history])
    s.go_to(2)
    assert window.likelihood.marker.value() == 2
    assert window.conditions.marker.value() == 2
    it, logcond = window.conditions.line_data(5)
    np.testing.assert_allclose(10 ** logcond, [st.condition_numbers[5] for st in s.history])
    assert window.conditions.limit.value() == pytest.approx(12.0)
    pen = window.conditions.lines.line_pen(5)
    from gmm_explorer.app.colors import component_color
    c = pen.color()
    assert (c.red(), c.green(), c.blue()) == component_color(5)


def test_colour_mode_changes_the_brushes(window):
    window.step()
    blended = [b.color().name() for b in window.centre.scatter.data["brush"][:50]]
    window.color_mode.setCurrentText("hard")
    assert window.centre.color_mode == "hard"
    hard = window.centre.scatter.data["brush"]
    alphas = {b.color().alpha() for b in hard}
    assert len(alphas) > 1  # opacity follows confidence
    assert [b.color().name() for b in hard[:50]] != blended or len(alphas) > 1


def test_sigma_and_means_toggles(window):
    window.sigma_boxes[1].setChecked(False)
    assert not window.centre.ellipse_visible(0, 1)
    window.sigma_boxes[3].setChecked(True)
    assert window.centre.ellipse_visible(0, 3)
    window.means_box.setChecked(False)
    assert not window.centre.handles.isVisible()


def test_status_bar_reports_iteration_loglik_change_converged(window):
    window.step()
    s = window.workspace
    labels = window.status_labels
    assert labels["iteration"].text() == "iteration 1"
    assert f"{s.state.log_likelihood:,.3f}" in labels["loglik"].text()
    assert f"{s.change():+.3g}" in labels["change"].text()
    # tol is per point, so the change per point is shown beside the total
    assert f"({s.change() / len(s.X):+.1e} per point)" in labels["change"].text()
    assert labels["converged"].text() in ("converged", "not converged")
    s.set_run_settings(tol=1e-14)
    s.set_run_settings(tol=1e-3)


def test_hover_shows_the_responsibilities_of_the_nearest_point(window):
    s = window.workspace
    window.step()
    row = 17
    x, y = s.X[row]
    text = window.centre.hover_text_at(x, y)
    r = s.point_responsibilities(row)
    top = int(np.argmax(r))
    assert text.startswith(f"point {row}")
    assert f"{top}: {r[top]:.3f}" in text
    far = window.centre.hover_text_at(1e6, 1e6)
    assert far == ""


# ------------------------------------------------------------------ controls

def test_model_controls_change_the_session(window):
    s, panel = window.workspace, window.model_panel
    panel.k.setValue(4)
    assert s.model.n_components == 4 and s.state.n_components == 4
    assert window.table.rowCount() == 4
    panel.covariance_type.setCurrentText("spherical")
    assert s.engine.covariance_type == "spherical"
    panel.init.setCurrentText("random")
    assert s.engine.init == "random"
    panel.start_seed.setValue(5)
    assert s.model.random_state == 5
    panel.reg_covar.slider.setValue(panel.reg_covar.slider.value() + 2)  # one decade up
    assert s.model.reg_covar == pytest.approx(1e-5)
    panel.ridge.setChecked(False)
    assert s.model.reg_covar == 0.0 and s.engine.reg_covar == 0.0
    panel.prior.setChecked(True)
    assert s.engine.prior == "conjugate"
    panel.on_collapse.setCurrentText("remove")
    assert s.engine.on_collapse == "remove"
    panel.max_condition.slider.setValue(panel.max_condition.slider.value() - 2)
    assert s.model.max_condition == pytest.approx(1e10)
    assert window.conditions.limit.value() == pytest.approx(10.0)


def test_run_controls_change_the_session(window):
    s, panel = window.workspace, window.run_panel
    panel.max_iter.setValue(33)
    assert s.run_settings.max_iter == 33
    panel.tol.slider.setValue(panel.tol.slider.value() - 3)
    assert s.run_settings.tol == pytest.approx(1e-6) and s.engine.tol == pytest.approx(1e-6)
    panel.speed.setValue(panel.speed.maximum())
    assert s.run_settings.delay == 0.0 and panel.speed_label.text() == "no pause"
    panel.speed.setValue(0)
    assert s.run_settings.delay == pytest.approx(2.0)
    assert panel.speed_label.text() == "2.00 s / iteration"
    assert "2 s (left)" in panel.speed.toolTip() and "Now: 2.00 s" in panel.speed.toolTip()


def test_default_speed_lets_the_eye_follow(window):
    # three to five iterations a second, and the slider and its label say so
    s, panel = window.workspace, window.run_panel
    assert 0.2 <= s.run_settings.delay <= 1 / 3
    assert panel.speed_label.text() == "0.25 s / iteration"
    assert panel.speed.toolTip() == panel.speed_label.toolTip()


def test_data_controls_generate_and_load(window):
    s, panel = window.workspace, window.data_panel
    panel.generator.setCurrentText("blobs")
    panel.n_samples.setValue(400)
    panel.n_centers.setValue(3)
    panel.spread.setValue(0.7)
    panel.seed.setValue(11)
    panel.generate()
    assert s.X.shape == (400, 2)
    assert "N=400" in s.data_name and "seed=11" in s.data_name
    panel.builtin.setCurrentText("faithful")
    panel.load_builtin()
    assert s.X.shape == (272, 2)
    assert window.centre.getPlotItem().getAxis("bottom").labelText == s.feature_names[0]


def test_failed_open_keeps_the_data_and_says_why(window, tmp_path):
    X = window.workspace.X
    bad = tmp_path / "nonsense.csv"
    bad.write_text("not,numbers\nat,all\n")
    assert not window.open_file(bad)
    assert window.workspace.X is X
    assert str(bad) in window.last_error
    assert window._error_box is not None and not window._error_box.isModal()


def test_buttons_carry_the_actions(window, qtbot):
    buttons = window.run_panel.buttons
    qtbot.mouseClick(buttons["step"], Qt.LeftButton)
    qtbot.mouseClick(buttons["step"], Qt.LeftButton)
    assert window.workspace.current == 2
    qtbot.mouseClick(buttons["back"], Qt.LeftButton)
    assert window.workspace.current == 1
    qtbot.mouseClick(buttons["reset"], Qt.LeftButton)
    assert len(window.workspace.history) == 1


def test_every_control_has_a_tooltip(window):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
    )

    missing = []
    for cls in (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox):
        for w in window.findChildren(cls):
            if w.parent() is not None and type(w.parent()).__name__ in ("QScrollBar",):
                continue
            if type(w).__name__ in ("QScrollBar",) or w.objectName().startswith("qt_"):
                continue
            tip = w.toolTip() or (w.parent().toolTip() if w.parent() else "")
            if type(w).__name__ == "QToolButton" and w.defaultAction() is not None:
                tip = tip or w.defaultAction().toolTip()
            if not tip and w.isVisibleTo(window):
                missing.append((type(w).__name__, getattr(w, "text", lambda: "")()))
    assert not missing, missing


def test_menus_hold_every_action(window):
    in_menus = set()
    for menu_action in window.menuBar().actions():
        stack = [menu_action.menu()]
        while stack:
            m = stack.pop()
            for a in m.actions():
                in_menus.add(a)
                if a.menu():
                    stack.append(a.menu())
    assert set(window.actions_by_name.values()) <= in_menus


# ----------------------------------------------------------------- keys, timeline

def test_keys_step_back_reset(window, qtbot):
    window.centre.setFocus()
    qtbot.keyClick(window, Qt.Key_Right)
    qtbot.keyClick(window, Qt.Key_Right)
    qtbot.keyClick(window, Qt.Key_Right)
    assert window.workspace.current == 3
    qtbot.keyClick(window, Qt.Key_Left)
    assert window.workspace.current == 2 and len(window.workspace.history) == 4
    qtbot.keyClick(window, Qt.Key_R)
    assert len(window.workspace.history) == 1 and window.workspace.current == 0


def test_space_runs_and_pauses(window, qtbot):
    s = window.workspace
    s.set_run_settings(delay=0.15, max_iter=10_000, tol=0.0)
    window.centre.setFocus()
    with qtbot.waitSignal(s.runningChanged, timeout=5000):
        qtbot.keyClick(window, Qt.Key_Space)
    assert s.running and window.actions_by_name["run"].text() == "Pause"
    qtbot.waitUntil(lambda: len(s.history) >= 3, timeout=5000)
    with qtbot.waitSignal(s.runningChanged, timeout=5000) as blocker:
        qtbot.keyClick(window, Qt.Key_Space)
    assert blocker.args == [False]
    assert window.actions_by_name["run"].text() == "Run"
    assert window.timeline.maximum() == len(s.history) - 1
    assert window.table.cell_text(0, "weight") == f"{s.state.weights[0]:.3f}"


def test_closing_mid_run_ends_the_worker(qtbot, session):
    from gmm_explorer.app.shell.window import ExplorerWindow

    w = ExplorerWindow(session)
    qtbot.addWidget(w)
    w.show()
    session.set_run_settings(delay=0.1, max_iter=10_000, tol=1e-12)
    session.run()
    worker = session.runner._run
    qtbot.waitUntil(lambda: len(session.history) >= 2, timeout=5000)
    w.close()
    assert not session.running and worker.isFinished()


def test_timeline_scrubs_every_view(window):
    for _ in range(5):
        window.step()
    assert window.timeline.maximum() == 5 and window.timeline.value() == 5
    window.timeline.setValue(2)
    s = window.workspace
    assert s.current == 2
    state = s.history[2]
    assert window.likelihood.marker.value() == 2
    assert window.timeline_label.text() == "2 / 5"
    assert window.status_labels["iteration"].text() == "iteration 2"
    np.testing.assert_allclose(window.centre.handle_position(4)[0], state.means[4, 0])
    pts = window.centre.ellipse_data(4, 1)
    d = pts - state.means[4]
    np.testing.assert_allclose(np.einsum("pi,ij,pj->p", d, np.linalg.inv(state.covariances[4]), d), 1.0,
                               rtol=1e-8)
    window.step()  # from iteration 2: 3..5 are discarded
    assert window.timeline.maximum() == 3 and s.current == 3
    assert "Discarded iterations 3-5" in window.statusBar().currentMessage()


def test_dragging_a_mean_restarts_from_there(window):
    for _ in range(3):
        window.step()
    window.centre.handles.drop(6, 3.25, -4.5)  # what the end of a mouse drag calls
    s = window.workspace
    assert len(s.history) == 1
    np.testing.assert_allclose(s.state.means[6], [3.25, -4.5])
    assert window.timeline.maximum() == 0
    np.testing.assert_allclose(window.centre.handle_position(6)[0], 3.25)


def test_dragging_a_mean_with_the_mouse(window, qtbot):
    s = window.workspace
    vb = window.centre.getPlotItem().getViewBox()
    start = s.state.means[0].copy()
    view = window.centre
    scene_start = vb.mapViewToScene(QPointF(*start))
    p0 = view.mapFromScene(scene_start)
    target = p0 + type(p0)(40, 25)
    from PySide6.QtTest import QTest
    vp = view.viewport()
    QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, p0)
    for i in range(1, 6):
        QTest.mouseMove(vp, p0 + (target - p0) * (i / 5))
    QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, target)
    assert len(s.history) == 1
    moved = s.state.means[0]
    assert not np.allclose(moved, start)
    expected = vb.mapSceneToView(view.mapToScene(target))
    np.testing.assert_allclose(moved, [expected.x(), expected.y()], rtol=0.05, atol=0.3)
    np.testing.assert_allclose(window.centre.handle_position(0), moved)


def test_notes_describe_the_shown_iteration(window):
    window.step()
    s = window.workspace
    counts = s.state.component_status.count("ok")
    assert f"Iteration 1 of 1: {counts} ok" in window.run_panel.notes.text()
    window.step()
    s.go_to(0)
    assert window.run_panel.notes.text().startswith("Iteration 0 of 2")


# ------------------------------------------------------------ readability at 1280x800

def _show_at_1280x800(window, qapp):
    window.resize(1280, 800)
    window.show()
    qapp.processEvents()


def test_table_columns_fit_without_horizontal_scrolling(window, qapp):
    window.lab_ui.load_preset("seed")
    for _ in range(7):
        window.step()
    _show_at_1280x800(window, qapp)
    t = window.table
    assert not t.horizontalScrollBar().isVisible()
    header = t.horizontalHeader()
    assert header.length() <= t.viewport().width()
    metrics = t.fontMetrics()
    for row in range(t.rowCount()):
        for col in range(1, len(COLUMNS)):
            text = t.item(row, col).text()
            assert metrics.horizontalAdvance(text) <= header.sectionSize(col), (row, COLUMNS[col], text)
    assert t.item(1, COLUMNS.index("mean")).toolTip().startswith("mean [")


def test_table_columns_follow_their_contents_while_shown(window, qapp):
    """The table fills itself with one dataChanged; the header still resizes."""
    _show_at_1280x800(window, qapp)
    window.lab_ui.load_preset("seed")
    qapp.processEvents()
    t = window.table
    header, metrics = t.horizontalHeader(), t.fontMetrics()
    mean = COLUMNS.index("mean")
    narrow = header.sectionSize(mean)

    def assert_fits():
        for row in range(t.rowCount()):
            for col in range(1, len(COLUMNS)):
                text = t.item(row, col).text()
                assert metrics.horizontalAdvance(text) <= header.sectionSize(col), \
                    (row, COLUMNS[col], text)

    for _ in range(7):  # "singular", condition numbers up to 1e16
        window.step()
        qapp.processEvents()
        assert_fits()
    # the same rows with far longer means: the column must widen
    window.workspace.set_data(window.workspace.X * 1e5 - 3e6, name="wide")
    qapp.processEvents()
    assert header.sectionSize(mean) > narrow
    assert_fits()


def _event_counter(event_type):
    """An event filter that counts events of ``event_type`` in its ``count``."""
    from PySide6.QtCore import QObject

    class Counter(QObject):
        count = 0

        def eventFilter(self, obj, event):
            if event.type() == event_type:
                self.count += 1
            return False

    return Counter()


def test_a_step_repaints_the_table(window, qapp):
    from PySide6.QtCore import QEvent

    _show_at_1280x800(window, qapp)
    counter = _event_counter(QEvent.Paint)
    window.table.viewport().installEventFilter(counter)
    qapp.processEvents()
    counter.count = 0
    window.step()
    qapp.processEvents()
    window.table.viewport().removeEventFilter(counter)
    assert counter.count >= 1


def test_compact_numbers():
    assert compact(8.71e15) == "8.7e15" and compact(1.04e-17) == "1e-17"
    assert compact(-14.12) == "-14.1" and compact(100.0) == "100"
    # whole numbers keep their digits rather than take an exponent (a proline mean of 600)
    assert compact(600.4, 2) == "600" and compact(-1234.5, 3) == "-1234"
    assert compact(99_999.4, 2) == "99999" and compact(123_456.0, 3) == "1.2e5"
    # at the rounding edge, judged after rounding
    assert compact(999.7, 3) == "1000" and compact(99.96, 2) == "100"
    assert compact(99.5, 2) == "100" and compact(99_999.6, 2) == "1e5"
    assert compact(-999.7, 3) == "-1000" and compact(0.9996, 3) == "1"


def test_status_bar_shows_a_short_collapse_message(window, qapp):
    window.lab_ui.load_preset("seed")
    _show_at_1280x800(window, qapp)
    for _ in range(7):
        window.step()
    record = window.workspace.state.collapse
    assert record is not None
    shown = window.statusBar().currentMessage()
    assert shown.startswith(f"Collapse at iteration {record.iteration}")
    assert window.statusBar().fontMetrics().horizontalAdvance(shown) < 640
    assert window.statusBar().toolTip() == record.describe()
    assert window.status_labels["converged"].text() == "collapsed"


def test_notes_say_no_ridge_when_reg_covar_is_zero(window):
    window.lab_ui.load_preset("seed")
    for _ in range(6):
        window.step()
    s = window.workspace
    assert s.model.reg_covar == 0 and "degenerate" in s.state.component_status
    notes = window.run_panel.notes.text()
    assert "No ridge" in notes and "ridge keeps" not in notes
    from gmm_explorer.app.panels.run_panel import degenerate_note
    note = degenerate_note(type("M", (), {"reg_covar": 1e-6, "prior": None})(), [1])
    assert "ridge (reg_covar 1e-06) keeps it invertible" in note


def test_collapse_note_comes_first(window):
    window.lab_ui.load_preset("seed")
    for _ in range(7):
        window.step()
    notes = window.run_panel.notes.text().split("\n")
    assert notes[1].startswith("Collapse: component 1 became singular")
    panel = window.lab_ui.panel.plain_text()
    assert panel.index("Collapse") < panel.index("Exactly the hand-written EM")


def test_data_panel_names_what_is_loaded(window, qapp):
    panel = window.data_panel
    assert "built-in seed" in panel.source.text() and panel.builtin.currentText() == "seed"
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "resources" / "faithful.csv"
    window.workspace.set_model(n_components=2)
    window.workspace.loading.open_file(str(path))
    assert "faithful.csv" in panel.source.text()
    assert panel.builtin.currentIndex() == -1 and not panel.load_button.isEnabled()
    window.lab_ui.load_preset("seed")
    assert "preset seed" in panel.source.text()


def test_seed_scene_and_preset_name_axes_alike(window):
    assert window.workspace.feature_names == ["x0", "x1"]
    window.lab_ui.load_preset("seed")
    assert window.workspace.feature_names == ["x0", "x1"]


def test_steps_do_not_relayout_the_window(window, qapp):
    """Labels that change every Step keep their size (steady_text.py): no layout passes,
    except on a Step where a label had to widen for a longer text."""
    from PySide6.QtCore import QEvent

    _show_at_1280x800(window, qapp)
    for _ in range(8):  # past iteration 6, where "Converged" shows in the status bar (a relayout)
        window.step()
        qapp.processEvents()
    counter = _event_counter(QEvent.LayoutRequest)
    watched = [window, window.statusBar(), window.run_panel, *window.docks.values()]
    labels = [*window.status_labels.values(), window.timeline_label]
    for w in watched:
        w.installEventFilter(counter)
    steady_steps = 0
    for _ in range(12):
        for _ in range(3):  # a widening relayouts the status bar, then the window
            qapp.processEvents()
        widths = [label.width() for label in labels]
        counter.count = 0
        window.step()
        qapp.processEvents()
        if widths == [label.width() for label in labels]:
            steady_steps += 1
            assert counter.count == 0, window.workspace.state.iteration
    for w in watched:
        w.removeEventFilter(counter)
    assert steady_steps >= 8
    assert window.status_labels["iteration"].text() == "iteration 20"


def test_steady_label_widens_for_a_longer_text(qtbot):
    from gmm_explorer.app.views.steady_text import SteadyLabel

    label = SteadyLabel("short")
    qtbot.addWidget(label)
    narrow = label.width()
    label.setText("a much longer text than before")
    assert label.width() > narrow
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
    assert label.minimumWidth() == label.maximumWidth()  # fixed: no layout request
    wide = label.width()
    label.setText("short")
    assert label.width() == wide


def test_a_model_change_says_so_in_the_status_bar(window):
    window.step()
    window.step()
    window.workspace.go_to(1)
    window.step()  # "Discarded iterations ...": a message that must not linger
    window.model_panel.k.setValue(4)
    assert window.last_message.startswith("Model: K 4.")
    assert "iteration 0" in window.statusBar().currentMessage()


@pytest.mark.parametrize("covariance_type", ["full", "spherical"])
def test_identical_points_without_a_ridge_step_without_a_crash(window, qapp, covariance_type):
    # every covariance is zero from the start: the log-likelihood is infinite and the
    # views draw a gap, a red arrow and degenerate ellipses
    s = window.workspace
    s.set_model(covariance_type=covariance_type, n_components=3, reg_covar=0.0)
    s.set_data(np.ones((50, 2)), name="identical")
    qapp.processEvents()
    for _ in range(3):
        window.step()
        qapp.processEvents()
    window.grab()
    assert s.state.log_likelihood == np.inf


def test_the_k_box_shows_a_k_set_elsewhere_even_beyond_its_range(window):
    s, k_box = window.workspace, window.model_panel.k
    s.set_model(n_components=150)  # as --components 150 would
    assert k_box.value() == 150 and s.model.n_components == 150
    k_box.setValue(149)  # and the box still drives the model
    assert s.model.n_components == 149


def test_log_sliders_keep_a_value_set_elsewhere(qtbot):
    from gmm_explorer.app.panels.widgets import LogSlider

    slider = LogSlider(-12, 0, 2, 1e-6)
    qtbot.addWidget(slider)
    for value in (1e-15, 3e-5, 100.0):  # below the range, between positions, above it
        slider.setValue(value)
        assert slider.value() == value and slider.label.text() == f"{value:.0e}"
    moved = []
    slider.valueChanged.connect(moved.append)
    slider.slider.setValue(slider.slider.minimum())  # the user drags to the far left
    assert moved == [slider.value()] and slider.value() == pytest.approx(1e-15)


def test_a_ridge_between_slider_positions_survives_the_ridge_box(window):
    s, panel = window.workspace, window.model_panel
    s.set_model(reg_covar=3e-5)  # from a session file or a script
    assert panel.reg_covar.value() == 3e-5
    panel.ridge.setChecked(False)
    assert s.model.reg_covar == 0.0
    panel.ridge.setChecked(True)
    assert s.model.reg_covar == 3e-5


def test_no_two_actions_share_a_key(window):
    from PySide6.QtGui import QAction

    owners = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            if text:
                owners.setdefault(text, set()).add(action.text().replace("&", ""))
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared, f"keys bound to more than one action: {shared}"
