"""NumPy ``.npy`` and ``.npz`` files, read with ``allow_pickle=False`` always.

A file that holds Python objects (an object array, which numpy stores
pickled) is refused before anything in it is unpickled: unpickling can run
arbitrary code.

Accepted arrays: 1-D (N values, one feature), 2-D (N, D) of numbers or
booleans, or a 1-D structured array whose numeric fields become the features
(named after the fields) and whose string field becomes the known classes. In
an ``.npz``, ``array_name`` chooses the array; without it a single array is
taken, or the array called ``X`` (``x``, ``data``) with ``y`` (``labels``,
``target``) as the known classes, as scikit-learn's datasets are saved, and
an optional ``feature_names`` array of strings.

Nothing is allocated before the budgets (:mod:`~gmm_explorer.data.budgets`)
are checked against what the file says: an ``.npy`` header's shape (which
must also fit in the file), an ``.npz`` member's directory entry and header
(:mod:`~gmm_explorer.data.zip_members`).
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from gmm_explorer.data.budgets import check_values, human_bytes
from gmm_explorer.data.errors import DataError, LoadCancelled
from gmm_explorer.data.zip_members import read_npy_member

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip, or an empty zip
_DATA_NAMES = ("X", "x", "data")
_LABEL_NAMES = ("y", "labels", "label", "target")
_CHUNK_ROWS = 262144

_PICKLE_HELP = (
    "it holds Python objects (a pickled object array), and GMM Explorer never unpickles "
    "files because that can run code; save a plain numeric array instead, e.g. "
    "np.save(path, np.asarray(X, dtype=float))"
)


#: What a damaged header raises while numpy parses it (its dict is read with ast).
_HEADER_DAMAGE = (ValueError, OSError, EOFError, SyntaxError, TypeError, RecursionError,
                  UnicodeDecodeError, OverflowError, MemoryError)


def _is_pickle_refusal(exc: Exception) -> bool:
    return "allow_pickle" in str(exc) or "Object arrays" in str(exc)


def _npy_header(path):
    """(shape, fortran_order, dtype, data offset) from an .npy header, without reading the data."""
    fmt = np.lib.format
    with open(path, "rb") as fh:
        version = fmt.read_magic(fh)
        read_header = fmt.read_array_header_1_0 if version == (1, 0) else \
            fmt.read_array_header_2_0
        shape, fortran, dtype = read_header(fh)
        return shape, fortran, dtype, fh.tell()


def read_npy(path, *, progress=None, cancel=None):
    """(X, feature_names or None, labels or None, label_names or None, notes, label source).

    The header's shape is checked against the budget and the file's size before
    the data are mapped, so a header that lies allocates nothing.
    """
    damaged = ("is not a readable .npy file ({}); it may be truncated or damaged: "
               "save it again with np.save")
    try:
        shape, _, dtype, offset = _npy_header(path)
        if any(int(n) < 0 for n in shape):
            raise ValueError(f"negative shape {shape}")
    except _HEADER_DAMAGE as exc:
        raise DataError(damaged.format(f"{type(exc).__name__}: {exc}"), path=path) from None
    if dtype.hasobject:
        raise DataError(_PICKLE_HELP, path=path)
    check_values(shape, path, itemsize=dtype.itemsize)
    need = int(np.prod(shape, dtype=object)) * dtype.itemsize
    size = os.path.getsize(path)
    if offset + need > size:
        raise DataError(f"its header says shape {tuple(shape)} ({human_bytes(need)}) but the "
                        f"file holds {human_bytes(max(size - offset, 0))} of data; it is "
                        "truncated or damaged: save it again with np.save", path=path)
    if offset + need < size:
        # np.save writes nothing after the data: more bytes mean the header's shape
        # undercounts them, and reading only what it says would drop rows silently
        raise DataError(f"its header says shape {tuple(shape)} ({human_bytes(need)}) but the "
                        f"file holds {human_bytes(size - offset)} of data; the header is "
                        "wrong or the file was appended to: save it again with np.save",
                        path=path)
    try:
        try:
            arr = np.load(path, mmap_mode="r", allow_pickle=False)
        except (ValueError, OSError) as exc:
            if "mmap length" in str(exc) or "cannot mmap" in str(exc).lower():
                raise
            arr = np.load(path, allow_pickle=False)
    except ValueError as exc:
        if _is_pickle_refusal(exc):
            raise DataError(_PICKLE_HELP, path=path) from None
        raise DataError(damaged.format(exc), path=path) from None
    except (OSError, EOFError) as exc:
        raise DataError(damaged.format(exc), path=path) from None
    return _from_array(arr, path, progress=progress, cancel=cancel)


def _npz_members(path) -> tuple[zipfile.ZipFile, dict]:
    """The open archive and its arrays by np.load's names (``X`` -> member ``X.npy``)."""
    try:
        zf = zipfile.ZipFile(path)
        members = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise DataError(
            f"is a zip archive but not a readable NumPy .npz file ({exc}); if it is a "
            "spreadsheet, save it as CSV; else save it again with np.savez", path=path) from None
    arrays = {m.removesuffix(".npy"): m for m in members if m.endswith(".npy")}
    return zf, arrays


def list_npz(path) -> list[str]:
    """Names of the arrays in an ``.npz`` file."""
    zf, arrays = _npz_members(path)
    with zf:
        return list(arrays)


def read_npz(path, *, array_name=None, progress=None, cancel=None):
    """(X, feature_names or None, labels or None, label_names or None, notes, label source).

    Members are read within the budgets (:mod:`~gmm_explorer.data.zip_members`).
    """
    zf, arrays = _npz_members(path)
    with zf:
        files = list(arrays)
        if zf.namelist() and not files:
            raise DataError(
                "is a zip archive but not a NumPy .npz file (it holds no .npy arrays); if it "
                "is a spreadsheet, save it as CSV", path=path)
        if not files:
            raise DataError("is an .npz file with no arrays in it; save your data with "
                            "np.savez(path, X=X)", path=path)

        def get(name):
            return read_npy_member(zf, arrays[name], path, pickle_help=_PICKLE_HELP)

        label_array = None
        if array_name is not None:
            if array_name not in files:
                raise DataError(
                    f"has no array named {array_name!r}; its arrays are "
                    f"{', '.join(map(repr, files))}", path=path)
            name = array_name
        elif len(files) == 1:
            name = files[0]
        else:
            name = next((n for n in _DATA_NAMES if n in files), None)
            if name is None:
                raise DataError(
                    f"holds several arrays ({', '.join(map(repr, files))}); choose one "
                    "(array_name= in Python, --array NAME on the command line)", path=path)
            label_array = next((n for n in _LABEL_NAMES if n in files), None)
        arr = get(name)
        names = None
        if "feature_names" in files and name != "feature_names":
            fn = get("feature_names")
            if fn.ndim == 1 and fn.dtype.kind in "US":
                names = [str(v) for v in fn.tolist()]
        X, fnames, labels, label_names, notes, label_source = _from_array(
            arr, path, progress=progress, cancel=cancel, what=f"array {name!r}")
        if names is not None and len(names) == X.shape[1]:
            fnames = names
        if label_array is not None and labels is None:
            y = get(label_array)
            if y.ndim != 1 or len(y) != X.shape[0]:
                notes.append(f"array {label_array!r} was not used as known classes: it has "
                             f"shape {y.shape}, not ({X.shape[0]},)")
            else:
                labels, label_names = encode_labels(y)
                label_source = label_array
                notes.append(f"known classes from array {label_array!r}")
        return X, fnames, labels, label_names, notes, label_source


def encode_labels(values) -> tuple[np.ndarray, tuple]:
    """Integer codes 0..C-1 and the class names.

    Text classes (stripped of surrounding spaces) are numbered in order of
    first appearance, as the built-in iris; numeric classes in increasing
    order. A blank name reads ``(blank)``.
    """
    values = np.asarray(values)
    if values.dtype.kind in "biuf":
        uniq, inverse = np.unique(values, return_inverse=True)
        names = tuple(_number_name(v) for v in uniq.tolist())
        return inverse.ravel().astype(np.int64), names
    mapping: dict = {}
    codes = np.fromiter(
        (mapping.setdefault(str(v).strip(), len(mapping)) for v in values.ravel().tolist()),
        dtype=np.int64, count=values.size)
    names = tuple(name if name != "" else "(blank)" for name in mapping)
    return codes, names


def _number_name(v) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _from_array(arr, path, *, progress=None, cancel=None, what="the array"):
    notes: list[str] = []
    dt = arr.dtype
    if dt.names is not None:  # structured: fields become columns
        if arr.ndim != 1:
            raise DataError(f"{what} is a structured array of shape {arr.shape}; "
                            "expected one dimension (one record per point)", path=path)
        numeric = [n for n in dt.names if dt[n].kind in "biuf" and dt[n].shape == ()]
        textual = [n for n in dt.names if dt[n].kind in "US"]
        other = [n for n in dt.names if n not in numeric and n not in textual]
        if not numeric:
            raise DataError(f"{what} has no numeric fields (fields: {', '.join(dt.names)}); "
                            "save the measurements as numbers", path=path)
        X = np.column_stack([np.asarray(arr[n], dtype=np.float64) for n in numeric])
        labels = label_names = None
        if textual:
            labels, label_names = encode_labels(np.asarray(arr[textual[0]]).astype(str))
            notes.append(f"known classes from field {textual[0]!r}")
            for n in textual[1:]:
                notes.append(f"field {n!r} holds text and was not used")
        for n in other:
            notes.append(f"field {n!r} has type {dt[n]} and was not used")
        return X, list(numeric), labels, label_names, notes, (textual[0] if textual else None)
    if dt.kind == "O":
        raise DataError(f"{what}: {_PICKLE_HELP}", path=path)
    if dt.kind == "c":
        raise DataError(f"{what} holds complex numbers; give real values, e.g. the real "
                        "and imaginary parts as two columns", path=path)
    if dt.kind in "US":
        raise DataError(f"{what} holds text ({dt}), not numbers; save it as a numeric "
                        "array, e.g. np.asarray(X, dtype=float)", path=path)
    if dt.kind not in "biuf":
        raise DataError(f"{what} has type {dt}, which is not numeric; save it as float",
                        path=path)
    if arr.ndim == 0:
        raise DataError(f"{what} is a single number, not a table of points; save an "
                        "(N, D) array", path=path)
    if arr.ndim > 2:
        raise DataError(f"{what} has shape {arr.shape}; expected (N, D), one row per point "
                        f"(reshape it, e.g. X.reshape(len(X), -1))", path=path)
    if arr.ndim == 1:
        arr = arr[:, None]
    n = arr.shape[0]
    X = np.empty(arr.shape, dtype=np.float64)
    for start in range(0, max(n, 1), _CHUNK_ROWS):
        if cancel is not None and cancel():
            raise LoadCancelled(path)
        stop = min(n, start + _CHUNK_ROWS)
        try:
            X[start:stop] = arr[start:stop]
        except (OSError, ValueError) as exc:
            raise DataError(f"{what} cannot be read ({exc}); the file may be truncated",
                            path=path) from None
        if progress is not None:
            progress(stop / n if n else 1.0)
    return X, None, None, None, notes, None
