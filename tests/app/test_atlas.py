"""The atlas of starts: many starts of the current model, grouped by the optimum they reach."""

import numpy as np
import pytest

from gmm_explorer.app.model.atlas import JOB_NAME
from gmm_explorer.app.shell.launch import launch
from gmm_explorer.app.shell.window import ExplorerWindow
from gmm_explorer.engine.fits import run_recipe


@pytest.fixture
def faithful_window(window):
    """The main window on Old Faithful with K = 3 full covariances: several local optima."""
    s = window.workspace
    s.loading.load_builtin("faithful")
    s.set_model(n_components=3, covariance_type="full", init="k-means++", random_state=0)
    return window


@pytest.fixture
def filled(faithful_window):
    """The faithful window with an atlas of 20 starts run to the end."""
    ui = faithful_window.atlas_ui
    ui.run(20)
    ui.atlas.wait()
    return faithful_window


def test_twenty_starts_fill_the_strip_and_the_groups_count_them(filled):
    ui = filled.atlas_ui
    atlas, panel = ui.atlas, ui.panel
    assert ui.dock.isVisible() and not atlas.running
    n = len(atlas.starts)
    assert n == atlas.n_recipes >= 20  # a deterministic start may come on top of the seeds
    assert len(panel.strip.scatter.points()) == n
    assert sum(g.count for g in atlas.groups) == n
    assert atlas.n_optima >= 2  # Old Faithful with K = 3 has more than one local maximum
    lls = [g.best_log_likelihood for g in atlas.groups if not g.collapsed]
    assert lls == sorted(lls, reverse=True)
    assert panel.table.rowCount() == len(atlas.groups)
    assert panel.table.item(0, 1).text() == f"{atlas.groups[0].count} of {n} starts"
    assert not panel.table.item(0, 0).icon().isNull()  # the group's thumbnail
    assert f"{atlas.n_optima} optima" in panel.summary.text()
    assert panel.run_button.text() == "Run starts"


def test_clicking_a_start_replays_its_recipe_from_iteration_zero(filled, qtbot):
    atlas, panel = filled.atlas_ui.atlas, filled.atlas_ui.panel
    s = filled.workspace
    # a start that did not reach the best optimum: the student steps into a local one
    position = next(i for i, st in enumerate(atlas.starts) if st.group > 0 and not st.collapsed)
    recipe = atlas.results[position].recipe
    panel.strip.click_start(position)
    assert len(s.history) == 1 and s.current == 0
    assert s.model == recipe.settings and s.start is None
    assert atlas.opened == position and len(panel.strip.ring.points()) == 1  # ringed
    alone = run_recipe(recipe, s.X).engine.history
    while len(s.history) < len(alone) and s.step():
        pass
    assert [st.log_likelihood for st in s.history] == [st.log_likelihood for st in alone]
    # the atlas may run its starts batched: the same optimum, to rounding
    assert s.history[-1].log_likelihood == pytest.approx(atlas.starts[position].log_likelihood,
                                                         rel=1e-9)
    assert not atlas.stale  # its seed is the model's now, the landscape is the same


def test_clicking_a_group_row_opens_its_best_start(filled):
    atlas, panel = filled.atlas_ui.atlas, filled.atlas_ui.panel
    row = 1
    panel.table.cellClicked.emit(row, 1)
    best = atlas.groups[row].representative
    assert filled.workspace.model.random_state == atlas.results[best].recipe.seed
    assert len(filled.workspace.history) == 1


def test_cancel_mid_run_leaves_no_job_running(faithful_window, qtbot):
    ui = faithful_window.atlas_ui
    atlas, panel, runner = ui.atlas, ui.panel, faithful_window.workspace.runner
    ui.run(2000)
    assert runner.job_running(JOB_NAME) and panel.run_button.text() == "Cancel"
    qtbot.waitUntil(lambda: len(atlas.results) >= 2, timeout=60000)
    panel.run_button.click()
    assert not runner.job_running(JOB_NAME) and not atlas.running
    assert 2 <= len(atlas.starts) < atlas.n_recipes  # the finished starts stay
    assert sum(g.count for g in atlas.groups) == len(atlas.starts)
    assert panel.run_button.text() == "Run starts"


def test_closing_the_window_cancels_the_atlas(faithful_window, qtbot):
    ui = faithful_window.atlas_ui
    ui.run(2000)
    faithful_window.workspace.discard_guard = None
    faithful_window.close()
    assert not faithful_window.workspace.runner.job_running(JOB_NAME)


def test_other_data_or_settings_mark_it_stale_and_nothing_reruns(filled):
    ui, s = filled.atlas_ui, filled.workspace
    atlas, panel = ui.atlas, ui.panel
    results = list(atlas.results)
    s.new_start()  # another master seed: the same landscape
    assert not atlas.stale
    s.set_model(n_components=4)
    assert atlas.stale and not atlas.running and atlas.results == results
    assert panel.note.isVisibleTo(panel) and not panel.strip.isEnabled()
    assert panel.strip.scatter.opacity() < 1  # faded
    s.set_model(n_components=3)  # back to the question it answers
    assert not atlas.stale and panel.strip.isEnabled()
    s.loading.load_builtin("iris")
    assert atlas.stale and not atlas.running and atlas.results == results
    assert not s.runner.job_running(JOB_NAME)
    with pytest.raises(ValueError, match="other data"):
        atlas.open_start(0)


def test_the_atlas_needs_data_and_a_start(faithful_window):
    atlas = faithful_window.atlas_ui.atlas
    with pytest.raises(ValueError, match="at least one start"):
        atlas.run(0)


def test_the_menu_entry_has_a_key(faithful_window):
    action = faithful_window.atlas_ui.action
    assert action.shortcut().toString() == "Ctrl+Shift+A"
    faithful_window.atlas_ui.dock.hide()
    action.trigger()
    assert faithful_window.atlas_ui.dock.isVisible()


def test_starts_on_the_command_line_wait_for_the_atlas_before_the_picture(qapp, tmp_path,
                                                                          monkeypatch):
    seen = []
    grab = ExplorerWindow.grab

    def grab_and_look(window):
        atlas = window.atlas_ui.atlas
        seen.append((atlas.running, len(atlas.starts), atlas.n_recipes))
        return grab(window)

    monkeypatch.setattr(ExplorerWindow, "grab", grab_and_look)
    out = tmp_path / "atlas.png"
    data = tmp_path / "two.csv"
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(60, 2), rng.randn(60, 2) + 5])
    np.savetxt(data, X, delimiter=",", header="a,b", comments="")
    assert launch([str(data), "-k", "2", "--starts", "5", "--screenshot", str(out)]) == 0
    assert out.stat().st_size > 0
    running, shown, recipes = seen[0]
    assert not running and shown == recipes >= 5


def test_opening_the_hierarchical_start_keeps_the_atlas_and_its_own_starts(filled):
    atlas, s = filled.atlas_ui.atlas, filled.workspace
    position = next(i for i, r in enumerate(atlas.results)
                    if r.recipe.settings.init == "hierarchical")
    before = sorted((r.index, r.recipe.settings.init, r.recipe.seed) for r in atlas.results)
    atlas.open_start(position)
    assert s.model.init == "hierarchical"  # the opened start replays as it ran
    assert not atlas.stale  # the question the atlas answers is the same
    filled.atlas_ui.run(20)
    atlas.wait()
    # the atlas's own starts again (its seeds, k-means++): not twenty copies of the
    # hierarchical start, nor starts drawn from the opened start's seed
    assert sorted((r.index, r.recipe.settings.init, r.recipe.seed)
                  for r in atlas.results) == before
    assert "the hierarchical start and 20 k-means++ starts" in filled.atlas_ui.panel.summary.text()


def test_view_panels_lists_the_atlas_and_the_lower_bound(faithful_window):
    names = [a.text() for a in faithful_window.panels_menu.actions()]
    assert "Atlas of starts" in names and "Lower bound" in names


def test_the_atlas_joins_the_components_tabs_only_once_opened(faithful_window):
    dock = faithful_window.atlas_ui.dock
    # a hidden tab group would still take a tab bar's height under the components table
    assert faithful_window.tabifiedDockWidgets(dock) == []
    faithful_window.atlas_ui.show()
    assert faithful_window.docks["table"] in faithful_window.tabifiedDockWidgets(dock)


def test_the_atlas_knows_its_data_by_the_array_itself_not_its_address():
    import gc

    import numpy as np

    from gmm_explorer.app.model.atlas import _SameData

    X = np.zeros((5, 2))
    mine = _SameData(X)
    assert mine == _SameData(X) and mine != _SameData(X.copy())
    del X
    gc.collect()
    # freed data match nothing, even an array that got the old address
    assert mine.target() is None and mine != _SameData(np.zeros((5, 2)))
    assert _SameData(None) != _SameData(None)
