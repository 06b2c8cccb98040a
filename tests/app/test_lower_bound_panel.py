"""The Lower bound dock: opened by Ctrl+B, the EM menu and the Help page's link; it follows
Step, Back and the timeline, and computes only while it shows."""

import pytest
from PySide6.QtCore import QUrl

from gmm_explorer.app.panels.help_page import BOUND_LINK


@pytest.fixture
def bound_ui(window):
    return window.bound_ui


def test_it_opens_from_the_menu_with_its_key(window, bound_ui):
    assert not bound_ui.dock.isVisible() and not bound_ui.bound.active
    em_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&EM")
    assert bound_ui.action in em_menu.actions()
    assert bound_ui.action.shortcut().toString() == "Ctrl+B"
    bound_ui.action.trigger()
    assert bound_ui.dock.isVisible() and bound_ui.bound.active
    assert bound_ui.dock in window.tabifiedDockWidgets(window.docks["likelihood"])
    picture = bound_ui.bound.picture
    state = window.workspace.state
    assert picture.iteration == state.iteration
    assert picture.curves.base_log_likelihood == pytest.approx(state.log_likelihood, rel=1e-9)


def test_the_panel_follows_step_back_and_the_timeline(window, bound_ui, qtbot):
    s = window.workspace
    bound_ui.show("scale", int(s.state.component_ids[3]))
    view = bound_ui.view
    seen = []
    for _ in range(3):
        with qtbot.waitSignal(bound_ui.bound.changed, timeout=5000):
            window.step()
        picture = bound_ui.bound.picture
        seen.append(picture.curves.base_log_likelihood)
        assert picture.iteration == s.state.iteration
        assert picture.identity == int(s.state.component_ids[3])
        # drawn relative to l(theta_t): the touching point at (0, 0), B's peak above it
        xs, ys = view.touch.getData()
        assert xs[0] == 0.0 and ys[0] == pytest.approx(0.0, abs=1e-9 * abs(seen[-1]))
        px, py = view.peak.getData()
        assert py[0] >= ys[0]
        assert f"iteration {s.state.iteration}" in view.legend.getLabel(view.bound_curve).text
        assert f"l(θ_{s.state.iteration})" in view.caption.text()
    assert seen == sorted(seen)  # EM climbed
    window.actions_by_name["back"].trigger()
    assert bound_ui.bound.picture.curves.base_log_likelihood == seen[-2]
    window.timeline.setValue(0)
    assert bound_ui.bound.picture.iteration == 0


def test_the_m_steps_move_lands_on_the_bounds_peak(window, bound_ui):
    """Along the line a mean moves in the next M-step, with the next state in the history,
    B's peak is where the engine put the mean (the ridge does not move means)."""
    s = window.workspace
    for _ in range(2):
        window.step()
    s.go_to(1)
    bound_ui.show("mean-step", int(s.state.component_ids[0]))
    picture = bound_ui.bound.picture
    assert picture.landing is not None
    assert picture.curves.peak == pytest.approx(picture.landing, rel=1e-6)
    xs, _ = bound_ui.view.landing.getData()
    assert xs[0] == picture.landing
    # the slice shows the move, however short: the state, the peak and the landing
    values = picture.curves.values
    assert values[0] < 0 < picture.landing < values[-1]
    assert values[-1] < 4 * max(picture.landing, 0.75)


def test_it_computes_only_while_it_shows(window, bound_ui):
    bound_ui.show()
    bound_ui.dock.hide()
    assert not bound_ui.bound.active
    before = bound_ui.bound.picture
    window.step()
    assert bound_ui.bound.picture is before  # nothing computed for nobody


def test_the_choices_change_the_picture(window, bound_ui):
    bound_ui.show()
    view = bound_ui.view
    view.slice_box.setCurrentIndex(view.slice_box.findData("scale"))
    assert bound_ui.bound.picture.slice_name == "scale"
    assert "exp(s)" in bound_ui.bound.picture.axis_label
    view.component_box.setCurrentIndex(2)
    view.component_box.activated.emit(2)
    assert bound_ui.bound.picture.identity == view.component_box.itemData(2)
    values = bound_ui.bound.picture.curves.values
    assert values[0] <= -4 and values[-1] >= 2 and 0.0 in values


def test_a_singular_component_is_said_not_drawn(window, bound_ui):
    window.lab_ui.load_preset("outlier")
    bound_ui.show("scale")
    while window.workspace.state.collapse is None and window.workspace.step():
        pass
    assert window.workspace.state.collapse is not None
    collapsed = window.workspace.state.collapse.names[0]
    bound_ui.bound.set_component(int(collapsed))
    assert bound_ui.bound.picture is None
    assert "singular" in bound_ui.view.caption.text()
    assert not bound_ui.view.legend.isVisible()


def test_the_help_page_mentions_it_and_its_link_opens_it(window, bound_ui, qtbot):
    window.lab_ui.show_help()
    page = window.lab_ui.help_page
    qtbot.addWidget(page)
    text = page.text.toPlainText()
    assert "lower bound" in text.lower() and "Ctrl+B" in text
    assert BOUND_LINK in page.text.toHtml()
    page.text.anchorClicked.emit(QUrl(BOUND_LINK))
    assert bound_ui.dock.isVisible() and bound_ui.bound.picture is not None


def test_the_launch_flag_names_a_slice():
    from gmm_explorer.app.shell.launch import bound_choice, build_parser

    assert bound_choice("scale:3") == ("scale", 3)
    assert bound_choice("mean-step") == ("mean-step", None)
    with pytest.raises(ValueError, match="unknown slice"):
        bound_choice("variance")
    assert build_parser().parse_args(["--lower-bound", "scale:2"]).lower_bound == "scale:2"


def test_many_points_wait_for_the_run_to_pause(window, bound_ui, qtbot, monkeypatch):
    from gmm_explorer.app.model import lower_bound

    s = window.workspace
    bound_ui.show()
    monkeypatch.setattr(lower_bound, "MAX_RUN_POINTS", len(s.X) - 1)
    s.set_run_settings(max_iter=5, tol=0.0, delay=0.0)
    s.toggle_run()
    qtbot.waitUntil(lambda: not s.running, timeout=10000)
    # skipped while running, drawn for the state the run ended on
    assert bound_ui.bound.picture.iteration == s.state.iteration == 5
    assert bound_ui.bound.note == ""


def test_many_points_compute_their_slice_off_the_gui_thread(window, bound_ui, qtbot,
                                                            monkeypatch):
    import threading

    from gmm_explorer.app.model import lower_bound

    s = window.workspace
    monkeypatch.setattr(lower_bound, "BACKGROUND_POINTS", len(s.X) - 1)
    threads, original = [], lower_bound.LowerBoundSlice._compute

    def recording(self, inputs):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(self, inputs)

    monkeypatch.setattr(lower_bound.LowerBoundSlice, "_compute", recording)
    bound_ui.show()
    for _ in range(3):  # Steps while a slice is computed: the latest state comes next
        window.step()
    qtbot.waitUntil(lambda: not s.runner.job_running(lower_bound.JOB_NAME)
                    and bound_ui.bound.picture is not None
                    and bound_ui.bound.picture.iteration == s.state.iteration, timeout=10000)
    assert threads and not any(threads)  # never on the GUI thread
    assert len(threads) <= 3  # not one slice per Step queued up behind each other


def test_the_launch_flag_refuses_a_component_the_state_lacks(qapp, capsys, tmp_path):
    from gmm_explorer.app.shell.launch import launch

    code = launch(["--preset", "duplicates", "--lower-bound", "scale:99",
                   "--screenshot", str(tmp_path / "x.png")])
    assert code == 2 and "no component 99" in capsys.readouterr().err
