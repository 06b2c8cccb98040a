"""Model files: a fitted mixture as JSON, loaded back exactly, exported to scikit-learn.

A model file is plain JSON that any language can read::

    {
      "format": "gmm-explorer model", "format_version": 1,
      "covariance_type": "full", "n_components": 2, "n_features": 2,
      "feature_names": ["eruptions", "waiting"],
      "weights": [...],            # (K,)
      "means": [[...], ...],       # (K, D), in the data's own units
      "covariances": [[[...]]],    # (K, D, D) full matrices, whatever the type
      "log_likelihood": -1130.26,  # total over the n_samples points (nats)
      "n_samples": 272, "n_iter": 11, "converged": true, "n_parameters": 11,
      "bic": 2322.2, "aic": 2282.5, # scikit-learn's sign: lower is better
      "standardization": {"center": [...], "scale": [...]} or null,
      "provenance": {"program": ..., "version": ..., "data_file": ..., "columns": [...],
                     "settings": {...}, ...}
    }

Floats are written with Python's ``repr`` (the shortest text that reads back
to the same float64), so :func:`load_model` returns bit for bit the
parameters that were saved. Non-finite numbers in the metadata (a
log-likelihood of ``inf``) are written as the strings ``"inf"``, ``"-inf"``,
``"nan"``, so the file stays standard JSON. The file is written to a
temporary file beside the target and moved into place, so a crash never
leaves half a model.

This module builds and writes model files; :mod:`~gmm_explorer.data.model_reading`
reads them back and :mod:`~gmm_explorer.data.sklearn_export` hands them to
scikit-learn.
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime, timezone

import numpy as np

from gmm_explorer import __version__
from gmm_explorer.data.errors import DataError
from gmm_explorer.engine.covariance import n_covariance_parameters
from gmm_explorer.engine.em import GaussianMixtureEM
from gmm_explorer.engine.options import COVARIANCE_TYPES
from gmm_explorer.files import ReadOnlyTargetError, atomic_write_text

MODEL_FORMAT = "gmm-explorer model"
FORMAT_VERSION = 1


def program_version() -> str:
    """This program's version, recorded in every model file."""
    return __version__


def n_parameters(covariance_type: str, n_components: int, n_features: int) -> int:
    """Free parameters, scikit-learn's count: covariances, means and K - 1 weights."""
    K, D = n_components, n_features
    return int(n_covariance_parameters(covariance_type, K, D) + K * D + K - 1)


# --------------------------------------------------------------------------- building
def _clean(value):
    """numpy -> plain Python for json; non-finite floats as strings."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isfinite(v):
            return v
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _checked_parameters(weights, means, covariances):
    """(K,), (K, D) and (K, D, D) float arrays, all finite; else a ValueError."""
    w = np.asarray(weights, dtype=float)
    m = np.asarray(means, dtype=float)
    c = np.asarray(covariances, dtype=float)
    K, D = m.shape
    if w.shape != (K,) or c.shape != (K, D, D):
        raise ValueError(f"weights, means and covariances must have shapes ({K},), ({K}, {D}) "
                         f"and ({K}, {D}, {D}); got {w.shape}, {m.shape}, {c.shape}")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(m)) and np.all(np.isfinite(c))):
        raise ValueError("the model has NaN or infinite parameters; it cannot be saved "
                         "(was it fitted to the end without a collapse?)")
    return w, m, c


def _standardization_entry(standardization) -> dict:
    """The file's record of the map the fit ran in (a Standardizer or its dict)."""
    sd = standardization if isinstance(standardization, dict) else standardization.to_dict()
    return {
        "center": list(sd["center"]), "scale": list(sd["scale"]),
        "note": "the fit ran on (X - center) / scale, with reg_covar in those units; "
                "the parameters above are in the data's own units",
    }


def build_model_dict(weights, means, covariances, covariance_type, *, log_likelihood=None,
                     n_samples=None, n_iter=None, converged=None, feature_names=None,
                     provenance=None, standardization=None, extra=None) -> dict:
    """The content of a model file from parameters in the data's own units.

    Parameters
    ----------
    weights : array-like of shape (K,)
    means : array-like of shape (K, D)
    covariances : array-like of shape (K, D, D)
        Full matrices, whatever ``covariance_type``.
    covariance_type : str
    log_likelihood : float, optional
        Total over the ``n_samples`` points, in the data's units.
    standardization : Standardizer or dict, optional
        The map the fit ran in (recorded; the parameters are in the data's units).
    provenance, extra : dict, optional
    """
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(f"covariance_type={covariance_type!r}; use one of "
                         f"{', '.join(COVARIANCE_TYPES)}")
    w, m, c = _checked_parameters(weights, means, covariances)
    K, D = m.shape
    p = n_parameters(covariance_type, K, D)
    out = {
        "format": MODEL_FORMAT,
        "format_version": FORMAT_VERSION,
        "covariance_type": covariance_type,
        "n_components": K,
        "n_features": D,
        "feature_names": list(feature_names) if feature_names is not None
        else [f"x{j}" for j in range(D)],
        "weights": w,
        "means": m,
        "covariances": c,
        "log_likelihood": None if log_likelihood is None else float(log_likelihood),
        "n_samples": None if n_samples is None else int(n_samples),
        "mean_log_likelihood": None,
        "n_iter": None if n_iter is None else int(n_iter),
        "converged": None if converged is None else bool(converged),
        "n_parameters": p,
        "bic": None,
        "aic": None,
        "standardization": None,
        "provenance": dict(provenance or {}),
    }
    if log_likelihood is not None and n_samples:
        ll = float(log_likelihood)
        out["mean_log_likelihood"] = ll / n_samples
        out["bic"] = -2.0 * ll + p * math.log(n_samples)
        out["aic"] = -2.0 * ll + 2.0 * p
    if standardization is not None:
        out["standardization"] = _standardization_entry(standardization)
    prov = out["provenance"]
    prov.setdefault("program", "gmm-explorer")
    prov.setdefault("version", program_version())
    prov.setdefault("created", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    if extra:
        out.update(extra)
    return _clean(out)


def model_to_dict(em_or_state, *, provenance=None, n_samples=None, feature_names=None,
                  standardization=None) -> dict:
    """The model file's content for a fitted engine or one of its states.

    Parameters
    ----------
    em_or_state : GaussianMixtureEM or EMState or dict
        An engine (its latest state and its data's N are used), an
        ``EMState`` (give ``n_samples`` for BIC and AIC), or a model dict.
    """
    if isinstance(em_or_state, dict):
        return _clean(em_or_state)
    state = em_or_state
    if isinstance(em_or_state, GaussianMixtureEM):
        em = em_or_state
        state, meta = em.state, em.model_info
        if n_samples is None and em.X is not None:
            n_samples = em.X.shape[0]
        settings = {k: v for k, v in em.get_params().items()
                    if isinstance(v, (int, float, str, bool, type(None)))}
        provenance = {"settings": settings, **(provenance or {})}
        if state is None:
            if meta is not None:
                return build_model_dict(
                    meta["weights"], meta["means"], meta["covariances"],
                    meta["covariance_type"], log_likelihood=meta.get("log_likelihood"),
                    n_samples=meta.get("n_samples"), n_iter=meta.get("n_iter"),
                    converged=meta.get("converged"),
                    feature_names=feature_names or meta.get("feature_names"),
                    provenance={**meta.get("provenance", {}), **(provenance or {})},
                    standardization=standardization or meta.get("standardization"))
            raise ValueError("the engine has no state: initialize and run it first")
    if state.is_collapsed:
        raise ValueError("the state has a singular covariance; a collapsed model cannot be "
                         "saved (remedies: reg_covar, prior='conjugate', fewer components)")
    return build_model_dict(
        state.weights, state.means, state.covariances, state.covariance_type,
        log_likelihood=state.log_likelihood, n_samples=n_samples, n_iter=state.iteration,
        converged=state.converged, feature_names=feature_names, provenance=provenance,
        standardization=standardization,
    )


# --------------------------------------------------------------------------- files
def write_json_atomic(path, content: dict) -> None:
    """Write JSON to ``path`` atomically (see :mod:`gmm_explorer.files`)."""
    text = json.dumps(content, indent=1, allow_nan=False) + "\n"
    write_text_atomic(path, text, suffix=".json",
                      folder="give a file name for the model, e.g. model.json")


def write_text_atomic(path, text: str, suffix: str = "",
                      folder: str = "give a file name") -> None:
    """Write ``text`` to ``path`` atomically; a failure is one DataError naming the path.

    ``folder`` is what to do when ``path`` is a folder.
    """
    try:
        atomic_write_text(path, text, suffix=suffix)
    except IsADirectoryError:
        raise DataError(f"is a folder; {folder}", path=path) from None
    except FileNotFoundError:
        raise DataError("cannot be written: its folder does not exist; create it or choose "
                        "another path", path=path) from None
    except ReadOnlyTargetError:
        raise DataError("is read-only; make it writable or choose another name",
                        path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be written ({exc.strerror or exc}); choose another path",
                        path=path) from None


def save_model(path, em_or_state, *, provenance=None, n_samples=None, feature_names=None,
               standardization=None) -> dict:
    """Write a model file (JSON, atomically) and return its content.

    Parameters
    ----------
    path : str or Path
    em_or_state : GaussianMixtureEM, EMState or dict
        See :func:`model_to_dict`.
    provenance : dict, optional
        Where the model came from: ``data_file``, ``columns``, ``settings``,
        ... The program and its version are added.
    """
    content = model_to_dict(em_or_state, provenance=provenance, n_samples=n_samples,
                            feature_names=feature_names, standardization=standardization)
    write_json_atomic(path, content)
    return content
