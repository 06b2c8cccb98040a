"""The one schema of a session file's manifest: every field checked before anything uses it.

A session file may have been edited or damaged; what it holds is checked
here (settings through the engine's own validation, so a setting the window
would refuse at Run is refused at Open) and a
:class:`~gmm_explorer.data.session_codec.SessionFileError` names the file and
the field. The arrays are checked where they are read
(:mod:`~gmm_explorer.data.session_codec`, :mod:`~gmm_explorer.data.session_file`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict

from gmm_explorer.data.session_codec import SessionFileError
from gmm_explorer.engine.options import COVARIANCE_TYPES, ModelSettings, check_run_settings

_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
_ACTIONS = ("stopped", "reinitialized", "removed", "continued")
_RUN_FIELDS = ("max_iter", "tol", "delay")


def bad_field(path, field: str, why: str) -> SessionFileError:
    """``<file>: is damaged: <field> <why>; ...`` (one line)."""
    return SessionFileError(f"is damaged: {field} {why}; it cannot be opened. Open another "
                            "copy, or the data file itself", path=path)


def number(value, field, path):
    """A real number, or "inf", "-inf", "nan" as text (how non-finite ones are stored)."""
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad_field(path, field, f"is {value!r}, not a number")
    return float(value)


def whole(value, field, path, minimum=0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise bad_field(path, field, f"is {value!r}, not a whole number >= {minimum}")
    return value


def checked_model_settings(stored, field, path) -> dict:
    """Model settings as the engine's :class:`ModelSettings` accepts them, as keyword arguments."""
    if not isinstance(stored, dict):
        raise bad_field(path, field, "is not an object")
    values = {k: number(v, f"{field}.{k}", path)
              if k in ("reg_covar", "max_condition") and isinstance(v, str)
              else v for k, v in stored.items()}
    try:
        return asdict(ModelSettings(**values))
    except TypeError:  # an unknown name
        known = set(ModelSettings.__dataclass_fields__)
        unknown = ", ".join(sorted(set(values) - known))
        raise bad_field(path, field, f"has unknown setting(s) {unknown}") from None
    except ValueError as exc:
        raise bad_field(path, field, f"holds a setting the engine refuses ({exc})") from None


def checked_run(stored, path) -> dict:
    """``max_iter``, ``tol`` and ``delay`` checked by the engine's own rules."""
    if not isinstance(stored, dict):
        raise bad_field(path, "run", "is not an object")
    unknown = set(stored) - set(_RUN_FIELDS)
    if unknown:
        raise bad_field(path, "run", f"has unknown setting(s) {', '.join(sorted(unknown))}")
    # non-finite numbers are stored as text; other values go to the engine's checks as given
    values = {k: number(v, f"run.{k}", path) if k in ("tol", "delay") and isinstance(v, str)
              else v for k, v in stored.items()}
    defaults = {"max_iter": 200, "tol": 1e-3, "delay": 0.25}
    merged = {**defaults, **values}
    try:
        max_iter, tol, delay = check_run_settings(**merged)
    except (TypeError, ValueError) as exc:
        raise bad_field(path, "run", f"holds a setting the window refuses ({exc})") from None
    return {k: v for k, v in zip(_RUN_FIELDS, (max_iter, tol, delay)) if k in stored}


def _collapse(c, i, k_before, k, path) -> None:
    field = f"states[{i}].collapse"
    if not isinstance(c, dict):
        raise bad_field(path, field, "is not an object")
    action = c.get("action")
    if action not in _ACTIONS:
        raise bad_field(path, f"{field}.action", f"is {action!r}; expected one of "
                                                  f"{', '.join(_ACTIONS)}")
    if not isinstance(c.get("reason"), str):
        raise bad_field(path, f"{field}.reason", "is not text")
    whole(c.get("iteration"), f"{field}.iteration", path)
    components = c.get("components")
    limit = max(k_before, k)
    if not isinstance(components, list) or not components or any(
            isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < limit
            for j in components) or len(set(components)) != len(components):
        raise bad_field(path, f"{field}.components", f"must list the collapsed components "
                                                      f"(distinct, 0 to {limit - 1})")
    for name in ("effective_counts", "smallest_eigenvalues", "condition_numbers"):
        values = c.get(name)
        if not isinstance(values, list) or len(values) != len(components):
            raise bad_field(path, f"{field}.{name}", "must hold one number per component")
        for j, v in enumerate(values):
            number(v, f"{field}.{name}[{j}]", path)
    ids = c.get("component_ids", [])
    if not isinstance(ids, list) or any(isinstance(j, bool) or not isinstance(j, int)
                                        for j in ids):
        raise bad_field(path, f"{field}.component_ids", "must be whole numbers")


def checked_states(rows, path) -> None:
    """Each state's manifest row: its counts, numbers, flags and collapse record."""
    if not isinstance(rows, list) or not rows:
        raise bad_field(path, "states", "is empty")
    k_before = None
    for i, row in enumerate(rows):
        field = f"states[{i}]"
        if not isinstance(row, dict):
            raise bad_field(path, field, "is not an object")
        whole(row.get("iteration"), f"{field}.iteration", path)
        k = whole(row.get("k"), f"{field}.k", path, minimum=1)
        for name in ("log_likelihood", "objective"):
            if math.isnan(number(row.get(name), f"{field}.{name}", path)):
                raise bad_field(path, f"{field}.{name}", "is NaN")
        if row.get("pseudo_log_likelihood") is not None:
            number(row["pseudo_log_likelihood"], f"{field}.pseudo_log_likelihood", path)
        if not isinstance(row.get("converged"), bool):
            raise bad_field(path, f"{field}.converged", "is not true or false")
        if row.get("covariance_type", "full") not in COVARIANCE_TYPES:
            raise bad_field(path, f"{field}.covariance_type",
                            f"is {row.get('covariance_type')!r}")
        events = row.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise bad_field(path, f"{field}.events", "is not a list of text")
        if row.get("collapse") is not None:
            _collapse(row["collapse"], i, k if k_before is None else k_before, k, path)
        k_before = k


def checked_data_section(data, path) -> tuple[int, int]:
    """The data section's declared shape (N, D) and its names, checked."""
    shape = data.get("shape")
    if not isinstance(shape, list) or len(shape) != 2 or any(
            isinstance(n, bool) or not isinstance(n, int) for n in shape) \
            or shape[0] < 2 or shape[1] < 1:
        raise bad_field(path, "data.shape", f"is {shape!r}, not [rows >= 2, columns >= 1]")
    names = data.get("feature_names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise bad_field(path, "data.feature_names", "is not a list of text")
    if names and len(names) != shape[1]:
        raise bad_field(path, "data.feature_names", f"has {len(names)} names for "
                                                    f"{shape[1]} columns")
    for key in ("name", "path", "sha256"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise bad_field(path, f"data.{key}", "is not text")
    for key in ("embedded", "has_labels", "has_hand_made", "has_lines"):
        if data.get(key) is not None and not isinstance(data[key], bool):
            raise bad_field(path, f"data.{key}", "is not true or false")
    return shape[0], shape[1]


def checked_manifest(manifest: dict, path) -> dict:
    """The manifest's settings and fields, checked; settings normalised by the engine.

    Returns
    -------
    dict
        ``model``, ``run`` and ``own_model`` (or None) as keyword arguments.
    """
    checked_data_section(manifest["data"], path)
    checked_states(manifest["states"], path)
    whole(manifest.get("current"), "current", path)
    if manifest.get("view") is not None and not isinstance(manifest["view"], dict):
        raise bad_field(path, "view", "is not an object")
    if not isinstance(manifest.get("has_start", False), bool):
        raise bad_field(path, "has_start", "is not true or false")
    own = manifest.get("own_model")
    return {
        "model": checked_model_settings(manifest["model"], "model", path),
        "run": checked_run(manifest["run"], path),
        "own_model": None if own is None else checked_model_settings(own, "own_model", path),
    }
