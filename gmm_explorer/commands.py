"""The headless commands: ``gmm-explorer fit | select | predict``.

``fit`` fits a mixture to a data file and writes a model file, ``select``
prints BIC and AIC for a range of component counts and covariance types, and
``predict`` labels the rows of a data file with a saved model. They need
numpy and scipy only: nothing here imports Qt.

Exit status:

- 0: done.
- 2: bad input: a data or model file that cannot be used, or bad arguments.
  One line ``error: <file>: <what is wrong and what to do>`` on stderr.
- 3: every start collapsed (a covariance became singular and stayed so:
  always under ``--on-collapse stop``, possibly under ``continue``), so there
  is no sound model to write.
- 1: an internal error (a bug: please report it with the traceback).
- 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gmm_explorer.files import atomic_write_text
from gmm_explorer.data import (
    DataError, LoadCancelled, Standardizer, check_components, check_fit_data, load_data,
    read_model,
)
from gmm_explorer.data.errors import describe_column
from gmm_explorer.data.model_file import (
    build_model_dict, engine_from_parameters, n_parameters, write_json_atomic,
)
from gmm_explorer.data.scaling import column_spread
from gmm_explorer.engine.fits import FitRecipe, run_recipes
from gmm_explorer.engine.options import (
    COLLAPSE_POLICIES, COVARIANCE_TYPES, INIT_METHODS, PRIORS, ModelSettings,
)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_COLLAPSE = 3
EXIT_INTERRUPTED = 130

#: ``--prior``'s words: the vocabulary's priors, None spelt "none".
PRIOR_WORDS = tuple("none" if p is None else p for p in PRIORS)


class UsageError(Exception):
    """Bad arguments: printed as one ``error:`` line, exit status 2."""


class CollapseError(Exception):
    """Every start collapsed (a singular covariance): exit status 3."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and an exception (no usage dump, no exit)."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


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


def parse_components(text: str) -> list[int]:
    """``"1-8"``, ``"3"``, ``"1,2,5"``, ``"2-4,6"`` -> sorted component counts."""
    out = set()
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo, hi = (int(p) for p in part.split("-", 1))
                if hi < lo:
                    raise ValueError
                out.update(range(lo, hi + 1))
            else:
                out.add(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected counts such as 3, 1-8 or 2,4,6; got {text!r}") from None
    if not out or min(out) < 1:
        raise argparse.ArgumentTypeError(f"component counts must be at least 1; got {text!r}")
    return sorted(out)


def parse_types(text: str, allow_all: bool) -> list[str]:
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
better (mclust prints -BIC, where higher is better). * marks the best."""

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
                   help="drop rows with missing, NaN or infinite values (default: refuse them)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


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
                   help="how each start is chosen (default: kmeans)")
    p.add_argument("--n-init", type=_positive_int, default=1, metavar="N",
                   help="starts per fit; the best is kept (default: 1)")
    p.add_argument("--max-iter", type=_positive_int, default=500, metavar="N",
                   help="most EM iterations per start (default: 500)")
    p.add_argument("--tol", type=_positive_float, default=1e-6, metavar="T",
                   help="converged when the log-likelihood per point changes by less "
                        "(default: 1e-6; scikit-learn uses 1e-3)")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="random seed, for a reproducible run (default: a fresh one, "
                        "recorded in the model)")
    p.add_argument("--on-collapse", choices=COLLAPSE_POLICIES, default="stop",
                   help="what a start does when a covariance becomes singular "
                        "(default: stop)")
    p.add_argument("--max-condition", type=_positive_float, default=1e12, metavar="C",
                   help="a covariance with a larger condition number counts as singular "
                        "(default: 1e12)")
    p.add_argument("--no-standardize", dest="standardize", action="store_false",
                   help="fit in the data's own units (default: fit in standardised units, "
                        "report in the data's units)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="log every EM iteration on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gmm-explorer", description="Fit Gaussian mixtures by EM, headless.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter
    fit = sub.add_parser(
        "fit", help="fit a mixture and write a model file", formatter_class=fmt,
        description="Fit a Gaussian mixture to DATA by EM (the best of --n-init starts) and "
                    "write it as a JSON model file.", epilog=_FIT_EXAMPLE)
    _add_data_options(fit)
    fit.add_argument("-k", "--components", type=_positive_int, required=True, metavar="K",
                     help="number of components")
    _add_model_options(fit)
    fit.add_argument("-o", "--output", metavar="MODEL.json",
                     help="where to write the model (default: <data name>.model.json)")

    sel = sub.add_parser(
        "select", help="BIC and AIC for a range of models", formatter_class=fmt,
        description="Fit every component count and covariance type asked for and print "
                    "BIC and AIC tables, the best marked.", epilog=_SELECT_EXAMPLE)
    _add_data_options(sel)
    sel.add_argument("-k", "--components", type=parse_components, default=parse_components(
        "1-8"), metavar="RANGE", help="component counts: 1-8, 3, 2,4,6 (default: 1-8)")
    _add_model_options(sel, select=True)
    sel.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")

    pred = sub.add_parser(
        "predict", help="label the rows of a data file with a model", formatter_class=fmt,
        description="Label each row of DATA with its most probable component under a saved "
                    "model, with the probability of every component, as CSV.",
        epilog=_PREDICT_EXAMPLE)
    _add_data_options(pred)
    pred.add_argument("-m", "--model", required=True, metavar="MODEL.json",
                      help="a model file written by `gmm-explorer fit`")
    pred.add_argument("-o", "--output", metavar="OUT.csv",
                      help="where to write the CSV (default: stdout)")
    return parser


# --------------------------------------------------------------------------- progress
class _Log:
    """Progress and notes on stderr; a live line on a terminal."""

    def __init__(self, stream, quiet=False, verbose=False):
        self.stream = stream
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._live = False

    def live(self, text):
        if self.quiet or not self.tty:
            return
        self.stream.write("\r" + text[:120].ljust(60))
        self.stream.flush()
        self._live = True

    def line(self, text):
        if self.quiet:
            return
        if self._live:
            self.stream.write("\r" + " " * 60 + "\r")
            self._live = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def clear(self):
        if self._live:
            self.stream.write("\r" + " " * 60 + "\r")
            self._live = False

    def note(self, text):
        """Always shown (even with -q): something the user should know."""
        if self._live:
            self.stream.write("\r" + " " * 60 + "\r")
            self._live = False
        self.stream.write(f"note: {text}\n")
        self.stream.flush()

    def progress(self, what):
        return lambda fraction: self.live(f"{what} {100 * fraction:3.0f}%")


# --------------------------------------------------------------------------- fitting
@dataclass
class BestFit:
    """The best start of one fit, in the data's own units."""

    n_components: int
    covariance_type: str
    ok: bool
    weights: np.ndarray = None
    means: np.ndarray = None
    covariances: np.ndarray = None
    log_likelihood: float = float("nan")
    n_iter: int = 0
    converged: bool = False
    best_start: int = -1
    start_seeds: list = field(default_factory=list)
    n_collapsed: int = 0
    n_failed: int = 0
    collapse_text: str = ""
    failure_text: str = ""
    events: list = field(default_factory=list)
    final_components: int = 0


def _settings(args, covariance_type, n_components):
    return {
        "n_components": n_components,
        "covariance_type": covariance_type,
        "reg_covar": args.reg_covar,
        "prior": None if args.prior == "none" else args.prior,
        "on_collapse": args.on_collapse,
        "init": args.init,
        "max_condition": args.max_condition,
        "tol": args.tol,
    }


def _recipes(args, covariance_type, n_components, seeds) -> list[FitRecipe]:
    """One recipe per start: the same settings, each start's own seed.

    Raises
    ------
    ValueError
        The engine refuses the settings (then it would refuse every start).
    """
    settings = _settings(args, covariance_type, n_components)
    del settings["tol"]
    model = ModelSettings(**settings, random_state=None)
    return [FitRecipe.seeded(model, seed, tol=args.tol, max_iter=args.max_iter)
            for seed in seeds]


def _log_start(log, prefix, fit, ll_user):
    """One line on stderr for a finished start."""
    if fit.error is not None:
        log.line(f"{prefix}: failed ({fit.error})")
    elif fit.collapsed:
        log.line(f"{prefix}: collapsed" + (f" at iteration {fit.collapse.iteration}"
                                           if fit.collapse is not None else ""))
    else:
        status = "converged" if fit.state.converged else "not converged"
        log.line(f"{prefix}: {fit.state.iteration} iterations, {status}, log-likelihood "
                 f"{ll_user:.6f}" + (f" ({len(fit.events)} re-seed/removal events)"
                                     if fit.events else ""))


def fit_best(Z, n_components, covariance_type, args, seeds, standardizer, log, label=""):
    """Run one start per seed on standardised data Z, as recipes; keep the best usable one."""
    N = Z.shape[0]
    result = BestFit(n_components, covariance_type, ok=False, start_seeds=list(seeds))
    prefixes = [f"{label}start {i + 1}/{len(seeds)}" for i in range(len(seeds))]
    try:
        recipes = _recipes(args, covariance_type, n_components, seeds)
    except ValueError as exc:  # refused settings: every start fails alike
        for prefix in prefixes:
            log.line(f"{prefix}: failed ({exc})")
        result.n_failed, result.failure_text = len(seeds), str(exc)
        return result

    def on_step(index, state):
        ll = standardizer.log_likelihood_to_user(state.log_likelihood, N)
        if log.verbose:
            log.line(f"  {prefixes[index]} iteration {state.iteration:3d}: log-likelihood "
                     f"{ll:.6f}" + (f"  [{state.collapse.describe()}]"
                                    if state.collapse else ""))
        else:
            log.live(f"{prefixes[index]}: iteration {state.iteration}, log-likelihood {ll:.4f}")

    def progress(fit):
        if fit.error is not None:
            result.n_failed += 1
            result.failure_text = fit.error
        elif fit.collapsed:
            result.n_collapsed += 1
            if fit.collapse is not None and not result.collapse_text:
                result.collapse_text = fit.collapse.describe()
        ll = None if fit.state is None else standardizer.log_likelihood_to_user(
            fit.state.log_likelihood, N)
        _log_start(log, prefixes[fit.index], fit, ll)

    best = None
    for fit in run_recipes(recipes, Z, progress=progress, on_step=on_step, keep_engines=False):
        if fit.ok and (best is None or fit.state.objective > best.state.objective):
            best = fit
    if best is not None:
        _keep_best(result, best, standardizer, N)
    return result


def _keep_best(result, best, standardizer, n_samples):
    """Fill ``result`` from the best start's fit, in the data's units."""
    state = best.state
    w, m, c = standardizer.to_user(state.weights, state.means, state.covariances)
    result.ok = True
    result.weights, result.means, result.covariances = w, m, c
    result.log_likelihood = standardizer.log_likelihood_to_user(state.log_likelihood,
                                                                n_samples)
    result.n_iter = state.iteration
    result.converged = bool(state.converged)
    result.best_start = best.index
    result.events = list(best.events)
    result.final_components = state.n_components


def _start_seeds(seed, n_init):
    """(master seed, one seed per start): recorded so that a run can be repeated."""
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    rng = np.random.RandomState(seed)
    return seed, [int(s) for s in rng.randint(0, 2**31 - 1, size=n_init)]


def _load(args, log):
    data = load_data(
        args.data, columns=args.columns, delimiter=args.delimiter, array_name=args.array,
        drop_missing=args.drop_missing, progress=log.progress(f"loading {args.data}"),
    )
    log.line(f"loaded {data.describe()}")
    for note in data.notes:
        if "dropped" in note or "not used" in note:
            log.note(note)
    return data


def _prepare(data, args, covariance_type, n_components_max):
    """Checks, and the standardiser the fit runs in."""
    notes = check_fit_data(data.X, n_components_max, data.feature_names, args.data,
                           covariance_type=covariance_type)
    if args.standardize:
        std = Standardizer.fit(data.X, covariance_type)
        notes = [n for n in notes if "scales differ" not in n] if covariance_type != \
            "spherical" else notes
    else:
        std = Standardizer.identity(data.n_features)
        if args.reg_covar > 0:
            variance = column_spread(data.X)[1] ** 2
            j = int(np.argmin(variance))
            if args.reg_covar > 0.01 * variance[j]:
                notes.append(
                    f"--reg-covar {args.reg_covar:g} is more than 1% of the variance of "
                    f"{describe_column(data.feature_names[j], j)} ({variance[j]:.3g}), so the "
                    "ridge distorts that column; fit without --no-standardize, or lower "
                    "--reg-covar")
    return std, notes


def _collapse_message(result, args, label=""):
    remedies = []
    if args.reg_covar < 1e-6:
        remedies.append("a ridge (--reg-covar 1e-6)")
    else:
        remedies.append(f"a larger ridge (--reg-covar {args.reg_covar * 100:g})")
    if args.prior == "none":
        remedies.append("the conjugate prior (--prior conjugate)")
    if result.n_components > 1:
        remedies.append(f"fewer components (--components {result.n_components - 1})")
    remedies.append("--on-collapse reinitialize or remove")
    what = result.collapse_text or "a covariance became singular"
    return (f"{args.data}: every start ({len(result.start_seeds)}) collapsed{label}; "
            f"the first: {what} Remedies: {', '.join(remedies)}.")


def _provenance(args, data, settings, extra=None):
    prov = {
        "data_file": args.data,
        "data_file_absolute": os.path.abspath(args.data),
        "data_sha256": _sha256(args.data),
        "columns": list(data.feature_names),
        "column_positions": list(data.columns),
        "label_column": data.label_column,
        "n_dropped": data.n_dropped,
        "settings": settings,
        "command": "gmm-explorer " + " ".join(shlex.quote(a) for a in args.argv),
    }
    prov.update(extra or {})
    return prov


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fmt_mean(names, mean, limit=6):
    parts = [f"{n}={v:.4g}" for n, v in zip(names, mean)]
    if len(parts) > limit:
        parts = parts[:limit] + [f"... ({len(names) - limit} more)"]
    return ", ".join(parts)


def cmd_fit(args, out, log) -> int:
    output = args.output or (Path(args.data).stem + ".model.json")
    _check_writable(output)
    data = _load(args, log)
    K, ctype = args.components, args.covariance_type
    std, notes = _prepare(data, args, ctype, K)
    for n in notes:
        log.note(n)
    master, seeds = _start_seeds(args.seed, args.n_init)
    Z = std.transform(data.X)
    result = fit_best(Z, K, ctype, args, seeds, std, log)
    if not result.ok:
        if result.n_collapsed:
            raise CollapseError(_collapse_message(result, args))
        raise UsageError(f"{args.data}: no start could be fitted ({result.failure_text})")
    settings = {
        **_settings(args, ctype, K), "n_init": args.n_init, "max_iter": args.max_iter,
        "seed": master, "seed_given": args.seed is not None,
        "start_seeds": seeds, "standardize": bool(args.standardize),
        "reg_covar_units": "standardised" if args.standardize else "data",
        "drop_missing": bool(args.drop_missing), "delimiter": args.delimiter,
        "array": args.array,
    }
    provenance = _provenance(args, data, settings, {
        "best_start": result.best_start, "best_start_seed": seeds[result.best_start],
        "n_collapsed_starts": result.n_collapsed, "n_failed_starts": result.n_failed,
        "events": result.events,
    })
    content = build_model_dict(
        result.weights, result.means, result.covariances, ctype,
        log_likelihood=result.log_likelihood, n_samples=data.n_samples,
        n_iter=result.n_iter, converged=result.converged, feature_names=data.feature_names,
        provenance=provenance, standardization=None if std.is_identity else std,
    )
    write_json_atomic(output, content)
    N = data.n_samples
    kept = result.final_components
    lines = [
        f"data       {args.data}: {N} points, {data.n_features} features "
        f"({', '.join(data.feature_names)})",
        f"model      {kept} components, {ctype} covariances"
        + (f" ({K - kept} removed after collapsing)" if kept != K else ""),
        f"best start {result.best_start + 1} of {len(seeds)} (seed {seeds[result.best_start]}; "
        f"run seed {master}): {result.n_iter} iterations, "
        + ("converged" if result.converged else f"not converged after --max-iter "
           f"{args.max_iter}"),
        f"log-likelihood {result.log_likelihood:.3f} (total), "
        f"{result.log_likelihood / N:.5f} per point",
        f"BIC {content['bic']:.3f}   AIC {content['aic']:.3f}   ({content['n_parameters']} "
        "parameters; lower is better)",
    ]
    if result.n_collapsed:
        lines.append(f"collapsed  {result.n_collapsed} of {len(seeds)} starts (left out)")
    lines.append("component  weight   mean")
    for k in range(kept):
        lines.append(f"{k:9d}  {result.weights[k]:.4f}   "
                     f"{_fmt_mean(data.feature_names, result.means[k])}")
    lines.append(f"model written to {output}")
    out.write("\n".join(lines) + "\n")
    if not result.converged:
        log.note(f"the best start did not converge in {args.max_iter} iterations; "
                 "raise --max-iter")
    return EXIT_OK


def _refit_command(args, n_components, covariance_type, master_seed) -> str:
    """The ``fit`` command that reproduces one cell of ``select``'s table exactly.

    Same starts (``--n-init`` and the run seed give the same per-start seeds)
    and every setting that changes the fit.
    """
    words = ["gmm-explorer", "fit", shlex.quote(args.data), "--components", str(n_components),
             "--covariance-type", covariance_type, "--n-init", str(args.n_init),
             "--seed", str(master_seed)]
    defaults = build_parser().parse_args(["fit", args.data, "--components", "1"])
    for flag, name in (("--reg-covar", "reg_covar"), ("--prior", "prior"), ("--init", "init"),
                       ("--max-iter", "max_iter"), ("--tol", "tol"), ("--array", "array"),
                       ("--delimiter", "delimiter"), ("--max-condition", "max_condition")):
        value = getattr(args, name, None)
        if value is not None and value != getattr(defaults, name, None):
            words += [flag, shlex.quote(str(value))]
    if getattr(args, "columns", None):
        words += ["--columns", *(shlex.quote(str(c)) for c in args.columns)]
    if getattr(args, "drop_missing", False):
        words.append("--drop-missing")
    if getattr(args, "standardize", True) is False:
        words.append("--no-standardize")
    return " ".join(words)


def cmd_select(args, out, log) -> int:
    if args.csv:
        _check_writable(args.csv)
    data = _load(args, log)
    Ks, types = args.components, args.covariance_type
    N = data.n_samples
    if max(Ks) > N:
        raise DataError(f"asks for up to {max(Ks)} components but the data have only {N} "
                        f"points; use --components 1-{min(N, 8)}", path=args.data)
    master, seeds = _start_seeds(args.seed, args.n_init)
    rows = []
    for ctype in types:
        std, notes = _prepare(data, args, ctype, 1)
        for n in notes:
            log.note(n)
        Z = std.transform(data.X)
        for K in Ks:
            try:
                check_components(K, data.X, args.data)
            except DataError as exc:
                rows.append({"K": K, "type": ctype, "result": None, "why": exc.reason})
                continue
            result = fit_best(Z, K, ctype, args, seeds, std, log, label=f"{ctype} K={K} ")
            row = {"K": K, "type": ctype, "result": result, "why": ""}
            if result.ok:
                p = n_parameters(ctype, result.final_components, data.n_features)
                row.update(ll=result.log_likelihood, p=p,
                           bic=-2 * result.log_likelihood + p * math.log(N),
                           aic=-2 * result.log_likelihood + 2 * p)
                log.line(f"{ctype} K={K}: log-likelihood {result.log_likelihood:.3f}, "
                         f"BIC {row['bic']:.3f}")
            else:
                row["why"] = "collapsed" if result.n_collapsed else "failed"
                log.line(f"{ctype} K={K}: {row['why']}")
            rows.append(row)
    usable = [r for r in rows if "bic" in r]
    if not usable:
        if any(r["why"] == "collapsed" for r in rows):
            raise CollapseError(
                f"{args.data}: every fit collapsed (a singular covariance); remedies: "
                "--reg-covar 1e-6, --prior conjugate, fewer --components, or --on-collapse "
                "reinitialize")
        raise UsageError(f"{args.data}: no model could be fitted "
                         f"({'; '.join(sorted({r['why'] for r in rows}))})")
    best_bic = min(usable, key=lambda r: r["bic"])
    best_aic = min(usable, key=lambda r: r["aic"])
    name = os.path.basename(args.data)
    text = [
        f"{name}: {N} points, {data.n_features} features ({', '.join(data.feature_names)}); "
        f"best of {args.n_init} start{'s' if args.n_init != 1 else ''} per cell, run seed "
        f"{master}",
        "BIC = -2 log L + p ln N, AIC = -2 log L + 2 p (scikit-learn's sign: LOWER is better; "
        "mclust prints -BIC, where higher is better).",
        "* marks the best; 'collapsed' means every start had a singular covariance.",
    ]
    for crit, best in (("bic", best_bic), ("aic", best_aic)):
        text.append("")
        text.append(f"{crit.upper():>4}" + "".join(f"{t:>14}" for t in types))
        for K in Ks:
            cells = []
            for ctype in types:
                r = next(r for r in rows if r["K"] == K and r["type"] == ctype)
                if crit in r:
                    mark = "*" if r is best else " "
                    cells.append(f"{mark}{r[crit]:.3f}".rjust(14))
                else:
                    cells.append((r["why"] if len(r["why"]) < 13 else "refused").rjust(14))
            text.append(f"{K:>4}" + "".join(cells))
    text.append("")
    text.append(f"best by BIC: {best_bic['K']} components, {best_bic['type']} covariances "
                f"(BIC {best_bic['bic']:.3f}); fit it with: "
                f"{_refit_command(args, best_bic['K'], best_bic['type'], master)}")
    text.append(f"best by AIC: {best_aic['K']} components, {best_aic['type']} covariances "
                f"(AIC {best_aic['aic']:.3f})")
    out.write("\n".join(text) + "\n")
    if args.csv:
        header = ("n_components,covariance_type,log_likelihood,n_parameters,bic,aic,"
                  "converged,status,best_bic,best_aic")
        lines = [header]
        for r in rows:
            if "bic" in r:
                res = r["result"]
                lines.append(",".join([
                    str(r["K"]), r["type"], repr(float(r["ll"])), str(r["p"]),
                    repr(float(r["bic"])), repr(float(r["aic"])),
                    str(bool(res.converged)).lower(), "ok",
                    str(r is best_bic).lower(), str(r is best_aic).lower()]))
            else:
                lines.append(f"{r['K']},{r['type']},,,,,,{_csv_cell(r['why'])},false,false")
        _write_text(args.csv, "\n".join(lines) + "\n")
        log.line(f"table written to {args.csv}")
    return EXIT_OK


def _csv_cell(text):
    text = str(text)
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _check_writable(path):
    """Refuse an output path that cannot be written, before any work is done."""
    if os.path.isdir(path):
        raise DataError("is a folder; give a file name for the output", path=path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError("cannot be written: its folder does not exist; create it or choose "
                        "another path", path=path)
    if not os.access(folder, os.W_OK):
        raise DataError("cannot be written: its folder is not writable; choose another path",
                        path=path)


def _write_text(path, text):
    try:
        atomic_write_text(path, text)
    except IsADirectoryError:
        raise DataError("is a folder; give a file name", path=path) from None
    except FileNotFoundError:
        raise DataError("cannot be written: its folder does not exist", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be written ({exc.strerror or exc}); choose another path",
                        path=path) from None


def cmd_predict(args, out, log) -> int:
    info = read_model(args.model)
    if args.output:
        _check_writable(args.output)
    names = list(info.get("feature_names") or [])
    D = info["means"].shape[1]
    data = _load(args, log)
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
    sd = info.get("standardization")
    std = Standardizer.from_dict(sd) if sd else Standardizer.identity(D)
    w, m, c = std.to_standard(info["weights"], info["means"], info["covariances"])
    em = engine_from_parameters(w, m, c, info["covariance_type"], path=args.model)
    proba = em.predict_proba(std.transform(X))
    labels = np.argmax(proba, axis=1)
    K = proba.shape[1]
    first = "line" if data.lines is not None else "row"
    index = data.lines if data.lines is not None else np.arange(len(X))
    header = ",".join([first, "label"] + [f"p_{k}" for k in range(K)])
    chunks = [header + "\n"]
    for start in range(0, len(X), 100000):
        stop = min(len(X), start + 100000)
        block = [
            f"{index[i]},{labels[i]}," + ",".join(map(repr, row))
            for i, row in zip(range(start, stop), proba[start:stop].tolist())
        ]
        chunks.append("\n".join(block) + "\n")
    text = "".join(chunks)
    counts = np.bincount(labels, minlength=K)
    summary = (f"{len(X)} rows labelled with {K} components "
               f"({', '.join(f'{k}: {n}' for k, n in enumerate(counts))})")
    if args.output:
        _write_text(args.output, text)
        log.line(f"{summary}; written to {args.output}")
    else:
        out.write(text)
        log.line(summary)
    return EXIT_OK


_COMMANDS = {"fit": cmd_fit, "select": cmd_select, "predict": cmd_predict}


def run_command(argv, stdout=None, stderr=None) -> int:
    """Run ``gmm-explorer fit|select|predict ...`` and return the exit status.

    ``argv`` starts with the command's name (``["fit", "data.csv", "-k", "2"]``).
    """
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    argv = list(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        text = str(exc)
        if argv and argv[0] in _COMMANDS:
            text = text.replace("`gmm-explorer --help`", f"`gmm-explorer {argv[0]} --help`")
        err.write(f"error: {text}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    if args.command is None:
        err.write("error: give a command: fit, select or predict (see `gmm-explorer --help`)\n")
        return EXIT_USAGE
    args.argv = argv
    log = _Log(err, quiet=args.quiet, verbose=getattr(args, "verbose", False))
    try:
        return _COMMANDS[args.command](args, out, log)
    except DataError as exc:
        log.clear()
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except UsageError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except CollapseError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_COLLAPSE
    except LoadCancelled as exc:
        err.write(f"error: {exc}\n")
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        err.write("\nerror: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `gmm-explorer predict ... | head`: the reader left; not an error.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except MemoryError:
        err.write(f"error: {args.data}: not enough memory for this data; use fewer rows or "
                  "columns\n")
        return EXIT_INTERNAL
