"""The centre plot's backgrounds: the choice, the maps following Step, Back and the range."""

import numpy as np
import pytest

from gmm_explorer.app.model import density_grid
from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell.launch import build_parser, build_window
from gmm_explorer.app.views.scatter_view import CentreView


@pytest.fixture
def plot(centre_view_on):
    """A centre plot on four-feature data, K=3."""
    rng = np.random.default_rng(1)
    return centre_view_on(np.vstack([rng.normal(c, 1.0, (200, 4)) for c in (0.0, 3.0, 6.0)]))


def test_each_background_shows_what_it_says(plot):
    s, view = plot
    b = view.backgrounds
    assert b.mode == "histogram" and b.maps is None  # today's look by default
    assert view.background_layer.shown() == ""
    view.set_background("density")
    assert view.background_layer.shown() == "density"
    assert b.maps.log_density.shape == (density_grid.GRID_SIZE, density_grid.GRID_SIZE)
    assert all(c.isVisible() for c in view.background_layer.isolines.values())
    assert len(b.isolines()) == len(density_grid.MASS_LEVELS)
    image = view.background_layer.image.image
    np.testing.assert_array_equal(image, b.maps.log_density)
    view.set_background("uncertainty")
    assert view.background_layer.shown() == "uncertainty"
    np.testing.assert_array_equal(view.background_layer.image.image, b.maps.uncertainty)
    assert not any(c.isVisible() for c in view.background_layer.isolines.values())
    view.set_background("none")
    assert view.background_layer.shown() == "" and b.maps is None
    with pytest.raises(ValueError, match="density"):
        view.set_background("contours")


def test_the_map_covers_the_plots_range_and_follows_it(plot):
    s, view = plot
    view.set_background("density")
    (x0, x1), (y0, y1) = view.getPlotItem().viewRange()
    rect = view.backgrounds.maps.grid.rect
    np.testing.assert_allclose(rect, (x0, y0, x1 - x0, y1 - y0))
    view.getPlotItem().setRange(xRange=(-1, 1), yRange=(-2, 2), padding=0)
    np.testing.assert_allclose(view.backgrounds.maps.grid.rect, (-1, -2, 2, 4))


def test_the_maps_follow_step_back_and_the_axes(plot):
    s, view = plot
    b = view.backgrounds
    view.set_background("uncertainty")
    first, count = b.maps, b.computations
    s.step()
    assert b.computations == count + 1 and b.maps is not first
    state = s.state
    expected = density_grid.density_maps(state.weights, state.means, state.covariances,
                                         s.axes, b.maps.grid)
    np.testing.assert_array_equal(b.maps.uncertainty, expected.uncertainty)
    after_step = b.maps
    s.step_back()  # Back shows iteration 0 again: its maps
    np.testing.assert_array_equal(b.maps.uncertainty, first.uncertainty)
    s.go_to(1)
    np.testing.assert_array_equal(b.maps.uncertainty, after_step.uncertainty)
    s.set_axes(2, 3)  # the marginal of two other columns
    state = s.state
    expected = density_grid.density_maps(state.weights, state.means, state.covariances,
                                         (2, 3), b.maps.grid)
    np.testing.assert_array_equal(b.maps.uncertainty, expected.uncertainty)


def test_the_maps_are_not_recomputed_when_nothing_they_show_changed(plot):
    s, view = plot
    b = view.backgrounds
    view.set_background("density")
    count = b.computations
    view.set_color_mode("hard")
    view.set_sigma_visible(3, True)
    s.currentChanged.emit(s.current)  # the same state again
    assert b.computations == count
    view.set_background("none")
    s.step()  # no map chosen: nothing to compute
    assert b.computations == count


def test_a_hundred_thousand_points_cost_one_grid_a_step(qapp, qtbot):
    s = Workspace()
    s.set_model(n_components=5, random_state=0)
    rng = np.random.default_rng(2)
    s.set_data(np.vstack([rng.normal(c, 1.0, (20_000, 2)) for c in range(0, 25, 5)]))
    view = CentreView(s)
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    b = view.backgrounds
    try:
        view.set_background("density")
        count = b.computations
        for _ in range(3):
            s.step()
        assert b.computations == count + 3  # one grid per shown state, not one per point
        assert b.maps.log_density.size == density_grid.GRID_SIZE ** 2
        assert len(s.X) == 100_000
    finally:
        s.shutdown()


def test_the_window_offers_the_backgrounds_and_the_launcher_picks_one(window, qapp):
    choice = window.background
    assert list(choice.actions) == list(density_grid.BACKGROUNDS)
    assert choice.button.menu() is choice.menu
    choice.actions["density"].trigger()
    assert window.centre.backgrounds.mode == choice.mode == "density"
    assert "marginal mixture" in " ".join(choice.button.toolTip().split())
    assert [m for m, a in choice.actions.items() if a.isChecked()] == ["density"]
    choice.actions["uncertainty"].trigger()
    assert "1 minus the largest posterior" in " ".join(choice.button.toolTip().split())
    assert _in_a_menu(window, choice.menu)  # View > Background
    args = build_parser().parse_args(["--background", "uncertainty"])
    workspace, other = build_window(args, qapp)
    try:
        assert other.centre.backgrounds.mode == "uncertainty"
    finally:
        other.close()
        workspace.shutdown()


def _in_a_menu(window, menu):
    """Whether ``menu`` is a submenu of one of the menu bar's menus."""
    return any(a.menu() is menu for top in window.menuBar().actions() if top.menu()
               for a in top.menu().actions())


def test_session_files_keep_the_background(window):
    window.background.choose("uncertainty")
    view = window.desktop.view_state()
    assert view["background"] == "uncertainty"
    window.background.choose("none")
    window.desktop.apply_view_state(view)
    assert window.centre.backgrounds.mode == "uncertainty"
    window.desktop.apply_view_state({"background": "bogus"})  # an odd file changes nothing
    assert window.centre.backgrounds.mode == "uncertainty"


def test_hovering_a_point_tells_its_own_uncertainty_on_the_uncertainty_map(plot):
    s, view = plot
    s.step()
    row = int(s.display_indices[5])
    x, y = s.X[row, list(s.axes)]
    assert "uncertainty" not in view.hover_text_at(x, y)
    view.set_background("uncertainty")
    expected = 1.0 - s.point_responsibilities(row).max()
    assert view.hover_text_at(x, y).endswith(f"(uncertainty {expected:.3f})")
