"""``load_data``: one call from a file on disk to the (N, D) float64 array EM needs.

>>> data = load_data("resources/iris.csv")            # doctest: +SKIP
>>> data.X.shape, data.feature_names, data.label_names  # doctest: +SKIP
((150, 4), ('Sepal.Length', ...), ('setosa', 'versicolor', 'virginica'))

Formats are recognised by their content first (a NumPy file renamed ``.csv``
still loads), then by the extension. Anything that cannot be used raises a
:class:`~gmm_explorer.data.errors.DataError` that names the file, the line and
the column where they apply, and says what to do.

Loading goes in small steps, each in its own function: open and read the input once and
sniff its kind (``opener.py``), refuse what is not text (``reading.py``), parse (``delimited.py``, ``numpy_files.py``),
known classes (``classes.py``), choose the columns (``columns.py``), missing values
(``missing.py``), and the last checks here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gmm_explorer.data import delimited, numpy_files
from gmm_explorer.data.budgets import check_features
from gmm_explorer.data.classes import numeric_classes, text_classes
from gmm_explorer.data.columns import choose_features, resolve
from gmm_explorer.data.errors import DataError
from gmm_explorer.data.missing import drop_or_refuse_missing
from gmm_explorer.data.opener import Input, read_input
from gmm_explorer.data.reading import check_kind_and_suffix, check_text
from gmm_explorer.datasets.record import Dataset

__all__ = ["DATA_SUFFIXES", "ParsedFile", "load_data"]

_TEXT_HEAD = 1 << 16   # bytes that tell a text file from a binary one
DATA_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".dat", ".data", ".npy", ".npz")


@dataclass
class ParsedFile:
    """A file's columns once parsed, before the features are chosen; the steps refine it.

    Attributes
    ----------
    values : ndarray of shape (N, len(numeric)), float64
        The numeric columns; missing cells are NaN.
    missing : ndarray of bool, shape (N, len(numeric)), or None
        Cells written as missing (text files only).
    all_names : list of str
        Every column of the file, by position.
    numeric : list of int
        The positions (in ``all_names``) of the columns of ``values``.
    labels : ndarray of shape (N,), int, or None
    label_names : tuple of str or None
    label_name : str or None
        The column the classes came from.
    notes : list of str
    lines : ndarray of shape (N,), int, or None
        The 1-based line of each row (text files only).
    strays : dict
        Words in numeric columns (text files only; see ``TextTable.strays``).
    delimiter, encoding : str or None
        What was sniffed (text files only).
    """

    values: np.ndarray
    missing: np.ndarray | None
    all_names: list[str]
    numeric: list[int]
    labels: np.ndarray | None = None
    label_names: tuple[str, ...] | None = None
    label_name: str | None = None
    notes: list[str] = field(default_factory=list)
    lines: np.ndarray | None = None
    strays: dict = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str | None = None


# --------------------------------------------------------------------------- the steps
def _check_folder(path) -> None:
    """Refuse a folder, naming a few data files inside it (the opener refuses other kinds)."""
    p = Path(path)
    if os.fspath(path) != "-" and p.is_dir():
        found = sorted(q.name for q in p.iterdir()
                       if q.is_file() and q.suffix.lower() in DATA_SUFFIXES)[:3]
        hint = f" such as {', '.join(found)}" if found else ""
        raise DataError(f"is a folder, not a file; give a data file inside it{hint}",
                        path=path)


def _parse_numpy(kind, source, *, array_name, label_column, progress, cancel) -> ParsedFile:
    """An ``.npy`` or ``.npz`` file's columns, and its classes (a ``y`` array, a text field)."""
    if kind == "npy":
        X_all, names, labels, label_names, notes, label_name = numpy_files.read_npy(
            source, progress=progress, cancel=cancel)
    else:
        X_all, names, labels, label_names, notes, label_name = numpy_files.read_npz(
            source, array_name=array_name, progress=progress, cancel=cancel)
    names = list(names) if names is not None else [f"x{j}" for j in range(X_all.shape[1])]
    parsed = ParsedFile(values=X_all, missing=None, all_names=names,
                        numeric=list(range(len(names))), labels=labels,
                        label_names=label_names, label_name=label_name, notes=notes)
    if label_column is not None:
        numeric_classes(parsed, resolve(label_column, names, source))
    return parsed


def _parse_text(opened: Input, source, *, delimiter, label_column, progress,
                cancel) -> ParsedFile:
    """A delimited text file's columns, and its classes (the first text column by default).

    A regular file is parsed from the open file, in blocks; a stream from its bytes.
    """
    check_text(opened.data[:_TEXT_HEAD], delimiter, source)
    content = opened.file if opened.file is not None else opened.take()
    table = delimited.read_delimited(
        content, source, delimiter=delimiter, progress=progress, cancel=cancel, force_text=(),
    )
    del content  # the table holds what is needed; a stream's bytes can go before the next steps
    opened.close()
    parsed = ParsedFile(values=table.values, missing=table.missing, strays=table.strays,
                        all_names=table.names,
                        numeric=list(table.numeric), lines=table.lines,
                        delimiter=table.delimiter, encoding=table.encoding,
                        notes=list(table.notes))
    text_classes(parsed, table.text, label_column, source)
    return parsed


def _check_enough_rows(n: int, n_dropped: int, source) -> None:
    if n < 2:
        dropped = f" after dropping {n_dropped} rows with missing values" if n_dropped else ""
        raise DataError(
            f"has {'only one data row' if n == 1 else 'no data rows'}{dropped}; a mixture "
            "needs at least two points (and ten or more per component to be useful)",
            path=source)


def _frozen(array):
    """``array`` made read-only in place: the loader built it and hands it to the record."""
    if array is not None:
        array.setflags(write=False)
    return array


# --------------------------------------------------------------------------- the loader
def load_data(path, *, columns=None, delimiter=None, array_name=None, drop_missing=False,
              label_column=None, progress=None, cancel=None) -> Dataset:
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
    gmm_explorer.datasets.Dataset
        With the file's fields (``source``, ``lines``, ``columns``, ``format``, ...) set.

    Raises
    ------
    DataError
        With the file, line and column where they apply, and what to do.
    LoadCancelled
    """
    source = os.fspath(path)
    _check_folder(path)
    if progress is not None:
        progress(0.0)
    # opened once: a pipe read twice would lose what the first read took. A regular text
    # file stays open for the parser, which reads it in blocks and never holds it whole
    opened = read_input(path, progress=progress, cancel=cancel, text_by_path=True)
    try:
        kind, stream_sha256 = opened.kind, opened.sha256
        check_kind_and_suffix(kind, Path(source), source)
        if kind == "text":
            parsed = _parse_text(opened, source, delimiter=delimiter,
                                 label_column=label_column, progress=progress, cancel=cancel)
        else:
            parsed = _parse_numpy(kind, source, array_name=array_name,
                                  label_column=label_column, progress=progress, cancel=cancel)
    finally:
        opened.close()
    numeric_columns = tuple(parsed.all_names[j] for j in parsed.numeric)
    X, feature_names, file_columns, written = choose_features(columns, parsed, source)
    check_features(X.shape[1], source)
    strays = {j: parsed.strays[j] for j in file_columns if j in parsed.strays}
    X, labels, lines, n_dropped, dropped_lines, note = drop_or_refuse_missing(
        X, parsed.labels, parsed.lines, written=written, feature_names=feature_names,
        drop_missing=drop_missing, source=source, strays=strays, columns=file_columns)
    notes = parsed.notes + ([note] if note is not None else [])
    _check_enough_rows(X.shape[0], n_dropped, source)
    if progress is not None:
        progress(1.0)
    return Dataset(
        X=_frozen(X), feature_names=feature_names, labels=_frozen(labels),
        label_names=tuple(parsed.label_names) if parsed.label_names is not None else (),
        label_column=parsed.label_name, name=os.path.basename(source), source=source,
        n_dropped=n_dropped, lines=_frozen(lines), columns=file_columns, format=kind,
        delimiter=parsed.delimiter, encoding=parsed.encoding, notes=tuple(notes),
        dropped_lines=dropped_lines, numeric_columns=numeric_columns,
        all_columns=tuple(parsed.all_names), stream_sha256=stream_sha256,
    )
