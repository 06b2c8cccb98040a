"""Crafted session files, generated here from a real one: each refused on open with one
line naming the file and the field, before anything uses it."""

import io
import json
import zipfile
from dataclasses import asdict

import numpy as np
import pytest

from gmm_explorer.data.session_file import SessionSnapshot, read_session, write_session
from gmm_explorer.data.session_codec import SessionFileError
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.options import ModelSettings

X = np.random.RandomState(1).randn(60, 2)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> bytes:
    model = ModelSettings(n_components=2)
    em = GaussianMixtureEM(**model.engine_kwargs())
    em.initialize(X)
    em.run(max_iter=3)
    path = tmp_path_factory.mktemp("sessions") / "good.gmmx"
    write_session(path, SessionSnapshot(model=asdict(model),
                                        run={"max_iter": 200, "tol": 1e-3, "delay": 0.25},
                                        X=X, feature_names=["a", "b"],
                                        history=list(em.history), current=2))
    return path.read_bytes()


def _rewritten(good: bytes, change_manifest=None, arrays=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json" and change_manifest is not None:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest)
            elif arrays and name in arrays:
                buf = io.BytesIO()
                np.save(buf, arrays[name])
                data = buf.getvalue()
            dst.writestr(name, data)
    return out.getvalue()


def _setter(*keys, value):
    def change(manifest):
        target = manifest
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


def _stopped_with_no_components(manifest):
    manifest["states"][-1]["collapse"] = {
        "components": [], "iteration": 3, "reason": "not positive definite",
        "action": "stopped", "effective_counts": [], "smallest_eigenvalues": [],
        "condition_numbers": [], "component_ids": []}


NAN_X = X.copy()
NAN_X[5, 1] = np.nan

CRAFTED = [
    ("max_iter_text", _setter("run", "max_iter", value="abc"), None,
     r"run holds a setting the window refuses \(max_iter='abc' must be a whole number"),
    ("max_iter_float", _setter("run", "max_iter", value=2.5), None, r"max_iter=2.5"),
    ("max_iter_zero", _setter("run", "max_iter", value=0), None, r"max_iter=0 must be >= 1"),
    ("delay_infinite", _setter("run", "delay", value="inf"), None,
     r"delay=inf must be a finite number >= 0"),
    ("tol_negative", _setter("run", "tol", value=-1), None, r"tol=-1 must be a finite"),
    ("tol_text", _setter("run", "tol", value="abc"), None, r"run.tol is 'abc', not a number"),
    ("run_unknown", _setter("run", "speed", value=3), None, r"run has unknown setting\(s\) speed"),
    ("reg_covar_bool", _setter("model", "reg_covar", value=True), None,
     r"model holds a setting the engine refuses \(reg_covar=True must be a number, not bool"),
    ("reg_covar_negative", _setter("model", "reg_covar", value=-1), None,
     r"model holds a setting the engine refuses \(reg_covar=-1"),
    ("covariance_type", _setter("model", "covariance_type", value="round"), None,
     r"covariance_type='round' is not allowed"),
    ("model_unknown", _setter("model", "colour", value="red"), None,
     r"model has unknown setting\(s\) colour"),
    ("own_model", _setter("own_model", value={"n_components": 0}), None,
     r"own_model holds a setting the engine refuses \(n_components=0"),
    ("stopped_no_components", _stopped_with_no_components, None,
     r"states\[3\].collapse.components must list the collapsed components"),
    ("state_k_text", _setter("states", 1, "k", value="2"), None, r"states\[1\].k is '2'"),
    ("state_loglik_text", _setter("states", 0, "log_likelihood", value="abc"), None,
     r"states\[0\].log_likelihood is 'abc', not a number"),
    ("state_converged", _setter("states", 0, "converged", value="no"), None,
     r"states\[0\].converged is not true or false"),
    ("current_text", _setter("current", value="1"), None, r"current is '1'"),
    ("shape_text", _setter("data", "shape", value="60x2"), None, r"data.shape is '60x2'"),
    ("names_count", _setter("data", "feature_names", value=["a"]), None,
     r"data.feature_names has 1 names for 2 columns"),
    ("nan_in_data", None, {"data/X.npy": NAN_X}, r"the data hold NaN or infinite values"),
    ("complex_data", None, {"data/X.npy": X + 1j}, r"data/X.npy holds complex128"),
]


@pytest.mark.parametrize("name, change, arrays, words", CRAFTED, ids=[c[0] for c in CRAFTED])
def test_crafted_sessions_are_refused_naming_the_field(tmp_path, good, name, change, arrays,
                                                       words):
    path = tmp_path / f"{name}.gmmx"
    path.write_bytes(_rewritten(good, change, arrays))
    with pytest.raises(SessionFileError, match=words) as info:
        read_session(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_the_good_session_reads_with_its_settings_normalised(tmp_path, good):
    path = tmp_path / "good.gmmx"
    path.write_bytes(good)
    snap = read_session(path)
    assert snap.run == {"max_iter": 200, "tol": 1e-3, "delay": 0.25}
    assert snap.model == asdict(ModelSettings(n_components=2))
    assert not snap.X.flags.writeable  # shared by the engine and the window, as it is


def test_a_truncated_session_says_so(tmp_path, good):
    path = tmp_path / "cut.gmmx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(SessionFileError, match="truncated") as info:
        read_session(path)
    assert "Open data" not in str(info.value)
