"""A model as a fitted scikit-learn ``GaussianMixture`` (scikit-learn imported only here, on use)."""

from __future__ import annotations

import os

import numpy as np

from gmm_explorer.data.model_reading import read_model
from gmm_explorer.engine.covariance import from_full, precisions_of
from gmm_explorer.engine.em import GaussianMixtureEM
from gmm_explorer.engine.state import EMState


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
    try:  # optional: only this function needs scikit-learn
        from sklearn.mixture import GaussianMixture
    except ImportError:
        raise ImportError(
            "to_sklearn() needs scikit-learn, which is not installed; install it with "
            "`pip install scikit-learn` (GMM Explorer itself does not need it)") from None
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
    precisions_cholesky, precisions = precisions_of(native, ctype)
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


def _parameters_of(source) -> dict:
    """(info dict with weights, means, full covariances, covariance_type, ...)."""
    if isinstance(source, (str, os.PathLike)):
        return read_model(source)
    if isinstance(source, dict):
        return source
    if isinstance(source, GaussianMixtureEM):
        if source.state is None:
            if source.model_info is None:
                raise ValueError("the engine has no parameters: initialize and run it first")
            return source.model_info
        state, n = source.state, None if source.X is None else source.X.shape[0]
    elif isinstance(source, EMState):
        state, n = source, None
    else:
        raise TypeError(f"expected a model file path, a model dict, a GaussianMixtureEM or an "
                        f"EMState; got {type(source).__name__}")
    return {
        "weights": np.asarray(state.weights), "means": np.asarray(state.means),
        "covariances": np.asarray(state.covariances),
        "covariance_type": state.covariance_type,
        "log_likelihood": state.log_likelihood, "n_samples": n,
        "n_iter": state.iteration, "converged": state.converged,
        "provenance": {},
    }
