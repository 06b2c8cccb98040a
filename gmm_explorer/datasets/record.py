"""``Dataset``: the one record of data to fit, whether built in, generated or loaded from a file.

:func:`~gmm_explorer.datasets.load_builtin` and :func:`gmm_explorer.data.load_data` both return
it; the fields about a file (``lines``, ``delimiter``, ...) keep their defaults for built-ins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from gmm_explorer.words import counted

__all__ = ["Dataset"]


def _read_only(values, dtype) -> np.ndarray:
    """``values`` as a read-only array of ``dtype``.

    An array that is already read-only and of that dtype is kept as it is: the loaders freeze
    the arrays they built and hand them over, so a million-row file is not copied. Anything
    else is copied before it is frozen, so that freezing never reaches into an array the
    caller may still write.
    """
    if isinstance(values, np.ndarray) and values.dtype == dtype and not values.flags.writeable:
        return values
    array = np.array(values, dtype=dtype, copy=True)
    array.setflags(write=False)
    return array


def _per_row(values, dtype, what: str, n_rows: int) -> np.ndarray | None:
    """One value per row, read-only, shape (n_rows,); None stays None."""
    if values is None:
        return None
    array = _read_only(values, dtype)
    if array.shape != (n_rows,):
        raise ValueError(f"Dataset {what} must have shape ({n_rows},); got {array.shape}")
    return array


@dataclass(frozen=True, eq=False, kw_only=True)
class Dataset:
    """A data set to fit, with what is known about it. Its arrays are read-only.

    Attributes
    ----------
    X : ndarray of shape (N, D), float64
        The features. For a file, the numeric columns chosen, every value finite.
    feature_names : tuple of str, length D
        One per column of X (``x0``, ``x1``, ... when there are no names).
    labels : ndarray of shape (N,), int, or None
        True classes coded 0..C-1 (the blob a point came from, iris's species, a file's class
        column or an .npz's ``y``), when known.
    label_names : tuple of str
        The name of each label value, ``label_names[labels[i]]`` is row i's class; empty when
        the classes have no names (generated blobs) or there are none.
    name : str
        A short name: the one :func:`~gmm_explorer.datasets.load_builtin` knows it by, or the
        file's name.
    description : str
        One or two sentences for people (empty for files).
    source : str
        Where the numbers come from: a reference, the call that generated them, or the file as
        the user gave it.
    label_column : str or None
        The file's column the classes came from.
    n_dropped : int
        Rows of a file left out because of missing or non-finite values (``drop_missing``).
    lines : ndarray of shape (N,), int, or None
        For text files, the 1-based line of each row (to match results with the file).
    columns : tuple of int
        Positions of the features among the file's columns (or fields).
    format : str
        ``"builtin"`` (made in memory), ``"text"``, ``"npy"`` or ``"npz"``.
    delimiter, encoding : str or None
        For text files: what was sniffed.
    notes : tuple of str
        What the loader decided that a person should know (a text column not used, where the
        classes came from, ...).
    dropped_lines : tuple of int
        The first (up to 10) dropped lines (text) or rows (NumPy, 0-based).
    numeric_columns : tuple of str
        For files, every numeric column that could be a feature (``feature_names``
        are those chosen); empty for built-ins.
    all_columns : tuple of str
        For files, every column of the file by position (any may hold the classes).
    stream_sha256 : str or None
        SHA-256 of the bytes read from a stream (stdin, a pipe), which cannot be read again
        to hash it; None for a file on disk.
    """

    X: np.ndarray
    feature_names: tuple[str, ...]
    labels: np.ndarray | None = None
    label_names: tuple[str, ...] = ()
    name: str = ""
    description: str = ""
    source: str = ""
    label_column: str | None = None
    n_dropped: int = 0
    lines: np.ndarray | None = None
    columns: tuple[int, ...] = ()
    format: str = "builtin"
    delimiter: str | None = None
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    dropped_lines: tuple[int, ...] = ()
    numeric_columns: tuple[str, ...] = ()
    all_columns: tuple[str, ...] = ()
    stream_sha256: str | None = None

    def __post_init__(self):
        X = _read_only(self.X, np.float64)
        if X.ndim != 2:
            raise ValueError(f"Dataset X must be 2-D (N, D); got shape {X.shape}")
        object.__setattr__(self, "X", X)
        feature_names = tuple(str(f) for f in self.feature_names)
        if len(feature_names) != X.shape[1]:
            raise ValueError(
                f"Dataset has {X.shape[1]} features but {len(feature_names)} feature names"
            )
        object.__setattr__(self, "feature_names", feature_names)
        object.__setattr__(self, "labels", _per_row(self.labels, int, "labels", X.shape[0]))
        object.__setattr__(self, "lines", _per_row(self.lines, np.int64, "lines", X.shape[0]))
        object.__setattr__(self, "label_names", tuple(str(n) for n in self.label_names))
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "dropped_lines", tuple(self.dropped_lines))
        object.__setattr__(self, "numeric_columns", tuple(str(c) for c in self.numeric_columns))
        object.__setattr__(self, "all_columns", tuple(str(c) for c in self.all_columns))

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int | None:
        """Number of distinct labels, or None without labels."""
        return None if self.labels is None else int(np.unique(self.labels).size)

    @property
    def class_names(self) -> tuple[str, ...]:
        """Alias of :attr:`label_names`."""
        return self.label_names

    def describe(self) -> str:
        """One line for logs: file (or name), size, columns, classes, dropped rows."""
        shown = self.name if self.format == "builtin" else os.path.basename(self.source)
        text = (f"{shown or 'data'}: {counted(self.n_samples, 'point')}, "
                f"{counted(self.n_features, 'feature')} ({', '.join(self.feature_names)})")
        if self.labels is not None:
            text += f", {len(self.label_names) or self.n_classes} known classes"
            if self.label_column is not None:
                text += f" in {self.label_column!r}"
        if self.n_dropped:
            text += f", {counted(self.n_dropped, 'row')} with missing values dropped"
        return text
