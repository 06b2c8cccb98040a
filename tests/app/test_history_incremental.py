"""A redraw reads only the states added since the last one (not timed).

Rebuilding every curve and rescanning the whole history on each delivered
state made a Run quadratic in its length (3,000 iterations through the
window: 100 s). These tests fail if a view goes back to rereading the
history on every redraw.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.app.panels.lab_text import find_collapse
from gmm_explorer.app.views.incremental import (
    CollapseIndex,
    GrowingArray,
    HistoryCursor,
)


class CountingList(list):
    """A history that counts the states handed out by iteration and slicing."""

    read = 0

    def __iter__(self):
        for item in super().__iter__():
            CountingList.read += 1
            yield item

    def __getitem__(self, index):
        item = super().__getitem__(index)
        if isinstance(index, slice):
            CountingList.read += len(item)
        return item


def _cursors(window):
    ui = window.lab_ui
    return {"likelihood": window.likelihood.cursor, "conditions": window.conditions.cursor,
            "crosses": ui.marks["condition"].cursor, "arrows": ui.marks["likelihood"].cursor,
            "panel": ui.panel.collapses.cursor}


def test_one_more_state_reads_one_state(window):
    s = window.workspace
    for _ in range(40):
        window.step()
    before = {name: (c.states_read, c.rebuilds) for name, c in _cursors(window).items()}
    s.fit.engine.history = CountingList(s.fit.engine.history)
    CountingList.read = 0
    window.step()
    assert CountingList.read <= 5, "a redraw reread the history"
    for name, c in _cursors(window).items():
        read, rebuilds = before[name]
        assert (c.states_read - read, c.rebuilds - rebuilds) == (1, 0), name
    # what is drawn is still the whole history
    x, y = window.likelihood.ll_data()
    np.testing.assert_array_equal(x, np.arange(42))
    np.testing.assert_allclose(y, [st.log_likelihood for st in s.history])
    it, logcond = window.conditions.line_data(3)
    np.testing.assert_allclose(10 ** logcond, [st.condition_numbers[3] for st in s.history])


def test_a_cut_history_is_redrawn_from_the_start(window):
    s = window.workspace
    for _ in range(6):
        window.step()
    s.go_to(2)
    window.step()  # discards 3-6, makes a new 3
    x, y = window.likelihood.ll_data()
    np.testing.assert_array_equal(x, [0, 1, 2, 3])
    np.testing.assert_allclose(y, [st.log_likelihood for st in s.history])
    it, _ = window.conditions.line_data(0)
    np.testing.assert_array_equal(it, [0, 1, 2, 3])


def test_the_condition_plot_shows_iteration_zero(window):
    lo, hi = window.conditions.viewRange()[1]
    logs = np.log10(window.workspace.state.condition_numbers)
    assert lo < logs.min() - 0.3 and logs.max() < hi
    lines = window.conditions.lines
    assert all(lines.line_dots(k) > 0 for k in range(len(lines)))  # lone points
    window.step()
    assert all(lines.line_dots(k) == 0 for k in range(len(lines)))


def test_cursor_and_buffers():
    a, b, c = object(), object(), object()
    hist = [a, b]
    cur = HistoryCursor()
    assert cur.advance(hist) == (True, [a, b])
    hist.append(c)
    assert cur.advance(hist) == (False, [c])
    assert cur.advance(hist) == (False, [])
    hist[1:] = [object()]  # cut and regrown to the same length
    restart, new = cur.advance(hist)
    assert restart and len(new) == 2
    buf = GrowingArray(width=2)
    for i in range(100):
        buf.extend([[i, -i]])
    buf.widen(3)
    np.testing.assert_array_equal(buf.data[:, 0], np.arange(100))
    assert np.isnan(buf.data[:, 2]).all()


def test_collapse_index_agrees_with_find_collapse():
    class S:
        def __init__(self, collapse):
            self.collapse = collapse

    hist = [S(None), S("a"), S(None), S("b"), S(None)]
    index = CollapseIndex()
    for current in range(len(hist)):
        assert index.latest(hist, current) == find_collapse(hist, current)
    hist.append(S("c"))
    assert index.latest(hist, 5) == "c" and index.cursor.states_read == 6


def test_nice_ceiling_steps_one_two_five():
    from gmm_explorer.app.views.curves_view import nice_ceiling

    got = [nice_ceiling(v) for v in (0, 1, 10, 11, 20, 21, 50, 51, 101, 999, 1001)]
    assert got == [10, 10, 10, 20, 20, 50, 50, 100, 200, 1000, 2000]
    assert nice_ceiling(3, minimum=1) == 5


def test_history_axes_change_seldom_while_stepping(window):
    """Few rescalings: each repaints a whole plot, while a Step otherwise repaints a strip."""
    view = window.likelihood.getViewBox()
    changes = []
    view.sigRangeChanged.connect(lambda *args: changes.append(window.workspace.state.iteration))
    for _ in range(30):
        window.step()
    x0, x1 = view.viewRange()[0]
    assert x1 >= 30 and x1 <= 52  # 0..50 with its padding
    lo, hi = view.viewRange()[1]
    ll = [s.log_likelihood for s in window.workspace.history]
    assert lo <= min(ll) and max(ll) <= hi
    assert len(changes) <= 4, changes  # x at 10, 20 (not 30); y twice (steps of ten and
    # a quarter of headroom made five)
