"""Undo and redo give back exactly what was there: point edits, the brush, model changes."""

import numpy as np


def test_undo_redo_round_trips_point_edits_exactly(session):
    X0 = session.X.copy()
    session.lab.add_points((1.0, 2.0), copies=3)
    X1 = session.X.copy()
    session.lab.delete_points([0, 5])
    X2 = session.X.copy()
    assert len(X1) == len(X0) + 3 and len(X2) == len(X1) - 2

    assert session.undo.undo()
    assert np.array_equal(session.X, X1) and session.X.tobytes() == X1.tobytes()
    assert session.undo.undo()
    assert session.X.tobytes() == X0.tobytes()
    assert session.hand_made is None and not session.edited
    assert session.state.iteration == 0  # EM starts again on the restored points
    assert not session.undo.undo()  # nothing more to undo

    assert session.undo.redo()
    assert session.X.tobytes() == X1.tobytes()
    assert session.hand_made is not None and session.hand_made[-3:].all()
    assert session.undo.redo()
    assert session.X.tobytes() == X2.tobytes()
    assert not session.undo.redo()


def test_a_new_edit_forgets_the_redo_list(session):
    session.lab.add_points((0.0, 0.0))
    session.undo.undo()
    assert session.undo.can_redo()
    session.lab.add_points((5.0, 5.0))
    assert not session.undo.can_redo()


def test_other_data_clear_the_history(session):
    session.lab.add_points((0.0, 0.0))
    assert session.undo.can_undo()
    session.loading.load_builtin("faithful")
    assert not session.undo.can_undo() and not session.undo.can_redo()


def test_a_preset_stays_on_show_through_undo(session):
    session.lab.load_preset("seed")
    session.lab.add_points((0.0, 0.0))
    session.undo.undo()
    assert session.lab.preset is not None and session.lab.preset.name == "seed"


def test_model_changes_undo_and_redo(session):
    before = session.model
    session.set_model(n_components=4)
    session.set_model(covariance_type="diag")
    after = session.model
    session.undo.undo()
    assert session.model.covariance_type == "full" and session.model.n_components == 4
    session.undo.undo()
    assert session.model == before
    assert len(session.state.weights) == before.n_components
    session.undo.redo()
    session.undo.redo()
    assert session.model == after
    assert "covariance type" in session.undo.undo_text() or "diag" in session.undo.undo_text()


def test_the_brush_sprays_points_with_the_chosen_spread(session):
    n = len(session.X)
    session.lab.spray_points((3.0, -2.0), count=400, spread=0.5, seed=1)
    new = session.X[n:, list(session.axes)]
    assert new.shape == (400, 2)
    assert np.allclose(new.mean(axis=0), (3.0, -2.0), atol=0.1)
    assert np.allclose(new.std(axis=0), 0.5, rtol=0.1)
    session.undo.undo()  # the spray is one edit
    assert len(session.X) == n
