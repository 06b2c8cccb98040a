"""``gmm-explorer lecture.gmmx``: a session file on the command line opens as File → Open
session opens it, not as data."""

import shutil

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell.launch import build_parser, build_window, launch
from gmm_explorer.app.shell.window import ExplorerWindow
from gmm_explorer.data.session_file import is_session_file


@pytest.fixture
def lecture(qtbot, tmp_path):
    """A session saved at iteration 5 of a K = 3 fit on iris, hard colours, 3σ on."""
    ws = Workspace()
    ws.set_model(n_components=3, random_state=2)
    w = ExplorerWindow(ws)
    qtbot.addWidget(w)
    w.load_builtin("iris")
    for _ in range(5):
        w.step()
    w.color_mode.setCurrentText("hard")
    w.sigma_boxes[3].setChecked(True)
    path = tmp_path / "lecture.gmmx"
    assert w.desktop.save_session(str(path))
    saved = ws.state
    yield path, saved
    ws.shutdown()


def test_a_session_file_opens_as_a_session(qtbot, lecture):
    path, saved = lecture
    ws, window = build_window(build_parser().parse_args([str(path)]))
    qtbot.addWidget(window)
    assert ws.state.iteration == 5 and len(ws.history) == 6
    np.testing.assert_array_equal(ws.state.means, saved.means)
    assert ws.model.n_components == 3 and ws.data_name == "iris"
    assert window.color_mode.currentText() == "hard" and window.sigma_boxes[3].isChecked()
    assert window.desktop.session_path == str(path)  # Ctrl+S saves back to it
    assert "lecture.gmmx" in window.windowTitle()
    ws.shutdown()


def test_a_renamed_session_is_sniffed_by_its_content_and_npz_is_not(qtbot, lecture, tmp_path):
    path, _ = lecture
    renamed = tmp_path / "lecture.zip"
    shutil.copy(path, renamed)
    npz = tmp_path / "data.npz"
    np.savez(npz, X=np.zeros((3, 2)))
    assert is_session_file(path) and is_session_file(renamed)
    assert not is_session_file(npz) and not is_session_file(tmp_path / "missing.csv")
    ws, window = build_window(build_parser().parse_args([str(renamed)]))
    qtbot.addWidget(window)
    assert ws.state.iteration == 5
    ws.shutdown()


def test_launch_shows_the_session_and_steps_on_from_it(qapp, lecture, tmp_path):
    path, _ = lecture
    out = tmp_path / "shot.png"
    assert launch([str(path), "--steps", "2", "--screenshot", str(out)]) == 0
    assert not QImage(str(out)).isNull()


def test_a_bad_session_or_settings_for_one_exit_2_with_one_line(qapp, lecture, tmp_path,
                                                                   capsys):
    path, _ = lecture
    out = tmp_path / "x.png"
    assert launch([str(path), "-k", "4", "--screenshot", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "--components" in err
    damaged = tmp_path / "damaged.gmmx"
    damaged.write_bytes(path.read_bytes()[:200])
    assert launch([str(damaged), "--screenshot", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(damaged) in err
    assert not out.exists()
