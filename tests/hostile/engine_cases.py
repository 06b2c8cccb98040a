"""The engine's API with hostile arguments: each refused with a ValueError or
TypeError naming the parameter, or giving exactly the right answer."""

from __future__ import annotations

import numpy as np

from .case import LOADS, REFUSED, Case, blobs

N = 40


def fitted(**settings):
    from gmm_explorer.engine import GaussianMixtureEM
    em = GaussianMixtureEM(n_components=2, random_state=0, **settings)
    em.initialize(blobs())
    em.step()
    return em


def engine(name, call, expect=REFUSED, match="", shape=None) -> Case:
    return Case(name, "engine", lambda folder: call, entry="engine", expect=expect,
                match=match, shape=shape)


def settings(name, match, **kwargs) -> Case:
    def call():
        from gmm_explorer.engine import GaussianMixtureEM
        em = GaussianMixtureEM(**dict({"n_components": 2}, **kwargs))
        em.initialize(blobs())
        return em.step().means.shape
    return engine(name, call, match=match)


def with_x(name, X, match) -> Case:
    def call():
        from gmm_explorer.engine import GaussianMixtureEM
        em = GaussianMixtureEM(n_components=2, random_state=0)
        return em.initialize(X() if callable(X) else X).means.shape
    return engine(name, call, match=match)


def on_fitted(name, action, match="", expect=REFUSED, shape=None) -> Case:
    return engine(name, lambda: action(fitted()), expect=expect, match=match, shape=shape)


def _kept_copy():
    """Changing the caller's X after initialize() changes nothing the engine does."""
    from gmm_explorer.engine import GaussianMixtureEM
    X = blobs()
    one = GaussianMixtureEM(n_components=2, random_state=0)
    one.initialize(X.copy())
    two = GaussianMixtureEM(n_components=2, random_state=0)
    two.initialize(X)
    X[:] = 0.0
    a, b = one.step(), two.step()
    if not np.array_equal(a.means, b.means):
        raise AssertionError("the engine used the caller's changed array")
    return (N, 2)


def cases() -> list[Case]:
    text = np.array([["a", "b"]] * N)
    return [
        settings("engine_reg_covar_true", r"reg_covar", reg_covar=True),
        settings("engine_reg_covar_negative", r"reg_covar", reg_covar=-1.0),
        settings("engine_reg_covar_nan", r"reg_covar", reg_covar=float("nan")),
        settings("engine_components_zero", r"n_components", n_components=0),
        settings("engine_components_true", r"n_components", n_components=True),
        settings("engine_components_float", r"n_components", n_components=2.5),
        settings("engine_max_condition_nan", r"max_condition", max_condition=float("nan")),
        settings("engine_covariance_type_bogus", r"covariance_type", covariance_type="x"),
        settings("engine_on_collapse_bogus", r"on_collapse", on_collapse="explode"),
        settings("engine_init_bogus", r"init", init="magic"),
        with_x("engine_x_complex", blobs().astype(complex), r"X.*complex"),
        with_x("engine_x_datetime", np.zeros((N, 2), "datetime64[s]"), r"X"),
        with_x("engine_x_text", text, r"X"),
        with_x("engine_x_object", blobs().astype(object), r"X"),
        with_x("engine_x_three_d", np.zeros((4, 5, 2)), r"X"),
        with_x("engine_x_empty", np.zeros((0, 2)), r"X"),
        with_x("engine_x_nan", np.where(np.eye(N, 2) > 0, np.nan, blobs()), r"X.*(NaN|finite)"),
        with_x("engine_x_inf", np.where(np.eye(N, 2) > 0, np.inf, blobs()), r"X.*(inf|finite)"),
        on_fitted("engine_run_tol_negative", lambda em: em.run(tol=-1), r"tol"),
        on_fitted("engine_run_tol_nan", lambda em: em.run(tol=float("nan")), r"tol"),
        on_fitted("engine_run_max_iter_text", lambda em: em.run(max_iter="3"), r"max_iter"),
        on_fitted("engine_predict_one_nan_row",
                  lambda em: em.predict(np.array([[np.nan, 1.0]])), r"X.*(NaN|finite)"),
        on_fitted("engine_predict_wrong_columns", lambda em: em.predict(np.zeros((3, 3))),
                  r"X.*(3|columns|features)"),
        on_fitted("engine_predict_scalar", lambda em: em.predict(3.0), r"X"),
        on_fitted("engine_predict_one_row", lambda em: em.predict(np.zeros((1, 2))).shape
                  + (2,), expect=LOADS, shape=(1, 2)),
        on_fitted("engine_score_samples_complex",
                  lambda em: em.score_samples(np.zeros((3, 2), complex)), r"X.*complex"),
        on_fitted("engine_sample_fraction", lambda em: em.sample(2.5), r"n_samples"),
        on_fitted("engine_sample_text", lambda em: em.sample("3"), r"n_samples"),
        on_fitted("engine_sample_negative", lambda em: em.sample(-1), r"n_samples"),
        on_fitted("engine_rewind_true", lambda em: em.rewind(True), r"iteration"),
        on_fitted("engine_rewind_fraction", lambda em: em.rewind(1.5), r"iteration"),
        on_fitted("engine_rewind_beyond", lambda em: em.rewind(99), r"iteration|99"),
        engine("engine_keeps_its_own_copy", _kept_copy, expect=LOADS, shape=(N, 2)),
    ]
