"""The known classes against a model's hard labels, as the commands print them.

``fit`` prints this after its summary and ``predict`` after labelling, when the
data have known classes (``--classes COLUMN``, or a text column the loader
found, or an .npz's ``y``): the confusion table (rows the classes, columns the
components, ``*`` on the cells of the best one-to-one matching), then ARI, NMI
and the accuracy under that matching.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine.agreement import agreement


def class_report(data, clusters: np.ndarray, n_components: int) -> list[str]:
    """Lines comparing ``data``'s known classes with ``clusters``; [] without classes.

    Parameters
    ----------
    data : gmm_explorer.datasets.Dataset
        Its ``labels`` (N,) coded 0..C-1 and ``label_names``.
    clusters : ndarray of int, shape (N,)
        Each row's most probable component.
    n_components : int
        K, so that components with no row keep their column.
    """
    if data.labels is None:
        return []
    names = list(data.label_names)
    n_classes = max(int(data.labels.max(initial=-1)) + 1, len(names))
    names += [str(c) for c in range(len(names), n_classes)]
    result = agreement(data.labels, clusters, n_classes, n_components)
    where = f" in {data.label_column!r}" if data.label_column else ""
    lines = [f"classes    {n_classes} known classes{where} (rows) by component (columns); "
             f"* the best matching"]
    lines += result.format_table(names)
    lines.append(f"ARI {result.ari:.4f}   NMI {result.nmi:.4f}   accuracy {result.accuracy:.4f} "
                 f"({int(result.confusion[result.rows, result.cols].sum())} of "
                 f"{result.n_points} points in matched cells)")
    return lines
