"""Hand-edited points are never lost silently: a star in the title, a question
before they are replaced or the window closes, and sessions that embed them."""

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gmm_explorer.app.lab import lab_for


def _csv(path, n=60, seed=0):
    rng = np.random.default_rng(seed)
    np.savetxt(path, rng.normal(size=(n, 2)), delimiter=",", header="a,b", comments="")
    return path


def _answer_next_question(qtbot, button, seen):
    """Press ``button`` on the next question box, recording its texts in ``seen``."""
    def press():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)  # not shown yet
            return
        seen.append(box.text() + " " + box.informativeText())
        box.button(button).click()
    QTimer.singleShot(0, press)


def test_edits_set_the_flag_and_saving_clears_it(session, tmp_path):
    flags = []
    session.editedChanged.connect(flags.append)
    assert not session.edited
    lab_for(session).add_points((0.0, 0.0), copies=2)
    assert session.edited and flags == [True]
    session.save_session(tmp_path / "s.gmmx")
    assert not session.edited and flags == [True, False]
    lab_for(session).delete_points([0])
    assert session.edited
    session.load_builtin("faithful")  # no guard set: replaced, flag down
    assert not session.edited and flags[-1] is False


@pytest.mark.parametrize("replace", ["builtin", "generate", "open_file", "load_file",
                                     "preset"])
def test_a_guard_saying_no_keeps_the_edited_points(session, tmp_path, replace):
    lab_for(session).add_points((1.0, 2.0))
    X = session.X.copy()
    asked = []
    session.discard_guard = lambda what: asked.append(what) or False
    path = _csv(tmp_path / "other.csv")
    result = {
        "builtin": lambda: session.load_builtin("iris"),
        "generate": lambda: session.generate("blobs", 100, 3, 1.0, 0),
        "open_file": lambda: session.open_file(path),
        "load_file": lambda: session.load_file(path),
        "preset": lambda: lab_for(session).load_preset("outlier"),
    }[replace]()
    assert result in (False, None) and len(asked) == 1
    assert asked[0].startswith(("loading", "generating", "opening"))
    np.testing.assert_array_equal(session.X, X)
    assert session.edited and not session.loading


def test_closing_asks_cancel_keeps_the_window_discard_closes(qtbot, window):
    lab_for(window.session).add_points((0.0, 0.0))
    assert window.isWindowModified()
    seen = []
    _answer_next_question(qtbot, QMessageBox.Cancel, seen)
    assert not window.close()
    assert window.isVisible() and window.session.edited
    assert "closing the window" in seen[0] and "added or deleted" in seen[0]
    _answer_next_question(qtbot, QMessageBox.Discard, seen)
    assert window.close()
    assert not window.isVisible() and len(seen) == 2


def test_save_in_the_question_saves_then_goes_on(qtbot, window, tmp_path):
    window.desktop.session_path = str(tmp_path / "kept.gmmx")  # Save needs no file dialog
    lab_for(window.session).add_points((0.5, 0.5), copies=3)
    n_edited = len(window.session.X)
    seen = []
    _answer_next_question(qtbot, QMessageBox.Save, seen)
    window.load_builtin("faithful")
    assert window.session.data_name == "faithful" and not window.isWindowModified()
    assert window.desktop.open_session(str(tmp_path / "kept.gmmx"))
    assert len(window.session.X) == n_edited


def test_sessions_embed_edited_data_even_when_asked_to_reference_the_file(session, tmp_path):
    path = _csv(tmp_path / "points.csv", n=80)
    session.open_file(path)
    lab_for(session).add_points((9.0, 9.0))
    session.save_session(tmp_path / "ref.gmmx", embed_data=False)
    session.load_builtin("seed")
    session.open_session(tmp_path / "ref.gmmx")
    assert len(session.X) == 81 and session.X[-1].tolist() == [9.0, 9.0]
    # Unedited data from a file are still referenced, not embedded.
    session.open_file(path)
    session.save_session(tmp_path / "plain.gmmx", embed_data=False)
    assert (tmp_path / "plain.gmmx").stat().st_size < (tmp_path / "ref.gmmx").stat().st_size
