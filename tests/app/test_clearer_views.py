"""The centre plot shows what it draws: the range holds the ellipses, the ellipses lie
over the points, and axes read in plain numbers."""

import numpy as np

from gmm_explorer.app import geometry


def _inside(view_range, curves) -> bool:
    (x0, x1), (y0, y1) = view_range
    return (curves[..., 0].min() >= x0 and curves[..., 0].max() <= x1
            and curves[..., 1].min() >= y0 and curves[..., 1].max() <= y1)


def test_the_range_holds_the_three_sigma_ellipses(window, qapp):
    s = window.workspace
    window.sigma_boxes[3].setChecked(True)
    s.lab.load_preset("seed")  # its top row of ellipses was cut off
    qapp.processEvents()
    means2, covs2 = geometry.marginal(s.state.means, s.state.covariances, s.axes)
    curves = geometry.ellipse_curves(means2, covs2, 3.0)
    assert _inside(window.centre.getPlotItem().viewRange(), curves)
    window.centre.getPlotItem().getViewBox().setRange(xRange=(0, 1), yRange=(0, 1))
    window.actions_by_name["fit_view"].trigger()  # View > Fit view brings them back
    assert _inside(window.centre.getPlotItem().viewRange(), curves)
    points = s.X[:, list(s.axes)]
    assert _inside(window.centre.getPlotItem().viewRange(), points[None])


def test_a_blown_up_component_does_not_shrink_the_data_to_a_dot():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    means2 = np.array([[0.5, 0.5]])
    covs2 = np.array([[[1e12, 0.0], [0.0, 1e12]]])
    (x0, x1), (y0, y1) = geometry.view_bounds(points, means2, covs2, 3.0)
    assert (x0, x1) == (-3.0, 4.0) and (y0, y1) == (-3.0, 4.0)


def test_ellipses_and_means_lie_over_the_points(window):
    c = window.centre
    assert c.ellipses.zValue() > c.scatter.zValue()
    assert c.handles.zValue() > c.ellipses.zValue()


def test_axes_read_in_plain_numbers_not_a_scale_factor(window, qapp):
    s = window.workspace
    rng = np.random.default_rng(0)
    s.set_data(rng.normal(size=(300, 2)) * 1e-3, None, ["x0", "x1"], "tiny")
    qapp.processEvents()
    for plot in (window.centre, window.likelihood, window.conditions):
        for side in ("left", "bottom"):
            label = plot.getPlotItem().getAxis(side).labelString()
            assert "(x" not in label and "×" not in label, label
    assert ">x0 <" in window.centre.getPlotItem().getAxis("bottom").labelString()
