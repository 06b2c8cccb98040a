"""One's own data in the window: features, standardising, missing rows, class columns, flags.

Everything goes through the Data dock's controls or the window's own actions, as a person
would use them; the numbers are checked against the engine and the command line's rule.
"""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gmm_explorer.app.model.file_options import NO_CLASSES, FileOptions
from gmm_explorer.app.shell.launch import build_parser, build_window
from gmm_explorer.data import load_data
from gmm_explorer.data.scaling import Standardizer
from gmm_explorer.engine import GaussianMixtureEM

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
IRIS = RESOURCES / "iris.csv"


def _wait_loaded(qtbot, window):
    qtbot.waitUntil(lambda: not window.workspace.loading.busy, timeout=30000)


@pytest.fixture
def iris_window(qtbot, window):
    """The window with iris opened as a file (standardised, classes from Species)."""
    assert window.open_file(str(IRIS))
    return window


def _scaled_file(tmp_path) -> Path:
    """Three columns on scales 1e-4, 1 and 1e4, two groups, and a text class column."""
    rng = np.random.default_rng(3)
    n = 120
    group = np.repeat([0, 1], n // 2)
    X = rng.standard_normal((n, 3)) + group[:, None] * 3.0
    X *= np.array([1e-4, 1.0, 1e4])
    path = tmp_path / "scaled.csv"
    rows = [f"{a:.17g},{b:.17g},{c:.17g},{'ab'[g]},{g}" for (a, b, c), g in zip(X, group)]
    path.write_text("tiny,plain,huge,kind,code\n" + "\n".join(rows) + "\n")
    return path


def test_a_standardised_fit_shows_the_data_units_and_matches_the_rule(qtbot, window,
                                                                       tmp_path):
    path = _scaled_file(tmp_path)
    ws = window.workspace
    ws.set_model(n_components=2, covariance_type="full", random_state=4)
    assert window.open_file(str(path), options=FileOptions(columns=("tiny", "plain", "huge")))
    assert ws.standardize and window.data_panel.choices.standardize.isChecked()
    for _ in range(5):
        window.step()
    state = ws.state
    # the same start, fitted by hand on standardised data as fit does, reported in data units
    std = Standardizer.fit(ws.X, "full")
    em = GaussianMixtureEM(n_components=2, covariance_type="full", reg_covar=1e-6,
                           random_state=4)
    start = ws.history[0]
    em.initialize(std.transform(ws.X), *std.to_standard(start.weights, start.means,
                                                        start.covariances))
    for _ in range(5):
        em.step()
    w, m, c = std.to_user(em.state.weights, em.state.means, em.state.covariances)
    assert state.log_likelihood == std.log_likelihood_to_user(em.state.log_likelihood,
                                                              len(ws.X))
    np.testing.assert_array_equal(state.means, m)
    np.testing.assert_array_equal(state.covariances, c)
    # the table and the condition numbers judge the fitted (standardised) covariances
    np.testing.assert_array_equal(state.condition_numbers, em.state.condition_numbers)
    assert state.condition_numbers.max() < 1e3
    # the points' responsibilities are the engine's on standardised data
    np.testing.assert_allclose(ws.data_responsibilities(state),
                               em.responsibilities(em.state), rtol=0, atol=1e-12)


def test_standardise_off_fits_the_raw_units_and_says_the_ridge_distorts(qtbot, window,
                                                                         tmp_path):
    path = _scaled_file(tmp_path)
    ws = window.workspace
    ws.set_model(n_components=2, covariance_type="full", random_state=4)
    assert window.open_file(str(path), options=FileOptions(columns=("tiny", "plain", "huge")))
    choices = window.data_panel.choices
    assert choices.notes.isHidden()
    choices.standardize.click()  # off
    assert not ws.standardize and ws.state.iteration == 0
    assert "distorts" in choices.notes.text() and "'tiny'" in choices.notes.text()
    window.step()
    em = GaussianMixtureEM(n_components=2, covariance_type="full", reg_covar=1e-6)
    start = ws.history[0]
    em.initialize(ws.X, start.weights, start.means, start.covariances)
    assert ws.state.log_likelihood == em.step().log_likelihood
    # raw units: the tiny column makes the covariances look nearly singular
    assert ws.state.condition_numbers.max() > 1e9
    choices.standardize.click()  # on again: sound again
    assert ws.standardize and ws.state.condition_numbers.max() < 1e3
    assert choices.notes.isHidden()


def test_features_picked_in_the_checklist_are_the_ones_fitted(qtbot, iris_window):
    window, ws = iris_window, iris_window.workspace
    features = window.data_panel.choices.features
    assert features.ticked() == list(ws.feature_names) and len(ws.feature_names) == 4
    assert not features.apply_button.isEnabled()  # nothing to apply yet
    features.set_ticked(["Petal.Length", "Petal.Width"])
    assert features.apply_button.isEnabled()
    qtbot.mouseClick(features.apply_button, Qt.LeftButton)
    _wait_loaded(qtbot, window)
    assert ws.feature_names == ["Petal.Length", "Petal.Width"] and ws.X.shape == (150, 2)
    expected = load_data(IRIS, columns=["Petal.Length", "Petal.Width"]).X
    np.testing.assert_array_equal(ws.X, expected)
    assert ws.loading.file_options.columns == ("Petal.Length", "Petal.Width")
    # every column is still offered, the two fitted ticked
    assert [features.list.item(i).text() for i in range(features.list.count())] == \
        list(load_data(IRIS).feature_names)
    assert features.ticked() == ["Petal.Length", "Petal.Width"]
    assert ws.labels is not None  # the classes stay


def test_features_of_built_in_data_are_chosen_in_memory(qtbot, window):
    ws = window.workspace
    ws.loading.load_builtin("iris")
    assert not ws.standardize  # built-in data are fitted as they are
    ws.loading.choose_features(["Sepal.Width", "Petal.Width"])
    assert ws.feature_names == ["Sepal.Width", "Petal.Width"]
    full = ws.loading.dataset.X
    np.testing.assert_array_equal(ws.X, full[:, [1, 3]])
    assert ws.label_names == ("setosa", "versicolor", "virginica")  # the classes stay
    with pytest.raises(ValueError, match="at least one"):
        ws.loading.choose_features([])
    with pytest.raises(ValueError, match="no feature named 'nope'"):
        ws.loading.choose_features(["nope"])


def test_the_class_column_can_be_chosen_or_none(qtbot, window, tmp_path):
    path = _scaled_file(tmp_path)
    ws = window.workspace
    assert window.open_file(str(path))
    combo = window.data_panel.choices.classes
    assert combo.currentText() == "kind" and ws.labels is not None
    assert ws.feature_names == ["tiny", "plain", "huge", "code"]
    combo.setCurrentIndex(combo.findText("code"))
    combo.activated.emit(combo.currentIndex())  # as a person's choice does
    _wait_loaded(qtbot, window)
    # a numeric column of class codes: it is no longer a feature
    assert ws.feature_names == ["tiny", "plain", "huge"] and combo.currentText() == "code"
    np.testing.assert_array_equal(ws.labels, np.repeat([0, 1], 60))
    combo.setCurrentIndex(combo.findText("(none)"))
    combo.activated.emit(combo.currentIndex())
    _wait_loaded(qtbot, window)
    assert ws.labels is None and combo.currentText() == "(none)"
    assert ws.loading.file_options.label_column == NO_CLASSES


def test_missing_values_are_offered_to_be_dropped(qtbot, window, tmp_path):
    path = tmp_path / "holes.csv"
    rng = np.random.default_rng(0)
    rows = [f"{a:.6f},{b:.6f}" for a, b in rng.standard_normal((40, 2))]
    rows[5] = "1.5,"
    rows[17] = "NA,2.0"
    path.write_text("a,b\n" + "\n".join(rows) + "\n")
    ws = window.workspace
    before = ws.X
    assert not window.open_file(str(path))
    assert ws.X is before  # the data stay
    offer = window.missing_rows
    assert offer.box is not None and offer.box.isVisible()
    assert offer.drop_button.text() == "Drop 2 rows"
    assert "line 7" in offer.box.text()  # the error names where
    qtbot.mouseClick(offer.drop_button, Qt.LeftButton)
    _wait_loaded(qtbot, window)
    assert ws.X.shape == (38, 2) and not offer.box.isVisible()
    choices = window.data_panel.choices
    assert choices.drop_missing.isChecked()
    assert "2 rows with missing values dropped (lines 7, 19)" in choices.notes.text()
    choices.drop_missing.click()  # off: the file is refused again, the data stay
    _wait_loaded(qtbot, window)
    assert ws.X.shape == (38, 2) and offer.box.isVisible()


def test_launch_flags_read_the_file_as_fit_does(qtbot, tmp_path):
    path = _scaled_file(tmp_path)
    args = build_parser().parse_args([str(path), "--columns", "plain", "huge",
                                      "--classes", "code", "--no-standardize",
                                      "--drop-missing", "-k", "2"])
    workspace, window = build_window(args)
    qtbot.addWidget(window)
    try:
        assert workspace.feature_names == ["plain", "huge"]
        np.testing.assert_array_equal(workspace.labels, np.repeat([0, 1], 60))
        assert not workspace.standardize
        assert workspace.loading.file_options == FileOptions(
            columns=("plain", "huge"), label_column="code", drop_missing=True,
            standardize=False)
    finally:
        workspace.shutdown()
    with pytest.raises(ValueError, match="for a data file"):
        build_window(build_parser().parse_args(["--no-standardize"]))


def test_a_standardised_session_replays_bit_for_bit(qtbot, window, tmp_path):
    path = _scaled_file(tmp_path)
    ws = window.workspace
    ws.set_model(n_components=2, covariance_type="diag", random_state=1)
    assert window.open_file(str(path))
    for _ in range(3):
        window.step()
    session = tmp_path / "s.gmmx"
    ws.loading.save_session(session)
    window.step()
    on = ws.state
    ws.loading.open_session(session)
    assert ws.standardize and ws.state.iteration == 3
    window.step()
    assert ws.state.log_likelihood == on.log_likelihood
    np.testing.assert_array_equal(ws.state.means, on.means)


def test_a_lab_preset_after_a_file_is_fitted_in_its_own_units(qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)))
    assert ws.standardize
    ws.lab.load_preset("seed")
    assert not ws.standardize and ws.fit.standardizer is None
    assert not window.data_panel.choices.standardize.isChecked()


def test_a_session_pointing_at_its_file_reads_it_with_the_same_options(qtbot, window,
                                                                       tmp_path):
    path = _scaled_file(tmp_path)
    ws = window.workspace
    ws.set_model(n_components=2, covariance_type="full", random_state=2)
    assert window.open_file(str(path), options=FileOptions(columns=("plain", "huge")))
    window.step()
    shown = ws.X.copy()
    session = tmp_path / "ref.gmmx"
    ws.loading.save_session(session, embed_data=False)
    ws.loading.load_builtin("iris")
    ws.loading.open_session(session)
    np.testing.assert_array_equal(ws.X, shown)
    assert ws.feature_names == ["plain", "huge"] and ws.standardize


def test_a_stray_word_in_a_fitted_column_is_offered_to_be_dropped(qtbot, window, tmp_path):
    path = tmp_path / "words.csv"
    rows = [f"{i},{(i * 7) % 11}.5" for i in range(30)]
    rows[3] = "3,n/a please"
    rows[20] = "20,unknown"
    path.write_text("a,b\n" + "\n".join(rows) + "\n")
    ws = window.workspace
    assert not window.open_file(str(path))
    offer = window.missing_rows
    assert offer.drop_button.text() == "Drop 2 rows"
    assert "'n/a please'" in offer.box.text() and "line 5" in offer.box.text()
    qtbot.mouseClick(offer.drop_button, Qt.LeftButton)
    _wait_loaded(qtbot, window)
    assert ws.X.shape == (28, 2)
    assert "non-numeric" in " ".join(ws.loading.dataset.notes)
    # a word in a column that is not fitted does not matter
    assert window.open_file(str(path), options=FileOptions(columns=("a",)))
    assert ws.X.shape == (30, 1)


def test_choosing_the_classes_keeps_the_features_chosen(qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)))
    ws.loading.choose_features(["tiny", "plain", "code"])
    _wait_loaded(qtbot, window)
    ws.loading.choose_classes("code")  # a chosen feature becomes the classes: no feature
    _wait_loaded(qtbot, window)
    assert ws.feature_names == ["tiny", "plain"] and ws.class_column == "code"
    ws.loading.choose_classes(NO_CLASSES)
    _wait_loaded(qtbot, window)
    assert ws.feature_names == ["tiny", "plain"] and ws.labels is None
    ws.loading.choose_features(["plain"])
    _wait_loaded(qtbot, window)
    ws.loading.choose_classes("plain")  # no feature left: every other numeric column
    _wait_loaded(qtbot, window)
    assert ws.feature_names == ["tiny", "huge", "code"] and ws.class_column == "plain"


def test_a_session_from_a_session_still_points_at_its_file_rightly(qtbot, window, tmp_path):
    path = _scaled_file(tmp_path)
    ws = window.workspace
    ws.set_model(n_components=2, covariance_type="full", random_state=2)
    assert window.open_file(str(path), options=FileOptions(columns=("plain", "huge")))
    window.step()
    first, again = tmp_path / "first.gmmx", tmp_path / "again.gmmx"
    ws.loading.save_session(first, embed_data=False)
    ws.loading.open_session(first)
    window.step()
    shown = ws.state
    ws.loading.save_session(again, embed_data=False)  # read with the same columns again
    ws.loading.load_builtin("iris")
    ws.loading.open_session(again)
    assert ws.feature_names == ["plain", "huge"] and ws.X.shape == (120, 2)
    assert ws.state.log_likelihood == shown.log_likelihood
    # a session that embedded a file's chosen columns cannot say how to read the file
    embedded = tmp_path / "embedded.gmmx"
    ws.loading.save_session(embedded)
    ws.loading.open_session(embedded)
    ws.loading.save_session(again, embed_data=False)
    ws.loading.load_builtin("iris")
    ws.loading.open_session(again)
    assert ws.feature_names == ["plain", "huge"] and ws.X.shape == (120, 2)


def test_sessions_keep_each_rows_line_in_its_file(qtbot, window, tmp_path):
    path = tmp_path / "holes.csv"
    rows = [f"{i},{(i * 7) % 11}.5" for i in range(30)]
    rows[3] = "3,NA"
    path.write_text("a,b\n" + "\n".join(rows) + "\n")
    ws = window.workspace
    assert window.open_file(str(path), options=FileOptions(drop_missing=True))
    lines = ws.lines.copy()
    assert lines[3] == 6  # the row after the dropped one: exported labels name its line
    for embed in (True, False):
        session = tmp_path / f"s{embed}.gmmx"
        ws.loading.save_session(session, embed_data=embed)
        ws.loading.load_builtin("iris")
        ws.loading.open_session(session)
        assert ws.lines is not None and np.array_equal(ws.lines, lines)


def test_standardise_chosen_while_the_file_is_read_again_holds(qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)))
    box = window.data_panel.choices.standardize
    ws.loading.choose_features(["tiny", "plain"])  # read again in the background
    assert ws.loading.busy
    box.click()  # off, while it reads
    _wait_loaded(qtbot, window)
    assert ws.feature_names == ["tiny", "plain"]
    assert not ws.standardize and ws.fit.standardizer is None and not box.isChecked()
    assert not ws.loading.file_options.standardize


def test_choosing_the_class_column_shown_again_keeps_the_run(qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)))
    for _ in range(3):
        window.step()
    combo = window.data_panel.choices.classes
    combo.activated.emit(combo.findText("kind"))  # the shown column, chosen again
    assert not ws.loading.busy and len(ws.history) == 4 and ws.class_column == "kind"


def test_features_given_in_another_order_show_no_pending_choice(qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)),
                            options=FileOptions(columns=("huge", "tiny")))  # as --columns
    features = window.data_panel.choices.features
    assert features.ticked() == ["tiny", "huge"]  # the list's own order
    assert not features.apply_button.isEnabled() and features.count.text() == "2 of 4 fitted"
    for _ in range(2):
        window.step()
    assert not ws.loading.choose_features(["tiny", "huge"])  # the same features: run kept
    assert len(ws.history) == 3 and ws.feature_names == ["huge", "tiny"]


def test_a_file_changed_on_disk_is_embedded_in_a_session_not_pointed_at(qtbot, window,
                                                                       tmp_path):
    import os

    path = _scaled_file(tmp_path)
    ws = window.workspace
    assert window.open_file(str(path))
    window.step()
    shown = ws.X.copy()
    lines = path.read_text().splitlines()
    lines[1], lines[2] = lines[2], lines[1]  # other data of the same shape
    path.write_text("\n".join(lines) + "\n")
    os.utime(path, ns=(0, 10**9))
    session = tmp_path / "s.gmmx"
    ws.loading.save_session(session, embed_data=False)
    ws.loading.load_builtin("iris")
    ws.loading.open_session(session)
    np.testing.assert_array_equal(ws.X, shown)  # the data the history was fitted on


def test_features_given_by_position_can_give_up_the_class_column(qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)),
                            options=FileOptions(columns=("0", "1", "4")))  # --columns 0 1 4
    assert ws.feature_names == ["tiny", "plain", "code"]
    ws.loading.choose_classes("code")
    _wait_loaded(qtbot, window)
    assert ws.feature_names == ["tiny", "plain"] and ws.class_column == "code"


def test_a_session_pointing_at_its_file_keeps_no_classes_when_none_were_chosen(
        qtbot, window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(_scaled_file(tmp_path)))
    assert ws.class_column == "kind"  # the loader's pick: the first text column
    ws.loading.choose_classes(NO_CLASSES)
    _wait_loaded(qtbot, window)
    assert ws.labels is None
    window.step()
    session = tmp_path / "none.gmmx"
    ws.loading.save_session(session, embed_data=False)
    ws.loading.load_builtin("iris")
    ws.loading.open_session(session)
    assert ws.labels is None and ws.loading.file_options.label_column == NO_CLASSES
    window.step()
    ws.loading.save_session(session, embed_data=False)  # a session of that session
    ws.loading.open_session(session)
    assert ws.labels is None and ws.class_column in (None, "")


def test_too_many_components_for_a_file_are_refused_in_the_windows_words(qtbot, window,
                                                                          tmp_path):
    path = tmp_path / "five.csv"
    path.write_text("a,b\n" + "\n".join(f"{i},{i * i % 7}" for i in range(5)) + "\n")
    ws = window.workspace
    ws.set_model(n_components=10)
    assert not window.open_file(str(path))
    shown = window.statusBar().currentMessage()
    assert "n_components" not in shown
    assert "set Components K to at most 5" in shown, shown
