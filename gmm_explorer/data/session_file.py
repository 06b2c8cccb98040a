"""Session files (``.gmmx``): the whole session in one file, no pickle.

A session file is a zip archive holding

- ``manifest.json``: the format name and version, the model and run
  settings, the data's provenance (embedded, or a path and SHA-256 hash),
  the view state (shown iteration, axes, toggles), each state's scalars,
  its collapse record and events;
- ``.npy`` arrays (read back with ``allow_pickle=False``): the data, and
  every state's arrays concatenated along the component axis (the number of
  components may shrink under ``on_collapse="remove"``; ``ks`` says how
  many each state has).

This module is Qt-free so that it can be tested headless. Writing goes
through a temporary file in the same folder and :func:`os.replace`, so a
crash never leaves half a session. Reading checks everything before
returning; a damaged, truncated or foreign file raises
:class:`SessionFileError` naming the file, and nothing else changes.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field

import numpy as np

from gmm_explorer.data.budgets import check_features
from gmm_explorer.data.errors import DataError
from gmm_explorer.data.opener import check_regular
from gmm_explorer.data.zip_members import read_member_bytes
from gmm_explorer.data.session_codec import (
    SessionFileError,
    damaged,
    num,
    read_array,
    read_history,
    state_rows,
)
from gmm_explorer.data.session_schema import checked_manifest
from gmm_explorer.engine.validation import read_only_data
from gmm_explorer.files import atomic_write, file_sha256

SESSION_FORMAT = "gmm-explorer session"
FORMAT_VERSION = 1
SUFFIX = ".gmmx"
FILE_FILTER = "GMM Explorer sessions (*.gmmx);;All files (*)"
#: A manifest bigger than this is not one of ours.
_MAX_MANIFEST = 64 * 1024 * 1024


@dataclass
class SessionSnapshot:
    """Everything a session file holds, as plain Python and numpy.

    Attributes
    ----------
    model : dict
        ``ModelSettings`` as keyword arguments (the engine's).
    run : dict
        ``RunSettings`` as keyword arguments.
    X : ndarray of shape (N, D)
    labels : ndarray of shape (N,) or None
    label_names : list of str
        The known classes' names (empty in older files, or when unnamed).
    class_column : str
        The data file's column the classes came from, or "".
    feature_names : list of str
    data_name : str
        What the window calls the data (a file path, a built-in's name).
    data_path : str or None
        The data file, when the data are stored by reference.
    data_sha256 : str or None
        SHA-256 of that file's bytes when the session was saved.
    load_options : dict or None
        How that file was read (``load_data``'s ``columns``, ``label_column`` and
        ``drop_missing``), so that it gives the same rows and columns again.
    history : list of EMState
        In the units EM fitted in: standardised ones when ``standardize``.
    current : int
        Index of the shown state in ``history``.
    axes : tuple of int
        The two data columns shown.
    view : dict
        The window's toggles (colours, ellipses, means), JSON-able.
    start : dict or None
        A pinned start (``weights``, ``means``, ``covariances`` arrays) that
        Reset and new settings re-run from, or None.
    own_model : dict or None
        The person's own model settings when the session was saved (the
        settings data loaded next start from); None in older files.
    preset : str
        The lab preset on show when the session was saved, or "".
    hand_made : ndarray of shape (N,) of bool, or None
        Which points were added by hand (always embedded data).
    standardize : bool
        Whether EM fitted ``X`` in standardised units (False in older files).
    lines : ndarray of shape (N,) of int, or None
        Each row's 1-based line in its text file (exported labels name it), or None.
    """

    model: dict
    run: dict
    X: np.ndarray
    labels: np.ndarray | None = None
    feature_names: list = field(default_factory=list)
    label_names: list = field(default_factory=list)
    class_column: str = ""
    data_name: str = ""
    data_path: str | None = None
    data_sha256: str | None = None
    load_options: dict | None = None
    history: list = field(default_factory=list)
    current: int = 0
    axes: tuple = (0, 1)
    view: dict = field(default_factory=dict)
    start: dict | None = None
    hand_made: np.ndarray | None = None
    own_model: dict | None = None
    preset: str = ""
    standardize: bool = False
    lines: np.ndarray | None = None


# --------------------------------------------------------------------------- helpers
def _jsonable(value):
    """Settings values as JSON (numpy scalars to Python, non-finite floats to text)."""
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return num(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    raise TypeError(f"cannot store {type(value).__name__} in a session file")


def _npy_bytes(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


# --------------------------------------------------------------------------- writing
def write_session(path, snapshot: SessionSnapshot) -> None:
    """Write a session file atomically (temporary file, then ``os.replace``).

    Raises
    ------
    SessionFileError
        The folder is missing or not writable, or the disk is full; an
        existing file at ``path`` is left as it was.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise SessionFileError("cannot be written: its folder does not exist; create it or "
                               "choose another path", path=path)
    rows, arrays = state_rows(snapshot.history)
    manifest = {
        "format": SESSION_FORMAT, "format_version": FORMAT_VERSION,
        "model": _jsonable(snapshot.model), "run": _jsonable(snapshot.run),
        "data": {"name": snapshot.data_name, "feature_names": list(snapshot.feature_names),
                 "embedded": snapshot.data_path is None, "path": snapshot.data_path,
                 "sha256": snapshot.data_sha256, "shape": list(np.shape(snapshot.X)),
                 "load_options": _jsonable(snapshot.load_options or {}),
                 "has_labels": snapshot.labels is not None,
                 "label_names": [str(n) for n in snapshot.label_names],
                 "class_column": str(snapshot.class_column or ""),
                 "has_hand_made": snapshot.hand_made is not None,
                 "has_lines": snapshot.lines is not None},
        "current": int(snapshot.current), "axes": [int(a) for a in snapshot.axes],
        "view": _jsonable(snapshot.view), "states": rows,
    }
    manifest["has_start"] = snapshot.start is not None
    if snapshot.own_model is not None:
        manifest["own_model"] = _jsonable(snapshot.own_model)
    manifest["preset"] = str(snapshot.preset)
    manifest["standardize"] = bool(snapshot.standardize)
    if snapshot.start is not None:
        for k, v in snapshot.start.items():
            arrays[f"start/{k}.npy"] = v
    if snapshot.data_path is None:
        arrays["data/X.npy"] = np.asarray(snapshot.X, dtype=float)
        if snapshot.labels is not None:
            arrays["data/labels.npy"] = np.asarray(snapshot.labels)
        if snapshot.hand_made is not None:
            arrays["data/hand_made.npy"] = np.asarray(snapshot.hand_made, dtype=bool)
        if snapshot.lines is not None:
            arrays["data/lines.npy"] = np.asarray(snapshot.lines, dtype=np.int64)
    from gmm_explorer.data.model_file import program_version

    manifest["program_version"] = program_version()
    text = json.dumps(manifest, indent=1, allow_nan=False)

    def write(tmp):
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", text)
            for name, array in arrays.items():
                zf.writestr(name, _npy_bytes(array))

    try:
        atomic_write(path, write, SUFFIX)
    except IsADirectoryError:
        raise SessionFileError("is a folder; give a file name such as work.gmmx",
                               path=path) from None
    except OSError as exc:
        raise SessionFileError(f"cannot be written ({exc.strerror or exc}); choose another "
                               f"path", path=path) from None


# --------------------------------------------------------------------------- reading
def is_session_file(path) -> bool:
    """Whether ``path`` names a session file: its suffix is ``.gmmx``, or it is a zip
    holding a ``manifest.json`` (a renamed session; an ``.npz``, also a zip, holds none).

    Only the zip's directory is read, not the data.
    """
    path = os.fspath(path)
    if path.lower().endswith(SUFFIX):
        return True
    if not os.path.isfile(path) or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return "manifest.json" in zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def read_session(path) -> SessionSnapshot:
    """Read and check a session file.

    Data stored by reference are loaded from their file with
    :func:`gmm_explorer.data.load_data` and checked against the saved hash.

    Raises
    ------
    SessionFileError
        The file is missing, not a session file, damaged or truncated, made
        by a newer version, or its data file is gone or has changed.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise SessionFileError("does not exist; check the name and folder", path=path)
    if os.path.isdir(path):
        raise SessionFileError("is a folder, not a session file", path=path)
    try:
        check_regular(path)  # a zip is read by seeking: a pipe would block, a device never end
    except DataError as exc:
        raise SessionFileError(exc.reason, path=path) from None
    try:
        with zipfile.ZipFile(path) as zf:
            return _read(zf, path)
    except SessionFileError:
        raise
    except zipfile.BadZipFile:
        if _starts_like_a_zip(path):  # cut short: its directory, at the end, is missing
            raise damaged(path, "the file is truncated: it ends before its zip directory")
        raise SessionFileError("is not a GMM Explorer session file (not a zip archive); "
                               "data are opened as a data file (text, .npy or .npz), not as a "
                               "session", path=path) from None
    except OSError as exc:
        raise SessionFileError(f"cannot be read ({exc.strerror or exc})", path=path) from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, EOFError, zlib.error,
            NotImplementedError, RuntimeError) as exc:
        raise damaged(path, f"{type(exc).__name__}: {exc}") from None


def _starts_like_a_zip(path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _read(zf: zipfile.ZipFile, path) -> SessionSnapshot:
    manifest = _read_manifest(zf, path)
    settings = checked_manifest(manifest, path)  # before anything uses the manifest
    data = manifest["data"]
    X, labels, hand_made, lines = _read_data(zf, data, path)
    label_names, class_column = _class_names(data, labels, path)
    history = read_history(zf, manifest["states"], X.shape[1], path)
    current = int(manifest["current"])
    if not 0 <= current < len(history):
        raise damaged(path, f"shown iteration {current} is not in the history")
    axes = tuple(int(a) for a in manifest.get("axes", (0, 1)))
    if len(axes) != 2 or not all(0 <= a < X.shape[1] for a in axes):
        axes = (0, 1) if X.shape[1] > 1 else (0, 0)
    start = None
    if manifest.get("has_start"):
        start = {k: np.asarray(read_array(zf, f"start/{k}.npy", path), dtype=float)
                 for k in ("weights", "means", "covariances")}
    preset = manifest.get("preset") or ""
    if not isinstance(preset, str):
        raise damaged(path, "the preset's name is not text")
    standardize = manifest.get("standardize", False)
    if not isinstance(standardize, bool):
        raise damaged(path, "'standardize' is not true or false")
    return SessionSnapshot(
        model=settings["model"], run=settings["run"], X=X, labels=labels,
        feature_names=[str(n) for n in data.get("feature_names", [])],
        label_names=label_names, class_column=class_column,
        data_name=str(data.get("name", "")), data_path=data.get("path"),
        # how the file was read: a session saved from this one reads it so again
        load_options=_load_options(data.get("load_options") or {}, path)
        if data.get("path") else None,
        data_sha256=data.get("sha256"), history=history, current=current, axes=axes,
        view=manifest.get("view") or {}, start=start, hand_made=hand_made,
        own_model=settings["own_model"], preset=preset,
        standardize=standardize, lines=lines,
    )


def _read_manifest(zf: zipfile.ZipFile, path) -> dict:
    """The manifest, checked to be ours, of a version this program reads, with its sections."""
    try:
        info = zf.getinfo("manifest.json")
    except KeyError:
        raise SessionFileError("is a zip archive but not a GMM Explorer session file (no "
                               "manifest.json)", path=path) from None
    if info.file_size > _MAX_MANIFEST:
        raise SessionFileError("is not a GMM Explorer session file (manifest too large)",
                               path=path)
    try:
        raw = read_member_bytes(zf, "manifest.json", path, _MAX_MANIFEST)
    except DataError as exc:
        raise SessionFileError(exc.reason, path=path) from None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise damaged(path, f"manifest.json is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != SESSION_FORMAT:
        raise SessionFileError("is not a GMM Explorer session file (wrong format name)",
                               path=path)
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise damaged(path, "manifest.json has no format version")
    if version > FORMAT_VERSION:
        raise SessionFileError(f"was written by a newer GMM Explorer (format version "
                               f"{version}); update the program to open it", path=path)
    if not all(isinstance(manifest.get(key), kind) for key, kind in
               (("data", dict), ("model", dict), ("run", dict), ("states", list))):
        raise damaged(path, "manifest.json lacks its data, model, run or states sections")
    return manifest


def _read_data(zf: zipfile.ZipFile, data: dict, path) -> tuple:
    """(X (N, D), labels (N,) or None, hand_made (N,) bool or None, lines (N,) or None):
    embedded or referenced."""
    if data.get("embedded", True):
        X = read_array(zf, "data/X.npy", path)
        if X.dtype.kind not in "biuf":
            raise damaged(path, f"data/X.npy holds {X.dtype}, not real numbers")
        labels = read_array(zf, "data/labels.npy", path) if data.get("has_labels") else None
        lines = read_array(zf, "data/lines.npy", path) if data.get("has_lines") else None
    else:
        X, labels, lines = _load_referenced(data, path)
        if not data.get("has_labels", True):  # saved with no classes: the file's stay unused
            labels = None
    if X.ndim == 2:
        try:
            check_features(X.shape[1], path)
        except DataError as exc:
            raise SessionFileError(exc.reason, path=path) from None
    if X.ndim != 2 or list(X.shape) != list(data["shape"]):
        raise damaged(path, f"the data have shape {X.shape}, expected {data['shape']}")
    if not np.all(np.isfinite(X)):
        raise damaged(path, "the data hold NaN or infinite values")
    X = read_only_data(X)  # the array the engine and the window will share
    if labels is not None and (labels.shape != (X.shape[0],) or labels.dtype.kind not in "iu"
                               or (labels.size and labels.min() < 0)):
        raise damaged(path, f"the classes have shape {labels.shape} and type {labels.dtype}, "
                            f"expected ({X.shape[0]},) codes 0, 1, 2, ...")
    hand_made = None
    if data.get("embedded", True) and data.get("has_hand_made"):
        hand_made = read_array(zf, "data/hand_made.npy", path)
        if hand_made.shape != (X.shape[0],) or hand_made.dtype != bool:
            raise damaged(path, f"data/hand_made.npy has shape {hand_made.shape} and type "
                                 f"{hand_made.dtype}, expected ({X.shape[0]},) bool")
        hand_made = hand_made if hand_made.any() else None
    if lines is not None and (lines.shape != (X.shape[0],) or lines.dtype.kind not in "iu"):
        raise damaged(path, f"the rows' lines have shape {lines.shape} and type "
                            f"{lines.dtype}, expected ({X.shape[0]},) whole numbers")
    return X, labels, hand_made, lines


def _class_names(data: dict, labels, path) -> tuple[list, str]:
    """The classes' names and column; older files have neither (empty then)."""
    names = data.get("label_names") or []
    column = data.get("class_column") or ""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) \
            or not isinstance(column, str):
        raise damaged(path, "the class names are not text")
    if labels is None:
        return [], ""
    if labels.size and names and int(labels.max()) >= len(names):
        raise damaged(path, f"the data have {int(labels.max()) + 1} classes but "
                            f"{len(names)} class names")
    return names, column


def _load_referenced(data: dict, path):
    from gmm_explorer.data import load_data

    source = data.get("path")
    if not source or not os.path.isfile(source):
        raise SessionFileError(f"refers to the data file {source}, which no longer exists; "
                               f"put it back, or save sessions with the data embedded",
                               path=path)
    if data.get("sha256") and file_sha256(source) != data["sha256"]:
        raise SessionFileError(f"refers to the data file {source}, which has changed since "
                               f"the session was saved (its SHA-256 differs); the saved "
                               f"history does not belong to it any more", path=path)
    try:
        loaded = load_data(source, **_load_options(data.get("load_options") or {}, path))
    except DataError as exc:
        raise SessionFileError(f"refers to data that cannot be loaded: {exc}",
                               path=path) from None
    return np.asarray(loaded.X, dtype=float), loaded.labels, loaded.lines


def _load_options(options, path) -> dict:
    """The saved ``load_data`` options of a referenced data file, checked."""
    if not isinstance(options, dict) or set(options) - {"columns", "label_column",
                                                         "drop_missing"}:
        raise damaged(path, "the data file's load options are not columns, label_column "
                            "and drop_missing")
    columns, label = options.get("columns"), options.get("label_column")
    if columns is not None and not (isinstance(columns, list)
                                    and all(isinstance(c, (str, int)) for c in columns)):
        raise damaged(path, "the data file's columns are not a list of names")
    if label is not None and not isinstance(label, (str, int)):
        raise damaged(path, "the data file's class column is not a name")
    if not isinstance(options.get("drop_missing", False), bool):
        raise damaged(path, "the data file's drop_missing is not true or false")
    return {"columns": columns, "label_column": label,
            "drop_missing": options.get("drop_missing", False)}
