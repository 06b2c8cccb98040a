"""The window's desktop features: sessions, exports, errors, recent files, drops, layout."""

import csv
import json
import threading

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage, QKeySequence, QPalette

from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell import error_handling, preferences
from gmm_explorer.app.shell.window import ExplorerWindow


def _csv(path, n=40, seed=0, d=2):
    rng = np.random.default_rng(seed)
    np.savetxt(path, rng.normal(size=(n, d)), delimiter=",",
               header=",".join(f"c{j}" for j in range(d)), comments="")
    return path


def _file_menu(window):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")


def test_file_menu_has_sessions_and_exports(window):
    texts = [a.text() for a in _file_menu(window).actions()]
    for text in ("Open &session…", "&Save session", "Open &recent", "&Export"):
        assert text in texts
    assert texts.index("&Export") < texts.index("&Quit")
    d = window.desktop
    assert d.actions["save_session"].shortcut() == QKeySequence("Ctrl+S")
    assert [a.text() for a in d.export_menu.actions()] == [
        "Model as JSON…", "History as CSV…", "Plot as PNG…", "Plot as PNG at 2x…",
        "Plot as PNG at 4x…", "Plot as SVG…", "Whole window as PNG…", "Reproduce script…",
        "Animation (GIF, MP4)…"]
    assert all(a.toolTip() for a in d.actions.values())


def test_session_round_trip_through_windows(qtbot, window, tmp_path):
    for _ in range(4):
        window.step()
    window.color_mode.setCurrentText("hard")
    window.sigma_boxes[3].setChecked(True)
    path = tmp_path / "w.gmmx"
    assert window.desktop.save_session(str(path))
    assert "w.gmmx" in window.windowTitle()

    other_session = Workspace()
    other = ExplorerWindow(other_session)
    qtbot.addWidget(other)
    assert other.desktop.open_session(str(path))
    assert other.timeline_label.text() == "4 / 4"
    assert other.color_mode.currentText() == "hard" and other.sigma_boxes[3].isChecked()
    np.testing.assert_array_equal(other_session.state.means, window.workspace.state.means)
    other.step()
    assert other_session.state.iteration == 5
    other.close()


def test_exports_write_readable_files(window, tmp_path):
    for _ in range(3):
        window.step()
    d = window.desktop
    assert d.export("model", tmp_path / "m.json")
    model = json.loads((tmp_path / "m.json").read_text())
    np.testing.assert_allclose(model["means"], window.workspace.state.means)

    assert d.export("history", tmp_path / "h.csv")
    rows = list(csv.reader(open(tmp_path / "h.csv")))
    K = window.workspace.state.n_components
    assert rows[0][:5] == ["iteration", "log_likelihood", "objective", "converged", "status"]
    assert len(rows[0]) == 5 + 3 * K and len(rows) == 1 + len(window.workspace.history)
    assert float(rows[-1][1]) == window.workspace.history[-1].log_likelihood
    assert rows[1][7] in ("ok", "degenerate", "singular")

    for kind, name in (("plot_png", "p.png"), ("window_png", "w.png")):
        assert d.export(kind, tmp_path / name), window.last_error
        image = QImage(str(tmp_path / name))
        assert not image.isNull() and image.width() > 100
    assert d.export("plot_svg", tmp_path / "p.svg"), window.last_error
    assert "<svg" in (tmp_path / "p.svg").read_text()[:2000]


def test_failed_export_and_save_say_why(window, tmp_path):
    target = tmp_path / "missing" / "h.csv"
    assert not window.desktop.export("history", target)
    assert str(target) in window.last_error and "folder does not exist" in window.last_error
    assert not window.desktop.export("plot_png", tmp_path / "p.bmp")
    assert not window.desktop.save_session(str(tmp_path / "missing" / "s.gmmx"))
    assert "Could not save the session" in window.last_error


def test_failed_loads_keep_what_was_open(window, tmp_path):
    s = window.workspace
    window.step()
    X, history = s.X, list(s.history)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\nthree,four\n\x00\x01\x02")
    assert not window.desktop.open_path(str(bad))
    assert str(bad) in window.last_error
    assert s.X is X and s.history == history
    junk = tmp_path / "junk.gmmx"
    junk.write_bytes(b"PK\x03\x04 truncated")
    assert not window.desktop.open_path(str(junk))
    assert str(junk) in window.last_error and "Could not open the session" in window.last_error
    assert s.X is X and s.history == history
    assert window.timeline_label.text() == "1 / 1"
    window.step()
    assert s.state.iteration == 2


class _FailingEngine:
    """Wraps the real engine; ``step`` raises once ``fail_at`` is reached."""

    fail_at = 3

    def __init__(self, **kwargs):
        from gmm_explorer.engine import GaussianMixtureEM

        self._em = GaussianMixtureEM(**kwargs)

    def __getattr__(self, name):
        return getattr(self._em, name)

    def step(self):
        if self._em.history[-1].iteration + 1 >= _FailingEngine.fail_at:
            raise FloatingPointError("simulated failure inside the engine")
        return self._em.step()


def test_worker_exception_stops_run_and_keeps_session(qtbot, tmp_path):
    _FailingEngine.fail_at = 3
    s = Workspace(engine_factory=_FailingEngine)
    s.set_model(n_components=3, reg_covar=1e-6, random_state=0)
    s.loading.load_builtin("faithful")
    s.set_run_settings(delay=0.0)
    w = ExplorerWindow(s)
    qtbot.addWidget(w)
    with qtbot.waitSignal(s.runFailed, timeout=10000):
        s.run()
    qtbot.waitUntil(lambda: not s.running, timeout=10000)
    assert "simulated failure" in w.last_error and "run stopped" in w.last_error
    assert [st.iteration for st in s.history] == [0, 1, 2]
    assert s.current == 2 and w.timeline_label.text() == "2 / 2"
    _FailingEngine.fail_at = 10 ** 9  # the cause is gone: stepping goes on
    assert s.step() and s.state.iteration == 3
    s.shutdown()


def test_unexpected_errors_are_logged_and_shown(window, tmp_path):
    reporter = error_handling.ErrorReporter(folder=tmp_path / "logs")
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    log = tmp_path / "logs" / error_handling.LOG_NAME
    text = log.read_text()
    assert "Traceback" in text and "boom in a slot" in text and "gmm-explorer" in text
    assert reporter.dialog is not None and reporter.dialog.isVisible()
    assert str(log) in reporter.dialog.text() and "keeps running" in reporter.dialog.text()
    assert "Traceback" not in reporter.dialog.text()
    reporter.dialog.close()
    window.step()  # the program goes on
    assert window.workspace.state.iteration == 1


def test_excepthook_install_and_threads(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(error_handling.ENV_LOG_DIR, str(tmp_path))
    assert error_handling.log_folder() == tmp_path
    reporter = error_handling.install_excepthook(show_dialog=False)
    try:
        import sys

        assert sys.excepthook is reporter
        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()
    finally:
        reporter.uninstall()
    assert "ZeroDivisionError" in (tmp_path / error_handling.LOG_NAME).read_text()
    assert "ZeroDivisionError" in reporter.last_text
    assert "Traceback" not in capsys.readouterr().err


def test_recent_files_and_menu(window, tmp_path):
    a, b = _csv(tmp_path / "a.csv"), _csv(tmp_path / "b.csv", seed=1)
    window.workspace.set_model(n_components=2)
    assert window.desktop.open_path(str(a)) and window.desktop.open_path(str(b))
    window.desktop.save_session(str(tmp_path / "s.gmmx"))
    recent = preferences.RecentFiles().paths()
    assert recent[:3] == [str(tmp_path / "s.gmmx"), str(b), str(a)]
    window.desktop._fill_recent_menu()
    tips = [act.toolTip() for act in window.desktop.recent_menu.actions()]
    assert str(a) in tips
    a.unlink()
    assert str(a) not in preferences.RecentFiles().paths()
    preferences.RecentFiles().clear()
    assert preferences.RecentFiles().paths() == []


def _drop(window, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    return window.desktop.eventFilter(window, event)


def test_drop_a_data_or_session_file(window, tmp_path):
    window.workspace.set_model(n_components=2)
    data = _csv(tmp_path / "dropped.csv", n=30, d=3)
    assert _drop(window, data)
    assert window.workspace.X.shape == (30, 3)
    window.step()
    window.desktop.save_session(str(tmp_path / "d.gmmx"))
    window.workspace.loading.load_builtin("faithful")
    assert _drop(window, tmp_path / "d.gmmx")
    assert window.workspace.X.shape == (30, 3) and window.workspace.state.iteration == 1


def test_geometry_and_dock_layout_remembered(qtbot, session):
    w = ExplorerWindow(session)
    qtbot.addWidget(w)
    w.show()
    w.resize(1150, 700)
    size = (w.width(), w.height())
    assert size != (1280, 800)
    w.docks["table"].hide()
    w.close()
    other_session = Workspace()
    other = ExplorerWindow(other_session)
    qtbot.addWidget(other)
    assert preferences.restore_window_state(other)
    other.show()
    # Qt clamps a restored width to the (small) offscreen screen; the height fits it.
    assert other.height() == size[1] == 700
    assert not other.docks["table"].isVisible() and other.docks["model"].isVisible()
    other.close()


def test_dark_palette_detected():
    dark, light = QPalette(), QPalette()
    dark.setColor(QPalette.Window, QColor(30, 30, 30))
    light.setColor(QPalette.Window, QColor(240, 240, 240))
    assert preferences.is_dark(dark) and not preferences.is_dark(light)
