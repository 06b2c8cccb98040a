"""gmm_explorer.sklearn.GaussianMixture: scikit-learn's estimator API over the engine."""

import json
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn import mixture
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from gmm_explorer.datasets import load_builtin, seed_scene
from gmm_explorer.engine import SingularCovarianceError
from gmm_explorer.sklearn import GaussianMixture

RTOL = 1e-8
TYPES = ["full", "tied", "diag", "spherical"]

CHECKS = """
import json
from sklearn.utils.estimator_checks import check_estimator
from gmm_explorer.sklearn import GaussianMixture
results = check_estimator(GaussianMixture(), on_fail=None)
print(json.dumps([[r["check_name"], r["status"], repr(r["exception"])] for r in results]))
"""


def test_passes_every_sklearn_estimator_check():
    """Every check of check_estimator passes. SCIPY_ARRAY_API=1 (read by scipy at import,
    hence a fresh interpreter) lets scikit-learn run check_array_api_input too, which
    it skips otherwise."""
    out = subprocess.run([sys.executable, "-c", CHECKS], capture_output=True, text=True,
                         env={**__import__("os").environ, "SCIPY_ARRAY_API": "1"},
                         timeout=600)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(results) > 30
    assert [r for r in results if r[1] != "passed"] == []
    assert "check_array_api_input" in {r[0] for r in results}


def blobs(seed=0, dim=2):
    rng = np.random.RandomState(seed)
    return np.vstack([rng.randn(150, dim) + 6, rng.randn(150, dim) @ np.eye(dim) * 1.5,
                      0.5 * rng.randn(100, dim) - 5])


def start(X, covariance_type, seed, k=3):
    """A start in scikit-learn's terms: weights, means and precisions."""
    rng = np.random.RandomState(seed)
    D = X.shape[1]
    weights = rng.dirichlet(np.full(k, 5.0))
    means = X[rng.choice(len(X), k, replace=False)]
    variances = rng.uniform(0.5, 3.0, size=k)
    precisions = {
        "full": np.array([np.linalg.inv(np.eye(D) * v + 0.2) for v in variances]),
        "tied": np.linalg.inv(np.eye(D) * variances[0] + 0.2),
        "diag": 1.0 / np.outer(variances, np.arange(1, D + 1)),
        "spherical": 1.0 / variances,
    }[covariance_type]
    return dict(weights_init=weights, means_init=means, precisions_init=precisions)


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("tol", [1e-1, 1e-3, 1e-7])
@pytest.mark.parametrize("seed", [0, 1])
def test_same_start_same_fit_as_sklearn(covariance_type, tol, seed):
    X = blobs(seed, dim=3)
    init = start(X, covariance_type, seed)
    ours = GaussianMixture(3, covariance_type=covariance_type, tol=tol, max_iter=300,
                           **init).fit(X)
    theirs = mixture.GaussianMixture(3, covariance_type=covariance_type, tol=tol,
                                     max_iter=300, **init).fit(X)
    assert theirs.converged_
    assert ours.n_iter_ == theirs.n_iter_ and ours.converged_ == theirs.converged_
    for name in ("weights_", "means_", "covariances_", "precisions_",
                 "precisions_cholesky_"):
        expected = getattr(theirs, name)
        assert getattr(ours, name).shape == expected.shape, name
        np.testing.assert_allclose(getattr(ours, name), expected, rtol=RTOL,
                                   atol=RTOL * np.abs(expected).max(), err_msg=name)
    np.testing.assert_allclose(ours.lower_bound_, theirs.lower_bound_, rtol=RTOL)
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=RTOL)
    new = blobs(seed + 10, dim=3)
    np.testing.assert_allclose(ours.predict_proba(new), theirs.predict_proba(new),
                               rtol=1e-6, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(new), theirs.predict(new))
    np.testing.assert_allclose(ours.score_samples(new), theirs.score_samples(new), rtol=RTOL)
    np.testing.assert_allclose(ours.score(new), theirs.score(new), rtol=RTOL)
    np.testing.assert_allclose(ours.bic(new), theirs.bic(new), rtol=RTOL)
    np.testing.assert_allclose(ours.aic(new), theirs.aic(new), rtol=RTOL)


def test_max_iter_reached_warns_and_is_not_converged_as_sklearn():
    X = blobs(3)
    init = start(X, "full", 3)
    with pytest.warns(ConvergenceWarning):
        ours = GaussianMixture(3, tol=1e-9, max_iter=4, **init).fit(X)
    with pytest.warns(ConvergenceWarning):
        theirs = mixture.GaussianMixture(3, tol=1e-9, max_iter=4, **init).fit(X)
    assert (ours.n_iter_, ours.converged_) == (theirs.n_iter_, theirs.converged_) == (4, False)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=RTOL)


def test_warm_start_continues_as_sklearn():
    X = blobs(4)
    init = start(X, "diag", 4)
    runs = []
    for cls in (GaussianMixture, mixture.GaussianMixture):
        model = cls(3, covariance_type="diag", tol=1e-3, max_iter=3, warm_start=True, **init)
        seen = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for _ in range(6):
                model.fit(X)
                seen.append((model.n_iter_, model.converged_))
        runs.append((seen, model.means_))
    assert runs[0][0] == runs[1][0]
    # the fit that converges on its first M-step compared it with the last fit's bound
    assert (1, True) in runs[0][0]
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=RTOL)


def test_best_of_n_init_reaches_the_known_maximum():
    """Old Faithful: mclust's -1130.264 for two full components."""
    X = load_builtin("faithful").X
    model = GaussianMixture(2, n_init=5, tol=1e-8, max_iter=500, random_state=0).fit(X)
    assert model.score(X) * len(X) == pytest.approx(-1130.264, abs=1e-3)
    assert model.n_features_in_ == 2 and model.history_[0].iteration == 0
    assert model.history_[-1].iteration == model.n_iter_
    assert model.component_status_ == ("ok", "ok") and model.collapse_ is None
    assert model.condition_numbers_.shape == (2,)
    # the same random_state, the same fit
    again = GaussianMixture(2, n_init=5, tol=1e-8, max_iter=500, random_state=0).fit(X)
    np.testing.assert_array_equal(again.means_, model.means_)


def test_pipeline_and_grid_search_choose_the_number_of_components():
    X = blobs(5)
    pipe = make_pipeline(StandardScaler(), GaussianMixture(covariance_type="full",
                                                           random_state=0))
    folds = KFold(3, shuffle=True, random_state=0)  # the rows come blob by blob
    search = GridSearchCV(pipe, {"gaussianmixture__n_components": [1, 2, 3, 4]}, cv=folds)
    search.fit(X)
    # held-out log-likelihood: three blobs beat one or two
    assert search.best_params_["gaussianmixture__n_components"] >= 3
    scores = search.cv_results_["mean_test_score"]
    assert scores[2] > scores[1] > scores[0]
    labels = search.best_estimator_.predict(X)
    assert labels.shape == (len(X),)


def test_clone_and_pickle_round_trip():
    X = blobs(6)
    model = GaussianMixture(3, covariance_type="tied", prior="conjugate", random_state=1,
                            on_collapse="remove", max_condition=1e10).fit(X)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and not hasattr(copy, "means_")
    back = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(back.covariances_, model.covariances_)
    assert back.n_iter_ == model.n_iter_ and len(back.history_) == len(model.history_)


def test_collapse_under_stop_raises_our_message():
    """The seed scene: ten components started at random integers, no ridge."""
    X, _ = seed_scene()
    model = GaussianMixture(10, reg_covar=0.0, init_params="random_integers", max_iter=50,
                            random_state=1)
    with pytest.raises(ValueError, match=r"Component \d+ collapsed at iteration \d+") as info:
        for seed in range(20):  # some seeds collapse within 20 iterations (DESIGN.md)
            model.set_params(random_state=seed).fit(X)
    assert isinstance(info.value, SingularCovarianceError)
    message = str(info.value)
    assert "reg_covar" in message and "prior='conjugate'" in message
    assert "rewind" not in message  # the engine's own advice; not the estimator's


def test_remedies_fit_the_same_scene():
    X, _ = seed_scene()
    settings = dict(n_components=10, reg_covar=0.0, init_params="random_integers",
                    max_iter=50, random_state=seed_that_collapses(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = GaussianMixture(**settings, prior="conjugate").fit(X)
        assert "singular" not in model.component_status_ and model.collapse_ is None
        assert np.all(np.isfinite(model.condition_numbers_))
        kept = GaussianMixture(**settings, on_collapse="remove").fit(X)
    assert kept.collapse_ is not None and kept.collapse_.action == "removed"
    assert kept.weights_.shape[0] < 10 and kept.covariances_.shape[0] == kept.weights_.shape[0]


def seed_that_collapses(X):
    for seed in range(20):
        try:
            GaussianMixture(10, reg_covar=0.0, init_params="random_integers", max_iter=50,
                            random_state=seed).fit(X)
        except SingularCovarianceError:
            return seed
        except ConvergenceWarning:
            pass
    raise AssertionError("no seed collapsed")


@pytest.mark.parametrize("settings, word", [
    (dict(covariance_type="round"), "covariance_type"),
    (dict(init_params="spectral"), "init"),
    (dict(reg_covar=-1.0), "reg_covar"),
    (dict(n_init=0), "n_init"),
    (dict(max_iter=-1), "max_iter"),
    (dict(tol=-1.0), "tol"),
    (dict(n_components=500), "n_components"),
])
def test_bad_settings_name_the_parameter(settings, word):
    with pytest.raises(ValueError, match=word):
        GaussianMixture(**settings).fit(blobs(8))


def test_sample_draws_from_the_fitted_mixture():
    X = blobs(9)
    model = GaussianMixture(3, random_state=0).fit(X)
    points, labels = model.sample(3000)
    assert points.shape == (3000, 2) and labels.shape == (3000,)
    np.testing.assert_allclose(np.bincount(labels, minlength=3) / 3000, model.weights_,
                               atol=0.03)
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_verbose_reports_starts_and_iterations(capsys):
    X = blobs(10)
    GaussianMixture(3, n_init=2, verbose=2, verbose_interval=1, random_state=0).fit(X)
    out = capsys.readouterr().out
    assert "Initialization 0: converged" in out and "Initialization 1: converged" in out
    assert "Initialization 1, iteration 1: objective" in out


def test_readme_example_runs(capsys):
    """README's "Use it from scikit-learn" example runs and prints what it says."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start_at = text.index("<!-- section: sklearn -->")
    section = text[start_at:text.index("<!-- section:", start_at + 10)]
    code = re.findall(r"```python\n(.+?)```", section, re.S)[0]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert re.match(r"\[[01] [01] [01] [01] [01]\] True \('ok', 'ok'\)", out), out
