"""A component keeps its number and colour for its whole life, also after Remove.

Before, removing component 1 of ten renumbered 2..9 as 1..8: every later
component changed colour, the condition-number lines spliced two components
into one trace, the K box said 10 while the table listed 9, and compare mode's
sides disagreed on the colours.
"""

import numpy as np
import pytest

from gmm_explorer.app import colors


@pytest.fixture
def removed(window):
    """The seed preset under Remove: component 1 is dropped at iteration 7."""
    ui = window.lab_ui
    ui.load_preset("seed")
    ui.panel.apply("remove", steps=12)
    s = window.workspace
    assert s.history[7].collapse.action == "removed"
    assert s.history[7].collapse.component_ids == (1,)
    return window


def test_states_carry_identities_through_a_removal(removed):
    s = removed.workspace
    np.testing.assert_array_equal(s.history[6].component_ids, np.arange(10))
    np.testing.assert_array_equal(s.state.component_ids, [0, 2, 3, 4, 5, 6, 7, 8, 9])
    assert "component(s) 1 removed" in s.history[7].events[0]


def test_the_table_keeps_a_greyed_row_for_the_removed_component(removed):
    s, table = removed.workspace, removed.table
    state = s.state
    assert table.rowCount() == 10
    assert table.is_removed(1) and table.cell_text(1, "status") == "removed"
    assert not any(table.is_removed(r) for r in (0, 2, 9))
    # row 2 is component 2, which the state holds at index 1
    assert table.cell_text(2, "weight") == f"{state.weights[1]:.3f}"
    assert table.cell_text(9, "weight") == f"{state.weights[8]:.3f}"
    swatch = table.item(2, 0).background().color().getRgb()[:3]
    assert swatch == colors.component_color(2)
    s.go_to(3)  # before the removal every row is alive again
    assert not table.is_removed(1) and table.cell_text(1, "weight") != "—"
    assert table.cell_text(1, "weight") == f"{s.state.weights[1]:.3f}"


def test_ellipses_means_and_points_keep_their_colours(removed):
    s, centre = removed.workspace, removed.centre
    assert centre.ellipse_color(1) == colors.component_color(2)
    assert centre.ellipse_color(8) == colors.component_color(9)
    assert centre.handles.color(1) == colors.component_color(2)
    # hard colours: a point held by component 2 is drawn in component 2's colour
    centre.set_color_mode("hard")
    resp = s.display_responsibilities()
    best = np.argmax(resp, axis=1)
    rows = np.flatnonzero((best == 1) & (resp.max(axis=1) > 0.99))
    assert len(rows)
    rgb = centre.point_brush_colors()[rows[0], :3]
    assert tuple(int(v) for v in rgb) == colors.component_color(2)


def test_condition_lines_end_for_the_removed_and_go_on_for_the_others(removed):
    s, view = removed.workspace, removed.conditions
    it, logs = view.line_data(1)
    alive = np.isfinite(logs)
    assert alive[:7].all() and not alive[7:].any()  # component 1's line ends at 7
    it2, logs2 = view.line_data(2)
    expected = [st.condition_numbers[list(st.component_ids).index(2)] for st in s.history]
    np.testing.assert_allclose(10 ** logs2, expected)
    assert view.lines.line_pen(2).color().getRgb()[:3] == colors.component_color(2)


def test_the_k_box_follows_the_shown_iteration(removed):
    s, box = removed.workspace, removed.model_panel.k
    assert box.value() == 9 and "1 removed" in box.suffix()
    assert s.model.n_components == 10
    s.go_to(2)
    assert box.value() == 10 and box.suffix() == ""
    s.go_to(len(s.history) - 1)
    box.setValue(10)  # back to the K EM began with: EM starts again from the same start
    assert len(s.history) == 1 and s.state.n_components == 10


def test_compare_sides_agree_on_colours(seed_compared):
    cw = seed_compared("ridge", "remove")
    left, right = cw.comparison.sides
    assert right.history[-1].n_components == 9
    cw.go_to(cw.comparison.length - 1)
    # component 2 is index 2 on the left and index 1 on the right: one colour
    pens = [p.curves[k].opts["pen"].color().getRgb()[:3]
            for p, k in zip(cw.plots, (2, 1))]
    assert pens[0] == pens[1] == colors.component_color(2)


def test_a_session_file_keeps_the_identities(removed, tmp_path):
    s = removed.workspace
    path = tmp_path / "removed.gmmx"
    s.loading.save_session(path)
    ids = [tuple(st.component_ids) for st in s.history]
    s.lab.load_preset("outlier")
    s.loading.open_session(path)
    assert [tuple(st.component_ids) for st in s.history] == ids
    assert removed.table.is_removed(1)
    assert s.step() and tuple(s.state.component_ids) == ids[-1]


def test_the_history_csv_keeps_a_column_per_component(removed, tmp_path):
    from gmm_explorer.app.shell.exports import history_rows

    rows = history_rows(removed.workspace.history)
    header, last = rows[0], rows[-1]
    weight = {name: i for i, name in enumerate(header)}
    state = removed.workspace.state
    assert last[weight["weight_1"]] == ""  # removed at iteration 7
    assert float(last[weight["weight_2"]]) == state.weights[1]
    assert float(last[weight["weight_9"]]) == state.weights[8]
    assert rows[1][weight["weight_1"]] != ""


def test_crossings_are_marked_for_survivors_of_a_removal(qapp):
    import pyqtgraph as pg
    from PySide6.QtCore import QObject, Signal

    from gmm_explorer.app.views.collapse_marks import ConditionMarks
    from gmm_explorer.engine.options import ModelSettings
    from gmm_explorer.engine.state import EMState

    def state(it, ids, conds):
        k = len(ids)
        return EMState(iteration=it, weights=np.full(k, 1 / k), means=np.zeros((k, 2)),
                       covariances=np.tile(np.eye(2), (k, 1, 1)), log_likelihood=-1.0,
                       objective=-1.0, condition_numbers=np.array(conds, dtype=float),
                       effective_counts=np.ones(k), component_status=("ok",) * k,
                       component_ids=np.array(ids))

    class Stub(QObject):
        historyChanged = Signal()
        settingsChanged = Signal()

    stub = Stub()
    stub.model = ModelSettings(max_condition=100.0)
    stub.history = [state(0, [0, 1, 2], [1, 1, 1]), state(1, [0, 1, 2], [1e3, 1e3, 1]),
                    state(2, [2], [1]), state(3, [2], [1e3])]
    plot = pg.PlotWidget()
    marks = ConditionMarks(plot, stub)
    assert marks.points == [(0, 1), (1, 1), (2, 3)]
    plot.deleteLater()
