"""The one schema of a model file: every field's type, shape and range, checked before use.

A model file is read by people's programs and written by people's editors, so
:func:`checked_model` checks all of it (types, shapes, finiteness, positive
definiteness through the engine's own checks, unique feature names, positive
scales) and raises one :class:`~gmm_explorer.data.errors.DataError` naming the
file and the field at the first problem. What it returns can be used without
further checks.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.engine.options import COVARIANCE_TYPES
from gmm_explorer.engine.validation import (
    LARGEST, check_covariances, check_means, check_weights,
)

#: Optional numbers ("inf", "-inf", "nan" as text: JSON has no non-finite numbers).
_SCALARS = ("log_likelihood", "mean_log_likelihood", "bic", "aic", "objective")
_COUNTS = ("n_samples", "n_iter", "n_parameters")
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _fail(source, field, why) -> DataError:
    return DataError(f"is a damaged model file: {field} {why}; give the file that "
                     "`gmm-explorer fit --output` wrote", path=source)


def number_array(value, field, ndim, source, largest=LARGEST) -> np.ndarray:
    """``value`` as a float64 array of ``ndim`` dimensions holding only finite numbers.

    Text, true/false and null are refused (JSON's ``true`` is not 1.0), and so
    are ragged lists and numbers beyond ``largest`` (too large for float64
    arithmetic: a squared distance would overflow).
    """
    try:
        raw = np.asarray(value)
    except ValueError:  # ragged nesting
        raise _fail(source, field, "is not a regular array") from None
    if raw.dtype.kind not in "iuf" or raw.ndim != ndim:
        raise _fail(source, field, f"must be a {ndim}-D array of numbers")
    if _holds_bool(raw, value):
        raise _fail(source, field, "holds true or false where numbers belong")
    array = raw.astype(float)
    if not np.all(np.isfinite(array)):
        raise _fail(source, field, "holds NaN or infinite values")
    if array.size and np.max(np.abs(array)) > largest:
        raise _fail(source, field, f"holds values beyond {largest:.0e}, too large for "
                                   "float64 arithmetic")
    return array


def _holds_bool(raw: np.ndarray, value) -> bool:
    """Whether ``value`` (nested lists) holds a JSON true or false among its numbers.

    numpy turns ``[true, 0.5]`` into ``[1.0, 0.5]`` without a word, so the items
    themselves are looked at (one pass in C over what the JSON reader built).
    """
    if not isinstance(value, (list, tuple)) or raw.size == 0:
        return False
    return bool in set(map(type, np.asarray(value, dtype=object).ravel()))


def _scalar(value, field, source):
    """None, a real number, or "inf"/"-inf"/"nan" as a float."""
    if value is None:
        return None
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(source, field, f"must be a number or null, not {value!r}")
    return float(value)


def _count(value, field, source):
    """None or a whole number >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(source, field, f"must be a whole number >= 0 or null, not {value!r}")
    return value


def _feature_names(value, D, source) -> list:
    if value is None:
        return [f"x{j}" for j in range(D)]
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise _fail(source, "feature_names", "must be a list of names (text)")
    if len(value) != D:
        raise _fail(source, "feature_names", f"has {len(value)} names for {D} features")
    if len(set(value)) != len(value):
        twice = sorted({n for n in value if value.count(n) > 1})
        raise _fail(source, "feature_names", f"names {', '.join(map(repr, twice))} more than "
                                             "once (one data column would be used twice)")
    return list(value)


def _standardization(value, D, source):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail(source, "standardization", "must be an object with center and scale, "
                                               "or null")
    for key in ("center", "scale"):
        if key not in value:
            raise _fail(source, f"standardization.{key}", "is missing")
    center = number_array(value["center"], "standardization.center", 1, source)
    scale = number_array(value["scale"], "standardization.scale", 1, source)
    for key, array in (("center", center), ("scale", scale)):
        if array.shape != (D,):
            raise _fail(source, f"standardization.{key}", f"has {array.size} values for {D} "
                                                          "features")
    if np.any(scale < 1.0 / LARGEST):
        raise _fail(source, "standardization.scale", "must be positive (a column's spread)")
    return {**value, "center": center, "scale": scale}


def checked_model(content, source: str) -> dict:
    """A model file's content, every field checked; arrays as float64 ndarrays.

    Parameters
    ----------
    content : object
        What the file's JSON holds (a dict with at least ``covariance_type``,
        ``weights``, ``means`` and ``covariances``; the format and version are
        checked by the reader).
    source : str
        The file, for messages.

    Raises
    ------
    DataError
        Naming the file and the first field that is wrong, and why.
    """
    ctype = content["covariance_type"]
    if not isinstance(ctype, str) or ctype not in COVARIANCE_TYPES:
        raise _fail(source, "covariance_type", f"is {ctype!r}; expected one of "
                                               f"{', '.join(COVARIANCE_TYPES)}")
    m = number_array(content["means"], "means", 2, source)
    K, D = m.shape
    if K < 1 or D < 1:
        raise _fail(source, "means", f"has shape {m.shape}; a model has at least one "
                                     "component and one feature")
    w = number_array(content["weights"], "weights", 1, source)
    # variances are squares: a spread of LARGEST has a variance of LARGEST**2
    c = number_array(content["covariances"], "covariances", 3, source, LARGEST ** 2)
    for field in ("n_components", "n_features"):
        given, actual = content.get(field), (K if field == "n_components" else D)
        if given is not None and (isinstance(given, bool) or given != actual):
            raise _fail(source, field, f"is {given!r} but the means have {actual}")
    try:  # the engine's own checks: shapes, weights summing to 1, positive definiteness
        w = check_weights(w, K)
        check_means(m, K, D)
        if c.shape != (K, D, D):
            raise ValueError(f"covariances must have shape ({K}, {D}, {D}); got {c.shape}.")
        check_covariances(c, "full", K, D)
    except ValueError as exc:
        raise DataError(f"is a damaged model file: {exc} Give the file that `gmm-explorer "
                        "fit --output` wrote", path=source) from None
    out = dict(content)
    out["weights"], out["means"], out["covariances"] = w, m, c
    for key in _SCALARS:
        out[key] = _scalar(content.get(key), key, source)
    for key in _COUNTS:
        out[key] = _count(content.get(key), key, source)
    converged = content.get("converged")
    if converged is not None and not isinstance(converged, bool):
        raise _fail(source, "converged", f"must be true, false or null, not {converged!r}")
    out["feature_names"] = _feature_names(content.get("feature_names"), D, source)
    out["standardization"] = _standardization(content.get("standardization"), D, source)
    provenance = content.get("provenance", {})
    if not isinstance(provenance, dict):
        raise _fail(source, "provenance", "must be an object")
    settings = provenance.get("settings", {})
    if not isinstance(settings, dict):
        raise _fail(source, "provenance.settings", "must be an object")
    if "reg_covar" in settings and settings["reg_covar"] is not None:
        reg = _scalar(settings["reg_covar"], "provenance.settings.reg_covar", source)
        if not (math.isfinite(reg) and reg >= 0):
            raise _fail(source, "provenance.settings.reg_covar", "must be a finite number >= 0")
    out["provenance"] = provenance
    return out
