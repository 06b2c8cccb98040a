"""A run delivers states no faster than the window draws them, and loses none."""

from types import SimpleNamespace

from gmm_explorer.app.model.worker import RunWorker


def test_states_queue_while_the_window_has_a_notice(qapp):
    worker = RunWorker(SimpleNamespace(), token=7, max_iter=10, delay=0.0)
    worker.request_stop()  # so that _report does not wait for a draw
    seen = []
    worker.stateReady.connect(lambda token, state: seen.append((token, state)))
    worker._report("s1")
    worker._report("s2")
    assert seen == [(7, "s1")]  # one notice until the window takes the states
    assert worker.take_states() == ["s1", "s2"]
    worker._report("s3")
    assert seen[-1] == (7, "s3") and worker.take_states() == ["s3"]


def test_a_run_keeps_every_iteration_in_order(session, qtbot):
    session.set_run_settings(max_iter=25, tol=0.0, delay=0.0)
    redraws = []
    session.currentChanged.connect(redraws.append)
    with qtbot.waitSignal(session.runningChanged, timeout=30000,
                          check_params_cb=lambda running: not running):
        session.run()
    assert [s.iteration for s in session.history] == list(range(26))
    assert session.state.iteration == 25 and not session.running
    assert len(redraws) <= 26


def test_pause_while_waiting_for_a_draw_ends_the_worker(session, qtbot):
    session.set_run_settings(max_iter=1000, tol=0.0, delay=0.0)
    session.run()
    qtbot.waitUntil(lambda: len(session.history) > 2, timeout=20000)
    session.pause()
    assert not session.running
    n = len(session.history)
    qtbot.wait(50)
    assert len(session.history) == n
