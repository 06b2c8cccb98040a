"""``gmm-explorer predict``: label the rows of a data file with a saved model, as CSV."""

from __future__ import annotations

import numpy as np

from gmm_explorer.cli.classes import class_report
from gmm_explorer.cli.common import EXIT_OK, check_writable, load, write_text
from gmm_explorer.data import DataError, Standardizer, read_model
from gmm_explorer.data.model_reading import engine_from_parameters

#: Rows formatted at a time, so that a large file never holds all its lines twice.
_ROWS_PER_BLOCK = 100000


def cmd_predict(args, out, log) -> int:
    """Write each row's most probable component and every component's probability.

    To ``args.output``, or to ``out`` when none is given; a summary to ``log``.

    Raises
    ------
    DataError
        A bad model or data file, columns that do not match the model, or an
        output path that cannot be written.
    """
    info = read_model(args.model)
    if args.output:
        check_writable(args.output, inputs=(args.data, args.model))
    data = load(args, log)
    X = _model_columns(args, data, info)
    D = info["means"].shape[1]
    sd = info.get("standardization")
    std = Standardizer.from_dict(sd) if sd else Standardizer.identity(D)
    w, m, c = std.to_standard(info["weights"], info["means"], info["covariances"])
    em = engine_from_parameters(w, m, c, info["covariance_type"], path=args.model)
    proba = em.predict_proba(std.transform(X))
    labels = np.argmax(proba, axis=1)
    K = proba.shape[1]
    text = _csv_text(data, labels, proba)
    counts = np.bincount(labels, minlength=K)
    summary = (f"{len(X)} rows labelled with {K} components "
               f"({', '.join(f'{k}: {n}' for k, n in enumerate(counts))})")
    report = class_report(data, labels, K)
    if args.output:
        write_text(args.output, text)
        log.line(f"{summary}; written to {args.output}")
        if report:
            out.write("\n".join(report) + "\n")
    else:  # stdout holds the CSV: the comparison goes with the summary
        out.write(text)
        log.line(summary)
        for line in report:
            log.line(line)
    return EXIT_OK


def _model_columns(args, data, info):
    """The data's columns the model was fitted on, in its order, shape (N, D).

    Without ``--columns``, named columns are matched to the model's names.

    Raises
    ------
    DataError
        The data lack one of the model's columns, or have a different number.
    """
    names = list(info.get("feature_names") or [])
    D = info["means"].shape[1]
    X = data.X
    used = list(data.feature_names)
    auto_names = used == [f"x{j}" for j in range(len(used))]
    if args.columns is None and used != names and names and not auto_names:
        if set(names) <= set(used):
            X = X[:, [used.index(n) for n in names]]
            used = names
        else:
            lacking = [n for n in names if n not in used]
            raise DataError(
                f"lacks the model's column(s) {', '.join(map(repr, lacking))} (it has "
                f"{', '.join(map(repr, used))}); if this is the right model, choose the "
                f"{D} columns to use, in the model's order, with --columns", path=args.data)
    if X.shape[1] != D:
        raise DataError(
            f"has {X.shape[1]} feature columns ({', '.join(used)}) but the model was fitted "
            f"on {D} ({', '.join(names)}); choose them with --columns", path=args.data)
    return X


def _csv_text(data, labels, proba) -> str:
    """The CSV: the row's line (or 0-based row), its label, then ``p_0 ... p_{K-1}``.

    Parameters
    ----------
    data : gmm_explorer.datasets.Dataset
    labels : ndarray of shape (N,)
    proba : ndarray of shape (N, K)
    """
    N, K = proba.shape
    first = "line" if data.lines is not None else "row"
    index = data.lines if data.lines is not None else np.arange(N)
    chunks = [",".join([first, "label"] + [f"p_{k}" for k in range(K)]) + "\n"]
    for start in range(0, N, _ROWS_PER_BLOCK):
        stop = min(N, start + _ROWS_PER_BLOCK)
        block = [
            f"{index[i]},{labels[i]}," + ",".join(map(repr, row))
            for i, row in zip(range(start, stop), proba[start:stop].tolist())
        ]
        chunks.append("\n".join(block) + "\n")
    return "".join(chunks)
