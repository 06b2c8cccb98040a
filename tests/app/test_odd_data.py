"""Odd data stepped through the whole window: nothing may raise or crash.

pytest-qt fails a test on any exception raised inside a Qt paint or slot; a
segmentation fault (found once this way: a history line of gaps only) stops
the run.
"""

import numpy as np
import pytest

_RNG = np.random.default_rng(0)
ODD_DATA = {
    "one column": _RNG.normal(size=(200, 1)),
    "identical points": np.ones((50, 2)),
    "huge values": _RNG.normal(size=(300, 2)) * 1e150,
    "values whose variance overflows": _RNG.normal(size=(300, 2)) * 1e200,
    "tiny values": _RNG.normal(size=(300, 2)) * 1e-150,
    "points on a line": np.column_stack([np.arange(100.0), 2 * np.arange(100.0)]),
    "clusters 1e8 apart": np.vstack([_RNG.normal(size=(100, 2)),
                                     _RNG.normal(size=(100, 2)) + 1e8]),
    "five columns": _RNG.normal(size=(300, 5)),
}


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
@pytest.mark.parametrize("on_collapse", ["stop", "continue", "reinitialize", "remove"])
def test_odd_data_step_scrub_and_redraw(window, qapp, on_collapse, reg_covar):
    s = window.workspace
    for name, X in ODD_DATA.items():
        for covariance_type in ("full", "tied", "diag", "spherical"):
            s.set_model(covariance_type=covariance_type, n_components=3, reg_covar=reg_covar,
                        on_collapse=on_collapse)
            try:
                s.set_data(X, name=name)
            except ValueError:  # refused with a message is fine; the data stay
                continue
            for _ in range(4):
                window.step()
                qapp.processEvents()
            if X.shape[1] > 2:
                s.set_axes(2, 4)
                qapp.processEvents()
            s.go_to(1)
            qapp.processEvents()
            assert window.table.rowCount() == s.state.n_components, (name, covariance_type)
    window.grab()


def test_a_point_too_far_for_float64_is_refused_with_a_message(window):
    s, editor = window.workspace, window.lab_ui.editor
    X = s.X
    said = []
    s.message.connect(said.append)
    editor.click(1e300, 1e300)
    assert s.X is X and said[-1].startswith("Point not added: the values of column(s)")


def test_odd_data_in_compare_mode_and_the_remedy_buttons(window, qapp, qtbot):
    s, ui = window.workspace, window.lab_ui
    cw = ui.show_compare(wait=True)
    qtbot.addWidget(cw)
    for name, X in ODD_DATA.items():
        for reg_covar in (0.0, 1e-6):
            s.set_model(n_components=3, reg_covar=reg_covar)
            try:
                s.set_data(X, name=name)
            except ValueError:
                continue
            for pair in (("none", "ridge"), ("prior", "continue")):
                cw.run(*pair, wait=True)  # a side that cannot start says so in the window
                for i in range(0, cw.comparison.length, 4):
                    cw.go_to(i)
            for remedy in ("ridge", "prior", "remove", "none"):
                ui.panel.apply(remedy, steps=2)
            qapp.processEvents()
    cw.grab()
