"""Staying up: closing mid-run, many files in a row, settings changed while running.

The autouse fixture of conftest.py fails any test that leaves a QThread running.
"""

import numpy as np

from gmm_explorer.app.shell import preferences
from gmm_explorer.app.shell.window import ExplorerWindow


def _start_run(qtbot, session, at_least=2):
    session.set_run_settings(delay=0.05, max_iter=100000, tol=0.0)
    session.run()
    assert session.running
    qtbot.waitUntil(lambda: len(session.history) > at_least, timeout=10000)


def test_closing_mid_run_leaves_no_thread(qtbot, session):
    w = ExplorerWindow(session)
    qtbot.addWidget(w)
    w.show()
    _start_run(qtbot, session)
    worker = session.runner._run
    w.close()
    assert not session.running and not worker.isRunning()
    n = len(session.history)
    qtbot.wait(50)  # late queued states from the worker are dropped
    assert len(session.history) == n
    assert [s.iteration for s in session.history] == list(range(n))


def test_opening_a_hundred_files_in_a_row(window, tmp_path):
    window.workspace.set_model(n_components=2)
    rng = np.random.default_rng(0)
    last = None
    for i in range(100):
        path = tmp_path / f"f{i}.csv"
        X = rng.normal(size=(20 + i % 7, 2)) + i
        np.savetxt(path, X, delimiter=",")
        assert window.desktop.open_path(str(path)), window.last_error
        if i % 10 == 0:
            window.step()
        last = X
    np.testing.assert_allclose(window.workspace.X, last)
    assert len(preferences.RecentFiles().paths()) == preferences.MAX_RECENT
    assert window.workspace.state.iteration == 0 and window.workspace.state.n_components == 2


def test_opening_files_and_sessions_while_running(qtbot, window, tmp_path):
    s = window.workspace
    s.loading.save_session(tmp_path / "s.gmmx")
    path = tmp_path / "d.csv"
    np.savetxt(path, np.random.default_rng(1).normal(size=(50, 2)), delimiter=",")
    for _ in range(3):
        _start_run(qtbot, s)
        assert window.desktop.open_path(str(path)) and not s.running
        _start_run(qtbot, s)
        assert window.desktop.open_path(str(tmp_path / "s.gmmx")) and not s.running
    assert s.X.shape == (1000, 2) and s.state.iteration == 0


def test_changing_settings_while_running(qtbot, window):
    s = window.workspace
    _start_run(qtbot, s)
    s.set_run_settings(delay=0.001)  # the speed applies to the run in progress
    assert s.running
    s.set_model(reg_covar=1e-4)  # a model change stops the run and restarts EM
    assert not s.running and s.state.iteration == 0 and s.model.reg_covar == 1e-4
    for k in (3, 5, 2):
        _start_run(qtbot, s)
        s.set_model(n_components=k, covariance_type=("diag", "tied", "full")[k % 3])
        assert not s.running and s.state.n_components == k
    _start_run(qtbot, s)
    s.set_axes(1, 0)
    s.go_to(0)
    s.pause()
    assert not s.running
    n = len(s.history)
    assert s.step() and len(s.history) == 2 and n >= 2  # stepping from 0 cut the rest
