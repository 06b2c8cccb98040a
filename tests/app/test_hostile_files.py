"""A session file whose settings would break the window is refused on open, leaving the
window as it was; a read-only file is replaced only after a question; the data the
window shows are the very array its engine fits."""

import json
import zipfile

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from gmm_explorer.data.session_codec import SessionFileError


def _with_run(good_path, bad_path, **run):
    with zipfile.ZipFile(good_path) as src, zipfile.ZipFile(bad_path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["run"].update(run)
                data = json.dumps(manifest)
            dst.writestr(name, data)


@pytest.mark.parametrize("run, words", [
    ({"max_iter": "abc"}, "max_iter='abc' must be a whole number"),
    ({"delay": "inf"}, "delay=inf must be a finite number"),
])
def test_a_session_with_broken_run_settings_is_refused_on_open(window, tmp_path, run, words):
    s = window.workspace
    window.step()
    good, bad = tmp_path / "good.gmmx", tmp_path / "bad.gmmx"
    s.loading.save_session(good)
    _with_run(good, bad, **run)
    X, history, engine, settings = s.X, list(s.history), s.engine, s.run_settings
    with pytest.raises(SessionFileError, match=words):
        s.loading.open_session(bad)
    assert not window.desktop.open_path(str(bad))
    assert str(bad) in window.last_error and "\n" not in window.last_error
    assert s.X is X and s.history == history and s.engine is engine
    assert s.run_settings == settings
    window.step()  # Step and Run still work
    assert s.state.iteration == 2


def test_a_read_only_file_is_replaced_only_when_the_person_says_so(window, tmp_path, answer):
    target = tmp_path / "model.json"
    target.write_text("kept")
    target.chmod(0o444)
    seen = []
    answer(QMessageBox.Cancel, seen)
    assert not window.desktop.export("model", target)
    assert target.read_text() == "kept"
    assert seen and "model.json is read-only" in seen[0]
    answer(QMessageBox.Yes, seen)
    assert window.desktop.export("model", target)
    assert json.loads(target.read_text())["format"] == "gmm-explorer model"
    session = tmp_path / "work.gmmx"
    session.write_bytes(b"old")
    session.chmod(0o444)
    answer(QMessageBox.Cancel, seen)
    assert not window.desktop.save_session(str(session))
    assert session.read_bytes() == b"old"
    assert len(seen) == 3


def test_the_window_and_its_engine_share_one_read_only_array(session):
    X = np.random.default_rng(0).normal(size=(50, 2))
    session.set_data(X, name="mine")
    assert session.X is session.engine.X
    assert not session.X.flags.writeable
    X[:] = 0.0  # the caller's array is not the window's
    assert np.ptp(session.X) > 0
    assert session.step() and session.state.iteration == 1
