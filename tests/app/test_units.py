"""Fits in standardised units shown in the data's: the engine wrapper and the shared Z."""

import numpy as np

from gmm_explorer.app.model.units import (
    FitUnits,
    StandardizedEngine,
    result_in_user_units,
    to_fit_units,
    to_user_units,
)
from gmm_explorer.data.scaling import Standardizer
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.fits import model_recipes, run_recipes
from gmm_explorer.engine.options import ModelSettings


def _data():
    rng = np.random.default_rng(7)
    X = np.vstack([rng.standard_normal((80, 2)), rng.standard_normal((80, 2)) + 4])
    return X * np.array([1e-3, 1e3]) + np.array([5.0, -2e3])


def test_states_map_to_the_data_units_and_back():
    X = _data()
    std = Standardizer.fit(X, "full")
    em = GaussianMixtureEM(n_components=2, random_state=0)
    em.initialize(std.transform(X))
    state = em.step()
    user = to_user_units(state, std, len(X))
    np.testing.assert_allclose(user.means, std.center + std.scale * state.means)
    np.testing.assert_allclose(user.eigenvalues, np.linalg.eigvalsh(user.covariances))
    assert user.log_likelihood == state.log_likelihood - len(X) * std.log_jacobian()
    np.testing.assert_array_equal(user.condition_numbers, state.condition_numbers)
    back = to_fit_units(user, std, len(X))
    np.testing.assert_allclose(back.means, state.means, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(back.covariances, state.covariances, rtol=1e-12)


def test_the_wrapper_steps_as_the_engine_on_standardised_data():
    X = _data()
    X.setflags(write=False)  # read-only: kept as the very array (a writable one is copied)
    units = FitUnits()
    wrapped = StandardizedEngine(GaussianMixtureEM(n_components=2, random_state=0), units)
    first = wrapped.initialize(X)
    std, Z = units.get(X, "full")
    assert wrapped.X is X and wrapped.Z is Z and not Z.flags.writeable
    assert StandardizedEngine(GaussianMixtureEM(n_components=2), units).initialize(
        X.copy()) is not None  # a writable array: copied, so nobody changes it under the fit
    plain = GaussianMixtureEM(n_components=2, random_state=0)
    plain.initialize(Z)
    for _ in range(4):
        shown, fitted = wrapped.step(), plain.step()
        assert shown.log_likelihood == to_user_units(fitted, std, len(X)).log_likelihood
    # the same object each time a state is asked for, so views can compare identities
    assert wrapped.history[-1] is wrapped.state is shown and wrapped.history[0] is first
    assert wrapped.fit_state(shown) is wrapped.fit_history[-1]
    np.testing.assert_array_equal(wrapped.responsibilities(shown),
                                  plain.responsibilities(plain.state))
    np.testing.assert_allclose(wrapped.responsibilities(first, X[:5]),
                               plain.responsibilities(plain.history[0], Z[:5]), atol=1e-12)
    assert wrapped.rewind(2) is wrapped.history[2] and len(wrapped.history) == 3
    assert wrapped.halted is False and wrapped.n_parameters() == plain.n_parameters()


def test_a_start_in_the_data_units_is_the_same_start():
    X = _data()
    std = Standardizer.fit(X, "diag")
    means = np.array([[5.0, -2e3], [5.004, 2e3]])
    wrapped = StandardizedEngine(GaussianMixtureEM(n_components=2, covariance_type="diag"))
    start = wrapped.initialize(X, means=means, covariances=np.array(
        [np.diag([1e-6, 1e6]), np.diag([2e-6, 3e6])]))
    np.testing.assert_allclose(start.means, means)
    np.testing.assert_allclose(wrapped.fit_history[0].means, (means - std.center) / std.scale)
    np.testing.assert_allclose(np.diagonal(start.covariances, axis1=1, axis2=2),
                               [[1e-6, 1e6], [2e-6, 3e6]])


def test_results_of_many_fits_score_in_the_data_units():
    X = _data()
    std = Standardizer.fit(X, "full")
    recipes = model_recipes(ModelSettings(n_components=2), [1, 2])
    results = []
    run_recipes(recipes, std.transform(X), progress=results.append, keep_engines=False)
    shift = 2 * len(X) * std.log_jacobian()
    for result in results:
        user = result_in_user_units(result, std, len(X))
        assert user.criteria["bic"] == result.criteria["bic"] + shift
        assert user.state.log_likelihood == result.state.log_likelihood - shift / 2
    assert result_in_user_units(results[0], None, len(X)) is results[0]
