"""Labelled rows: a model's columns in a data file, and the labels CSV written from them.

Shared by ``gmm-explorer predict`` and the window's File → Export labels and
File → Predict file, so that the three write the same format: the row's
line in its file (or its 0-based row), the most probable component, every
component's probability and, when the data have them, the known class.
Qt-free.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.data.errors import DataError

#: Rows formatted at a time, so that a large file never holds all its lines twice.
ROWS_PER_BLOCK = 100000


def model_columns(data, names, n_features: int, *, columns_chosen: bool = False, path=None,
                  how: str = "choose them with --columns") -> np.ndarray:
    """The data's columns a model was fitted on, in its order, shape (N, D).

    Parameters
    ----------
    data : gmm_explorer.datasets.Dataset
        The data file, loaded.
    names : sequence of str
        The model's feature names (empty: match by position).
    n_features : int
        D, the model's number of features.
    columns_chosen : bool
        The person chose the data's columns already: use them as they are.
    path : str, optional
        The data file, for the messages.
    how : str
        How to choose other columns, said at the end of a message.

    Raises
    ------
    DataError
        The data lack one of the model's named columns, or have another number.
    """
    names = list(names or [])
    D = int(n_features)
    X = data.X
    used = list(data.feature_names)
    auto_names = used == [f"x{j}" for j in range(len(used))]
    if not columns_chosen and used != names and names and not auto_names:
        if set(names) <= set(used):
            X = X[:, [used.index(n) for n in names]]
            used = names
        else:
            lacking = [n for n in names if n not in used]
            raise DataError(
                f"lacks the model's column(s) {', '.join(map(repr, lacking))} (it has "
                f"{', '.join(map(repr, used))}); if this is the right model, {how}: the "
                f"{D} columns to use, in the model's order", path=path)
    if X.shape[1] != D:
        raise DataError(
            f"has {X.shape[1]} feature columns ({', '.join(used)}) but the model was fitted "
            f"on {D} ({', '.join(names)}); {how}", path=path)
    return X


def hard_labels(proba: np.ndarray, ids=None) -> np.ndarray:
    """Each row's most probable component, by identity, shape (N,).

    Parameters
    ----------
    proba : ndarray of shape (N, K)
    ids : array-like of shape (K,), optional
        The components' identities (``EMState.component_ids``); default 0 .. K-1.
    """
    k = np.argmax(proba, axis=1)
    return k if ids is None else np.asarray(ids, dtype=int)[k]


def _cell(text: str) -> str:
    """A CSV field, quoted when it holds a comma, a quote or a line break."""
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def labels_csv_text(proba: np.ndarray, *, lines=None, ids=None, classes=None,
                    class_names=()) -> str:
    """The labels CSV, whole: :func:`labels_csv_blocks` joined."""
    return "".join(text for text, _ in labels_csv_blocks(
        proba, lines=lines, ids=ids, classes=classes, class_names=class_names))


def labels_csv_blocks(proba: np.ndarray, *, lines=None, ids=None, classes=None,
                      class_names=(), rows_per_block: int = ROWS_PER_BLOCK):
    """The labels CSV in blocks: ``line`` (or ``row``), ``label``, ``p_<id>`` ..., ``class``.

    A generator, so that a caller in a worker thread can report progress and
    stop between blocks.

    Parameters
    ----------
    proba : ndarray of shape (N, K)
        Each row's probability of each component.
    lines : ndarray of shape (N,), int, optional
        Each row's 1-based line in its text file; without them the first
        column is ``row``, the 0-based row index.
    ids : array-like of shape (K,), optional
        The components' identities, which name the labels and the probability
        columns as the window's table names the components; default 0 .. K-1.
    classes : ndarray of shape (N,), int, optional
        The known class code of each row; a ``class`` column when given.
    class_names : sequence of str
        Names of the class codes (``class_names[code]``); codes without a
        name are written as numbers.
    rows_per_block : int

    Yields
    ------
    text : str
        The header first, then blocks of whole lines.
    rows_done : int
        Rows written so far (0 with the header).
    """
    proba = np.asarray(proba, dtype=float)
    N, K = proba.shape
    ids = np.arange(K) if ids is None else np.asarray(ids, dtype=int)
    labels = hard_labels(proba, ids)
    first = "line" if lines is not None else "row"
    index = np.asarray(lines) if lines is not None else np.arange(N)
    header = [first, "label"] + [f"p_{i}" for i in ids]
    if classes is not None:
        names = [_cell(str(n)) for n in class_names]
        class_text = [names[c] if 0 <= c < len(names) else str(c)
                      for c in np.asarray(classes, dtype=int).tolist()]
        header.append("class")
    yield ",".join(header) + "\n", 0
    for start in range(0, N, rows_per_block):
        stop = min(N, start + rows_per_block)
        block = [
            f"{index[i]},{labels[i]}," + ",".join(map(repr, row))
            + ("" if classes is None else "," + class_text[i])
            for i, row in zip(range(start, stop), proba[start:stop].tolist())
        ]
        yield "\n".join(block) + "\n", stop
