"""The background maps' numbers, checked against scipy computed independently."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from gmm_explorer.app.model import density_grid


def _random_mixture(seed=0, k=3, d=4):
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(k) * 3)
    means = rng.normal(0.0, 3.0, (k, d))
    a = rng.normal(size=(k, d, d))
    covariances = a @ np.swapaxes(a, 1, 2) + 0.3 * np.eye(d)
    return weights, means, covariances


def _scipy_components(weights, means, covariances, axes, points):
    """w_k N(x; mu_k, Sigma_k) of the marginal on ``axes``, shape (K, P), by scipy."""
    ax = list(axes)
    return np.array([w * multivariate_normal(m[ax], c[np.ix_(ax, ax)]).pdf(points)
                     for w, m, c in zip(weights, means, covariances)])


def test_the_density_is_the_marginal_mixture_and_integrates_to_one():
    weights, means, covs = _random_mixture()
    axes = (1, 3)
    # wide enough that the tails outside hold far less than the tolerance
    sd = np.sqrt(np.max(covs[:, [1, 3], [1, 3]]))
    lo, hi = means[:, axes].min() - 9 * sd, means[:, axes].max() + 9 * sd
    grid = density_grid.make_grid((lo, hi), (lo, hi), size=400)
    maps = density_grid.density_maps(weights, means, covs, axes, grid)
    assert maps.log_density.shape == (400, 400)
    gx, gy = np.meshgrid(grid.xs, grid.ys, indexing="ij")  # [ix, iy], as the image
    points = np.column_stack([gx.ravel(), gy.ravel()])
    expected = _scipy_components(weights, means, covs, axes, points).sum(axis=0)
    np.testing.assert_allclose(np.exp(maps.log_density).ravel(), expected, rtol=1e-9,
                               atol=1e-300)
    # the midpoint rule on a smooth density: its error is far below 1e-3 at this step
    assert np.exp(maps.log_density).sum() * grid.cell_area == pytest.approx(1.0, abs=1e-3)


def test_the_uncertainty_is_one_minus_the_largest_posterior():
    weights, means, covs = _random_mixture(seed=3, k=4, d=3)
    axes = (2, 0)
    grid = density_grid.make_grid((-8, 8), (-6, 7), size=60)
    maps = density_grid.density_maps(weights, means, covs, axes, grid)
    gx, gy = np.meshgrid(grid.xs, grid.ys, indexing="ij")
    parts = _scipy_components(weights, means, covs, axes, np.column_stack([gx.ravel(),
                                                                          gy.ravel()]))
    posterior = parts / parts.sum(axis=0)
    np.testing.assert_allclose(maps.uncertainty.ravel(), 1.0 - posterior.max(axis=0),
                               atol=1e-12)
    assert 0.0 <= maps.uncertainty.min() and maps.uncertainty.max() <= 1.0 - 1.0 / 4


def test_the_iso_lines_enclose_half_ninety_and_ninety_nine_percent():
    weights, means, covs = _random_mixture(seed=5, k=3, d=2)
    sd = np.sqrt(np.max(covs[:, [0, 1], [0, 1]]))
    lo, hi = means.min() - 9 * sd, means.max() + 9 * sd
    grid = density_grid.make_grid((lo, hi), (lo, hi), size=500)
    maps = density_grid.density_maps(weights, means, covs, (0, 1), grid)
    mass = np.exp(maps.log_density) * grid.cell_area
    for p, level in zip(density_grid.MASS_LEVELS, maps.levels):
        inside = mass[maps.log_density >= level].sum()
        # Hyndman's estimate from 4,000 draws: its quantile's error is about
        # sqrt(p (1 - p) / 4000), below 0.008 for these masses
        assert inside == pytest.approx(p, abs=0.025)


def test_the_iso_lines_are_drawn_where_the_field_crosses_the_level():
    grid = density_grid.make_grid((-3, 3), (-2, 2), size=80)
    gx, gy = np.meshgrid(grid.xs, grid.ys, indexing="ij")
    field = -(gx ** 2 + (2 * gy) ** 2)  # ellipses x^2 + 4 y^2 = r^2
    segments = density_grid.iso_segments(field, grid.xs, grid.ys, -1.0)
    assert segments.shape[1:] == (2, 2) and len(segments) > 40
    pts = segments.reshape(-1, 2)
    radius2 = pts[:, 0] ** 2 + 4 * pts[:, 1] ** 2
    cell = grid.rect[2] / 80
    np.testing.assert_allclose(radius2, 1.0, atol=4 * cell)  # linear interpolation's error
    # every end point is shared by exactly two segments: one closed curve
    keys, counts = np.unique(np.round(pts, 9), axis=0, return_counts=True)
    assert np.all(counts == 2)


def test_a_singular_component_shows_as_a_spike_one_cell_wide():
    weights = np.array([0.5, 0.5])
    means = np.array([[0.0, 0.0], [2.0, 1.0]])
    covs = np.array([np.eye(2), [[1.0, 1.0], [1.0, 1.0]]])  # the second lies on a line
    grid = density_grid.make_grid((-4, 4), (-4, 4), size=100)
    maps = density_grid.density_maps(weights, means, covs, (0, 1), grid)
    assert np.all(np.isfinite(maps.log_density)) and np.all(np.isfinite(maps.uncertainty))
    assert np.all(np.isfinite(maps.levels))
    ix = np.argmin(np.abs(grid.xs - 2.0))
    along = maps.log_density[ix]  # across the line x - y = 1 at x = 2
    assert np.argmax(along) == np.argmin(np.abs(grid.ys - 1.0))


def test_a_removed_component_of_weight_zero_adds_nothing():
    weights, means, covs = _random_mixture(seed=7, k=3, d=2)
    grid = density_grid.make_grid((-9, 9), (-9, 9), size=50)
    with_zero = density_grid.density_maps(np.append(weights, 0.0),
                                          np.vstack([means, [[0.0, 0.0]]]),
                                          np.concatenate([covs, [np.eye(2)]]), (0, 1), grid)
    without = density_grid.density_maps(weights, means, covs, (0, 1), grid)
    np.testing.assert_allclose(with_zero.log_density, without.log_density, rtol=1e-12)
    np.testing.assert_allclose(with_zero.uncertainty, without.uncertainty, atol=1e-12)


def test_an_empty_range_still_makes_a_grid():
    grid = density_grid.make_grid((2.0, 2.0), (5.0, 1.0), size=10)
    assert grid.rect[2] > 0 and grid.rect[3] > 0 and grid.cell_area > 0
    assert grid.xs.shape == grid.ys.shape == (10,)
