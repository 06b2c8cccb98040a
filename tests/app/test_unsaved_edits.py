"""Hand-edited points are never lost silently: a star in the title, a question
before they are replaced or the window closes, and sessions that embed them."""

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox


def _csv(path, n=60, seed=0):
    rng = np.random.default_rng(seed)
    np.savetxt(path, rng.normal(size=(n, 2)), delimiter=",", header="a,b", comments="")
    return path


def test_edits_set_the_flag_and_saving_clears_it(session, tmp_path):
    flags = []
    session.editedChanged.connect(flags.append)
    assert not session.edited
    session.lab.add_points((0.0, 0.0), copies=2)
    assert session.edited and flags == [True]
    session.loading.save_session(tmp_path / "s.gmmx")
    assert not session.edited and flags == [True, False]
    session.lab.delete_points([0])
    assert session.edited
    session.loading.load_builtin("faithful")  # no guard set: replaced, flag down
    assert not session.edited and flags[-1] is False


@pytest.mark.parametrize("replace", ["builtin", "generate", "open_file", "load_file",
                                     "preset", "session"])
def test_a_guard_saying_no_keeps_the_edited_points(session, tmp_path, replace):
    saved = tmp_path / "before.gmmx"
    session.loading.save_session(saved)
    session.lab.add_points((1.0, 2.0))
    X = session.X.copy()
    asked = []
    session.discard_guard = lambda what: asked.append(what) or False
    path = _csv(tmp_path / "other.csv")
    result = {
        "builtin": lambda: session.loading.load_builtin("iris"),
        "generate": lambda: session.loading.generate("blobs", 100, 3, 1.0, 0),
        "open_file": lambda: session.loading.open_file(path),
        "load_file": lambda: session.loading.load_file(path),
        "preset": lambda: session.lab.load_preset("outlier"),
        "session": lambda: session.loading.open_session(saved) is not None,
    }[replace]()
    assert result is False and len(asked) == 1
    assert asked[0].startswith(("loading", "generating", "opening"))
    np.testing.assert_array_equal(session.X, X)
    assert session.edited and not session.loading.busy


def test_closing_asks_cancel_keeps_the_window_discard_closes(window, answer):
    window.workspace.lab.add_points((0.0, 0.0))
    assert window.isWindowModified()
    seen = []
    answer(QMessageBox.Cancel, seen)
    assert not window.close()
    assert window.isVisible() and window.workspace.edited
    assert "closing the window" in seen[0] and "added or deleted" in seen[0]
    answer(QMessageBox.Discard, seen)
    assert window.close()
    assert not window.isVisible() and len(seen) == 2


def test_save_in_the_question_saves_then_goes_on(window, answer, tmp_path):
    window.desktop.session_path = str(tmp_path / "kept.gmmx")  # Save needs no file dialog
    window.workspace.lab.add_points((0.5, 0.5), copies=3)
    n_edited = len(window.workspace.X)
    seen = []
    answer(QMessageBox.Save, seen)
    window.load_builtin("faithful")
    assert window.workspace.data_name == "faithful" and not window.isWindowModified()
    # Other data now: Ctrl+S must not overwrite the file that holds the edits.
    assert window.desktop.session_path is None and "kept.gmmx" not in window.windowTitle()
    assert window.desktop.open_session(str(tmp_path / "kept.gmmx"))
    assert len(window.workspace.X) == n_edited


def test_sessions_embed_edited_data_even_when_asked_to_reference_the_file(session, tmp_path):
    path = _csv(tmp_path / "points.csv", n=80)
    session.loading.open_file(path)
    session.lab.add_points((9.0, 9.0))
    session.loading.save_session(tmp_path / "ref.gmmx", embed_data=False)
    session.step()
    session.loading.save_session(tmp_path / "ref.gmmx", embed_data=False)  # saved: still edited data
    session.loading.load_builtin("seed")
    session.loading.open_session(tmp_path / "ref.gmmx")
    assert len(session.X) == 81 and session.X[-1].tolist() == [9.0, 9.0]
    assert session.data_name.endswith("(edited)")
    # Unedited data from a file are still referenced, not embedded.
    session.loading.open_file(path)
    session.loading.save_session(tmp_path / "plain.gmmx", embed_data=False)
    assert (tmp_path / "plain.gmmx").stat().st_size < (tmp_path / "ref.gmmx").stat().st_size


def test_a_load_that_ends_after_new_edits_asks_again(session, tmp_path, qtbot):
    path = _csv(tmp_path / "late.csv", n=70)
    asked = []
    session.discard_guard = lambda what: asked.append(what) or False
    with qtbot.waitSignal(session.loading.loadEnded, timeout=10000) as ended:
        assert session.loading.load_file(path)  # nothing edited yet: no question
        session.lab.add_points((3.0, 3.0))  # edited while the file loads
        X = session.X.copy()
    assert ended.args[0] == "cancelled" and "Kept the edited points" in ended.args[1]
    assert asked == ["opening late.csv"]
    np.testing.assert_array_equal(session.X, X)


def test_points_added_by_hand_are_ringed_and_saved_as_such(window, tmp_path):
    s, ui = window.workspace, window.lab_ui
    n = len(s.X)
    ui.lab.add_points((30.0, 30.0))
    ui.lab.add_points((-30.0, 5.0), copies=3)
    ui.lab.delete_points([0, n + 1])  # an original point and one of the copies
    assert len(s.X) == n + 2 and s.hand_made.sum() == 3
    np.testing.assert_array_equal(s.X[s.hand_made][:, :2],
                                  [[30.0, 30.0], [-30.0, 5.0], [-30.0, 5.0]])
    np.testing.assert_array_equal(ui.hand_made.positions(), s.X[s.hand_made][:, list(s.axes)])
    s.loading.save_session(tmp_path / "hand.gmmx")
    s.discard_guard = None
    s.loading.load_builtin("faithful")
    assert s.hand_made is None and len(ui.hand_made.positions()) == 0
    s.loading.open_session(tmp_path / "hand.gmmx")
    assert s.hand_made.sum() == 3 and len(ui.hand_made.positions()) == 3


def test_deleting_a_row_twice_deletes_it_once_and_says_so(session):
    lab = session.lab
    n = len(session.X)
    said = []
    session.message.connect(said.append)
    lab.delete_points([n - 1, n - 1])
    assert len(session.X) == n - 1 and said[-1].startswith("Deleted 1 point;")
    with pytest.raises(ValueError, match="between 0 and"):
        lab.delete_points([-1])
    with pytest.raises(ValueError, match="between 0 and"):
        lab.delete_points([len(session.X)])


def test_points_added_to_big_data_are_always_drawn(qapp):
    from gmm_explorer.app.model.workspace import MAX_DRAWN_POINTS, Workspace

    s = Workspace()
    s.set_data(np.random.default_rng(0).normal(size=(3 * MAX_DRAWN_POINTS, 2)))
    s.lab.add_points((50.0, 50.0), copies=3)
    added = np.flatnonzero(s.hand_made)
    assert len(added) == 3 and np.isin(added, s.display_indices).all()
    assert len(s.display_indices) <= MAX_DRAWN_POINTS + 3
    s.shutdown()


def test_a_load_already_agreed_to_asks_no_second_time(session, tmp_path, qtbot):
    path = _csv(tmp_path / "agreed.csv", n=70)
    session.lab.add_points((3.0, 3.0))
    asked = []
    session.discard_guard = lambda what: asked.append(what) or True  # Discard
    with qtbot.waitSignal(session.loading.loadEnded, timeout=10000) as ended:
        assert session.loading.load_file(path)
    assert ended.args[0] == "loaded" and asked == ["opening agreed.csv"]
    assert len(session.X) == 70 and not session.edited
