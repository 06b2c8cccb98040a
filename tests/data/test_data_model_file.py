"""Model files: exact round trips, standard JSON, atomic writes, scikit-learn export."""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from gmm_explorer.data import (
    DataError,
    load_data,
    load_model,
    read_model,
    save_model,
    to_sklearn,
)
from gmm_explorer.data.model_file import build_model_dict, write_json_atomic
from gmm_explorer.engine import GaussianMixtureEM

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
TYPES = ("full", "tied", "diag", "spherical")


@pytest.fixture(scope="module")
def iris():
    return load_data(RESOURCES / "iris.csv").X


def fitted(X, covariance_type, k=3):
    em = GaussianMixtureEM(n_components=k, covariance_type=covariance_type, init="kmeans",
                           random_state=0)
    em.initialize(X)
    em.run(max_iter=30)
    return em


@pytest.mark.parametrize("covariance_type", TYPES)
def test_round_trip_is_exact(tmp_path, iris, covariance_type):
    em = fitted(iris, covariance_type)
    state = em.state
    path = tmp_path / "model.json"
    content = save_model(path, em, provenance={"data_file": "iris.csv",
                                                "columns": ["a", "b", "c", "d"]})
    info = read_model(path)
    for key in ("weights", "means", "covariances"):
        np.testing.assert_array_equal(info[key], getattr(state, key))
    assert info["log_likelihood"] == state.log_likelihood
    assert info["n_iter"] == state.iteration and info["converged"] == state.converged
    assert info["covariance_type"] == covariance_type
    assert info["n_samples"] == 150
    assert info["bic"] == pytest.approx(em.bic(), rel=1e-12)
    assert info["aic"] == pytest.approx(em.aic(), rel=1e-12)
    assert content["provenance"]["version"] and content["provenance"]["settings"]["init"] == \
        "kmeans"
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict_proba(iris), em.predict_proba(iris),
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(loaded.score_samples(iris), em.score_samples(iris), rtol=1e-12)
    # Saved again, the file is the same text.
    save_model(tmp_path / "again.json", {**read_model(path)})
    again = read_model(tmp_path / "again.json")
    for key in ("weights", "means", "covariances"):
        np.testing.assert_array_equal(again[key], info[key])


def test_file_is_standard_json_and_has_the_fields(tmp_path, iris):
    path = tmp_path / "m.json"
    save_model(path, fitted(iris, "full"), provenance={"data_file": "iris.csv"})

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    content = json.loads(path.read_text(), parse_constant=no_constants)
    for key in ("weights", "means", "covariances", "covariance_type", "log_likelihood",
                "n_iter", "converged", "bic", "aic", "provenance", "feature_names"):
        assert key in content
    assert np.asarray(content["covariances"]).shape == (3, 4, 4)
    assert content["provenance"]["program"] == "gmm-explorer"


def test_non_finite_metadata_round_trips(tmp_path):
    content = build_model_dict([1.0], [[0.0, 0.0]], [np.eye(2)], "full",
                               log_likelihood=float("inf"), n_samples=10)
    write_json_atomic(tmp_path / "m.json", content)
    assert '"inf"' in (tmp_path / "m.json").read_text()
    assert read_model(tmp_path / "m.json")["log_likelihood"] == float("inf")


def test_non_finite_parameters_are_not_saved():
    with pytest.raises(ValueError, match="NaN or infinite"):
        build_model_dict([1.0], [[np.nan, 0.0]], [np.eye(2)], "full")


def test_write_is_atomic(tmp_path, iris):
    path = tmp_path / "m.json"
    path.write_text("old")
    save_model(path, fitted(iris, "diag"))
    assert read_model(path)["covariance_type"] == "diag"
    assert sorted(os.listdir(tmp_path)) == ["m.json"]  # no temporary file left
    with pytest.raises(DataError, match="folder does not exist"):
        save_model(tmp_path / "missing" / "m.json", fitted(iris, "diag"))


@pytest.mark.parametrize("text, words", [
    ("{not json", "not valid JSON"),
    ('{"a": 1}', "not a GMM Explorer model file"),
    ('{"format": "gmm-explorer model", "format_version": 99, "covariance_type": "full", '
     '"weights": [1], "means": [[0]], "covariances": [[[1]]]}', "newer"),
    ('{"format": "gmm-explorer model", "covariance_type": "full", "weights": [1], '
     '"means": [[0, 1]], "covariances": [[[1]]]}', r"covariances must have shape \(1, 2, 2\)"),
    ('{"format": "gmm-explorer model", "covariance_type": "round", "weights": [1], '
     '"means": [[0]], "covariances": [[[1]]]}', "covariance_type"),
    ('{"format": "gmm-explorer model", "covariance_type": "full", "weights": [1], '
     '"means": [[0]], "covariances": [[[-1]]]}', r"covariances\[0\] is not positive definite"),
])
def test_bad_model_files(tmp_path, text, words):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(DataError, match=words) as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_missing_model_file(tmp_path):
    with pytest.raises(DataError, match="no such model file"):
        read_model(tmp_path / "nope.json")


@pytest.mark.parametrize("covariance_type", TYPES)
def test_to_sklearn_gives_the_same_model(tmp_path, iris, covariance_type):
    em = fitted(iris, covariance_type)
    path = tmp_path / "m.json"
    save_model(path, em)
    for source in (path, load_model(path), em):
        gm = to_sklearn(source)
        np.testing.assert_allclose(gm.predict_proba(iris), em.predict_proba(iris), atol=1e-12)
        np.testing.assert_array_equal(gm.predict(iris), em.predict(iris))
        np.testing.assert_allclose(gm.score_samples(iris), em.score_samples(iris), rtol=1e-11)
        assert gm.bic(iris) == pytest.approx(em.bic(), rel=1e-11)
        assert gm.aic(iris) == pytest.approx(em.aic(), rel=1e-11)
        gm.sample(5)


def test_to_sklearn_without_sklearn_says_how_to_install(tmp_path, iris, monkeypatch):
    path = tmp_path / "m.json"
    save_model(path, fitted(iris, "full"))
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.mixture", None)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        to_sklearn(path)


def test_a_loaded_model_saves_and_exports_as_it_was_read(tmp_path, iris):
    em = fitted(iris, "diag")
    path = tmp_path / "m.json"
    save_model(path, em, provenance={"data_file": "iris.csv"})
    loaded = load_model(path)
    assert loaded.state is None and loaded.model_info["covariance_type"] == "diag"
    content = save_model(tmp_path / "again.json", loaded)
    assert content["provenance"]["data_file"] == "iris.csv"
    assert content["n_samples"] == 150
    np.testing.assert_array_equal(read_model(tmp_path / "again.json")["means"], em.state.means)
    gm = to_sklearn(em.state)  # a state exports without its engine
    np.testing.assert_array_equal(gm.means_, em.state.means)
    with pytest.raises(TypeError, match="expected a model file path"):
        to_sklearn(42)
    with pytest.raises(ValueError, match="no parameters"):
        to_sklearn(GaussianMixtureEM(2))
    assert GaussianMixtureEM(2).model_info is None
