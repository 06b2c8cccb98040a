"""Crafted model files, generated here: each refused with one line naming the file and
the field, never a traceback, never a wrong prediction."""

import json

import numpy as np
import pytest

from gmm_explorer.data import DataError, load_model, read_model
from gmm_explorer.data.model_file import build_model_dict


def _valid() -> dict:
    content = build_model_dict([0.4, 0.6], [[0.0, 0.0], [3.0, 1.0]],
                               [np.eye(2), [[2.0, 0.5], [0.5, 1.0]]], "full",
                               log_likelihood=-100.0, n_samples=50, n_iter=7, converged=True,
                               feature_names=["a", "b"])
    return json.loads(json.dumps(content))


def _with(**changes):
    content = _valid()
    for key, value in changes.items():
        if value is _DROP:
            del content[key]
        else:
            content[key] = value
    return content


_DROP = object()

CRAFTED = [
    ("feature_names_number", _with(feature_names=5), "feature_names must be a list of names"),
    ("feature_names_short", _with(feature_names=["a"]), "feature_names has 1 names for 2"),
    ("feature_names_twice", _with(feature_names=["a", "a"]),
     "feature_names names 'a' more than once"),
    ("standardization_list", _with(standardization=[1, 2]),
     "standardization must be an object with center and scale"),
    ("standardization_no_scale", _with(standardization={"center": [0, 0]}),
     "standardization.scale is missing"),
    ("standardization_text", _with(standardization={"center": [0, 0], "scale": ["a", "b"]}),
     "standardization.scale must be a 1-D array of numbers"),
    ("standardization_length", _with(standardization={"center": [0, 0], "scale": [1]}),
     "standardization.scale has 1 values for 2 features"),
    ("standardization_zero", _with(standardization={"center": [0, 0], "scale": [1, 0]}),
     "standardization.scale must be positive"),
    ("log_likelihood_text", _with(log_likelihood="abc"),
     "log_likelihood must be a number or null, not 'abc'"),
    ("log_likelihood_bool", _with(log_likelihood=True), "log_likelihood must be a number"),
    ("n_samples_negative", _with(n_samples=-3), "n_samples must be a whole number >= 0"),
    ("converged_text", _with(converged="yes"), "converged must be true, false or null"),
    ("means_huge", _with(means=[[1e308, 0.0], [-1e308, 0.0]]),
     "means holds values beyond 1e\\+150"),
    ("means_text", _with(means=[["a", "b"], ["c", "d"]]), "means must be a 2-D array"),
    ("means_bool", _with(means=[[True, False], [False, True]]), "means must be a 2-D array"),
    # numpy turns a true beside numbers into 1.0 without a word
    ("means_one_bool", _with(means=[[True, 0.0], [3.0, 1.0]]), "means holds true or false"),
    ("weights_one_bool", _with(weights=[False, 1.0]), "weights holds true or false"),
    ("covariance_one_bool", _with(covariances=[[[True, 0], [0, 1]], [[1, 0], [0, 1]]]),
     "covariances holds true or false"),
    ("means_ragged", _with(means=[[0.0], [1.0, 2.0]]), "means is not a regular array"),
    ("weights_null", _with(weights=[None, 1.0]), "weights must be a 1-D array"),
    ("weights_sum", _with(weights=[0.5, 0.6]), "weights must sum to 1"),
    ("covariance_indefinite", _with(covariances=[[[1, 0], [0, 1]], [[1, 2], [2, 1]]]),
     r"covariances\[1\] is not positive definite"),
    ("covariance_asymmetric", _with(covariances=[[[1, 0], [0, 1]], [[1, 0.5], [0, 1]]]),
     r"covariances\[1\] is not symmetric"),
    ("n_components_wrong", _with(n_components=3), "n_components is 3 but the means have 2"),
    ("format_version_text", _with(format_version="1"), "format_version '1' must be a whole"),
    ("provenance_list", _with(provenance=[]), "provenance must be an object"),
    ("reg_covar_text", _with(provenance={"settings": {"reg_covar": "x"}}),
     "provenance.settings.reg_covar must be a number"),
]


@pytest.mark.parametrize("name, content, words", CRAFTED, ids=[c[0] for c in CRAFTED])
def test_crafted_model_files_are_refused_naming_the_field(tmp_path, name, content, words):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(content))
    for reader in (read_model, load_model):
        with pytest.raises(DataError, match=words) as info:
            reader(path)
        message = str(info.value)
        assert message.startswith(str(path)) and "\n" not in message


def test_a_valid_file_passes_and_comes_back_exactly(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_valid()))
    info = read_model(path)
    assert info["feature_names"] == ["a", "b"] and info["log_likelihood"] == -100.0
    np.testing.assert_array_equal(info["means"], [[0.0, 0.0], [3.0, 1.0]])


def test_deeply_nested_json_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError, match="nested too deeply") as info:
        read_model(path)
    assert "\n" not in str(info.value)
