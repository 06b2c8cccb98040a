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
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime, timezone

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.engine.covariance import from_full, n_covariance_parameters
from gmm_explorer.engine.options import COVARIANCE_TYPES
from gmm_explorer.files import atomic_write_text

MODEL_FORMAT = "gmm-explorer model"
FORMAT_VERSION = 1
_SCALARS = ("log_likelihood", "mean_log_likelihood", "bic", "aic", "objective")
_REQUIRED = ("covariance_type", "weights", "means", "covariances")


def program_version() -> str:
    from gmm_explorer import __version__

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
        sd = standardization if isinstance(standardization, dict) else standardization.to_dict()
        out["standardization"] = {
            "center": list(sd["center"]), "scale": list(sd["scale"]),
            "note": "the fit ran on (X - center) / scale, with reg_covar in those units; "
                    "the parameters above are in the data's own units",
        }
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
    meta = getattr(em_or_state, "model_info", None)
    if hasattr(em_or_state, "history"):  # an engine
        em = em_or_state
        state = em.state
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
    try:
        atomic_write_text(path, text, suffix=".json")
    except IsADirectoryError:
        raise DataError("is a folder; give a file name for the model, e.g. model.json",
                        path=path) from None
    except FileNotFoundError:
        raise DataError("cannot be written: its folder does not exist; create it or choose "
                        "another path", path=path) from None
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


def read_model(path) -> dict:
    """Read and check a model file; arrays come back as float64 ndarrays.

    Raises
    ------
    DataError
        Missing file, not JSON, not a model file, or inconsistent shapes.
    """
    source = os.fspath(path)
    if not os.path.exists(source):
        raise DataError("no such model file; give the .json file that `gmm-explorer fit "
                        "--output` wrote", path=source)
    if os.path.isdir(source):
        raise DataError("is a folder, not a model file; give the .json file that "
                        "`gmm-explorer fit --output` wrote", path=source)
    try:
        with open(source, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8-sig")
        content = json.loads(text)
    except PermissionError:
        raise DataError("cannot be read: permission denied", path=source) from None
    except UnicodeDecodeError:
        raise DataError("is not a model file (it is not UTF-8 text); give the .json file "
                        "that `gmm-explorer fit --output` wrote", path=source) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"is not valid JSON ({exc.msg} at column {exc.colno}); give the "
                        ".json file that `gmm-explorer fit --output` wrote", path=source,
                        line=exc.lineno) from None
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
    from gmm_explorer.engine import GaussianMixtureEM

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


def _parameters_of(path_or_em):
    """(info dict with weights, means, full covariances, covariance_type, ...)."""
    if isinstance(path_or_em, (str, os.PathLike)):
        return read_model(path_or_em)
    if isinstance(path_or_em, dict):
        return path_or_em
    meta = getattr(path_or_em, "model_info", None)
    state = getattr(path_or_em, "state", path_or_em)
    if hasattr(path_or_em, "history") and state is None:
        if meta is None:
            raise ValueError("the engine has no parameters: initialize and run it first")
        return meta
    if hasattr(state, "covariances"):
        n = None
        X = getattr(path_or_em, "X", None)
        if X is not None:
            n = X.shape[0]
        return {
            "weights": np.asarray(state.weights), "means": np.asarray(state.means),
            "covariances": np.asarray(state.covariances),
            "covariance_type": state.covariance_type,
            "log_likelihood": state.log_likelihood, "n_samples": n,
            "n_iter": state.iteration, "converged": state.converged,
            "provenance": {},
        }
    raise TypeError(f"expected a model file path, a model dict, a GaussianMixtureEM or an "
                    f"EMState; got {type(path_or_em).__name__}")


def to_sklearn(path_or_em):
    """A fitted scikit-learn ``GaussianMixture`` with the same parameters.

    Parameters
    ----------
    path_or_em : str, Path, dict, GaussianMixtureEM or EMState
        A model file, its content, or a fitted engine.

    Returns
    -------
    sklearn.mixture.GaussianMixture
        ``predict``, ``predict_proba``, ``score_samples``, ``bic`` ... give the
        same numbers as this program's model.

    Raises
    ------
    ImportError
        scikit-learn is not installed (``pip install scikit-learn``).
    """
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:
        raise ImportError(
            "to_sklearn() needs scikit-learn, which is not installed; install it with "
            "`pip install scikit-learn` (GMM Explorer itself does not need it)") from None
    from scipy import linalg

    info = _parameters_of(path_or_em)
    ctype = info["covariance_type"]
    w = np.asarray(info["weights"], dtype=float)
    m = np.asarray(info["means"], dtype=float)
    full = np.asarray(info["covariances"], dtype=float)
    K, D = m.shape
    native = from_full(full, ctype)
    settings = (info.get("provenance") or {}).get("settings") or {}
    reg_covar = settings.get("reg_covar", 1e-6)
    gm = GaussianMixture(n_components=K, covariance_type=ctype,
                         reg_covar=float(reg_covar) if reg_covar is not None else 1e-6)
    # scikit-learn's own formulas (GaussianMixture._set_parameters).
    if ctype in ("full", "tied"):
        mats = native if ctype == "full" else native[None]
        chol = np.empty_like(mats)
        for k, cov in enumerate(mats):
            L = linalg.cholesky(cov, lower=True)
            chol[k] = linalg.solve_triangular(L, np.eye(D), lower=True).T
        precisions_cholesky = chol if ctype == "full" else chol[0]
        if ctype == "full":
            precisions = np.array([c @ c.T for c in chol])
        else:
            precisions = precisions_cholesky @ precisions_cholesky.T
    else:
        precisions_cholesky = 1.0 / np.sqrt(native)
        precisions = precisions_cholesky ** 2
    gm.weights_ = w
    gm.means_ = m
    gm.covariances_ = native
    gm.precisions_cholesky_ = precisions_cholesky
    gm.precisions_ = precisions
    gm.converged_ = bool(info.get("converged")) if info.get("converged") is not None else True
    gm.n_iter_ = int(info.get("n_iter") or 0)
    n = info.get("n_samples")
    ll = info.get("log_likelihood")
    gm.lower_bound_ = float(ll) / n if (ll is not None and n) else -np.inf
    gm.n_features_in_ = D
    return gm
