"""The model-selection grid: cells fill in from one runner job, rank, replay, cancel, go stale."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gmm_explorer.app.model.selection import APPLY_JOB, JOB, ModelSelection
from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.panels.selection_panel import SelectionPanel
from gmm_explorer.app.views.selection_view import STAR
from gmm_explorer.data.scaling import Standardizer

FAITHFUL = Path("/work/shared/data/faithful.csv")
if not FAITHFUL.exists():  # the copy that ships with the program
    FAITHFUL = Path(__file__).resolve().parents[2] / "resources" / "faithful.csv"


@pytest.fixture
def faithful(qapp):
    """A workspace on Old Faithful, loaded as the window loads a file."""
    ws = Workspace()
    ws.set_model(n_components=2, covariance_type="full", random_state=0)
    ws.loading.open_file(str(FAITHFUL))
    yield ws
    ws.shutdown()


@pytest.fixture
def panel(qtbot, faithful):
    """The Model selection panel over a grid of K 1 to 4, three starts a cell."""
    selection = ModelSelection(faithful)
    view = SelectionPanel(selection)
    qtbot.addWidget(view)
    view.set_k_range(1, 4)
    view.starts.setValue(3)
    view.resize(460, 520)
    view.show()
    return view


def _run(panel, qtbot):
    arrived = []
    panel.selection.cellReady.connect(arrived.append)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    panel.selection.wait()
    return arrived


def test_the_grid_fills_every_cell_and_stars_the_lowest_bic(panel, qtbot, faithful):
    arrived = _run(panel, qtbot)
    s = panel.selection
    assert not s.running and not faithful.runner.job_running(JOB)
    assert len(arrived) == 16 and len(s.cells) == 16  # one report per cell, as each finished
    assert {c.key for c in arrived} == {(k, t) for k in range(1, 5) for t in s.types}
    # spherical is far worse here: the plot's axis shows the region near the best
    top = panel.plot.viewRange()[1][1]
    assert s.best().score("bic") < top < min(
        c.score("bic") for (k, t), c in s.cells.items() if t == "spherical")
    for cell in s.cells.values():
        assert cell.usable and cell.n_starts == 3 + 1  # the hierarchical start and three seeded
        # the best start's recipe, run on its own on the standardised data the window fits
        # (a file, as fit does); the scores are the data's: 2 N sum(log scale) more
        std = Standardizer.fit(faithful.X, cell.covariance_type)
        alone = cell.recipe.run(std.transform(faithful.X))
        shift = 2 * len(faithful.X) * std.log_jacobian()
        assert cell.score("bic") == pytest.approx(alone.bic() + shift, rel=1e-9)
        assert cell.score("icl") == pytest.approx(alone.icl() + shift, rel=1e-9)
        assert cell.score("aic") == pytest.approx(alone.aic() + shift, rel=1e-9)
        # the grid's fits may run batched: the same states to rounding
        assert cell.log_likelihood == pytest.approx(alone.state.log_likelihood - shift / 2,
                                                    rel=1e-9)
    best = min(s.cells.values(), key=lambda c: c.score("bic"))
    assert s.best() is best
    row, column = s.counts.index(best.n_components), s.types.index(best.covariance_type)
    starred = [(i, j) for i in range(4) for j in range(4)
               if panel.table.item(i, j).text().startswith(STAR)]
    assert starred == [(row, column)]
    assert "lower is better" in panel.plot.getPlotItem().getAxis("left").labelText
    assert f"K = {best.n_components}, {best.covariance_type}" in panel.note.text()


def test_another_criterion_moves_the_star_without_running_again(panel, qtbot):
    _run(panel, qtbot)
    s = panel.selection
    said = []
    s.workspace.message.connect(said.append)
    panel.criterion.setCurrentIndex(panel.criterion.findData("aic"))
    assert s.criterion == "aic" and not s.running
    assert said and "best by AIC" in said[-1]  # the status bar follows the criterion
    best = min(s.cells.values(), key=lambda c: c.score("aic"))
    assert s.best() is best
    item = panel.table.item(s.counts.index(best.n_components),
                            s.types.index(best.covariance_type))
    assert item.text() == f"{STAR} {best.score('aic'):,.1f}"
    assert "AIC" in item.toolTip() and "Double-click" in item.toolTip()


def test_double_clicking_a_cell_replays_its_fit_as_the_current_run(panel, qtbot, faithful):
    _run(panel, qtbot)
    s = panel.selection
    cell = s.cells[(4, "diag")]
    # its best is the hierarchical start: choosing it puts another kind of start in the model
    assert cell.recipe.settings.init == "hierarchical" != faithful.model.init
    table = panel.table
    item = table.item(s.counts.index(4), s.types.index("diag"))
    table.scrollToItem(item)
    where = table.visualItemRect(item).center()
    QTest.mouseClick(table.viewport(), Qt.LeftButton, pos=where)  # a double-click's first press
    QTest.mouseDClick(table.viewport(), Qt.LeftButton, pos=where)
    s.wait()
    assert not faithful.runner.job_running(APPLY_JOB)
    std = Standardizer.fit(faithful.X, "diag")
    alone = cell.recipe.run(std.transform(faithful.X))  # as the window fits a file
    shown = [state.log_likelihood for state in faithful.history]
    jacobian = len(faithful.X) * std.log_jacobian()
    assert shown == [state.log_likelihood - jacobian for state in alone.history]
    assert faithful.model == cell.recipe.settings
    assert (faithful.model.n_components, faithful.model.covariance_type) == (4, "diag")
    assert not s.stale  # the grid's own choice does not make it stale
    # run again: the chosen start's seed and start kind stay the chosen fit's, the grid's
    # starts stay the grid's own, so every cell comes out as before
    before = {key: c.log_likelihood for key, c in s.cells.items()}
    _run(panel, qtbot)
    assert {key: c.log_likelihood for key, c in s.cells.items()} == before


def test_cancel_mid_run_stops_the_job_and_the_window_answers(panel, qtbot, faithful):
    s = panel.selection
    panel.set_k_range(1, 8)
    panel.starts.setValue(20)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert s.running and panel.run_button.text() == "Cancel"
    qtbot.waitUntil(lambda: len(s.cells) > 0, timeout=60000)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert not s.running and not faithful.runner.job_running(JOB)
    assert panel.run_button.text() == "Run grid" and 0 < len(s.cells) < 32
    before = len(faithful.history)
    faithful.step()  # the GUI thread is free: EM steps at once
    assert len(faithful.history) == before + 1


def test_changing_the_data_or_settings_marks_the_grid_stale(panel, qtbot, faithful):
    _run(panel, qtbot)
    s = panel.selection
    faithful.set_model(n_components=5, covariance_type="diag")  # the grid spans these
    assert not s.stale
    faithful.set_model(reg_covar=1e-3)
    assert s.stale and "settings changed" in panel.note.text().lower()
    faithful.set_model(reg_covar=1e-6)  # back as the grid ran
    assert not s.stale
    faithful.loading.load_builtin("iris")
    assert s.stale and "data changed: run again" in panel.note.text().lower()
    assert panel.table.item(0, 0).toolTip().startswith("Stale (data changed")
    assert panel.table.item(0, 0).font().italic()
    assert not faithful.runner.job_running(JOB)  # nothing recomputed behind the user's back
    with pytest.raises(ValueError, match="run it again"):
        s.apply(2, "full")


def test_closing_the_window_mid_grid_ends_the_job(window, qtbot):
    window.run_selection(1, 6)
    assert window.selection.running and window.docks["selection"].isVisible()
    window.close()  # the runner's shutdown cancels and waits
    assert not window.workspace.runner.job_running(JOB)


def test_the_menu_action_opens_the_dock_with_a_key(window):
    action = window.actions_by_name["selection"]
    assert action.shortcut().toString() == "Ctrl+M" and "Ctrl+M" in action.toolTip()
    action.trigger()
    assert window.docks["selection"].isVisible() and not window.selection.running


def test_select_flag_opens_the_window_on_a_finished_grid(qapp, tmp_path):
    from gmm_explorer.app.shell.launch import build_parser, launch

    assert build_parser().parse_args(["--select", "1-6"]).select == (1, 6)
    assert build_parser().parse_args(["--select", "4"]).select == (1, 4)
    out = tmp_path / "grid.png"
    assert launch([str(FAITHFUL), "--select", "1-2", "--screenshot", str(out)]) == 0
    assert out.stat().st_size > 10000


def test_cells_where_every_start_collapsed_say_why(qtbot, qapp):
    rng = np.random.RandomState(0)
    # two stacks of five identical points: without a ridge, components sit on them and collapse
    X = np.vstack([np.repeat([[0.0, 0.0]], 5, 0), np.repeat([[5.0, 5.0]], 5, 0),
                   rng.randn(20, 2) * 2])
    ws = Workspace()
    ws.set_model(n_components=1, covariance_type="full", reg_covar=0.0, random_state=0)
    ws.set_data(X, name="stacks")
    try:
        view = SelectionPanel(ModelSelection(ws))
        qtbot.addWidget(view)
        view.set_k_range(1, 4)
        _run(view, qtbot)
        s = view.selection
        cell = s.cells[(4, "full")]
        assert not cell.usable and cell.n_collapsed == cell.n_starts == 5 + 1
        item = view.table.item(s.counts.index(4), s.types.index("full"))
        assert item.text() == "collapsed"
        assert "singular" in item.toolTip() and "6 collapsed" in item.toolTip()
        assert s.cells[(2, "tied")].usable and s.best().usable
        line = view.plot.lines[s.types.index("full")]
        assert np.isnan(line.getData()[1][s.counts.index(4)])  # a gap, not a point
        with pytest.raises(ValueError, match="no sound fit"):
            s.apply(4, "full")
    finally:
        ws.shutdown()


def test_the_job_counts_each_cells_own_recipes_and_stops_when_cancelled():
    from gmm_explorer.app.model.grid_cells import run_grid
    from gmm_explorer.engine.fits import model_recipes
    from gmm_explorer.engine.options import ModelSettings

    rng = np.random.RandomState(1)
    X = np.vstack([rng.randn(40, 2), rng.randn(40, 2) + 6])
    model = ModelSettings(n_components=2, covariance_type="full")
    # cells need not have the same number of starts (the engine may add a deterministic one)
    plan = [((2, "full"), model_recipes(model, [1, 2, 3])),
            ((1, "full"), model_recipes(ModelSettings(n_components=1), [1, 2]))]
    reported, fractions = [], []
    data = {"full": (X, None)}
    assert run_grid(plan, data, lambda: False, fractions.append, reported.append) == 2
    # each cell as its last start finishes (the engine may finish them in any order)
    assert {c.key: c.n_starts for c in reported} == {(2, "full"): 4, (1, "full"): 3}
    assert len(reported) == 2 and fractions[-1] == 1.0
    reported.clear()
    assert run_grid(plan, data, lambda: True, fractions.append, reported.append) == 0
    assert reported == []


def test_the_table_shows_all_its_rows_when_it_first_shows(qtbot, window):
    window.workspace.loading.load_builtin("faithful")
    window.run_selection(1, 6)  # as --select 1-6 opens it: the grid runs before it shows
    window.selection.wait()
    view = window.selection_panel
    qtbot.waitUntil(lambda: view.split.sizes()[0] >= view.table.sizeHint().height())
    assert view.split.sizes()[1] >= view.plot.minimumHeight()  # the plot keeps its room


def test_a_degenerate_best_fit_is_marked_and_not_starred(qtbot, qapp):
    from gmm_explorer.app.views.selection_view import DEGENERATE_MARK

    # four copies of one point: a component that sits on them is degenerate (4 points, no
    # volume) and its likelihood soars; BIC would star it
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(60, 2), np.tile([[4.0, 4.0]], (4, 1))])
    ws = Workspace()
    ws.set_model(n_components=1, covariance_type="full", random_state=0)
    ws.set_data(X, name="copies")
    try:
        view = SelectionPanel(ModelSelection(ws))
        qtbot.addWidget(view)
        view.set_k_range(1, 3)
        _run(view, qtbot)
        s = view.selection
        degenerate = [c for c in s.cells.values() if c.usable and c.degenerate]
        assert degenerate  # the test's premise: some model's best start is degenerate
        lowest = min((c for c in s.cells.values() if c.usable), key=lambda c: c.score("bic"))
        best = s.best()
        assert lowest.degenerate  # the plain minimum would star the component on the copies
        assert not best.degenerate and best is not lowest
        cell = degenerate[0]
        item = view.table.item(s.counts.index(cell.n_components),
                               s.types.index(cell.covariance_type))
        assert item.text().startswith(DEGENERATE_MARK) and "Degenerate" in item.toolTip()
    finally:
        ws.shutdown()


def test_data_changed_mid_run_says_the_grid_had_not_finished(panel, qtbot, faithful):
    s = panel.selection
    panel.set_k_range(1, 8)
    panel.starts.setValue(20)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert s.running
    faithful.loading.load_builtin("iris")  # cancels the grid: its answer is to another question
    # 672 starts take far longer to draw than this: no cell had finished
    assert s.stale and not s.running and not s.cells
    assert "had not finished" in panel.note.text()
    assert "the grid below is the old one" not in panel.note.text()
