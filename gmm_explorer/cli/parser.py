"""The command line's parser: ``gmm-explorer fit | select | predict`` and their options.

Choices come from the vocabulary (:mod:`gmm_explorer.engine.options`); an
error is one line (a :class:`~gmm_explorer.cli.common.UsageError`), never a
usage dump and an exit.
"""

from __future__ import annotations

import argparse
import math
import os

from gmm_explorer.cli.common import UsageError
from gmm_explorer.engine.options import COLLAPSE_POLICIES, COVARIANCE_TYPES, INIT_METHODS, PRIORS

#: ``--prior``'s words: the vocabulary's priors, None spelt "none".
PRIOR_WORDS = tuple("none" if p is None else p for p in PRIORS)


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and an exception (no usage dump, no exit)."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def swallowed_data_file(words) -> str | None:
    """The first of ``words`` (the values ``--columns`` took) that names an existing file,
    or ``-`` (standard input).

    ``--columns`` reads every word up to the next option, so a data file given after it
    (``--columns waiting faithful.csv``) becomes a column name and DATA goes missing.
    """
    return next((word for word in words or () if word == "-" or os.path.isfile(word)), None)


def columns_took_the_data(word: str, command: str) -> str:
    """One line saying that ``--columns`` took the data file ``word``, and the fix."""
    return (f"--columns took {word} as a column name (it reads every word up to the next "
            f"option); give the data file first: {command} {word} --columns ...")


# --------------------------------------------------------------------------- argument types
def _whole_number(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive_int(text):
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value}")
    return value


def _seed(text):
    value = _whole_number(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to 2**32 - 1, got {value}")
    return value


def _nonnegative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text}")
    return value


def _positive_float(text):
    value = _nonnegative_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text}")
    return value


def _condition_number(text):
    # The engine refuses a bound below 1 only when a fit starts, which the boundary
    # then reported against the data file; the argument is the one to name.
    value = _positive_float(text)
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a number >= 1 (a condition number is never below 1), got {text}")
    return value


#: The most components a mixture may have here: each keeps a D x D covariance, and the
#: E-step an N x K table of responsibilities.
MAX_COMPONENTS = 10_000
#: The most component counts one ``select`` compares: each is a full fit of every type.
MAX_COUNTS = 1_000
#: The most seeded starts: each is a full EM run, and their seeds and results are kept.
MAX_STARTS = 10_000


def _ranges(text: str) -> list[tuple[int, int]]:
    """``"2-4,6"`` -> ``[(2, 4), (6, 6)]``, checked, never expanded."""
    spans = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo, hi = (int(p) for p in part.split("-", 1))
                if hi < lo:
                    raise ValueError
            else:
                lo = hi = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected counts such as 3, 1-8 or 2,4,6; got {text!r}") from None
        spans.append((lo, hi))
    return sorted(spans)


def parse_components(text: str) -> list[int]:
    """``"1-8"``, ``"3"``, ``"1,2,5"``, ``"2-4,6"`` -> sorted component counts.

    The ranges are checked against :data:`MAX_COMPONENTS` and :data:`MAX_COUNTS`
    before any is expanded, so ``1-100000000000`` is refused at once.
    """
    spans = _ranges(text)
    if not spans or spans[0][0] < 1:
        raise argparse.ArgumentTypeError(f"component counts must be at least 1; got {text!r}")
    top = max(hi for _, hi in spans)
    if top > MAX_COMPONENTS:
        raise argparse.ArgumentTypeError(
            f"component counts go up to {MAX_COMPONENTS:,} (each component keeps a D x D "
            f"covariance and a column of responsibilities for every point); got {top:,}")
    count, reach = 0, 0  # distinct counts in the sorted, possibly overlapping spans
    for lo, hi in spans:
        lo = max(lo, reach + 1)
        if hi >= lo:
            count += hi - lo + 1
            reach = hi
    if count > MAX_COUNTS:
        raise argparse.ArgumentTypeError(
            f"{count:,} component counts asked for; select compares at most {MAX_COUNTS:,} "
            "(each is a full fit of every covariance type): give a shorter range, e.g. 1-20")
    out = set()
    for lo, hi in spans:
        out.update(range(lo, hi + 1))
    return sorted(out)


def _components(text):
    value = _positive_int(text)
    if value > MAX_COMPONENTS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_COMPONENTS:,} components (each keeps a D x D covariance and a "
            f"column of responsibilities for every point); got {value:,}")
    return value


def _starts(text):
    value = _positive_int(text)
    if value > MAX_STARTS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_STARTS:,} starts (each is a full EM run; a few dozen usually find "
            f"the best optimum there is); got {value:,}")
    return value


def parse_types(text: str, allow_all: bool) -> list[str]:
    """``"full,diag"`` -> ``["full", "diag"]``; ``"all"`` (when allowed) -> every type."""
    if allow_all and text == "all":
        return list(COVARIANCE_TYPES)
    types = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in types if t not in COVARIANCE_TYPES]
    if bad or not types:
        allowed = ", ".join(COVARIANCE_TYPES + (("all",) if allow_all else ()))
        raise argparse.ArgumentTypeError(f"unknown covariance type {text!r}; use {allowed}"
                                         + (" or a comma-separated list" if allow_all else ""))
    return types


def _types(text):
    return parse_types(text, True)


def _one_type(text):
    types = parse_types(text, False)
    if len(types) != 1:
        raise argparse.ArgumentTypeError(f"fit takes one covariance type, got {text!r}; "
                                         "compare several with `gmm-explorer select`")
    return types[0]


# --------------------------------------------------------------------------- the parser
_FIT_EXAMPLE = """\
examples:
  gmm-explorer fit faithful.csv --components 2 --n-init 10 --seed 0 --output faithful.json
  gmm-explorer fit iris.csv -k 3 --covariance-type diag --columns Petal.Length Petal.Width

The summary goes to stdout, the progress to stderr (silence it with -q), the model
to --output (default: <data name>.model.json in the current folder).
exit status: 0 done; 2 bad data or arguments; 3 every start collapsed (a singular
covariance, e.g. under --on-collapse stop): no model written."""

_SELECT_EXAMPLE = """\
examples:
  gmm-explorer select faithful.csv --components 1-8
  gmm-explorer select iris.csv --components 1-6 --covariance-type full,diag --csv bic.csv

BIC = -2 log L + p ln N and AIC = -2 log L + 2 p, scikit-learn's sign: lower is
better (mclust prints -BIC, where higher is better). ICL is BIC plus the cost of
classifying each point to its most probable component. * marks the best."""

_PREDICT_EXAMPLE = """\
examples:
  gmm-explorer predict faithful.csv --model faithful.json --output labels.csv
  gmm-explorer predict new.csv --model faithful.json | head

Writes CSV: the line of each row in the data file (or its 0-based row for .npy/.npz),
its most probable component (label), and the probability of each component."""


def _add_data_options(p):
    p.add_argument("data", metavar="DATA",
                   help="a data file: CSV/TSV/whitespace text, .npy or .npz")
    p.add_argument("--columns", nargs="+", metavar="COLUMN",
                   help="the feature columns, by name or 0-based position "
                        "(default: every numeric column)")
    p.add_argument("--delimiter", metavar="CHAR",
                   help="text files: ',', ';', tab or whitespace (default: sniffed)")
    p.add_argument("--array", metavar="NAME", help=".npz files: the array holding the data")
    p.add_argument("--drop-missing", action="store_true",
                   help="drop rows with missing, non-numeric, NaN or infinite values "
                        "(default: refuse them)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _add_classes_option(p):
    p.add_argument("--classes", metavar="COLUMN",
                   help="the column holding known classes, by name or 0-based position "
                        "(default: a text column, if the file has one); the confusion table, "
                        "ARI and NMI against them are printed")


def _add_model_options(p, select=False):
    p.add_argument("--covariance-type", default="all" if select else "full",
                   metavar="TYPE",
                   type=_types if select else _one_type,
                   help=("full, tied, diag, spherical, a comma-separated list, or all "
                         "(default: all)") if select else
                   "full, tied, diag or spherical (default: full)")
    p.add_argument("--reg-covar", type=_nonnegative_float, default=1e-6, metavar="R",
                   help="ridge added to each covariance's diagonal, in standardised units "
                        "unless --no-standardize (default: 1e-6)")
    p.add_argument("--prior", choices=PRIOR_WORDS, default="none",
                   help="conjugate: MAP with mclust's default prior (default: none)")
    p.add_argument("--init", choices=INIT_METHODS, default="kmeans",
                   help="how each seeded start is chosen (default: kmeans); every fit also "
                        "runs the deterministic hierarchical start")
    p.add_argument("--n-init", type=_starts, default=1, metavar="N",
                   help="seeded starts per fit, besides the hierarchical one; the best is "
                        f"kept (default: 1, at most {MAX_STARTS:,})")
    p.add_argument("--max-iter", type=_positive_int, default=500, metavar="N",
                   help="most EM iterations per start (default: 500)")
    p.add_argument("--tol", type=_positive_float, default=1e-6, metavar="T",
                   help="converged one M-step after the log-likelihood per point changes by "
                        "less, as scikit-learn (default: 1e-6; scikit-learn uses 1e-3)")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="random seed, for a reproducible run (default: a fresh one, "
                        "recorded in the model)")
    p.add_argument("--on-collapse", choices=COLLAPSE_POLICIES, default="stop",
                   help="what a start does when a covariance becomes singular "
                        "(default: stop)")
    p.add_argument("--max-condition", type=_condition_number, default=1e12, metavar="C",
                   help="a covariance with a larger condition number counts as singular "
                        "(default: 1e12)")
    p.add_argument("--no-standardize", dest="standardize", action="store_false",
                   help="fit in the data's own units (default: fit in standardised units, "
                        "report in the data's units)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="log every EM iteration on stderr (and, for select, each start's end)")
    p.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                   help="worker threads for the chunks of the data (default: every core); "
                        "the results are the same for any N")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="gmm-explorer", description="Fit Gaussian mixtures by EM, headless.")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter
    fit = sub.add_parser(
        "fit", help="fit a mixture and write a model file", formatter_class=fmt,
        description="Fit a Gaussian mixture to DATA by EM (the best of --n-init starts) and "
                    "write it as a JSON model file.", epilog=_FIT_EXAMPLE)
    _add_data_options(fit)
    fit.add_argument("-k", "--components", type=_components, required=True, metavar="K",
                     help=f"number of components (at most {MAX_COMPONENTS:,})")
    _add_classes_option(fit)
    _add_model_options(fit)
    fit.add_argument("-o", "--output", metavar="MODEL.json",
                     help="where to write the model (default: <data name>.model.json)")
    fit.add_argument("--script", metavar="OUT.py",
                     help="also write a Python script that rebuilds the best start with plain "
                          "scikit-learn and checks it")
    fit.add_argument("--r-script", metavar="OUT.R",
                     help="also write the same as an R script with mclust's estep() and mstep()")

    sel = sub.add_parser(
        "select", help="BIC, AIC and ICL for a range of models", formatter_class=fmt,
        description="Fit every component count and covariance type asked for and print "
                    "BIC, AIC and ICL tables, the best marked.", epilog=_SELECT_EXAMPLE)
    _add_data_options(sel)
    sel.add_argument("-k", "--components", type=parse_components, default=parse_components(
        "1-8"), metavar="RANGE", help="component counts: 1-8, 3, 2,4,6 (default: 1-8)")
    _add_model_options(sel, select=True)
    sel.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")
    sel.set_defaults(classes=None)  # select compares no classes

    pred = sub.add_parser(
        "predict", help="label the rows of a data file with a model", formatter_class=fmt,
        description="Label each row of DATA with its most probable component under a saved "
                    "model, with the probability of every component, as CSV.",
        epilog=_PREDICT_EXAMPLE)
    _add_data_options(pred)
    _add_classes_option(pred)
    pred.add_argument("-m", "--model", required=True, metavar="MODEL.json",
                      help="a model file written by `gmm-explorer fit`")
    pred.add_argument("-o", "--output", metavar="OUT.csv",
                      help="where to write the CSV (default: stdout)")
    pred.set_defaults(verbose=False)  # predict logs no iterations
    return parser
