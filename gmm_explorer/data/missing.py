"""Missing and non-finite values: refused with their count and first place, or their rows dropped."""

from __future__ import annotations

import numpy as np

from gmm_explorer.data.errors import DataError, describe_column

__all__ = ["drop_or_refuse_missing"]


def _refuse(X, finite, written, feature_names, lines, source):
    """The DataError for missing values: how many, of which kinds, and the first one's place.

    ``written`` marks the cells that were empty or a missing-value token (NA, ?, ...), as
    opposed to NaN or inf written as numbers; shape (N, D), or None for NumPy files.
    """
    bad_rows = ~finite.all(axis=1)
    n_bad_rows = int(bad_rows.sum())
    n_bad_cells = int((~finite).sum())
    first = int(np.argmax(bad_rows))
    first_col = int(np.argmax(~finite[first]))
    where_line = int(lines[first]) if lines is not None else None
    written = written if written is not None else np.zeros_like(finite)
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
    error = DataError(
        f"{n_bad_cells} value{'s' if plural else ''} in {n_bad_rows} {row_word} "
        f"{'are' if plural else 'is'} {' or '.join(kinds)} (the first on "
        f"{first_where}, {col}); fill or remove them, or drop those {row_word} "
        "(drop_missing=True in Python, --drop-missing on the command line)",
        path=source, line=where_line, column=col, line_in_reason=True,
    )
    error.missing_rows = n_bad_rows  # the window offers to drop them
    return error


def _refuse_words(X, strays, feature_names, columns, source):
    """The DataError for words in numeric columns: the first one by line, and how many rows
    hold a missing or non-numeric value (which ``drop_missing`` would drop)."""
    j = min(strays, key=lambda c: strays[c][1])
    count, line, word = strays[j]
    total = sum(s[0] for s in strays.values())
    name = feature_names[list(columns).index(j)] if j in columns else None
    col = describe_column(name, j)
    n_rows = int((~np.isfinite(X).all(axis=1)).sum())
    others = f" (and {total - 1} more such cell{'s' if total > 2 else ''})" if total > 1 else ""
    error = DataError(
        f"{col} holds {word!r}, which is not a number{others}; correct the cell (empty, NA "
        "and NaN are read as missing values), leave the column out (columns= in Python, "
        f"--columns on the command line), or drop the {n_rows} row{'s' if n_rows != 1 else ''}"
        " with missing or non-numeric values (drop_missing=True, --drop-missing)",
        path=source, line=line, column=col)
    error.missing_rows = n_rows  # the window offers to drop them
    return error


def drop_or_refuse_missing(X, labels, lines, *, written, feature_names, drop_missing, source,
                           strays=None, columns=()):
    """Rows with a missing, NaN or infinite feature: refused, or dropped when ``drop_missing``.

    Parameters
    ----------
    X : ndarray of shape (N, D), float64
    labels : ndarray of shape (N,) or None
    lines : ndarray of shape (N,) or None
        The 1-based file line of each row (text files).
    written : ndarray of bool, shape (N, D), or None
        Cells written as missing (see :func:`_refuse`).
    feature_names : tuple of str, length D
    drop_missing : bool
    source : str
    strays : dict, optional
        Words found in the features' columns (file position -> [count, first line, word]);
        their cells are NaN in ``X`` and ``written``.
    columns : tuple of int
        The features' positions in the file (to name a stray word's column).

    Returns
    -------
    X, labels, lines
        Without the dropped rows.
    n_dropped : int
    dropped_lines : tuple of int
        The first (up to 10) dropped lines (text) or 0-based rows (NumPy).
    note : str or None
        What was dropped, for the loader's notes.

    Raises
    ------
    DataError
        When values are missing and ``drop_missing`` is false.
    """
    finite = np.isfinite(X)
    if finite.all():
        return X, labels, lines, 0, (), None
    if not drop_missing:
        if strays:
            raise _refuse_words(X, strays, feature_names, columns, source)
        raise _refuse(X, finite, written, feature_names, lines, source)
    bad_rows = ~finite.all(axis=1)
    keep_rows = ~bad_rows
    n_dropped = int(bad_rows.sum())
    idx = np.flatnonzero(bad_rows)[:10]
    dropped_lines = tuple(int(lines[i]) if lines is not None else int(i) for i in idx)
    X = X[keep_rows]
    if labels is not None:
        labels = labels[keep_rows]
    if lines is not None:
        lines = lines[keep_rows]
    kinds = "missing, non-numeric or non-finite" if strays else "missing or non-finite"
    note = (f"{n_dropped} row{'s' if n_dropped != 1 else ''} with {kinds} values dropped "
            f"(first on "
            f"{'line' if lines is not None else 'row'} {dropped_lines[0]})")
    return X, labels, lines, n_dropped, dropped_lines, note
