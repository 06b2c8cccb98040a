"""Awkward but valid data fit soundly or are refused with a reason; never a NaN."""

import io

import numpy as np
import pytest
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from gmm_explorer.cli.common import EXIT_COLLAPSE, EXIT_OK, EXIT_USAGE
from gmm_explorer.cli.run import run_command
from gmm_explorer.data import (
    DataError,
    Standardizer,
    check_components,
    check_fit_data,
    check_scales,
    read_model,
)


def two_blobs(n=150, seed=0):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(0, 1, (n, 2)), rng.normal(6, 1, (n, 2))])


def fit(tmp_path, X, *extra, k=2):
    path = tmp_path / "data.csv"
    np.savetxt(path, X, delimiter=",", header="a,b", comments="", fmt="%.17g")
    out, err = io.StringIO(), io.StringIO()
    model = tmp_path / "model.json"
    code = run_command(["fit", str(path), "-k", str(k), "--n-init", "2", "--seed", "0",
                        "-q", "-o", str(model), *extra], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue(), model


def log_density(X, mean, cov):
    """Gaussian log-density by Cholesky (scipy's multivariate_normal calls a covariance
    with entries 1e-12 and 1e16 singular; the Cholesky factor does not care)."""
    L = np.linalg.cholesky(cov)
    z = solve_triangular(L, (X - mean).T, lower=True)
    D = X.shape[1]
    return -0.5 * (z ** 2).sum(axis=0) - np.log(np.diag(L)).sum() - 0.5 * D * np.log(2 * np.pi)


def mixture_loglik(X, weights, means, covariances):
    parts = np.array([np.log(w) + log_density(X, m, c)
                      for w, m, c in zip(weights, means, covariances)])
    return float(logsumexp(parts, axis=0).sum())


def loglik_in_user_units(X, info):
    return mixture_loglik(X, info["weights"], info["means"], info["covariances"])


def test_constant_column_is_refused_by_name():
    X = np.column_stack([np.full(20, 3.0), np.arange(20.0)])
    with pytest.raises(DataError, match="'height'.*constant") as info:
        check_scales(X, ["height", "width"], "f.csv")
    assert "--columns" in str(info.value)


@pytest.mark.parametrize("factor, words", [(1e300, "beyond float64"),
                                           (1e-300, "underflows")])
def test_extreme_values_are_refused_with_a_change_of_units(tmp_path, factor, words):
    code, _, err, model = fit(tmp_path, two_blobs() * factor)
    assert code == EXIT_USAGE
    assert err.startswith("error: ") and words in err and "change its units" in err
    assert "Traceback" not in err and not model.exists()


@pytest.mark.parametrize("factor", [1e100, 1e-100])
def test_large_and_small_but_representable_values_fit(tmp_path, factor):
    X = two_blobs() * factor
    code, out, err, model = fit(tmp_path, X)
    assert code == EXIT_OK, err
    info = read_model(model)
    assert np.isfinite(info["log_likelihood"])
    shift = len(X) * 2 * np.log(factor)  # the Jacobian of the change of units
    code, _, _, model1 = fit(tmp_path, two_blobs())
    assert info["log_likelihood"] == pytest.approx(
        read_model(model1)["log_likelihood"] - shift, rel=1e-9)


def test_very_different_scales_fit_in_standardised_units(tmp_path):
    X = two_blobs() * [1e-6, 1e8]
    code, out, err, model = fit(tmp_path, X)
    assert code == EXIT_OK, err
    info = read_model(model)
    assert info["standardization"] is not None
    # Reported in the user's units, exactly the mixture whose likelihood is stated.
    assert info["log_likelihood"] == pytest.approx(loglik_in_user_units(X, info), rel=1e-9)
    # In the data's own units the fixed ridge swamps the small column: told, not hidden.
    code, _, err, _ = fit(tmp_path, X, "--no-standardize")
    assert "note:" in err and "reg-covar" in err


def test_spherical_stays_spherical_in_the_users_units(tmp_path):
    X = two_blobs() * [1.0, 50.0]
    code, _, err, model = fit(tmp_path, X, "--covariance-type", "spherical")
    assert code == EXIT_OK, err
    for c in read_model(model)["covariances"]:
        np.testing.assert_allclose(c, c[0, 0] * np.eye(2), rtol=1e-12)


def test_many_duplicates_fit_soundly_with_the_ridge_and_collapse_without(tmp_path):
    X = np.vstack([two_blobs(), np.tile([[3.0, 3.0]], (400, 1))])
    code, _, err, model = fit(tmp_path, X, k=3)
    assert code == EXIT_OK, err
    info = read_model(model)
    assert np.isfinite(info["log_likelihood"]) and np.all(np.isfinite(info["covariances"]))
    code, _, err, _ = fit(tmp_path, X, "--reg-covar", "0", k=3)
    assert code == EXIT_COLLAPSE
    assert "collapsed" in err and "--reg-covar" in err and "--prior conjugate" in err


def test_more_components_than_points_or_distinct_points():
    X = np.array([[0.0, 1], [1, 0], [1, 0], [1, 0]])
    with pytest.raises(DataError, match="only 4 points"):
        check_components(5, X, "f.csv")
    with pytest.raises(DataError, match="only 2 distinct points"):
        check_components(3, X, "f.csv")
    check_components(2, X, "f.csv")
    with pytest.raises(DataError, match="at least 1"):
        check_components(0, X)


def test_check_fit_data_refuses_non_finite():
    with pytest.raises(DataError, match="missing or infinite"):
        check_fit_data(np.array([[0.0, 1], [np.nan, 2], [3, 4]]), 1)


@pytest.mark.parametrize("covariance_type", ["full", "spherical"])
def test_standardizer_maps_mixtures_exactly(covariance_type):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3)) * [1e-3, 1.0, 1e4] + [5.0, -2.0, 1e6]
    std = Standardizer.fit(X, covariance_type)
    Z = std.transform(X)
    np.testing.assert_allclose(std.inverse_transform(Z), X, rtol=1e-14)
    w = np.array([0.3, 0.7])
    m = rng.normal(size=(2, 3))
    c = np.array([np.eye(3) * 0.5, np.eye(3) + 0.2])
    wu, mu, cu = std.to_user(w, m, c)
    np.testing.assert_array_equal(cu, np.swapaxes(cu, 1, 2))  # exactly symmetric
    back = std.to_standard(wu, mu, cu)
    np.testing.assert_allclose(back[1], m, atol=1e-9)
    np.testing.assert_allclose(back[2], c, rtol=1e-12)
    ll_z = mixture_loglik(Z, w, m, c)
    ll_x = mixture_loglik(X, wu, mu, cu)
    assert std.log_likelihood_to_user(ll_z, len(X)) == pytest.approx(ll_x, rel=1e-10)
    if covariance_type == "spherical":
        assert np.all(std.scale == std.scale[0])


def test_standardised_data_are_read_only_so_the_engine_keeps_them_without_a_copy():
    from gmm_explorer.engine import GaussianMixtureEM

    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) * [1.0, 10.0, 100.0] + 5.0
    std = Standardizer.fit(X, "full")
    Z = std.transform(X)
    assert not Z.flags.writeable and X.flags.writeable  # the caller's data untouched
    np.testing.assert_array_equal(Z, (X - std.center) / std.scale)
    em = GaussianMixtureEM(2, random_state=0)
    em.initialize(Z)
    assert em.X is Z  # shared, not copied: one copy of the data fewer in fit and select


def test_a_title_line_above_the_header_is_named_as_the_likely_cause(tmp_path):
    from gmm_explorer.data import load_data

    titled = tmp_path / "titled.csv"
    titled.write_text("My measurements 2024\na,b\n1,2\n3,4\n5,6\n")
    with pytest.raises(DataError, match="line 2: has 2 fields where the header has 1.*"
                                        "if the first line is a title, delete it or start it "
                                        "with #"):
        load_data(titled)
    commented = tmp_path / "commented.csv"
    commented.write_text("# My measurements 2024\na,b\n1,2\n3,4\n5,6\n")
    assert load_data(commented).X.shape == (3, 2)
    ragged = tmp_path / "ragged.csv"  # a ragged row further down is no title
    ragged.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(DataError) as caught:
        load_data(ragged)
    assert "is a title" not in str(caught.value)
