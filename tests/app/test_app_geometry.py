"""The pure drawing helpers: ellipses, marginals, display responsibilities, colours."""

import numpy as np
import pytest

from gmm_explorer.app import colors, geometry


def _random_spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T + 0.1 * np.eye(d)


@pytest.mark.parametrize("radius", [1.0, 2.0, 3.0])
def test_ellipse_points_lie_on_the_mahalanobis_contour(radius):
    rng = np.random.default_rng(1)
    means = rng.standard_normal((4, 2)) * 5
    covs = np.stack([_random_spd(rng, 2) for _ in range(4)])
    curves = geometry.ellipse_curves(means, covs, radius)
    assert curves.shape == (4, geometry.ELLIPSE_POINTS, 2)
    for k in range(4):
        d = curves[k] - means[k]
        maha = np.einsum("pi,ij,pj->p", d, np.linalg.inv(covs[k]), d)
        np.testing.assert_allclose(maha, radius ** 2, rtol=1e-10)
        np.testing.assert_allclose(curves[k, 0], curves[k, -1], atol=1e-12)  # closed


def test_ellipse_of_a_singular_covariance_is_a_segment():
    cov = np.array([[[4.0, 2.0], [2.0, 1.0]]])  # rank one, along (2, 1)
    curve = geometry.ellipse_curves(np.zeros((1, 2)), cov)[0]
    assert np.all(np.isfinite(curve))
    cross = curve[:, 0] * 1.0 - curve[:, 1] * 2.0  # component across (2, 1)
    np.testing.assert_allclose(cross, 0.0, atol=1e-7)
    half_length = np.sqrt(5.0)  # sqrt of the nonzero eigenvalue 5
    assert np.linalg.norm(curve, axis=1).max() == pytest.approx(half_length, rel=1e-3)


def test_marginal_takes_the_entries_and_the_block():
    rng = np.random.default_rng(2)
    means = rng.standard_normal((3, 4))
    covs = np.stack([_random_spd(rng, 4) for _ in range(3)])
    m2, c2 = geometry.marginal(means, covs, (3, 1))
    np.testing.assert_array_equal(m2, means[:, [3, 1]])
    np.testing.assert_array_equal(c2[:, 0, 0], covs[:, 3, 3])
    np.testing.assert_array_equal(c2[:, 0, 1], covs[:, 3, 1])
    np.testing.assert_array_equal(c2[:, 1, 1], covs[:, 1, 1])


def test_subsample_is_fixed_and_bounded():
    a = geometry.display_subsample(100_000, 4000)
    b = geometry.display_subsample(100_000, 4000)
    assert len(a) == 4000 and np.array_equal(a, b)
    assert len(np.unique(a)) == 4000 and a.max() < 100_000
    np.testing.assert_array_equal(geometry.display_subsample(50, 4000), np.arange(50))


def test_nearest_point_uses_screen_scale():
    pts = np.array([[0.0, 0.0], [10.0, 1.0]])
    assert geometry.nearest_point(pts, 9.0, 0.0)[0] == 1
    # one x unit is 100 pixels, one y unit 1 pixel: (0, 0) is nearer on screen
    assert geometry.nearest_point(pts, 5.0, 1.0, scale=(0.01, 1.0))[0] == 1
    assert geometry.nearest_point(pts, 1.0, 1.0, scale=(0.01, 1.0))[0] == 0


def test_point_colors_blended_and_hard():
    resp = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    blended = colors.point_colors(resp, "blended")
    c0, c1 = colors.palette(2)
    assert np.abs(blended[0, :3] - c0).max() <= 6
    assert np.abs(blended[1, :3] - c1).max() <= 6
    assert np.abs(blended[2, :3] - (c0 + c1) / 2).max() <= 6
    hard = colors.point_colors(resp, "hard")
    np.testing.assert_array_equal(hard[0, :3], c0)
    assert hard[0, 3] == 255 and hard[2, 3] < 100  # sure: opaque; unsure: faint
    with pytest.raises(ValueError, match="blended"):
        colors.point_colors(resp, "rainbow")


def test_component_colour_is_stable_and_distinct_for_ten():
    cols = {colors.component_color(k) for k in range(10)}
    assert len(cols) == 10
    assert colors.component_color(3) == colors.component_color(3 + len(colors.PALETTE))


def test_no_component_colour_looks_like_the_warning_red():
    # red marks degenerate and singular components: an ordinary component drawn
    # in red would read as a warning
    from gmm_explorer.app.colors import COLLAPSE_RED

    for k in range(len(colors.PALETTE)):
        distance = np.linalg.norm(np.subtract(colors.component_color(k), COLLAPSE_RED))
        assert distance > 100, (k, colors.component_color(k))


def _cielab(rgb):
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                  [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def test_twenty_components_get_twenty_clearly_different_colours():
    lab = _cielab([colors.component_color(k) for k in range(20)])
    delta_e = np.linalg.norm(lab[:, None] - lab[None], axis=-1)
    np.fill_diagonal(delta_e, np.inf)
    assert delta_e.min() > 25  # a Delta E of 25 is plainly another colour side by side
    assert lab[:, 0].max() < 85  # none so light that it vanishes on the white plot
