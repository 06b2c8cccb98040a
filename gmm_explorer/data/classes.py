"""Known classes: which column holds them, coded 0..C-1 with their names.

By default the first text column of a text file holds them (iris's species), and an ``.npz``
its ``y`` array; ``label_column`` names another column, even a numeric one (class codes).
Both functions change the :class:`~gmm_explorer.data.loaders.ParsedFile` they are given.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.data import numpy_files
from gmm_explorer.data.columns import resolve
from gmm_explorer.data.errors import DataError, describe_column

__all__ = ["numeric_classes", "text_classes"]


def _take_out(parsed, i: int) -> None:
    """Remove the ``i``-th numeric column from the features (it holds the classes)."""
    keep = [k for k in range(len(parsed.numeric)) if k != i]
    parsed.values = parsed.values[:, keep]
    if parsed.missing is not None:
        parsed.missing = parsed.missing[:, keep]
    parsed.numeric = [parsed.numeric[k] for k in keep]


def numeric_classes(parsed, j: int) -> None:
    """The classes from the numeric column at file position ``j``, which then is no feature."""
    i = parsed.numeric.index(j)
    parsed.labels, parsed.label_names = numpy_files.encode_labels(parsed.values[:, i])
    parsed.label_name = parsed.all_names[j]
    _take_out(parsed, i)


def text_classes(parsed, text: dict, label_column, source) -> None:
    """The classes of a text file, and a note on each text column left unused.

    ``text`` maps the positions of the file's text columns to their cells, shape (N,).
    """
    names = parsed.all_names
    text_positions = sorted(text)
    if label_column is not None:
        j = resolve(label_column, names, source)
        if j in text:
            parsed.label_name = names[j]
            parsed.labels, parsed.label_names = numpy_files.encode_labels(text[j])
        else:
            col = parsed.values[:, parsed.numeric.index(j)]
            if not np.all(np.isfinite(col)):
                bad_row = int(np.argmax(~np.isfinite(col)))
                raise DataError(
                    f"the class column {names[j]!r} has a missing value; give every "
                    "row a class", path=source, line=int(parsed.lines[bad_row]))
            numeric_classes(parsed, j)
    elif text_positions:
        j = text_positions[0]
        parsed.label_name = names[j]
        parsed.labels, parsed.label_names = numpy_files.encode_labels(text[j])
    used = names.index(parsed.label_name) if parsed.label_name is not None else None
    for j in text_positions:
        if j != used:
            sample = str(text[j][0]).strip() if len(text[j]) else ""
            parsed.notes.append(f"{describe_column(names[j], j)} holds text (e.g. "
                                f"{sample!r}) and was not used")
    if parsed.label_name is not None:
        parsed.notes.insert(0, f"known classes ({len(parsed.label_names)}) from column "
                               f"{parsed.label_name!r}")
