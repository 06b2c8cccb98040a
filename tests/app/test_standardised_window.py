"""A loaded file fitted standardised (the default), as a person uses the window: every
part that reads the fit must answer in the data's units, as for a fit of the raw data."""

from pathlib import Path

import numpy as np
import pytest

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _scaled_file(tmp_path) -> Path:
    """Three groups on columns whose scales differ by 1e6, and a text class column."""
    rng = np.random.default_rng(3)
    group = np.repeat([0, 1, 2], 50)
    X = (rng.standard_normal((150, 3)) + group[:, None] * 3.0) * np.array([1e-3, 1.0, 1e3])
    path = tmp_path / "scaled.csv"
    rows = [f"{a:.17g},{b:.17g},{c:.17g},{'abc'[g]}" for (a, b, c), g in zip(X, group)]
    path.write_text("tiny,plain,huge,kind\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def scaled_window(window, tmp_path):
    """The window on the scaled file (standardised, classes from 'kind'), K = 3, seed 0."""
    window.workspace.set_model(n_components=3, covariance_type="full", random_state=0)
    assert window.open_file(str(_scaled_file(tmp_path)))
    assert window.workspace.standardize
    return window


def test_the_classes_dock_counts_the_points_each_component_holds(scaled_window, qtbot):
    window, ws = scaled_window, scaled_window.workspace
    window.classes_ui.show()
    for _ in range(5):
        window.step()
    classes = window.classes_ui.classes
    for index in (5, 2):  # the latest state, then one on the timeline
        ws.go_to(index)
        classes.wait()
        held = np.argmax(ws.data_responsibilities(ws.state), axis=1)
        assert np.array_equal(ws.data_hard_labels(ws.state), held)
        expected = np.array([[np.sum((ws.labels == c) & (held == k)) for k in range(3)]
                             for c in range(3)])
        assert np.array_equal(classes.result.confusion, expected)


def test_undoing_a_deleted_point_gives_back_the_classes_and_file_lines(scaled_window):
    ws = scaled_window.workspace
    labels, names, lines = ws.labels, ws.label_names, ws.lines
    ws.lab.delete_points([0])
    assert ws.labels is None and ws.lines is None  # the rows are no longer the file's
    assert ws.undo.undo()
    assert len(ws.X) == 150 and ws.standardize and not ws.edited
    assert ws.labels is labels and ws.label_names == names and ws.class_column == "kind"
    assert ws.lines is not None and np.array_equal(ws.lines, lines)
    assert ws.undo.redo()
    assert len(ws.X) == 149 and ws.labels is None


def test_an_interactive_launch_applies_view_flags_to_the_file_it_opens(qapp, tmp_path,
                                                                       monkeypatch):
    from PySide6.QtWidgets import QApplication

    from gmm_explorer.app.shell import launch as launching

    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)  # launch sets one
    made, seen = [], {}
    build = launching.build_window

    def build_and_keep(*args, **kwargs):  # the window this launch makes (others may linger)
        made.append(build(*args, **kwargs))
        return made[-1]

    def exec_and_look(_app=None):  # the event loop a person would enter: look, then close
        ws, window = made[0]
        while ws.loading.busy:
            qapp.processEvents()
        seen.update(features=list(ws.feature_names), view=window.centre_views.current,
                    colours=window.color_mode.currentText(),
                    classes=window.classes_ui.dock.isVisible())
        ws.discard_guard = None
        window.close()
        ws.shutdown()
        return 0

    monkeypatch.setattr(launching, "build_window", build_and_keep)
    monkeypatch.setattr(QApplication, "exec", exec_and_look)
    path = _scaled_file(tmp_path)
    assert launching.launch([str(path), "--view", "pca", "--classes-panel"]) == 0
    assert seen["features"] == ["tiny", "plain", "huge"]
    assert seen["view"] == "pca" and seen["colours"] == "class"
    assert seen["classes"]


def test_a_grid_cell_opened_after_unticking_standardise_is_the_cells_fit(scaled_window,
                                                                         qtbot):
    window, ws = scaled_window, scaled_window.workspace
    window.run_selection(1, 3)
    window.selection.wait()
    cell = window.selection.cells[(3, "full")]
    window.data_panel.choices.standardize.click()  # off: the grid is stale
    assert not ws.standardize and window.selection.stale
    window.selection.apply(3, "full")
    qtbot.waitUntil(lambda: len(ws.history) > 1, timeout=30000)
    assert ws.state.log_likelihood == pytest.approx(cell.log_likelihood, rel=1e-12)
    assert ws.standardize and window.data_panel.choices.standardize.isChecked()


def test_an_atlas_start_opened_after_unticking_standardise_replays_it(scaled_window):
    window, ws = scaled_window, scaled_window.workspace
    atlas = window.atlas_ui.atlas
    window.atlas_ui.run(4)
    atlas.wait()
    final = atlas.state_of(1)
    window.data_panel.choices.standardize.click()
    assert not ws.standardize and atlas.stale
    atlas.open_start(1)
    assert ws.standardize
    while ws.state.iteration < final.iteration and ws.step():
        pass
    assert ws.state.log_likelihood == pytest.approx(final.log_likelihood, rel=1e-12)
