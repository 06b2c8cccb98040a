"""One vocabulary and one settings record: defined once, validated by the engine's own checks."""

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from gmm_explorer.data import DataError, read_model
from gmm_explorer.data.model_file import build_model_dict, write_json_atomic
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.options import (
    COLLAPSE_POLICIES, COVARIANCE_TYPES, INIT_METHODS, PRIORS, ModelSettings,
)

PACKAGE = Path(__file__).resolve().parents[2] / "gmm_explorer"
X = np.random.RandomState(0).randn(30, 2)


@pytest.mark.parametrize("vocabulary", [COVARIANCE_TYPES, INIT_METHODS, COLLAPSE_POLICIES,
                                        PRIORS])
def test_the_vocabulary_is_written_in_one_module(vocabulary):
    words = [w for w in vocabulary if w is not None]
    # a tuple or list literal holding every word of the vocabulary, in any order
    item = r"(?:None|['\"][\w+-]+['\"])"
    literal = re.compile(rf"[(\[]\s*(?:{item}\s*,\s*)+{item}\s*,?\s*[)\]]")
    copies = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "options.py":
            continue
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            found = set(re.findall(r"['\"]([\w+-]+)['\"]", match.group()))
            if set(words) <= found:
                copies.append(f"{path.relative_to(PACKAGE)}: {match.group()}")
    assert copies == []


@pytest.mark.parametrize("name, vocabulary", [
    ("covariance_type", COVARIANCE_TYPES), ("init", INIT_METHODS),
    ("on_collapse", COLLAPSE_POLICIES), ("prior", PRIORS),
])
def test_the_engine_and_the_record_accept_exactly_the_vocabulary(name, vocabulary):
    for value in vocabulary:
        assert getattr(GaussianMixtureEM(2, **{name: value}), name) == value
        assert getattr(ModelSettings(**{name: value}), name) == value
    with pytest.raises(ValueError) as engine_error:
        GaussianMixtureEM(2, **{name: "other"})
    with pytest.raises(ValueError) as record_error:
        ModelSettings(**{name: "other"})
    assert str(record_error.value) == str(engine_error.value)
    assert all(repr(v) in str(engine_error.value) for v in vocabulary)


@pytest.mark.parametrize("settings", [
    {"n_components": 0}, {"n_components": 2.5}, {"n_components": True},
    {"reg_covar": -1}, {"reg_covar": float("nan")}, {"max_condition": 0.5},
    {"max_condition": float("inf")}, {"covariance_type": "full", "init": "kmeans+"},
])
def test_the_record_refuses_what_the_engine_refuses_with_its_words(settings):
    with pytest.raises(ValueError) as engine_error:
        GaussianMixtureEM(**{"n_components": 3, **settings})
    with pytest.raises(ValueError) as record_error:
        ModelSettings(**settings)
    assert str(record_error.value) == str(engine_error.value)


def test_the_records_defaults_are_the_windows():
    settings = ModelSettings()
    assert (settings.n_components, settings.init, settings.reg_covar,
            settings.random_state) == (10, "k-means++", 1e-6, 0)
    assert GaussianMixtureEM().n_components == 1  # the engine keeps its own defaults


def test_the_record_normalises_numbers_so_equal_settings_are_equal():
    a = ModelSettings(n_components=np.int64(3), reg_covar=0, max_condition=np.float32(1e8),
                      random_state=np.int32(5))
    b = ModelSettings(n_components=3, reg_covar=0.0, max_condition=float(np.float32(1e8)),
                      random_state=5)
    assert a == b and hash(a) == hash(b)
    assert type(a.n_components) is int and type(a.random_state) is int
    assert type(a.reg_covar) is float and type(a.max_condition) is float
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.n_components = 4  # type: ignore[misc]


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0", True, np.random.RandomState(0)])
def test_the_record_keeps_a_seed_or_none(seed):
    with pytest.raises(ValueError, match="random_state=.* must be None or a whole number"):
        ModelSettings(random_state=seed)
    assert ModelSettings(random_state=None).random_state is None


def test_the_record_builds_the_engine_it_describes():
    settings = ModelSettings(n_components=2, covariance_type="diag", prior="conjugate",
                             on_collapse="remove", random_state=3)
    em = GaussianMixtureEM(**settings.engine_kwargs())
    params = em.get_params()
    assert {k: params[k] for k in settings.engine_kwargs()} == settings.engine_kwargs()
    a = em.initialize(X)
    b = GaussianMixtureEM(**settings.engine_kwargs()).initialize(X)
    np.testing.assert_array_equal(a.means, b.means)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_model_files_take_every_covariance_type_and_no_other(tmp_path, covariance_type):
    content = build_model_dict([1.0], [[0.0, 0.0]], [np.eye(2)], covariance_type)
    write_json_atomic(tmp_path / "m.json", content)
    assert read_model(tmp_path / "m.json")["covariance_type"] == covariance_type
    with pytest.raises(ValueError, match=", ".join(COVARIANCE_TYPES)):
        build_model_dict([1.0], [[0.0, 0.0]], [np.eye(2)], "round")
    write_json_atomic(tmp_path / "bad.json", {**content, "covariance_type": "round"})
    with pytest.raises(DataError, match=", ".join(COVARIANCE_TYPES)):
        read_model(tmp_path / "bad.json")
