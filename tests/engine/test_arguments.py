"""Every argument of the engine checked: the parameter named, nothing silently converted,
and the data the engine fits are its own."""

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM

X = np.random.RandomState(0).randn(40, 2)


@pytest.fixture
def fitted():
    em = GaussianMixtureEM(n_components=2, random_state=0)
    em.initialize(X)
    em.run(max_iter=3)
    return em


@pytest.mark.parametrize("settings, error, match", [
    ({"reg_covar": True}, ValueError, r"reg_covar=True must be a number, not bool"),
    ({"reg_covar": "1e-6"}, ValueError, r"reg_covar='1e-6' must be a number, not str"),
    ({"max_condition": np.bool_(True)}, ValueError, r"max_condition=.*must be a number"),
    ({"tol": -1}, ValueError, r"tol=-1 must be a finite number >= 0"),
    ({"tol": float("nan")}, ValueError, r"tol=nan must be a finite number >= 0"),
])
def test_settings_that_are_not_numbers_or_out_of_range(settings, error, match):
    with pytest.raises(error, match=match):
        GaussianMixtureEM(**settings)


@pytest.mark.parametrize("call, error, match", [
    (lambda em: em.run(tol=-1), ValueError, r"tol=-1 must be a finite number >= 0"),
    (lambda em: em.run(tol=float("nan")), ValueError, r"tol=nan must be a finite"),
    (lambda em: em.run(max_iter=2.5), TypeError, r"max_iter=2.5 must be a whole number"),
    (lambda em: em.run(max_iter="abc"), TypeError, r"max_iter='abc' must be a whole number"),
    (lambda em: em.sample(2.5), TypeError, r"n_samples=2.5 must be a whole number"),
    (lambda em: em.sample("3"), TypeError, r"n_samples='3' must be a whole number"),
    (lambda em: em.sample(True), TypeError, r"n_samples=True must be a whole number"),
    (lambda em: em.sample(0), ValueError, r"n_samples=0 must be >= 1"),
    (lambda em: em.rewind(True), TypeError, r"iteration=True must be a whole number"),
    (lambda em: em.rewind(1.5), TypeError, r"iteration=1.5 must be a whole number"),
    (lambda em: em.rewind(99), ValueError, r"iteration=99 is not in the history"),
    (lambda em: em.predict(3.0), ValueError, r"X must be 2-D"),
    (lambda em: em.predict(np.full((1, 2), np.nan)), ValueError,
     r"X holds 2 NaN or infinite value\(s\), the first at row 0, column 0"),
    (lambda em: em.predict_proba([[0.0, np.inf]]), ValueError, r"X holds 1 NaN"),
    (lambda em: em.score_samples(np.zeros((1, 3))), ValueError,
     r"X must have shape \(n, 2\), the model's 2 feature\(s\); got \(1, 3\)"),
    (lambda em: em.predict(np.zeros((5, 3))), ValueError, r"X must have shape \(n, 2\)"),
    (lambda em: em.predict(np.zeros((0, 2))), ValueError, r"at least 1 rows"),
    (lambda em: em.predict(X + 1j), ValueError, r"X must hold real numbers; it holds complex"),
    (lambda em: em.predict(np.array([["2020-01-01", "2020-01-02"]], dtype="datetime64[D]")),
     ValueError, r"X must hold real numbers; it holds dates"),
    (lambda em: em.predict(np.array([[1, None]], dtype=object)), ValueError,
     r"X must hold real numbers; it holds Python objects"),
])
def test_calls_refused_naming_the_parameter(fitted, call, error, match):
    before = len(fitted.history)
    with pytest.raises(error, match=match):
        call(fitted)
    assert len(fitted.history) == before  # nothing happened
    assert fitted.tol == 1e-3


@pytest.mark.parametrize("data, match", [
    (X + 1j, "X must hold real numbers; it holds complex numbers"),
    (np.arange(40).astype("datetime64[s]").reshape(20, 2), "X must hold real numbers; it "
                                                          "holds dates"),
    (np.arange(40).astype("timedelta64[s]").reshape(20, 2), "holds time differences"),
    (X.astype(object), "X must hold real numbers; it holds Python objects"),
])
def test_data_that_are_not_real_numbers(data, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixtureEM(1).initialize(data)


def test_one_row_is_predicted_like_many(fitted):
    one = fitted.predict(X[:1])
    assert one.shape == (1,) and one[0] == fitted.predict(X)[0]
    assert fitted.score_samples(X[3:4])[0] == pytest.approx(fitted.score_samples(X)[3],
                                                            rel=1e-12)


def test_changing_the_callers_array_after_initialize_changes_nothing():
    mine = X.copy()
    em = GaussianMixtureEM(n_components=2, random_state=0)
    em.initialize(mine)
    reference = GaussianMixtureEM(n_components=2, random_state=0)
    reference.initialize(X.copy())
    mine[:] = 1000.0  # the caller reuses its buffer
    step, expected = em.step(), reference.step()
    np.testing.assert_array_equal(step.means, expected.means)
    assert step.log_likelihood == expected.log_likelihood
    assert not em.X.flags.writeable
    with pytest.raises(ValueError):
        em.X[0, 0] = 1.0  # nor can anyone change the engine's own copy


def test_a_read_only_float64_array_is_kept_as_it_is():
    frozen = np.ascontiguousarray(X)
    frozen.setflags(write=False)
    em = GaussianMixtureEM(n_components=2, random_state=0)
    em.initialize(frozen)
    assert em.X is frozen
    # a read-only view of a writable array could still change: copied
    base = X.copy()
    view = base.view()
    view.setflags(write=False)
    em.initialize(view)
    assert em.X is not view
    # as are writable, Fortran-ordered or float32 arrays
    for other in (X.copy(), np.asfortranarray(X), X.astype(np.float32)):
        em.initialize(other)
        assert em.X is not other and em.X.dtype == np.float64 and em.X.flags.c_contiguous
