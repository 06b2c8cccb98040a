"""Known classes in the window: class colours, the Classes dock, names kept everywhere."""

import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from gmm_explorer.app import colors
from gmm_explorer.app.model.workspace import Workspace

IRIS = str(Path(__file__).resolve().parents[2] / "resources" / "iris.csv")
IRIS_NAMES = ("setosa", "versicolor", "virginica")


@pytest.fixture
def iris_window(window, qtbot):
    """The window on built-in iris, K = 3 (seed 0), the Classes dock open."""
    ws = window.workspace
    ws.set_model(n_components=3, random_state=0)
    window.load_builtin("iris")
    window.classes_ui.show()
    qtbot.waitUntil(lambda: window.classes_ui.dock.isVisible())
    return window


def _shown_hard_labels(ws):
    return np.argmax(ws.data_responsibilities(ws.state), axis=1)


def _check_dock_against_sklearn(window):
    ws, view = window.workspace, window.classes_ui.view
    result = window.classes_ui.classes.result
    predicted = _shown_hard_labels(ws)
    assert result.ari == pytest.approx(adjusted_rand_score(ws.labels, predicted), abs=1e-12)
    assert result.nmi == pytest.approx(normalized_mutual_info_score(ws.labels, predicted),
                                       abs=1e-12)
    expected = np.array([[np.sum((ws.labels == c) & (predicted == k)) for k in range(3)]
                         for c in range(3)])
    assert np.array_equal(view.cell_texts().astype(int), expected)
    t = view.table
    assert [t.verticalHeaderItem(r).text() for r in range(3)] == list(IRIS_NAMES)
    ids = [str(i) for i in ws.state.component_ids]
    assert [t.horizontalHeaderItem(k).text() for k in range(3)] == ids
    # the highlighted cells are a one-to-one matching that no other beats
    lit = view.highlighted()
    assert lit.sum() == 3 and (lit.sum(axis=0) == 1).all() and (lit.sum(axis=1) == 1).all()
    from itertools import permutations
    best = max(sum(expected[c, p[c]] for c in range(3)) for p in permutations(range(3)))
    assert expected[lit].sum() == best
    assert result.accuracy == pytest.approx(best / 150)
    text = view.scores.text()
    assert f"ARI</b> {result.ari:.3f}" in text and f"NMI</b> {result.nmi:.3f}" in text
    return result


def test_iris_classes_reach_the_workspace_with_their_names(iris_window):
    ws = iris_window.workspace
    assert ws.labels is not None and ws.labels.shape == (150,)
    assert ws.label_names == IRIS_NAMES


def test_classes_dock_equals_sklearn_and_follows_step_and_timeline(iris_window, qtbot):
    window = iris_window
    first = _check_dock_against_sklearn(window)
    for _ in range(3):
        window.step()  # the Step button's own code path
    after = _check_dock_against_sklearn(window)
    assert not np.array_equal(first.confusion, after.confusion)  # it moved with EM
    window.timeline.setValue(0)  # scrubbing shows the agreement of that iteration
    assert window.workspace.current == 0
    again = _check_dock_against_sklearn(window)
    assert np.array_equal(again.confusion, first.confusion)


def test_class_colours_and_legend(iris_window):
    window = iris_window
    centre, ws = window.centre, window.workspace
    combo = window.color_mode
    assert combo.model().item(combo.findText("class")).isEnabled()
    assert window.classes_ui.color_by_class()
    assert combo.currentText() == "class" and centre.color_mode == "class"
    assert window.classes_ui.color_action.isChecked()
    drawn = centre.point_brush_colors()[:, :3]
    classes = ws.labels[ws.display_indices]
    expected = np.array([colors.class_color(c) for c in classes])
    assert np.array_equal(drawn, expected)
    assert len({tuple(c) for c in drawn}) == 3
    assert centre.class_legend.isVisible() and centre.class_legend.names == list(IRIS_NAMES)
    window.step()  # a Step leaves the classes' colours as they are
    assert np.array_equal(centre.point_brush_colors()[:, :3], expected)
    combo.setCurrentText("hard")
    assert not centre.class_legend.isVisible()
    assert not np.array_equal(centre.point_brush_colors()[:, :3], expected)


def test_data_without_classes(iris_window):
    window = iris_window
    window.classes_ui.color_by_class()
    window.load_builtin("faithful")  # no classes
    combo = window.color_mode
    assert window.workspace.labels is None
    assert not combo.model().item(combo.findText("class")).isEnabled()
    assert combo.currentText() == "blended"  # colouring by class fell back
    assert not window.classes_ui.color_by_class()
    assert combo.currentText() == "blended"
    view = window.classes_ui.view
    assert "no known classes" in view.scores.text() and view.table.isHidden()


def test_generated_blobs_have_numbered_classes(iris_window):
    window = iris_window
    window.workspace.loading.generate("blobs", 300, 4, 1.0, 0)
    ws = window.workspace
    assert ws.label_names == ("centre 0", "centre 1", "centre 2", "centre 3")
    result = window.classes_ui.classes.result
    assert result.confusion.shape == (4, 3) and result.confusion.sum() == 300


def test_file_classes_come_with_names_and_column(window):
    ws = window.workspace
    ws.loading.open_file(IRIS)
    assert ws.label_names == IRIS_NAMES and ws.class_column == "Species"
    assert window.open_file(IRIS)  # the background load too
    assert ws.label_names == IRIS_NAMES and ws.class_column == "Species"


def test_session_keeps_class_names_and_older_files_open(iris_window, tmp_path):
    ws = iris_window.workspace
    path = tmp_path / "iris.gmmx"
    ws.loading.save_session(path)
    other = Workspace()
    try:
        other.loading.open_session(path)
        assert other.label_names == IRIS_NAMES
        np.testing.assert_array_equal(other.labels, ws.labels)
        # a file written before class names were stored: the classes, unnamed
        old = tmp_path / "old.gmmx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(old, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "manifest.json":
                    data = data.replace(b'"label_names"', b'"unused_a"').replace(
                        b'"class_column"', b'"unused_b"')
                dst.writestr(item, data)
        other.loading.open_session(old)
        assert other.labels is not None and other.label_names == ()
    finally:
        other.shutdown()


def test_set_data_refuses_labels_of_another_length(qapp):
    ws = Workspace()
    try:
        X = np.random.default_rng(0).normal(size=(20, 2))
        with pytest.raises(ValueError, match="one class per point"):
            ws.set_data(X, np.zeros(19, dtype=int))
        assert ws.X is None
    finally:
        ws.shutdown()


def test_classes_menu_entry_and_key(iris_window):
    window = iris_window
    action = window.classes_ui.action
    assert action.shortcut().toString() == "Ctrl+Shift+C"
    assert action in window.panels_menu.actions()
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.classes_ui.color_action in view.actions()


def test_big_data_compute_past_states_in_a_job(iris_window, monkeypatch):
    # the job's path, on iris: every state but the engine's latest goes to a runner job
    from gmm_explorer.app.model import known_classes

    monkeypatch.setattr(known_classes, "INLINE_LIMIT", 10)
    window = iris_window
    classes = window.classes_ui.classes
    for _ in range(4):
        window.step()
    latest = _check_dock_against_sklearn(window)  # inline: the engine's kept labels
    assert not window.workspace.runner.job_running(known_classes.JOB_NAME)
    window.timeline.setValue(0)
    classes.wait()
    assert classes.result is not None and not classes._busy
    past = _check_dock_against_sklearn(window)
    assert not np.array_equal(past.confusion, latest.confusion)
    window.timeline.setValue(2)
    window.timeline.setValue(1)  # a newer state while the job runs is done after it
    classes.wait()
    _check_dock_against_sklearn(window)


def test_classes_panel_flag_makes_the_picture(qapp, tmp_path, monkeypatch):
    # the README's picture: the window on iris with the Classes dock and class colours
    from PySide6.QtGui import QImage

    from gmm_explorer.app.shell import launch as launch_module
    from gmm_explorer.app.shell.classes_window import ClassesUi

    seen = {}
    original = ClassesUi.show

    def show(self):
        original(self)
        seen["ui"] = self

    monkeypatch.setattr(ClassesUi, "show", show)
    out = tmp_path / "classes.png"
    assert launch_module.launch([IRIS, "-k", "3", "--steps", "5", "--classes-panel",
                                 "--screenshot", str(out)]) == 0
    assert not QImage(str(out)).isNull()
    ui = seen["ui"]
    assert ui.window.color_mode.currentText() == "class"
    assert ui.classes.result is not None and ui.classes.result.confusion.sum() == 150


def test_classes_dock_on_a_standardised_file_equals_sklearn(window, qtbot):
    # a file is fitted in standardised units: the dock must score the fit's own labels
    ws = window.workspace
    ws.set_model(n_components=3, random_state=0)
    assert window.open_file(IRIS)
    assert ws.standardize
    window.classes_ui.show()
    qtbot.waitUntil(lambda: window.classes_ui.dock.isVisible())
    for _ in range(20):
        window.step()
    result = _check_dock_against_sklearn(window)
    assert result.ari > 0.5  # the three species, not every flower in one component
