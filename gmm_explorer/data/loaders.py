"""``load_data``: one call from a file on disk to the (N, D) float64 array EM needs.

>>> data = load_data("resources/iris.csv")            # doctest: +SKIP
>>> data.X.shape, data.feature_names, data.label_names  # doctest: +SKIP
((150, 4), ('Sepal.Length', ...), ('setosa', 'versicolor', 'virginica'))

Formats are recognised by their content first (a NumPy file renamed ``.csv``
still loads), then by the extension. Anything that cannot be used raises a
:class:`~gmm_explorer.data.errors.DataError` that names the file, the line and
the column where they apply, and says what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gmm_explorer.data import delimited, numpy_files
from gmm_explorer.data.errors import DataError, LoadCancelled, describe_column

_READ_BLOCK = 1 << 22  # 4 MiB
_TEXT_SHARE = 0.15     # of the progress bar spent reading the bytes of a text file
DATA_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".dat", ".data", ".npy", ".npz")


@dataclass(frozen=True)
class LoadedData:
    """A data file, loaded.

    Attributes
    ----------
    X : ndarray of shape (N, D), float64
        The numeric columns chosen as features; every value finite.
    feature_names : tuple of str
        One per column of X (``x0``, ``x1``, ... when the file has no names).
    labels : ndarray of shape (N,) of int, or None
        Known classes (from a text column, or a ``y`` array of an .npz), coded
        0..C-1; None when the file has none.
    label_names : tuple of str
        The class names, ``label_names[labels[i]]`` is row i's class.
    label_column : str or None
        Where the classes came from.
    source : str
        The file, as given.
    n_dropped : int
        Rows left out because of missing or non-finite values (``drop_missing``).
    lines : ndarray of shape (N,) of int, or None
        For text files, the 1-based line of each row (to match results with the file).
    columns : tuple of int
        Positions of the features among the file's columns (or fields).
    format : str
        ``"text"``, ``"npy"`` or ``"npz"``.
    delimiter, encoding : str or None
        For text files: what was sniffed.
    notes : tuple of str
        What the loader decided that a person should know (a text column not
        used, where the classes came from, ...).
    dropped_lines : tuple of int
        The first (up to 10) dropped lines (text) or rows (NumPy, 0-based).
    """

    X: np.ndarray
    feature_names: tuple
    labels: np.ndarray | None = None
    label_names: tuple = ()
    label_column: str | None = None
    source: str = ""
    n_dropped: int = 0
    lines: np.ndarray | None = None
    columns: tuple = ()
    format: str = "text"
    delimiter: str | None = None
    encoding: str | None = None
    notes: tuple = field(default=())
    dropped_lines: tuple = ()

    @property
    def class_names(self) -> tuple:
        """Alias of :attr:`label_names`."""
        return self.label_names

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    def describe(self) -> str:
        """One line for logs: file, size, columns, classes, dropped rows."""
        text = (f"{os.path.basename(self.source) or 'data'}: {self.n_samples} points, "
                f"{self.n_features} features ({', '.join(self.feature_names)})")
        if self.labels is not None:
            text += f", {len(self.label_names)} known classes in {self.label_column!r}"
        if self.n_dropped:
            text += f", {self.n_dropped} rows with missing values dropped"
        return text


# --------------------------------------------------------------------------- reading bytes
def _check_path(path) -> Path:
    p = Path(path)
    if not p.exists():
        hint = ""
        if not p.is_absolute():
            hint = f" (relative to {os.getcwd()})"
        raise DataError(f"no such file{hint}; check the name and the folder", path=path)
    if p.is_dir():
        found = sorted(q.name for q in p.iterdir()
                       if q.is_file() and q.suffix.lower() in DATA_SUFFIXES)[:3]
        hint = f" such as {', '.join(found)}" if found else ""
        raise DataError(f"is a folder, not a file; give a data file inside it{hint}",
                        path=path)
    return p


def _read_bytes(p: Path, path, progress, cancel, share) -> bytes:
    try:
        size = p.stat().st_size
        buf = bytearray(size)
        view = memoryview(buf)
        done = 0
        with open(p, "rb") as fh:
            while done < size:
                if cancel is not None and cancel():
                    raise LoadCancelled(path)
                n = fh.readinto(view[done:done + _READ_BLOCK])
                if not n:
                    break
                done += n
                if progress is not None:
                    progress(share * done / size)
            rest = fh.read()  # the file grew while we read it
        view.release()
        if done < size:
            del buf[done:]
        return bytes(buf) + rest if rest else buf
    except PermissionError:
        raise DataError("cannot be read: permission denied; check the file's permissions",
                        path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file; give a data file inside it",
                        path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc}); check the file",
                        path=path) from None


def _sniff_kind(p: Path) -> str:
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise DataError("cannot be read: permission denied; check the file's permissions",
                        path=str(p)) from None
    if head.startswith(numpy_files.NPY_MAGIC):
        return "npy"
    if head.startswith(numpy_files.ZIP_MAGIC):
        return "npz"
    return "text"


# --------------------------------------------------------------------------- columns
def _resolve(spec, names, path, what="column"):
    """A 0-based position from a name or a position (int, or a string of digits)."""
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        j = int(spec)
        if -len(names) <= j < len(names):
            return j % len(names)
        raise DataError(
            f"has no {what} at position {j}: positions run from 0 to {len(names) - 1} "
            f"({', '.join(names)})", path=path)
    s = str(spec).strip()
    if s in names:
        return names.index(s)
    lowered = [n.lower() for n in names]
    if s.lower() in lowered and lowered.count(s.lower()) == 1:
        return lowered.index(s.lower())
    if s.lstrip("-").isdigit():
        return _resolve(int(s), names, path, what)
    raise DataError(
        f"has no {what} named {s!r}; its columns are {', '.join(map(repr, names))} "
        "(or give 0-based positions)", path=path)


def _split_specs(columns):
    if columns is None:
        return None
    if isinstance(columns, (str, int, np.integer)):
        columns = [columns]
    out = []
    for c in columns:
        if isinstance(c, str) and "," in c:
            out.extend(part for part in c.split(",") if part.strip())
        else:
            out.append(c)
    return out


# --------------------------------------------------------------------------- the loader
def load_data(path, *, columns=None, delimiter=None, array_name=None, drop_missing=False,
              label_column=None, progress=None, cancel=None) -> LoadedData:
    """Load a data file: delimited text, ``.npy`` or ``.npz``.

    Parameters
    ----------
    path : str or Path
    columns : sequence of str or int, or None
        The features, by name or 0-based position (a string ``"a,b"`` is split
        at commas). None takes every numeric column.
    delimiter : str or None
        Text files only; None sniffs comma, tab, semicolon or whitespace.
        ``"tab"`` and ``"whitespace"`` are accepted by name.
    array_name : str or None
        ``.npz`` only: which array holds the data.
    drop_missing : bool
        False (default) refuses missing, NaN or infinite values with their
        count and first line; True drops those rows and reports ``n_dropped``.
    label_column : str or int or None
        Read this column as the known classes even if it holds numbers
        (e.g. class codes 0, 1, 2). By default the first text column is.
    progress : callable(float) or None
        Called with the fraction done, from 0 to 1.
    cancel : callable() -> bool or None
        Polled while loading; returning True raises :class:`LoadCancelled`.

    Returns
    -------
    LoadedData

    Raises
    ------
    DataError
        With the file, line and column where they apply, and what to do.
    LoadCancelled
    """
    source = os.fspath(path)
    p = _check_path(path)
    if progress is not None:
        progress(0.0)
    kind = _sniff_kind(p)
    suffix = p.suffix.lower()
    if kind == "text" and suffix in (".npy", ".npz"):
        raise DataError(
            f"is named {suffix} but is not a NumPy file (it does not start with NumPy's "
            f"{'header' if suffix == '.npy' else 'zip signature'}); save it again with "
            f"np.{'save' if suffix == '.npy' else 'savez'}, or rename it if it is text",
            path=source)
    notes: list[str] = []
    lines = None
    delim = encoding = None
    label_name = None
    if kind in ("npy", "npz"):
        if kind == "npy":
            X_all, names, labels, label_names, notes, label_name = numpy_files.read_npy(
                source, progress=progress, cancel=cancel)
        else:
            X_all, names, labels, label_names, notes, label_name = numpy_files.read_npz(
                source, array_name=array_name, progress=progress, cancel=cancel)
        names = list(names) if names is not None else [f"x{j}" for j in range(X_all.shape[1])]
        missing_mask = None
        all_names = names
        numeric_positions = list(range(len(names)))
        if label_column is not None:
            j = _resolve(label_column, names, source)
            labels, label_names = numpy_files.encode_labels(X_all[:, j])
            label_name = names[j]
            keep = [k for k in range(len(names)) if k != j]
            X_all = X_all[:, keep]
            numeric_positions = keep
            names = [names[k] for k in keep]
        values = X_all
    else:
        data = _read_bytes(p, source, progress, cancel, _TEXT_SHARE)
        if len(data) < 65536 and not data.strip():
            raise DataError("is empty; give a file with a header line and rows of numbers",
                            path=source)
        bad = delimited.looks_binary(data)
        if bad is not None:
            raise DataError(
                f"is not a text table: it holds binary data (byte {bad} is "
                f"0x{data[bad]:02x}); GMM Explorer reads delimited text (.csv, .tsv, .txt) "
                "and NumPy .npy/.npz files, so export your data to one of those",
                path=source)
        try:
            delimited.normalize_delimiter(delimiter)
        except ValueError as exc:
            raise DataError(str(exc), path=source) from None
        table = delimited.read_delimited(
            data, source, delimiter=delimiter, progress=progress, cancel=cancel,
            progress_span=(_TEXT_SHARE, 1.0), force_text=(),
        )
        del data
        all_names = table.names
        delim, encoding = table.delimiter, table.encoding
        lines = table.lines
        labels = label_names = None
        text_positions = sorted(table.text)
        numeric_positions = list(table.numeric)
        values = table.values
        missing_mask = table.missing
        if label_column is not None:
            j = _resolve(label_column, all_names, source)
            label_name = all_names[j]
            if j in table.text:
                labels, label_names = numpy_files.encode_labels(table.text[j])
            else:
                i = numeric_positions.index(j)
                col = values[:, i]
                if not np.all(np.isfinite(col)):
                    bad_row = int(np.argmax(~np.isfinite(col)))
                    raise DataError(
                        f"the class column {label_name!r} has a missing value; give every "
                        "row a class", path=source, line=int(lines[bad_row]))
                labels, label_names = numpy_files.encode_labels(col)
                keep = [k for k in range(len(numeric_positions)) if k != i]
                values = values[:, keep]
                missing_mask = missing_mask[:, keep]
                numeric_positions = [numeric_positions[k] for k in keep]
        elif text_positions:
            j = text_positions[0]
            label_name = all_names[j]
            labels, label_names = numpy_files.encode_labels(table.text[j])
        for j in text_positions:
            if j != (all_names.index(label_name) if label_name is not None else None):
                sample = str(table.text[j][0]).strip() if len(table.text[j]) else ""
                notes.append(f"{describe_column(all_names[j], j)} holds text (e.g. "
                             f"{sample!r}) and was not used")
        if label_name is not None:
            notes.insert(0, f"known classes ({len(label_names)}) from column {label_name!r}")
        names = [all_names[j] for j in numeric_positions]

    # Choose the features.
    specs = _split_specs(columns)
    if specs is not None:
        if not specs:
            raise DataError("no columns were chosen; name at least one", path=source)
        chosen = []
        for spec in specs:
            j = _resolve(spec, all_names, source)
            if j not in numeric_positions:
                what = all_names[j]
                if what == label_name:
                    raise DataError(
                        f"column {what!r} holds the known classes (text), not numbers; "
                        "choose numeric columns as features", path=source)
                raise DataError(f"column {what!r} holds text, not numbers; choose numeric "
                                "columns as features", path=source)
            i = numeric_positions.index(j)
            if i in chosen:
                raise DataError(f"column {all_names[j]!r} is chosen twice; name each column "
                                "once", path=source)
            chosen.append(i)
    else:
        chosen = list(range(len(numeric_positions)))
    if not chosen:
        raise DataError(
            "has no numeric columns (every column holds text); GMM Explorer fits numbers: "
            "check the delimiter, or give a file with numeric columns", path=source)
    X = np.ascontiguousarray(values[:, chosen], dtype=np.float64)
    feature_names = tuple(names[i] for i in chosen)
    file_columns = tuple(int(numeric_positions[i]) for i in chosen)
    if missing_mask is not None:
        missing_mask = missing_mask[:, chosen]

    # Rows.
    n_dropped = 0
    dropped_lines: tuple = ()
    finite = np.isfinite(X)
    if not finite.all():
        bad_rows = ~finite.all(axis=1)
        n_bad_rows = int(bad_rows.sum())
        n_bad_cells = int((~finite).sum())
        first = int(np.argmax(bad_rows))
        first_col = int(np.argmax(~finite[first]))
        where_line = int(lines[first]) if lines is not None else None
        if not drop_missing:
            written = missing_mask if missing_mask is not None else np.zeros_like(finite)
            kinds = []
            if written.any():
                kinds.append("missing")
            if (np.isnan(X) & ~written).any():
                kinds.append("NaN")
            if np.isinf(X).any():
                kinds.append("infinite")
            row_word = "row" if n_bad_rows == 1 else "rows"
            first_where = f"line {where_line}" if lines is not None else f"row {first}"
            col = describe_column(feature_names[first_col], first_col)
            plural = n_bad_cells != 1
            raise DataError(
                f"{n_bad_cells} value{'s' if plural else ''} in {n_bad_rows} {row_word} "
                f"{'are' if plural else 'is'} {' or '.join(kinds)} (the first on "
                f"{first_where}, {col}); fill or remove them, or drop those {row_word} "
                "(drop_missing=True in Python, --drop-missing on the command line)",
                path=source, line=where_line, column=col, line_in_reason=True,
            )
        keep_rows = ~bad_rows
        n_dropped = n_bad_rows
        idx = np.flatnonzero(bad_rows)[:10]
        dropped_lines = tuple(int(lines[i]) if lines is not None else int(i) for i in idx)
        X = X[keep_rows]
        if labels is not None:
            labels = labels[keep_rows]
        if lines is not None:
            lines = lines[keep_rows]
        notes.append(f"{n_dropped} row{'s' if n_dropped != 1 else ''} with missing or "
                     f"non-finite values dropped (first on "
                     f"{'line' if lines is not None else 'row'} {dropped_lines[0]})")

    n = X.shape[0]
    if n < 2:
        dropped = f" after dropping {n_dropped} rows with missing values" if n_dropped else ""
        raise DataError(
            f"has {'only one data row' if n == 1 else 'no data rows'}{dropped}; a mixture "
            "needs at least two points (and ten or more per component to be useful)",
            path=source)
    if progress is not None:
        progress(1.0)
    return LoadedData(
        X=X, feature_names=feature_names, labels=labels,
        label_names=tuple(label_names) if label_names is not None else (),
        label_column=label_name, source=source, n_dropped=n_dropped, lines=lines,
        columns=file_columns, format=kind, delimiter=delim, encoding=encoding,
        notes=tuple(notes), dropped_lines=dropped_lines,
    )
