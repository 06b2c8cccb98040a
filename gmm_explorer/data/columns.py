"""Columns by name or position, and the choice of the features among a file's columns."""

from __future__ import annotations

import numpy as np

from gmm_explorer.data.errors import DataError

__all__ = ["choose_features", "resolve", "split_specs"]


def resolve(spec, names, path, what="column") -> int:
    """A 0-based position from a name or a position (int, or a string of digits).

    A name matches exactly, else case-insensitively when only one column matches; a negative
    position counts from the end.
    """
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
        return resolve(int(s), names, path, what)
    raise DataError(
        f"has no {what} named {s!r}; its columns are {', '.join(map(repr, names))} "
        "(or give 0-based positions)", path=path)


def split_specs(columns):
    """The column specs as a list (a string ``"a,b"`` split at commas), or None for all."""
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


def _chosen(specs, all_names, numeric, label_name, source) -> list:
    """Indices into ``numeric`` of the columns ``specs`` names, each once and numeric."""
    if not specs:
        raise DataError("no columns were chosen; name at least one", path=source)
    chosen = []
    for spec in specs:
        j = resolve(spec, all_names, source)
        if j not in numeric:
            what = all_names[j]
            if what == label_name:
                raise DataError(
                    f"column {what!r} holds the known classes (text), not numbers; "
                    "choose numeric columns as features", path=source)
            raise DataError(f"column {what!r} holds text, not numbers; choose numeric "
                            "columns as features", path=source)
        i = numeric.index(j)
        if i in chosen:
            raise DataError(f"column {all_names[j]!r} is chosen twice; name each column "
                            "once", path=source)
        chosen.append(i)
    return chosen


def choose_features(columns, table, source):
    """The features the user asked for (``columns``), or every numeric column.

    Parameters
    ----------
    columns : sequence of str or int, or None
        As :func:`~gmm_explorer.data.load_data`'s ``columns``.
    table : gmm_explorer.data.loaders.ParsedFile
        The file's columns: ``values`` of shape (N, len(numeric)), ``missing`` (same shape,
        or None), ``all_names``, ``numeric`` (positions of ``values``' columns) and
        ``label_name``.
    source : str
        The file, for messages.

    Returns
    -------
    X : ndarray of shape (N, D), float64, C-contiguous
    feature_names : tuple of str, length D
    file_columns : tuple of int, length D
        Positions of the features among the file's columns.
    missing : ndarray of bool, shape (N, D), or None
    """
    numeric = table.numeric
    specs = split_specs(columns)
    if specs is not None:
        chosen = _chosen(specs, table.all_names, numeric, table.label_name, source)
    else:
        chosen = list(range(len(numeric)))
    if not chosen:
        raise DataError(
            "has no numeric columns (every column holds text); GMM Explorer fits numbers: "
            "check the delimiter, or give a file with numeric columns", path=source)
    if chosen == list(range(table.values.shape[1])):
        # every column in order: the parsed values themselves, since a fancy-indexed
        # copy would hold the data twice at the load's peak
        X = np.ascontiguousarray(table.values, dtype=np.float64)
    else:
        X = np.ascontiguousarray(table.values[:, chosen], dtype=np.float64)
    feature_names = tuple(table.all_names[numeric[i]] for i in chosen)
    file_columns = tuple(int(numeric[i]) for i in chosen)
    missing = table.missing[:, chosen] if table.missing is not None else None
    return X, feature_names, file_columns, missing
