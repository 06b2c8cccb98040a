"""Hostile model files for ``predict``: JSON nested or truncated, wrong types,
wrong standardization, bad numbers, duplicate names, extreme means."""

from __future__ import annotations

import json

import numpy as np

from .case import LOADS, REFUSED, Case, csv_text, good_model, unchanged, write

N = 40


def model_case(name, change=None, raw=None, expect=REFUSED, match=r"m\.json", data=None,
               extra=()) -> Case:
    """``predict d.csv -m m.json`` with a model changed by ``change`` (or ``raw`` text)."""
    def build(folder):
        data_path = write(folder, "d.csv", data or csv_text())
        if raw is not None:
            body = raw
        else:
            model = good_model()
            if change is not None:
                change(model)
            body = json.dumps(model)
        model_path = write(folder, "m.json", body)
        return ["predict", str(data_path), "-m", str(model_path), "-q", *extra]
    return Case(name, "model", build, expect=expect, shape=(N, None), match=match)


def setter(key, value):
    def change(m):
        m[key] = value
    return change


def nested(n):
    return "[" * n + "]" * n


def cases() -> list[Case]:
    sd = {"center": [0.0, 0.0], "scale": [1.0, 1.0]}
    c = [
        model_case("model_good", expect=LOADS),
        model_case("model_good_standardized", setter("standardization", sd), expect=LOADS),
        model_case("model_empty", raw=""),
        model_case("model_not_json", raw="this is not json"),
        model_case("model_truncated_json", raw=json.dumps(good_model())[:200]),
        model_case("model_top_level_list", raw="[1, 2, 3]"),
        model_case("model_nested_100000", raw=nested(100_000)),
        model_case("model_nested_in_field", raw=json.dumps(good_model())[:-1]
                   + ', "extra": ' + nested(100_000) + "}"),
        model_case("model_utf16", raw=json.dumps(good_model()).encode("utf-16"),
                   match=r"m\.json.*UTF-8"),
        model_case("model_binary", raw=np.random.RandomState(0).bytes(500)),
        # every field a model needs is there and checked: the name of the format adds nothing
        model_case("model_other_format_name", setter("format", "something else"), expect=LOADS),
        model_case("model_no_format_field", lambda m: m.pop("format"), expect=LOADS),
        model_case("model_future_version", setter("format_version", 99),
                   match=r"m\.json.*newer.*format 99"),
        model_case("model_feature_names_number", setter("feature_names", 5),
                   match=r"m\.json.*feature_names"),
        model_case("model_feature_names_duplicate", setter("feature_names", ["a", "a"]),
                   match=r"m\.json.*(duplicate|twice|unique).*|a.*twice"),
        model_case("model_feature_names_unknown", setter("feature_names", ["x", "y"]),
                   match=r"\bx\b"),
        model_case("model_standardization_list", setter("standardization", [1, 2]),
                   match=r"m\.json.*standardization"),
        model_case("model_standardization_no_scale", setter("standardization",
                                                            {"center": [0.0, 0.0]}),
                   match=r"m\.json.*(standardization|scale)"),
        model_case("model_standardization_text", setter("standardization",
                                                        {"center": "a", "scale": "b"}),
                   match=r"m\.json.*(standardization|center|scale)"),
        model_case("model_standardization_short", setter("standardization",
                                                         {"center": [0.0], "scale": [1.0]}),
                   match=r"m\.json.*(standardization|center|scale)"),
        model_case("model_standardization_zero_scale", setter(
            "standardization", {"center": [0.0, 0.0], "scale": [0.0, 1.0]}),
            match=r"m\.json.*scale"),
        model_case("model_standardization_negative", setter(
            "standardization", {"center": [0.0, 0.0], "scale": [-1.0, 1.0]}),
            match=r"m\.json.*scale"),
        model_case("model_log_likelihood_text", setter("log_likelihood", "abc"),
                   match=r"m\.json.*log_likelihood"),
        model_case("model_means_1e308", setter("means", [[1e308, 1e308], [6.0, 6.0]]),
                   match=r"m\.json.*means"),
        model_case("model_means_nan", raw=json.dumps(good_model()).replace(
            '"means": [[0.0, 0.0]', '"means": [[NaN, 0.0]'), match=r"m\.json.*means"),
        model_case("model_means_1e400", raw=json.dumps(good_model()).replace(
            '"means": [[0.0, 0.0]', '"means": [[1e400, 0.0]'), match=r"m\.json.*means"),
        model_case("model_means_true", setter("means", [[True, 0.0], [6.0, 6.0]]),
                   match=r"m\.json.*means"),
        model_case("model_means_null", setter("means", [[None, 0.0], [6.0, 6.0]]),
                   match=r"m\.json.*means"),
        model_case("model_means_wrong_shape", setter("means", [[0.0, 0.0]]),
                   match=r"m\.json.*means"),
        model_case("model_weights_negative", setter("weights", [-0.5, 1.5]),
                   match=r"m\.json.*weights"),
        model_case("model_weights_sum_2", setter("weights", [1.0, 1.0]),
                   match=r"m\.json.*weights"),
        model_case("model_weights_text", setter("weights", "half"),
                   match=r"m\.json.*weights"),
        model_case("model_covariance_not_pd", setter(
            "covariances", [[[1.0, 2.0], [2.0, 1.0]], np.eye(2).tolist()]),
            match=r"m\.json.*covarian"),
        model_case("model_covariance_asymmetric", setter(
            "covariances", [[[1.0, 0.5], [0.0, 1.0]], np.eye(2).tolist()]),
            match=r"m\.json.*covarian"),
        model_case("model_covariance_wrong_shape", setter("covariances", [[1.0], [1.0]]),
                   match=r"m\.json.*covarian"),
        model_case("model_covariance_type_bogus", setter("covariance_type", "banana"),
                   match=r"m\.json.*covariance_type|banana"),
        model_case("model_n_components_lies", setter("n_components", 3),
                   match=r"m\.json.*n_components|components"),
        model_case("model_n_features_lies", setter("n_features", 3),
                   match=r"m\.json.*(n_features|features)"),
        model_case("model_three_features_for_two_columns", _three_features,
                   match=r"\bc\b|3 features|columns"),
        model_case("model_missing_means", lambda m: m.pop("means"), match=r"m\.json.*means"),
        model_case("model_is_a_zip", raw=b"PK\x05\x06" + bytes(18)),
        model_case("model_data_has_nan", data=csv_text().replace("\n1", "\nnan", 1),
                   expect=REFUSED, match=r"d\.csv.*(NaN|missing)"),
        model_case("model_data_nan_dropped", data=csv_text().replace("\n1", "\nnan", 1),
                   extra=("--drop-missing",), expect=LOADS),
    ]
    c[-1] = Case(c[-1].name, c[-1].kind, c[-1].build, expect=LOADS, shape=(N - 1, None))
    c.append(Case("model_is_a_folder", "model", _model_folder, expect=REFUSED,
                  match=r"folder|directory"))
    c.append(Case("model_missing_file", "model", _model_missing, expect=REFUSED,
                  match=r"nope\.json"))
    c.append(Case("predict_output_is_model", "write", _output_is_model, expect=REFUSED,
                  match=r"m\.json", after=_model_kept))
    return c


def _three_features(m):
    m.update(feature_names=["a", "b", "c"], n_features=3,
             means=[[0.0] * 3, [6.0] * 3], covariances=[np.eye(3).tolist()] * 2)


def _model_folder(folder):
    (folder / "m.json").mkdir()
    return ["predict", str(write(folder, "d.csv", csv_text())), "-m", str(folder / "m.json")]


def _model_missing(folder):
    return ["predict", str(write(folder, "d.csv", csv_text())), "-m", str(folder / "nope.json")]


GOOD_MODEL = json.dumps(good_model()).encode()


def _output_is_model(folder):
    model = write(folder, "m.json", GOOD_MODEL)
    return ["predict", str(write(folder, "d.csv", csv_text())), "-m", str(model), "-q",
            "-o", str(model)]


def _model_kept(folder):
    return unchanged(folder / "m.json", GOOD_MODEL)(folder)
