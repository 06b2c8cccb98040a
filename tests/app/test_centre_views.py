"""The centre's pairs and PCA views: exact geometry, linking, switching, many features."""

import re

import numpy as np
import pyqtgraph as pg
import pytest
import scipy.stats

from gmm_explorer.app import colors
from gmm_explorer.app.views import point_raster
from gmm_explorer.app.views.pairs_panels import wrapped_name
from gmm_explorer.app.views.pairs_view import MAX_FEATURES, PairsView
from gmm_explorer.app.views.pca_view import PcaView


def correlated_data(d, n=600, seed=1):
    """Three correlated blobs in ``d`` dimensions, columns of unequal scales."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(3, d))
    mix = rng.normal(size=(d, d))
    X = np.vstack([c + rng.normal(size=(n // 3, d)) @ mix for c in centres])
    return X * np.linspace(1.0, 5.0, d)


@pytest.fixture
def workspace_on():
    from gmm_explorer.app.model.workspace import Workspace

    made = []

    def make(X, k=3):
        s = Workspace()
        made.append(s)
        s.set_model(n_components=k, random_state=0, reg_covar=1e-6)
        s.set_data(X)
        return s

    yield make
    for s in made:
        s.shutdown()


def shown(qtbot, view, size=(600, 600)):
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def mahalanobis_sq(points, mean, cov):
    diff = points - mean
    return np.einsum("pi,ij,pj->p", diff, np.linalg.inv(cov), diff)


def test_pairs_ellipses_are_the_marginal_blocks(qtbot, workspace_on):
    s = workspace_on(correlated_data(4))
    for _ in range(3):
        s.step()
    view = shown(qtbot, PairsView(s))
    state = s.state
    k_count = state.n_components
    assert len(view.pairs) == 4 * 3
    for (r, c), panel in view.pairs.items():
        assert (panel.col, panel.row) == (c, r)
        for k in range(k_count):
            block = state.covariances[k][np.ix_([c, r], [c, r])]
            mean = state.means[k, [c, r]]
            for level in (1, 2):
                curve = panel.ellipse_data(k, level, k_count)
                assert curve.shape[1] == 2 and len(curve) > 32
                np.testing.assert_allclose(curve[0], curve[-1], rtol=0, atol=1e-12)  # closed
                # every drawn point lies on the level-sigma contour of the 2x2 block
                np.testing.assert_allclose(mahalanobis_sq(curve, mean, block), level ** 2,
                                           rtol=1e-9)
                # and the curve reaches the marginal standard deviation along x, up to
                # its sampling: P evenly spaced angles miss the extreme by at most
                # half a step, a factor cos(pi / (P - 1))
                reach = np.max(np.abs(curve[:, 0] - mean[0]))
                sd = level * np.sqrt(block[0, 0])
                assert sd * np.cos(np.pi / (len(curve) - 1)) - 1e-12 <= reach <= sd * (1 + 1e-12)


def test_pairs_diagonal_shows_weighted_marginal_densities(qtbot, workspace_on):
    s = workspace_on(correlated_data(3))
    s.step()
    view = shown(qtbot, PairsView(s))
    state = s.state
    for j, panel in view.diagonal.items():
        for k in range(state.n_components):
            x, y = panel.curves.line_data(k)
            expected = state.weights[k] * scipy.stats.norm(
                state.means[k, j], np.sqrt(state.covariances[k, j, j])).pdf(x)
            np.testing.assert_allclose(y, expected, rtol=1e-12)
        counts, _ = np.histogram(s.X[:, j], bins=len(panel.hist.yData),
                                 range=(panel.hist.xData[0], panel.hist.xData[-1]), density=True)
        np.testing.assert_allclose(panel.hist.yData, counts)


@pytest.mark.parametrize("name", ["alcohol", "malic_acid", "alcalinity_of_ash",
                                  "nonflavanoid_phenols", "proanthocyanins", "Sepal.Length",
                                  "od280/od315_of_diluted_wines", "x"])
def test_a_diagonal_name_wraps_into_three_lines_before_it_is_cut(name):
    width = 42  # seven letters of six pixels

    def advance(text):
        return 6 * len(text)

    def elide(text):  # as QFontMetrics.elidedText(ElideMiddle) would
        return text if advance(text) <= width else text[:3] + "…" + text[-3:]

    lines = wrapped_name(name, width, advance, elide)
    assert 1 <= len(lines) <= 3 and all(advance(line) <= width for line in lines)
    whole = "".join(lines) == name  # every letter in order, or cut once in the last line
    assert whole or (lines[-1].count("…") == 1 and name.startswith(lines[0]))
    if len(name) <= 3 * 7 - 3:  # room enough, whatever the breaks: the whole name
        assert whole
    if name == "malic_acid":
        assert lines == ["malic_", "acid"]  # broken after its underscore


def test_pairs_points_take_the_colours_of_their_responsibilities(qtbot, workspace_on):
    s = workspace_on(correlated_data(3))
    s.step()
    view = shown(qtbot, PairsView(s))
    rgba = colors.point_colors(s.display_responsibilities(), "blended",
                               ids=s.state.component_ids)
    expected = set(np.ascontiguousarray(rgba).view(np.uint32).ravel().tolist())
    for panel in view.pairs.values():
        image = panel.image.image
        codes = np.ascontiguousarray(image).reshape(-1, 4).view(np.uint32).ravel()
        drawn = set(codes[codes != 0].tolist())
        assert drawn and drawn <= expected
    view.set_color_mode("hard")
    assert view.color_mode == "hard"


def test_point_raster_puts_each_point_at_its_pixel_and_later_points_on_top():
    x = np.array([0.05, 0.55, 0.56, 2.0])  # the last point is outside the image
    y = np.array([0.05, 0.55, 0.56, 0.5])
    flat = point_raster.pixel_indices(x, y, (0.0, 1.0, 0.0, 1.0), (10, 10))
    assert flat.shape == (4, len(point_raster.PLUS))
    assert flat[0, 0] == 0 * 10 + 0 and flat[1, 0] == 5 * 10 + 5
    assert np.all(flat[3] == -1)
    codes = np.array([11, 22, 33, 44], dtype=np.uint32)
    img = point_raster.paint(codes, flat, (10, 10))
    as_codes = img.reshape(-1, 4).view(np.uint32).reshape(10, 10)
    assert as_codes[0, 0] == 11 and as_codes[1, 0] == 11  # the plus sign, cut at the edge
    assert as_codes[5, 5] == 33  # point 2 shares the pixel of point 1 and is drawn after it
    assert 44 not in as_codes
    assert np.count_nonzero(as_codes) == 3 + 5  # (0, 0): 3 pixels; points 1 and 2: one plus


def test_pca_ellipses_are_projected_covariances(qtbot, workspace_on):
    X = correlated_data(5)
    s = workspace_on(X)
    for _ in range(2):
        s.step()
    view = shown(qtbot, PcaView(s), (500, 400))
    centred = X - X.mean(axis=0)
    _, sv, vt = np.linalg.svd(centred, full_matrices=False)
    V = vt[:2].T
    V = V * np.sign(np.sum(V * view.pc_axes, axis=0))  # the same axes up to sign
    np.testing.assert_allclose(view.pc_axes, V, atol=1e-10)
    state = s.state
    for k in range(state.n_components):
        mean = V.T @ (state.means[k] - X.mean(axis=0))
        cov = V.T @ state.covariances[k] @ V
        for level in (1, 2):
            curve = view.ellipse_data(k, level)
            np.testing.assert_allclose(mahalanobis_sq(curve, mean, cov), level ** 2, rtol=1e-8)
    share = sv ** 2 / np.sum(sv ** 2)
    bottom = view.getPlotItem().getAxis("bottom").labelText
    assert bottom.startswith(f"PC1 ({100 * share[0]:.1f}%")
    assert view.getPlotItem().getAxis("left").labelText.startswith(f"PC2 ({100 * share[1]:.1f}%")
    np.testing.assert_allclose(view.scatter.data["x"], (s.X[s.display_indices] - X.mean(0)) @ V[:, 0])


@pytest.fixture
def far_pca(window, qtbot):
    """The window's PCA view, fitted (Fit view) after three steps on data whose columns sit
    far from zero: their range holds none of the projected points."""
    window.workspace.set_data(correlated_data(4) + 100.0, name="far")
    for _ in range(3):
        window.step()
    assert window.show_centre_view("pca")
    pca = window.centre_views.pca
    qtbot.waitUntil(lambda: not pca.is_stale)
    pca.fit_view()  # View > Fit view (Ctrl+0), and what new data get
    return pca


def test_the_pca_view_shows_its_own_plane_not_the_columns(window, far_pca):
    (x0, x1), (y0, y1) = far_pca.getPlotItem().getViewBox().viewRange()
    x, y = far_pca.plane_columns(window.workspace.X)
    assert x0 <= x.min() and x.max() <= x1 and y0 <= y.min() and y.max() <= y1
    assert x1 - x0 < 4 * np.ptp(x)  # fitted to them, not merely somewhere around them
    curve = far_pca.ellipse_data(0, 2)
    assert x0 <= curve[:, 0].min() and curve[:, 0].max() <= x1


def test_an_svg_of_the_pca_view_draws_its_plane(window, far_pca, tmp_path):
    path = tmp_path / "pca.svg"
    assert window.desktop.export("plot_svg", path)
    text = path.read_text()
    # every drawn point inside the PCA range (the columns' values, near 100, are not)
    points = sum(group.count("<circle") for group in
                 re.findall(r'<g fill="#[0-9a-f]{6}" fill-opacity[^>]*>(.*?)</g>', text))
    assert points == len(window.workspace.drawn_points())
    assert "PC1 (" in text and "PC2 (" in text
    assert text.count("<polyline") >= 2 * window.workspace.state.n_components


@pytest.fixture
def window_4d(window):
    window.workspace.set_data(correlated_data(4), name="four")
    return window


def test_switching_keeps_working_through_steps_and_scrubbing(qtbot, window_4d):
    w = window_4d
    s = w.workspace
    switcher = w.centre_views
    w.actions_by_name["view:pairs"].trigger()  # Ctrl+2
    assert switcher.current == "pairs" and switcher.stack.currentWidget() is switcher.pairs
    assert w.actions_by_name["view:pairs"].isChecked()
    for _ in range(3):
        w.step()
    panel = switcher.pairs.pair_panel(0, 2)

    def check_pairs():
        state = s.state
        k = state.n_components
        block = state.covariances[0][np.ix_([0, 2], [0, 2])]
        np.testing.assert_allclose(
            mahalanobis_sq(panel.ellipse_data(0, 1, k), state.means[0, [0, 2]], block), 1.0,
            rtol=1e-9)

    check_pairs()
    w.timeline.setValue(1)  # scrub back
    assert s.state.iteration == 1
    check_pairs()
    assert w.show_centre_view("pca")  # Ctrl+3
    assert switcher.pairs.isHidden() or not switcher.pairs.isVisible()
    redraws = switcher.pairs.redraws
    w.timeline.setValue(3)
    w.step()
    assert switcher.pairs.redraws == redraws and switcher.pairs.is_stale  # hidden: waits
    state = s.state
    pca = switcher.pca
    V, c = pca.pc_axes, pca.data_mean
    np.testing.assert_allclose(
        mahalanobis_sq(pca.ellipse_data(1, 1), V.T @ (state.means[1] - c),
                       V.T @ state.covariances[1] @ V), 1.0, rtol=1e-8)
    w.show_centre_view("pairs")
    assert not switcher.pairs.is_stale and switcher.pairs.redraws == redraws + 1
    check_pairs()  # caught up with the state shown
    assert not w.means_box.isEnabled()  # means are handles of the axes view only
    w.show_centre_view("axes")  # Ctrl+1
    assert switcher.stack.currentWidget() is w.centre and w.means_box.isEnabled()


def test_clicking_a_pair_opens_it_in_the_axes_view_and_hover_is_linked(qtbot, window_4d):
    w = window_4d
    s = w.workspace
    w.show_centre_view("pairs")
    pairs = w.centre_views.pairs
    pairs.hover_row(7)
    row = s.display_indices[7]
    for (r, c), panel in pairs.pairs.items():
        xs, ys = panel.marker.getData()
        assert (xs[0], ys[0]) == (s.X[row, c], s.X[row, r])
    for j, panel in pairs.diagonal.items():
        assert panel.marker.isVisible() and panel.marker.value() == s.X[row, j]
    assert pairs.hover_text(7).startswith(f"point {row}  responsibilities")
    pairs.hover_row(None)
    assert not pairs.diagonal[0].marker.isVisible()
    pairs.choose_pair(3, 1)  # row 3 (y), column 1 (x)
    assert s.axes == (1, 3)
    assert w.centre_views.current == "axes"
    assert w.centre.axis_labels() == (s.feature_names[1], s.feature_names[3])


def test_pairs_and_pca_are_off_with_two_features(window):
    assert window.workspace.n_features == 2
    switcher = window.centre_views
    assert not window.show_centre_view("pairs")
    assert "at least 3 features" in window.last_error
    assert switcher.current == "axes"
    assert not window.actions_by_name["view:pca"].isEnabled()
    assert not switcher.combo.model().item(2).isEnabled()
    with pytest.raises(ValueError, match="unknown centre view"):
        switcher.set_view("histogram")


def test_back_to_two_features_leaves_pairs_for_the_axes_view(window_4d):
    w = window_4d
    w.show_centre_view("pca")
    w.workspace.loading.load_builtin("faithful")
    assert w.centre_views.current == "axes"
    assert not w.actions_by_name["view:pca"].isChecked()


def test_more_than_ten_features_show_the_first_ten_and_step(qtbot, window):
    s = window.workspace
    s.set_data(correlated_data(13, n=900), name="thirteen")
    assert window.show_centre_view("pairs")
    pairs = window.centre_views.pairs
    assert pairs.features == list(range(MAX_FEATURES))
    assert len(pairs.pairs) == MAX_FEATURES * (MAX_FEATURES - 1)
    assert f"First {MAX_FEATURES} of 13" in pairs.note.text
    first = pairs.redraws
    for _ in range(3):
        window.step()
    assert pairs.redraws == first + 3
    state = s.state
    panel = pairs.pair_panel(9, 4)
    block = state.covariances[2][np.ix_([9, 4], [9, 4])]
    np.testing.assert_allclose(
        mahalanobis_sq(panel.ellipse_data(2, 2, state.n_components), state.means[2, [9, 4]],
                       block), 4.0, rtol=1e-9)
    assert window.show_centre_view("pca")
    window.step()
    assert window.centre_views.pca.pc_axes.shape == (13, 2)


def test_launch_view_flag_is_refused_on_two_features(tmp_path, capsys):
    from gmm_explorer.app.shell.launch import build_parser, launch

    assert build_parser().parse_args(["--view", "pca"]).view == "pca"
    png = tmp_path / "shot.png"
    assert launch(["--view", "pairs", "--screenshot", str(png)]) == 2
    assert "--view" in capsys.readouterr().err
    assert not png.exists()


def test_hovering_a_point_with_the_mouse_rings_it_everywhere(qtbot, workspace_on):
    s = workspace_on(correlated_data(3))
    s.step()
    view = shown(qtbot, PairsView(s))
    panel = view.pair_panel(0, 2)
    i = 11
    x, y = s.X[s.display_indices[i], 0], s.X[s.display_indices[i], 2]
    scene_pos = panel.view.mapViewToScene(pg.Point(x, y))
    with qtbot.waitSignal(view.hoverText) as signal:
        view._on_mouse_moved(scene_pos)
    hovered = view.hovered
    assert hovered is not None
    # the nearest drawn point: this one, or one drawn on the same pixel
    xs, ys = panel.marker.getData()
    assert abs(xs[0] - x) <= 2 * panel.view.viewPixelSize()[0]
    assert abs(ys[0] - y) <= 2 * panel.view.viewPixelSize()[1]
    row = s.display_indices[hovered]
    assert signal.args[0].startswith(f"point {row}")
    assert view.note.text.startswith(f"point {row}:")
    for other in view.pairs.values():
        assert other.marker.isVisible()
    view._on_mouse_moved(pg.Point(-1000.0, -1000.0))  # off every panel
    assert view.hovered is None and not panel.marker.isVisible()
    assert view.note.text.startswith("Hover")


def test_a_long_note_never_widens_the_grid_beyond_the_view(qtbot, workspace_on):
    """The note overrides pyqtgraph's LabelItem sizing (an internal): this fails if it changes."""
    s = workspace_on(correlated_data(12))
    view = shown(qtbot, PairsView(s), (320, 320))
    view.note.setText("a long line " * 40)
    qtbot.wait(10)
    assert view.note.minimumWidth() == 0
    assert view.ci.size().width() <= view.viewport().width() + 1
    right = max(p.plot.mapRectToScene(p.plot.boundingRect()).right() for p in view.pairs.values())
    assert right <= view.viewport().width() + 1  # the last column is inside the view


def test_pca_of_a_standardised_fit_uses_the_standardised_axes(qtbot, workspace_on):
    X = correlated_data(5)
    X = X * np.array([1e-3, 1.0, 1e3, 1.0, 1.0])[: X.shape[1]]  # columns on other scales
    s = workspace_on(X)
    s.set_standardize(True)
    for _ in range(2):
        s.step()
    view = shown(qtbot, PcaView(s), (500, 400))
    scale = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / scale
    _, sv, vt = np.linalg.svd(Z, full_matrices=False)
    V = vt[:2].T
    V = V * np.sign(np.sum(V * view.pc_axes, axis=0))
    np.testing.assert_allclose(view.pc_axes, V, atol=1e-10)
    state = s.state
    for k in range(state.n_components):
        mean = V.T @ ((state.means[k] - X.mean(axis=0)) / scale)
        cov = V.T @ (state.covariances[k] / np.outer(scale, scale)) @ V
        curve = view.ellipse_data(k, 1)
        np.testing.assert_allclose(mahalanobis_sq(curve, mean, cov), 1.0, rtol=1e-8)
    bottom = view.getPlotItem().getAxis("bottom").labelText
    assert bottom.startswith(f"PC1 ({100 * (sv[0] ** 2 / np.sum(sv ** 2)):.1f}% of the "
                             "standardised variance")
    s.set_standardize(False)  # the raw axes again: the 1e3 column takes PC1 alone
    assert abs(view.pc_axes[2, 0]) > 0.999


def test_the_person_chooses_which_features_the_pairs_view_shows(qtbot, window):
    from PySide6.QtWidgets import QDialogButtonBox

    from gmm_explorer.app.shell.pair_features import PairFeaturesDialog, choose_pair_features

    s = window.workspace
    s.set_data(correlated_data(13, n=900), name="thirteen")
    pairs = window.centre_views.pairs
    dialog = PairFeaturesDialog(list(s.feature_names), pairs.columns_to_show())
    qtbot.addWidget(dialog)
    show = dialog.buttons.button(QDialogButtonBox.Ok)
    assert dialog.chosen() == list(range(MAX_FEATURES)) and show.isEnabled()
    dialog.list.item(12).setCheckState(pg.QtCore.Qt.Checked)  # eleven: too many
    assert not show.isEnabled() and "uncheck 1" in dialog.count.text()
    dialog._check([12, 3, 7])
    assert dialog.chosen() == [3, 7, 12] and show.isEnabled()
    assert choose_pair_features(window, dialog)
    assert window.centre_views.current == "pairs"
    assert pairs.features == [3, 7, 12] and len(pairs.pairs) == 6
    assert "3 of 13 features, as chosen" in pairs.note.text
    state = s.state
    block = state.covariances[1][np.ix_([12, 3], [12, 3])]
    panel = pairs.pair_panel(12, 3)
    np.testing.assert_allclose(
        mahalanobis_sq(panel.ellipse_data(1, 2, state.n_components), state.means[1, [12, 3]],
                       block), 4.0, rtol=1e-9)
    window.step()  # the choice stays through steps and data of the same features
    s.set_data(correlated_data(13, n=600, seed=4), name="again")
    assert pairs.features == [3, 7, 12]
    s.set_data(correlated_data(4), name="four")  # other features: the first ones again
    assert pairs.features == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="2 to 10"):
        pairs.set_features([1])
    with pytest.raises(ValueError, match="distinct"):
        pairs.set_features([1, 1, 2])
    pairs.set_features(None)
    assert pairs.features == [0, 1, 2, 3]
    assert window.actions_by_name["pair_features"].isEnabled()
    window.workspace.loading.load_builtin("faithful")
    assert not window.actions_by_name["pair_features"].isEnabled()
    assert not choose_pair_features(window)  # two features: refused with the reason
