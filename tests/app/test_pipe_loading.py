"""A background load from a pipe that never sends: Cancel, closing and another file all work."""

import os
import time

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@pytest.fixture
def silent_pipe(tmp_path, monkeypatch):
    monkeypatch.setenv("GMM_EXPLORER_STREAM_WAIT", "600")  # only a cancel can end the load
    fifo = tmp_path / "silent.csv"
    os.mkfifo(fifo)
    return fifo


def test_cancel_ends_a_load_from_a_silent_pipe(window, qtbot, silent_pipe):
    s = window.workspace
    X0 = s.X
    assert window.open_file(silent_pipe, wait=False)
    qtbot.wait(300)
    assert s.loading.busy
    t0 = time.perf_counter()
    with qtbot.waitSignal(s.loading.loadEnded, timeout=5000) as ended:
        window.load_progress.cancel_button.click()
    assert time.perf_counter() - t0 < 2
    assert ended.args[0] == "cancelled" and s.X is X0


def test_another_file_replaces_a_load_from_a_silent_pipe(window, qtbot, silent_pipe, tmp_path):
    path = tmp_path / "next.csv"
    X = np.random.default_rng(0).normal(size=(300, 2)).round(4)
    np.savetxt(path, X, delimiter=",", header="a,b", comments="", fmt="%.4f")
    assert window.open_file(silent_pipe, wait=False)
    qtbot.wait(300)
    t0 = time.perf_counter()
    assert window.open_file(path)
    assert time.perf_counter() - t0 < 10
    np.testing.assert_array_equal(window.workspace.X, X)


def test_closing_during_a_load_from_a_silent_pipe_does_not_freeze(window, qtbot, silent_pipe):
    assert window.open_file(silent_pipe, wait=False)
    qtbot.wait(300)
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 2
    assert not window.workspace.loading.busy
