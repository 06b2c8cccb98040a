"""The lab's presets through the window: each collapses where its description says."""

import numpy as np
import pytest

from gmm_explorer.app.shell.launch import build_parser, build_window
from gmm_explorer.datasets import PRESET_NAMES, load_preset

COLLAPSING = [n for n in PRESET_NAMES if load_preset(n).phenomenon == "singular"]


@pytest.mark.parametrize("name", COLLAPSING)
def test_preset_collapses_at_its_iteration_through_the_window(qtbot, window, name):
    preset = load_preset(name)
    window.lab_ui.preset_actions[name].trigger()
    s = window.workspace
    assert s.X.shape == preset.X.shape and s.model.n_components == preset.settings["n_components"]
    for _ in range(preset.iteration + 2):
        window.step()
    record = s.history[-1].collapse
    assert record is not None and record.iteration == preset.iteration
    assert preset.component in record.components
    assert all("singular" not in st.component_status for st in s.history[:-1])
    ui = window.lab_ui
    assert not ui.dock.isHidden()
    text = ui.panel.plain_text()
    assert f"Component {preset.component} at iteration {preset.iteration}" in text
    assert preset.component in ui.marks["centre"].red_components()
    assert (preset.component, preset.iteration) in ui.marks["condition"].points
    assert ui.marks["table"].row_color(preset.component) == (255, 150, 150)
    ok_row = next(k for k, st in enumerate(s.state.component_status) if st == "ok")
    assert ui.marks["table"].row_color(ok_row) != (255, 150, 150)
    assert preset.title in window.windowTitle() or name in window.windowTitle()


def test_infinite_likelihood_is_an_arrow_above_the_curve(window):
    ui = window.lab_ui
    ui.load_preset("outlier")
    s = window.workspace
    assert ui.marks["likelihood"].top is None
    for _ in range(2):
        s.step()
    assert np.isposinf(s.state.log_likelihood)
    top = ui.marks["likelihood"].top
    finite = [st.log_likelihood for st in s.history if np.isfinite(st.log_likelihood)]
    assert top > max(finite)
    x, y = ui.marks["likelihood"].arrows.getData()
    assert list(x) == [2.0] and y[0] == top


def test_seed_preset_highlights_the_points_the_component_holds(window):
    ui = window.lab_ui
    ui.load_preset("seed")
    s = window.workspace
    for _ in range(7):
        s.step()
    held = ui.marks["centre"].highlighted
    assert len(held) == 2  # component 1 sits on two points
    resp = s.engine.responsibilities(s.state)
    assert np.all(np.argmax(resp[held], axis=1) == 1)
    # Scrubbing back: the marks follow the shown state (component 1 was sound then).
    s.go_to(0)
    flagged = [k for k, st in enumerate(s.state.component_status) if st != "ok"]
    assert s.state.component_status[1] != "singular"
    assert ui.marks["centre"].red_components() == flagged
    assert ui.marks["table"].row_color(1) != (255, 150, 150)


def test_scales_preset_is_not_a_collapse(window):
    window.lab_ui.load_preset("scales")
    s = window.workspace
    for _ in range(5):
        s.step()
    assert all(st.collapse is None for st in s.history)
    assert window.lab_ui.marks["condition"].points == []
    assert "No component has collapsed" in window.lab_ui.panel.plain_text()


def test_launch_preset_flag_loads_the_lab_scene(qtbot):
    args = build_parser().parse_args(["--preset", "outlier"])
    session, win = build_window(args)
    qtbot.addWidget(win)
    try:
        assert len(session.X) == len(load_preset("outlier").X)
        np.testing.assert_allclose(session.state.means, load_preset("outlier").start["means"])
        assert "outlier" in win.windowTitle()
    finally:
        session.shutdown()


def test_loading_other_data_forgets_the_preset(window):
    ui = window.lab_ui
    ui.load_preset("duplicates")
    assert ui.lab.preset is not None and window.workspace.start is not None
    window.workspace.loading.load_builtin("seed")
    assert ui.lab.preset is None and window.workspace.start is None
