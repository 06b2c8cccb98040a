"""The window obeys the same budgets as the command line: a refusal keeps the data and
shows which budget and how to raise it."""

import pytest

from gmm_explorer.data.session_file import SessionFileError


@pytest.mark.parametrize("maker, budget", [
    ("bomb_npz", "GMM_EXPLORER_MAX_ZIP_RATIO"),
    ("lying_npz", "GMM_EXPLORER_MAX_VALUES"),
    ("wide_csv", "GMM_EXPLORER_MAX_FEATURES"),
])
def test_a_refused_file_keeps_the_data_and_names_the_budget(window, hostile, maker, budget):
    s = window.workspace
    X0, history0 = s.X, list(s.history)
    path = getattr(hostile, maker)()
    assert not window.open_file(path)
    assert s.X is X0 and s.history == history0
    assert budget in window.last_error and str(path) in window.last_error


def test_a_bomb_session_file_keeps_the_session(session, hostile):
    X0 = session.X
    with pytest.raises(SessionFileError, match="GMM_EXPLORER_MAX_ZIP_RATIO"):
        session.loading.open_session(hostile.bomb_gmmx())
    assert session.X is X0
