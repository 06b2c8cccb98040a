"""Loading a file off the GUI thread: progress, Cancel, errors keep the data."""

import numpy as np
import pytest

from gmm_explorer.app.model.load_worker import load_and_prepare


@pytest.fixture
def csv(tmp_path):
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 1, (3000, 2)), rng.normal(6, 1, (3000, 2))])
    path = tmp_path / "points.csv"
    np.savetxt(path, X, delimiter=",", header="a,b", comments="", fmt="%.5f")
    return path, X


def test_load_and_prepare_reports_progress_and_starts_the_engine(csv):
    from gmm_explorer.engine import GaussianMixtureEM

    path, X = csv
    seen = []
    result = load_and_prepare(path, progress=seen.append, cancelled=lambda: False,
                              make_engine=lambda: GaussianMixtureEM(n_components=2,
                                                                    random_state=0))
    np.testing.assert_allclose(result.data.X, X, atol=1e-5)
    assert result.engine.history[-1].iteration == 0
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_background_load_replaces_the_data(window, qtbot, csv):
    path, X = csv
    s = window.workspace
    with qtbot.waitSignal(s.loading.loadEnded, timeout=20000) as ended:
        assert window.open_file(path, wait=False)
        assert s.loading.busy and window.load_progress.isVisible()
    assert ended.args[0] == "loaded"
    assert s.X.shape == X.shape and s.data_name == str(path)
    assert s.engine.n_components == s.model.n_components and len(s.history) == 1
    assert not s.loading.busy and not window.load_progress.isVisible()


def test_waiting_open_returns_whether_it_loaded(window, csv):
    path, X = csv
    assert window.open_file(path)
    assert window.workspace.X.shape == X.shape


def test_cancel_keeps_what_was_loaded_before(window, qtbot, csv):
    path, _ = csv
    s = window.workspace
    X0, history0 = s.X, list(s.history)
    window.open_file(path, wait=False)
    with qtbot.waitSignal(s.loading.loadEnded, timeout=20000) as ended:
        window.load_progress.cancel_button.click()
    assert ended.args[0] == "cancelled"
    assert s.X is X0 and s.history == history0
    assert not window.load_progress.isVisible()


def test_a_failed_load_keeps_the_data_and_says_why(window, tmp_path):
    s = window.workspace
    X0 = s.X
    bad = tmp_path / "words.csv"
    bad.write_text("a,b\nx,y\n")
    assert not window.open_file(bad)
    assert s.X is X0
    assert str(bad) in window.last_error
    assert window.last_error.count("words.csv") == 1  # named once, not twice


def test_settings_changed_during_a_load_are_used(window, qtbot, csv):
    path, _ = csv
    s = window.workspace
    window.open_file(path, wait=False)
    s.set_model(n_components=3)
    with qtbot.waitSignal(s.loading.loadEnded, timeout=20000):
        pass
    assert s.engine.n_components == 3 and s.state.n_components == 3


def test_closing_during_a_load_leaves_no_thread(window, csv):
    path, _ = csv
    window.open_file(path, wait=False)
    window.close()
    assert not window.workspace.loading.busy
