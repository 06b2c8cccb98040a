"""``gmm-explorer predict``: label the rows of a data file with a saved model, as CSV."""

from __future__ import annotations

import numpy as np

from gmm_explorer.cli.classes import class_report
from gmm_explorer.cli.common import EXIT_OK, check_writable, load, write_text
from gmm_explorer.data import Standardizer, read_model
from gmm_explorer.data.labelled_rows import labels_csv_text, model_columns
from gmm_explorer.data.model_reading import engine_from_parameters


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
    D = info["means"].shape[1]
    # without --columns, named columns are matched to the model's names
    X = model_columns(data, info.get("feature_names"), D,
                      columns_chosen=args.columns is not None, path=args.data)
    sd = info.get("standardization")
    std = Standardizer.from_dict(sd) if sd else Standardizer.identity(D)
    w, m, c = std.to_standard(info["weights"], info["means"], info["covariances"])
    em = engine_from_parameters(w, m, c, info["covariance_type"], path=args.model)
    proba = em.predict_proba(std.transform(X))
    labels = np.argmax(proba, axis=1)
    K = proba.shape[1]
    text = labels_csv_text(proba, lines=data.lines)
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
