"""Fixtures for the window's tests: offscreen Qt, a session, a window.

``no_thread_outlives_the_test`` (autouse) records every QThread started
during a test and fails the test if one is still running at its end.
``private_settings`` (autouse) gives every test its own settings file, so
the user's recent files and layout are never touched. ``modal_questions``
(autouse) fails a test whose code asks a modal question it does not answer
(offscreen, nobody would: the suite would hang).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QThread, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from gmm_explorer.app.model.workspace import Workspace  # noqa: E402
from gmm_explorer.app.shell import preferences  # noqa: E402

_STARTED: list = []
_ORIGINAL_START = QThread.start


def _recording_start(self, *args, **kwargs):
    _STARTED.append(self)
    return _ORIGINAL_START(self, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_thread_outlives_the_test(qapp, monkeypatch):
    """Fail the test if a QThread it started is still running at its end."""
    monkeypatch.setattr(QThread, "start", _recording_start)
    _STARTED.clear()
    yield
    qapp.processEvents()
    alive = []
    for thread in _STARTED:
        try:
            running = thread.isRunning()
        except RuntimeError:  # the C++ object was deleted: it had finished
            continue
        if running:
            alive.append(thread)
            stop = getattr(thread, "request_stop", None)
            if stop is not None:
                stop()
            thread.wait(5000)
    _STARTED.clear()
    assert not alive, f"{len(alive)} QThread(s) outlived the test"


@pytest.fixture(autouse=True)
def modal_questions(monkeypatch):
    """``modal_questions["answered"] = True`` lets a test that answers them ask."""
    state = {"answered": False}
    original = QMessageBox.exec

    def exec_or_fail(box):
        if not state["answered"]:
            raise AssertionError(f"a modal question nobody answers: {box.text()!r}")
        return original(box)

    monkeypatch.setattr(QMessageBox, "exec", exec_or_fail)
    return state


@pytest.fixture
def answer(modal_questions):
    """``answer(button, seen)``: press ``button`` on the next question box, recording
    its texts in ``seen``; fails if none comes within five seconds."""
    modal_questions["answered"] = True

    def arm(button, seen):
        tries = []

        def press():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                tries.append(1)
                assert len(tries) < 500, "no question came"
                QTimer.singleShot(10, press)  # not shown yet
                return
            seen.append(box.text() + " " + box.informativeText())
            box.button(button).click()
        QTimer.singleShot(0, press)
    return arm


@pytest.fixture
def seed_window(qtbot):
    """The window on the lab's seed scene after five steps (1280x800)."""
    from gmm_explorer.app.shell.window import ExplorerWindow

    ws = Workspace()
    ws.lab.load_preset("seed")
    window = ExplorerWindow(ws)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(5):
        window.step()
    yield window
    ws.shutdown()


@pytest.fixture(autouse=True)
def private_settings(tmp_path):
    preferences.use_settings_file(tmp_path / "settings.ini")
    yield
    preferences.use_settings_file(None)


@pytest.fixture
def session(qapp):
    """A session on the seed's scene, K=10, ridge on; shut down afterwards."""
    s = Workspace()
    s.set_model(n_components=10, covariance_type="full", init="k-means++",
                            reg_covar=1e-6, random_state=0)
    s.loading.load_builtin("seed")
    yield s
    s.shutdown()


@pytest.fixture
def window(qtbot, session):
    """The main window on the seed's scene (closed by qtbot at the end)."""
    from gmm_explorer.app.shell.window import ExplorerWindow

    w = ExplorerWindow(session)
    # closed by qtbot without the question about edited points (nobody would answer)
    qtbot.addWidget(w, before_close_func=lambda _: setattr(session, "discard_guard", None))
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def seed_compared(window, qtbot):
    """``seed_compared(left, right)``: the window's compare mode on the seed preset, both
    sides run with those remedies."""
    def compare(left: str, right: str):
        ui = window.lab_ui
        ui.load_preset("seed")
        cw = ui.show_compare(wait=True)
        qtbot.addWidget(cw)
        cw.run(left, right, wait=True)
        return cw

    return compare



@pytest.fixture
def centre_view_on(qtbot):
    """``centre_view_on(X)``: a workspace on ``X`` (K = 3, seed 0) and a shown centre plot
    of it, 500 x 400; the workspaces are shut down after the test."""
    from gmm_explorer.app.model.workspace import Workspace
    from gmm_explorer.app.views.scatter_view import CentreView

    made = []

    def make(X):
        s = Workspace()
        made.append(s)
        s.set_model(n_components=3, random_state=0)
        s.set_data(X)
        view = CentreView(s)
        qtbot.addWidget(view)
        view.resize(500, 400)
        view.show()
        return s, view

    yield make
    for s in made:
        s.shutdown()
