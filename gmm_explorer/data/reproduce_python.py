"""A short, self-contained Python script that rebuilds a state with plain scikit-learn.

The script reads the data (the same file, columns and dropped rows, or the
data embedded), standardises them as the fit did, runs
``GaussianMixture(max_iter=<steps>, tol=0, weights_init, means_init,
precisions_init)`` from the fit's start, and asserts that the weights, means
and covariances equal the state's to a relative 1e-8, printing
``reproduced``. It needs numpy and scikit-learn only. Qt-free.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.data.reproduce import RTOL, DataSource, Reproduction, number


def array_literal(a, indent: int = 4) -> str:
    """``np.array([...])`` with every float written exactly, one row of a matrix a line."""
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return "np.array([" + ", ".join(number(x) for x in a) + "])"
    pad = " " * (indent + 4)

    def rows(b, depth):
        if b.ndim == 1:
            return "[" + ", ".join(number(x) for x in b) + "]"
        inner = (",\n" + pad + " " * depth).join(rows(r, depth + 1) for r in b)
        return "[" + inner + "]"

    return "np.array(" + rows(a, 0) + ")"


# The reading code each source needs; the data's checks follow in every script.
_READ_TEXT = '''
def _field(text):
    """A field as a number; missing or unreadable values are NaN (refused or dropped below)."""
    text = text.strip().strip('"').strip("'")
    if DELIMITER == ";":  # semicolon files may write decimal commas
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def read_data():
    """The feature columns of the data lines (from FIRST_LINE, no blank or # lines)."""
    rows = []
    with open(DATA_FILE, encoding=ENCODING, newline="") as fh:
        for number, line in enumerate(fh, start=1):
            if number < FIRST_LINE or not line.strip() or line.lstrip().startswith("#"):
                continue
            if DELIMITER is None:
                fields = line.split()
            else:
                fields = next(csv.reader([line], delimiter=DELIMITER))
            rows.append([_field(fields[j]) if j < len(fields) else float("nan")
                         for j in COLUMNS])
    return np.array(rows, dtype=float).reshape(-1, len(COLUMNS))
'''

_READ_NUMPY = '''
def read_data():
    """The feature columns of the array (allow_pickle=False: never unpickle a file)."""
    data = np.load(DATA_FILE, allow_pickle=False)
    if ARRAY_NAME is not None:
        data = data[ARRAY_NAME]
    data = np.asarray(data, dtype=float)
    return (data[:, None] if data.ndim == 1 else data)[:, list(COLUMNS)]
'''

_MISSING = '''
    finite = np.isfinite(X).all(axis=1)
    if DROP_MISSING:
        X = X[finite]
    elif not finite.all():
        sys.exit(f"{DATA_FILE}: {np.sum(~finite)} rows hold missing or non-finite values; "
                 "the fit had none: is this the same file?")'''

_BODY = '''

def check(name, got, expected, rtol=RTOL):
    """Assert got == expected to a relative rtol (entries near zero: rtol of the largest)."""
    got, expected = np.asarray(got, float), np.asarray(expected, float)
    atol = rtol * np.abs(expected).max()
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = np.max(np.abs(got - expected) / (atol + rtol * np.abs(expected))) * rtol \\
            if got.shape == expected.shape else float("nan")
        sys.exit(f"not reproduced: the {name} differ from the state's (worst difference "
                 f"{worst:.2g} in units of the tolerance's scale; tolerance {rtol:g})")


def precisions(covariances):
    """scikit-learn's precisions_init for full (K, D, D) start covariances."""
    inverse = np.linalg.inv(covariances)
    return {"full": inverse, "tied": inverse[0],
            "diag": np.diagonal(inverse, axis1=1, axis2=2).copy(),
            "spherical": inverse[:, 0, 0].copy()}[COVARIANCE_TYPE]


def full_covariances(model):
    """scikit-learn's covariances_ as full (K, D, D) matrices, whatever the type."""
    c, K, D = model.covariances_, model.n_components, model.means_.shape[1]
    return {"full": lambda: c, "tied": lambda: np.broadcast_to(c, (K, D, D)),
            "diag": lambda: c[:, :, None] * np.eye(D),
            "spherical": lambda: c[:, None, None] * np.eye(D)}[COVARIANCE_TYPE]()


def main():
    X = load_data()
    Z = (X - CENTER) / SCALE
    model = GaussianMixture(
        n_components=len(START_WEIGHTS), covariance_type=COVARIANCE_TYPE,
        reg_covar=REG_COVAR, weights_init=START_WEIGHTS, means_init=START_MEANS,
        precisions_init=precisions(START_COVARIANCES), max_iter=N_STEPS, tol=0,
        init_params="random_from_data", random_state=0)  # the *_init override this start
    with warnings.catch_warnings():
        # tol=0 on purpose: it runs exactly N_STEPS steps and then warns that it has
        # not converged, which says nothing here
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Z)
    if N_STEPS == 0:  # max_iter=0 leaves the fitted attributes of its own start
        weights, means, covariances = START_WEIGHTS, START_MEANS, START_COVARIANCES
    else:
        weights, means, covariances = model.weights_, model.means_, full_covariances(model)
    means = CENTER + SCALE * means  # back to the data's own units
    covariances = covariances * np.outer(SCALE, SCALE)
    check("weights", weights, EXPECTED_WEIGHTS)
    check("means", means, EXPECTED_MEANS)
    check("covariances", covariances, EXPECTED_COVARIANCES)
    print("reproduced")


if __name__ == "__main__":
    main()
'''

_REFUSE = '''

def main():
    sys.exit("cannot reproduce with scikit-learn: " + WHY_NOT)


if __name__ == "__main__":
    main()
'''


def _source_lines(source: DataSource) -> list[str]:
    """The constants saying where the data are."""
    if source.kind == "embedded":
        return [f"DATA = {array_literal(source.X, 0)}"]
    lines = ["# the data file; run `python THIS_SCRIPT.py PATH` to read it from elsewhere",
             f"DATA_FILE = sys.argv[1] if len(sys.argv) > 1 else {source.path!r}",
             f"COLUMNS = {tuple(source.columns)!r}",
             f"DROP_MISSING = {source.drop_missing!r}"]
    if source.kind == "text":
        delimiter = None if source.delimiter in (None, "", " ", "whitespace") \
            else source.delimiter
        lines += [f"DELIMITER = {delimiter!r}", f"ENCODING = {source.encoding or 'utf-8'!r}",
                  f"FIRST_LINE = {source.first_line!r}"]
    else:
        lines.append(f"ARRAY_NAME = {source.array_name!r}")
    return lines


def _load_function(source: DataSource, n: int, d: int, total, squares) -> str:
    """``read_data`` and ``load_data``: read, drop, and check that they are the fit's data."""
    if source.kind == "embedded":
        return '''

def load_data():
    return DATA
'''
    read = _READ_TEXT if source.kind == "text" else _READ_NUMPY
    return read + f'''

def load_data():
    """The data the fit used, checked against their size and sums."""
    if not os.path.isfile(DATA_FILE):
        sys.exit(f"{{DATA_FILE}}: no such file; give the data file's path: "
                 f"python {{sys.argv[0]}} PATH")
    X = read_data(){_MISSING}
    if X.shape != ({n}, {d}):
        sys.exit(f"{{DATA_FILE}}: {{X.shape[0]}} rows of {{X.shape[1]}} features; the fit used "
                 "{n} rows of {d}: is this the same file?")
    if not (np.allclose(X.sum(axis=0), {array_literal(total)}, rtol=1e-10)
            and np.allclose((X ** 2).sum(axis=0), {array_literal(squares)}, rtol=1e-10)):
        sys.exit(f"{{DATA_FILE}}: the numbers differ from the data the fit used: "
                 "is this the same file?")
    return X
'''


def python_script(rep: Reproduction, X=None) -> str:
    """The script's text.

    Parameters
    ----------
    rep : Reproduction
    X : ndarray of shape (N, D), optional
        The data the fit used, in the data's own units; for a file source,
        the script checks that the file gives them (size and column sums).
        Needed unless the source is embedded.
    """
    src = rep.source
    X = src.X if X is None else np.asarray(X, dtype=float)
    n, d = X.shape
    K = rep.n_components
    ctype = rep.covariance_type
    header = [
        "Rebuild a GMM Explorer state with plain scikit-learn, and check it.",
        "",
        f"Made by {rep.origin}.",
        f"State: iteration {rep.n_steps} of a fit with {K} components, {ctype} covariances, "
        f"reg_covar={rep.reg_covar!r}" + (" (in standardised units)" if rep.center is not None
                                          else "") + ".",
        f"Data: {n} points, {d} features, {src.describe()}.",
    ]
    if rep.center is not None:
        header.append("Standardised: the fit ran on Z = (X - CENTER) / SCALE (each column's "
                      "mean and population standard deviation" + (
                          ", one shared scale for spherical covariances"
                          if ctype == "spherical" else "") + "); the results are compared "
                      "in the data's own units.")
    if rep.python_refusal:
        header += ["", "NOT REPRODUCIBLE WITH SCIKIT-LEARN: " + rep.python_refusal + "."]
    else:
        header += [
            f"How: GaussianMixture(max_iter={rep.n_steps}, tol=0) from the fit's start "
            "(iteration 0). scikit-learn's max_iter counts E-step + M-step pairs from the "
            f"given parameters, so max_iter={rep.n_steps} is our iteration {rep.n_steps}; "
            "tol=0 means no stopping rule cuts it short.",
            f"Check: weights, means and covariances equal the state's to a relative {RTOL:g} "
            "(entries near zero: to that fraction of the largest); prints 'reproduced'.",
        ]
    if rep.notes or rep.n_steps != rep.shown_iteration:
        header += ["", f"LIMIT: the state shown was iteration {rep.shown_iteration}; "
                   f"scikit-learn can follow only to iteration {rep.n_steps}:"]
        header += [f"  {note}." for note in rep.notes]
    header += ["", "Needs numpy and scikit-learn."]
    out = ["#!/usr/bin/env python3", '"""' + "\n".join(header).replace("\\", "\\\\") + '\n"""',
           ""]
    out += ["import csv"] if src.kind == "text" else []
    out += ["import os", "import sys", "import warnings", "", "import numpy as np",
            "from sklearn.exceptions import ConvergenceWarning",
            "from sklearn.mixture import GaussianMixture", ""]
    out += _source_lines(src)
    out += [f"COVARIANCE_TYPE = {ctype!r}", f"REG_COVAR = {rep.reg_covar!r}",
            f"N_STEPS = {rep.n_steps!r}", f"RTOL = {RTOL!r}"]
    center = rep.center if rep.center is not None else np.zeros(d)
    scale = rep.scale if rep.scale is not None else np.ones(d)
    out += [f"CENTER = {array_literal(center)}", f"SCALE = {array_literal(scale)}"]
    out += ["", "# The fit's start (iteration 0), in the units the fit ran in; covariances "
            "as full (K, D, D)."]
    for name, a in zip(("WEIGHTS", "MEANS", "COVARIANCES"), rep.start):
        out.append(f"START_{name} = {array_literal(a)}")
    out += ["", f"# Iteration {rep.n_steps}, as GMM Explorer computed it, in the data's own "
            "units."]
    for name, a in zip(("WEIGHTS", "MEANS", "COVARIANCES"), rep.target):
        out.append(f"EXPECTED_{name} = {array_literal(a)}")
    if rep.python_refusal:
        out.append(f"WHY_NOT = {rep.python_refusal!r}")
        return "\n".join(out) + "\n" + _REFUSE
    out.append(_load_function(src, n, d, X.sum(axis=0), (X ** 2).sum(axis=0)))
    return "\n".join(out) + _BODY
