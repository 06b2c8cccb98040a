"""Fuzzing the engine: arbitrary parameters give a valid state or a ValueError, never NaN."""

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gmm_explorer.engine import GaussianMixtureEM

_SETTINGS = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])

_any_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                        st.integers(-5, 20), st.none(), st.sampled_from(["1e-6", "x", [1]]))


def _check_state(state, K_max, D):
    K = state.n_components
    assert 1 <= K <= K_max and state.means.shape == (K, D)
    for name in ("weights", "means", "covariances", "effective_counts", "eigenvalues"):
        assert not np.any(np.isnan(getattr(state, name))), name
    assert np.all(np.isfinite(state.weights)) and abs(state.weights.sum() - 1) < 1e-9
    assert not np.isnan(state.log_likelihood) and not np.isnan(state.objective)
    assert not np.any(np.isnan(state.condition_numbers))
    assert set(state.component_status) <= {"ok", "degenerate", "singular"}


@_SETTINGS
@given(n_components=_any_number, covariance_type=st.sampled_from(
           ["full", "tied", "diag", "spherical", "FULL", ""]),
       reg_covar=_any_number, max_condition=_any_number, tol=_any_number,
       on_collapse=st.sampled_from(["stop", "reinitialize", "remove", "continue", "x"]),
       prior=st.sampled_from([None, "conjugate", "flat"]),
       init=st.sampled_from(["k-means++", "kmeans", "random", "random_from_data",
                             "random_integers", "nope"]),
       seed=st.integers(0, 2**31 - 1))
def test_arbitrary_settings(n_components, covariance_type, reg_covar, max_condition, tol,
                            on_collapse, prior, init, seed):
    X = np.random.default_rng(seed % 1000).normal(size=(40, 2))
    try:
        em = GaussianMixtureEM(n_components=n_components, covariance_type=covariance_type,
                               reg_covar=reg_covar, max_condition=max_condition, tol=tol,
                               on_collapse=on_collapse, prior=prior, init=init,
                               random_state=seed)
        state = em.initialize(X)
    except ValueError as exc:
        assert str(exc)
        return
    _check_state(state, int(n_components), 2)
    for _ in range(4):
        try:
            state = em.step()
        except ValueError as exc:  # SingularCovarianceError after a stop
            assert "collapsed" in str(exc) or str(exc)
            break
        _check_state(state, int(n_components), 2)


_coord = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@_SETTINGS
@given(points=st.lists(st.tuples(_coord, _coord), min_size=0, max_size=30),
       K=st.integers(1, 4), covariance_type=st.sampled_from(["full", "tied", "diag",
                                                             "spherical"]),
       reg_covar=st.sampled_from([0.0, 1e-6, 1.0]),
       on_collapse=st.sampled_from(["stop", "reinitialize", "remove", "continue"]),
       seed=st.integers(0, 1000))
# a spread of 1e-150 across one axis: the condition number overflows float64
@example(points=[(0.0, 0.0), (3.0, 1e-150)], K=1, covariance_type="full", reg_covar=0.0,
         on_collapse="stop", seed=0)
def test_arbitrary_data(points, K, covariance_type, reg_covar, on_collapse, seed):
    """Duplicates, lines, huge and tiny spreads: a valid state or a ValueError."""
    X = np.array(points, dtype=float).reshape(-1, 2)
    em = GaussianMixtureEM(n_components=K, covariance_type=covariance_type,
                           reg_covar=reg_covar, on_collapse=on_collapse, random_state=seed)
    try:
        state = em.initialize(X)
    except ValueError:
        return
    _check_state(state, K, 2)
    for _ in range(3):
        try:
            state = em.step()
        except ValueError:
            break
        _check_state(state, K, 2)


@_SETTINGS
@given(weights=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1,
                        max_size=3),
       shift=st.floats(allow_nan=True, allow_infinity=True),
       scale=st.floats(allow_nan=True, allow_infinity=True))
def test_arbitrary_starting_parameters(weights, shift, scale):
    K = len(weights)
    X = np.random.default_rng(0).normal(size=(30, 2))
    em = GaussianMixtureEM(n_components=K, reg_covar=1e-6, random_state=0)
    with np.errstate(invalid="ignore"):  # inf * 0 off the diagonal: NaN on purpose
        covariances = np.broadcast_to(scale * np.eye(2), (K, 2, 2)).copy()
    try:
        state = em.initialize(X, weights=np.array(weights), means=np.full((K, 2), shift),
                              covariances=covariances)
    except ValueError:
        return
    _check_state(state, K, 2)
    try:
        _check_state(em.step(), K, 2)
    except ValueError:
        pass
