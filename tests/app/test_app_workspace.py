"""The session: stepping, history, timeline, settings, the run worker."""

import numpy as np
import pytest

from gmm_explorer.app.model.workspace import MAX_DRAWN_POINTS, Workspace


def test_opens_on_the_seed_scene(session):
    assert session.X.shape == (1000, 2)
    assert session.engine.n_components == 10
    assert session.engine.reg_covar == 1e-6
    assert len(session.history) == 1 and session.current == 0
    assert session.state.iteration == 0


def test_step_appends_a_state_and_shows_it(session, qtbot):
    with qtbot.waitSignal(session.currentChanged) as blocker:
        assert session.step()
    assert blocker.args == [1]
    assert len(session.history) == 2
    assert session.state is session.engine.history[-1]
    assert session.state.iteration == 1


def test_step_back_and_go_to_keep_the_history(session):
    for _ in range(4):
        session.step()
    session.step_back()
    assert session.current == 3 and len(session.history) == 5
    session.go_to(1)
    assert session.state.iteration == 1 and len(session.history) == 5
    session.go_to(99)  # clipped to the last
    assert session.current == 4


def test_stepping_from_a_past_iteration_discards_the_later_ones(session, qtbot):
    for _ in range(5):
        session.step()
    old_third = session.history[3]
    session.go_to(2)
    with qtbot.waitSignal(session.message) as blocker:
        session.step()
    assert "Discarded iterations 3-5" in blocker.args[0]
    assert [s.iteration for s in session.history] == [0, 1, 2, 3]
    assert len(session.engine.history) == 4
    assert session.history[3] is not old_third
    np.testing.assert_allclose(session.history[3].means, old_third.means)  # EM is deterministic


def test_reset_goes_back_to_the_start(session):
    start = session.history[0]
    for _ in range(3):
        session.step()
    session.reset()
    assert session.history == [start] and session.current == 0
    assert len(session.engine.history) == 1


def test_changing_the_model_rebuilds_the_engine(session):
    session.step()
    session.set_model(n_components=3, covariance_type="diag")
    assert session.engine.n_components == 3
    assert session.engine.covariance_type == "diag"
    assert len(session.history) == 1 and session.state.n_components == 3
    with pytest.raises(ValueError, match="covariance_type"):
        session.set_model(covariance_type="round")
    assert session.model.covariance_type == "diag"


def test_new_start_changes_the_random_state(session):
    before = session.history[0].means
    session.new_start()
    assert session.model.random_state == 1
    assert not np.allclose(session.history[0].means, before)


def test_move_mean_restarts_from_the_new_start(session):
    for _ in range(3):
        session.step()
    shown = session.state
    session.move_mean(2, (1.5, -2.5))
    assert len(session.history) == 1
    new = session.state
    np.testing.assert_allclose(new.means[2], [1.5, -2.5])
    np.testing.assert_allclose(np.delete(new.means, 2, axis=0), np.delete(shown.means, 2, axis=0))
    np.testing.assert_allclose(new.weights, shown.weights)


def test_tol_goes_to_the_engine(session):
    session.set_run_settings(tol=1e-6)
    assert session.engine.tol == 1e-6
    session.set_model(n_components=4)
    assert session.engine.tol == 1e-6


def test_bad_data_keep_the_loaded_data(session):
    X = session.X
    with pytest.raises(ValueError, match="NaN"):
        session.set_data(np.array([[0.0, np.nan], [1.0, 2.0]] * 10))
    with pytest.raises(ValueError, match="at least 10 points"):
        session.set_data(np.zeros((5, 2)))
    assert session.X is X


def test_a_model_em_cannot_start_with_changes_nothing(session):
    model, engine, history = session.model, session.engine, session.history
    with pytest.raises(ValueError, match="points"):
        session.set_model(n_components=len(session.X) + 5)
    assert session.model == model and session.engine is engine and session.history == history


def test_data_em_cannot_start_on_keep_the_loaded_data(session):
    # the engine refuses the prior on a constant column: nothing may change
    session.set_model(prior="conjugate")
    X, name, engine, history = session.X, session.data_name, session.engine, session.history
    changed = []
    session.dataChanged.connect(lambda: changed.append(True))
    constant = np.column_stack([np.arange(50.0), np.ones(50)])
    with pytest.raises(ValueError, match="constant"):
        session.set_data(constant, name="constant column")
    assert session.X is X and session.data_name == name and not changed
    assert session.engine is engine and session.history == history


def test_open_file_failure_keeps_the_data(session, tmp_path):
    X = session.X
    with pytest.raises((ValueError, OSError)):
        session.loading.open_file(tmp_path / "missing.csv")
    assert session.X is X and len(session.history) == 1


def test_open_file_uses_the_loader(session, monkeypatch):
    from gmm_explorer.app.model import loading
    from gmm_explorer.datasets import Dataset

    asked = {}

    def fake_load(path, **options):
        asked.update(options)
        return Dataset(X=np.random.default_rng(0).standard_normal((50, 3)),
                       feature_names=("a", "b", "c"), name=str(path))

    monkeypatch.setattr(loading, "load_data", fake_load)
    session.loading.open_file("some.csv")
    assert session.X.shape == (50, 3) and session.feature_names == ["a", "b", "c"]
    assert session.data_name == "some.csv"
    # the command line's defaults: every numeric column, the loader's classes, no rows dropped
    assert asked == {"columns": None, "label_column": None, "drop_missing": False}
    assert session.standardize  # files are fitted in standardised units by default


def test_generate_and_axes(session):
    session.loading.generate("blobs", 300, 3, 0.5, 7)
    assert session.X.shape == (300, 2)
    session.loading.load_builtin("iris")
    assert session.X.shape[1] == 4
    session.set_axes(2, 3)
    np.testing.assert_array_equal(session.drawn_points(), session.X[:, [2, 3]])
    with pytest.raises(ValueError, match="column"):
        session.set_axes(0, 4)


def test_large_data_draw_a_fixed_subsample(qapp):
    s = Workspace()
    s.set_model(n_components=3)
    rng = np.random.default_rng(0)
    s.set_data(rng.standard_normal((20_000, 2)))
    assert len(s.display_indices) == MAX_DRAWN_POINTS
    r = s.display_responsibilities()
    assert r.shape == (MAX_DRAWN_POINTS, 3)
    full = s.engine.responsibilities()
    np.testing.assert_allclose(r, full[s.display_indices], atol=1e-9)


# ------------------------------------------------------------------ the worker

def test_run_then_pause(session, qtbot):
    session.set_run_settings(delay=0.02, max_iter=10_000, tol=1e-12)
    with qtbot.waitSignal(session.runningChanged, timeout=5000) as started:
        session.run()
    assert started.args == [True] and session.running
    qtbot.waitUntil(lambda: len(session.history) >= 3, timeout=5000)
    with qtbot.waitSignal(session.runningChanged, timeout=5000) as stopped:
        session.pause()
    assert stopped.args == [False] and not session.running
    n = len(session.history)
    assert n >= 3 and session.history == session.engine.history
    assert [s.iteration for s in session.history] == list(range(n))
    qtbot.wait(60)  # nothing arrives after the pause
    assert len(session.history) == n and len(session.engine.history) == n


def test_run_ends_by_itself_at_max_iter(session, qtbot):
    session.set_run_settings(delay=0.0, max_iter=6, tol=1e-12)
    with qtbot.waitSignal(session.runningChanged, timeout=5000,
                          check_params_cb=lambda running: not running):
        session.run()
    assert session.state.iteration == 6 and session.current == 6
    assert not session.running


def test_changing_a_setting_stops_the_run(session, qtbot):
    session.set_run_settings(delay=0.01, max_iter=10_000, tol=1e-12)
    session.run()
    qtbot.waitUntil(lambda: len(session.history) >= 2, timeout=5000)
    session.set_model(n_components=4)
    assert not session.running
    assert session.state.n_components == 4 and len(session.history) == 1


def test_step_during_a_run_stops_it_first(session, qtbot):
    session.set_run_settings(delay=0.05, max_iter=10_000, tol=1e-12)
    session.run()
    qtbot.waitUntil(lambda: len(session.history) >= 2, timeout=5000)
    session.step()
    assert not session.running
    assert session.history == session.engine.history


def test_shutdown_mid_run_ends_the_worker(session, qtbot):
    session.set_run_settings(delay=0.2, max_iter=10_000, tol=1e-12)
    session.run()
    worker = session.runner._run
    qtbot.waitUntil(lambda: len(session.history) >= 2, timeout=5000)
    session.shutdown()
    assert worker.isFinished() and not session.running


def test_run_stops_at_a_collapse_under_stop(qapp, qtbot):
    from gmm_explorer.datasets import seed_scene

    X, _ = seed_scene()
    X = np.vstack([X, np.repeat(X[:1], 5, axis=0)])  # a stack of identical points
    s = Workspace()
    s.set_model(n_components=11, reg_covar=0.0, on_collapse="stop")
    s.set_data(X)
    means = np.vstack([s.state.means[:10], X[:1]])
    covs = np.vstack([s.state.covariances[:10], 1e-4 * np.eye(2)[None]])
    s.reinitialize(weights=np.full(11, 1 / 11), means=means, covariances=covs)
    s.set_run_settings(delay=0.0, max_iter=200, tol=1e-12)
    with qtbot.waitSignal(s.runningChanged, timeout=10_000,
                          check_params_cb=lambda running: not running):
        s.run()
    assert s.engine.halted
    assert s.state.collapse is not None and 10 in s.state.collapse.components
    with qtbot.waitSignal(s.message) as blocker:
        assert not s.step()
    assert "collapsed" in blocker.args[0] and "reg_covar" in blocker.args[0]
    s.shutdown()


def test_display_responsibilities_of_a_past_state_are_the_engines(session):
    session.step()
    session.step()
    session.go_to(1)
    shown = session.display_responsibilities()
    full = session.engine.responsibilities(session.history[1])
    np.testing.assert_allclose(shown, full[session.display_indices], atol=1e-12)
    row = int(session.display_indices[0])
    np.testing.assert_allclose(session.point_responsibilities(row), full[row], atol=1e-12)


def test_display_responsibilities_survive_a_singular_covariance():
    from gmm_explorer.datasets import load_preset
    from gmm_explorer.engine import GaussianMixtureEM

    preset = load_preset("line")  # a component whose covariance becomes rank one
    em = GaussianMixtureEM(**preset.settings)
    em.initialize(preset.X, **preset.start)
    collapsed = em.run(max_iter=40, tol=0)
    assert "singular" in collapsed.component_status
    r = em.responsibilities(collapsed, preset.X[::7])
    assert np.all(np.isfinite(r))
    np.testing.assert_allclose(r.sum(axis=1), 1.0)


def test_a_dragged_mean_is_a_one_off_start_not_pinned(session):
    session.move_mean(0, (30.0, 30.0))
    assert session.start is None
    dragged = np.array(session.history[0].means)
    session.set_model(random_state=7)  # another seed: another start
    assert not np.array_equal(session.history[0].means, dragged)


def test_another_seed_lets_a_pinned_start_go(session):
    session.lab.load_preset("outlier")
    pinned = np.array(session.history[0].means)
    session.set_model(reg_covar=1e-4)  # the same start, another ridge
    np.testing.assert_array_equal(session.history[0].means, pinned)
    session.set_model(random_state=5)
    assert session.start is None
    assert not np.array_equal(session.history[0].means, pinned)


def test_views_are_handed_only_the_states_the_runner_handed(session):
    engine = session.fit.engine
    for _ in range(3):  # a worker's steps the window has not been told of yet
        engine.step()
    session.runner.statesReady.emit([engine.history[1]])
    assert len(session.history) == 2 and session.current == 1
    session.runner.statesReady.emit(engine.history[2:])
    assert len(session.history) == 4


def test_dragging_a_mean_after_a_removal_restarts_with_the_components_left(session):
    session.lab.load_preset("seed")
    session.lab.apply_remedy("remove", steps=10)
    assert session.state.n_components == 9
    session.move_mean(1, (0.0, 0.0))
    assert session.state.iteration == 0 and session.state.n_components == 9
    assert session.model.n_components == 9
    assert np.allclose(session.state.means[1], [0.0, 0.0])
