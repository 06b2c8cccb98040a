"""The window on a history the engine thinned: the timeline replays, sessions reopen."""

import numpy as np
import pytest

from gmm_explorer.app.model.compare import Comparison, Side
from gmm_explorer.app.model.fit import Fit
from gmm_explorer.app.model.reproducing import workspace_reproduction
from gmm_explorer.app.model.units import StandardizedEngine
from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell.window import THINNED_NOTE
from gmm_explorer.app.views.table_view import COLUMNS, _row_texts
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.thinning import full_state_bytes

STEPS = 150


def same_state(a, b):
    for name in ("weights", "means", "covariances", "eigenvalues", "condition_numbers",
                 "effective_counts", "component_ids"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in ("iteration", "log_likelihood", "objective", "component_status", "collapse",
                 "converged", "events"):
        assert getattr(a, name) == getattr(b, name), name


def thinned_run(workspace, budget_states=12):
    """Step the workspace's fit ``STEPS`` times under a budget of ``budget_states`` full
    states; return an unthinned fit of the same recipe stepped as far."""
    workspace.set_run_settings(tol=1e-12, max_iter=1000)
    reference = Fit.begin(workspace.fit.engine.X, workspace.fit.recipe)
    engine = workspace.fit.engine
    engine.history_budget = budget_states * full_state_bytes(engine.history[0])
    for _ in range(STEPS):
        assert workspace.step()
        reference.engine.step()
    assert engine.has_thinned_states and engine.full_states <= budget_states
    assert not reference.engine.has_thinned_states
    return reference


def test_the_timeline_scrubs_to_a_thinned_iteration(window, session):
    reference = thinned_run(session)
    thinned = [i for i, s in enumerate(session.history) if s.thinned]
    assert len(thinned) > STEPS // 2
    assert THINNED_NOTE in window.timeline.toolTip()
    assert THINNED_NOTE in window.timeline_label.toolTip()
    for i in (thinned[0], thinned[len(thinned) // 2], thinned[-1]):
        window.timeline.setValue(i)
        assert session.current == i
        assert window.timeline_label.text() == f"{i} / {STEPS}"
        same_state(session.state, reference.history[i])
        row = int(session.state.component_ids[0])
        # the table shows the replayed state: the full-precision mean in its tooltip
        values, tips = _row_texts(reference.history[i], 0, 3)
        assert window.table.cell_text(row, "weight") == values[COLUMNS.index("weight")]
        assert window.table.item(row, COLUMNS.index("mean")).toolTip() == tips[5]
    # the curves keep every iteration: their scalars are kept for thinned states too
    assert [s.objective for s in session.history] == \
        [s.objective for s in reference.history]
    # stepping from a thinned iteration goes on as the run did
    target = thinned[len(thinned) // 2]
    session.go_to(target)
    session.step()
    same_state(session.history[-1], reference.history[target + 1])


def test_a_thinned_session_reopens_and_replays(session, tmp_path):
    reference = thinned_run(session)
    session.go_to(STEPS - 3)
    session.loading.save_session(tmp_path / "long.gmmx")
    other = Workspace()
    try:
        other.loading.open_session(tmp_path / "long.gmmx")
        assert len(other.history) == STEPS + 1 and other.current == STEPS - 3
        assert [s.thinned for s in other.history] == [s.thinned for s in session.history]
        for i in range(0, STEPS + 1, 9):
            same_state(other.state_at(i), reference.history[i])
        other.go_to(STEPS)
        other.step()
        reference.engine.step()
        same_state(other.history[-1], reference.history[-1])
    finally:
        other.shutdown()


def test_a_thinned_iteration_reproduces(session):
    reference = thinned_run(session)
    i = next(i for i, s in enumerate(session.history) if s.thinned and i > 20)
    made = workspace_reproduction(session, i)
    assert made.n_steps == i  # no collapse on the way: plain EM reaches it
    for a, b in zip(made.target, (reference.history[i].weights, reference.history[i].means,
                                  reference.history[i].covariances)):
        assert np.array_equal(a, b)
    for a, b in zip(made.start, (reference.history[0].weights, reference.history[0].means,
                                 reference.history[0].covariances)):
        assert np.array_equal(a, b)


def test_standardised_fits_map_thinned_states_and_stay_bounded():
    rng = np.random.default_rng(3)
    X = np.vstack([rng.standard_normal((120, 3)), rng.standard_normal((120, 3)) + 3])
    X = X * np.array([1e-3, 1.0, 1e3])
    kept = StandardizedEngine(GaussianMixtureEM(3, random_state=0))
    thin = StandardizedEngine(GaussianMixtureEM(3, random_state=0))
    kept.initialize(X)
    thin.initialize(X)
    thin.engine.history_budget = 10 * full_state_bytes(thin.engine.history[0])
    for _ in range(400):
        kept.step()
        thin.step()
        list(thin.history[-3:])  # the window maps the newest states as they come
    assert thin.engine.has_thinned_states
    cap = thin.engine.history_cap()
    # the wrapper's cache of mapped states does not keep thinned-away full states alive
    assert sum(not fit.thinned for fit, _ in thin._mapped.values()) <= cap + 64
    for i in range(0, 401, 13):
        record, original = thin.history[i], kept.history[i]
        assert record.objective == original.objective
        assert record.log_likelihood == original.log_likelihood
        same_state(thin.state_at(i), original)
        same_state(thin.fit_state_at(i), kept.engine.history[i])


@pytest.mark.parametrize("index", [0, -1])
def test_the_start_and_the_last_state_are_never_thinned(session, index):
    thinned_run(session)
    assert not session.history[index].thinned


def test_compare_mode_shows_full_states_of_a_thinned_side(session):
    reference = thinned_run(session)
    thinned_side = Side("thinned", session.fit, 0.0)
    short = Fit.begin(session.fit.engine.X, session.fit.recipe)  # a shorter history
    comparison = Comparison([thinned_side, Side("short", short, 0.0)], (0, 1),
                            np.zeros((0, 2)))
    assert comparison.length == STEPS + 1
    i = next(i for i, s in enumerate(session.history) if s.thinned)
    same_state(comparison.state_at(0, i), reference.history[i])
    same_state(comparison.state_at(1, i), short.history[0])  # its last, being shorter


def test_scrubbing_while_a_run_thins_the_history(window, session, qtbot):
    """The worker thins while the window replays: every shown state is the run's."""
    session.set_run_settings(delay=0.02, max_iter=1000, tol=1e-12)
    engine = session.fit.engine
    engine.history_budget = 6 * full_state_bytes(engine.history[0])
    with qtbot.waitSignal(session.runningChanged, timeout=5000):
        session.run()
    shown = []
    while session.running:
        qtbot.wait(15)
        thinned = [i for i, s in enumerate(session.history) if s.thinned]
        if thinned:
            window.timeline.setValue(thinned[len(thinned) // 2])
            shown.append((session.current, session.state))
    qtbot.waitUntil(lambda: not session.running, timeout=60000)
    n = len(session.history)  # the seed's scene converges in a few dozen iterations
    assert n > 20 and engine.full_states <= 6 and session.history[-1].converged
    assert len(shown) > 3, "the run thinned nothing while it went"
    reference = Fit.begin(engine.X, session.fit.recipe)
    for _ in range(n - 1):
        reference.engine.step()
    for i, state in shown:
        same_state(state, reference.history[i])


def test_an_animation_over_thinned_iterations_draws_their_replayed_states(window, session,
                                                                          tmp_path):
    from gmm_explorer.app.model.animation import AnimationSpec
    from gmm_explorer.app.model.picture import workspace_picture
    from gmm_explorer.data.animation_files import read_frames

    thinned_run(session)
    thinned = [i for i, s in enumerate(session.history) if s.thinned]
    first, last = thinned[0], thinned[0] + 3
    path = tmp_path / "thinned.gif"
    assert window.animation_ui.export(AnimationSpec(str(path), first=first, last=last,
                                                    width=240, height=160, fps=5), wait=True)
    assert len(read_frames(path)) == 4
    # a picture of a thinned iteration is drawn from its replayed state
    picture = workspace_picture(session, index=first)
    assert picture is not None and session.history[first].thinned
