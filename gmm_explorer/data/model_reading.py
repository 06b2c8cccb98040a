"""Reading model files back: the checked content, or an engine with the saved parameters.

See :mod:`~gmm_explorer.data.model_file` for the format. The parameters come
back bit for bit as they were saved.
"""

from __future__ import annotations

import json
import os

from gmm_explorer.data.errors import DataError
from gmm_explorer.data.model_file import FORMAT_VERSION, MODEL_FORMAT, program_version
from gmm_explorer.data.model_schema import checked_model
from gmm_explorer.data.opener import read_input
from gmm_explorer.engine.covariance import from_full
from gmm_explorer.engine.em import GaussianMixtureEM

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
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DataError(f"is a damaged model file: format_version {version!r} must be a "
                        "whole number >= 1", path=source)
    if version > FORMAT_VERSION:
        raise DataError(f"was written by a newer GMM Explorer (model format {version}; this "
                        f"is {program_version()}, format {FORMAT_VERSION}); upgrade "
                        "gmm-explorer", path=source)
    missing = [k for k in _REQUIRED if k not in content]
    if missing:
        raise DataError(f"is a damaged model file: it lacks {', '.join(missing)}",
                        path=source)
    return checked_model(content, source)


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
    except RecursionError:  # json recurses once per bracket: a hostile nesting
        raise DataError("is not a model file (its JSON is nested too deeply); give the "
                        ".json file that `gmm-explorer fit --output` wrote",
                        path=source) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"is not valid JSON ({exc.msg} at column {exc.colno}); give the "
                        ".json file that `gmm-explorer fit --output` wrote", path=source,
                        line=exc.lineno) from None
    return content
