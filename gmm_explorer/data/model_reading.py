"""Reading model files back: the checked content, or an engine with the saved parameters.

See :mod:`~gmm_explorer.data.model_file` for the format. The parameters come
back bit for bit as they were saved.
"""

from __future__ import annotations

import json
import os

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.model_file import FORMAT_VERSION, MODEL_FORMAT, program_version
from gmm_explorer.data.opener import read_input
from gmm_explorer.engine.covariance import from_full
from gmm_explorer.engine.em import GaussianMixtureEM
from gmm_explorer.engine.options import COVARIANCE_TYPES

_SCALARS = ("log_likelihood", "mean_log_likelihood", "bic", "aic", "objective")
_REQUIRED = ("covariance_type", "weights", "means", "covariances")


def read_model(path) -> dict:
    """Read and check a model file; arrays come back as float64 ndarrays.

    Raises
    ------
    DataError
        Missing file, not JSON, not a model file, or inconsistent shapes.
    """
    source = os.fspath(path)
    content = _read_json(source)
    if not isinstance(content, dict) or content.get("format") != MODEL_FORMAT:
        missing = [k for k in _REQUIRED if not isinstance(content, dict) or k not in content]
        if missing:
            raise DataError("is JSON but not a GMM Explorer model file (it lacks "
                            f"{', '.join(missing)}); give the file that `gmm-explorer fit "
                            "--output` wrote", path=source)
    version = content.get("format_version", FORMAT_VERSION)
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise DataError(f"was written by a newer GMM Explorer (model format {version}; this "
                        f"is {program_version()}, format {FORMAT_VERSION}); upgrade "
                        "gmm-explorer", path=source)
    missing = [k for k in _REQUIRED if k not in content]
    if missing:
        raise DataError(f"is a damaged model file: it lacks {', '.join(missing)}",
                        path=source)
    return _checked_content(content, source)


def _checked_content(content: dict, source: str) -> dict:
    """A model file's content with its arrays as float64 ndarrays, shapes checked."""
    ctype = content["covariance_type"]
    if ctype not in COVARIANCE_TYPES:
        raise DataError(f"has covariance_type {ctype!r}; expected one of "
                        f"{', '.join(COVARIANCE_TYPES)}", path=source)
    try:
        w = np.asarray(content["weights"], dtype=float)
        m = np.asarray(content["means"], dtype=float)
        c = np.asarray(content["covariances"], dtype=float)
    except (TypeError, ValueError):
        raise DataError("is a damaged model file: weights, means and covariances must be "
                        "arrays of numbers", path=source) from None
    if m.ndim != 2 or w.shape != (m.shape[0],) or c.shape != (m.shape[0], m.shape[1],
                                                              m.shape[1]):
        raise DataError(f"is a damaged model file: shapes of weights {w.shape}, means "
                        f"{m.shape} and covariances {c.shape} do not agree (expected (K,), "
                        "(K, D) and (K, D, D))", path=source)
    out = dict(content)
    out["weights"], out["means"], out["covariances"] = w, m, c
    for key in _SCALARS:
        if isinstance(out.get(key), str):
            out[key] = float(out[key])
    out.setdefault("feature_names", [f"x{j}" for j in range(m.shape[1])])
    out.setdefault("provenance", {})
    sd = out.get("standardization")
    if sd is not None:
        out["standardization"] = {**sd, "center": np.asarray(sd["center"], float),
                                  "scale": np.asarray(sd["scale"], float)}
    return out


def engine_from_parameters(weights, means, covariances, covariance_type, path=None):
    """``GaussianMixtureEM.from_parameters`` with native covariances (an exact round trip)."""
    try:
        return GaussianMixtureEM.from_parameters(
            weights, means, from_full(covariances, covariance_type),
            covariance_type=covariance_type)
    except ValueError as exc:
        raise DataError(f"holds parameters the engine refuses ({exc})", path=path) from None


def load_model(path):
    """A :class:`~gmm_explorer.engine.GaussianMixtureEM` from a model file.

    The engine has the saved parameters bit for bit, so ``predict``,
    ``predict_proba``, ``score_samples`` and ``sample`` work at once. The
    whole file (as :func:`read_model` returns it) is attached as
    ``em.model_info``.
    """
    info = read_model(path)
    em = engine_from_parameters(info["weights"], info["means"], info["covariances"],
                                info["covariance_type"], path=os.fspath(path))
    em.model_info = info
    return em


def _read_json(source: str):
    """The JSON in a file; a DataError that says what to give instead when it is not."""
    if not os.path.exists(source):
        raise DataError("no such model file; give the .json file that `gmm-explorer fit "
                        "--output` wrote", path=source)
    if os.path.isdir(source):
        raise DataError("is a folder, not a model file; give the .json file that "
                        "`gmm-explorer fit --output` wrote", path=source)
    # through the opener: a pipe is read once, a device or a silent pipe refused, not waited on
    raw = read_input(source, numpy_by_path=False).take()
    try:
        text = raw.decode("utf-8-sig")
        content = json.loads(text)
    except UnicodeDecodeError:
        raise DataError("is not a model file (it is not UTF-8 text); give the .json file "
                        "that `gmm-explorer fit --output` wrote", path=source) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"is not valid JSON ({exc.msg} at column {exc.colno}); give the "
                        ".json file that `gmm-explorer fit --output` wrote", path=source,
                        line=exc.lineno) from None
    return content
