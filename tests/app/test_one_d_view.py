"""One-column data in the window: histogram, densities, rug and means along x."""

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage
from scipy import stats

from gmm_explorer.app import colors
from gmm_explorer.app.views.atlas_view import thumbnail
from gmm_explorer.app.views.one_d_density import MAX_BINS, component_densities, histogram
from gmm_explorer.data.loaders import load_data


@pytest.fixture
def one_d(window):
    """The window on Old Faithful's waiting times alone, K = 2, after three steps."""
    data = load_data("resources/faithful.csv", columns=["waiting"])
    s = window.workspace
    s.set_model(n_components=2, random_state=0)
    s.set_data(data.X, feature_names=data.feature_names, name="faithful waiting")
    for _ in range(3):
        s.step()
    return window


def _norm_curves(state, xs):
    """Each component's w_k N(x | m_k, s_k^2) from scipy, shape (K, P)."""
    return np.array([w * stats.norm.pdf(xs, loc=m, scale=np.sqrt(v)) for w, m, v in
                     zip(state.weights, state.means[:, 0], state.covariances[:, 0, 0])])


def test_one_column_shows_the_one_d_view(one_d):
    w = one_d
    assert w.shown_plot() is w.one_d
    assert w.centre_stack.currentWidget() is w.one_d
    # ellipses and maps over the plane x against x do not apply: disabled, with the reason
    assert not any(box.isEnabled() for box in w.sigma_boxes.values())
    assert not w.background.button.isEnabled()
    assert "One-column" in w.background.button.toolTip()
    assert not w.data_panel.x_axis.isEnabled() and not w.data_panel.y_axis.isEnabled()


def test_curves_are_the_shown_state_normal_densities(one_d):
    view, state = one_d.one_d, one_d.workspace.state
    assert state.n_components == 2
    for k in range(2):
        x, y = view.curve_data(k)
        np.testing.assert_allclose(y, _norm_curves(state, x)[k], rtol=1e-12, atol=1e-300)
        assert view.curve_color(k) == colors.component_color(state.component_ids[k])
    x, y = view.mixture_data()
    np.testing.assert_allclose(y, _norm_curves(state, x).sum(axis=0), rtol=1e-12)
    # the drawn curves hold the mass of their range: trapezoids on the drawn grid
    # against the normal's cdf (the grid is dense near each mean)
    for k in range(2):
        x, y = view.curve_data(k)
        sd = np.sqrt(state.covariances[k, 0, 0])
        mass = state.weights[k] * np.diff(stats.norm.cdf([x[0], x[-1]], state.means[k, 0], sd))
        assert np.trapezoid(y, x) == pytest.approx(mass[0], rel=1e-4)


def test_curves_integrate_to_weights_and_one(one_d):
    state = one_d.workspace.state
    means, sds = state.means[:, 0], np.sqrt(state.covariances[:, 0, 0])
    xs = np.linspace(means.min() - 12 * sds.max(), means.max() + 12 * sds.max(), 20001)
    dens = component_densities(state.weights, means, state.covariances[:, 0, 0], xs)
    for k in range(state.n_components):
        assert np.trapezoid(dens[k], xs) == pytest.approx(state.weights[k], rel=1e-8)
    assert np.trapezoid(dens.sum(axis=0), xs) == pytest.approx(1.0, rel=1e-8)


def test_histogram_is_a_density_with_capped_bins():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(size=20000), [1e4, -1e4]])  # far outliers: FD asks for many
    assert len(np.histogram_bin_edges(x, bins="auto")) - 1 > MAX_BINS
    edges, heights = histogram(x)
    assert len(heights) == MAX_BINS
    assert np.sum(heights * np.diff(edges)) == pytest.approx(1.0, rel=1e-12)


def test_drawn_histogram_counts_every_point(one_d):
    edges, heights = one_d.one_d.histogram_data()
    X = one_d.workspace.X[:, 0]
    counts, _ = np.histogram(X, bins=edges)
    np.testing.assert_allclose(heights, counts / (len(X) * np.diff(edges)))
    assert 5 <= len(heights) <= MAX_BINS


def test_a_step_and_the_timeline_move_the_curves(one_d):
    view, s = one_d.one_d, one_d.workspace
    x0, before = (a.copy() for a in view.mixture_data())
    s.step()
    x1, after = view.mixture_data()
    np.testing.assert_allclose(after, _norm_curves(s.state, x1).sum(axis=0), rtol=1e-12)
    assert np.max(np.abs(np.interp(x0, x1, after) - before)) > 1e-6  # the curve moved
    s.go_to(0)  # the timeline
    x, y = view.mixture_data()
    np.testing.assert_allclose(y, _norm_curves(s.history[0], x).sum(axis=0), rtol=1e-12)
    assert np.max(np.abs(np.interp(x1, x, y) - after)) > 1e-4


def test_rug_is_coloured_by_responsibilities(one_d):
    view, s = one_d.one_d, one_d.workspace
    expected = colors.point_colors(s.display_responsibilities(), "blended",
                                   ids=s.state.component_ids)
    np.testing.assert_array_equal(view.rug_colors(), expected)
    one_d.color_mode.setCurrentText("hard")
    expected = colors.point_colors(s.display_responsibilities(), "hard",
                                   ids=s.state.component_ids)
    np.testing.assert_array_equal(view.rug_colors(), expected)
    s.step()
    expected = colors.point_colors(s.display_responsibilities(), "hard",
                                   ids=s.state.component_ids)
    np.testing.assert_array_equal(view.rug_colors(), expected)


def test_dragging_a_mean_restarts_em_from_it(one_d):
    view, s = one_d.one_d, one_d.workspace
    old = s.state
    assert view.handle_position(1) == (pytest.approx(old.means[1, 0]), 0.0)
    view.handles.drop(1, 62.5, 0.0)  # what the end of a mouse drag calls
    new = s.state
    assert len(s.history) == 1 and new.iteration == 0
    assert new.means[1, 0] == 62.5
    assert new.means[0, 0] == old.means[0, 0]
    np.testing.assert_array_equal(new.weights, old.weights)
    np.testing.assert_array_equal(new.covariances, old.covariances)
    assert view.handle_position(1) == (62.5, 0.0)
    x, y = view.curve_data(1)
    np.testing.assert_allclose(y, _norm_curves(new, x)[1], rtol=1e-12)
    s.step()  # EM goes on from the dragged start
    assert s.state.iteration == 1 and s.state.means[1, 0] != 62.5


def test_two_columns_after_one_go_back_to_the_scatter(one_d):
    w, s = one_d, one_d.workspace
    s.loading.load_builtin("faithful")
    assert s.n_features == 2
    assert w.shown_plot() is w.centre
    assert all(box.isEnabled() for box in w.sigma_boxes.values())
    assert w.background.button.isEnabled()
    assert "under the points" in w.background.button.toolTip()
    data = load_data("resources/faithful.csv", columns=["eruptions"])
    s.set_data(data.X, feature_names=data.feature_names, name="eruptions")
    assert w.shown_plot() is w.one_d
    assert w.one_d.getAxis("bottom").labelText == "eruptions"


def test_plot_export_saves_the_one_d_view(one_d, tmp_path, monkeypatch):
    from gmm_explorer.app.shell import exports

    exported = []
    real = exports.export_plot
    monkeypatch.setattr(exports, "export_plot",
                        lambda path, widget: (exported.append(widget), real(path, widget)))
    path = tmp_path / "plot.png"
    assert one_d.desktop.export("plot_png", path)
    assert exported == [one_d.one_d]
    assert QImage(str(path)).width() >= 16


def test_atlas_thumbnail_draws_densities_for_one_column(one_d):
    s = one_d.workspace
    pix = thumbnail(s.state, s.X[s.display_indices], s.axes, size=72)
    img = pix.toImage()
    found = set()
    for x in range(72):
        for y in range(72):
            found.add(QColor(img.pixel(x, y)).getRgb()[:3])
    for k in range(2):
        assert colors.component_color(k) in found


def test_point_editing_waits_for_two_columns(one_d):
    edit = one_d.lab_ui.edit_action
    assert not edit.isEnabled() and "two columns" in edit.statusTip()
    one_d.workspace.loading.load_builtin("faithful")
    assert edit.isEnabled()


def test_compare_mode_draws_densities_for_one_column(one_d, qtbot):
    cw = one_d.lab_ui.show_compare(wait=True)
    qtbot.addWidget(cw)
    state = cw.comparison.state_at(0, cw.comparison.length - 1)
    plot = cw.plots[0]
    x, y = plot.curves[0].getData()
    np.testing.assert_allclose(y, _norm_curves(state, x)[0], rtol=1e-12)
    np.testing.assert_array_equal(plot.points.getData()[1], 0.0)  # a strip, not x against x


def test_a_mouse_drag_moves_a_mean_along_x_only(one_d, qtbot):
    """A real drag: press on the handle, move up and left, let go."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    view, s = one_d.one_d, one_d.workspace
    QApplication.processEvents()  # the stacked view laid out at its size
    vb = view.getPlotItem().getViewBox()
    old = s.state

    def at(x, y):
        return QPointF(view.mapFromScene(vb.mapViewToScene(QPointF(x, y))))

    def send(kind, pos, button, buttons):
        qtbot.wait(15)  # pyqtgraph drops mouse moves closer than its rate limit (10 ms)
        event = QMouseEvent(kind, pos, view.viewport().mapToGlobal(pos.toPoint()), button,
                            buttons, Qt.NoModifier)
        QApplication.sendEvent(view.viewport(), event)

    x0, y0 = view.handle_position(0)
    a, b = at(x0, y0), at(x0 - 8.0, 0.02)
    send(QEvent.MouseMove, a, Qt.NoButton, Qt.NoButton)
    send(QEvent.MouseButtonPress, a, Qt.LeftButton, Qt.LeftButton)
    for i in range(1, 11):
        send(QEvent.MouseMove, a + (b - a) * (i / 10), Qt.NoButton, Qt.LeftButton)
        assert view.handle_position(0)[1] == 0.0  # the handle stays on the axis
    send(QEvent.MouseButtonRelease, b, Qt.LeftButton, Qt.NoButton)
    assert len(s.history) == 1
    # within a few pixels of where the mouse let go, the other mean untouched
    assert s.state.means[0, 0] == pytest.approx(x0 - 8.0, abs=0.5)
    assert s.state.means[1, 0] == old.means[1, 0]


def test_a_collapsing_component_is_a_spike_without_warnings():
    xs = np.linspace(-1.0, 1.0, 11)
    with np.errstate(all="raise"):  # no overflow or underflow escapes
        dens = component_densities(np.array([0.5, 0.3, 0.2]), np.array([0.0, 0.0, 0.5]),
                                   np.array([1e-320, 0.0, 1.0]), xs)
    assert dens[0, 5] > 1e100  # at its mean: a spike
    assert np.all(dens[0, xs != 0.0] == 0.0) and np.all(dens[1] == 0.0)
    np.testing.assert_allclose(dens[2], 0.2 * stats.norm.pdf(xs, 0.5, 1.0), rtol=1e-12)
